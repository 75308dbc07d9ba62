"""Phones that reconnect and a server that crashes: nothing acknowledged is
lost, and a question's wall-clock deadline holds across a restart."""

import time

from conftest import sample_pool
from qbtest import (close_all, get_csv, now_ms, parse_csv, recv_matching, speed_score)


def ack_fields(ack):
    return {k: ack[k] for k in ("question_idx", "answer", "score", "elapsed_ms")}


def test_reconnect_mid_question_gets_question_and_own_ack(server):
    admin = server.admin_cookie()
    ann, bob = server.join("s1", "Ann"), server.join("s2", "Bob")
    ins = server.instructor_ws(admin)
    first = server.student_ws(ann)
    other = server.student_ws(bob)
    sockets = [ins, first, other]
    try:
        ins.send_json({"type": "next"})
        opened = first.recv_until("question_open")
        other.recv_until("question_open")
        time.sleep(0.05)
        first.send_json({"type": "submit", "question_idx": 0, "answer": "B"})
        ack = first.recv_until("submit_ack")
        assert ack["score"] == speed_score(ack["elapsed_ms"], 20)
        time.sleep(0.3)
        first.close()

        again = server.student_ws(ann)
        sockets.append(again)
        state = again.recv_json()
        assert state["type"] == "state" and state["state"] == "question_open"
        assert state["current_question_idx"] == 0
        reopened = again.recv_json()
        assert reopened["type"] == "question_open" and reopened["question_idx"] == 0
        assert reopened["opened_at_server_ts"] == opened["opened_at_server_ts"]
        assert reopened["remaining_ms"] <= opened["remaining_ms"] - 300
        assert abs(reopened["remaining_ms"]
                   - (opened["opened_at_server_ts"] + 20_000 - now_ms())) <= 250
        assert ack_fields(again.recv_until("submit_ack", timeout=2)) == ack_fields(ack)
        # a second submit, even with another answer, gets the first ack again
        again.send_json({"type": "submit", "question_idx": 0, "answer": "C"})
        assert ack_fields(again.recv_until("submit_ack")) == ack_fields(ack)
        again.send_json({"type": "submit", "question_idx": 0, "answer": "B"})
        assert ack_fields(again.recv_until("submit_ack")) == ack_fields(ack)
        status, me, _ = server.json("GET", "/api/me", cookie=ann)
        assert [(s["question_idx"], s["answer"], s["score"]) for s in me["submissions"]] == \
            [(0, "B", ack["score"])]
        assert me["total_score"] == ack["score"]

        # once everyone connected has answered, the question closes by itself
        other.send_json({"type": "submit", "question_idx": 0, "answer": "A"})
        assert other.recv_until("submit_ack")["score"] == 0
        closed = again.recv_until("question_closed", timeout=3)
        assert closed["your_answer"] == "B" and closed["your_score"] == ack["score"]
        assert closed["your_rank"] == 1
        assert other.recv_until("question_closed")["your_rank"] == 2

        # the teacher opens a question with another time limit: it scores by that limit
        ins.send_json({"type": "open_question", "question_idx": 1, "time_limit": 8})
        reopened = again.recv_until("question_open")
        assert (reopened["question_idx"], reopened["time_limit"]) == (1, 8)
        assert 7000 < reopened["remaining_ms"] <= 8000
        other.recv_until("question_open")
        time.sleep(0.2)
        again.send_json({"type": "submit", "question_idx": 1, "answer": "A"})
        ack = again.recv_until("submit_ack")
        assert ack["elapsed_ms"] >= 200 and ack["score"] == speed_score(ack["elapsed_ms"], 8)
    finally:
        close_all(sockets)


def test_restart_mid_question_resumes_state_acks_and_timer(server_factory):
    pool = sample_pool()
    pool["questions"][0]["time_limit"] = 6
    server = server_factory(pool)
    admin = server.admin_cookie()
    cookies = {sid: server.join(sid, name) for sid, name in
               (("s1", "Ann"), ("s2", "Bob"), ("s3", "Cid"))}
    ins = server.instructor_ws(admin)
    phones = {sid: server.student_ws(cookie) for sid, cookie in cookies.items()}
    sockets = [ins, *phones.values()]
    try:
        ins.send_json({"type": "next"})
        opened = ins.recv_until("question_open")
        deadline = opened["opened_at_server_ts"] + 6000
        acks = {}
        for sid, answer in (("s1", "B"), ("s2", "C")):
            phones[sid].recv_until("question_open")
            time.sleep(0.05)
            phones[sid].send_json({"type": "submit", "question_idx": 0, "answer": answer})
            acks[sid] = ack_fields(phones[sid].recv_until("submit_ack"))
        assert acks["s1"]["score"] == speed_score(acks["s1"]["elapsed_ms"], 6)
        assert acks["s2"]["score"] == 0

        server.kill()           # SIGKILL right after the acks: they must be on disk
        close_all(sockets)
        server.start()

        ins = server.instructor_ws(admin)
        sockets = [ins]
        state = ins.recv_json()
        assert state["type"] == "state"
        assert (state["state"], state["current_question_idx"]) == ("question_open", 0)
        reopened = ins.recv_until("question_open")
        assert reopened["opened_at_server_ts"] == opened["opened_at_server_ts"]
        assert reopened["time_limit"] == 6
        assert abs(reopened["remaining_ms"] - (deadline - now_ms())) <= 250
        histogram = ins.recv_until("live_histogram")
        assert histogram["histogram"]["B"] == 1 and histogram["histogram"]["C"] == 1
        assert histogram["histogram"]["pending"] == 1

        status, me, _ = server.json("GET", "/api/me", cookie=cookies["s1"])
        assert status == 200
        assert [ack_fields(s) for s in me["submissions"]] == [acks["s1"]]
        assert me["total_score"] == acks["s1"]["score"]
        _, rows = parse_csv(get_csv(server, admin))
        by_id = {row[1]: row for row in rows}
        assert by_id["s1"][6:10] == ["B", "1", str(acks["s1"]["score"]),
                                     str(acks["s1"]["elapsed_ms"])]
        assert by_id["s2"][6:10] == ["C", "0", "0", str(acks["s2"]["elapsed_ms"])]
        assert by_id["s3"][6:10] == ["", "0", "0", ""]

        # phones come back with their old cookies and find their own answers
        phones = {sid: server.student_ws(cookie) for sid, cookie in cookies.items()}
        sockets += phones.values()
        for sid, ws in phones.items():
            again = ws.recv_until("question_open")
            assert again["opened_at_server_ts"] == opened["opened_at_server_ts"]
            if sid in acks:
                assert ack_fields(ws.recv_until("submit_ack", timeout=2)) == acks[sid]

        # s3 never answers: the timer, re-armed at start, closes the question on time
        closed = ins.recv_until("question_closed", timeout=(deadline - now_ms()) / 1000 + 3)
        closed_at = now_ms()
        assert closed_at >= deadline - 20, f"closed {deadline - closed_at} ms early"
        # Generous on purpose (a noisy machine); a lost timer would never close it at all.
        assert closed_at <= deadline + 3000, f"closed {closed_at - deadline} ms late"
        assert closed["histogram"]["missed"] == 1 and closed["histogram"]["pending"] == 0
        assert phones["s3"].recv_until("question_closed")["your_answer"] is None
        mine = phones["s1"].recv_until("question_closed")
        assert mine["your_score"] == acks["s1"]["score"] and mine["your_rank"] == 1
        status, me, _ = server.json("GET", "/api/me", cookie=cookies["s3"])
        assert [(s["question_idx"], s["status"], s["score"]) for s in me["submissions"]] == \
            [(0, "missed", 0)]
    finally:
        close_all(sockets)


def test_deadline_passing_while_down_closes_the_question_at_start(server_factory):
    pool = sample_pool()
    pool["questions"][0]["time_limit"] = 5
    server = server_factory(pool)
    admin = server.admin_cookie()
    ann, bob = server.join("s1", "Ann"), server.join("s2", "Bob")
    ins = server.instructor_ws(admin)
    phone = server.student_ws(ann)
    sockets = [ins, phone]
    try:
        ins.send_json({"type": "next"})
        opened = ins.recv_until("question_open")
        deadline = opened["opened_at_server_ts"] + 5000
        phone.recv_until("question_open")
        phone.send_json({"type": "submit", "question_idx": 0, "answer": "B"})
        ack = phone.recv_until("submit_ack")
        server.kill()
        close_all(sockets)
        time.sleep(max(0.0, (deadline - now_ms()) / 1000) + 0.2)
        server.start()

        ins = server.instructor_ws(admin)
        sockets = [ins]
        state = ins.recv_json()
        assert (state["state"], state["current_question_idx"]) == ("question_closed", 0)
        closed = ins.recv_until("question_closed")
        assert closed["question_idx"] == 0 and closed["correct"] == "B"
        assert closed["histogram"]["B"] == 1 and closed["histogram"]["missed"] == 1
        board = ins.recv_until("full_leaderboard")["leaderboard"]
        assert [(r["student_id"], r["rank"], r["score"]) for r in board] == \
            [("s1", 1, ack["score"]), ("s2", 2, 0)]
        status, body, _ = server.json("GET", "/admin/api/state", cookie=admin)
        assert body["state"] == "question_closed"
        status, me, _ = server.json("GET", "/api/me", cookie=bob)
        assert [(s["question_idx"], s["status"], s["score"]) for s in me["submissions"]] == \
            [(0, "missed", 0)]
        _, rows = parse_csv(get_csv(server, admin))
        assert [row[1] for row in rows] == ["s1", "s2"]
        assert rows[1][6:10] == ["", "0", "0", ""]
        # a phone that comes back sees the reveal; the game goes on
        phone = server.student_ws(bob)
        sockets.append(phone)
        reveal = phone.recv_until("question_closed")
        assert reveal["your_answer"] is None and reveal["your_rank"] == 2
        ins.send_json({"type": "next"})
        assert phone.recv_until("question_open")["question_idx"] == 1
        recv_matching(ins, "question_open", lambda m: m["question_idx"] == 1)
    finally:
        close_all(sockets)
