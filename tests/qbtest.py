"""Helpers for the end-to-end server tests (tests/test_server*.py): the
contract's scoring and ranking rules computed independently of quizbox.py,
a small model of a game, CSV parsing and socket odds and ends."""

import csv
import io
import time

from wsclient import WSClosed

LETTERS = "ABCD"
BOM = b"\xef\xbb\xbf"
NO_LIMIT = {"QUIZBOX_JOINS_PER_MINUTE": "0"}


def now_ms():
    """Wall-clock epoch ms, the server's clock (same machine)."""
    return int(time.time() * 1000)


def speed_score(elapsed_ms, limit_s):
    """CONTRACT.md: correct → round(1000 * (1 - (elapsed_ms / limit_ms) / 2))."""
    limit_ms = limit_s * 1000
    return round(1000 * (1 - (min(elapsed_ms, limit_ms) / limit_ms) / 2))


def ranked(entries):
    """entries: (student_id, name, total). The contract's ranking: total
    descending, equal totals share a rank (1, 2, 2, 4), ties listed by name
    then student id. → [{"rank", "student_id", "name", "score"}]."""
    ordered = sorted(entries, key=lambda e: (-e[2], e[1], e[0]))
    out, rank, previous = [], 0, None
    for position, (student_id, name, total) in enumerate(ordered, start=1):
        if total != previous:
            rank, previous = position, total
        out.append({"rank": rank, "student_id": student_id, "name": name, "score": total})
    return out


def top5_of(ranking):
    return [{"rank": r["rank"], "name": r["name"], "score": r["score"]} for r in ranking[:5]]


def leaderboard_of(ranking):
    return [{"rank": r["rank"], "name": r["name"], "score": r["score"],
             "student_id": r["student_id"]} for r in ranking]


def csv_cell(value):
    """How the contract says a cell is written (formula starters get a ')."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


class Model:
    """What the game should be, kept by the test from what it did and what
    the server acknowledged (each ack's score is checked before it counts)."""

    def __init__(self, pool):
        self.pool = pool
        self.questions = pool["questions"]
        self.names = {}      # student_id → name, in join order
        self.answers = {}    # student_id → {idx: {answer, elapsed_ms, score, correct, status}}
        self.closed = []     # question indexes closed so far

    def limit_s(self, idx):
        return self.questions[idx].get("time_limit", self.pool["time_limit_default"])

    def is_poll(self, idx):
        return self.questions[idx]["correct"] is None

    def join(self, student_id, name):
        self.names[student_id] = name
        self.answers[student_id] = {}
        for idx in self.closed:   # a late joiner misses what is already closed
            self.answers[student_id][idx] = self._missed()

    @staticmethod
    def _missed():
        return {"answer": None, "elapsed_ms": None, "score": 0, "correct": False,
                "status": "missed"}

    def expected_score(self, idx, answer, elapsed_ms):
        question = self.questions[idx]
        if question["correct"] is None or answer != question["correct"]:
            return 0
        if self.pool.get("score_fn", "speed") == "flat":
            return 1000
        return speed_score(elapsed_ms, self.limit_s(idx))

    def record(self, student_id, idx, answer, elapsed_ms):
        """→ the score the contract gives this answer."""
        score = self.expected_score(idx, answer, elapsed_ms)
        self.answers[student_id][idx] = {
            "answer": answer, "elapsed_ms": elapsed_ms, "score": score,
            "correct": (not self.is_poll(idx)) and answer == self.questions[idx]["correct"],
            "status": "submitted"}
        return score

    def close(self, idx):
        self.closed.append(idx)
        for answers in self.answers.values():
            answers.setdefault(idx, self._missed())

    def total(self, student_id):
        return sum(a["score"] for a in self.answers[student_id].values())

    def ranking(self):
        return ranked([(s, n, self.total(s)) for s, n in self.names.items()])

    def rank_of(self, student_id):
        return next(r["rank"] for r in self.ranking() if r["student_id"] == student_id)

    def answered(self, student_id):
        return sum(a["status"] == "submitted" for a in self.answers[student_id].values())

    def correct(self, student_id):
        return sum(bool(a["correct"]) for a in self.answers[student_id].values())

    def histogram(self, idx):
        counts = dict.fromkeys(LETTERS, 0)
        counts["missed"] = counts["pending"] = 0
        for answers in self.answers.values():
            entry = answers.get(idx)
            if entry is None:
                counts["pending"] += 1
            elif entry["status"] == "missed":
                counts["missed"] += 1
            else:
                counts[entry["answer"]] += 1
        return counts

    def csv_header(self):
        header = ["rank", "student_id", "name", "total_score", "correct", "answered"]
        for n in range(1, len(self.questions) + 1):
            header += [f"q{n}_answer", f"q{n}_correct", f"q{n}_score", f"q{n}_ms"]
        return header + ["status"]   # part 2: "removed" for a student the teacher removed

    def csv_rows(self):
        rows = []
        for entry in self.ranking():
            student_id = entry["student_id"]
            row = [entry["rank"], student_id, entry["name"], entry["score"],
                   self.correct(student_id), self.answered(student_id)]
            for idx in range(len(self.questions)):
                a = self.answers[student_id].get(idx)
                if a is None or a["status"] == "missed":
                    row += ["", 0, 0, ""]
                else:
                    row += [a["answer"], int(a["correct"]), a["score"], a["elapsed_ms"]]
            rows.append([csv_cell(c) for c in row] + [""])
        return rows


def parse_csv(body):
    """(header, rows) of a CSV download, after checking its byte-order mark."""
    assert body.startswith(BOM), f"CSV does not start with a UTF-8 BOM: {body[:10]!r}"
    text = body[len(BOM):].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def get_csv(server, admin):
    status, headers, body = server.request("GET", "/admin/api/csv", cookie=admin)
    assert status == 200, body
    assert headers["Content-Type"].startswith("text/csv")
    return body


def drain(ws, quiet=0.15):
    """Every message that arrives until the socket is quiet for `quiet` s."""
    out = []
    while True:
        try:
            out.append(ws.recv_json(timeout=quiet))
        except TimeoutError:
            return out


def recv_matching(ws, type_, predicate, timeout=5.0):
    """The first message of that type for which predicate(message) holds."""
    deadline = time.monotonic() + timeout
    while True:
        message = ws.recv_until(type_, timeout=max(0.0, deadline - time.monotonic()))
        if predicate(message):
            return message


def close_all(sockets):
    """Close every client socket (so the server stops quickly at teardown)."""
    for ws in sockets:
        try:
            ws.close()
        except OSError:
            pass


def wait_for(predicate, timeout=5.0, interval=0.05, message="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(interval)


def close_code(ws, timeout=5.0):
    """The close code the server ends this socket with."""
    try:
        return ws.wait_closed(timeout=timeout)
    except WSClosed as closed:
        return closed.code


def error_reply(ws, send, timeout=3.0):
    """Send something with send(ws) and return the first error or ack after it."""
    send(ws)
    deadline = time.monotonic() + timeout
    while True:
        message = ws.recv_json(timeout=max(0.0, deadline - time.monotonic()))
        if message.get("type") in ("error", "submit_ack", "pong"):
            return message


def is_error(status, body, want_status=None, code=None):
    """A 4xx JSON {"error", "message"} (of that status and code when given)."""
    assert 400 <= status < 500, (status, body)
    assert isinstance(body, dict) and isinstance(body.get("error"), str) \
        and isinstance(body.get("message"), str), body
    if want_status is not None:
        assert status == want_status, (status, body)
    if code is not None:
        assert body["error"] == code, body
    return True


def assert_clean_log(server):
    log = server.log()
    assert "Traceback" not in log, log[-4000:]


def submit(ws, answer, idx=0):
    ws.send_json({"type": "submit", "question_idx": idx, "answer": answer})


def first_reply(ws, timeout=10.0):
    """The next submit_ack or error on ws."""
    deadline = time.monotonic() + timeout
    while True:
        message = ws.recv_json(timeout=max(0.0, deadline - time.monotonic()))
        if message["type"] in ("submit_ack", "error"):
            return message


def csv_rows(server, admin=None):
    """{student_id: {column: cell}} of the results CSV; an id twice fails."""
    header, rows = parse_csv(get_csv(server, admin or server.admin_cookie()))
    by_id = {}
    for row in rows:
        record = dict(zip(header, row))
        assert record["student_id"] not in by_id, f"two CSV rows for {record['student_id']}"
        by_id[record["student_id"]] = record
    return by_id
