"""A minimal blocking RFC 6455 WebSocket client for tests, on the stdlib only.

One thread may read (recv_json, recv_until, wait_closed) while another sends:
sends are serialised by a lock, and reading waits with select() instead of
socket timeouts so a short read timeout never cuts a concurrent send short.
"""

import base64
import hashlib
import json
import os
import select
import socket
import struct
import threading
import time
from urllib.parse import urlsplit

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

OP_CONTINUATION = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA


class WSClosed(Exception):
    """The server closed the socket; code is None without a close code."""

    def __init__(self, code, reason=""):
        super().__init__(f"websocket closed: code={code} reason={reason!r}")
        self.code = code
        self.reason = reason


class WSHandshakeError(Exception):
    """The server did not upgrade the connection (status is its HTTP status)."""

    def __init__(self, status, headers, body):
        super().__init__(f"websocket handshake refused: HTTP {status}")
        self.status = status
        self.headers = headers
        self.body = body


def accept_key(key):
    """The Sec-WebSocket-Accept value a server must answer to `key`."""
    digest = hashlib.sha1((key + _GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def mask_payload(payload, key):
    """XOR payload with the 4-byte key; one big-int XOR is fast for 64 KiB+."""
    n = len(payload)
    if n == 0:
        return b""
    stream = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")


def encode_frame(opcode, payload, fin=True, mask_key=None):
    """One frame; masked when mask_key (4 bytes) is given, as clients must."""
    first = (0x80 if fin else 0) | opcode
    mask_bit = 0x80 if mask_key else 0
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", first, mask_bit | n)
    elif n < 1 << 16:
        header = struct.pack("!BBH", first, mask_bit | 126, n)
    else:
        header = struct.pack("!BBQ", first, mask_bit | 127, n)
    if mask_key:
        return header + mask_key + mask_payload(payload, mask_key)
    return header + payload


def parse_frame(buf):
    """(fin, opcode, payload, frame_length) of the frame at the start of buf,
    or None while buf does not yet hold all of it."""
    if len(buf) < 2:
        return None
    first, second = buf[0], buf[1]
    length = second & 0x7F
    pos = 2
    if length == 126:
        if len(buf) < 4:
            return None
        (length,) = struct.unpack_from("!H", buf, 2)
        pos = 4
    elif length == 127:
        if len(buf) < 10:
            return None
        (length,) = struct.unpack_from("!Q", buf, 2)
        pos = 10
    key = None
    if second & 0x80:
        if len(buf) < pos + 4:
            return None
        key = bytes(buf[pos:pos + 4])
        pos += 4
    if len(buf) < pos + length:
        return None
    payload = bytes(buf[pos:pos + length])
    if key:
        payload = mask_payload(payload, key)
    return bool(first & 0x80), first & 0x0F, payload, pos + length


class WSClient:
    """A connected client socket; build one with WSClient.connect(url, ...)."""

    def __init__(self, sock, leftover, response_headers):
        self.sock = sock
        self.response_headers = response_headers
        self.seen = []              # every message received, in order
        self.closed_code = None     # the server's close code, once closed
        self.closed = False
        self._close_reason = ""
        self._buf = bytearray(leftover)
        self._fragments = []        # payloads of a message still arriving
        self._send_lock = threading.Lock()
        self._close_sent = False

    @classmethod
    def connect(cls, url, cookie=None, origin=None, timeout=5.0, early=b""):
        """early: bytes sent in the same write as the request, before the answer."""
        parts = urlsplit(url)
        if parts.scheme != "ws":
            raise ValueError(f"only ws:// URLs are supported, not {url!r}")
        port = parts.port or 80
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        key = base64.b64encode(os.urandom(16)).decode("ascii")
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {parts.hostname}:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        if origin:
            lines.append(f"Origin: {origin}")
        sock = socket.create_connection((parts.hostname, port), timeout=timeout)
        try:
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + early)
            status, headers, rest = _read_http_response_head(sock, time.monotonic() + timeout)
            if status != 101:
                raise WSHandshakeError(status, headers, rest)
            if headers.get("sec-websocket-accept") != accept_key(key):
                raise WSHandshakeError(status, headers, b"bad Sec-WebSocket-Accept")
        except BaseException:
            sock.close()
            raise
        sock.settimeout(timeout)  # bounds sendall; reads wait in select()
        return cls(sock, rest, headers)

    # Sending ---------------------------------------------------------------

    def send_raw_frame(self, opcode, payload, fin=True):
        frame = encode_frame(opcode, payload, fin=fin, mask_key=os.urandom(4))
        with self._send_lock:
            self.sock.sendall(frame)

    def send_text(self, text):
        self.send_raw_frame(OP_TEXT, text.encode("utf-8"))

    def send_json(self, obj):
        self.send_text(json.dumps(obj))

    # Receiving -------------------------------------------------------------

    def recv_json(self, timeout=5.0):
        """The next message, parsed; raises WSClosed, TimeoutError, or
        ValueError for a message that is not JSON."""
        deadline = time.monotonic() + timeout
        while True:
            fin, opcode, payload = self._recv_frame(deadline)
            if opcode == OP_PING:
                self._send_control(OP_PONG, payload)
            elif opcode == OP_CLOSE:
                self._on_close_frame(payload)
            elif opcode in (OP_TEXT, OP_BINARY, OP_CONTINUATION):
                self._fragments.append(payload)
                if fin:
                    data = b"".join(self._fragments)
                    self._fragments = []
                    message = json.loads(data.decode("utf-8"))
                    self.seen.append(message)
                    return message
            # a pong (or a reserved opcode) carries nothing for the caller

    def recv_until(self, type_, timeout=5.0):
        """The first message of that type; the ones before it stay in .seen."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.recv_json(max(0.0, deadline - time.monotonic()))
            if isinstance(message, dict) and message.get("type") == type_:
                return message

    def wait_closed(self, timeout=5.0):
        """Discard messages until the server closes; returns its close code."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                self.recv_json(max(0.0, deadline - time.monotonic()))
        except WSClosed as closed:
            return closed.code

    # Closing ---------------------------------------------------------------

    def close(self, code=1000):
        """Send a close frame, give the server a moment to answer, hang up."""
        if not self.closed:
            try:
                self._send_control(OP_CLOSE, struct.pack("!H", code))
                self.wait_closed(timeout=1.0)
            except (OSError, TimeoutError, ValueError):
                pass  # the server is gone, slow or garbled; we hang up regardless
        self._finish(None, "closed by client")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # Internals -------------------------------------------------------------

    def _send_control(self, opcode, payload):
        if opcode == OP_CLOSE:
            if self._close_sent:
                return
            self._close_sent = True
        self.send_raw_frame(opcode, payload)

    def _on_close_frame(self, payload):
        code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
        reason = payload[2:].decode("utf-8", "replace")
        try:
            # RFC 6455 5.5.1: answer a close with a close (echoing its code)
            self._send_control(OP_CLOSE, payload[:2])
        except OSError:
            pass
        self._finish(code, reason)
        raise WSClosed(code, reason)

    def _finish(self, code, reason):
        """Record how the socket ended (once) and release it."""
        if not self.closed:
            self.closed = True
            self.closed_code = code
            self._close_reason = reason
            self.sock.close()

    def _recv_frame(self, deadline):
        """The next whole frame; bytes stay buffered across a timeout, so a
        TimeoutError never loses or splits a frame."""
        while True:
            if self.closed:
                raise WSClosed(self.closed_code, self._close_reason)
            frame = parse_frame(self._buf)
            if frame:
                fin, opcode, payload, used = frame
                del self._buf[:used]
                return fin, opcode, payload
            self._fill(deadline)

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([self.sock], [], [], remaining)[0]:
            raise TimeoutError("no websocket message before the timeout")
        try:
            chunk = self.sock.recv(65536)
        except (ConnectionError, OSError):
            chunk = b""
        if not chunk:
            self._finish(None, "connection ended")
            raise WSClosed(None, "connection ended")
        self._buf += chunk


def _read_http_response_head(sock, deadline):
    """(status, lower-cased headers, bytes after the head) of an HTTP reply."""
    data = b""
    while b"\r\n\r\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no websocket handshake answer before the timeout")
        sock.settimeout(remaining)
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError(f"connection closed during handshake: {data!r}")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split()[1])
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, rest
