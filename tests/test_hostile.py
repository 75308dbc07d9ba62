"""Hostile input against the real server (issue 6): WebSocket frames of every
wrong shape and size, HTTP bodies of every wrong kind to every route, unicode
tricks in names, forged and borrowed cookies, cross-site requests, and the
limits a teacher can raise. Property-based with Hypothesis where it fits.

Each input must get its contract error (4xx JSON, or an `error` frame), the
server must never fail (no 5xx, no Traceback in its log), and nothing a bad
input carried may be stored. One server serves most of the module, with
question 0 open for its whole life; inputs tried are counted in `figures`.

Run alone: python3 -m pytest -q tests/test_hostile.py
"""

import base64
import itertools
import json
import os
import socket
import struct
import time
import unicodedata
import urllib.parse
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import QuizServer, sample_pool
from qbtest import get_csv
from wsclient import (OP_BINARY, OP_CLOSE, OP_CONTINUATION, OP_PING, OP_PONG, OP_TEXT,
                      WSClient, WSClosed, encode_frame)

SID = "bio101"
LETTERS = {0: "ABCD", 1: "ABC", 2: "AB"}      # sample_pool(): choices per question
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
FUZZ_MORE = settings(FUZZ, max_examples=150)     # for the cheapest, most varied inputs


# The module's server #########################################################

@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A server with question 0 open (600 s), "alice" (who never answers: the
    fuzz target), "bob" (who answered B), the teacher's socket, a baseline."""
    folder = tmp_path_factory.mktemp("hostile")
    pool_path = folder / "pool.json"
    pool_path.write_text(json.dumps(sample_pool(time_limit_default=600)))
    server = QuizServer(pool_path, folder / "quiz.db", folder / "server.log", env={
        "QUIZBOX_JOINS_PER_MINUTE": "0", "QUIZBOX_POOLS_DIR": str(folder / "pools")}).start()
    admin = server.admin_cookie()
    cookies = {i: server.join(i, i.title(), sid=SID) for i in ("alice", "bob")}
    teacher = server.instructor_ws(admin)
    alice = server.student_ws(cookies["alice"], SID)     # connected, silent: no early close
    bob = server.student_ws(cookies["bob"], SID)
    teacher.send_json({"type": "next"})
    teacher.recv_until("question_open")
    alice.recv_until("question_open")
    bob.send_json({"type": "submit", "question_idx": 0, "answer": "B"})
    assert bob.recv_until("submit_ack")["answer"] == "B"
    bob.close()
    state = SimpleNamespace(server=server, admin=admin, cookies=cookies, teacher=teacher,
                            alice=alice, folder=folder)
    yield state
    for ws in (state.alice, teacher):
        ws.close()
    server.stop()


def alice_socket(env):
    """Alice's socket, opened again if a test got it closed."""
    if env.alice.closed:
        env.alice = env.server.student_ws(env.cookies["alice"], SID)
        env.alice.recv_until("question_open")
    return env.alice


def snapshot(env):
    """What must not change when a bad input is refused."""
    status, body, _ = env.server.json("GET", "/api/me", cookie=env.cookies["alice"])
    assert status == 200, body
    return body["submissions"], get_csv(env.server, env.admin)


def assert_healthy(env, before=None):
    """The server answers a fresh socket and /healthz; nothing was stored."""
    server = env.server
    status, health, _ = server.json("GET", "/healthz")
    assert status == 200 and health["ok"] is True and health["state"] == "question_open"
    with server.student_ws(env.cookies["alice"], SID) as fresh:
        assert fresh.recv_json(timeout=5)["type"] == "state"
        assert fresh.recv_until("question_open")["question_idx"] == 0
    if before is not None:
        submissions, csv = snapshot(env)
        assert submissions == [] and submissions == before[0]
        assert csv == before[1]


def assert_json_error(status, body, headers, statuses=None):
    """A contract error: 4xx, JSON {"error": CODE, "message": TEXT}."""
    assert 400 <= status < 500, (status, body[:300])
    if statuses:
        assert status in statuses, (status, body[:300])
    assert headers["Content-Type"].startswith("application/json"), headers["Content-Type"]
    data = json.loads(body)
    assert isinstance(data.get("error"), str) and data["error"], data
    assert isinstance(data.get("message"), str) and data["message"], data
    return data


# WebSocket frames ############################################################

def contract_reply(message):
    """What the contract answers alice (question 0 open, nothing answered)
    for this decoded JSON frame: "pong", an error code, or "valid"."""
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return "bad_message"
    if message["type"] == "ping":
        return "pong"
    if message["type"] != "submit":
        return "bad_message"
    idx = message.get("question_idx")
    if type(idx) is not int or not 0 <= idx < len(LETTERS):
        return "bad_question"
    answer = message.get("answer")
    if not (isinstance(answer, str) and len(answer) == 1 and answer in LETTERS[idx]):
        return "bad_answer"
    return "valid" if idx == 0 else "not_open"


def reply_code(message):
    return "pong" if message["type"] == "pong" else message.get("code", message["type"])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=12)
wrong_idx = (st.text(max_size=5) | st.floats() | st.booleans() | st.none()
             | st.integers(min_value=3) | st.integers(max_value=-1)
             | st.integers(min_value=2 ** 63, max_value=2 ** 200)
             | st.lists(st.integers(0, 2), max_size=2) | st.just("0") | st.just(0.0))
any_answer = (st.text(max_size=4) | st.integers() | st.none() | st.booleans()
              | st.lists(st.sampled_from("ABCD"), max_size=2)
              | st.sampled_from(["a", "AB", "", "E", "\U0001F600", "A ", " B", "\uff21",
                                 "\u0041\u0301"]))
submits = st.fixed_dictionaries(
    {"type": st.just("submit")},
    optional={"question_idx": wrong_idx | st.integers(0, 2), "answer": any_answer,
              "extra": json_values})
typed = st.fixed_dictionaries(
    {"type": st.sampled_from(["ping", "next", "reset", "kick", "open_question", "SUBMIT",
                              "submit ", "", "__proto__"]) | st.text(max_size=60) | json_values},
    optional={"question_idx": json_values, "answer": json_values, "student_id": json_values})
frames = st.one_of(
    st.tuples(st.just("json"), json_values | submits | typed),
    st.tuples(st.just("text"), st.text(max_size=200)),
    st.tuples(st.just("binary"), st.binary(max_size=200)),
    st.tuples(st.just("raw text"), st.binary(max_size=200)),
)


@FUZZ_MORE
@given(frame=frames)
def test_any_frame_gets_its_contract_answer_and_stores_nothing(env, figures, frame):
    kind, value = frame
    if kind == "json":
        text = json.dumps(value)
        expected = contract_reply(value)
        assume(expected != "valid")
        payload, opcode = text.encode(), OP_TEXT
    elif kind == "text":
        payload, opcode = value.encode(), OP_TEXT
        try:
            expected = contract_reply(json.loads(value))
        except ValueError:
            expected = "bad_message"
        assume(expected != "valid")
    elif kind == "binary":
        payload, opcode, expected = value, OP_BINARY, "bad_message"
    else:
        payload, opcode = value, OP_TEXT
        try:
            expected = contract_reply(json.loads(value.decode("utf-8")))
        except ValueError:           # not UTF-8 (the socket may be closed, 1007) or not JSON
            expected = "bad_message" if _is_utf8(value) else "invalid utf-8"
        assume(expected != "valid")
    before = snapshot(env)
    ws = alice_socket(env)
    ws.send_raw_frame(opcode, payload)
    figures["hostile inputs tried: WebSocket frames"] += 1
    if expected == "invalid utf-8":
        try:
            reply = ws.recv_json(timeout=5)
            assert reply_code(reply) == "bad_message", reply
        except WSClosed as closed:
            assert closed.code == 1007, closed
    else:
        reply = ws.recv_json(timeout=5)
        assert reply_code(reply) == expected, (value, reply)
    assert_healthy(env, before)


def _is_utf8(data):
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


WRONG_SUBMITS = [
    ({"question_idx": "0", "answer": "B"}, "bad_question"),
    ({"question_idx": 0.0, "answer": "B"}, "bad_question"),
    ({"question_idx": 1.5, "answer": "B"}, "bad_question"),
    ({"question_idx": True, "answer": "B"}, "bad_question"),
    ({"question_idx": False, "answer": "B"}, "bad_question"),
    ({"question_idx": None, "answer": "B"}, "bad_question"),
    ({"answer": "B"}, "bad_question"),
    ({"question_idx": 10 ** 30, "answer": "B"}, "bad_question"),
    ({"question_idx": -1, "answer": "B"}, "bad_question"),
    ({"question_idx": 3, "answer": "B"}, "bad_question"),
    ({"question_idx": [0], "answer": "B"}, "bad_question"),
    ({"question_idx": {"0": 0}, "answer": "B"}, "bad_question"),
    ({"question_idx": 0, "answer": 1}, "bad_answer"),
    ({"question_idx": 0, "answer": ["B"]}, "bad_answer"),
    ({"question_idx": 0, "answer": {"B": 1}}, "bad_answer"),
    ({"question_idx": 0, "answer": None}, "bad_answer"),
    ({"question_idx": 0}, "bad_answer"),
    ({"question_idx": 0, "answer": "a"}, "bad_answer"),
    ({"question_idx": 0, "answer": "AB"}, "bad_answer"),
    ({"question_idx": 0, "answer": "BC"}, "bad_answer"),
    ({"question_idx": 0, "answer": ""}, "bad_answer"),
    ({"question_idx": 0, "answer": "E"}, "bad_answer"),
    ({"question_idx": 0, "answer": "B "}, "bad_answer"),
    ({"question_idx": 0, "answer": "\U0001F600"}, "bad_answer"),
    ({"question_idx": 0, "answer": "\uff22"}, "bad_answer"),          # fullwidth B
    ({"question_idx": 1, "answer": "D"}, "bad_answer"),               # q1 has 3 choices
    ({"question_idx": 1, "answer": "A"}, "not_open"),
    ({"question_idx": 2, "answer": "B"}, "not_open"),
]


@pytest.mark.parametrize("fields,code", WRONG_SUBMITS,
                         ids=[f"{json.dumps(f)[:40]}->{c}" for f, c in WRONG_SUBMITS])
def test_a_submit_with_wrong_fields_gets_its_error(env, figures, fields, code):
    before = snapshot(env)
    ws = alice_socket(env)
    ws.send_json({"type": "submit", **fields})
    figures["hostile inputs tried: WebSocket frames"] += 1
    reply = ws.recv_json(timeout=5)
    assert (reply["type"], reply.get("code")) == ("error", code), reply
    assert reply["message"]
    assert_healthy(env, before)


def padded_submit(size):
    """A valid submit for question 0, padded to exactly `size` bytes."""
    head = '{"type":"submit","question_idx":0,"answer":"A","pad":"'
    return (head + "x" * (size - len(head) - 2) + '"}').encode()


def test_frames_up_to_4096_bytes_are_read_and_larger_ones_refused(env, figures):
    before = snapshot(env)
    ws = alice_socket(env)
    ping = b'{"type":"ping","pad":"' + b"x" * (4096 - 24) + b'"}'
    assert len(ping) == 4096
    ws.send_raw_frame(OP_TEXT, ping)
    assert ws.recv_json()["type"] == "pong"
    for size in (4097, 10_000, 60 * 1024):
        ws.send_raw_frame(OP_TEXT, padded_submit(size))   # would be stored if it were read
        reply = ws.recv_json()
        assert (reply["type"], reply["code"]) == ("error", "bad_message"), reply
        ws.send_json({"type": "ping"})                     # the socket stays usable
        assert ws.recv_json()["type"] == "pong"
    figures["hostile inputs tried: WebSocket frames"] += 4
    assert_healthy(env, before)


@pytest.mark.parametrize("size", [64 * 1024 + 1, 70 * 1024, 1024 * 1024])
def test_a_frame_over_64_kib_is_thrown_away_unread(env, figures, size):
    """Read in chunks and thrown away (never held whole), then bad_message:
    the socket stays usable and the submit it carried is not stored."""
    before = snapshot(env)
    ws = alice_socket(env)
    ws.send_raw_frame(OP_TEXT, padded_submit(size))
    figures["hostile inputs tried: WebSocket frames"] += 1
    reply = ws.recv_json(timeout=10)
    assert (reply["type"], reply["code"]) == ("error", "bad_message"), reply
    ws.send_json({"type": "ping"})
    assert ws.recv_json()["type"] == "pong"
    assert_healthy(env, before)


def test_a_frame_over_16_mib_drops_the_socket_and_nothing_else(env, figures):
    before = snapshot(env)
    ws = alice_socket(env)
    try:
        ws.send_raw_frame(OP_TEXT, padded_submit(16 * 1024 * 1024 + 1))
    except OSError:
        pass                  # the server may hang up before it has all of it
    figures["hostile inputs tried: WebSocket frames"] += 1
    with pytest.raises(WSClosed):
        while True:
            assert ws.recv_json(timeout=10).get("type") != "submit_ack"
    assert_healthy(env, before)


def test_a_frame_header_claiming_exabytes_drops_the_socket(env, figures):
    before = snapshot(env)
    ws = alice_socket(env)
    ws.sock.sendall(struct.pack("!BBQ", 0x81, 0x80 | 127, 2 ** 62) + b"\x00\x00\x00\x00"
                    + b"{" * 100)
    figures["hostile inputs tried: WebSocket frames"] += 1
    with pytest.raises(WSClosed):
        ws.recv_json(timeout=5)
    assert_healthy(env, before)


def test_a_binary_frame_is_refused_even_when_it_holds_a_valid_submit(env, figures):
    before = snapshot(env)
    ws = alice_socket(env)
    ws.send_raw_frame(OP_BINARY, b'{"type":"submit","question_idx":0,"answer":"A"}')
    figures["hostile inputs tried: WebSocket frames"] += 1
    reply = ws.recv_json()
    assert (reply["type"], reply["code"]) == ("error", "bad_message"), reply
    assert_healthy(env, before)


def test_fragmented_messages_are_reassembled_and_judged_whole(env, figures):
    before = snapshot(env)
    ws = alice_socket(env)
    ws.send_raw_frame(OP_TEXT, b'{"type"', fin=False)
    ws.send_raw_frame(OP_CONTINUATION, b':"pi', fin=False)
    ws.send_raw_frame(OP_PING, b"between")            # a control frame may come between
    ws.send_raw_frame(OP_CONTINUATION, b'ng"}', fin=True)
    fin, opcode, payload = ws._recv_frame(time.monotonic() + 5)
    assert (opcode, payload) == (OP_PONG, b"between")
    assert ws.recv_json()["type"] == "pong"
    ws.send_raw_frame(OP_TEXT, b'{"type":"submit","question_idx":0,', fin=False)
    ws.send_raw_frame(OP_CONTINUATION, b'"answer":"AB"}', fin=True)
    reply = ws.recv_json()
    assert (reply["type"], reply["code"]) == ("error", "bad_answer"), reply
    figures["hostile inputs tried: WebSocket frames"] += 2
    assert_healthy(env, before)


def test_frames_are_read_however_tcp_cuts_them(env, figures):
    """The reader takes whatever one recv holds: frames together, a frame in
    pieces, a frame that came in the handshake's own segment."""
    before = snapshot(env)
    ws = alice_socket(env)
    bad_submit = b'{"type":"submit","question_idx":0,"answer":"Z"}'
    together = b"".join(encode_frame(OP_TEXT, payload, mask_key=os.urandom(4))
                        for payload in (b'{"type":"ping"}', bad_submit, b'{"type":"ping"}'))
    ws.sock.sendall(together)
    assert [ws.recv_json()["type"] for _ in range(3)] == ["pong", "error", "pong"]
    for byte in encode_frame(OP_TEXT, b'{"type":"ping"}', mask_key=os.urandom(4)):
        ws.sock.sendall(bytes([byte]))
        time.sleep(0.002)
    assert ws.recv_json()["type"] == "pong"
    big = json.dumps({"type": "ping", "pad": "x" * 20000}).encode()   # several recvs' worth
    ws.sock.sendall(encode_frame(OP_TEXT, big, mask_key=os.urandom(4)))
    assert ws.recv_json()["code"] == "bad_message"
    early = encode_frame(OP_TEXT, b'{"type":"ping"}', mask_key=os.urandom(4))
    with WSClient.connect(f"{env.server.ws_base}/ws/student/{SID}", cookie=env.cookies["bob"],
                          early=early) as other:
        other.recv_until("pong")   # after where the class is: state, question, its ack
    figures["hostile inputs tried: WebSocket frames"] += 6
    assert_healthy(env, before)


def test_bad_text_ends_a_fragmented_message_at_its_first_fragment(env, figures):
    before = snapshot(env)
    ws = alice_socket(env)
    ws.send_raw_frame(OP_TEXT, b'{"type":"\xff', fin=False)   # the rest never comes
    try:
        reply = ws.recv_json(timeout=5)
        pytest.fail(f"expected the socket closed, got {reply}")
    except WSClosed as closed:
        assert closed.code == 1007
    figures["hostile inputs tried: WebSocket frames"] += 1
    assert_healthy(env, before)


@pytest.mark.parametrize("frames", [
    [(OP_CONTINUATION, b'{"type":"ping"}', True)],                         # nothing to continue
    [(OP_TEXT, b'{"type":', False), (OP_TEXT, b'"ping"}', True)],          # a new one inside
    [(0x3, b"reserved", True)],                                              # reserved opcode
    [(OP_PING, b"p" * 126, True)],                                           # control too long
    [(OP_PING, b"fragmented", False)],                                       # control fragmented
    [(OP_CLOSE, b"\x03\xe8" + b"\xff\xfe", True)],                           # close, bad UTF-8
    [(OP_CLOSE, b"\x00\x01", True)],                                         # close code 1
], ids=["orphan-continuation", "text-inside-text", "reserved-opcode", "long-ping",
        "fragmented-ping", "close-bad-utf8", "close-code-1"])
def test_protocol_violations_end_that_socket_only(env, figures, frames):
    before = snapshot(env)
    ws = alice_socket(env)
    for opcode, payload, fin in frames:
        ws.send_raw_frame(opcode, payload, fin=fin)
    figures["hostile inputs tried: WebSocket frames"] += 1
    with pytest.raises(WSClosed) as closed:
        while True:                   # the server closes it; a pong may come first
            message = ws.recv_json(timeout=5)
            assert message.get("type") != "submit_ack", message
    bad_text = frames[0][1] == b"\x03\xe8\xff\xfe"
    assert closed.value.code == (1007 if bad_text else 1002)   # RFC 6455 7.4.1
    if not ws.closed:
        ws.close()
    assert_healthy(env, before)


def test_rsv_bits_and_invalid_utf8_end_that_socket_only(env, figures):
    before = snapshot(env)
    ws = alice_socket(env)
    ws.sock.sendall(bytes([0xC1, 0x80 | 2]) + b"\x00\x00\x00\x00" + b"{}")    # RSV1 set
    with pytest.raises(WSClosed):
        ws.recv_json(timeout=5)
    ws = alice_socket(env)
    ws.send_raw_frame(OP_TEXT, b'{"type":"submit","question_idx":0,"answer":"A\xff"}')
    try:
        reply = ws.recv_json(timeout=5)
        assert reply.get("code") == "bad_message", reply
    except WSClosed as closed:
        assert closed.code == 1007
    figures["hostile inputs tried: WebSocket frames"] += 2
    assert_healthy(env, before)


def test_ping_and_pong_control_frames(env, figures):
    ws = alice_socket(env)
    ws.send_raw_frame(OP_PING, b"are you there")
    fin, opcode, payload = ws._recv_frame(time.monotonic() + 5)
    assert (opcode, payload) == (OP_PONG, b"are you there")
    ws.send_raw_frame(OP_PONG, b"unasked")                  # ignored
    ws.send_json({"type": "ping"})
    assert ws.recv_json()["type"] == "pong"
    figures["hostile inputs tried: WebSocket frames"] += 2


def resident_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the server's VmRSS")
def test_a_fragmented_message_is_not_gathered_without_limit(server_factory, figures):
    server = server_factory(env={"QUIZBOX_JOINS_PER_MINUTE": "0"})
    ws = server.student_ws(server.join("frag", "Frag"))
    ws.recv_until("state")
    before = resident_mib(server.proc.pid)
    chunk = b"x" * 60_000
    figures["hostile inputs tried: WebSocket frames"] += 1
    try:
        ws.send_raw_frame(OP_TEXT, b'{"type":"ping","pad":"', fin=False)
        for _ in range(400):                      # 24 MB, never finished
            ws.send_raw_frame(OP_CONTINUATION, chunk, fin=False)
        time.sleep(0.5)                           # let the server read what is in flight
    except OSError:
        return                                    # dropped: nothing held
    grown = resident_mib(server.proc.pid) - before
    ws.sock.close()
    assert grown < 8, f"the server holds {grown:.0f} MiB for one unfinished message"
    status, health, _ = server.json("GET", "/healthz")
    assert status == 200


def test_deeply_nested_json_frame_is_a_bad_message(server_factory, figures):
    server = server_factory(env={"QUIZBOX_JOINS_PER_MINUTE": "0"})
    ws = server.student_ws(server.join("deep", "Deep"))
    ws.recv_until("state")
    ws.send_text("[" * 2000 + "]" * 2000)          # 4000 bytes: under the frame limit
    figures["hostile inputs tried: WebSocket frames"] += 1
    reply = ws.recv_json(timeout=5)
    assert reply.get("code") == "bad_message", reply
    ws.send_json({"type": "ping"})
    assert ws.recv_json()["type"] == "pong"


# HTTP bodies #################################################################

POST_ROUTES = ["/api/join", "/admin/login", "/admin/api/reset", "/admin/api/pools/select",
               "/admin/api/pools/upload"]
# None of these is a JSON object, so none can reset the class or count as a
# wrong password.
NOT_OBJECTS = [b"", b"{", b"}", b"nul", b"[]", b"[1, 2]", b'"text"', b"42", b"null", b"true",
               b"\xff\xfe\x00{", b'{"a": 1} trailing', b"{'single': 'quotes'}", b"{\"a\":}",
               b"\xef\xbb\xbf[]", "[\"\u00e9\"]".encode("latin-1"), b"\x00" * 10]


@pytest.mark.parametrize("route", POST_ROUTES)
def test_every_post_route_answers_bad_bodies_with_a_json_4xx(env, figures, route):
    server = env.server
    before = snapshot(env)
    for body in NOT_OBJECTS:
        status, headers, reply = server.request("POST", route, raw_body=body, cookie=env.admin,
                                                headers={"Content-Type": "application/json"})
        assert_json_error(status, reply, headers, {400})
    for content_type in ("text/plain", "application/x-www-form-urlencoded",
                         "multipart/form-data; boundary=x", "application/jsonx",
                         "application/json-patch+json", "text/json", None):
        headers = {"Content-Type": content_type} if content_type else {}
        status, headers, reply = server.request("POST", route, raw_body=b"{}", cookie=env.admin,
                                                headers=headers)
        assert_json_error(status, reply, headers, {415})
    huge = b'{"sid": "' + b"x" * (1024 * 1024) + b'"}'
    status, headers, reply = server.request("POST", route, raw_body=huge, cookie=env.admin,
                                            headers={"Content-Type": "application/json"})
    assert assert_json_error(status, reply, headers, {413})["error"] == "too_large"
    figures["hostile inputs tried: HTTP requests"] += len(NOT_OBJECTS) + 8
    assert_healthy(env, before)


def test_content_type_parameters_and_case_are_accepted(env):
    status, body, _ = env.server.json(
        "POST", "/api/join", headers={"Content-Type": "Application/JSON; charset=UTF-8"},
        raw_body=json.dumps({"sid": SID, "student_id": "ctype", "name": "Ctype"}).encode())
    assert status == 200, body


def raw_http(server, head, body=b""):
    """(status, lower-cased headers, body) of a hand-written HTTP request."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head.replace(b"\n", b"\r\n") + b"\r\n" + body)
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536) or b"\r\n\r\n"
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip()
                   for k, _, v in (line.partition(":") for line in lines[1:])}
        while len(rest) < int(headers.get("content-length", 0)):
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        return int(lines[0].split()[1]), headers, rest


def chunked(body, size=65536):
    return b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size])
                    for i in range(0, len(body), size)) + b"0\r\n\r\n"


def test_a_huge_chunked_body_is_a_json_4xx(env, figures):
    body = json.dumps({"sid": SID, "student_id": "x" * (2 * 1024 * 1024), "name": "Big"})
    status, headers, reply = raw_http(env.server, b"POST /api/join HTTP/1.1\nHost: x\n"
                                      b"Content-Type: application/json\n"
                                      b"Transfer-Encoding: chunked\n", chunked(body.encode()))
    figures["hostile inputs tried: HTTP requests"] += 1
    assert_json_error(status, reply, {"Content-Type": headers["content-type"]})


def test_a_chunked_json_join_is_accepted(env):
    body = json.dumps({"sid": SID, "student_id": "chunky", "name": "Chunky"}).encode()
    status, headers, reply = raw_http(env.server, b"POST /api/join HTTP/1.1\nHost: x\n"
                                      b"Content-Type: application/json\n"
                                      b"Transfer-Encoding: chunked\n", chunked(body, 10))
    assert status == 200, reply


def test_deeply_nested_json_body_is_a_400(server_factory, figures):
    server = server_factory(env={"QUIZBOX_JOINS_PER_MINUTE": "0"})
    figures["hostile inputs tried: HTTP requests"] += 1
    status, headers, body = server.request(
        "POST", "/api/join", raw_body=b"[" * 100_000 + b"]" * 100_000,
        headers={"Content-Type": "application/json"})
    assert_json_error(status, body, headers, {400})


join_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries({"sid": st.just(SID) | json_values,
                           "student_id": st.text(max_size=70) | json_values,
                           "name": st.text(max_size=50) | json_values}),
)


@FUZZ
@given(body=join_bodies)
def test_join_with_any_json_body_is_ok_or_a_json_4xx(env, figures, body):
    status, headers, reply = env.server.request("POST", "/api/join",
                                                raw_body=json.dumps(body).encode(),
                                                headers={"Content-Type": "application/json"})
    figures["hostile inputs tried: HTTP requests"] += 1
    if status == 200:
        data = json.loads(reply)
        assert data["ok"] is True and data["sid"] == SID
        assert_a_fair_name(data["name"])
    else:
        assert_json_error(status, reply, headers, {400, 404})


BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def assert_a_fair_name(name):
    assert 1 <= len(name) <= 40, name
    assert name == name.strip()
    assert not any(unicodedata.category(c) == "Cc" or c in BIDI for c in name), name
    assert not all(unicodedata.category(c) in ("Cf", "Zs", "Zl", "Zp") for c in name), name


NAME_IDS = itertools.count()


@FUZZ_MORE
@given(name=st.text(max_size=45))
def test_any_name_is_kept_as_sent_or_refused_for_a_reason(env, figures, name):
    student_id = f"name-{next(NAME_IDS)}"   # a fresh id: a second join of one id is id_in_use
    status, headers, reply = env.server.request(
        "POST", "/api/join", json_body={"sid": SID, "student_id": student_id, "name": name})
    figures["hostile inputs tried: HTTP requests"] += 1
    normal = unicodedata.normalize("NFC", name)
    if status == 200:
        shown = json.loads(reply)["name"]
        assert_a_fair_name(shown)
        assert shown in normal                       # trimmed, nothing else changed
    else:
        data = assert_json_error(status, reply, headers, {400})
        assert data["error"] == "bad_name", data
        trimmed = normal.strip().strip("\u200b\u200c\u200d\u2060\ufeff\u00ad").strip()
        assert (not trimmed or len(trimmed) > 40
                or any(unicodedata.category(c) in ("Cc",) or c in BIDI for c in normal)
                or all(unicodedata.category(c) in ("Cf", "Zs", "Zl", "Zp") for c in trimmed)), \
            f"{name!r} refused: {data}"


@pytest.mark.parametrize("name,outcome", [
    ("Ali\u202ece", 400),                       # right-to-left override
    ("\u202eecilA", 400),
    ("Bob\u2067x\u2069", 400),                  # isolates
    ("\u200b\u200b", 400),                      # zero-width only
    ("\u200b \u200c\u200d\ufeff", 400),
    ("\u200f", 400),                            # a right-to-left mark alone
    ("   ", 400),
    ("", 400),
    ("a" * 41, 400),
    ("Tab\there", 400),
    ("New\nline", 400),
    ("Nul\x00", 400),
    ("\U0001F98A Fox", "\U0001F98A Fox"),       # emoji: shown as sent
    ("\U0001F469\u200d\U0001F52C Dr. Ada", "\U0001F469\u200d\U0001F52C Dr. Ada"),
    ("Zoe\u0308", "Zo\u00eb"),                  # combining: kept, in NFC
    ("\u05e9\u05dc\u05d5\u05dd", "\u05e9\u05dc\u05d5\u05dd"),   # Hebrew is fine
    ("  padded  ", "padded"),
    ("a" * 40, "a" * 40),
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ("=HYPERLINK(\"http://x\")", "=HYPERLINK(\"http://x\")"),
])
def test_unicode_tricks_in_names(env, figures, name, outcome):
    server = env.server
    student_id = f"uni-{abs(hash(name))}"
    status, body, headers = server.json(
        "POST", "/api/join", json_body={"sid": SID, "student_id": student_id, "name": name})
    figures["hostile inputs tried: HTTP requests"] += 1
    if outcome == 400:
        assert status == 400 and body["error"] == "bad_name", body
        return
    assert status == 200 and body["name"] == outcome, body
    cookie = "; ".join(h.split(";", 1)[0] for h in headers.get_all("Set-Cookie"))
    status, me, _ = server.json("GET", "/api/me", cookie=cookie)
    assert me["name"] == outcome
    with server.instructor_ws(env.admin) as teacher:
        lobby = teacher.recv_until("lobby_update")
        assert {"student_id": student_id, "name": outcome} in lobby["participants"]
    csv = get_csv(server, env.admin).decode("utf-8")
    shown = "'" + outcome if outcome[0] in "=+-@" else outcome
    assert shown.replace('"', '""') in csv


@pytest.mark.parametrize("student_id", [
    "a\x00b", "line\nbreak", "tab\there", "del\x7f", "n\u0085el", "\x1b[31mred",
    "rtl\u202eid", "zw\u200b", "", "   ", "x" * 65, 42, None, ["a"], {"id": "a"}, True])
def test_student_ids_that_are_not_printable_text_are_refused(env, figures, student_id):
    status, body, _ = env.server.json(
        "POST", "/api/join", json_body={"sid": SID, "student_id": student_id, "name": "Eve"})
    figures["hostile inputs tried: HTTP requests"] += 1
    assert status == 400 and body["error"] == "bad_student_id", body


def test_a_64_character_student_id_is_fine(env):
    status, body, _ = env.server.json(
        "POST", "/api/join", json_body={"sid": SID, "student_id": "x" * 64, "name": "Long"})
    assert status == 200, body


@pytest.mark.parametrize("body,statuses", [
    ({}, {400}), ({"file": 5}, {400}), ({"file": None}, {400}), ({"file": ["a.json"]}, {400}),
    ({"file": "../../etc/passwd"}, {400}), ({"file": "../pool.json"}, {400}),
    ({"file": "x" * 300 + ".json"}, {400}), ({"file": "a.json\x00.txt"}, {400}),
    ({"file": "nope.json"}, {404}), ({"file": "science.json"}, {409}),   # a quiz is running
])
def test_pool_select_with_wrong_values(env, figures, body, statuses):
    status, headers, reply = env.server.request("POST", "/admin/api/pools/select",
                                                json_body=body, cookie=env.admin)
    figures["hostile inputs tried: HTTP requests"] += 1
    assert_json_error(status, reply, headers, statuses)


@pytest.mark.parametrize("body", [
    {}, {"filename": 5, "content": "{}"}, {"filename": None, "content": "{}"},
    {"filename": "a.json", "content": 5}, {"filename": "a.json", "content": ["{}"]},
    {"filename": "a.json", "content": "not json"}, {"filename": "a.json", "content": "{}"},
    {"filename": "a.json", "content": "[]"}, {"filename": "a.json", "content": "x" * 600_000},
    {"filename": "../a.json", "content": "{}"}, {"filename": "a" * 90 + ".json", "content": "{}"},
    {"filename": "a.txt", "content": "{}"}, {"filename": ".json", "content": "{}"},
    {"filename": "a\u202e.json", "content": "{}"},
    {"filename": "deep.json", "content": "[" * 5000 + "]" * 5000},
])
def test_pool_upload_with_wrong_values(env, figures, body):
    status, headers, reply = env.server.request("POST", "/admin/api/pools/upload",
                                                json_body=body, cookie=env.admin)
    figures["hostile inputs tried: HTTP requests"] += 1
    assert_json_error(status, reply, headers, {400})
    assert not (env.folder / "pools" / "a.json").exists()


admin_bodies = st.fixed_dictionaries({}, optional={
    "file": st.text(max_size=90) | json_values, "filename": st.text(max_size=90) | json_values,
    "content": st.text(max_size=200) | json_values, "replace": json_values})


@FUZZ
@given(route=st.sampled_from(["/admin/api/pools/select", "/admin/api/pools/upload"]),
       body=admin_bodies)
def test_admin_pool_routes_with_any_json_body(env, figures, route, body):
    status, headers, reply = env.server.request("POST", route, raw_body=json.dumps(body).encode(),
                                                cookie=env.admin,
                                                headers={"Content-Type": "application/json"})
    figures["hostile inputs tried: HTTP requests"] += 1
    assert status != 200 or route.endswith("upload"), reply      # nothing can be switched to
    if status != 200:
        assert_json_error(status, reply, headers, {400, 404, 409})


@FUZZ
@given(raw=st.text(max_size=30) | st.integers().map(str) | st.sampled_from(
    ["-1", "3", "1e3", "0x1", " 0 ", "\u0663", "1_0", "9" * 5000, "0.0", "", "null"]))
def test_stats_with_any_question_idx(env, figures, raw):
    query = urllib.parse.quote(raw, safe="")
    figures["hostile inputs tried: HTTP requests"] += 2
    for cookie in (env.admin, env.cookies["alice"]):
        status, headers, reply = env.server.request("GET", f"/api/stats?question_idx={query}",
                                                    cookie=cookie)
        if status != 200:
            assert_json_error(status, reply, headers, {400, 404})


@FUZZ
@given(sid=st.text(max_size=70))
def test_csv_of_any_session_id(env, figures, sid):
    status, headers, reply = env.server.request(
        "GET", "/admin/api/csv?sid=" + urllib.parse.quote(sid, safe=""), cookie=env.admin)
    figures["hostile inputs tried: HTTP requests"] += 1
    if status != 200:
        assert_json_error(status, reply, headers, {404})


@pytest.mark.parametrize("method,path,status", [
    ("GET", "/api/join", 405), ("PUT", "/api/join", 405), ("DELETE", "/admin/api/reset", 405),
    ("GET", "/admin/api/reset", 405), ("GET", "/nope", 404), ("GET", "/api/../etc/passwd", 404),
    ("GET", "/api/me", 401), ("GET", "/admin/api/state", 401), ("GET", "/admin/api/csv", 401),
    ("GET", "/admin/api/pools", 401), ("GET", "/admin/api/sessions", 401),
    ("POST", "/admin/api/reset", 401), ("GET", "/ws/student/" + SID, 400),
])
def test_wrong_methods_routes_and_missing_cookies(env, figures, method, path, status):
    code, headers, reply = env.server.request(method, path,
                                              raw_body=None if method == "GET" else b"{}",
                                              headers={"Content-Type": "application/json"})
    figures["hostile inputs tried: HTTP requests"] += 1
    assert_json_error(code, reply, headers, {status})


# Cookies and origins #########################################################

def cookie_value(cookie, name):
    return dict(pair.split("=", 1) for pair in cookie.split("; "))[name]


def tampered(token, position):
    """The token with the character at `position` changed."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
    old = token[position]
    new = alphabet[(alphabet.index(old) + 7) % len(alphabet)] if old in alphabet else "A"
    return token[:position] + new + token[position + 1:]


def student_refused(server, cookie, sid=SID):
    status, body, headers = server.json("GET", "/api/me", cookie=cookie)
    assert_json_error(status, json.dumps(body).encode(), headers, {401})
    ws = server.student_ws(cookie, sid)
    try:
        assert ws.wait_closed(timeout=5) == 4001
    finally:
        ws.close()


@FUZZ
@given(data=st.data())
def test_a_tampered_student_cookie_is_refused(env, figures, data):
    token = cookie_value(env.cookies["alice"], "qb_student")
    position = data.draw(st.integers(0, len(token) - 1))
    forged = tampered(token, position)
    figures["hostile inputs tried: forged cookies"] += 1
    status, body, _ = env.server.json("GET", "/api/me", cookie=f"qb_student={forged}")
    # A changed unused bit of the last base64 character decodes to the same
    # payload: then the cookie still names alice, which is no forgery.
    assert status == 401 or body["student_id"] == "alice", body


def test_tampered_and_swapped_cookies_are_refused(env, figures):
    server = env.server
    token = cookie_value(env.cookies["alice"], "qb_student")
    payload, mac = token.split(".")
    forged_payload = json.dumps([SID, "bob"]).encode()
    as_bob = base64.urlsafe_b64encode(forged_payload).decode().rstrip("=") + "." + mac
    admin_token = cookie_value(env.admin, "qb_admin")
    for forged in (tampered(token, 0), tampered(token, len(payload) + 3), as_bob,
                   payload, payload + ".", "." + mac, token + "." + mac, "", "x" * 2000,
                   admin_token):
        student_refused(server, f"qb_student={forged}")
        figures["hostile inputs tried: forged cookies"] += 1
    # A student's token where the admin's should be, and an admin token altered.
    for forged in (token, tampered(admin_token, 2), tampered(admin_token, len(admin_token) - 2)):
        status, headers, body = server.request("GET", "/admin/api/state",
                                               cookie=f"qb_admin={forged}")
        assert_json_error(status, body, headers, {401})
        ws = server.instructor_ws(f"qb_admin={forged}")
        assert ws.wait_closed(timeout=5) == 4001
        figures["hostile inputs tried: forged cookies"] += 1


def test_cookies_from_another_server_or_session_are_refused(env, server_factory, figures):
    other = server_factory(env={"QUIZBOX_JOINS_PER_MINUTE": "0",
                                "QUIZBOX_POOLS_DIR": str(env.folder / "other-pools")})
    assert other.live_sid() == SID           # same pool, same password, another secret
    foreign = other.join("alice", "Alice")
    student_refused(env.server, foreign)
    foreign_admin = other.admin_cookie()
    status, headers, body = env.server.request("GET", "/admin/api/state", cookie=foreign_admin)
    assert_json_error(status, body, headers, {401})
    ws = env.server.instructor_ws(foreign_admin)
    assert ws.wait_closed(timeout=5) == 4001
    # On the other server, a real cookie of session bio101 once science is live.
    admin = other.admin_cookie()
    status, body, _ = other.json("POST", "/admin/api/pools/select",
                                 json_body={"file": "science.json"}, cookie=admin)
    assert status == 200 and body["sid"] == "science", body
    student_refused(other, foreign, sid="science")
    ws = other.student_ws(foreign, SID)      # its own session's socket: not live any more
    assert ws.wait_closed(timeout=5) in (4001, 4004)
    figures["hostile inputs tried: forged cookies"] += 4


def test_a_student_cookie_on_the_instructor_socket_is_refused(env, figures):
    ws = WSClient.connect(f"{env.server.ws_base}/ws/instructor/{SID}",
                          cookie=env.cookies["alice"], origin=env.server.base)
    assert ws.wait_closed(timeout=5) == 4001
    figures["hostile inputs tried: forged cookies"] += 1


@pytest.mark.parametrize("origin", [
    "http://evil.example", None, "null", "http://127.0.0.1", "http://127.0.0.1:1",
    "https://evil.example", "http://127.0.0.1.evil.example", "file://"])
def test_the_instructor_socket_from_another_origin_is_refused(env, figures, origin):
    ws = WSClient.connect(f"{env.server.ws_base}/ws/instructor/{SID}", cookie=env.admin,
                          origin=origin)
    figures["hostile inputs tried: cross-site requests"] += 1
    assert ws.wait_closed(timeout=5) == 4001


def test_the_instructor_socket_from_the_page_origin_works(env):
    with env.server.instructor_ws(env.admin) as ws:
        assert ws.recv_json()["type"] == "state"


def test_cross_site_forms_cannot_reset_the_class(env, figures):
    server = env.server
    before_state = server.json("GET", "/admin/api/state", cookie=env.admin)[1]
    before = snapshot(env)
    forms = [("application/x-www-form-urlencoded", b"confirm=1"),
             ("multipart/form-data; boundary=b", b"--b\r\nContent-Disposition: form-data; "
              b"name=\"x\"\r\n\r\n1\r\n--b--\r\n"),
             ("text/plain", b'{"confirm": true}')]          # what enctype=text/plain sends
    for content_type, body in forms:
        status, headers, reply = server.request("POST", "/admin/api/reset", raw_body=body,
                                                cookie=env.admin,
                                                headers={"Content-Type": content_type,
                                                         "Origin": "http://evil.example"})
        assert assert_json_error(status, reply, headers, {415})
        figures["hostile inputs tried: cross-site requests"] += 1
    status, headers, reply = server.request("GET", "/admin/api/reset", cookie=env.admin)
    assert status == 405
    after_state = server.json("GET", "/admin/api/state", cookie=env.admin)[1]
    assert after_state == before_state and after_state["state"] == "question_open"
    assert snapshot(env) == before
    login = server.request("POST", "/admin/login", json_body={"password": server.password})[1]
    set_cookie = login["Set-Cookie"]
    assert "SameSite=Strict" in set_cookie and "HttpOnly" in set_cookie, set_cookie


def test_a_kicked_student_stays_out_until_readmitted(env, figures):
    server = env.server
    cookie = server.join("carol", "Carol", sid=SID)
    ws = server.student_ws(cookie, SID)
    ws.recv_until("question_open")
    env.teacher.send_json({"type": "kick", "student_id": "carol"})
    assert ws.wait_closed(timeout=5) == 4003
    status, body, _ = server.json("POST", "/api/join",
                                  json_body={"sid": SID, "student_id": "carol", "name": "C2"})
    assert status == 403 and body["error"] == "kicked", body
    again = server.student_ws(cookie, SID)
    assert again.wait_closed(timeout=5) == 4003
    assert server.json("GET", "/api/me", cookie=cookie)[0] in (401, 403)
    figures["hostile inputs tried: kicked students coming back"] += 3
    env.teacher.send_json({"type": "readmit", "student_id": "carol"})
    deadline = time.monotonic() + 5
    while True:
        status, body, _ = server.json("POST", "/api/join", cookie=cookie, json_body={
            "sid": SID, "student_id": "carol", "name": "Carol"})   # from her own phone
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert status == 200, body
    with server.student_ws(cookie, SID) as back:
        assert back.recv_until("question_open")["question_idx"] == 0


# Limits ######################################################################

def test_login_rate_limit_blocks_even_the_right_password(server_factory, figures):
    server = server_factory()
    for password in ("wrong", "teacher-pas", 12345, None, "TEACHER-PASS"):
        status, headers, body = server.request("POST", "/admin/login",
                                               json_body={"password": password})
        assert assert_json_error(status, body, headers, {401})["error"] == "wrong_password"
    for password in ("wrong", server.password):
        status, headers, body = server.request("POST", "/admin/login",
                                               json_body={"password": password})
        data = assert_json_error(status, body, headers, {429})
        assert data["error"] == "too_many_attempts" and "minute" in data["message"]
    figures["hostile inputs tried: login attempts"] += 7


def test_participant_limit_is_a_clear_503(server_factory, figures):
    server = server_factory(env={"QUIZBOX_MAX_PARTICIPANTS": "3",
                                 "QUIZBOX_JOINS_PER_MINUTE": "0"})
    cookies = [server.join(f"s{n}", f"Student {n}") for n in range(3)]
    status, headers, body = server.request("POST", "/api/join", json_body={
        "sid": SID, "student_id": "s3", "name": "Fourth"})
    assert status == 503 and headers["Content-Type"].startswith("application/json"), body
    data = json.loads(body)
    assert data["error"] == "session_full" and "3" in data["message"], data
    status, _, _ = server.json("POST", "/api/join", cookie=cookies[1], json_body={
        "sid": SID, "student_id": "s1", "name": "Student One Renamed"})
    assert status == 200                              # a rejoin from the same phone still works
    status, body, _ = server.json("POST", "/api/join", json_body={
        "sid": SID, "student_id": "s4", "name": "Fifth"})
    assert status == 503
    figures["hostile inputs tried: joins over a limit"] += 2


def test_joins_per_minute_limit_is_a_clear_429(server_factory, figures):
    server = server_factory(env={"QUIZBOX_JOINS_PER_MINUTE": "5"})
    for n in range(5):
        server.join(f"s{n}", f"Student {n}")
    for student_id in ("s5", "s0"):
        status, headers, body = server.request("POST", "/api/join", json_body={
            "sid": SID, "student_id": student_id, "name": "Again"})
        data = assert_json_error(status, body, headers, {429})
        assert data["error"] == "too_many_joins" and "minute" in data["message"], data
    figures["hostile inputs tried: joins over a limit"] += 2


# Last: the module's server logged no failure through all of the above.

def test_zz_log_has_no_traceback(env):
    assert "Traceback" not in env.server.log(), env.server.log()[-4000:]
