"""quizbox's WebSocket frame reader, in-process on a gevent socket pair: frames
together, in pieces, in fragments, too large, broken; on gevent's own socket
and on one without the internals the reader uses to wait before reading.
(The same reader is driven through a real server in test_hostile.py.)"""

import logging
import os
import socket
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
gevent = pytest.importorskip("gevent")
import gevent.socket  # noqa: E402

import quizbox  # noqa: E402
from wsclient import OP_BINARY, OP_CLOSE, OP_CONTINUATION, OP_PING, OP_PONG, OP_TEXT  # noqa: E402
from wsclient import encode_frame, parse_frame  # noqa: E402


LOG = logging.getLogger("test_reader")


class PublicOnly:
    """A socket with gevent's public face only (no _wait, _read_event, _sock)."""

    def __init__(self, sock):
        self._inner = sock

    def recv_into(self, buffer):
        return self._inner.recv_into(buffer)

    def sendall(self, data):
        return self._inner.sendall(data)


def reader_pair(public_only=False):
    """(server-side BoundedWebSocket, client socket)."""
    server, client = gevent.socket.socketpair()
    sock = PublicOnly(server) if public_only else server
    handler = SimpleNamespace(socket=sock, rfile=server.makefile("rb", 1024),
                              server=SimpleNamespace(application=None), logger=LOG)
    ws = quizbox.BoundedWebSocket(None, SimpleNamespace(read=None, write=sock.sendall), handler)
    return ws, client


def masked(opcode, payload, fin=True):
    return encode_frame(opcode, payload, fin=fin, mask_key=os.urandom(4))


def replies(client, until):
    """The frames the server wrote back, as (opcode, payload), up to one of opcode until."""
    client.settimeout(5)
    data, frames = b"", []
    while not any(opcode == until for opcode, _ in frames):
        chunk = client.recv(65536)
        assert chunk, f"the stream ended before a frame of opcode {until}: {frames}"
        data += chunk
        while (parsed := parse_frame(data)) is not None:
            fin, opcode, payload, size = parsed
            frames.append((opcode, payload))
            data = data[size:]
    return frames


@pytest.fixture(params=[False, True], ids=["gevent-socket", "public-recv-only"])
def pair(request):
    ws, client = reader_pair(public_only=request.param)
    yield ws, client
    client.close()


def test_frames_sent_together_come_out_one_by_one(pair):
    ws, client = pair
    client.sendall(b"".join(masked(OP_TEXT, f'{{"n":{i}}}'.encode()) for i in range(5)))
    assert [ws.receive() for _ in range(5)] == [f'{{"n":{i}}}' for i in range(5)]


def test_a_frame_in_single_bytes_comes_out_whole(pair):
    ws, client = pair
    frame = masked(OP_TEXT, "é, ünïcode ✓".encode())

    def trickle():
        for byte in frame:
            client.sendall(bytes([byte]))
            gevent.sleep(0.001)
    sender = gevent.spawn(trickle)
    assert ws.receive() == "é, ünïcode ✓"
    sender.join()


@pytest.mark.parametrize("size", [125, 126, 65535, 65536])
def test_every_length_encoding(pair, size):
    ws, client = pair
    gevent.spawn(client.sendall, masked(OP_TEXT, b"x" * size))
    assert ws.receive() == "x" * size


def test_fragments_with_a_ping_between_are_one_message_and_the_ping_is_answered(pair):
    ws, client = pair
    client.sendall(masked(OP_TEXT, b'{"a":', fin=False) + masked(OP_PING, b"hi")
                   + masked(OP_CONTINUATION, b"1}"))
    assert ws.receive() == '{"a":1}'
    assert replies(client, until=OP_PONG) == [(OP_PONG, b"hi")]


def test_unmasked_and_binary_frames(pair):
    ws, client = pair
    client.sendall(encode_frame(OP_TEXT, b"plain") + masked(OP_BINARY, b"\x00\x01"))
    assert ws.receive() == "plain"
    assert ws.receive() == bytearray(b"\x00\x01")


def test_a_message_over_the_wire_limit_is_skipped_and_the_next_one_read(pair):
    ws, client = pair
    big = masked(OP_TEXT, b"y" * (quizbox.BoundedWebSocket.WIRE_LIMIT + 1))
    gevent.spawn(client.sendall, big + masked(OP_TEXT, b"after"))
    assert ws.receive() is quizbox.OVERSIZED
    assert ws.receive() == "after"


@pytest.mark.parametrize("frames, code", [
    ([masked(OP_TEXT, b"\xff")], 1007),                                   # bad UTF-8
    ([masked(OP_TEXT, b"\xff", fin=False)], 1007),                        # ... in a first piece
    ([bytes([0xC1, 0x80]) + b"\0\0\0\0"], 1002),                          # RSV1 set
    ([masked(0x3, b"")], 1002),                                            # reserved opcode
    ([masked(OP_CONTINUATION, b"x")], 1002),                               # nothing to continue
    ([masked(OP_PING, b"p" * 126)], 1002),                                 # control too long
    ([masked(OP_TEXT, b"a", fin=False), masked(OP_TEXT, b"b")], 1002),     # text inside text
    ([bytes([0x81, 0xFF]) + (1 << 62).to_bytes(8, "big") + b"\0\0\0\0"], 1002),   # exabytes
], ids=["utf8", "utf8-first-piece", "rsv1", "opcode-3", "orphan", "long-ping", "nested",
        "exabytes"])
def test_a_broken_frame_closes_with_its_code(pair, frames, code):
    ws, client = pair
    client.sendall(b"".join(frames))
    assert ws.receive() is None
    assert ws.closed
    closes = [payload for opcode, payload in replies(client, until=OP_CLOSE) if opcode == OP_CLOSE]
    assert closes and int.from_bytes(closes[0][:2], "big") == code


@pytest.mark.parametrize("tail", [b"", masked(OP_TEXT, b"cut short")[:5]], ids=["boundary", "mid-frame"])
def test_the_end_of_the_stream_ends_the_reading(pair, tail):
    ws, client = pair
    client.sendall(masked(OP_TEXT, b"whole") + tail)
    assert ws.receive() == "whole"
    client.shutdown(socket.SHUT_WR)
    assert ws.receive() is None
    assert ws.closed
    with pytest.raises(quizbox.WebSocketError):   # and says so if asked again
        ws.receive()


def test_a_close_frame_ends_the_reading(pair):
    ws, client = pair
    client.sendall(masked(OP_CLOSE, (1000).to_bytes(2, "big")))
    assert ws.receive() is None
    assert ws.closed


def test_bytes_already_buffered_by_the_handshake_reader_are_read_first():
    server, client = gevent.socket.socketpair()
    rfile = server.makefile("rb", 1024)
    client.sendall(b"GET / HTTP/1.1\r\n\r\n" + masked(OP_TEXT, b"early"))
    gevent.sleep(0.01)
    assert rfile.readline() == b"GET / HTTP/1.1\r\n" and rfile.readline() == b"\r\n"
    handler = SimpleNamespace(socket=server, rfile=rfile, server=SimpleNamespace(application=None), logger=LOG)
    ws = quizbox.BoundedWebSocket(None, SimpleNamespace(read=None, write=server.sendall), handler)
    assert ws.receive() == "early"
    client.sendall(masked(OP_TEXT, b"later"))
    assert ws.receive() == "later"
