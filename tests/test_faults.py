"""Faults against the real server process and its database (issue 6).

A crash in the middle of a burst of answers, a Wi-Fi flap of the whole class,
one student racing two sockets, a phone that stops reading, and a database or
pool file that is damaged, newer, unwritable, full or edited between runs.
What a test does to the server is counted in the `figures` fixture (faults
injected, answers acknowledged, answers lost), printed at the end of the run
for the README's reliability section.

Run alone: python3 -m pytest -q tests/test_faults.py
"""

import base64
import concurrent.futures
import json
import os
import random
import resource
import socket
import sqlite3
import struct
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import QuizServer, sample_pool
from qbtest import assert_clean_log, csv_rows, first_reply, get_csv, now_ms, submit
from wsclient import (OP_PING, OP_TEXT, WSClient, WSClosed, _read_http_response_head,
                      accept_key, encode_frame)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import quizbox  # noqa: E402  (for the Store's settings and limits; imported unpatched)

SID = "bio101"   # sample_pool()'s session


# Harness ######################################################################

@pytest.fixture
def start(tmp_path):
    """start(pool, name, env=..., db=..., preexec_fn=..., port=..., run=True) →
    a QuizServer (started unless run=False), its own folder, log and no join
    limit; stopped at teardown."""
    servers = []

    def make(pool=None, name="server", env=None, db=None, preexec_fn=None, port=None,
             log=None, run=True):
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        if isinstance(pool, (str, Path)):
            pool_path = Path(pool)
        else:
            pool_path = folder / "pool.json"
            pool_path.write_text(json.dumps(sample_pool() if pool is None else pool, indent=2))
        settings = {"QUIZBOX_JOINS_PER_MINUTE": "0",
                    "QUIZBOX_POOLS_DIR": str(tmp_path / "pools")}   # never the repo's pools/
        settings.update(env or {})
        server = QuizServer(pool_path, db or folder / "quiz.db", log or folder / "server.log",
                            port=port, env=settings, preexec_fn=preexec_fn)
        servers.append(server)
        return server.start() if run else server

    yield make
    for server in servers:
        server.stop()




def parallel(function, items, workers=32):
    """[function(item)] computed by a pool of threads, exceptions re-raised."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, items))


def join_all(server, ids, name=lambda i: f"Student {i}"):
    return dict(zip(ids, parallel(lambda i: server.join(i, name(i), sid=SID), ids, 16)))


def connect_all(server, cookies, ids):
    sockets = dict(zip(ids, parallel(lambda i: server.student_ws(cookies[i], SID), ids)))
    for ws in sockets.values():
        ws.recv_until("state", timeout=10)
    return sockets


def hang_up(sockets):
    for ws in sockets:
        try:
            ws.sock.close()
        except OSError:
            pass


def me(server, cookie):
    status, body, _ = server.json("GET", "/api/me", cookie=cookie)
    assert status == 200, body
    return body


def answer_of(body, idx):
    """The submission for question idx in an /api/me body, or None."""
    found = [s for s in body["submissions"] if s["question_idx"] == idx]
    assert len(found) <= 1, f"question {idx} stored {len(found)} times: {found}"
    return found[0] if found else None


def same_ack(stored, ack):
    return (stored is not None and stored["status"] == "submitted"
            and stored["answer"] == ack["answer"] and stored["score"] == ack["score"]
            and stored["elapsed_ms"] == ack["elapsed_ms"])






# 1. A crash in the middle of a burst ###########################################

def test_sigkill_mid_burst_loses_no_acknowledged_answer(start, figures):
    """200 students answer over 1.6 s; SIGKILL at 0.8 s; restart on the same
    database: every acked answer is there with its score, nothing un-sent is,
    the question is open with the same deadline, and every phone that
    reconnects with its old cookie gets its own ack back."""
    limit_s = 120
    server = start(sample_pool(time_limit_default=limit_s), "crash")
    ids = [f"crash-{n:03d}" for n in range(200)]
    cookies = join_all(server, ids + ["bystander"])
    admin = server.admin_cookie()
    teacher = server.instructor_ws(admin)
    sockets = connect_all(server, cookies, ids)
    teacher.send_json({"type": "next"})
    opened = teacher.recv_until("question_open")
    rng = random.Random(61)
    plan = {i: (rng.uniform(0.0, 1.6), rng.choice("ABCD")) for i in ids}
    ready = threading.Barrier(len(ids) + 1, timeout=30)
    sent, acks, errors = {}, {}, {}

    def student(i):
        ws = sockets[i]
        ws.recv_until("question_open", timeout=10)
        ready.wait()
        delay, answer = plan[i]
        time.sleep(delay)
        sent[i] = answer          # before the send: a frame may leave as the server dies
        try:
            submit(ws, answer)
            reply = first_reply(ws)
        except (WSClosed, OSError, TimeoutError):
            return
        (acks if reply["type"] == "submit_ack" else errors)[i] = reply

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(ids)) as pool:
        futures = [pool.submit(student, i) for i in ids]
        ready.wait()
        time.sleep(0.8)
        server.kill()                                       # SIGKILL, mid-burst
        for future in futures:
            future.result()
    hang_up(sockets.values())
    hang_up([teacher])
    figures["faults injected: SIGKILL mid-burst"] += 1
    print(f"\ncrash: {len(sent)} sent, {len(acks)} acked before SIGKILL")
    assert not errors, errors
    assert 0 < len(acks) < len(ids), "the kill should land in the middle of the burst"

    server.start()
    after = dict(zip(ids, parallel(lambda i: me(server, cookies[i]), ids)))
    stored = {i: answer_of(after[i], 0) for i in ids}
    lost = [i for i, ack in acks.items() if not same_ack(stored[i], ack)]
    figures["answers acknowledged before a fault"] += len(acks)
    figures["answers lost"] += len(lost)
    assert not lost, {i: (acks[i], stored[i]) for i in lost}
    unacked = sum(1 for i in ids if i not in acks and stored[i] is not None)
    print(f"crash: {unacked} answers stored whose ack died with the server")
    for i in ids:
        if i in acks:
            assert after[i]["total_score"] == acks[i]["score"]
        elif stored[i] is not None:        # arrived, stored, the ack died with the server
            assert i in sent and stored[i]["answer"] == sent[i], (i, stored[i])
            assert stored[i]["status"] == "submitted"
    rows = csv_rows(server, admin)
    assert set(rows) == set(ids) | {"bystander"}
    for i in ids:
        row = rows[i]
        if stored[i] is None:
            assert (row["q1_answer"], row["q1_score"], row["answered"]) == ("", "0", "0")
        else:
            assert (row["q1_answer"], int(row["q1_score"]), int(row["q1_ms"])) == \
                (stored[i]["answer"], stored[i]["score"], stored[i]["elapsed_ms"])
            assert row["answered"] == "1"

    teacher = server.instructor_ws(admin)
    state = teacher.recv_until("state")
    assert (state["state"], state["current_question_idx"]) == ("question_open", 0)
    reopened = teacher.recv_until("question_open")
    assert reopened["opened_at_server_ts"] == opened["opened_at_server_ts"]
    assert reopened["time_limit"] == limit_s
    deadline = opened["opened_at_server_ts"] + limit_s * 1000
    assert abs(reopened["remaining_ms"] - (deadline - now_ms())) < 2000

    # Connected and silent, so that the question does not close early once
    # every other phone has answered again.
    bystander = server.student_ws(cookies["bystander"], SID)

    def come_back(i):
        ws = server.student_ws(cookies[i], SID)
        try:
            assert ws.recv_until("state")["state"] == "question_open"
            assert ws.recv_until("question_open")["opened_at_server_ts"] == \
                opened["opened_at_server_ts"]
            if stored[i] is not None:
                ack = ws.recv_until("submit_ack")
                assert ack == acks.get(i, ack)
                assert (ack["answer"], ack["score"]) == (stored[i]["answer"], stored[i]["score"])
                return "ack back"
            submit(ws, "B")                      # nothing stored: the student can answer now
            reply = first_reply(ws)
            assert reply["type"] == "submit_ack" and reply["answer"] == "B", reply
            return "answered again"
        finally:
            ws.close()

    outcomes = parallel(come_back, ids)
    print(f"crash: after restart {outcomes.count('ack back')} acks back, "
          f"{outcomes.count('answered again')} answered again")
    bystander.close()
    teacher.close()
    assert_clean_log(server)


# 2. A Wi-Fi flap of the whole class ############################################

BEHAVIOURS = ("before", "after", "same", "different", "none")
DROPS = ("fin", "rst", "linger")


def drop(ws, how, lingering):
    """Lose a socket the way a phone does: FIN, RST, or silently (left open)."""
    if how == "linger":
        lingering.append(ws)     # a half-dead connection the phone never closes
        return
    if how == "rst":
        ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    ws.sock.close()


def test_wifi_flap_of_300_students_scores_every_answer_once(start, figures):
    """300 students drop their sockets (FIN, RST or silently) and reconnect
    within 2 s while a question is open; some answer before dropping, some
    after reconnecting, some both (same or another answer), some not at all.
    Every answer is stored once, and every socket hears the first ack."""
    server = start(sample_pool(time_limit_default=120), "flap")
    ids = [f"flap-{n:03d}" for n in range(300)]
    cookies = join_all(server, ids)
    admin = server.admin_cookie()
    teacher = server.instructor_ws(admin)
    sockets = connect_all(server, cookies, ids)
    teacher.send_json({"type": "next"})
    teacher.recv_until("question_open")
    rng = random.Random(62)
    plan = {}
    for k, i in enumerate(ids):
        first, second = rng.sample("ABCD", 2)
        plan[i] = (BEHAVIOURS[k % 5], DROPS[(k // 5) % 3], first, second, k % 2 == 0,
                   rng.uniform(0, 0.5), rng.uniform(0.15, 1.5))
    ready = threading.Barrier(len(ids) + 1, timeout=30)
    lingering, lock = [], threading.Lock()
    heard = {}         # student → every ack their sockets got
    gaps = []

    def student(i):
        behaviour, how, first, second, wait_ack, before, away = plan[i]
        acks = heard.setdefault(i, [])
        ws = sockets[i]
        ws.recv_until("question_open", timeout=10)
        ready.wait()
        time.sleep(before)
        if behaviour in ("before", "same", "different"):
            submit(ws, first)
            if wait_ack:                       # half of them hear the ack before the drop
                acks.append(ws.recv_until("submit_ack"))
        dropped = time.monotonic()
        with lock:
            drop(ws, how, lingering)
        time.sleep(away)
        ws = server.student_ws(cookies[i], SID)
        gaps.append(time.monotonic() - dropped)
        try:
            assert ws.recv_until("state")["state"] == "question_open"
            ws.recv_until("question_open")
            if behaviour in ("before", "same", "different"):
                acks.append(ws.recv_until("submit_ack"))    # the snapshot brings it back
            if behaviour in ("after", "same"):
                submit(ws, first)
                acks.append(ws.recv_until("submit_ack"))
            if behaviour == "different":
                submit(ws, second)
                acks.append(ws.recv_until("submit_ack"))
            if behaviour == "none":
                with pytest.raises(TimeoutError):
                    ws.recv_until("submit_ack", timeout=0.3)
        finally:
            ws.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(ids)) as pool:
        futures = [pool.submit(student, i) for i in ids]
        ready.wait()
        for future in futures:
            future.result()
    hang_up(lingering)
    figures["faults injected: socket drops (Wi-Fi flap)"] += len(ids)
    # The scenario's own check (each phone was away only briefly), not a speed limit.
    assert max(gaps) < 10.0, f"reconnects took up to {max(gaps):.2f} s"

    after = dict(zip(ids, parallel(lambda i: me(server, cookies[i]), ids)))
    rows = csv_rows(server, admin)
    lost, twice = [], []
    for i in ids:
        behaviour, _, first, _, _, _, _ = plan[i]
        stored = answer_of(after[i], 0)
        row = rows[i]
        if behaviour == "none":
            assert stored is None and heard[i] == [], (i, stored, heard[i])
            assert (row["answered"], row["q1_answer"]) == ("0", "")
            continue
        acks = heard[i]
        assert acks and all(ack == acks[0] for ack in acks), (i, acks)
        assert acks[0]["answer"] == first, (i, acks)
        if not same_ack(stored, acks[0]):
            lost.append(i)
        if row["answered"] != "1" or int(row["total_score"]) != acks[0]["score"] or \
                after[i]["total_score"] != acks[0]["score"]:
            twice.append(i)
    answered = sum(plan[i][0] != "none" for i in ids)
    figures["answers acknowledged before a fault"] += answered
    figures["answers lost"] += len(lost)
    figures["answers scored twice"] += len(twice)
    assert not lost, lost
    assert not twice, twice
    teacher.close()
    teacher = server.instructor_ws(admin)
    histogram = teacher.recv_until("live_histogram")
    assert histogram["submitted_count"] == answered
    assert histogram["histogram"]["pending"] == len(ids) - answered
    teacher.close()
    print(f"\nflap: {len(ids)} drops, reconnect gap max {max(gaps):.2f} s, "
          f"{answered} answers, {sum(len(a) for a in heard.values())} acks heard")
    assert_clean_log(server)


# 3. One student, two sockets, racing ###########################################

def test_racing_submits_from_two_sockets_are_stored_once(start, figures):
    """20 students × 2 sockets submit different answers at the same moment,
    over 10 questions: each answer is stored once and both sockets get the
    same ack (the one stored)."""
    rounds, students = 10, 20
    questions = [{"prompt": f"Question {n}?", "choices": ["w", "x", "y", "z"], "correct": "C"}
                 for n in range(rounds)]
    server = start(sample_pool(questions=questions, time_limit_default=60), "race")
    ids = [f"race-{n:02d}" for n in range(students)]
    cookies = join_all(server, ids)
    admin = server.admin_cookie()
    teacher = server.instructor_ws(admin)
    pairs = {i: (server.student_ws(cookies[i], SID), server.student_ws(cookies[i], SID))
             for i in ids}
    everyone = [ws for pair in pairs.values() for ws in pair]
    rng = random.Random(63)
    winners, all_choices = {}, {}
    for idx in range(rounds):
        teacher.send_json({"type": "next"})
        teacher.recv_until("question_open")
        for ws in everyone:
            ws.recv_until("question_open")
        choices = all_choices[idx] = {i: rng.sample("ABCD", 2) for i in ids}
        barrier = threading.Barrier(len(everyone), timeout=30)

        def racer(job):
            i, side = job
            ws = pairs[i][side]
            barrier.wait()
            submit(ws, choices[i][side], idx)
            seen = {}
            while len(seen) < 2:      # the ack, and the close once all have answered
                message = ws.recv_json(timeout=10)
                if message["type"] in ("submit_ack", "question_closed", "error"):
                    assert message["type"] not in seen, message
                    seen[message["type"]] = message
            assert "error" not in seen, seen
            return seen["submit_ack"]

        jobs = [(i, side) for i in ids for side in (0, 1)]
        acks = dict(zip(jobs, parallel(racer, jobs, len(jobs))))
        for i in ids:
            one, two = acks[(i, 0)], acks[(i, 1)]
            assert one == two, (i, idx, one, two)
            assert one["answer"] in choices[i] and one["question_idx"] == idx
            winners[(i, idx)] = one
    figures["faults injected: racing double submits"] += rounds * students
    first_won = sum(w["answer"] == all_choices[idx][i][0] for (i, idx), w in winners.items())
    print(f"\nrace: the first socket's answer was kept {first_won} times of {len(winners)}")

    lost = 0
    for i in ids:
        body = me(server, cookies[i])
        assert len(body["submissions"]) == rounds
        for idx in range(rounds):
            stored = answer_of(body, idx)
            lost += not same_ack(stored, winners[(i, idx)])
        assert body["total_score"] == sum(winners[(i, idx)]["score"] for idx in range(rounds))
    rows = csv_rows(server, admin)
    for i in ids:
        assert rows[i]["answered"] == str(rounds)
        assert [rows[i][f"q{n + 1}_answer"] for n in range(rounds)] == \
            [winners[(i, n)]["answer"] for n in range(rounds)]
    figures["answers acknowledged before a fault"] += len(winners)
    figures["answers lost"] += lost
    assert lost == 0
    hang_up(everyone)
    teacher.close()
    assert_clean_log(server)


# 4. A phone that stops reading #################################################

def tiny_window_socket(server, cookie, path):
    """A student socket whose receive buffer is as small as the kernel allows,
    set before connecting so that the server sees a tiny window at once."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    sock.settimeout(5)
    sock.connect(("127.0.0.1", server.port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                  "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  f"Cookie: {cookie}\r\n\r\n").encode())
    status, headers, rest = _read_http_response_head(sock, time.monotonic() + 5)
    assert status == 101 and headers["sec-websocket-accept"] == accept_key(key)
    return WSClient(sock, rest, headers)


ESTABLISHED = 1
SEND_TIMEOUT_BOUND = 10 + 5     # the server's 10 s send timeout, and slack


def server_end(server, ws):
    """(TCP state, bytes queued to send, bytes received unread) of the
    server's end of ws's connection, from /proc/net/tcp; None once the server
    has let it go."""
    client_port = ws.sock.getsockname()[1]
    with open("/proc/net/tcp") as table:
        for line in table.read().splitlines()[1:]:
            fields = line.split()
            local, remote = fields[1].split(":"), fields[2].split(":")
            if int(local[1], 16) == server.port and int(remote[1], 16) == client_port:
                queued, unread = (int(n, 16) for n in fields[4].split(":"))
                return int(fields[3], 16), queued, unread
    return None


def dropped(server, ws):
    end = server_end(server, ws)
    return end is None or end[0] != ESTABLISHED


def wait_dropped(server, ws, timeout):
    """The time the server let ws go, or None if it has not within timeout."""
    deadline = time.monotonic() + timeout
    while not dropped(server, ws):
        if time.monotonic() > deadline:
            print(f"still open: {server_end(server, ws)}")
            return None
        time.sleep(0.1)
    return time.monotonic()


# A 172-byte frame whose answer is a 230-byte error quoting its 40-emoji type.
LOUD = json.dumps({"type": "\U0001F600" * 40}, ensure_ascii=False).encode()
LOUD_ANSWER = 200   # bytes, at least
PING = json.dumps({"type": "ping"}).encode()


def fill_until_stuck(server, ws, batch_size=300, most=100_000):
    """Send frames whose answers pile up until the server's send to ws blocks,
    keeping its outbox below 500 frames: once the server has read a batch and
    its send queue grew by less than the batch's answers, the rest of them
    wait in the outbox behind a blocked write."""
    batch = b"".join(encode_frame(OP_TEXT, LOUD, mask_key=b"\x01\x02\x03\x04")
                     for _ in range(batch_size))
    previous = server_end(server, ws)[1]
    for _ in range(most // batch_size):
        ws.sock.sendall(batch)
        deadline = time.monotonic() + 10
        while server_end(server, ws)[2] and time.monotonic() < deadline:
            time.sleep(0.005)           # until the server has read the whole batch
        time.sleep(0.03)                # and its sender has had its turn
        _, queued, _ = server_end(server, ws)
        if queued - previous < batch_size * LOUD_ANSWER:
            return queued
        previous = queued
    raise AssertionError("the server's send queue never filled")


needs_proc_net = pytest.mark.skipif(not os.path.exists("/proc/net/tcp"),
                                    reason="reads the server's sockets from /proc/net/tcp")


@needs_proc_net
def test_a_phone_that_stops_reading_delays_nobody_and_is_dropped(start, figures):
    """Two phones stop reading (tiny receive window): one keeps sending pings
    (its outbox passes 500 frames), one goes quiet once the server's send to
    it blocks (the 10 s send timeout). Meanwhile 20 other students get every
    question_open and question_closed within a second; both stuck sockets are
    closed by the server within their bound."""
    server = start(sample_pool(time_limit_default=120), "stuck")
    ids = [f"ok-{n:02d}" for n in range(20)]
    cookies = join_all(server, ids + ["flooder", "quiet"])
    admin = server.admin_cookie()
    teacher = server.instructor_ws(admin)
    sockets = connect_all(server, cookies, ids)
    quiet = tiny_window_socket(server, cookies["quiet"], f"/ws/student/{SID}")
    flooder = tiny_window_socket(server, cookies["flooder"], f"/ws/student/{SID}")

    queued = fill_until_stuck(server, quiet)
    quiet_stuck = time.monotonic()
    print(f"\nstuck: server's send to the quiet phone blocked with {queued} bytes queued")

    flood = b"".join(encode_frame(OP_TEXT, PING, mask_key=b"\x05\x06\x07\x08") +
                     encode_frame(OP_TEXT, LOUD, mask_key=b"\x05\x06\x07\x08")
                     for _ in range(20000))
    flood_started = time.monotonic()

    def spam():
        flooder.sock.settimeout(30)
        try:
            flooder.sock.sendall(flood)
        except OSError:
            pass       # the server hung up on us: what we expect

    spammer = threading.Thread(target=spam, daemon=True)
    spammer.start()

    latencies = []
    for idx in range(3):
        for command, kind in (("next", "question_open"), ("close_question", "question_closed")):
            sent_at = time.monotonic()
            teacher.send_json({"type": command})
            arrived = parallel(lambda ws: (ws.recv_until(kind, timeout=5), time.monotonic())[1],
                               list(sockets.values()))
            latencies.append(max(arrived) - sent_at)
            teacher.recv_until(kind)
    print(f"stuck: broadcasts to 20 students arrived within {max(latencies):.3f} s "
          f"(each of {len(latencies)} broadcasts)")
    # Not a speed limit: a stall behind the stuck phone would last the 10 s send
    # timeout; half of it tells the two apart on however noisy a machine.
    assert max(latencies) < quizbox.SEND_TIMEOUT_S / 2, latencies

    flooder_gone = wait_dropped(server, flooder, 20)
    assert flooder_gone is not None, "the flooding phone was never dropped"
    quiet_gone = wait_dropped(server, quiet, SEND_TIMEOUT_BOUND)
    assert quiet_gone is not None, "the quiet stuck phone was not dropped within 10 s + slack"
    spammer.join(10)
    print(f"stuck: flooder dropped {flooder_gone - flood_started:.1f} s after it began, "
          f"quiet one {quiet_gone - quiet_stuck:.1f} s after the server's send blocked")
    figures["faults injected: phones that stop reading"] += 2
    # Both phones, reading at last, find their connection closed by the server.
    for ws in (flooder, quiet):
        ws.wait_closed(timeout=15)      # TimeoutError if the connection were still up
    status, health, _ = server.json("GET", "/healthz")
    assert status == 200 and health["ws_clients"] == len(ids) + 1
    hang_up(sockets.values())
    teacher.close()
    assert_clean_log(server)


@needs_proc_net
def test_a_phone_that_sends_ws_pings_and_never_reads_is_not_held_forever(start, figures):
    """Within the bound, the server has either dropped the socket or is still
    reading it (its reader is not stuck in a write that never ends)."""
    server = start(sample_pool(time_limit_default=120), "ctlping")
    cookies = join_all(server, ["pinger", "other"])
    admin = server.admin_cookie()
    teacher = server.instructor_ws(admin)
    pinger = tiny_window_socket(server, cookies["pinger"], f"/ws/student/{SID}")
    other = server.student_ws(cookies["other"], SID)
    pinger.sock.settimeout(0.5)
    frames = encode_frame(OP_PING, b"p" * 125, mask_key=b"\x01\x02\x03\x04") * 50
    began = time.monotonic()
    try:
        while time.monotonic() - began < 5:       # ~2 MB of pongs it will never read
            pinger.sock.sendall(frames)
    except OSError:
        pass      # the server stopped reading us (or hung up)
    figures["faults injected: phones that stop reading"] += 1
    for command, kind in (("next", "question_open"), ("close_question", "question_closed")):
        teacher.send_json({"type": command})
        other.recv_until(kind, timeout=2)           # the others are not held up

    def let_go_or_reading():
        end = server_end(server, pinger)
        return end is None or end[0] != ESTABLISHED or end[2] == 0

    deadline = time.monotonic() + 12
    while not let_go_or_reading() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert let_go_or_reading(), (f"12 s on, the server neither dropped the socket nor read "
                                 f"what it sent: {server_end(server, pinger)}")


# 5. The database: damaged, newer, unwritable, full #############################

def play_a_little(server, students=4):
    """Join a few students, open question 0 and have them answer it."""
    ids = [f"p{n}" for n in range(students)]
    cookies = join_all(server, ids)
    teacher = server.instructor_ws(server.admin_cookie())
    teacher.send_json({"type": "next"})
    teacher.recv_until("question_open")
    sockets = [server.student_ws(cookies[i], SID) for i in ids]   # all in: no early close
    for n, ws in enumerate(sockets):
        submit(ws, "ABCD"[n % 4])
        reply = first_reply(ws)
        assert reply["type"] == "submit_ack", reply
    for ws in sockets:
        ws.close()
    teacher.close()
    return cookies


def refused(server):
    """Start a server that must refuse to: (exit code, its log)."""
    with pytest.raises(RuntimeError, match="quizbox exited with"):
        server.start()
    assert server.proc.returncode != 0
    log = server.log()
    assert "Traceback" not in log, log
    return server.proc.returncode, log


def dump(path):
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump()), db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()


def test_a_garbage_database_file_is_refused_and_left_alone(start, tmp_path, figures):
    db = tmp_path / "garbage" / "quiz.db"
    db.parent.mkdir()
    garbage = random.Random(64).randbytes(64 * 1024)
    db.write_bytes(garbage)
    code, log = refused(start(name="garbage", db=db, run=False))
    assert str(db) in log and "cannot use the database" in log, log
    assert db.read_bytes() == garbage, "the damaged file was changed"
    figures["faults injected: damaged or refused databases"] += 1


def test_a_database_with_damaged_pages_is_refused_and_left_alone(start, tmp_path, figures):
    server = start(name="damaged")
    play_a_little(server)
    server.stop()
    db = Path(server.db_path)
    assert not Path(str(db) + "-wal").exists() or Path(str(db) + "-wal").stat().st_size == 0
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    assert data[:16] == b"SQLite format 3\0" and len(data) >= 3 * page
    noise = random.Random(65)
    for offset in range(page, len(data), page):      # every page but the first
        data[offset + 8:offset + page] = noise.randbytes(page - 8)
    db.write_bytes(bytes(data))
    code, log = refused(start(name="damaged", db=db, run=False, log=tmp_path / "again.log"))
    assert str(db) in log and "cannot use the database" in log, log
    assert db.read_bytes() == bytes(data), "the damaged file was changed"
    figures["faults injected: damaged or refused databases"] += 1


def test_a_database_from_a_newer_quizbox_is_refused_untouched(start, tmp_path, figures):
    server = start(name="newer")
    play_a_little(server)
    server.stop()
    db = sqlite3.connect(server.db_path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    before = dump(server.db_path)
    code, log = refused(start(name="newer", db=server.db_path, run=False,
                              log=tmp_path / "again.log"))
    assert server.db_path in log and "newer" in log and "99" in log, log
    assert dump(server.db_path) == before
    figures["faults injected: damaged or refused databases"] += 1


@pytest.mark.parametrize("where", ["under a regular file", "a directory"])
def test_an_unusable_database_location_is_a_clear_message(start, tmp_path, figures, where):
    blocker = tmp_path / "blocker"
    if where == "under a regular file":
        blocker.write_text("not a folder")
        db = blocker / "state" / "quiz.db"        # mkdir fails even for root
    else:
        blocker.mkdir()
        db = blocker                              # the "file" is a folder
    code, log = refused(start(name="unusable", db=db, run=False))
    assert str(db) in log and "cannot use the database" in log, log
    figures["faults injected: damaged or refused databases"] += 1


def file_size_limit(limit):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_refuses_answers_it_cannot_keep(start, tmp_path, figures):
    """RLIMIT_FSIZE lets the database (and its WAL) grow by a few pages only
    (CPython ignores SIGXFSZ, so writes fail with EFBIG, as on a full disk).
    Students answer one after another until some get storage_failed; after a
    restart without the limit every acked answer is stored and no refused one
    is."""
    first = start(sample_pool(time_limit_default=300), "fulldisk")
    ids = [f"{n:03d}-" + "x" * 60 for n in range(60)]       # long ids and names grow pages
    cookies = join_all(first, ids + ["bystander"], name=lambda i: ("Name " + i)[:40])
    admin = first.admin_cookie()
    first.stop()
    db = Path(first.db_path)
    limit = db.stat().st_size + 15 * 4096
    full = start(first.pool_path, "fulldisk", db=db, port=first.port, log=tmp_path / "full.log",
                 preexec_fn=file_size_limit(limit))
    teacher = full.instructor_ws(admin)
    bystander = full.student_ws(cookies["bystander"], SID)   # silent: no early close
    teacher.send_json({"type": "next"})
    teacher.recv_until("question_open")
    acked, refused_ids, answers = {}, [], {}
    for n, i in enumerate(ids):
        ws = full.student_ws(cookies[i], SID)
        ws.recv_until("question_open")
        answers[i] = "ABCD"[n % 4]
        submit(ws, answers[i])
        reply = first_reply(ws)
        ws.close()
        if reply["type"] == "submit_ack":
            assert not refused_ids, "an answer was acked after the disk was full"
            acked[i] = reply
        else:
            assert reply["code"] == "storage_failed", reply
            refused_ids.append(i)
            if len(refused_ids) == 5:
                break
    print(f"\nfull disk: {len(acked)} answers acked, then {len(refused_ids)} refused")
    assert acked and len(refused_ids) == 5
    status, body, _ = full.json("POST", "/api/join",
                                json_body={"sid": SID, "student_id": "late", "name": "Late"})
    assert status == 503 and body["error"] == "storage_failed", (status, body)
    assert full.json("GET", "/healthz")[0] == 200
    teacher.close()
    bystander.close()
    full.stop()
    figures["faults injected: write failures (full disk)"] += len(refused_ids) + 1

    again = start(first.pool_path, "fulldisk", db=db, port=first.port,
                  log=tmp_path / "again.log")
    lost = [i for i in acked if not same_ack(answer_of(me(again, cookies[i]), 0), acked[i])]
    figures["answers acknowledged before a fault"] += len(acked)
    figures["answers lost"] += len(lost)
    assert not lost
    for i in refused_ids:
        assert answer_of(me(again, cookies[i]), 0) is None, i
    rows = csv_rows(again, again.admin_cookie())
    assert set(rows) == set(ids) | {"bystander"}     # "late" never joined
    assert sum(row["answered"] == "1" for row in rows.values()) == len(acked)
    assert "STORAGE FAILED" in full.log()
    assert_clean_log(full)
    assert_clean_log(again)


def test_sqlite_settings_make_an_ack_mean_on_disk(start):
    """WAL (readers never block the writer), synchronous=FULL (a commit is
    fsynced before the ack), and a busy timeout: a write lock held by an
    operator's sqlite3 for a second delays an answer, it does not fail it."""
    server = start(name="pragmas")
    cookies = join_all(server, ["answers", "silent"])
    teacher = server.instructor_ws(server.admin_cookie())
    ws = server.student_ws(cookies["answers"], SID)
    silent = server.student_ws(cookies["silent"], SID)
    teacher.send_json({"type": "next"})
    ws.recv_until("question_open")
    db_path = Path(server.db_path)
    with open(db_path, "rb") as file:
        header = file.read(20)
    assert header[18:20] == b"\x02\x02", "the file is not in WAL mode"
    outside = sqlite3.connect(db_path, isolation_level=None)
    assert outside.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store = quizbox.Store(db_path)      # a second connection, as the server opens its own
    try:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2    # FULL
        assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 2000
    finally:
        store.close()
    outside.execute("BEGIN IMMEDIATE")                # an operator holds the write lock
    held = time.monotonic()
    submit(ws, "B")
    time.sleep(1.0)
    outside.execute("COMMIT")
    reply = first_reply(ws)
    waited = time.monotonic() - held
    assert reply["type"] == "submit_ack", reply
    assert waited >= 0.9
    outside.close()
    for socket_ in (ws, silent, teacher):
        socket_.close()
    assert answer_of(me(server, cookies["answers"]), 0)["answer"] == "B"
    assert_clean_log(server)


# 6. A pool file edited between restarts ########################################

def test_a_pool_edited_between_restarts_keeps_the_questions_played(start, tmp_path, figures):
    pool = sample_pool(time_limit_default=120)
    server = start(pool, "edited")
    cookies = play_a_little(server, 6)
    admin = server.admin_cookie()
    teacher = server.instructor_ws(admin)
    teacher.send_json({"type": "close_question"})
    teacher.recv_until("question_closed")
    teacher.close()
    before_csv = get_csv(server, admin)
    before_me = {i: me(server, c) for i, c in cookies.items()}
    server.stop()

    pool_path = Path(server.pool_path)
    edited = sample_pool(title="Edited title", time_limit_default=30)
    edited["questions"][0].update(prompt="A different question?", correct="D")
    del edited["questions"][1]
    pool_path.write_text(json.dumps(edited))
    server.start()
    figures["faults injected: pool files edited between restarts"] += 1
    log = server.log()
    assert "has changed since session" in log and str(pool_path) in log, log
    assert get_csv(server, admin) == before_csv
    assert {i: me(server, c) for i, c in cookies.items()} == before_me
    status, state, _ = server.json("GET", "/admin/api/state", cookie=admin)
    assert (state["title"], state["question_count"], state["state"]) == \
        (pool["title"], 3, "question_closed")
    ws = server.student_ws(cookies["p1"], SID)
    reveal = ws.recv_until("question_closed")
    assert (reveal["prompt"], reveal["correct"]) == (pool["questions"][0]["prompt"], "B")
    ws.close()
    server.stop()

    # An edit that breaks the file: a clear message, and nothing is touched.
    pool_path.write_text('{"title": "half a file", "questions": [')
    code, log = refused(server)
    assert str(pool_path) in log and "not valid JSON" in log, log
    figures["faults injected: pool files edited between restarts"] += 1

    # An edit that renames the session: the old one is kept, CSV and all.
    pool_path.write_text(json.dumps(sample_pool(session_id="bio102")))
    server.start()
    figures["faults injected: pool files edited between restarts"] += 1
    assert server.live_sid() == "bio102"
    status, _, body = server.request("GET", f"/admin/api/csv?sid={SID}", cookie=admin)
    assert status == 200 and body == before_csv
    assert_clean_log(server)

