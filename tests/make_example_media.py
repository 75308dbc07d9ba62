#!/usr/bin/env python3
"""Draw the example pictures used by pools/all-types.json into pools/media/.

    python3 tests/make_example_media.py

Standard library only (zlib + struct): the pictures are rasterised here with
filled polygons, circles and thick lines, smoothed by supersampling, and written
as PNG (and one GIF89a). The output is deterministic: running the script again
writes the same bytes.

    italy-map.png         Italy and its neighbours, a red dot on Rome
    world-population.png  line graph of the world's population, 1950-2020
    mondrian.gif          a composition in the style of Piet Mondrian
    boat-trip.png         a boat's trip: 4 km east, 3 km north, and the
                          straight way back (a 3-4-5 right triangle)
"""

import struct
import sys
import zlib
from pathlib import Path

MEDIA = Path(__file__).resolve().parent.parent / "pools" / "media"


def rgb(hex_colour):
    h = hex_colour.lstrip("#")
    return bytes((int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)))


# --------------------------------------------------------------------------
# Canvas: an RGB buffer drawn at SS times the final size, then averaged down.

class Canvas:
    def __init__(self, width, height, background, ss=3):
        self.w, self.h, self.ss = width, height, ss
        self.W, self.H = width * ss, height * ss
        self.buf = bytearray(rgb(background) * (self.W * self.H))

    # All drawing coordinates are in final-image pixels (floats allowed).

    def _span(self, y, x0, x1, colour):
        """Fill supersampled row y from x0 to x1 (supersampled, exclusive)."""
        x0 = max(0, x0)
        x1 = min(self.W, x1)
        if x1 > x0:
            i = (y * self.W + x0) * 3
            self.buf[i:i + (x1 - x0) * 3] = colour * (x1 - x0)

    def polygon(self, points, colour):
        """Even-odd scanline fill of a closed polygon."""
        colour = rgb(colour)
        s = self.ss
        pts = [(x * s, y * s) for x, y in points]
        ys = [p[1] for p in pts]
        y_lo = max(0, int(min(ys)))
        y_hi = min(self.H, int(max(ys)) + 1)
        edges = list(zip(pts, pts[1:] + pts[:1]))
        for y in range(y_lo, y_hi):
            cy = y + 0.5
            xs = []
            for (xa, ya), (xb, yb) in edges:
                if (ya <= cy < yb) or (yb <= cy < ya):
                    xs.append(xa + (cy - ya) * (xb - xa) / (yb - ya))
            xs.sort()
            for a, b in zip(xs[0::2], xs[1::2]):
                # pixel centres x + 0.5 inside [a, b)
                self._span(y, int(a + 0.5), int(b + 0.5), colour)

    def rect(self, x0, y0, x1, y1, colour):
        self.polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], colour)

    def ellipse(self, cx, cy, rx, ry, colour):
        colour = rgb(colour)
        s = self.ss
        cx, cy, rx, ry = cx * s, cy * s, rx * s, ry * s
        for y in range(max(0, int(cy - ry)), min(self.H, int(cy + ry) + 1)):
            dy = (y + 0.5 - cy) / ry
            if dy * dy >= 1:
                continue
            half = rx * (1 - dy * dy) ** 0.5
            self._span(y, int(cx - half + 0.5), int(cx + half + 0.5), colour)

    def circle(self, cx, cy, r, colour):
        self.ellipse(cx, cy, r, r, colour)

    def line(self, x0, y0, x1, y1, width, colour, round_caps=True):
        dx, dy = x1 - x0, y1 - y0
        length = (dx * dx + dy * dy) ** 0.5
        if length == 0:
            return
        nx, ny = -dy / length * width / 2, dx / length * width / 2
        self.polygon([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny),
                      (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)], colour)
        if round_caps:
            self.circle(x0, y0, width / 2, colour)
            self.circle(x1, y1, width / 2, colour)

    def polyline(self, points, width, colour):
        for (xa, ya), (xb, yb) in zip(points, points[1:]):
            self.line(xa, ya, xb, yb, width, colour)

    def dashed(self, x0, y0, x1, y1, width, colour, dash=14, gap=10):
        dx, dy = x1 - x0, y1 - y0
        length = (dx * dx + dy * dy) ** 0.5
        pos = 0.0
        while pos < length:
            end = min(pos + dash, length)
            self.line(x0 + dx * pos / length, y0 + dy * pos / length,
                      x0 + dx * end / length, y0 + dy * end / length, width, colour)
            pos = end + gap

    def text(self, x, y, string, scale, colour):
        """5x7 bitmap glyphs; (x, y) is the top-left corner; returns the width."""
        cx = x
        for ch in string:
            glyph = FONT[ch]
            for row, bits in enumerate(glyph):
                for col, bit in enumerate(bits):
                    if bit == "#":
                        self.rect(cx + col * scale, y + row * scale,
                                  cx + (col + 1) * scale, y + (row + 1) * scale, colour)
            cx += 6 * scale
        return cx - x - scale

    def text_width(self, string, scale):
        return len(string) * 6 * scale - scale

    def pixels(self):
        """The final image: each pixel the average of its ss x ss samples."""
        s, W, w, h = self.ss, self.W, self.w, self.h
        n = s * s
        half = n // 2
        out = bytearray(w * h * 3)
        buf = self.buf
        for y in range(h):
            rows = [buf[(y * s + k) * W * 3:(y * s + k + 1) * W * 3] for k in range(s)]
            o = y * w * 3
            for c in range(3):
                # sum the s rows for channel c, then the s columns
                col_sums = [sum(vals) for vals in zip(*[r[c::3] for r in rows])]
                for x in range(w):
                    out[o + x * 3 + c] = (sum(col_sums[x * s:x * s + s]) + half) // n
        return bytes(out)


def north_arrow(c, cx, cy, colour, disc):
    """A disc with an arrow pointing up and an N under it, centred on (cx, cy)."""
    c.circle(cx, cy, 34, disc)
    c.polygon([(cx, cy - 28), (cx + 11, cy + 6), (cx, cy - 1), (cx - 11, cy + 6)], colour)
    top, bottom, half = cy + 10, cy + 25, 6
    c.line(cx - half, bottom, cx - half, top, 3, colour)
    c.line(cx - half, top, cx + half, bottom, 3, colour)
    c.line(cx + half, bottom, cx + half, top, 3, colour)


FONT = {
    "0": [" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
    "1": ["  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
    "2": [" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"],
    "3": ["#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "],
    "4": ["   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "],
    "5": ["#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "],
    "6": ["  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "],
    "7": ["#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "],
    "8": [" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "],
    "9": [" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "],
    "k": ["#    ", "#    ", "#  # ", "# #  ", "##   ", "# #  ", "#  # "],
    "m": ["     ", "     ", "## # ", "# # #", "# # #", "#   #", "#   #"],
    "?": [" ### ", "#   #", "    #", "   # ", "  #  ", "     ", "  #  "],
    " ": ["     "] * 7,
}


# --------------------------------------------------------------------------
# File formats

def png_bytes(width, height, rgb_pixels):
    """An 8-bit PNG: palette (colour type 3) when 256 colours suffice, else RGB."""
    colours = {}
    for i in range(0, len(rgb_pixels), 3):
        colours.setdefault(rgb_pixels[i:i + 3], len(colours))
        if len(colours) > 256:
            break
    rows = []
    if len(colours) <= 256:
        colour_type = 3
        palette = b"".join(colours)
        stride = width * 3
        for y in range(height):
            line = rgb_pixels[y * stride:(y + 1) * stride]
            rows.append(b"\0" + bytes(colours[line[i:i + 3]] for i in range(0, stride, 3)))
    else:
        colour_type = 2
        palette = None
        stride = width * 3
        for y in range(height):
            rows.append(b"\0" + rgb_pixels[y * stride:(y + 1) * stride])

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0))
    if palette is not None:
        out += chunk(b"PLTE", palette)
    out += chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
    out += chunk(b"IEND", b"")
    return out


def lzw_encode(indices, min_code_size):
    """GIF LZW: variable-width codes (up to 12 bits), packed LSB first."""
    clear, eoi = 1 << min_code_size, (1 << min_code_size) + 1
    out = bytearray()
    acc = nbits = 0

    def emit(code, size):
        nonlocal acc, nbits
        acc |= code << nbits
        nbits += size
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8

    def reset():
        return {}, eoi + 1, min_code_size + 1

    table, next_code, size = reset()
    emit(clear, size)
    prefix = indices[0]
    for k in indices[1:]:
        key = (prefix << 8) | k
        code = table.get(key)
        if code is not None:
            prefix = code
            continue
        emit(prefix, size)
        table[key] = next_code
        next_code += 1
        if next_code == 4096:
            emit(clear, size)
            table, next_code, size = reset()
        elif next_code > (1 << size):
            size += 1
        prefix = k
    emit(prefix, size)
    # The decoder adds one more entry after reading that code; follow it.
    if next_code + 1 > (1 << size) and size < 12:
        size += 1
    emit(eoi, size)
    if nbits:
        out.append(acc & 0xFF)
    return bytes(out)


def gif_bytes(width, height, palette, indices):
    """A GIF89a with one global palette of 2**n colours and one frame."""
    bits = max(1, (len(palette) - 1).bit_length())
    palette = list(palette) + [b"\0\0\0"] * ((1 << bits) - len(palette))
    min_code_size = max(2, bits)
    data = lzw_encode(indices, min_code_size)
    out = bytearray(b"GIF89a")
    out += struct.pack("<HHBBB", width, height, 0x80 | ((bits - 1) << 4) | (bits - 1), 0, 0)
    out += b"".join(palette)
    out += b"," + struct.pack("<HHHHB", 0, 0, width, height, 0)
    out.append(min_code_size)
    for i in range(0, len(data), 255):
        block = data[i:i + 255]
        out.append(len(block))
        out += block
    out += b"\0;"
    return bytes(out)


# --------------------------------------------------------------------------
# 1. Italy and its neighbours, Rome marked

# (longitude, latitude) outlines, simplified by hand.
FR_IT = [(7.52, 43.78), (7.55, 43.85), (7.70, 44.10), (7.00, 44.23), (6.85, 44.50),
         (7.00, 44.70), (6.75, 44.93), (6.63, 45.10), (6.93, 45.22), (7.10, 45.47),
         (6.88, 45.68), (6.87, 45.83)]
CH_IT = [(6.87, 45.83), (7.05, 45.93), (7.85, 45.92), (8.10, 46.25), (8.42, 46.46),
         (8.72, 46.10), (8.90, 45.95), (9.03, 45.83), (9.05, 46.00), (9.30, 46.50),
         (9.55, 46.30), (10.15, 46.23), (10.10, 46.60), (10.45, 46.55), (10.47, 46.85)]
AT_IT = [(10.47, 46.85), (11.00, 46.77), (11.50, 47.00), (12.20, 47.08), (12.40, 46.70),
         (13.00, 46.60), (13.70, 46.52)]
SI_IT = [(13.70, 46.52), (13.50, 46.20), (13.63, 45.94), (13.60, 45.86), (13.88, 45.65),
         (13.72, 45.59)]
CH_FR = [(6.87, 45.83), (6.80, 46.15), (6.80, 46.40), (6.50, 46.45), (6.20, 46.30),
         (5.96, 46.14), (6.10, 46.60), (6.45, 46.95), (6.95, 47.30), (7.15, 47.50),
         (7.60, 47.58)]
CH_AT = [(10.47, 46.85), (9.87, 46.95), (9.60, 47.05), (9.55, 47.50)]
AT_SI = [(13.70, 46.52), (14.50, 46.42), (15.00, 46.60), (15.65, 46.70), (16.00, 46.85)]

FR_COAST = [(2.80, 41.65), (3.20, 41.90), (3.18, 42.25), (3.32, 42.32), (3.17, 42.43),
            (3.05, 42.70), (3.20, 43.15), (3.50, 43.28), (3.70, 43.40), (4.10, 43.55),
            (4.60, 43.35), (4.90, 43.40), (5.35, 43.30), (5.93, 43.10), (6.20, 43.10),
            (6.65, 43.27), (7.00, 43.55), (7.27, 43.70), (7.52, 43.78)]
IT_COAST = [
    (7.52, 43.78), (8.00, 43.88), (8.22, 44.05), (8.48, 44.30), (8.93, 44.41),
    (9.20, 44.32), (9.40, 44.27), (9.83, 44.07), (10.00, 44.03), (10.24, 43.87),
    (10.31, 43.55), (10.45, 43.30), (10.52, 42.93), (10.75, 42.90), (10.98, 42.70),
    (11.10, 42.42), (11.30, 42.40), (11.60, 42.30), (11.80, 42.10), (12.05, 41.95),
    (12.28, 41.73), (12.62, 41.44), (13.05, 41.22), (13.25, 41.28), (13.57, 41.21),
    (13.95, 41.02), (14.10, 40.82), (14.25, 40.84), (14.45, 40.75), (14.48, 40.70),
    (14.37, 40.63), (14.33, 40.57), (14.48, 40.62), (14.60, 40.63), (14.77, 40.68),
    (14.95, 40.50), (14.90, 40.25), (15.28, 40.03), (15.63, 40.07), (15.78, 39.90),
    (15.85, 39.50), (16.03, 39.36), (16.10, 39.00), (16.20, 38.83), (15.83, 38.62),
    (15.90, 38.43), (15.72, 38.25), (15.64, 38.22), (15.65, 38.10), (15.68, 37.95),
    (16.06, 37.92), (16.18, 38.15), (16.55, 38.68), (16.62, 38.82), (17.10, 38.90),
    (17.20, 39.03), (17.13, 39.08), (17.15, 39.38), (17.17, 39.40), (16.90, 39.55),
    (16.52, 39.72), (16.53, 39.87), (16.62, 40.10), (16.82, 40.36), (17.22, 40.46),
    (17.50, 40.30), (17.90, 40.25), (17.99, 40.06), (18.20, 39.85), (18.36, 39.80),
    (18.45, 39.95), (18.49, 40.15), (18.30, 40.40), (18.10, 40.50), (17.95, 40.65),
    (17.55, 40.82), (17.30, 40.95), (16.87, 41.13), (16.60, 41.20), (16.28, 41.32),
    (15.92, 41.63), (16.05, 41.70), (16.10, 41.70), (16.18, 41.88), (16.02, 41.95),
    (15.88, 41.93), (15.35, 41.92), (15.00, 42.00), (14.71, 42.12), (14.40, 42.35),
    (14.22, 42.47), (13.96, 42.75), (13.88, 42.95), (13.80, 43.18), (13.62, 43.55),
    (13.50, 43.62), (13.22, 43.72), (12.90, 43.92), (12.57, 44.06), (12.35, 44.27),
    (12.28, 44.42), (12.30, 44.70), (12.53, 44.96), (12.28, 45.20), (12.35, 45.42),
    (12.63, 45.50), (12.88, 45.60), (13.13, 45.65), (13.38, 45.68), (13.53, 45.80),
    (13.60, 45.77), (13.77, 45.65), (13.72, 45.59)]
BALKAN_COAST = [
    (13.72, 45.59), (13.73, 45.55), (13.57, 45.52), (13.52, 45.43), (13.60, 45.22),
    (13.63, 45.08), (13.85, 44.87), (13.90, 44.77), (14.10, 45.05), (14.30, 45.35),
    (14.43, 45.33), (14.70, 45.17), (14.90, 45.00), (15.10, 44.60), (15.23, 44.12),
    (15.90, 43.73), (16.25, 43.52), (16.44, 43.50), (17.02, 43.30), (17.43, 43.05),
    (17.80, 42.90), (18.10, 42.65), (18.55, 42.45), (18.70, 42.40), (18.85, 42.28),
    (19.10, 42.10), (19.20, 41.93), (19.58, 41.80), (19.45, 41.32), (19.50, 40.90),
    (19.45, 40.45), (19.32, 40.40), (19.50, 40.20), (19.80, 40.05), (20.00, 39.87),
    (20.20, 39.60), (20.27, 39.50), (20.40, 39.28), (20.75, 38.95), (21.10, 38.60),
    (21.40, 38.35), (21.77, 38.33), (22.30, 38.35)]
SLOVENIA_REST = [(16.60, 46.48), (16.30, 46.35), (15.70, 46.20), (15.70, 45.85),
                 (15.35, 45.73), (15.20, 45.45), (14.60, 45.60), (14.10, 45.47),
                 (13.90, 45.45), (13.55, 45.48), (13.57, 45.52), (13.73, 45.55)]
AFRICA = [(2.50, 36.70), (3.05, 36.75), (3.90, 36.92), (4.40, 36.90), (5.08, 36.75),
          (5.65, 36.80), (6.30, 36.90), (6.47, 37.09), (6.57, 37.00), (6.90, 36.88),
          (7.17, 37.08), (7.50, 36.95), (7.77, 36.90), (8.45, 36.90), (8.75, 36.96),
          (9.20, 37.23), (9.85, 37.34), (10.20, 37.15), (10.27, 37.18), (10.30, 36.85),
          (10.50, 36.75), (10.90, 37.00), (11.05, 37.08), (11.10, 36.85), (10.73, 36.45),
          (10.60, 36.40), (10.62, 35.50), (2.50, 35.50)]
PELOPONNESE = [(21.78, 38.30), (21.60, 38.15), (21.38, 38.17), (21.13, 37.93),
               (21.30, 37.80), (21.45, 37.67), (21.67, 37.25), (21.67, 36.92),
               (21.70, 36.82), (21.88, 36.72), (22.50, 36.50), (23.00, 37.00),
               (23.00, 38.10), (22.00, 38.15)]
SICILY = [(15.55, 38.20), (15.65, 38.27), (15.25, 38.27), (14.75, 38.15), (14.02, 38.04),
          (13.35, 38.12), (12.73, 38.18), (12.50, 38.02), (12.43, 37.80), (12.60, 37.65),
          (13.08, 37.50), (13.58, 37.27), (13.93, 37.10), (14.25, 37.06), (15.13, 36.69),
          (15.29, 37.07), (15.22, 37.23), (15.09, 37.50), (15.30, 37.85)]
SARDINIA = [(9.15, 41.25), (9.38, 41.18), (9.55, 40.92), (9.83, 40.53), (9.72, 40.38),
            (9.70, 39.93), (9.52, 39.10), (9.10, 39.20), (8.85, 38.87), (8.64, 38.87),
            (8.40, 39.05), (8.40, 39.40), (8.45, 39.85), (8.48, 40.30), (8.30, 40.57),
            (8.16, 40.56), (8.13, 40.73), (8.25, 41.07), (8.22, 40.95), (8.40, 40.84),
            (8.71, 40.91), (9.19, 41.24)]
CORSICA = [(9.40, 43.00), (9.45, 42.70), (9.55, 42.10), (9.40, 41.85), (9.28, 41.59),
           (9.16, 41.39), (8.80, 41.55), (8.90, 41.67), (8.73, 41.92), (8.60, 42.10),
           (8.70, 42.27), (8.75, 42.57), (8.94, 42.63), (9.30, 42.68), (9.35, 42.95)]
ITALIAN_ISLANDS = [
    [(10.10, 42.78), (10.30, 42.85), (10.45, 42.80), (10.38, 42.72), (10.15, 42.74)],  # Elba
]
OTHER_ISLANDS = [
    [(3.80, 40.00), (4.00, 40.07), (4.30, 39.88), (4.10, 39.82), (3.83, 39.93)],  # Menorca
    [(2.35, 39.60), (2.90, 39.90), (3.20, 39.96), (3.15, 39.82), (3.47, 39.70),
     (3.30, 39.42), (3.05, 39.27), (2.75, 39.50), (2.65, 39.57), (2.50, 39.50)],  # Mallorca
    [(14.48, 45.23), (14.60, 45.25), (14.82, 45.10), (14.65, 45.00), (14.50, 45.10)],  # Krk
    [(14.30, 45.13), (14.38, 45.18), (14.45, 44.95), (14.45, 44.60), (14.35, 44.60),
     (14.35, 44.90)],  # Cres
    [(16.40, 43.38), (16.85, 43.33), (16.80, 43.27), (16.45, 43.28)],  # Brac
    [(16.40, 43.20), (17.20, 43.13), (17.15, 43.08), (16.45, 43.12)],  # Hvar
    [(16.70, 42.97), (17.20, 42.98), (17.20, 42.92), (16.70, 42.92)],  # Korcula
    [(19.65, 39.75), (19.95, 39.80), (20.10, 39.65), (20.00, 39.42), (19.85, 39.45),
     (19.85, 39.60)],  # Corfu
    [(20.60, 38.83), (20.72, 38.85), (20.72, 38.62), (20.60, 38.60)],  # Lefkada
    [(20.35, 38.30), (20.55, 38.50), (20.65, 38.45), (20.80, 38.10), (20.45, 38.10)],  # Kefalonia
    [(20.62, 37.88), (20.72, 37.93), (20.98, 37.72), (20.85, 37.65), (20.70, 37.75)],  # Zakynthos
]
LAKES = [
    [(6.20, 46.30), (6.50, 46.45), (6.80, 46.40), (6.90, 46.38), (6.60, 46.33),
     (6.30, 46.25), (6.15, 46.20)],  # Geneva
    [(10.82, 45.88), (10.86, 45.85), (10.72, 45.62), (10.75, 45.47), (10.60, 45.43),
     (10.50, 45.48), (10.62, 45.60), (10.80, 45.85)],  # Garda
    [(9.38, 46.17), (9.30, 45.95), (9.12, 45.80), (9.06, 45.84), (9.22, 45.97),
     (9.31, 46.17)],  # Como
    [(8.85, 46.18), (8.80, 46.17), (8.55, 45.87), (8.58, 45.72), (8.65, 45.72),
     (8.64, 45.88), (8.88, 46.10)],  # Maggiore
]
RIVERS = [
    [(7.10, 44.70), (7.45, 44.85), (7.70, 45.07), (8.50, 45.12), (9.20, 45.10),
     (9.70, 45.05), (10.02, 45.13), (10.80, 45.00), (11.60, 44.95), (12.30, 44.95)],  # Po
    [(12.00, 43.80), (12.25, 43.30), (12.40, 42.90), (12.55, 42.40), (12.50, 42.05),
     (12.48, 41.90), (12.25, 41.74)],  # Tiber, through Rome
    [(11.80, 43.80), (11.25, 43.77), (10.80, 43.70), (10.40, 43.72), (10.30, 43.68)],  # Arno
]
ROME = (12.50, 41.90)

MAP_W, MAP_H = 760, 600
LON0, LAT1 = 3.0, 47.3           # top-left corner
COS_LAT = 0.745                  # cos(41.85 deg), the map's middle latitude
SCALE = MAP_H / (47.3 - 36.2)    # pixels per degree of latitude


def project(lon, lat):
    return ((lon - LON0) * COS_LAT * SCALE, (LAT1 - lat) * SCALE)


def proj(points):
    return [project(lon, lat) for lon, lat in points]


def outline(c, points, width, colour, closed=True):
    pts = proj(points)
    if closed:
        pts = pts + pts[:1]
    c.polyline(pts, width, colour)


def draw_map():
    sea, sea_line, coast = "#a9d3ea", "#bcdff0", "#5a7d8c"
    land, border = "#ece6d6", "#8a8272"
    c = Canvas(MAP_W, MAP_H, sea)
    # a faint graticule every 2 degrees
    for lon in range(4, 23, 2):
        x, _ = project(lon, 0)
        c.line(x, 0, x, MAP_H, 1.2, sea_line, round_caps=False)
    for lat in range(38, 48, 2):
        _, y = project(0, lat)
        c.line(0, y, MAP_W, y, 1.2, sea_line, round_caps=False)

    mainland = (FR_COAST + IT_COAST[1:] + BALKAN_COAST[1:]
                + [(23.0, 38.3), (23.0, 48.5), (2.0, 48.5), (2.0, 41.0)])
    for poly in (mainland, AFRICA, PELOPONNESE):
        c.polygon(proj(poly), land)
    for poly in OTHER_ISLANDS:
        c.polygon(proj(poly), land)

    france = ([(1.7, 42.5), (2.5, 42.35)] + FR_COAST[4:] + FR_IT[1:] + CH_FR[1:]
              + [(7.6, 48.5), (2.0, 48.5)])
    switzerland = CH_IT + CH_AT[1:] + [(8.6, 47.8)] + CH_FR[::-1][:-1]
    austria = (AT_IT + AT_SI[1:] + [(16.5, 47.0), (16.45, 47.7), (13.0, 48.5), (9.6, 48.5)]
               + CH_AT[::-1])
    slovenia = AT_SI + SLOVENIA_REST + SI_IT[::-1][:-1]
    italy = IT_COAST + SI_IT[::-1][1:] + AT_IT[::-1][1:] + CH_IT[::-1][1:] + FR_IT[::-1][1:]

    c.polygon(proj(france), "#d9c6e8")
    c.polygon(proj(CORSICA), "#d9c6e8")
    c.polygon(proj(switzerland), "#f4c7b8")
    c.polygon(proj(austria), "#f6e3a1")
    c.polygon(proj(slovenia), "#bfe3c0")
    italy_colour = "#9fd08c"
    for poly in [italy, SICILY, SARDINIA] + ITALIAN_ISLANDS:
        c.polygon(proj(poly), italy_colour)

    for lake in LAKES:
        c.polygon(proj(lake), sea)
    c.ellipse(*project(12.10, 43.14), 4, 3.5, sea)  # Lake Trasimeno
    for river in RIVERS:
        c.polyline(proj(river), 2.2, "#6fb1d6")

    # land borders
    for seg in (FR_IT, CH_IT, AT_IT, SI_IT, CH_FR, CH_AT, AT_SI, SLOVENIA_REST[:-2],
                [(16.0, 46.85), (16.6, 46.48)],
                [(3.17, 42.43), (2.5, 42.35), (1.7, 42.5)],             # France-Spain
                [(8.62, 36.94), (8.3, 36.0)]):                          # Algeria-Tunisia
        outline(c, seg, 1.6, border, closed=False)
    # coastlines: open where the land runs off the picture, closed round islands
    for seg in (FR_COAST + IT_COAST[1:] + BALKAN_COAST[1:], AFRICA[:-2],
                PELOPONNESE[-1:] + PELOPONNESE[:11]):
        outline(c, seg, 1.4, coast, closed=False)
    for poly in [SICILY, SARDINIA, CORSICA] + ITALIAN_ISLANDS + OTHER_ISLANDS + LAKES:
        outline(c, poly, 1.4, coast)
    # the marked city
    x, y = project(*ROME)
    c.circle(x, y, 13, "#ffffff")
    c.circle(x, y, 10.5, "#7a1010")
    c.circle(x, y, 9, "#e0262b")
    c.circle(x - 2.5, y - 2.5, 2.5, "#f07c7e")

    north_arrow(c, MAP_W - 50, 50, "#34495e", "#f8f5ec")
    return c


# --------------------------------------------------------------------------
# 2. World population 1950-2020 (UN World Population Prospects 2022, billions)

POPULATION = [(1950, 2.5), (1960, 3.0), (1970, 3.7), (1980, 4.4), (1990, 5.3),
              (2000, 6.1), (2010, 7.0), (2020, 7.8)]


def draw_population():
    w, h = 720, 450
    c = Canvas(w, h, "#fbfaf6")
    left, right, top, bottom = 70, w - 40, 30, h - 60

    def xy(year, value):
        return (left + (year - 1945) * (right - left) / 80,
                bottom - value * (bottom - top) / 9)

    c.rect(left, top, right, bottom, "#ffffff")
    for v in range(9):                      # half-way lines, fainter
        _, y = xy(1950, v + 0.5)
        c.line(left, y, right, y, 1, "#eef0f3", round_caps=False)
    for v in range(10):
        _, y = xy(1950, v)
        c.line(left, y, right, y, 1.5 if v else 2.5, "#d9dde3" if v else "#7b8794",
               round_caps=False)
        label = str(v)
        c.text(left - 14 - c.text_width(label, 3), y - 10.5, label, 3, "#52606d")
    for year, _ in POPULATION:
        x, _ = xy(year, 0)
        c.line(x, bottom, x, bottom + 8, 2, "#7b8794", round_caps=False)
        label = str(year)
        c.text(x - c.text_width(label, 2) / 2, bottom + 16, label, 2, "#52606d")
    c.line(left, top, left, bottom, 2.5, "#7b8794", round_caps=False)

    points = [xy(year, value) for year, value in POPULATION]
    area = points + [(points[-1][0], bottom), (points[0][0], bottom)]
    c.polygon(area, "#cfe8f3")
    c.polyline(points, 5, "#1f7a9c")
    for x, y in points:
        c.circle(x, y, 8, "#1f7a9c")
        c.circle(x, y, 4.5, "#ffffff")

    # a little crowd in the top-left corner: "people"
    for i, colour in enumerate(["#e07a5f", "#3d405b", "#81b29a", "#f2cc8f"]):
        px = left + 34 + i * 26
        py = top + 34
        c.circle(px, py - 14, 7, colour)
        c.polygon([(px - 10, py + 16), (px - 9, py - 1), (px - 4, py - 5), (px + 4, py - 5),
                   (px + 9, py - 1), (px + 10, py + 16)], colour)
    return c


# --------------------------------------------------------------------------
# 3. In the style of Piet Mondrian (GIF, palette, no smoothing needed)

def draw_mondrian():
    w, h = 600, 480
    palette = [rgb("#f4f1e8"), rgb("#111111"), rgb("#d7262b"), rgb("#1d4e9e"),
               rgb("#f3c614"), rgb("#e4e1d8")]
    WHITE, BLACK, RED, BLUE, YELLOW, GREY = range(6)
    px = bytearray([WHITE]) * (w * h)

    def fill(x0, y0, x1, y1, colour):
        for y in range(max(0, y0), min(h, y1)):
            px[y * w + max(0, x0):y * w + min(w, x1)] = bytes([colour]) * (min(w, x1) - max(0, x0))

    fill(170, 0, 600, 330, RED)
    fill(0, 330, 170, 480, BLUE)
    fill(520, 405, 600, 480, YELLOW)
    fill(0, 150, 170, 330, GREY)
    t = 14
    fill(170 - t // 2, 0, 170 + t // 2, 480, BLACK)      # vertical lines
    fill(520 - t // 2, 330, 520 + t // 2, 480, BLACK)
    fill(0, 150 - t // 2, 170, 150 + t // 2, BLACK)      # horizontal lines
    fill(0, 330 - t // 2, 600, 330 + t // 2, BLACK)
    fill(520, 405 - 5, 600, 405 + 5, BLACK)
    return w, h, palette, bytes(px)


# --------------------------------------------------------------------------
# 4. A boat's trip: 4 km east, then 3 km north (100 px per km)

def draw_boat():
    w, h = 720, 460
    c = Canvas(w, h, "#8fcbe8")
    # gentle waves
    for row in range(7):
        for col in range(9):
            x = 40 + col * 84 + (row % 2) * 42
            y = 30 + row * 64
            c.polyline([(x, y), (x + 8, y - 5), (x + 16, y), (x + 24, y - 5), (x + 32, y)],
                       2.2, "#a9d8ee")
    sx, sy = 130, 390            # start
    cx, cy = sx + 400, sy        # corner
    ex, ey = cx, sy - 300        # end

    # the harbour island at the start
    c.ellipse(sx - 40, sy + 30, 110, 60, "#e9d9a6")
    c.ellipse(sx - 55, sy + 40, 80, 40, "#7fb069")
    c.rect(sx - 6, sy - 4, sx + 40, sy + 6, "#8d6e52")     # a small pier
    c.circle(sx, sy, 8, "#ffffff")
    c.circle(sx, sy, 5, "#2d3142")

    # the two legs sailed, and the straight way back
    c.dashed(sx + 14, sy, cx, cy, 5, "#ffffff")
    c.dashed(cx, cy, ex, ey + 30, 5, "#ffffff")
    c.dashed(sx + 10, sy - 7.5, ex - 22, ey + 16.5, 5, "#f28c28", dash=10, gap=9)
    # right-angle mark
    c.polyline([(cx - 26, cy), (cx - 26, cy - 26), (cx, cy - 26)], 3, "#2d3142")

    # labels: 4 km, 3 km and ?
    c.text((sx + cx) / 2 - c.text_width("4 km", 4) / 2, sy + 18, "4 km", 4, "#1b2a41")
    c.text(cx + 22, (cy + ey) / 2 - 14, "3 km", 4, "#1b2a41")
    qx, qy = (sx + ex) / 2 - 34, (sy + ey) / 2 - 40
    c.circle(qx + 8.5, qy + 18, 26, "#fff4e0")
    c.text(qx, qy + 4, "?", 4, "#d9480f")

    # the boat at the end
    c.polygon([(ex - 42, ey + 4), (ex + 42, ey + 4), (ex + 28, ey + 24), (ex - 28, ey + 24)],
              "#b23a48")
    c.rect(ex - 2.5, ey - 62, ex + 2.5, ey + 4, "#4a4e69")
    c.polygon([(ex + 3, ey - 60), (ex + 3, ey - 4), (ex + 40, ey - 4)], "#ffffff")
    c.polygon([(ex - 3, ey - 50), (ex - 3, ey - 4), (ex - 30, ey - 4)], "#f1f1f1")
    c.polygon([(ex - 2, ey - 62), (ex + 16, ey - 56), (ex - 2, ey - 50)], "#f28c28")

    north_arrow(c, 56, 56, "#1b2a41", "#e8f4fa")
    return c


def main():
    MEDIA.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in (("italy-map.png", draw_map),
                       ("world-population.png", draw_population),
                       ("boat-trip.png", draw_boat)):
        canvas = draw()
        data = png_bytes(canvas.w, canvas.h, canvas.pixels())
        (MEDIA / name).write_bytes(data)
        written.append((name, len(data)))
    w, h, palette, indices = draw_mondrian()
    data = gif_bytes(w, h, palette, indices)
    (MEDIA / "mondrian.gif").write_bytes(data)
    written.append(("mondrian.gif", len(data)))
    for name, size in written:
        print(f"pools/media/{name}: {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
