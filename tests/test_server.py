"""A whole game against a real server: 33 students on real sockets, answers
at different times, every number checked against the contract's rules as
computed by the test itself (tests/qbtest.py), not by quizbox.py."""

import random
import time

from qbtest import (NO_LIMIT, Model, close_all, get_csv, leaderboard_of, now_ms,
                    parse_csv, recv_matching, top5_of)

GAME_POOL = {
    "title": "Whole game",
    "session_id": "game1",
    "time_limit_default": 20,
    "score_fn": "speed",
    "questions": [
        {"prompt": "Powerhouse of the cell?",
         "choices": ["Nucleus", "Mitochondrion", "Ribosome", "Golgi"],
         "correct": "B", "explanation": "Mitochondria make ATP."},
        {"prompt": "Where is DNA kept?",
         "choices": ["Nucleus", "Membrane", "Cytoplasm"],
         "correct": "A", "time_limit": 30},
        {"prompt": "Which topic next?",
         "choices": ["Genetics", "Ecology", "Evolution"],
         "correct": None},
        {"prompt": "Which is not an organelle?",
         "choices": ["Nucleus", "Ribosome", "Golgi", "Cytoplasm"],
         "correct": "D", "explanation": "Cytoplasm is the fluid.", "time_limit": 15},
    ],
}

REGULAR = [f"s{i:02d}" for i in range(1, 32)]     # 31 students who answer
LATE, IDLE = "+late", "idle"                      # joins after q0 closes; never answers
SPECIAL_NAMES = {"s01": "=SUM(A1)", "s02": "Zoë Ångström", "s03": "-Dash",
                 "s05": "Sam Lee", "s06": "Sam Lee", LATE: "@Late Comer", IDLE: "Ida Idle"}


def name_of(student_id):
    return SPECIAL_NAMES.get(student_id, f"Student {student_id[1:]}")


def plan(student_id, idx):
    """The letter a student gives for question idx, or None (no answer)."""
    if student_id == IDLE:
        return None
    if student_id == LATE:
        return {0: None, 1: "A", 2: "B", 3: "D"}[idx]
    i = int(student_id[1:])
    always_wrong = i in (5, 6)          # total 0: ties with the idle student
    if idx == 0:
        return "A" if always_wrong else ("ACD"[i % 3] if i % 4 == 0 else "B")
    if idx == 1:
        return "B" if always_wrong else ("C" if i % 3 == 0 else "A")
    if idx == 2:
        return "ABC"[i % 3]             # the poll
    if i == 10:
        return None                     # skips the last question
    return "A" if always_wrong else ("C" if i % 5 == 1 else "D")


class Game:
    """The sockets of one game, and the checks run at each step."""

    def __init__(self, server, model):
        self.server, self.model = server, model
        self.admin = server.admin_cookie()
        self.cookies, self.sockets = {}, {}
        self.instructor = server.instructor_ws(self.admin, sid="game1")
        self.all_acks = []

    def join(self, student_id):
        name = name_of(student_id)
        self.cookies[student_id] = self.server.join(student_id, name, sid="game1")
        self.model.join(student_id, name)
        self.sockets[student_id] = self.server.student_ws(self.cookies[student_id], sid="game1")

    def command(self, type_):
        self.instructor.send_json({"type": type_})

    def expect_open(self, idx):
        question = GAME_POOL["questions"][idx]
        opened = self.instructor.recv_until("question_open")
        assert opened["question_idx"] == idx
        assert opened["prompt"] == question["prompt"]
        assert opened["choices"] == question["choices"]
        assert opened["time_limit"] == self.model.limit_s(idx)
        assert "correct" not in opened
        for student_id, ws in self.sockets.items():
            got = ws.recv_until("question_open")
            assert "correct" not in got, "question_open must never carry the answer"
            for key in ("question_idx", "prompt", "choices", "time_limit", "opened_at_server_ts"):
                assert got[key] == opened[key], (student_id, key)
            assert 0 < got["remaining_ms"] <= self.model.limit_s(idx) * 1000
        return opened["opened_at_server_ts"]

    def answer_all(self, idx, opened_at):
        """Everyone with a plan answers, in a shuffled order, tens of ms apart;
        each ack is checked against the contract's score for its elapsed_ms."""
        rng = random.Random(1000 + idx)
        order = [s for s in self.sockets if plan(s, idx) is not None]
        rng.shuffle(order)
        sent_at = {}
        for student_id in order:
            time.sleep(rng.uniform(0.010, 0.030))
            sent_at[student_id] = now_ms()
            self.sockets[student_id].send_json(
                {"type": "submit", "question_idx": idx, "answer": plan(student_id, idx)})
        elapsed = []
        for student_id in order:
            ack = self.sockets[student_id].recv_until("submit_ack")
            received = now_ms()
            assert ack["question_idx"] == idx and ack["answer"] == plan(student_id, idx)
            assert isinstance(ack["elapsed_ms"], int)
            # measured by the server between our send and our receipt of the ack
            assert sent_at[student_id] - opened_at - 2 <= ack["elapsed_ms"] \
                <= received - opened_at + 2, (student_id, ack, sent_at[student_id], opened_at)
            expected = self.model.record(student_id, idx, ack["answer"], ack["elapsed_ms"])
            assert ack["score"] == expected, (student_id, ack, self.model.limit_s(idx))
            elapsed.append(ack["elapsed_ms"])
            self.all_acks.append((student_id, ack))
        assert len(set(elapsed)) > len(elapsed) // 2, f"answers were not spread in time: {elapsed}"
        # the projector's live histogram catches up with every stored answer
        histogram = recv_matching(self.instructor, "live_histogram",
                                  lambda m: m["submitted_count"] == len(order))
        assert histogram["question_idx"] == idx
        assert histogram["total_count"] == len(self.sockets)
        assert histogram["histogram"] == self.model.histogram(idx)
        assert histogram["histogram"]["pending"] == len(self.sockets) - len(order)
        return order

    def expect_closed(self, idx):
        self.model.close(idx)
        question = GAME_POOL["questions"][idx]
        ranking = self.model.ranking()
        shared = self.instructor.recv_until("question_closed")
        assert shared["question_idx"] == idx
        assert shared["correct"] == question["correct"]
        assert (shared.get("explanation") or None) == question.get("explanation")  # none: "" or null
        assert shared["histogram"] == self.model.histogram(idx)
        assert shared["top5"] == top5_of(ranking)
        assert not [k for k in shared if k.startswith("your_")], shared
        board = self.instructor.recv_until("full_leaderboard")
        assert board["leaderboard"] == leaderboard_of(ranking)
        for student_id, ws in self.sockets.items():
            mine = ws.recv_until("question_closed")
            entry = self.model.answers[student_id][idx]
            assert mine["question_idx"] == idx and mine["correct"] == question["correct"]
            assert mine["histogram"] == shared["histogram"] and mine["top5"] == shared["top5"]
            assert mine["your_answer"] == entry["answer"], student_id
            assert mine["your_score"] == entry["score"], student_id
            assert mine["your_correct"] == entry["correct"], student_id
            assert mine["your_total"] == self.model.total(student_id), student_id
            assert mine["your_rank"] == self.model.rank_of(student_id), student_id


def test_whole_game_with_33_students(server_factory):
    server = server_factory(GAME_POOL, env=NO_LIMIT)
    model = Model(GAME_POOL)
    game = Game(server, model)
    try:
        ins = game.instructor
        assert ins.recv_json()["type"] == "state"
        # -- the lobby: 32 students join; the projector hears in batches
        started = time.monotonic()
        for student_id in REGULAR + [IDLE]:
            game.join(student_id)
        join_seconds = time.monotonic() - started
        update = recv_matching(ins, "lobby_update", lambda m: m["count"] == 32)
        time.sleep(0.3)
        updates = [m for m in ins.seen if m["type"] == "lobby_update"]
        assert len(updates) <= 2 + join_seconds / 0.2 + 1, \
            f"{len(updates)} lobby_updates for {join_seconds:.2f}s of joins"
        assert sorted(p["student_id"] for p in update["participants"]) == sorted(REGULAR + [IDLE])
        for student_id, ws in game.sockets.items():
            state = ws.recv_until("state")
            assert state["state"] == "lobby" and state["current_question_idx"] is None

        # -- q0, closed by the teacher
        game.command("next")
        opened = game.expect_open(0)
        game.answer_all(0, opened)
        game.command("close_question")
        game.expect_closed(0)

        # -- a late joiner lands on the closed question, with q0 missed
        game.join(LATE)
        late = game.sockets[LATE]
        assert late.recv_until("state")["state"] == "question_closed"
        reveal = late.recv_until("question_closed")
        assert reveal["question_idx"] == 0 and reveal["your_answer"] is None
        assert reveal["your_score"] == 0 and reveal["your_total"] == 0
        assert reveal["your_rank"] == model.rank_of(LATE)

        # -- q1; "next" closes it and opens the poll at once
        game.command("next")
        opened = game.expect_open(1)
        game.answer_all(1, opened)
        game.command("next")
        game.expect_closed(1)
        opened = game.expect_open(2)
        game.answer_all(2, opened)
        game.command("close_question")
        game.expect_closed(2)

        # -- the last question; "next" on it closes it and ends the quiz
        game.command("next")
        opened = game.expect_open(3)
        game.answer_all(3, opened)
        game.command("next")
        game.expect_closed(3)
        ranking = model.ranking()
        shared = ins.recv_until("session_ended")
        assert shared["final_top5"] == top5_of(ranking)
        assert not [k for k in shared if k.startswith("your_")]
        assert ins.recv_until("full_leaderboard")["leaderboard"] == leaderboard_of(ranking)
        for student_id, ws in game.sockets.items():
            ended = ws.recv_until("session_ended")
            assert ended["final_top5"] == shared["final_top5"]
            assert ended["questions_answered"] == model.answered(student_id), student_id
            assert ended["questions_correct"] == model.correct(student_id), student_id
            assert ended["questions_scored"] == 3
            assert ended["your_total"] == model.total(student_id), student_id
            assert ended["your_rank"] == model.rank_of(student_id), student_id
            # students never get the projector's messages
            kinds = {m["type"] for m in ws.seen}
            assert not kinds & {"live_histogram", "lobby_update", "full_leaderboard"}, kinds
        assert model.answered(IDLE) == 0 and model.total(IDLE) == 0
        assert model.rank_of("s05") == model.rank_of("s06") == model.rank_of(IDLE)

        # -- GET /api/me for a few students
        for student_id in ("s01", "s05", "s10", LATE, IDLE):
            status, me, _ = server.json("GET", "/api/me", cookie=game.cookies[student_id])
            assert status == 200, me
            assert me["student_id"] == student_id and me["name"] == name_of(student_id)
            assert me["total_score"] == model.total(student_id)
            assert me["rank"] == model.rank_of(student_id)
            got = [{k: s[k] for k in ("question_idx", "answer", "elapsed_ms", "score", "status")}
                   for s in sorted(me["submissions"], key=lambda s: s["question_idx"])]
            want = [{"question_idx": idx, "answer": a["answer"], "elapsed_ms": a["elapsed_ms"],
                     "score": a["score"], "status": a["status"]}
                    for idx, a in sorted(model.answers[student_id].items())]
            assert got == want, student_id

        # -- the CSV, row by row
        header, rows = parse_csv(get_csv(server, game.admin))
        assert header == model.csv_header()
        assert rows == [[str(c) for c in row] for row in model.csv_rows()]
        by_id = {row[1]: row for row in rows}
        assert by_id["s01"][2] == "'=SUM(A1)" and by_id["s03"][2] == "'-Dash"
        assert by_id["'+late"][2] == "'@Late Comer"
        assert by_id["s02"][2] == "Zoë Ångström"
        assert by_id["'+late"][6:10] == ["", "0", "0", ""]          # q1 missed (joined late)
        assert by_id["idle"][6:-1] == ["", "0", "0", ""] * 4
        assert by_id["s10"][18:22] == ["", "0", "0", ""]             # skipped q4
        assert [int(row[0]) for row in rows] == sorted(int(row[0]) for row in rows)

        # -- /api/stats for q0, as the teacher and as a student
        given = [a[0]["elapsed_ms"] for a in model.answers.values()
                 if a[0]["status"] == "submitted"]
        scores = [a[0]["score"] for a in model.answers.values()]
        for cookie in (game.admin, game.cookies["s07"]):
            status, stats, _ = server.json("GET", "/api/stats?question_idx=0", cookie=cookie)
            assert status == 200, stats
            assert stats["question_idx"] == 0
            assert abs(stats["response_time_avg_ms"] - sum(given) / len(given)) <= 1
            assert stats["response_time_distribution"] == \
                {"0_10s": len(given), "10_30s": 0, "30s_plus": 0}
            assert abs(stats["average_score"] - sum(scores) / len(scores)) <= 0.05
            assert stats["top5"] == top5_of(ranking)
        assert stats["your_rank"] == model.rank_of("s07")
        status, stats, _ = server.json("GET", "/api/stats?question_idx=0", cookie=game.admin)
        assert "your_rank" not in stats

        # -- /api/stats with no question_idx is about the current (last) question
        status, stats, _ = server.json("GET", "/api/stats", cookie=game.admin)
        assert status == 200 and stats["question_idx"] == 3
        for bad in ("x", "-1", "4"):
            status, body, _ = server.json("GET", f"/api/stats?question_idx={bad}", cookie=game.admin)
            assert 400 <= status < 500 and body["error"] and body["message"], bad

        # -- a phone that reconnects after the end lands on the final results
        again = server.student_ws(game.cookies["s07"], sid="game1")
        try:
            assert again.recv_json()["state"] == "finished"
            ended = again.recv_until("session_ended")
            assert ended["your_total"] == model.total("s07")
            assert ended["your_rank"] == model.rank_of("s07")
            assert ended["questions_answered"] == model.answered("s07")
        finally:
            again.close()

        # -- health and state at the end
        status, health, _ = server.json("GET", "/healthz")
        assert health["ok"] is True and health["ws_clients"] == 34
        status, state, _ = server.json("GET", "/admin/api/state", cookie=game.admin)
        assert state["state"] == "finished" and state["participant_count"] == 33
    finally:
        close_all([game.instructor, *game.sockets.values()])


STREAK_POOL = {
    "title": "Streaks", "session_id": "streaks", "time_limit_default": 20,
    "score_fn": "flat", "streak_bonus": True,
    "questions": [{"prompt": f"Q{i}", "choices": ["yes", "no"], "correct": c}
                  for i, c in enumerate(["A", "A", None] + ["A"] * 9)],
}


def test_flat_scoring_with_streak_bonus_and_early_close(server_factory):
    """Flat 1000 per right answer; streak bonus min(100k, 500); a poll neither
    ends nor extends a streak; a wrong answer ends it. With one connected
    student each question closes as soon as they have answered."""
    server = server_factory(STREAK_POOL)
    admin = server.admin_cookie()
    cookie = server.join("solo", "Solo")
    ins = server.instructor_ws(admin, sid="streaks")
    ws = server.student_ws(cookie, sid="streaks")
    answers = ["A", "A", "B", "A", "B"] + ["A"] * 7
    # k previous consecutive right answers → + min(100 k, 500)
    expected = [1000, 1100, 0, 1200, 0, 1000, 1100, 1200, 1300, 1400, 1500, 1500]
    try:
        total = 0
        for idx, answer in enumerate(answers):
            ins.send_json({"type": "next"})
            assert ws.recv_until("question_open")["question_idx"] == idx
            ws.send_json({"type": "submit", "question_idx": idx, "answer": answer})
            ack = ws.recv_until("submit_ack")
            assert ack["score"] == expected[idx], (idx, ack)
            total += expected[idx]
            closed = ws.recv_until("question_closed", timeout=3)   # nobody pressed a button
            assert closed["question_idx"] == idx and closed["your_total"] == total
        ins.send_json({"type": "next"})
        ended = ws.recv_until("session_ended")
        assert ended["your_total"] == total and ended["questions_answered"] == 12
        assert ended["questions_correct"] == 10 and ended["questions_scored"] == 11
    finally:
        close_all([ins, ws])


def test_burst_of_answers_all_acked_and_early_close(server_factory):
    """40 phones answer in the same instant (threads behind a barrier): every
    answer is acknowledged once with the contract's score, and the question
    closes by itself once the last of them is stored."""
    import threading

    pool = {"title": "Burst", "session_id": "burst", "time_limit_default": 30,
            "questions": [{"prompt": "2+2?", "choices": ["3", "4", "5"], "correct": "B"},
                          {"prompt": "Next", "choices": ["a", "b"], "correct": "A"}]}
    server = server_factory(pool, env=NO_LIMIT)
    model = Model(pool)
    admin = server.admin_cookie()
    ids = [f"b{i:02d}" for i in range(40)]
    phones = {}
    for student_id in ids:
        model.join(student_id, f"Burst {student_id}")
        phones[student_id] = server.student_ws(server.join(student_id, f"Burst {student_id}",
                                                           sid="burst"), sid="burst")
    ins = server.instructor_ws(admin, sid="burst")
    try:
        ins.send_json({"type": "next"})
        for ws in phones.values():
            ws.recv_until("question_open")
        barrier = threading.Barrier(len(ids))
        acks = {}

        def answer(student_id):
            barrier.wait()
            phones[student_id].send_json({"type": "submit", "question_idx": 0,
                                          "answer": "ABC"[int(student_id[1:]) % 3]})
            acks[student_id] = phones[student_id].recv_until("submit_ack")

        threads = [threading.Thread(target=answer, args=(s,)) for s in ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert sorted(acks) == ids
        for student_id, ack in acks.items():
            assert ack["score"] == model.record(student_id, 0, ack["answer"], ack["elapsed_ms"])
        model.close(0)
        closed = ins.recv_until("question_closed", timeout=3)   # nobody pressed a button
        assert closed["histogram"] == model.histogram(0)
        assert ins.recv_until("full_leaderboard")["leaderboard"] == leaderboard_of(model.ranking())
        for student_id, ws in phones.items():
            mine = ws.recv_until("question_closed")
            assert (mine["your_total"], mine["your_rank"]) == \
                (model.total(student_id), model.rank_of(student_id))
            assert [m["type"] for m in ws.seen].count("submit_ack") == 1
        header, rows = parse_csv(get_csv(server, admin))
        assert rows == [[str(c) for c in row] for row in model.csv_rows()]
    finally:
        close_all([ins, *phones.values()])
