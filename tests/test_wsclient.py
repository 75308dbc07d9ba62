"""The test WebSocket client, checked against a throwaway stdlib echo server."""

import json
import queue
import socketserver
import struct
import threading

import pytest

from wsclient import (OP_BINARY, OP_CLOSE, OP_CONTINUATION, OP_PING, OP_PONG, OP_TEXT,
                      WSClient, WSClosed, WSHandshakeError, accept_key, encode_frame,
                      parse_frame)


# The echo server ----------------------------------------------------------

class _EchoHandler(socketserver.BaseRequestHandler):
    """Server side of the handshake, then: echo each message, except a few
    commands (text messages) that make the server behave in one special way."""

    def handle(self):
        self.buf = bytearray()
        self.events = self.server.events
        request = self._read_head()
        lines = request.split("\r\n")
        path = lines[0].split()[1]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if path == "/reject":
            self.request.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        accept = "wrong" if path == "/bad-accept" else accept_key(headers["sec-websocket-key"])
        self.request.sendall(
            ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
             f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n").encode())
        # The first message tells the client what it sent in the handshake.
        self._send_json({"type": "hello", "path": path, "cookie": headers.get("cookie"),
                         "origin": headers.get("origin")})
        self._serve_messages()

    def _serve_messages(self):
        fragments = []
        self.done = False  # set by commands that end the connection
        while not self.done:
            frame = self._read_frame()
            if frame is None:
                return
            fin, opcode, payload = frame
            if opcode == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if payload else None
                self.events.put(("client_close", code))
                self._send(OP_CLOSE, payload[:2])
                return
            if opcode == OP_PONG:
                self.events.put(("pong", payload))
                continue
            fragments.append(payload)
            if not fin:
                continue
            message, fragments = b"".join(fragments), []
            if not self._command(message):
                self._send(OP_TEXT, message)

    def _command(self, message):
        """Run a command message; False when the message is to be echoed."""
        if message == b"close-4001":
            self._send(OP_CLOSE, struct.pack("!H", 4001) + b"not allowed")
            self.done = True
        elif message == b"close-empty":
            self._send(OP_CLOSE, b"")
            self.done = True
        elif message == b"drop":
            self.done = True  # returning from handle() ends TCP, no close frame
        elif message == b"ping-me":
            self._send(OP_PING, b"are you there")
        elif message == b"fragmented":
            # one message in three frames, with a ping between two of them
            self.request.sendall(encode_frame(OP_TEXT, b'{"type": "frag', fin=False)
                                 + encode_frame(OP_CONTINUATION, b'mented", ', fin=False)
                                 + encode_frame(OP_PING, b"mid")
                                 + encode_frame(OP_CONTINUATION, b'"n": 3}'))
        elif message == b"big":
            self._send_json({"type": "big", "data": "x" * 70000})
        elif message == b"burst":
            for kind in ("a", "b", "c"):
                self._send_json({"type": kind})
        else:
            return False
        return True

    def _send(self, opcode, payload):
        self.request.sendall(encode_frame(opcode, payload))

    def _send_json(self, obj):
        self._send(OP_TEXT, json.dumps(obj).encode())

    def _read_head(self):
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.request.recv(4096)
        head, _, rest = bytes(self.buf).partition(b"\r\n\r\n")
        self.buf = bytearray(rest)
        return head.decode("latin-1")

    def _read_frame(self):
        """(fin, opcode, payload) of the next client frame; None at EOF."""
        while True:
            # A client frame must be masked (RFC 6455 5.1): check the mask bit.
            if len(self.buf) >= 2 and not self.buf[1] & 0x80:
                self.events.put(("unmasked_frame", None))
            frame = parse_frame(self.buf)
            if frame:
                fin, opcode, payload, used = frame
                del self.buf[:used]
                return fin, opcode, payload
            chunk = self.request.recv(65536)
            if not chunk:
                return None
            self.buf += chunk


class _EchoServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _EchoHandler)
        self.events = queue.Queue()  # what clients did, for assertions


@pytest.fixture
def echo():
    server = _EchoServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    server.url = f"ws://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()
    # No frame the client sent during the test may have been unmasked.
    events = []
    while not server.events.empty():
        events.append(server.events.get())
    assert ("unmasked_frame", None) not in events


@pytest.fixture
def client(echo):
    with WSClient.connect(echo.url + "/echo") as ws:
        assert ws.recv_json()["type"] == "hello"
        yield ws


# Tests ---------------------------------------------------------------------

def test_handshake_sends_cookie_and_origin(echo):
    with WSClient.connect(echo.url + "/ws/student/bio101", cookie="quizbox_id=abc; x=1",
                          origin="http://127.0.0.1:9") as ws:
        hello = ws.recv_json()
    assert hello == {"type": "hello", "path": "/ws/student/bio101",
                     "cookie": "quizbox_id=abc; x=1", "origin": "http://127.0.0.1:9"}


def test_handshake_without_cookie_or_origin_sends_neither(echo):
    with WSClient.connect(echo.url + "/plain") as ws:
        hello = ws.recv_json()
    assert hello["cookie"] is None and hello["origin"] is None


def test_handshake_refused_raises_with_status(echo):
    with pytest.raises(WSHandshakeError) as refused:
        WSClient.connect(echo.url + "/reject")
    assert refused.value.status == 403


def test_handshake_with_wrong_accept_key_raises(echo):
    with pytest.raises(WSHandshakeError):
        WSClient.connect(echo.url + "/bad-accept")


def test_json_round_trip(client):
    client.send_json({"type": "submit", "question_idx": 0, "answer": "B"})
    assert client.recv_json() == {"type": "submit", "question_idx": 0, "answer": "B"}


@pytest.mark.parametrize("size", [125, 126, 1000, 65535, 65536, 70000])
def test_every_length_encoding_both_ways(client, size):
    # 7-bit up to 125, 16-bit up to 65535, 64-bit beyond
    client.send_json({"type": "echo", "data": "y" * size})
    assert client.recv_json()["data"] == "y" * size


def test_receives_a_70000_byte_message(client):
    client.send_text("big")
    message = client.recv_json()
    assert message["type"] == "big" and len(message["data"]) == 70000


def test_fragmented_message_with_ping_between_fragments(client, echo):
    client.send_text("fragmented")
    assert client.recv_json() == {"type": "fragmented", "n": 3}
    assert echo.events.get(timeout=2) == ("pong", b"mid")


def test_sends_fragmented_message(client):
    client.send_raw_frame(OP_TEXT, b'{"type": "pie', fin=False)
    client.send_raw_frame(OP_CONTINUATION, b'ces"}')
    assert client.recv_json() == {"type": "pieces"}


def test_binary_frames_are_decoded_as_json(client):
    client.send_raw_frame(OP_BINARY, b'{"type": "bin"}')
    assert client.recv_json() == {"type": "bin"}


def test_answers_ping_with_pong(client, echo):
    client.send_text("ping-me")
    client.send_json({"type": "after"})
    assert client.recv_json() == {"type": "after"}
    assert echo.events.get(timeout=2) == ("pong", b"are you there")


def test_recv_until_skips_but_keeps_messages(client):
    client.send_text("burst")
    assert client.recv_until("c") == {"type": "c"}
    assert [m["type"] for m in client.seen] == ["hello", "a", "b", "c"]


def test_recv_until_times_out(client):
    client.send_text("burst")
    with pytest.raises(TimeoutError):
        client.recv_until("never", timeout=0.3)
    assert [m["type"] for m in client.seen] == ["hello", "a", "b", "c"]


def test_timeout_leaves_the_socket_usable(client):
    with pytest.raises(TimeoutError):
        client.recv_json(timeout=0.1)
    client.send_json({"type": "still-here"})
    assert client.recv_json() == {"type": "still-here"}


def test_close_code_from_server(client):
    client.send_text("close-4001")
    with pytest.raises(WSClosed) as closed:
        client.recv_json()
    assert (closed.value.code, closed.value.reason) == (4001, "not allowed")
    assert client.closed and client.closed_code == 4001
    with pytest.raises(WSClosed) as again:  # later reads keep saying so
        client.recv_json()
    assert again.value.code == 4001


def test_wait_closed_discards_messages_and_returns_code(client):
    client.send_text("burst")
    client.send_text("close-4001")
    assert client.wait_closed() == 4001
    assert [m["type"] for m in client.seen] == ["hello", "a", "b", "c"]


def test_close_frame_without_code(client):
    client.send_text("close-empty")
    assert client.wait_closed() is None
    assert client.closed and client.closed_code is None


def test_tcp_end_without_close_frame(client):
    client.send_text("drop")
    with pytest.raises(WSClosed) as closed:
        client.recv_json()
    assert closed.value.code is None and client.closed


def test_client_close_sends_code(echo):
    ws = WSClient.connect(echo.url + "/echo")
    ws.close(4000)
    assert ws.closed
    assert echo.events.get(timeout=2) == ("client_close", 4000)


def test_context_manager_closes_with_1000(echo):
    with WSClient.connect(echo.url + "/echo") as ws:
        ws.recv_json()
    assert ws.closed
    assert echo.events.get(timeout=2) == ("client_close", 1000)


def test_one_thread_reads_while_another_sends(client):
    count = 200
    received = []
    reader = threading.Thread(
        target=lambda: received.extend(client.recv_json() for _ in range(count)))
    reader.start()
    for i in range(count):
        client.send_json({"type": "n", "i": i, "pad": "z" * (i * 50)})
    reader.join(10)
    assert [m["i"] for m in received] == list(range(count))
