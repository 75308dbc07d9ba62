"""The write path under faults, against the real server and its SQLite file:
another program holding the database's write lock (only the answer waiting
for the disk waits), a write that fails for one item of a batch (only its
sender hears of it), and a database written by the previous quizbox.py (it
opens, migrates to schema 2 and keeps every result and cookie).

What a test does to the server is counted in the `figures` fixture.

Run alone: python3 -m pytest -q tests/test_write_path.py
"""

import json
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import QUIZBOX, REPO_ROOT, QuizServer, sample_pool
from qbtest import assert_clean_log, close_all, csv_rows, first_reply, submit

SID = "bio101"   # sample_pool()'s session
PREVIOUS_COMMIT = "e9b27b2"   # quizbox.py before schema 2 (one device per id, pausable clock)


# Harness ######################################################################

class ProgramServer(QuizServer):
    """A QuizServer that runs another program in quizbox.py's place: a wrapper
    script around it, or an older quizbox.py. Same flags, port, log, checks."""

    def __init__(self, program, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = Path(program)

    def start(self, timeout=15.0):
        # QuizServer.start runs conftest's QUIZBOX; point it at our program for
        # the length of the call (it only reads the name to build the command).
        names = QuizServer.start.__globals__
        real = names["QUIZBOX"]
        names["QUIZBOX"] = self.program
        try:
            return super().start(timeout)
        finally:
            names["QUIZBOX"] = real


@pytest.fixture
def launch(tmp_path):
    """launch(name, program=quizbox.py, db=None, pool=None, port=None) → a started
    server with its own log, no join limit and a 120 s default time limit;
    stopped at teardown."""
    servers = []

    def make(name, program=QUIZBOX, db=None, pool=None, port=None):
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        if pool is None:
            pool = folder / "pool.json"
            pool.write_text(json.dumps(sample_pool(time_limit_default=120)))
        settings = {"QUIZBOX_JOINS_PER_MINUTE": "0",
                    "QUIZBOX_POOLS_DIR": str(tmp_path / "pools")}   # never the repo's pools/
        server = ProgramServer(program, pool, db or folder / "quiz.db", folder / "server.log",
                               port=port, env=settings)
        servers.append(server)
        return server.start()

    yield make
    for server in servers:
        server.stop()








def stored_as_acked(row, ack, n=1):
    return (row[f"q{n}_answer"], row[f"q{n}_score"], row[f"q{n}_ms"]) == \
        (ack["answer"], str(ack["score"]), str(ack["elapsed_ms"]))


def timed(action):
    """(seconds taken, result of action())."""
    began = time.monotonic()
    result = action()
    return time.monotonic() - began, result


def user_version(db_path):
    with sqlite3.connect(db_path) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


# 1. Another program holds the write lock ######################################

def hold_write_lock(server):
    """Another program's write transaction on the server's database: COMMIT it to let go."""
    outside = sqlite3.connect(server.db_path, isolation_level=None, timeout=1)
    outside.execute("BEGIN IMMEDIATE")
    return outside


def test_a_held_write_lock_delays_only_the_answer_waiting_for_the_disk(launch, figures):
    """An operator's sqlite3 holds the write lock (BEGIN IMMEDIATE, no commit)
    for 3 s, within the server's busy timeout: the answer sent meanwhile is
    acknowledged only once the lock is released, while pings, /healthz and
    /api/me keep answering at once. After a SIGKILL the answer is there."""
    server = launch("lock")
    cookies = {i: server.join(i, f"Name {i}", sid=SID) for i in ("writer", "pinger", "reader")}
    teacher = server.instructor_ws(server.admin_cookie(), sid=SID)
    writer = server.student_ws(cookies["writer"], sid=SID)
    pinger = server.student_ws(cookies["pinger"], sid=SID)   # never answers: no early close
    sockets = [teacher, writer, pinger]
    try:
        teacher.send_json({"type": "next"})
        for ws in sockets:
            ws.recv_until("question_open")

        outside = hold_write_lock(server)            # held, never committed while we look
        held = time.monotonic()
        figures["faults injected: database write lock held"] += 1
        submit(writer, "B")
        rounds, slowest, early = 0, 0.0, []
        while time.monotonic() - held < 3.0:
            took, _ = timed(lambda: (pinger.send_text('{"type":"ping"}'),
                                     pinger.recv_until("pong", timeout=3)))
            slowest = max(slowest, took)
            took, (status, body, _) = timed(lambda: server.json("GET", "/healthz"))
            assert status == 200 and body["ok"] is True
            slowest = max(slowest, took)
            took, (status, body, _) = timed(
                lambda: server.json("GET", "/api/me", cookie=cookies["reader"]))
            assert status == 200 and body["student_id"] == "reader"
            slowest = max(slowest, took)
            try:
                early.append(writer.recv_json(timeout=0.1))
            except TimeoutError:
                pass
            rounds += 1
        still_held = time.monotonic() - held
        outside.execute("COMMIT")
        outside.close()
        assert still_held < 4.5, "the lock was held past the server's busy timeout"
        assert [m for m in early if m["type"] in ("submit_ack", "error")] == [], \
            "an answer was acknowledged while the database was locked"
        assert rounds >= 3 and slowest < 1.0, (rounds, slowest)
        figures["requests served while the database was locked"] += 3 * rounds

        ack = first_reply(writer, timeout=10)
        assert ack["type"] == "submit_ack" and ack["answer"] == "B" and ack["score"] > 0, ack
    finally:
        close_all(sockets)

    server.kill()
    figures["faults injected: SIGKILL"] += 1
    server.start()
    row = csv_rows(server)["writer"]
    lost = 0 if stored_as_acked(row, ack) else 1
    figures["answers acknowledged before a fault"] += 1
    figures["answers lost"] += lost
    assert lost == 0, (row, ack)
    assert_clean_log(server)


# 2. A write that fails for one item ###########################################

FAULTY_SERVER = '''\
"""quizbox.py with one fault injected into the store's write, for a test."""
from gevent import monkey
monkey.patch_all()   # as quizbox.py does when run as a program

import sys
sys.path.insert(0, {repo!r})
import quizbox

# This test double of the store's write is the one place the test suite fakes
# anything: the answer of student "victim" cannot be written, every other
# write is the real Store's, on the real SQLite file.
real_save_submissions = quizbox.Store.save_submissions


def save_submissions(self, sid, submissions, db=None):
    if any(s.student_id == "victim" and s.status == "submitted" for s in submissions):
        raise RuntimeError("injected")
    return real_save_submissions(self, sid, submissions, db=db)


quizbox.Store.save_submissions = save_submissions
sys.exit(quizbox.main())
'''


def faulty_class(launch, tmp_path, name, ids):
    """A server whose write of "victim"'s answer fails, ids joined and connected
    with the teacher, question 0 open → (server, cookies, admin, teacher, phones)."""
    program = tmp_path / "faulty_quizbox.py"
    program.write_text(FAULTY_SERVER.format(repo=str(REPO_ROOT)))
    server = launch(name, program=program)
    cookies = {i: server.join(i, f"Name {i}", sid=SID) for i in ids}
    admin = server.admin_cookie()
    teacher = server.instructor_ws(admin, sid=SID)
    phones = {i: server.student_ws(cookies[i], sid=SID) for i in ids}
    teacher.send_json({"type": "next"})
    for ws in [teacher, *phones.values()]:
        ws.recv_until("question_open")
    return server, cookies, admin, teacher, phones


def test_a_write_that_fails_for_one_answer_hurts_nobody_else(launch, tmp_path, figures):
    """"victim" and 19 honest students answer at the same moment, and the
    victim's write fails: every honest student is acknowledged and stored
    (they survive a SIGKILL), the victim alone gets storage_failed and nothing
    of its answer is kept.

    So that the victim's answer surely shares one transaction with theirs, the
    test holds the write lock meanwhile: a 20th honest answer goes first and
    keeps the writer waiting for the lock, and everything sent behind it is
    written in the next transaction, together, once the lock is released."""
    honest = [f"h{n:02d}" for n in range(20)]
    ids = honest + ["victim"]
    server, cookies, admin, teacher, phones = faulty_class(launch, tmp_path, "faulty", ids)
    sockets = [teacher, *phones.values()]
    answers = {i: "ABCD"[n % 4] for n, i in enumerate(ids)}
    try:
        outside = hold_write_lock(server)
        submit(phones["h00"], answers["h00"])      # its transaction waits for the lock
        time.sleep(0.5)
        together = ids[1:]
        barrier = threading.Barrier(len(together))
        replies = {}

        def answer(student_id):
            barrier.wait(10)
            submit(phones[student_id], answers[student_id])
            replies[student_id] = first_reply(phones[student_id], timeout=15)

        threads = [threading.Thread(target=answer, args=(i,)) for i in together]
        for thread in threads:
            thread.start()
        time.sleep(1.0)                             # all of them queued behind h00
        assert replies == {}, "answered while the database was locked"
        outside.execute("COMMIT")
        outside.close()
        replies["h00"] = first_reply(phones["h00"])
        for thread in threads:
            thread.join(20)
        assert sorted(replies) == sorted(ids), "some phones got no reply"
        figures["faults injected: one item's write fails"] += 1
        figures["faults injected: database write lock held"] += 1

        for i in honest:
            ack = replies[i]
            assert ack["type"] == "submit_ack" and ack["question_idx"] == 0, (i, ack)
            assert ack["answer"] == answers[i]
        assert replies["victim"]["type"] == "error", replies["victim"]
        assert replies["victim"]["code"] == "storage_failed", replies["victim"]
        status, me, _ = server.json("GET", "/api/me", cookie=cookies["victim"])
        assert status == 200 and me["submissions"] == [] and me["total_score"] == 0

        # the victim may try again (the fault is still there); the others are unharmed
        submit(phones["victim"], "B")
        again = first_reply(phones["victim"])
        assert (again["type"], again["code"]) == ("error", "storage_failed"), again
        figures["faults injected: one item's write fails"] += 1
        assert "submit_ack" not in [m["type"] for m in phones["victim"].seen]
        submit(phones["h00"], "D")                   # a repeat gets the first ack again
        assert first_reply(phones["h00"]) == replies["h00"]
        assert server.json("GET", "/healthz")[0] == 200
        status, state, _ = server.json("GET", "/admin/api/state", cookie=admin)
        assert state["state"] == "question_open", "victim's failed answer closed the question"

        teacher.send_json({"type": "close_question"})
        closed = phones["victim"].recv_until("question_closed")
        assert closed["your_answer"] is None and closed["your_score"] == 0
        for i in honest:
            mine = phones[i].recv_until("question_closed")
            assert mine["your_answer"] == answers[i]
    finally:
        close_all(sockets)

    log = server.log()
    assert "could not store one change" in log and "injected" in log, log[-3000:]
    assert_clean_log(server)
    server.kill()
    figures["faults injected: SIGKILL"] += 1

    real = launch("real", db=server.db_path, pool=server.pool_path, port=server.port)
    rows = csv_rows(real)
    assert set(rows) == set(ids)
    lost = [i for i in honest if not stored_as_acked(rows[i], replies[i])]
    figures["answers acknowledged before a fault"] += len(honest)
    figures["answers lost"] += len(lost)
    assert lost == []
    victim = rows["victim"]
    assert (victim["q1_answer"], victim["q1_score"], victim["q1_ms"], victim["answered"]) == \
        ("", "0", "", "0"), victim
    status, me, _ = real.json("GET", "/api/me", cookie=cookies["victim"])
    assert status == 200 and [(s["question_idx"], s["status"]) for s in me["submissions"]] == \
        [(0, "missed")]
    assert_clean_log(real)


# 3. A database written by the previous version ################################

def previous_quizbox(tmp_path):
    """quizbox.py as of PREVIOUS_COMMIT, written into tmp_path."""
    try:
        shown = subprocess.run(["git", "-C", str(REPO_ROOT), "show",
                                f"{PREVIOUS_COMMIT}:quizbox.py"],
                               capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"git is not usable here: {exc}")
    if shown.returncode != 0:
        pytest.skip(f"commit {PREVIOUS_COMMIT} is not in this checkout: "
                    f"{shown.stderr.decode(errors='replace').strip()}")
    path = tmp_path / "old_quizbox.py"
    path.write_bytes(shown.stdout)
    return path


def play(server, admin, cookies, answers, idx):
    """The teacher presses next; every student answers; it closes early → acks."""
    teacher = server.instructor_ws(admin, sid=SID)
    phones = {i: server.student_ws(cookies[i], sid=SID) for i in cookies}
    try:
        teacher.send_json({"type": "next"})
        for ws in [teacher, *phones.values()]:
            assert ws.recv_until("question_open")["question_idx"] == idx
        acks = {}
        for i, ws in phones.items():
            submit(ws, answers[i], idx)
            acks[i] = first_reply(ws)
            assert acks[i]["type"] == "submit_ack" and acks[i]["question_idx"] == idx, acks[i]
        closed = teacher.recv_until("question_closed", timeout=5)   # everyone answered
        assert closed["question_idx"] == idx
        return acks
    finally:
        close_all([teacher, *phones.values()])


def test_a_database_of_the_previous_version_opens_with_its_results_and_cookies(
        launch, tmp_path, figures):
    old = launch("migration", program=previous_quizbox(tmp_path))
    ids = {"s1": "Ann", "s2": "Bob", "s3": "Zoë"}
    cookies = {i: old.join(i, name, sid=SID) for i, name in ids.items()}
    first = play(old, old.admin_cookie(), cookies, {"s1": "B", "s2": "A", "s3": "B"}, 0)
    before = csv_rows(old)
    old.stop()
    assert user_version(old.db_path) == 1, "the previous version wrote another schema"

    new = launch("migration-new", db=old.db_path, pool=old.pool_path, port=old.port)
    figures["databases migrated from the previous version"] += 1
    assert user_version(new.db_path) == 2
    with sqlite3.connect(new.db_path) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(participants)")}
        assert {"device", "released"} <= columns
        columns = {row[1] for row in db.execute("PRAGMA table_info(question_events)")}
        assert {"paused_at_ms", "paused_ms"} <= columns
    after = csv_rows(new)
    assert set(after) == set(before) == set(ids)
    for i, old_row in before.items():
        assert {k: after[i][k] for k in old_row} == old_row, i
        assert stored_as_acked(after[i], first[i])

    # the cookies the previous version gave still work, on HTTP and on a socket
    for i, cookie in cookies.items():
        status, me, _ = new.json("GET", "/api/me", cookie=cookie)
        assert status == 200 and (me["student_id"], me["name"]) == (i, ids[i]), me
        assert [(s["question_idx"], s["answer"], s["score"]) for s in me["submissions"]] == \
            [(0, first[i]["answer"], first[i]["score"])]
        ws = new.student_ws(cookie, sid=SID)
        try:
            state = ws.recv_until("state")
            assert (state["state"], state["current_question_idx"]) == ("question_closed", 0)
            assert ws.recv_until("question_closed")["your_answer"] == first[i]["answer"]
        finally:
            ws.close()

    # and the class plays on: a new question, stored, through a crash
    second = play(new, new.admin_cookie(), cookies, {"s1": "A", "s2": "A", "s3": "C"}, 1)
    new.kill()
    figures["faults injected: SIGKILL"] += 1
    new.start()
    rows = csv_rows(new)
    lost = [i for i in ids if not (stored_as_acked(rows[i], first[i], 1)
                                   and stored_as_acked(rows[i], second[i], 2))]
    figures["answers acknowledged before a fault"] += 2 * len(ids)
    figures["answers lost"] += len(lost)
    assert lost == []
    assert_clean_log(old)
    assert_clean_log(new)


def test_an_answer_that_fails_to_store_behind_a_close_leaves_a_missed_mark(
        launch, tmp_path, figures):
    """The victim answers, the teacher closes the question, and both wait in
    the same transaction (the test holds the write lock meanwhile); the
    victim's write fails alone. Closing records `missed` for every player
    without an answer: the victim has none once its answer is undone."""
    server, cookies, admin, teacher, phones = faulty_class(
        launch, tmp_path, "faulty-close", ["h00", "victim"])
    sockets = [teacher, *phones.values()]
    try:
        outside = hold_write_lock(server)
        submit(phones["h00"], "B")                  # its transaction waits for the lock
        time.sleep(0.3)
        submit(phones["victim"], "B")               # these two queue behind it, together
        time.sleep(0.3)
        teacher.send_json({"type": "close_question"})
        time.sleep(0.3)
        outside.execute("COMMIT")
        outside.close()
        figures["faults injected: one item's write fails"] += 1
        figures["faults injected: database write lock held"] += 1
        assert first_reply(phones["h00"])["type"] == "submit_ack"
        assert first_reply(phones["victim"])["code"] == "storage_failed"
        closed = teacher.recv_until("question_closed")
        assert closed["question_idx"] == 0
    finally:
        close_all(sockets)
    status, me, _ = server.json("GET", "/api/me", cookie=cookies["victim"])
    assert [(s["question_idx"], s["status"]) for s in me["submissions"]] == [(0, "missed")], \
        f"the victim's record of question 1 after the close: {me['submissions']}"
    assert closed["histogram"]["B"] == 1 and closed["histogram"]["missed"] == 1, closed
