"""A property-based fuzzer against the real server while a class plays
(CONTRACT.md part 2, "Any text from outside").

Each test starts one real `quizbox.py serve` on its own SQLite file, lets an
honest class of 20 students play on it (a teacher's socket presses "next"
every 0.6 s; each student answers every question it sees, from its own thread,
and records every submit_ack), and meanwhile throws hostile input at one route
or socket with Hypothesis: lone surrogates (escaped as "\\ud800", and raw as
invalid UTF-8), NUL and other control characters, bidi controls, zero-width
characters, numbers JSON has but Python's float has not (10**400, 1e309, -0,
NaN/Infinity written raw), nesting 10,000 deep, very long strings, bytes that
are not UTF-8, and wrong types in every field.

For every input: a 4xx JSON {"error", "message"} (HTTP) or an `error` frame
(socket) within 5 s, never a 5xx, the socket still answers a ping, and no
Traceback in the server's log. Instructor frames and reset bodies carry only
values that must be refused, so the fuzzer never moves the game itself.

After the fuzzing the server is killed with SIGKILL and started again on the
same database: every answer the class (and the fuzzed student) was
acknowledged, and every join that was answered 200, must be in the CSV with
the acknowledged answer, score and time. Figures go to the `figures` fixture.

Each test fuzzes for about FUZZ_S seconds (Hypothesis runs again and again,
each run sized by how fast the last one went), so that hostile input meets
several questions' answers on a fast machine and a slow one alike. Shrinking
is off (a hang costs 5 s a try), and so is the hunt for a second bug after the
first: a failure is reported as generated. The nastiest inputs are explicit
@examples, tried first in every run.

Run alone: python3 -m pytest -q tests/test_fuzz.py
"""

import base64
import concurrent.futures
import http.client as httpclient
import json
import random
import re
import socket
import threading
import time
import unicodedata
import urllib.parse
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from conftest import QuizServer
from qbtest import BOM, parse_csv, recv_matching
from wsclient import OP_BINARY, OP_TEXT, WSClient, WSClosed, WSHandshakeError

SID = "fuzz101"
PROMPT_S = 5.0            # "promptly": every answer within this (never a tighter limit)
HONEST = 20               # honest students playing during every fuzz test
TEACHER_PERIOD_S = 0.6    # how often the class's teacher presses "next"
FUZZ_S = 5.0              # each fuzz test throws input for about this long
MAX_EXAMPLES_PER_RUN = 400
QUESTIONS = 40
CHOICES = [4 - (i % 3) for i in range(QUESTIONS)]          # 4, 3, 2, 4, 3, 2, ...
LETTERS = ["ABCD"[:n] for n in CHOICES]
KNOWN_INSTRUCTOR_TYPES = {"ping", "next", "open_question", "close_question", "end_session",
                          "reset", "kick", "readmit", "pause", "resume", "add_time", "reopen",
                          "release"}
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
POOL_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.json")


def fuzz_settings(max_examples):
    return settings(max_examples=max_examples, deadline=None, report_multiple_bugs=False,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=list(HealthCheck))


def hypothesis_test(fuzz, strategy, examples):
    """run(n): fuzz(case) as a Hypothesis test, the examples first, then n
    generated cases."""
    for case in reversed(examples):
        fuzz = example(case=case)(fuzz)

    def run(max_examples):
        fuzz_settings(max_examples)(given(case=strategy)(fuzz))()

    return run


def fuzz_pool():
    questions = []
    for i, n in enumerate(CHOICES):
        question = {"prompt": f"Question {i + 1}?",
                    "choices": [f"Choice {c}" for c in "ABCD"[:n]],
                    "correct": None if i % 5 == 4 else "ABCD"[i % n]}
        questions.append(question)
    return {"title": "Fuzz class", "session_id": SID, "time_limit_default": 600,
            "score_fn": "speed", "questions": questions}


# Plain HTTP, with a timeout on everything ####################################

def http(server, method, path, body=None, headers=None, timeout=PROMPT_S):
    """(status, headers, body) of one request on its own connection. No whole
    answer within `timeout` is a failure: the request hangs."""
    conn = httpclient.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    except (socket.timeout, TimeoutError):
        raise AssertionError(f"{method} {path}: no answer within {timeout} s (the request "
                             f"hangs)") from None
    except (ConnectionError, httpclient.HTTPException) as exc:
        alive = server.running
        raise AssertionError(f"{method} {path}: connection failed ({exc!r}); server "
                             f"{'running' if alive else 'DEAD'}:\n{server.log()[-3000:]}") from None
    finally:
        conn.close()


def json_headers(content_type="application/json", cookie=None):
    headers = {}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if cookie:
        headers["Cookie"] = cookie
    return headers


def cookie_of(headers):
    pairs = [h.split(";", 1)[0].strip() for h in headers.get_all("Set-Cookie") or []]
    return "; ".join(p for p in pairs if p)


def assert_answer(status, headers, body, must_refuse, what):
    """Never a 5xx; a 4xx is JSON {"error", "message"}; must_refuse → 4xx."""
    shown = f"{what!r}"[:400]
    assert status < 500, f"{status} for {shown}: {body[:300]!r}"
    if must_refuse:
        assert 400 <= status < 500, f"{status}, not a 4xx, for {shown}: {body[:300]!r}"
    if status >= 400:
        content_type = headers.get("Content-Type", "")
        assert content_type.startswith("application/json"), (status, content_type, shown)
        data = json.loads(body)
        assert isinstance(data, dict), (data, shown)
        assert isinstance(data.get("error"), str) and data["error"], (data, shown)
        assert isinstance(data.get("message"), str) and data["message"], (data, shown)
        return data
    return None


# Judging text the way the contract does ######################################

def has_surrogate(text):
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def any_surrogate(value):
    """Does this decoded JSON value hold a lone surrogate anywhere (keys too)?"""
    if isinstance(value, str):
        return has_surrogate(value)
    if isinstance(value, list):
        return any(any_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(any_surrogate(k) or any_surrogate(v) for k, v in value.items())
    return False


def valid_student_id(value):
    if not isinstance(value, str) or has_surrogate(value):
        return False
    text = unicodedata.normalize("NFC", value).strip()
    return 1 <= len(text) <= 64 and text.isprintable()


def valid_name(value):
    """False when no reading of "1..40 characters after trimming, no control
    or bidi characters" can take it (trimmed as widely as any server may)."""
    if not isinstance(value, str) or has_surrogate(value):
        return False
    name = unicodedata.normalize("NFC", value).strip().strip(INVISIBLE).strip()
    if any(unicodedata.category(c) == "Cc" or c in BIDI for c in name):
        return False
    return bool(name) and len(name) <= 40 and \
        not all(unicodedata.category(c) in ("Cf", "Zs") for c in name)


def fair_name(name):
    return (isinstance(name, str) and 1 <= len(name) <= 40 and not has_surrogate(name)
            and not any(unicodedata.category(c) == "Cc" or c in BIDI for c in name))


def parse_body(body):
    """The JSON value a strict reader finds in these bytes; ValueError if none
    (not UTF-8, not JSON, nested beyond reason)."""
    text = body.decode("utf-8")                 # UnicodeDecodeError is a ValueError
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def is_json_type(content_type):
    return content_type is not None and \
        content_type.split(";")[0].strip().lower() == "application/json"


def json_object(content_type, body):
    """The JSON object a route reading JSON bodies finds here, or None."""
    if not is_json_type(content_type):
        return None
    try:
        data = parse_body(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def surely_not_json(body):
    """True only for bytes no JSON reader may accept: not UTF-8, or a syntax
    error (not merely a number too long or a nesting too deep for Python)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    try:
        json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError:
        return True
    except (ValueError, RecursionError):
        return False
    return False


# Strategies: the nasty text ##################################################

DEEP = 10_000
LONE_SURROGATES = ["\ud800", "\udfff", "Ev\ud800il", "\udfffAlice", "Bob\udc00", "\ud83d",
                   "\ude00 half an emoji", "\udfff\ud800", "\udbff\udfff\ud800"]
NASTY_CHARS = ["\ud800", "\udbff", "\udc00", "\udfff", "\x00", "\x01", "\x07", "\x08", "\t",
               "\n", "\r", "\x0b", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029",
               "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
               "\u2069", "\u200e", "\u200f", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
               "\u00ad", "\ufffe", "\uffff", "\U0010ffff", "\U000e0001"]
NASTY_TEXTS = LONE_SURROGATES + [
    "", " ", "\x00", "Nul\x00", "a\x00b", "\x1b[31mred", "\u202eecilA", "Ali\u202ece",
    "\u2066x\u2069", "\u2067", "\u200b\u200b", "\ufeffBom", "\u00ad", "x" * 41, "x" * 65,
    "x" * 5000, "x" * 200_000, "\\ud800", "=1+1", "@SUM(A1)", "'; DROP TABLE participants; --",
    "<script>alert(1)</script>", "%s%n%x", "null", "NaN", "\U0001F98A", "Zo\u00eb",
    "\u05e9\u05dc\u05d5\u05dd", "A\u0301", "\u0000\u0000"]
try:                                                       # lone surrogates included
    ANY_CHAR = st.characters(exclude_categories=())
except TypeError:                                          # Debian 12's Hypothesis 6.67
    ANY_CHAR = st.characters(blacklist_categories=())


def spliced(base):
    """base text with one nasty character in the middle."""
    return st.builds(lambda a, c, b: a + c + b, base, st.sampled_from(NASTY_CHARS), base)


nasty_text = st.one_of(st.sampled_from(NASTY_TEXTS), st.text(ANY_CHAR, max_size=24),
                       spliced(st.text(max_size=8)), st.text(max_size=24))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | nasty_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty_text, inner, max_size=4),
    max_leaves=10)
RAW_NUMBERS = ["1e309", "-1e309", "1E400", "1e-400", "-0", "-0.0", "0e0", "NaN", "-NaN",
               "Infinity", "-Infinity", "infinity", "nan", "1" + "0" * 400, "-" + "9" * 400,
               "9" * 5000, "0x10", "01", "+1", ".5", "5.", "1_000", "1.5", "-1", "2147483648",
               "9223372036854775808", "18446744073709551616", "1e2", "4.0", "0.1e1"]
RAW_SHAPES = ["null", "true", "false", "[]", "{}", '[""]', '["A"]', '{"$ne": null}', '"',
              "[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP, "[" * DEEP,
              '{"a":' * DEEP, '"\\ud800"', '"\\udfff\\ud800"', '"\\u0000"', '"\\uDFFF"',
              '"\\ud800\\u0041"', "'single'", "undefined", '"\\x41"', '"\\u12"',
              '"' + "x" * 70_000 + '"']


def as_json(values):
    """Raw JSON text of the values: escaped (a lone surrogate as "\\ud800") or
    raw (a lone surrogate then goes out as bytes that are not UTF-8)."""
    return st.one_of(values.map(json.dumps),
                     values.map(lambda v: json.dumps(v, ensure_ascii=False)))


fragments = st.one_of(st.sampled_from(RAW_NUMBERS), st.sampled_from(RAW_SHAPES),
                      as_json(nasty_text), as_json(json_values))


def render(pair):
    fields, extras = pair
    items = [(json.dumps(k), v) for k, v in fields.items()] + list(extras)
    return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"


def raw_object(required=None, optional=None, extras=True):
    """Raw JSON text of an object whose fields are raw fragments."""
    junk = st.lists(st.tuples(as_json(nasty_text), fragments), max_size=2) if extras \
        else st.just([])
    return st.tuples(st.fixed_dictionaries(required or {}, optional=optional or {}),
                     junk).map(render)


def wire(text):
    return text.encode("utf-8", "surrogatepass")


INVALID_UTF8 = [b"\xff", b"\xfe", b"\xc0\x80", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xe2\x82",
                b"\xf4\x90\x80\x80", b"\x80", b"\xf8\x88\x80\x80\x80"]
NOT_OBJECT_BODIES = [b"", b"{", b"}", b"nul", b"[]", b"[1, 2]", b'"text"', b"42", b"null",
                     b"true", b"\xff\xfe\x00{", b'{"a": 1} trailing', b"{'single': 'quotes'}",
                     b'{"a":}', b"\xef\xbb\xbf[]", b"\x00" * 10, b"NaN", b"-0", b"1e309",
                     b"[" * DEEP + b"]" * DEEP, b"[" * DEEP]


def splice(parts):
    body, junk, where = parts
    at = int(len(body) * where)
    return body[:at] + junk + body[at:]


def bodies(objects):
    """Bytes on the wire: the objects, the objects with bytes that are not
    UTF-8 spliced in, random bytes, and bodies that are no object."""
    encoded = objects.map(wire)
    return st.one_of(encoded, encoded,
                     st.tuples(encoded, st.sampled_from(INVALID_UTF8),
                               st.floats(0, 1)).map(splice),
                     st.binary(max_size=300), st.sampled_from(NOT_OBJECT_BODIES))


CONTENT_TYPES = st.sampled_from(["application/json"] * 6 + [
    "application/json; charset=utf-8", "text/plain", None, "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x"])


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=")


COOKIE_SUFFIXES = [b"\xff", b"\x00", b"\xe9", b"\xed\xa0\x80", b"A", b"\x7f", b"\x01"]
forged_tokens = st.one_of(
    st.binary(max_size=120),
    st.builds(lambda payload, mac: b64(payload) + b"." + mac,
              st.sampled_from([json.dumps([SID, "honest-00"]).encode(), b"[]", b"{}",
                               json.dumps([SID, "\ud800"]).encode(),
                               b'["fuzz101","mallory"]', b"1700000000", b"\xff\xfe",
                               str(int(time.time())).encode(), b"\xed\xa0\x80"]),
              st.one_of(st.binary(max_size=40), st.binary(min_size=24, max_size=24).map(b64))),
    st.sampled_from([b"", b".", b"..", b"x" * 5000, b"\xe9.\xe9", b"e30.\xe9", b"e30.\xff\x00",
                     b'"quoted"', b"\\x00"]),
).map(lambda token: bytes(b for b in token if b not in b"\r\n;, \t\""))


# The honest class ############################################################

HONEST_NAMES = ["Ada", "Zo\u00eb", "Jos\u00e9", "\u674e\u96f7", "\u0645\u062d\u0645\u062f",
                "O'Brien", "\U0001F98A Fox", "Anna-Lena", "Bj\u00f6rk", "\u05e9\u05dc\u05d5\u05dd"]


class HonestClass:
    """20 students who join normally and answer every question they see, and
    a teacher who presses "next" every TEACHER_PERIOD_S, each on its own
    thread. Every submit_ack is kept in `acks`; anything that stalls (no
    reply within PROMPT_S) or fails is kept in `problems`."""

    def __init__(self, arena, count=HONEST, seed=0):
        self.arena, self.server = arena, arena.server
        self.count, self.seed = count, seed
        self.acks = []              # (student_id, idx, answer, score, elapsed_ms)
        self.problems = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.first_open = threading.Event()
        self.open_idx = 0           # the question the teacher opened last
        self.threads, self.sockets = [], []

    def problem(self, text):
        with self.lock:
            self.problems.append(text)

    def start(self):
        ids = [f"honest-{n:02d}" for n in range(self.count)]
        names = {i: f"{HONEST_NAMES[n % len(HONEST_NAMES)]} {n}" for n, i in enumerate(ids)}
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            cookies = dict(zip(ids, pool.map(lambda i: self.arena.join_ok(i, names[i]), ids)))
            sockets = dict(zip(ids, pool.map(
                lambda i: self.server.student_ws(cookies[i], SID), ids)))
        self.teacher = self.server.instructor_ws(self.arena.admin, SID)
        self.sockets = [self.teacher, *sockets.values()]
        for n, i in enumerate(ids):
            rng = random.Random(f"{self.seed}-{i}")
            self.threads.append(threading.Thread(target=self._student, args=(i, sockets[i], rng),
                                                 daemon=True, name=i))
        self.threads.append(threading.Thread(target=self._teach, daemon=True, name="teacher"))
        for thread in self.threads:
            thread.start()
        assert self.first_open.wait(10), f"the class never got a question: {self.problems}"

    def stop(self):
        self.stopping.set()
        deadline = time.monotonic() + 15
        for thread in self.threads:
            thread.join(max(0.1, deadline - time.monotonic()))
        stuck = [t.name for t in self.threads if t.is_alive()]
        if stuck:
            self.problem(f"threads still waiting after 15 s: {stuck}")
        for ws in self.sockets:
            try:
                ws.sock.close()
            except OSError:
                pass

    def _teach(self):
        last = -1
        try:
            while not self.stopping.is_set() and last < QUESTIONS - 1:
                self.teacher.send_json({"type": "next"})
                try:
                    opened = recv_matching(self.teacher, "question_open",
                                           lambda m, last=last: m["question_idx"] > last,
                                           timeout=PROMPT_S)
                except TimeoutError:
                    self.problem(f"teacher: no question_open within {PROMPT_S} s of 'next' "
                                 f"(after question {last})")
                else:
                    last = self.open_idx = opened["question_idx"]
                    self.first_open.set()
                self.stopping.wait(TEACHER_PERIOD_S)
        except (WSClosed, OSError, ValueError) as exc:
            if not self.stopping.is_set():
                self.problem(f"teacher: socket failed: {exc!r}")

    def _student(self, student_id, ws, rng):
        answered, backlog = set(), []
        try:
            while not self.stopping.is_set():
                if backlog:
                    message = backlog.pop(0)
                else:
                    try:
                        message = ws.recv_json(timeout=0.2)
                    except TimeoutError:
                        continue
                if message.get("type") != "question_open" or message["question_idx"] in answered:
                    continue
                idx = message["question_idx"]
                answered.add(idx)
                if self.stopping.wait(rng.uniform(0.0, 0.3)):
                    return
                answer = rng.choice("ABCD"[:len(message["choices"])])
                ws.send_json({"type": "submit", "question_idx": idx, "answer": answer})
                deadline = time.monotonic() + PROMPT_S
                reply = None
                while reply is None:
                    try:
                        message = ws.recv_json(timeout=max(0.0, deadline - time.monotonic()))
                    except TimeoutError:
                        self.problem(f"{student_id}: no reply within {PROMPT_S} s to its answer "
                                     f"{answer} for question {idx}")
                        break
                    if message.get("type") == "question_open":
                        backlog.append(message)
                    elif message.get("type") in ("submit_ack", "error"):
                        reply = message
                if reply is None:
                    continue
                if reply.get("type") == "submit_ack":
                    if (reply.get("question_idx"), reply.get("answer")) != (idx, answer) or \
                            type(reply.get("score")) is not int or \
                            type(reply.get("elapsed_ms")) is not int:
                        self.problem(f"{student_id}: sent {answer} for {idx}, acked {reply}")
                        continue
                    with self.lock:
                        self.acks.append((student_id, idx, answer, reply["score"],
                                          reply["elapsed_ms"]))
                elif reply.get("type") == "error" and \
                        reply.get("code") not in ("not_open", "time_expired"):
                    self.problem(f"{student_id}: answer {answer} for {idx} refused: {reply}")
        except (WSClosed, OSError, ValueError) as exc:
            if not self.stopping.is_set():
                self.problem(f"{student_id}: socket failed: {exc!r}")


# One server, one class, one fuzz target ######################################

def synced(ws):
    """ws, once the snapshot it gets on connecting (its own ack included) has
    been read: a ping's pong comes after all of it."""
    ws.send_json({"type": "ping"})
    recv_matching(ws, "pong", lambda m: True, timeout=PROMPT_S)
    return ws


class Arena:
    def __init__(self, folder, figures):
        folder.mkdir()
        self.folder, self.figures = folder, figures
        pool_path = folder / "pool.json"
        pool_path.write_text(json.dumps(fuzz_pool(), indent=1))
        self.pools_dir = folder / "pools"
        self.server = QuizServer(pool_path, folder / "quiz.db", folder / "server.log", env={
            "QUIZBOX_JOINS_PER_MINUTE": "0", "QUIZBOX_POOLS_DIR": str(self.pools_dir)})
        self.server.start()
        self.admin = self.server.admin_cookie()
        self.joined = {}            # student_id → name of every join answered 200
        self.extra_acks = []        # acks the fuzzed student got (same shape as the class's)
        self.log_seen = 0
        self.klass = None

    def join_ok(self, student_id, name):
        body = json.dumps({"sid": SID, "student_id": student_id, "name": name}).encode()
        status, headers, reply = http(self.server, "POST", "/api/join", body, json_headers())
        assert status == 200, f"honest join of {student_id} answered {status}: {reply[:300]!r}"
        data = json.loads(reply)
        self.joined[data["student_id"]] = data["name"]
        return cookie_of(headers)

    def play(self, with_mallory=True):
        """Mallory (the fuzzed student, connected so no question closes early)
        joins, then the honest class starts playing."""
        if with_mallory:
            self.mallory_cookie = self.join_ok("mallory", "Mallory")
            self.mallory = synced(self.server.student_ws(self.mallory_cookie, SID))
        self.klass = HonestClass(self)
        self.klass.start()

    def reconnect_mallory(self):
        self.mallory = synced(self.server.student_ws(self.mallory_cookie, SID))

    def check_log(self):
        """No Traceback since the last look; the server still runs."""
        text = Path(self.server.log_path).read_bytes()
        new, self.log_seen = text[self.log_seen:], len(text)
        assert b"Traceback" not in new, new.decode(errors="replace")[-4000:]
        assert self.server.running, f"the server died:\n{self.server.log()[-3000:]}"

    def tried(self, n=1):
        self.figures["hostile inputs tried: fuzzer"] += n

    def run(self, hypothesis_run):
        """Fuzz while the class plays, then SIGKILL, restart and count what was
        lost. Hypothesis runs again and again, each run sized by how fast the
        last one went, until FUZZ_S have passed: hostile input meets several
        questions' answers, on a fast machine and a slow one alike."""
        failure = None
        began, count = time.monotonic(), 20
        try:
            while True:
                started = time.monotonic()
                hypothesis_run(count)
                now = time.monotonic()
                left = FUZZ_S - (now - began)
                if left <= 0:
                    break
                each = max((now - started) / count, 1e-4)
                count = max(5, min(MAX_EXAMPLES_PER_RUN, int(left / each)))
        except BaseException as exc:   # noqa: B902  (re-raised below, after the count)
            failure = exc
        lost, lost_joins, notes = self.stop_kill_restart_count()
        if failure is not None:
            failure.add_note(f"after the fuzzing: {len(lost)} acknowledged answers and "
                             f"{len(lost_joins)} acknowledged joins lost; {notes}")
            raise failure
        assert self.klass.acks, "the honest class got no answer acknowledged: nothing was tested"
        assert not self.klass.problems, \
            f"the honest class was held up or refused: {self.klass.problems[:10]}"
        assert not lost, f"{len(lost)} acknowledged answers lost: {lost[:10]}"
        assert not lost_joins, f"{len(lost_joins)} acknowledged joins lost: {lost_joins[:10]}"
        assert "Traceback" not in self.server.log(), self.server.log()[-4000:]

    def stop_kill_restart_count(self):
        self.klass.stop()
        for ws in (getattr(self, "mallory", None), getattr(self, "fuzz_teacher", None)):
            if ws is not None:
                try:
                    ws.sock.close()
                except OSError:
                    pass
        acks = self.klass.acks + self.extra_acks
        server = self.server
        server.kill()
        self.figures["faults injected: SIGKILL after fuzzing"] += 1
        server.start()
        notes = f"class problems: {self.klass.problems[:5]}"
        status, headers, body = http(server, "POST", "/admin/login",
                                     json.dumps({"password": server.password}).encode(),
                                     json_headers())
        rows = {}
        if status == 200:
            admin = cookie_of(headers)
            status, headers, body = http(server, "GET", "/admin/api/csv", None,
                                         {"Cookie": admin}, timeout=10)
        if status == 200:
            header, records = parse_csv(body)
            rows = {r[1]: dict(zip(header, r)) for r in records}
        else:
            notes += f"; the CSV after the restart answered {status}: {body[:200]!r}"
        lost = []
        for student_id, idx, answer, score, elapsed in acks:
            row = rows.get(student_id)
            n = idx + 1
            if row is None or (row.get(f"q{n}_answer"), row.get(f"q{n}_score"),
                               row.get(f"q{n}_ms")) != (answer, str(score), str(elapsed)):
                lost.append((student_id, idx, answer, score, elapsed,
                             None if row is None else row.get(f"q{n}_answer")))
        lost_joins = [i for i in self.joined if i not in rows]
        self.figures["answers acknowledged before a fault"] += len(acks)
        self.figures["answers lost"] += len(lost)
        self.figures["joins acknowledged before a fault"] += len(self.joined)
        self.figures["joins lost"] += len(lost_joins)
        print(f"\nfuzz {self.folder.name}: {len(acks)} answers acked ({len(self.extra_acks)} "
              f"of them the fuzzed student's), {len(lost)} lost; {len(self.joined)} joins "
              f"acked, {len(lost_joins)} lost")
        return lost, lost_joins, notes


@pytest.fixture
def arena(tmp_path, figures):
    arenas = []

    def make(name):
        made = Arena(tmp_path / name, figures)
        arenas.append(made)
        return made

    yield make
    for made in arenas:
        if made.klass is not None:
            made.klass.stopping.set()
        made.server.stop()


# 1. One lone surrogate among honest joins ####################################

def test_a_lone_surrogate_join_never_holds_up_the_joins_and_answers_beside_it(arena, figures):
    """10 honest joins, 5 answers and 1 join named with a lone surrogate, all
    released at the same moment, three times over: the hostile join gets a
    400 at once, every honest join a 200 and every answer an ack within 5 s,
    and after SIGKILL and a restart all of them are in the CSV."""
    a = arena("surrogate-race")
    server = a.server
    early = [f"early-{n}" for n in range(5)]
    cookies = {i: a.join_ok(i, f"Early {n}") for n, i in enumerate(early)}
    sockets = {i: server.student_ws(cookies[i], SID) for i in early}
    a.mallory_cookie = a.join_ok("mallory", "Mallory")
    silent = server.student_ws(a.mallory_cookie, SID)      # connected: no early close
    teacher = server.instructor_ws(a.admin, SID)
    acks = []
    names = ["Zo\u00eb", "Jos\u00e9", "\u674e\u96f7", "Ada", "\U0001F98A Fox",
             "\u0645\u062d\u0645\u062f", "Anna-Lena", "O'Brien", "Bj\u00f6rk", "Kim"]
    try:
        for rnd, hostile_name in enumerate(["Ev\ud800il", "\ud800", "\udfff"]):
            teacher.send_json({"type": "next"})
            opened = recv_matching(teacher, "question_open", lambda m: True, timeout=PROMPT_S)
            idx = opened["question_idx"]
            for ws in sockets.values():
                recv_matching(ws, "question_open", lambda m, idx=idx: m["question_idx"] == idx,
                              timeout=PROMPT_S)
            go = threading.Barrier(16, timeout=10)

            def honest_join(n, rnd=rnd):
                student_id, name = f"r{rnd}-student-{n}", f"{names[n]} {rnd}"
                body = json.dumps({"sid": SID, "student_id": student_id, "name": name}).encode()
                go.wait()
                status, headers, reply = http(server, "POST", "/api/join", body, json_headers())
                assert status == 200, f"honest join {student_id}: {status} {reply[:200]!r}"
                a.joined[student_id] = json.loads(reply)["name"]

            def honest_answer(student_id, idx=idx):
                ws = sockets[student_id]
                answer = "ABCD"[sum(map(ord, student_id)) % len(LETTERS[idx])]
                go.wait()
                ws.send_json({"type": "submit", "question_idx": idx, "answer": answer})
                try:
                    reply = recv_matching(ws, "submit_ack", lambda m: True, timeout=PROMPT_S)
                except TimeoutError:
                    raise AssertionError(f"{student_id}: no ack within {PROMPT_S} s for its "
                                         f"answer to question {idx}") from None
                assert (reply["question_idx"], reply["answer"]) == (idx, answer), reply
                acks.append((student_id, idx, answer, reply["score"], reply["elapsed_ms"]))

            def hostile_join(rnd=rnd, name=hostile_name):
                body = json.dumps({"sid": SID, "student_id": f"eve-{rnd}", "name": name}).encode()
                go.wait()
                status, headers, reply = http(server, "POST", "/api/join", body, json_headers())
                data = assert_answer(status, headers, reply, True, name)
                assert status == 400, (status, data)

            with concurrent.futures.ThreadPoolExecutor(16) as pool:
                futures = {f"honest join {n}": pool.submit(honest_join, n) for n in range(10)}
                futures |= {f"answer of {i}": pool.submit(honest_answer, i) for i in early}
                futures["hostile join"] = pool.submit(hostile_join)
                failed = {}
                for label, future in futures.items():
                    try:
                        future.result()
                    except (AssertionError, threading.BrokenBarrierError, WSClosed) as exc:
                        failed[label] = str(exc).splitlines()[0][:160]
            figures["hostile inputs tried: fuzzer"] += 1
            assert not failed, (f"round {rnd}, hostile name {hostile_name!r}: "
                                f"{len(failed)} of 16 went wrong: {failed}")
            a.check_log()
            status, headers, body = http(server, "GET", "/admin/api/csv", None,
                                         {"Cookie": a.admin})
            assert status == 200, f"the CSV answered {status} after round {rnd}: {body[:200]!r}"
    finally:
        for ws in [teacher, silent, *sockets.values()]:
            ws.sock.close()
    server.kill()
    figures["faults injected: SIGKILL after fuzzing"] += 1
    server.start()
    header, records = parse_csv(http(server, "GET", "/admin/api/csv", None,
                                     {"Cookie": server.admin_cookie()})[2])
    rows = {r[1]: dict(zip(header, r)) for r in records}
    lost = [ack for ack in acks
            if (rows.get(ack[0], {}).get(f"q{ack[1] + 1}_answer"),
                rows.get(ack[0], {}).get(f"q{ack[1] + 1}_score"))
            != (ack[2], str(ack[3]))]
    figures["answers acknowledged before a fault"] += len(acks)
    figures["answers lost"] += len(lost)
    assert not lost, lost
    missing = {i: n for i, n in a.joined.items() if rows.get(i, {}).get("name") != n}
    assert not missing, f"joins answered 200 but not in the CSV as named: {missing}"
    assert len(a.joined) == 5 + 1 + 30
    assert not any(i.startswith("eve-") for i in rows), sorted(rows)
    assert "Traceback" not in server.log(), server.log()[-4000:]


# 2. POST /api/join ###########################################################

def join_verdict(content_type, body):
    """"refuse" when the contract refuses this join whatever else holds; else
    "either" (a 200, or a 4xx for a reason the contract leaves open)."""
    data = json_object(content_type, body)
    if data is None or data.get("sid") != SID:
        return "refuse"
    if not valid_student_id(data.get("student_id")) or not valid_name(data.get("name")):
        return "refuse"
    return "either"


def join_body(name, student_id="fz-example"):
    return json.dumps({"sid": SID, "student_id": student_id, "name": name}).encode()


fine_ids = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e), min_size=1,
                   max_size=12).map(lambda s: "fz-" + s)
join_ids = st.one_of(as_json(fine_ids), as_json(fine_ids), as_json(spliced(fine_ids)),
                    as_json(nasty_text), fragments)
join_names = st.one_of(as_json(st.sampled_from(HONEST_NAMES)), as_json(st.text(max_size=45)),
                       as_json(spliced(st.sampled_from(HONEST_NAMES))), as_json(nasty_text),
                       fragments)
right_sid = st.one_of(st.just(json.dumps(SID)), st.just(json.dumps(SID)),
                      st.just(json.dumps(SID)), fragments)
join_cases = st.tuples(
    CONTENT_TYPES,
    st.one_of(
        bodies(raw_object(required={"sid": right_sid, "student_id": join_ids,
                                    "name": join_names})),
        bodies(raw_object(optional={"sid": right_sid, "student_id": join_ids,
                                    "name": join_names}))),
    st.sampled_from([None, None, None, "forged"]),
    forged_tokens)
# nearly right: one honest-looking join with the name the only doubt
join_cases = st.one_of(join_cases, st.tuples(
    st.just("application/json"),
    raw_object(required={"sid": st.just(json.dumps(SID)), "student_id": as_json(fine_ids),
                         "name": as_json(st.one_of(
                             st.sampled_from(HONEST_NAMES), st.text(max_size=45),
                             spliced(st.sampled_from(HONEST_NAMES)),
                             st.sampled_from(LONE_SURROGATES)))},
               extras=False).map(wire),
    st.just(None), st.just(b"")))


JSON = "application/json"
JOIN_EXAMPLES = [
    (JSON, join_body("\ud800"), None, b""),
    (JSON, join_body("Ev\ud800il"), None, b""),
    (JSON, join_body("\udfff"), None, b""),
    (JSON, join_body("Ok", "\ud800"), None, b""),
    (JSON, b'{"sid":"fuzz101","student_id":"fz-raw","name":"Ev\xed\xa0\x80il"}', None, b""),
    (JSON, join_body("Nul\x00"), None, b""),
    (JSON, join_body("\u202eecilA"), None, b""),
    (JSON, join_body("Bob\u2067x\u2069"), None, b""),
    (JSON, join_body("\u200b\u200d"), None, b""),
    (JSON, b'{"sid":"fuzz101","student_id":"fz-big","name":1' + b"0" * 400 + b"}", None, b""),
    (JSON, b'{"sid":"fuzz101","student_id":"fz-nan","name":NaN}', None, b""),
    (JSON, b'{"sid":"fuzz101","student_id":"fz-inf","name":1e309}', None, b""),
    (JSON, b'{"sid":"fuzz101","student_id":"fz-zero","name":-0}', None, b""),
    (JSON, b'{"sid":"fuzz101","student_id":"fz-deep","name":' + b"[" * DEEP + b"]" * DEEP
     + b"}", None, b""),
    (JSON, join_body("x" * 200_000), None, b""),
    (JSON, b"\xff\xfe\xfd", None, b""),
    (JSON, join_body([1], {"a": None}), None, b""),
    (JSON, join_body(True, False), None, b""),
    (JSON, join_body("Fine name", "fz-forged"), "forged", b"e30.\xe9"),
    # bytes that are not UTF-8, then the same key again: json.loads of bytes
    # reads the first as a lone surrogate and keeps only the second
    (JSON, b'{"sid":"fuzz101","student_id":"fz-dup","name":"\xed\xa0\x80","name":"Dup"}',
     None, b""),
]


def test_fuzz_join_bodies_while_a_class_plays(arena):
    a = arena("join")
    a.play()

    def fuzz(case):
        content_type, body, cookie_kind, token = case
        cookie = b"qb_student=" + token if cookie_kind == "forged" else None
        status, headers, reply = http(a.server, "POST", "/api/join", body,
                                      json_headers(content_type, cookie))
        a.tried()
        verdict = join_verdict(content_type, body)
        assert_answer(status, headers, reply, verdict == "refuse", body)
        if status == 200:
            data = json.loads(reply)
            assert data["ok"] is True and data["sid"] == SID, data
            assert fair_name(data["name"]) and valid_student_id(data["student_id"]), data
            a.joined[data["student_id"]] = data["name"]
        a.check_log()

    a.run(hypothesis_test(fuzz, join_cases, JOIN_EXAMPLES))


# 3. The teacher's POST routes ################################################

LOGIN, LOGOUT, RESET = "/admin/login", "/admin/logout", "/admin/api/reset"
SELECT, UPLOAD = "/admin/api/pools/select", "/admin/api/pools/upload"

near_passwords = st.sampled_from([
    "teacher-pass\x00", "teacher-pass\ud800", "\ud800teacher-pass", "teacher\u200b-pass",
    "teacher-pas", "TEACHER-PASS", "teacher-pass\u202e", "x" * 100_000, ""])
pool_texts = st.builds(
    lambda title, prompt, choice, correct, ensure_ascii: json.dumps(
        {"title": title, "time_limit_default": 20,
         "questions": [{"prompt": prompt, "choices": [choice, "B"], "correct": correct}]},
        ensure_ascii=ensure_ascii),
    nasty_text, nasty_text, nasty_text,
    st.sampled_from(["A", "B", "\ud800", None, 1, "E"]), st.booleans())
upload_names = st.one_of(st.sampled_from([f"fz-up-{n}.json" for n in range(4)]), nasty_text,
                         st.sampled_from(["../escape.json", "a\ud800.json", "a\x00.json",
                                          ".json", "a.json/", "CON.json", "a" * 90 + ".json",
                                          "\u202ejson.exe", "fz\u200b.json"]))


def truncated(text):
    """An object with its closing brace cut: JSON for no reader."""
    return text[:-1] + ","


def admin_case(route, cookie_kinds, body_strategy):
    return st.fixed_dictionaries({
        "route": st.just(route), "cookie": st.sampled_from(cookie_kinds),
        "token": forged_tokens, "content_type": CONTENT_TYPES, "body": body_strategy})


def reset_refusable(body):
    """A reset body that no reader can take for JSON (never empty: an empty
    body is a valid reset; nor UTF-16 or UTF-8 with a BOM, which Python's
    json.loads of bytes would read)."""
    if not body.strip(b" \t\r\n") or not surely_not_json(body):
        return False
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        return True
    return False


ROUTE_CASES = {
    LOGIN: admin_case(LOGIN, ["none", "none", "admin", "forged"], bodies(raw_object(
        optional={"password": st.one_of(as_json(near_passwords), as_json(nasty_text),
                                        fragments)}))),
    LOGOUT: admin_case(LOGOUT, ["admin", "none", "forged"], st.one_of(
        st.just(b""), bodies(raw_object(optional={"confirm": fragments})))),
    RESET: st.one_of(
        # with the teacher's cookie only bodies that must be refused: a reset wipes the class
        admin_case(RESET, ["admin"], st.one_of(
            raw_object(optional={"confirm": fragments}).map(truncated).map(wire),
            st.tuples(st.just(b'{"confirm":"'), st.sampled_from(INVALID_UTF8),
                      st.just(b'"}')).map(b"".join),
            st.sampled_from([b"{", b"[" * DEEP, b'{"a":' * DEEP, b"{'confirm': true}",
                             b"confirm=1", b"undefined", b"\xff\xfe{}", b'{"a":}']),
            st.binary(min_size=1, max_size=300),
        ).filter(reset_refusable)),
        # without it, anything at all
        admin_case(RESET, ["none", "forged"], st.one_of(
            st.sampled_from([b"{}", b'{"confirm": true}', b""]), bodies(raw_object())))),
    SELECT: admin_case(SELECT, ["admin", "admin", "none", "forged"], bodies(raw_object(
        optional={"file": st.one_of(
            as_json(st.sampled_from(["no-such-pool.json", "../pool.json", "a\ud800.json",
                                     "x" * 300 + ".json", "a.json\x00.txt", "..", "",
                                     "pool\u202e.json"])),
            as_json(nasty_text), fragments)}))),
    UPLOAD: admin_case(UPLOAD, ["admin", "admin", "admin", "none", "forged"], bodies(raw_object(
        optional={"filename": st.one_of(as_json(upload_names), fragments),
                  "content": st.one_of(as_json(pool_texts), as_json(nasty_text), fragments),
                  "replace": st.one_of(st.just("true"), fragments)}))),
}


def upload_verdict(content_type, body):
    data = json_object(content_type, body)
    if data is None:
        return "refuse"
    name, content = data.get("filename"), data.get("content")
    if not isinstance(name, str) or has_surrogate(name) or not POOL_NAME_RE.fullmatch(name):
        return "refuse"
    if not isinstance(content, str) or has_surrogate(content):
        return "refuse"
    try:
        pool = json.loads(content)
    except (ValueError, RecursionError):
        return "refuse"
    if not isinstance(pool, dict) or any_surrogate(pool):
        return "refuse"          # a pool whose text cannot be stored as UTF-8 is invalid
    return "either"


def admin_verdict(case):
    route, body, content_type = case["route"], case["body"], case["content_type"]
    if route == LOGOUT:           # part 2: no body needed; a body, if sent, must be JSON
        return "refuse" if body and surely_not_json(body) else "either"
    if route in (LOGIN, SELECT, RESET) or case["cookie"] != "admin":
        return "refuse"           # never the password; never a pool switch or a wipe mid-class
    return upload_verdict(content_type, body)


def admin_examples(route):
    """The nastiest bodies of each route, tried first on every run."""
    def case(body, cookie="admin", content_type="application/json"):
        return {"route": route, "cookie": cookie, "token": b"", "content_type": content_type,
                "body": body}
    if route == LOGIN:
        return [case(json.dumps({"password": p}).encode(), "none")
                for p in ("\ud800", "teacher-pass\ud800", "Ev\ud800il", "\x00")] + \
            [case(b'{"password":"\xed\xa0\x80"}', "none"), case(b'{"password":1e309}', "none"),
             case(b'{"password":' + b"[" * DEEP + b"]" * DEEP + b"}", "none")]
    if route == LOGOUT:
        return [case(b"\xff\xfe"), case(b"{"), case(b'{"a":"\xed\xa0\x80"}'),
                case(b'{"a":"\xed\xa0\x80","a":1}'), case(b"[" * DEEP)]
    if route == RESET:
        return [case(b'{"confirm":"\xed\xa0\x80"}'), case(b"{"), case(b"[" * DEEP),
                case(b'{"confirm":"\xed\xa0\x80","confirm":true}'),
                case(b"\xff\xfe{}"), case(b"{}", "forged"),
                case(json.dumps({"confirm": "\ud800"}).encode(), "none")]
    if route == SELECT:
        return [case(json.dumps({"file": f}).encode())
                for f in ("\ud800.json", "Ev\ud800il.json", "a\x00.json", "..\u202e.json")] + \
            [case(b'{"file":"\xed\xa0\x80.json"}'), case(b'{"file":' + b"1" + b"0" * 400 + b"}")]
    return [case(json.dumps({"filename": "fz-up-0.json", "content": "\ud800"}).encode()),
            case(json.dumps({"filename": "fz-up-1.json", "content": json.dumps(
                {"title": "Ev\ud800il", "questions": [
                    {"prompt": "Q?", "choices": ["A", "B"], "correct": "A"}]})}).encode()),
            case(json.dumps({"filename": "fz-up-2.json", "content": json.dumps(
                {"title": "T", "questions": [{"prompt": "\udfff", "choices": ["A", "B"],
                                              "correct": "A"}]}, ensure_ascii=False)}).encode()),
            case(json.dumps({"filename": "Ev\ud800il.json", "content": "{}"}).encode()),
            case(b'{"filename":"fz-up-3.json","content":"\xed\xa0\x80"}'),
            case(b'{"filename":"fz-up-3.json","content":"\xed\xa0\x80","content":'
                 b'"{\\"title\\":\\"T\\",\\"questions\\":[{\\"prompt\\":\\"Q?\\",'
                 b'\\"choices\\":[\\"A\\",\\"B\\"],\\"correct\\":\\"A\\"}]}"}'),
            case(json.dumps({"filename": "fz-up-3.json", "content": "[" * DEEP}).encode())]


@pytest.mark.parametrize("route", [LOGIN, LOGOUT, RESET, SELECT, UPLOAD],
                         ids=["login", "logout", "reset", "pools-select", "pools-upload"])
def test_fuzz_teacher_post_routes_while_a_class_plays(arena, route):
    a = arena("admin-" + route.rsplit("/", 1)[1])
    a.play()

    def fuzz(case):
        cookie = {"admin": a.admin.encode(), "none": None,
                  "forged": b"qb_admin=" + case["token"]}[case["cookie"]]
        status, headers, reply = http(a.server, "POST", route, case["body"],
                                      json_headers(case["content_type"], cookie))
        a.tried()
        assert_answer(status, headers, reply, admin_verdict(case) == "refuse", case)
        if status < 300:
            assert json.loads(reply).get("ok") is True, reply[:300]
        a.check_log()

    a.run(hypothesis_test(fuzz, ROUTE_CASES[route], admin_examples(route)))


# 4. Query strings and cookies ################################################

def query_value(value):
    if isinstance(value, bytes):
        return urllib.parse.quote_from_bytes(value, safe="")
    return urllib.parse.quote(value, safe="", errors="surrogatepass")


def short_enough(value):
    """A request line under 8 KiB: gevent's own limit answers a longer one
    with a bare 414 before quizbox sees it (not a text question)."""
    return len(query_value(value)) <= 6000


query_values = st.one_of(nasty_text, st.binary(max_size=40), st.sampled_from(
    RAW_NUMBERS + ["0", "1", " 0 ", "\u0663", "1_0", "0.0", "", "null", "-1", "40", "39",
                   "\x000", "0\x00", "%", "%zz", "%ED%A0%80"])).filter(short_enough)


def stats_verdict(cookie_kind, raw):
    if cookie_kind not in ("admin", "mallory"):
        return "refuse"
    if raw is None:
        return "either"
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        idx = int(text.strip())
    except ValueError:
        try:
            number = float(text.strip())          # "0.0": a reading the contract leaves open
        except ValueError:
            return "refuse"
        if number != number or number in (float("inf"), float("-inf")) or number != int(number):
            return "refuse"
        idx = int(number)
    return "either" if 0 <= idx < QUESTIONS else "refuse"


query_cases = st.one_of(
    st.fixed_dictionaries({"kind": st.just("stats"),
                           "cookie": st.sampled_from(["admin", "mallory", "none", "forged"]),
                           "token": forged_tokens, "value": st.none() | query_values}),
    st.fixed_dictionaries({"kind": st.just("csv"),
                           "cookie": st.sampled_from(["admin", "admin", "none", "forged"]),
                           "token": forged_tokens, "value": st.none() | query_values}),
    st.fixed_dictionaries({"kind": st.sampled_from(["me", "state", "reset", "ws-student",
                                                    "ws-instructor"]),
                           "cookie": st.just("forged"), "token": forged_tokens,
                           "value": st.none()}),
    st.fixed_dictionaries({"kind": st.sampled_from(["me", "state", "reset", "stats", "csv",
                                                    "ws-student", "ws-instructor"]),
                           "cookie": st.just("tampered"), "token": st.just(b""),
                           "value": st.none(),
                           "tamper": st.tuples(st.integers(0, 1000),
                                               st.sampled_from(COOKIE_SUFFIXES + [b""]))}),
)
ADMIN_KINDS = ("state", "reset", "ws-instructor", "csv")


def tampered(cookie, position, suffix):
    """A real cookie with one character of its signature changed (every
    character of the 32 counts), then odd bytes after it."""
    name, _, token = cookie.partition("=")
    body, _, mac = token.partition(".")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    at = position % len(mac)
    old = mac[at]
    new = alphabet[(alphabet.index(old) + 1 + position % 63) % 64] if old in alphabet else "A"
    return f"{name}={body}.{mac[:at]}{new}{mac[at + 1:]}".encode() + suffix


def query_example(kind, value=None, cookie="admin", token=b""):
    return {"kind": kind, "cookie": cookie, "token": token, "value": value}


QUERY_EXAMPLES = [
    query_example("csv", "\ud800"), query_example("csv", "Ev\ud800il"),
    query_example("csv", b"\xed\xa0\x80"), query_example("csv", b"\xff"),
    query_example("csv", "\x00"), query_example("csv", "x" * 2000),
    query_example("stats", "\ud800"), query_example("stats", "1" + "0" * 400),
    query_example("stats", "9" * 5000), query_example("stats", "NaN"),
    query_example("stats", "-0", "mallory"), query_example("stats", b"\xff", "mallory"),
    query_example("me", cookie="forged", token=b"e30.\xe9"),
    query_example("me", cookie="forged", token=b64(json.dumps([SID, "mallory"]).encode())
                  + b".\xed\xa0\x80"),
    query_example("state", cookie="forged", token=b"MTcwMDAwMDAwMA.\xff"),
    query_example("reset", cookie="forged", token=b"MTcwMDAwMDAwMA.\xe9\x00"),
    query_example("ws-student", cookie="forged", token=b"e30.\xe9"),
    query_example("ws-instructor", cookie="forged", token=b"MTcwMDAwMDAwMA.\xff"),
    query_example("me", cookie="tampered") | {"tamper": (3, b"\xed\xa0\x80")},
    query_example("reset", cookie="tampered") | {"tamper": (31, b"\x00")},
    query_example("ws-instructor", cookie="tampered") | {"tamper": (0, b"\xff")},
]


def test_fuzz_query_strings_and_forged_cookies_while_a_class_plays(arena):
    a = arena("query")
    a.play()
    server = a.server

    def fuzz(case):
        kind, value = case["kind"], case["value"]
        cookie = {"admin": a.admin.encode(), "mallory": a.mallory_cookie.encode()}.get(
            case["cookie"])
        if case["cookie"] == "forged":
            cookie = (b"qb_admin=" if kind in ADMIN_KINDS else b"qb_student=") + case["token"]
        elif case["cookie"] == "tampered":
            cookie = tampered(a.admin if kind in ADMIN_KINDS else a.mallory_cookie,
                              *case["tamper"])
        headers = {"Cookie": cookie} if cookie else {}
        a.tried()
        if kind.startswith("ws-"):
            role = kind[3:]
            try:
                ws = WSClient.connect(f"{server.ws_base}/ws/{role}/{SID}",
                                      cookie=cookie.decode("latin-1"), origin=server.base,
                                      timeout=PROMPT_S)
            except WSHandshakeError as refused:
                assert 400 <= refused.status < 500, refused.status
            else:
                try:
                    code = ws.wait_closed(timeout=PROMPT_S)
                except TimeoutError:
                    raise AssertionError(f"a forged {role} cookie was let in: {cookie!r}")
                finally:
                    ws.sock.close()
                assert code == 4001, (code, cookie)
            a.check_log()
            return
        if kind in ("stats", "csv"):
            param = "question_idx" if kind == "stats" else "sid"
            path = "/api/stats" if kind == "stats" else "/admin/api/csv"
            if value is not None:
                path += f"?{param}={query_value(value)}"
            status, reply_headers, reply = http(server, "GET", path, None, headers)
            if kind == "stats":
                must = stats_verdict(case["cookie"], value) == "refuse"
            else:
                must = case["cookie"] != "admin"
            assert_answer(status, reply_headers, reply, must, (kind, value, cookie))
            if status == 200 and kind == "csv":
                assert reply.startswith(BOM), reply[:20]
                reply.decode("utf-8")
        else:
            method, path = {"me": ("GET", "/api/me"), "state": ("GET", "/admin/api/state"),
                            "reset": ("POST", "/admin/api/reset")}[kind]
            body = b"{}" if method == "POST" else None
            status, reply_headers, reply = http(server, method, path, body,
                                                json_headers("application/json", cookie))
            assert_answer(status, reply_headers, reply, True, (kind, cookie))
        a.check_log()

    a.run(hypothesis_test(fuzz, query_cases, QUERY_EXAMPLES))


# 5. The student's socket #####################################################

def submit_is_valid(message):
    """A submit for a real question with one of its letters (the open question
    or not: that is the server's to say)."""
    idx, answer = message.get("question_idx"), message.get("answer")
    return type(idx) is int and 0 <= idx < QUESTIONS and isinstance(answer, str) and \
        len(answer) == 1 and answer in LETTERS[idx]


def student_frame_kind(opcode, payload):
    """What the contract answers a student for this frame."""
    if opcode == OP_BINARY:
        return "bad", None
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid_utf8", None
    if len(payload) > 4096:
        return "bad", None
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        return "bad", None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return "bad", None
    if message["type"] == "ping":
        return "ping", message
    if message["type"] != "submit":
        return "bad", None
    if any_surrogate(message):
        # part 2 refuses the frame (bad_message); a server may also judge
        # the fields it reads and ignore the rest
        return "surrogate", message
    idx = message.get("question_idx")
    if type(idx) is not int or not 0 <= idx < QUESTIONS:
        return "bad_question", message
    return ("valid" if submit_is_valid(message) else "bad_answer"), message


OPEN_IDX = "@@OPEN@@"     # replaced, when sent, by the question open at that moment


def small_ints(n):
    return st.integers(0, n).map(str)


student_frames = st.one_of(
    st.tuples(st.just(OP_TEXT), raw_object(
        required={"type": st.one_of(st.just('"submit"'), st.just('"submit"'), fragments,
                                    as_json(st.sampled_from(["ping", "Submit", "submit ",
                                                             "sub\ud800mit", "next", "reset",
                                                             "kick", "pause", "__proto__"])))},
        optional={"question_idx": st.one_of(st.just(OPEN_IDX), st.just(OPEN_IDX),
                                            small_ints(QUESTIONS + 2), fragments),
                  "answer": st.one_of(as_json(st.sampled_from(["A", "B"])), as_json(st.sampled_from(
                      ["A", "B", "C", "D", "E", "a", "AB", "", "\ud800", "A\ud800", "\uff21",
                       "A\u0301", "A\x00", "\u202eA"])), as_json(nasty_text), fragments)}
    ).map(wire)),
    st.tuples(st.just(OP_TEXT), raw_object(required={
        "type": st.just('"submit"'), "question_idx": st.just(OPEN_IDX),
        "answer": as_json(st.sampled_from(["A", "B", "A", "\ud800", "a", "AB", "B\x00"]))}
    ).map(wire)),
    st.tuples(st.just(OP_TEXT), raw_object(required={"type": st.just('"ping"')}).map(wire)),
    st.tuples(st.just(OP_TEXT), fragments.map(wire)),
    st.tuples(st.just(OP_TEXT), st.binary(max_size=200)),
    st.tuples(st.just(OP_TEXT), st.tuples(
        raw_object(required={"type": st.just('"submit"'), "question_idx": small_ints(2)},
                   optional={"answer": as_json(st.sampled_from(["A", "B"]))}).map(wire),
        st.sampled_from(INVALID_UTF8), st.floats(0, 1)).map(splice)),
    st.tuples(st.just(OP_BINARY), st.binary(max_size=200)),
)

STUDENT_EXAMPLES = [
    (OP_TEXT, json.dumps({"type": "submit", "question_idx": 0, "answer": "\ud800"}).encode()),
    (OP_TEXT, json.dumps({"type": "sub\ud800mit", "question_idx": 0, "answer": "A"}).encode()),
    (OP_TEXT, json.dumps({"type": "ping", "\ud800": "\udfff"}).encode()),
    (OP_TEXT, b'{"type":"submit","question_idx":0,"answer":"\xed\xa0\x80"}'),
    (OP_TEXT, b'{"type":"submit","question_idx":1' + b"0" * 400 + b',"answer":"A"}'),
    (OP_TEXT, b'{"type":"submit","question_idx":1e309,"answer":"A"}'),
    (OP_TEXT, b'{"type":"submit","question_idx":NaN,"answer":"A"}'),
    (OP_TEXT, b'{"type":"submit","question_idx":-Infinity,"answer":"A"}'),
    (OP_TEXT, b'{"type":"submit","question_idx":' + b"[" * 2000 + b"]" * 2000 + b',"answer":"A"}'),
    (OP_TEXT, b"[" * DEEP + b"]" * DEEP),
    (OP_TEXT, b'{"type":"submit","question_idx":0,"answer":"A\x00"}'),
    (OP_TEXT, b'{"type":"submit","question_idx":0,"answer":"' + b"A" * 70_000 + b'"}'),
    (OP_TEXT, b'{"type":"submit","question_idx":true,"answer":"A"}'),
    (OP_TEXT, b"\xff\xfe"),
    (OP_TEXT, b'{"type":"submit","question_idx":' + OPEN_IDX.encode()
     + b',"answer":"\xed\xa0\x80","answer":"A"}'),
    (OP_BINARY, b'{"type":"submit","question_idx":0,"answer":"A"}'),
]


def first_reply(ws, kinds=("error", "pong", "submit_ack"), timeout=PROMPT_S):
    deadline = time.monotonic() + timeout
    while True:
        try:
            message = ws.recv_json(timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            raise AssertionError(f"no reply within {timeout} s") from None
        if isinstance(message, dict) and message.get("type") in kinds:
            return message


def assert_still_usable(ws, what):
    ws.send_json({"type": "ping"})
    try:
        reply = first_reply(ws, ("pong",))
    except WSClosed as closed:
        raise AssertionError(f"the socket was closed ({closed.code}) after {what!r}") from None
    assert reply["type"] == "pong"


def test_fuzz_student_frames_while_a_class_plays(arena):
    a = arena("student-ws")
    a.play()
    acked = {}       # question_idx → (answer, score) of mallory's first ack

    def fuzz(case):
        opcode, payload = case
        payload = payload.replace(OPEN_IDX.encode(), str(a.klass.open_idx).encode())
        what = payload[:300]
        kind, message = student_frame_kind(opcode, payload)
        ws = a.mallory
        ws.send_raw_frame(opcode, payload)
        a.tried()
        try:
            reply = first_reply(ws)
        except WSClosed as closed:
            assert kind == "invalid_utf8" and closed.code == 1007, \
                f"socket closed ({closed.code}) after {what!r}"
            a.reconnect_mallory()
            a.check_log()
            return
        assert isinstance(reply, dict)
        if reply["type"] == "error":
            assert isinstance(reply.get("code"), str) and reply["code"], reply
            assert isinstance(reply.get("message"), str) and reply["message"], reply
        code = reply.get("code") if reply["type"] == "error" else reply["type"]
        if kind in ("bad", "invalid_utf8"):
            assert code == "bad_message", (what, reply)
        elif kind == "ping":
            assert code in ("pong", "bad_message"), (what, reply)
        elif kind == "bad_question":
            assert code in ("bad_question", "bad_message"), (what, reply)
        elif kind == "surrogate" and code != "submit_ack":
            assert code in ("bad_message", "bad_question", "bad_answer", "not_open",
                            "time_expired", "paused"), (what, reply)
        else:
            idx = message["question_idx"]
            if code == "submit_ack":
                assert reply["question_idx"] == idx, (what, reply)
                if idx in acked:            # a second submit gets the first ack again
                    assert (reply["answer"], reply["score"]) == acked[idx], (what, reply)
                else:
                    assert submit_is_valid(message) and \
                        reply["answer"] == message["answer"], (what, reply)
                    acked[idx] = (reply["answer"], reply["score"])
                    a.extra_acks.append(("mallory", idx, reply["answer"], reply["score"],
                                         reply["elapsed_ms"]))
            elif kind == "valid":
                assert code in ("not_open", "time_expired", "paused"), (what, reply)
            else:
                assert code in ("bad_answer", "bad_message", "not_open", "time_expired",
                                "paused"), (what, reply)
        assert_still_usable(ws, what)
        a.check_log()

    a.run(hypothesis_test(fuzz, student_frames, STUDENT_EXAMPLES))


# 6. The teacher's socket #####################################################

def never_an_index(fragment):
    """The fragment is no index of a question under any reading (so an
    open_question or reopen carrying it can only be refused)."""
    try:
        value = json.loads(fragment)
    except (ValueError, RecursionError):
        return True
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return True
    return not (value == int(value) and 0 <= value < QUESTIONS)


def never_seconds(fragment):
    """No reading makes this a number of seconds 1..300."""
    try:
        value = json.loads(fragment)
    except (ValueError, RecursionError):
        return True
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True
    return not 1 <= value <= 300            # NaN compares False: never seconds


def never_a_student(fragment):
    """No player can have this id: not text, or not 1..64 printable characters
    even after trimming."""
    try:
        value = json.loads(fragment)
    except (ValueError, RecursionError):
        return True
    return not valid_student_id(value)


def never_a_known_type(fragment):
    try:
        value = json.loads(fragment)
    except (ValueError, RecursionError):
        return True
    return not (isinstance(value, str) and
                unicodedata.normalize("NFKC", value).strip().lower() in KNOWN_INSTRUCTOR_TYPES)


ghost_ids = st.builds(lambda a, c, b: "gh" + a + c + b + "ost", st.text(max_size=4),
                      st.sampled_from(NASTY_CHARS), st.text(max_size=4))
bad_ids = st.one_of(as_json(ghost_ids), fragments,
                    as_json(st.sampled_from(["", "   ", "x" * 65, "x" * 5000, "\ud800",
                                             "gh\ud800ost", "\u202eghost", "gh\x00ost"]))
                    ).filter(never_a_student)
bad_idx = st.one_of(fragments, st.integers(QUESTIONS, 10 ** 30).map(str),
                    st.integers(-(10 ** 30), -1).map(str),
                    as_json(st.sampled_from(["0", "1", "\ud800", ""]))).filter(never_an_index)
bad_seconds = st.one_of(fragments, st.sampled_from(["0", "301", "-1", "100000", "0.5"]),
                        st.integers(301, 10 ** 30).map(str),
                        st.integers(-(10 ** 30), 0).map(str)).filter(never_seconds)


def instructor_object(type_name, fields):
    # no extra keys: one named like a field could, read last, carry a valid value
    return raw_object(required={"type": st.just(json.dumps(type_name)), **fields}, extras=False)


instructor_frames = st.one_of(
    instructor_object("open_question", {"question_idx": bad_idx}),
    raw_object(required={"type": st.just('"open_question"'), "question_idx": bad_idx,
                         "time_limit": fragments}, extras=False),
    instructor_object("reopen", {"question_idx": bad_idx}),
    instructor_object("add_time", {"seconds": bad_seconds}),
    instructor_object("kick", {"student_id": bad_ids}),
    instructor_object("kick", {}),
    instructor_object("readmit", {"student_id": bad_ids}),
    instructor_object("readmit", {}),
    instructor_object("release", {"student_id": bad_ids}),
    instructor_object("release", {}),
    raw_object(required={"type": st.one_of(
        fragments, as_json(st.sampled_from(["ne\u200bxt", "next\x00", "pause\ud800",
                                            "\ud800", "reset\u202e", "re\u00adset",
                                            "submit", "open question", "kick\udfff"])),
        as_json(nasty_text)).filter(never_a_known_type)}, extras=False),
    fragments.filter(lambda f: not f.lstrip().startswith("{")),
).map(wire)

INSTRUCTOR_EXAMPLES = [
    json.dumps({"type": "kick", "student_id": "\ud800"}).encode(),
    json.dumps({"type": "kick", "student_id": "honest-00\ud800"}).encode(),
    json.dumps({"type": "release", "student_id": "Ev\ud800il"}).encode(),
    json.dumps({"type": "readmit", "student_id": "\udfff"}).encode(),
    b'{"type":"kick","student_id":"\xed\xa0\x80"}',
    json.dumps({"type": "ne\ud800xt"}).encode(),
    b'{"type":"open_question","question_idx":1' + b"0" * 400 + b"}",
    b'{"type":"open_question","question_idx":NaN}',
    b'{"type":"open_question","question_idx":-1,"time_limit":1e309}',
    b'{"type":"reopen","question_idx":Infinity}',
    b'{"type":"reopen","question_idx":"\\ud800"}',
    b'{"type":"add_time","seconds":1e309}',
    b'{"type":"add_time","seconds":NaN}',
    b'{"type":"add_time","seconds":' + b"9" * 5000 + b"}",
    b'{"type":"add_time","seconds":-0}',
    b'{"type":"add_time","seconds":"30"}',
    b'{"type":"add_time","seconds":true}',
    b'{"type":"kick","student_id":' + b"[" * DEEP + b"]" * DEEP + b"}",
    b"\xff\xfe",
]


def test_fuzz_instructor_frames_while_a_class_plays(arena):
    """A second teacher's tab sends next-to-right frames: the class never moves
    (only values that must be refused), every frame gets an `error`, the
    socket stays usable."""
    a = arena("instructor-ws")
    a.play()
    a.fuzz_teacher = synced(a.server.instructor_ws(a.admin, SID))

    def fuzz(case):
        payload = case
        ws = a.fuzz_teacher
        ws.send_raw_frame(OP_TEXT, payload)
        a.tried()
        try:
            reply = first_reply(ws, ("error", "pong"))
        except WSClosed as closed:
            try:
                payload.decode("utf-8")
                valid_utf8 = True
            except UnicodeDecodeError:
                valid_utf8 = False
            assert not valid_utf8 and closed.code == 1007, \
                f"teacher socket closed ({closed.code}) after {payload[:300]!r}"
            a.fuzz_teacher = synced(a.server.instructor_ws(a.admin, SID))
            a.check_log()
            return
        assert reply["type"] == "error", (payload[:300], reply)
        assert isinstance(reply.get("code"), str) and reply["code"], reply
        assert isinstance(reply.get("message"), str) and reply["message"], reply
        assert_still_usable(ws, payload[:300])
        a.check_log()

    a.run(hypothesis_test(fuzz, instructor_frames, INSTRUCTOR_EXAMPLES))
