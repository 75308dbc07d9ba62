"""The teacher's controls during a question (pause, resume, add time, reopen,
a stale close), one device per student id (id_in_use, release), the grace an
early close gives a phone that drops off the Wi-Fi, bodiless POST routes and
names with trailing control characters: CONTRACT.md part 2, against the real
server over real HTTP and real sockets.

Waits are bounded by socket timeouts; no assertion on time is tighter than
"within a second or two".

Run alone: python3 -m pytest -q tests/test_controls.py
"""

import json
import socket
import time

import pytest

from conftest import sample_pool
from qbtest import (NO_LIMIT, close_all, close_code, csv_rows, drain, first_reply, is_error,
                    recv_matching, speed_score, submit)

SID = "bio101"   # sample_pool()'s session


# Harness ######################################################################

class Room:
    """A started server, the teacher's socket and one connected phone per student."""

    def __init__(self, server, ids):
        self.server = server
        self.admin = server.admin_cookie()
        self.cookies = {i: server.join(i, f"Name {i}", sid=SID) for i in ids}
        self.teacher = server.instructor_ws(self.admin, sid=SID)
        self.teacher.recv_until("lobby_update")
        self.phones = {i: server.student_ws(self.cookies[i], sid=SID) for i in ids}
        for ws in self.phones.values():
            ws.recv_until("state")
        self.extra = []

    def everyone(self):
        return [self.teacher, *self.phones.values()]

    def command(self, message):
        self.teacher.send_json(message)

    def refused(self, message, timeout=5.0):
        """Send a teacher's message that must be refused → the error's code."""
        self.teacher.send_json(message)
        reply = recv_matching(self.teacher, "error", lambda m: True, timeout=timeout)
        return reply["code"]

    def state(self):
        status, body, _ = self.server.json("GET", "/admin/api/state", cookie=self.admin)
        assert status == 200, body
        return body["state"], body["current_question_idx"]

    def close(self):
        close_all(self.everyone() + self.extra)


@pytest.fixture
def room(server_factory):
    """room(ids, pool=None) → a Room on a fresh server; its sockets closed at teardown."""
    rooms = []

    def make(ids, pool=None):
        made = Room(server_factory(pool, env=NO_LIMIT), ids)
        rooms.append(made)
        return made

    yield make
    for made in rooms:
        made.close()


def types_of(messages):
    return [m.get("type") for m in messages]




def ack_fields(ack):
    return {k: ack[k] for k in ("question_idx", "answer", "score", "elapsed_ms")}




def join(server, student_id, name, cookie=None):
    return server.json("POST", "/api/join", cookie=cookie,
                       json_body={"sid": SID, "student_id": student_id, "name": name})


def cookie_of(headers):
    return "; ".join(h.split(";", 1)[0] for h in headers.get_all("Set-Cookie") or [])


# Pause and resume #############################################################

def test_pause_stops_the_clock_refuses_answers_and_resume_gives_the_time_back(room):
    pool = sample_pool()
    pool["questions"][0]["time_limit"] = 5
    r = room(["s1", "s2"], pool)        # s2 never answers: no early close
    s1, s2 = r.phones["s1"], r.phones["s2"]
    r.command({"type": "next"})
    opened = {ws: ws.recv_until("question_open") for ws in r.everyone()}
    seen_open = time.monotonic()
    assert opened[s1]["paused"] is False and opened[s1]["time_limit"] == 5

    r.command({"type": "pause"})
    for ws in r.everyone():
        state = ws.recv_until("state")
        assert (state["state"], state["current_question_idx"], state["paused"]) == \
            ("question_open", 0, True)
        paused = ws.recv_until("question_open")
        assert paused["question_idx"] == 0 and paused["paused"] is True
        assert 2500 <= paused["remaining_ms"] <= 5000, paused
    left_at_pause = paused["remaining_ms"]
    assert r.refused({"type": "pause"}) == "paused"       # already paused

    submit(s1, "B")
    reply = first_reply(s1)
    assert reply["type"] == "error" and reply["code"] == "paused", reply
    status, me, _ = r.server.json("GET", "/api/me", cookie=r.cookies["s1"])
    assert status == 200 and me["submissions"] == []     # nothing was stored

    # a phone that connects while paused lands on the paused question
    late = r.server.student_ws(r.cookies["s2"], sid=SID)
    r.extra.append(late)
    state = late.recv_until("state")
    assert state["paused"] is True and state["state"] == "question_open"
    assert late.recv_until("question_open")["paused"] is True

    # well past the 5 s deadline: nothing closes while paused
    while time.monotonic() - seen_open < 7.0:
        for ws in r.everyone() + [late]:
            assert "question_closed" not in types_of(drain(ws, quiet=0.2))
    assert r.state() == ("question_open", 0)

    r.command({"type": "resume"})
    for ws in r.everyone() + [late]:
        state = ws.recv_until("state")
        assert state["paused"] is False and state["state"] == "question_open"
        resumed = ws.recv_until("question_open")
        assert resumed["question_idx"] == 0 and resumed["paused"] is False
        assert abs(resumed["remaining_ms"] - left_at_pause) <= 1500, (resumed, left_at_pause)
    assert r.refused({"type": "resume"}) == "not_paused"

    wall_ms = (time.monotonic() - seen_open) * 1000
    submit(s1, "B")
    ack = first_reply(s1)
    assert ack["type"] == "submit_ack", ack
    # the server has been open for more than 7 s of wall time; the pause does not count
    assert 0 <= ack["elapsed_ms"] <= wall_ms - 5000, (ack, wall_ms)
    assert ack["score"] == speed_score(ack["elapsed_ms"], 5) and ack["score"] > 0

    # the clock runs again: the question closes by itself at its new deadline
    closed = s2.recv_until("question_closed", timeout=left_at_pause / 1000 + 5)
    assert closed["question_idx"] == 0 and closed["your_answer"] is None
    assert r.refused({"type": "pause"}) == "not_open"
    assert r.refused({"type": "resume"}) == "not_open"


# Add time #####################################################################

def test_add_time_moves_the_deadline_for_everyone_and_refuses_bad_seconds(room):
    r = room(["s1", "s2"])
    assert r.refused({"type": "add_time", "seconds": 20}) == "not_open"   # lobby
    r.command({"type": "next"})
    before = {ws: ws.recv_until("question_open")["remaining_ms"] for ws in r.everyone()}
    assert all(15_000 < left <= 20_000 for left in before.values()), before

    r.command({"type": "add_time", "seconds": 20})
    for ws in r.everyone():
        state = ws.recv_until("state")
        assert state["state"] == "question_open" and state["paused"] is False
        moved = ws.recv_until("question_open")
        assert moved["question_idx"] == 0
        gained = moved["remaining_ms"] - before[ws]
        assert 18_000 <= gained <= 20_000, (moved["remaining_ms"], before[ws])
    after = moved["remaining_ms"]

    for seconds in (0, 301, "5", 1.5, True, None, -5):
        assert r.refused({"type": "add_time", "seconds": seconds}) == "bad_message", seconds
    assert r.refused({"type": "add_time"}) == "bad_message"
    for ws in r.phones.values():   # a refused add_time announces nothing
        assert "question_open" not in types_of(drain(ws, quiet=0.3))
    # the deadline did not move: a phone connecting now sees the same clock
    again = r.server.student_ws(r.cookies["s1"], sid=SID)
    r.extra.append(again)
    left = again.recv_until("question_open")["remaining_ms"]
    assert after - 5000 <= left <= after, (left, after)

    # while paused, added time waits with the rest of the clock
    r.command({"type": "pause"})
    paused = r.teacher.recv_until("question_open")
    r.command({"type": "add_time", "seconds": 10})
    more = recv_matching(r.teacher, "question_open", lambda m: True)
    assert more["paused"] is True
    assert abs(more["remaining_ms"] - paused["remaining_ms"] - 10_000) <= 1000, (more, paused)

    r.command({"type": "close_question"})
    r.teacher.recv_until("question_closed")
    assert r.refused({"type": "add_time", "seconds": 20}) == "not_open"


# Reopen #######################################################################

def test_reopen_the_question_closed_last_keeps_answers_and_lets_the_rest_answer(room):
    pool = sample_pool()
    pool["questions"][2]["time_limit"] = 5          # the last one: a short poll
    r = room(["ann", "bob", "cid"], pool)
    ann, bob, cid = (r.phones[i] for i in ("ann", "bob", "cid"))
    r.command({"type": "next"})
    for ws in r.everyone():
        ws.recv_until("question_open")
    submit(ann, "B")
    submit(bob, "A")
    first = {"ann": first_reply(ann), "bob": first_reply(bob)}
    assert first["ann"]["type"] == first["bob"]["type"] == "submit_ack", first
    assert first["ann"]["score"] > 0 and first["bob"]["score"] == 0

    # the teacher closes it before cid answered: cid has missed it
    r.command({"type": "close_question", "question_idx": 0})
    for ws in r.everyone():
        assert ws.recv_until("question_closed")["question_idx"] == 0
    missed = cid.seen[-1]
    assert missed["your_answer"] is None and missed["your_score"] == 0
    status, me, _ = r.server.json("GET", "/api/me", cookie=r.cookies["cid"])
    assert [(s["question_idx"], s["status"]) for s in me["submissions"]] == [(0, "missed")]

    for wrong in (1, 2, "0", None, -1, 3):
        assert r.refused({"type": "reopen", "question_idx": wrong}) == "bad_question", wrong
    assert r.state() == ("question_closed", 0)

    r.command({"type": "reopen", "question_idx": 0})
    for ws in r.everyone():
        state = ws.recv_until("state")
        assert (state["state"], state["current_question_idx"]) == ("question_open", 0)
        again = ws.recv_until("question_open")
        assert again["question_idx"] == 0 and again["paused"] is False
        assert 10_000 <= again["remaining_ms"] <= 20_000, again
    # the answers already given stand, and their phones are told so again
    for student_id in ("ann", "bob"):
        ack = r.phones[student_id].recv_until("submit_ack", timeout=3)
        assert ack_fields(ack) == ack_fields(first[student_id])
    assert "submit_ack" not in types_of(cid.seen)
    status, me, _ = r.server.json("GET", "/api/me", cookie=r.cookies["cid"])
    assert me["submissions"] == [], "the missed mark was not lifted"
    assert r.state() == ("question_open", 0)
    assert r.refused({"type": "reopen", "question_idx": 0}) == "bad_question"   # open already

    submit(cid, "B")
    late = first_reply(cid)
    assert late["type"] == "submit_ack" and late["score"] > 0, late
    assert late["score"] == speed_score(late["elapsed_ms"], 20)
    # everyone connected has answered now: it closes again by itself
    closed = cid.recv_until("question_closed", timeout=5)
    assert closed["your_answer"] == "B" and closed["your_score"] == late["score"]
    rows = csv_rows(r.server, r.admin)
    assert {i: (rows[i]["q1_answer"], rows[i]["q1_score"]) for i in rows} == {
        "ann": ("B", str(first["ann"]["score"])), "bob": ("A", "0"),
        "cid": ("B", str(late["score"]))}
    assert rows["cid"]["q1_ms"] == str(late["elapsed_ms"])
    assert rows["cid"]["total_score"] == str(late["score"])

    # only the question closed last: not one played before, nor while another is open
    r.command({"type": "next"})
    r.teacher.recv_until("question_open")
    assert r.refused({"type": "reopen", "question_idx": 0}) == "bad_question"
    assert r.state() == ("question_open", 1)
    r.command({"type": "next"})                    # q1 closes, the last one (q2) opens
    r.teacher.recv_until("question_open")
    # nobody answers the 5 s poll: the timer closes it, then "next" ends the quiz
    r.teacher.recv_until("question_closed", timeout=10)
    r.command({"type": "next"})
    for ws in r.everyone():
        ws.recv_until("session_ended")
    assert r.state() == ("finished", 2)
    assert r.refused({"type": "reopen", "question_idx": 1}) == "bad_question"

    r.command({"type": "reopen", "question_idx": 2})
    for ws in r.everyone():
        state = ws.recv_until("state")
        assert (state["state"], state["current_question_idx"]) == ("question_open", 2)
        again = ws.recv_until("question_open")
        # it had no time left when it closed: it gets the least, 10 s
        assert again["question_idx"] == 2 and 8_000 <= again["remaining_ms"] <= 10_000, again
    for student_id, answer in (("ann", "A"), ("bob", "B"), ("cid", "A")):
        submit(r.phones[student_id], answer, idx=2)
        ack = first_reply(r.phones[student_id])
        assert ack["type"] == "submit_ack" and ack["score"] == 0, ack   # a poll
    r.teacher.recv_until("question_closed", timeout=5)
    r.command({"type": "next"})
    r.teacher.recv_until("session_ended")
    assert r.state() == ("finished", 2)
    rows = csv_rows(r.server, r.admin)
    assert {i: rows[i]["q3_answer"] for i in rows} == {"ann": "A", "bob": "B", "cid": "A"}
    assert {i: rows[i]["q2_answer"] for i in rows} == {"ann": "", "bob": "", "cid": ""}


def test_a_question_closed_while_paused_reopens_with_the_time_it_had_left(room):
    r = room(["s1", "s2"])
    r.command({"type": "open_question", "question_idx": 0, "time_limit": 30})
    opened = r.teacher.recv_until("question_open")
    r.command({"type": "pause"})
    paused = recv_matching(r.teacher, "question_open", lambda m: m["paused"])
    time.sleep(4)                                  # the clock stands still meanwhile
    r.command({"type": "close_question"})
    r.teacher.recv_until("question_closed")
    r.command({"type": "reopen", "question_idx": 0})
    again = r.teacher.recv_until("question_open")
    assert abs(again["remaining_ms"] - paused["remaining_ms"]) <= 1500, \
        f"reopened with {again['remaining_ms']} ms; it had {paused['remaining_ms']} ms left"
    assert opened["total_ms"] == again["total_ms"] == 30_000, \
        f"the question's time went from {opened['total_ms']} to {again['total_ms']} ms"


def test_a_reopened_or_paused_question_survives_a_crash(room):
    r = room(["s1", "s2"])
    server, cookies, admin = r.server, r.cookies, r.admin
    r.command({"type": "next"})
    r.phones["s1"].recv_until("question_open")
    submit(r.phones["s1"], "B")
    first = first_reply(r.phones["s1"])
    r.command({"type": "close_question"})
    r.teacher.recv_until("question_closed")
    r.command({"type": "reopen", "question_idx": 0})
    left = r.teacher.recv_until("question_open")["remaining_ms"]
    r.close()
    sockets = []
    try:
        server.kill()                              # reopened, then a crash
        server.start()
        s1 = server.student_ws(cookies["s1"], sid=SID)
        sockets.append(s1)
        state = s1.recv_until("state")
        assert (state["state"], state["current_question_idx"], state["paused"]) == \
            ("question_open", 0, False)
        assert left - 5000 <= s1.recv_until("question_open")["remaining_ms"] <= left
        assert ack_fields(s1.recv_until("submit_ack")) == ack_fields(first)
        status, me, _ = server.json("GET", "/api/me", cookie=cookies["s2"])
        assert me["submissions"] == [], "the lifted missed mark came back"

        teacher = server.instructor_ws(admin, sid=SID)
        sockets.append(teacher)
        teacher.send_json({"type": "pause"})
        paused = recv_matching(teacher, "question_open", lambda m: m["paused"])
        server.kill()                              # paused, then a crash
        time.sleep(2)
        server.start()
        s2 = server.student_ws(cookies["s2"], sid=SID)
        sockets.append(s2)
        assert s2.recv_until("state")["paused"] is True
        still = s2.recv_until("question_open")
        assert still["paused"] is True
        assert abs(still["remaining_ms"] - paused["remaining_ms"]) <= 1000, (still, paused)
        submit(s2, "B")
        assert first_reply(s2)["code"] == "paused"
        teacher = server.instructor_ws(admin, sid=SID)
        sockets.append(teacher)
        teacher.send_json({"type": "resume"})
        resumed = recv_matching(s2, "question_open", lambda m: not m["paused"])
        assert abs(resumed["remaining_ms"] - paused["remaining_ms"]) <= 1500
        submit(s2, "B")
        ack = first_reply(s2)
        assert ack["type"] == "submit_ack" and ack["score"] > 0, ack
        assert ack["elapsed_ms"] < 5000, "time paused (and down while paused) counted as answering time"
    finally:
        close_all(sockets)


def test_close_question_with_a_stale_index_closes_nothing(room):
    r = room(["s1", "s2"])
    r.command({"type": "next"})
    for ws in r.everyone():
        ws.recv_until("question_open")
    assert r.refused({"type": "close_question", "question_idx": 1}) == "stale"
    assert r.refused({"type": "next", "current_question_idx": None}) == "stale"
    assert r.state() == ("question_open", 0)
    for ws in r.phones.values():
        assert "question_closed" not in types_of(drain(ws, quiet=0.3))
    submit(r.phones["s1"], "B")           # still taking answers
    assert first_reply(r.phones["s1"])["type"] == "submit_ack"
    r.command({"type": "close_question", "question_idx": 0})
    assert r.phones["s2"].recv_until("question_closed")["question_idx"] == 0
    assert r.state() == ("question_closed", 0)


# One student, one device ######################################################

def test_an_id_in_use_is_refused_until_the_teacher_releases_it(server_factory):
    server = server_factory(env=NO_LIMIT)
    admin = server.admin_cookie()
    status, body, headers = join(server, "s1", "Ann")
    assert status == 200
    old = cookie_of(headers)
    teacher = server.instructor_ws(admin, sid=SID)
    old_ws = server.student_ws(old, sid=SID)
    sockets = [teacher, old_ws]
    try:
        assert old_ws.recv_until("state")["you"]["name"] == "Ann"
        teacher.recv_until("lobby_update")

        status, body, headers = join(server, "s1", "Mallory")      # another phone, no cookie
        assert is_error(status, body, 409, "id_in_use")
        assert not headers.get_all("Set-Cookie"), "a refused join set a cookie"
        lobby = recv_matching(teacher, "lobby_update", lambda m: m["id_conflicts"], timeout=3)
        assert [{"student_id": p["student_id"], "name": p["name"]}
                for p in lobby["participants"]] == [{"student_id": "s1", "name": "Ann"}]
        assert any(c["student_id"] == "s1" and c["name"] == "Mallory"
                   for c in lobby["id_conflicts"]), lobby["id_conflicts"]
        status, me, _ = server.json("GET", "/api/me", cookie=old)
        assert status == 200 and me["name"] == "Ann"

        # the same phone (its own cookie) still joins, and may rename itself
        status, body, _ = join(server, "s1", "Annie", cookie=old)
        assert status == 200 and body["name"] == "Annie"

        teacher.send_json({"type": "release", "student_id": "s1"})
        assert close_code(old_ws) == 4005
        status, body, _ = server.json("GET", "/api/me", cookie=old)
        assert is_error(status, body, 409, "replaced")
        refused = server.student_ws(old, sid=SID)
        sockets.append(refused)
        assert close_code(refused) == 4005
        lobby = recv_matching(teacher, "lobby_update",
                              lambda m: not any(c["student_id"] == "s1" for c in m["id_conflicts"]),
                              timeout=3)

        status, body, headers = join(server, "s1", "Mallory")      # now the new phone gets in
        assert status == 200 and body["name"] == "Mallory"
        new = cookie_of(headers)
        assert new and new != old
        status, me, _ = server.json("GET", "/api/me", cookie=new)
        assert status == 200 and (me["student_id"], me["name"]) == ("s1", "Mallory")
        new_ws = server.student_ws(new, sid=SID)
        sockets.append(new_ws)
        assert new_ws.recv_until("state")["you"]["student_id"] == "s1"

        # the old phone is the other device now
        status, body, _ = join(server, "s1", "Ann", cookie=old)
        assert is_error(status, body, 409, "id_in_use")
        status, body, _ = join(server, "s1", "Mal", cookie=new)      # the new one renames
        assert status == 200 and body["name"] == "Mal"

        # a removed phone stays out under any id
        status, _, headers = join(server, "s2", "Kim")
        kim = cookie_of(headers)
        teacher.send_json({"type": "kick", "student_id": "s2"})
        recv_matching(teacher, "lobby_update", lambda m: m["removed"], timeout=3)
        for student_id in ("s3", "s2"):
            status, body, _ = join(server, student_id, "Kim again", cookie=kim)
            assert is_error(status, body, 403, "kicked"), student_id
        status, state, _ = server.json("GET", "/admin/api/state", cookie=admin)
        assert state["participant_count"] == 1
    finally:
        close_all(sockets)


# The early close waits for a phone that only just dropped off #################

def test_an_early_close_waits_for_a_phone_that_dropped_off(room):
    r = room(["a", "b"])
    a = r.phones["a"]
    r.command({"type": "open_question", "question_idx": 0, "time_limit": 60})
    for ws in r.everyone():
        ws.recv_until("question_open")
    submit(a, "B")
    assert first_reply(a)["type"] == "submit_ack"

    # b's Wi-Fi blips: its socket goes, and it is back three seconds later
    r.phones["b"].close()
    time.sleep(3)
    for ws in (a, r.teacher):
        assert "question_closed" not in types_of(drain(ws, quiet=0.2))
    b = r.phones["b"] = r.server.student_ws(r.cookies["b"], sid=SID)
    state = b.recv_until("state")
    assert (state["state"], state["current_question_idx"]) == ("question_open", 0)
    assert b.recv_until("question_open")["question_idx"] == 0
    submit(b, "B")
    ack = first_reply(b)
    assert ack["type"] == "submit_ack" and ack["score"] > 0, ack
    assert "question_closed" not in types_of(b.seen) + types_of(a.seen)
    # both have answered now: it closes early, with b's answer
    closed = b.recv_until("question_closed", timeout=5)
    assert closed["your_answer"] == "B" and closed["your_score"] == ack["score"]

    # b leaves for good: the question waits out the grace, then closes early
    r.command({"type": "open_question", "question_idx": 1, "time_limit": 60})
    for ws in r.everyone():
        ws.recv_until("question_open")
    submit(a, "A", idx=1)
    ack = first_reply(a)
    assert (ack["type"], ack["question_idx"]) == ("submit_ack", 1), ack
    b.close()
    left = time.monotonic()
    while time.monotonic() - left < 5:
        assert "question_closed" not in types_of(drain(a, quiet=0.25))
    assert r.state() == ("question_open", 1)
    closed = a.recv_until("question_closed", timeout=20 - (time.monotonic() - left))
    waited = time.monotonic() - left
    assert closed["question_idx"] == 1 and closed["histogram"]["missed"] == 1
    assert 5 <= waited <= 20, waited


# Bodies and names #############################################################

def raw_post(server, path, cookie, extra=""):
    """A POST with neither a body nor Content-Length nor Content-Type → (status, body)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                      f"Cookie: {cookie}\r\n{extra}Connection: close\r\n\r\n").encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_bodiless_post_routes_take_an_empty_body_and_refuse_a_non_json_one(server):
    admin = server.admin_cookie()
    server.join("s1", "Ann")
    for raw, headers in ((b"not json", {"Content-Type": "application/json"}),
                         (b"not json", {}),          # urllib adds a form Content-Type
                         (b"[1, 2]", {"Content-Type": "application/json"}),
                         (b"reset=1", {"Content-Type": "application/x-www-form-urlencoded"})):
        for path in ("/admin/api/reset", "/admin/logout"):
            status, _, body = server.request("POST", path, raw_body=raw, headers=headers,
                                              cookie=admin)
            assert is_error(status, json.loads(body)), (path, raw, headers)
    status, state, _ = server.json("GET", "/admin/api/state", cookie=admin)
    assert state["participant_count"] == 1, "a refused reset wiped the players"

    # no body, no Content-Type (urllib sends Content-Length: 0)
    status, body, _ = server.json("POST", "/admin/api/reset", cookie=admin)
    assert status == 200 and body["ok"] is True, body
    status, state, _ = server.json("GET", "/admin/api/state", cookie=admin)
    assert (state["state"], state["participant_count"]) == ("lobby", 0)
    # and with no Content-Length at all
    status, body = raw_post(server, "/admin/api/reset", admin)
    assert status == 200 and json.loads(body)["ok"] is True, body
    status, body = raw_post(server, "/admin/logout", admin)
    assert status == 200, body
    status, headers, _ = server.request("POST", "/admin/logout", cookie=admin)
    assert status == 200 and "max-age=0" in headers["Set-Cookie"].lower()


@pytest.mark.parametrize("typed, shown", [("Bob\n", "Bob"), ("Bob\t", "Bob"),
                                          ("Bob\r\n", "Bob"), ("\tBob \n", "Bob")])
def test_a_name_ending_in_a_newline_or_tab_is_trimmed(server, typed, shown):
    status, body, headers = join(server, "s1", typed)
    assert status == 200 and body["name"] == shown, (status, body)
    status, me, _ = server.json("GET", "/api/me", cookie=cookie_of(headers))
    assert status == 200 and me["name"] == shown
