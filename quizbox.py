#!/usr/bin/env python3
"""quizbox: a live classroom quiz in one file.

A teacher runs this on a Raspberry Pi (or any laptop) on the classroom network
and opens /admin/ on the projector; students scan the QR code, join at / on
their phones and answer timed questions: choices, several right answers, a
typed word, a number, an order, with pictures. Pages, QR code and game live in
this file; everything that happens is kept in one SQLite file.

    python3 quizbox.py [serve] [--pool FILE] [--pools DIR] [--db FILE]
                       [--host 0.0.0.0] [--port 8080] [--public-url URL]
    python3 quizbox.py check FILE...
    python3 quizbox.py import FILE... [--out DIR]

The interface (routes, messages, CSV) is described in README.md.

Sections, in the order data flows (each starts with a "# Name ####" banner):

    Configuration        settings in one block, Config, flags and environment
    Pools                pool files: question types, pictures, validation
    Storage              SQLite: schema and migrations, the writer thread
    The game             every rule, pure: joining, answering, scoring, controls
    After the bell       class lists, the report (item analysis), spreadsheets
    Quiz files ...       Kahoot sheets, GIFT and Aiken in; GIFT out
    Messages             what the sockets are told, built from the game
    The real-time hub    sockets, heartbeat, fan-out, timer
      The write path     validate → engine → store → ack → announce
    HTTP and WebSocket routes
    Network addresses    the address a phone can reach
    Pages                string tables per language, the shared kit, and the
                         phone, projector, report and editor pages
    Command line         serve, check, import
"""

__version__ = "1.1.0"

if __name__ == "__main__":
    # Patch before anything imports socket or threading, and only when run as
    # a program, so that tests can import this module unpatched.
    try:
        from gevent import monkey
        monkey.patch_all()
    except ImportError:
        pass  # reported with the install line just below

import argparse
import array
import base64
import codecs
import contextlib
import copy
import csv
import dataclasses
import decimal
import fcntl
import gc
import hashlib
import hmac
import html
import io
import json
import math
import os
import posixpath
import random
import re
import secrets
import socket
import sqlite3
import statistics
import struct
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

try:
    import bottle
    import gevent
    import gevent.event
    import gevent.lock
    import gevent.threadpool
    import geventwebsocket.handler
    import segno
    from gevent.pywsgi import WSGIServer
    from geventwebsocket.exceptions import ProtocolError, WebSocketError
    from geventwebsocket.handler import WebSocketHandler
    from geventwebsocket.websocket import WebSocket
except ImportError as exc:
    sys.exit(
        f"quizbox: a library is missing ({exc.name}). Install them with\n"
        "    sudo apt install python3-bottle python3-gevent"
        " python3-gevent-websocket python3-segno\n"
        "or  pip install bottle gevent gevent-websocket segno"
    )


# Configuration ###############################################################

APP_DIR = Path(__file__).resolve().parent
DEFAULT_POOL_NAME = "science.json"

LETTERS = "ABCD"
SCORE_FNS = ("speed", "flat")
TIME_LIMIT_RANGE = (5, 600)
NAME_MAX = 40
STUDENT_ID_MAX = 64
TEXT_ANSWER_MAX = 40            # a typed answer, and each accepted one
TEXT_ACCEPT_MAX = 10
MEDIA_MAX_BYTES = 2 * 1024 * 1024   # a picture; phones on a busy Wi-Fi fetch it at once

MAX_FRAME_BYTES = 4096          # a student's frame is a few dozen bytes
MAX_BODY_BYTES = 1024 * 1024    # a JSON body: an uploaded pool or an imported file
MEDIA_BODY_BYTES = 3 * 1024 * 1024   # ... but a picture, base64 in JSON, may be 2 MB
READ_BUFFER_BYTES = 1024        # per socket: a phone's frames are tiny, and bodies stream through
SEND_BACKLOG_LIMIT = 500        # frames queued for one socket before it is dropped
SEND_TIMEOUT_S = 10.0           # a phone that reads nothing for this long is dropped
CLOSE_GRACE_S = 2.0             # time a client gets to answer our close frame
SILENCE_PING_S = 10.0           # a socket quiet this long is pinged (its pong proves it alive)
SILENCE_DROP_S = 30.0           # ... and dropped once quiet this long: a half-open Wi-Fi link
EARLY_CLOSE_GRACE_S = 10.0      # "everyone has answered" waits for phones seen this recently
PROJECTOR_UPDATE_DELAY_S = 0.2  # joins and answers reach the projector in batches
GC_YOUNG_EVERY_S = 1.0          # the cycle collector: young objects every second
GC_FULL_EVERY_S = 10.0          # ... and a whole pass only between questions
STORAGE_RETRY_S = 2.0           # a failed write of the game's state is tried again
BUSY_TIMEOUT_MS = 5000          # a write waits this long for another program's lock
ADD_TIME_RANGE = (1, 300)       # seconds the teacher may add to an open question
REOPEN_MIN_S = 10               # a reopened question gets at least this long
CONFLICTS_KEPT = 20             # recent "id already in use" attempts shown to the teacher
# Files from elsewhere: class lists, and quizzes made in Kahoot or Moodle.
ROSTER_MAX_ROWS = 5000                  # a class list: the participant limit's worth
MAX_FILE_BYTES = 768 * 1024             # an imported file (it arrives in a 1 MiB JSON body)
MAX_UNZIPPED_BYTES = 8 * 1024 * 1024    # an .xlsx inflated: 10,000 Kahoot rows are about 4 MB
MAX_ZIP_MEMBERS = 1000                  # Excel writes about a dozen
MAX_ROWS = 10_000
MAX_COLUMNS = 50
MAX_SHARED_STRINGS = 100_000            # MAX_ROWS rows of a Kahoot sheet need 70,000 at most
MAX_PROMPT = 300                        # what an imported question may hold
MAX_CHOICE = 150
MAX_ACCEPT, MAX_ACCEPT_LEN = TEXT_ACCEPT_MAX, TEXT_ANSWER_MAX
DEFAULT_TITLE = "Imported quiz"
LOGIN_WINDOW_S = 60
LOGIN_MAX_FAILURES = 5
COOKIE_MAX_AGE_S = 7 * 24 * 3600
STUDENT_COOKIE = "qb_student"
ADMIN_COOKIE = "qb_admin"

# WebSocket close codes the pages understand.
CLOSE_UNAUTHORIZED = 4001
CLOSE_RESET = 4002
CLOSE_KICKED = 4003
CLOSE_SWITCHED = 4004
CLOSE_REPLACED = 4005   # the teacher let another device take this student id


@dataclass
class Config:
    pool_path: Path | None = None
    pools_dir: Path = APP_DIR / "pools"
    db_path: Path = APP_DIR / "quizbox-data" / "quizbox.db"
    host: str = "0.0.0.0"
    port: int = 8080
    public_url: str | None = None
    admin_password: str | None = None
    session_id: str | None = None
    export_dir: Path | None = None
    max_participants: int = 5000
    joins_per_minute: int = 120   # per address: a whole class behind one NAT fits

    @property
    def state_dir(self) -> Path:
        return self.db_path.parent


# flag name → (environment variable, type); a flag beats its variable.
ENVIRONMENT = {
    "pool_path": ("QUIZ_POOL_PATH", Path),
    "session_id": ("QUIZ_SESSION_ID", str),
    "pools_dir": ("QUIZBOX_POOLS_DIR", Path),
    "db_path": ("QUIZBOX_DB", Path),
    "host": ("QUIZBOX_HOST", str),
    "port": ("QUIZBOX_PORT", int),
    "public_url": ("QUIZBOX_PUBLIC_URL", str),
    "admin_password": ("QUIZBOX_ADMIN_PASSWORD", str),
    "export_dir": ("QUIZBOX_EXPORT_DIR", Path),
    "max_participants": ("QUIZBOX_MAX_PARTICIPANTS", int),
    "joins_per_minute": ("QUIZBOX_JOINS_PER_MINUTE", int),
}


def build_config(flags: dict, environ=os.environ) -> Config:
    """Defaults, overridden by the environment, overridden by flags."""
    config = Config()
    if environ.get("STATE_DIRECTORY"):  # set by systemd's StateDirectory=
        state_dir = Path(environ["STATE_DIRECTORY"].split(":")[0])
        config.db_path = state_dir / "quizbox.db"
        config.pools_dir = state_dir / "pools"   # writable, for the teacher's uploads
    for name, (variable, kind) in ENVIRONMENT.items():
        raw = flags.get(name)
        if raw is None and environ.get(variable):
            raw = environ[variable]
        if raw is None:
            continue
        try:
            setattr(config, name, kind(raw))
        except ValueError:
            raise SystemExit(f"quizbox: {variable} / --{name.replace('_', '-')}: "
                             f"{raw!r} is not a valid {kind.__name__}")
    if config.public_url:
        config.public_url = config.public_url.rstrip("/")
    return config


# json.dumps with options builds an encoder per call: a third of its time for an ack
dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def loads(text):
    """json.loads for text from outside: too deep a nesting is a ValueError too."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


_CLOCK_ANCHOR = (time.time(), time.monotonic())


def now_ms() -> int:
    """Epoch ms: wall-clock, so that a deadline survives a restart, but advanced
    by the monotonic clock, so that a clock set mid-lesson (a Pi has no
    real-time clock; NTP may arrive late) neither stretches nor cuts a question."""
    wall, monotonic = _CLOCK_ANCHOR
    return int((wall + time.monotonic() - monotonic) * 1000)


# Pools #######################################################################

QUESTION_TYPES = ("choice", "multi", "text", "number", "order")


@dataclass(frozen=True)
class Question:
    prompt: str
    choices: tuple          # choice, multi, order (order: listed in the right order)
    correct: object         # choice: a letter, a tuple of letters, or None for a poll;
                            # multi: a tuple of letters; text: the accepted answers;
                            # number: the right value; order: None (the choices' own order)
    explanation: str
    time_limit: int         # seconds
    kind: str = "choice"
    image: str | None = None        # a file in the pool's media/ folder
    image_version: str = ""         # its content hash: a replaced picture gets a new URL
    low: float | None = None        # number: min, max, step, tolerance
    high: float | None = None
    step: float = 1
    tolerance: float = 0

    @property
    def letters(self) -> str:
        return LETTERS[:len(self.choices)]

    @property
    def is_poll(self) -> bool:
        return self.kind == "choice" and self.correct is None

    @property
    def right_letters(self) -> frozenset:
        """choice and multi: the letters that are right."""
        if self.correct is None:
            return frozenset()
        return frozenset(self.correct if isinstance(self.correct, tuple) else (self.correct,))


@dataclass(frozen=True)
class Pool:
    title: str
    session_id: str
    time_limit_default: int
    score_fn: str
    streak_bonus: bool
    questions: tuple
    source: str             # the file it came from, for messages
    document: str           # canonical JSON, kept with the session
    language: str | None = None     # None: each phone follows its own language


class PoolError(Exception):
    """One problem in a pool file, worded for the teacher who wrote it."""

    def __init__(self, file, path, message):
        super().__init__(f"{file}: {path}: {message}" if path else f"{file}: {message}")
        self.file, self.path, self.message = str(file), path, message


class PoolInvalid(Exception):
    def __init__(self, errors):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


POOL_FIELDS = {"title", "session_id", "time_limit_default", "score_fn",
               "streak_bonus", "questions", "language"}
COMMON_QUESTION_FIELDS = {"type", "prompt", "explanation", "time_limit", "image"}
QUESTION_FIELDS_BY_TYPE = {
    "choice": COMMON_QUESTION_FIELDS | {"choices", "correct"},
    "multi": COMMON_QUESTION_FIELDS | {"choices", "correct"},
    "text": COMMON_QUESTION_FIELDS | {"accept"},
    "number": COMMON_QUESTION_FIELDS | {"min", "max", "correct", "step", "tolerance"},
    "order": COMMON_QUESTION_FIELDS | {"choices"},
}
SESSION_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
LANGUAGE_RE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}")
MEDIA_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.(png|jpe?g|gif|webp)", re.I)
# A picture is known by its first bytes, never by its name.
IMAGE_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
                    (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    try:
        return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)
    except OverflowError:   # an int too large for a float (10**400)
        return False


def is_letter_of(value, letters) -> bool:
    """One of the letters, exactly ("AB" and "" are not, though `in` would say so)."""
    return isinstance(value, str) and len(value) == 1 and value in letters


def storable(value) -> bool:
    """Whether every text in value can be stored as UTF-8 (a lone surrogate cannot)."""
    try:
        dumps(value).encode("utf-8")
    except (UnicodeEncodeError, ValueError):
        return False
    return True


def _unstorable_paths(value, path=""):
    """The places in a decoded JSON document whose text is not valid Unicode."""
    if isinstance(value, str):
        if not storable(value):
            yield path or "(the document)"
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if not storable(key):
                yield where
            else:
                yield from _unstorable_paths(item, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _unstorable_paths(item, f"{path}[{i}]")


def image_type(data: bytes):
    """The Content-Type of a PNG, JPEG, GIF or WebP picture (its signature and a
    whole header: a size and, for PNG, its first chunk), else None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and data[12:16] in (b"VP8 ", b"VP8L", b"VP8X") \
            and len(data) >= 30:   # the chunk's size and the picture's own header
        return "image/webp"
    kind = next((kind for magic, kind in IMAGE_SIGNATURES if data.startswith(magic)), None)
    if kind == "image/png" and (len(data) < 24 or data[12:16] != b"IHDR" or not all(struct.unpack(">II", data[16:24]))):
        return None
    if kind == "image/gif" and (len(data) < 13 or not all(struct.unpack("<HH", data[6:10]))):
        return None
    if kind == "image/jpeg" and not data.rstrip(b"\0").endswith(b"\xff\xd9"):
        return None   # a JPEG cut short
    return kind


def session_id_from_stem(stem: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.") or "quiz"
    return cleaned[:64]


def _unknown_fields(obj, known, problem, what="known"):
    for key in sorted(set(obj) - known):
        problem(key, f"unknown field ({what}: {', '.join(sorted(known))})")


def _required_text(obj, key, problem, most=None):
    value = obj.get(key)
    if key not in obj:
        problem(key, "missing")
    elif not isinstance(value, str) or not value.strip():
        problem(key, "must be a non-empty string")
    elif most is not None and len(value.strip()) > most:
        problem(key, f"is {len(value.strip())} characters long; at most {most}")
    return value


def parse_pool(data, file, fallback_session_id=None, media_dir=None) -> Pool:
    """Validate a decoded pool document; raise PoolInvalid listing every problem.

    With media_dir, every picture a question names must be there and usable."""
    errors = []

    def problem(path, message):
        errors.append(PoolError(file, path, message))

    if not isinstance(data, dict):
        raise PoolInvalid([PoolError(file, "", "a pool must be a JSON object {...}")])
    bad_text = list(_unstorable_paths(data))
    if bad_text:   # it could never be stored, shown or sent: nothing else matters
        raise PoolInvalid([PoolError(file, path, "contains text that is not valid Unicode "
                                                 "(a lone surrogate)") for path in bad_text])
    _unknown_fields(data, POOL_FIELDS, problem)
    title = _required_text(data, "title", problem)

    session_id = data.get("session_id")
    if session_id is not None and not (isinstance(session_id, str)
                                       and SESSION_ID_RE.fullmatch(session_id)):
        problem("session_id", f"{session_id!r} must be 1 to 64 letters, digits, '-', '_' or '.'")

    language = data.get("language")
    if language is not None and not (isinstance(language, str) and LANGUAGE_RE.fullmatch(language)):
        problem("language", f"{json.dumps(language)} is not a language tag such as en, fr or pt-BR")

    def time_limit(value, path):
        low, high = TIME_LIMIT_RANGE
        if not _is_int(value) or not low <= value <= high:
            problem(path, f"{json.dumps(value)} must be a whole number of seconds from {low} to {high}")
            return None
        return value

    default_limit = time_limit(data.get("time_limit_default", 20), "time_limit_default") or 20

    score_fn = data.get("score_fn", "speed")
    if score_fn not in SCORE_FNS:
        problem("score_fn", f"{json.dumps(score_fn)} is not one of {', '.join(SCORE_FNS)}")

    streak_bonus = data.get("streak_bonus", False)
    if not isinstance(streak_bonus, bool):
        problem("streak_bonus", "must be true or false")

    questions = []
    raw_questions = data.get("questions")
    if "questions" not in data:
        problem("questions", "missing")
    elif not isinstance(raw_questions, list) or not raw_questions:
        problem("questions", "must be a non-empty list")
    else:
        for i, raw in enumerate(raw_questions):
            question = _parse_question(raw, f"questions[{i}]", default_limit, problem,
                                       time_limit, media_dir)
            if question:
                questions.append(question)

    if session_id is None:
        session_id = fallback_session_id or session_id_from_stem(Path(str(file)).stem)
        if not SESSION_ID_RE.fullmatch(session_id):   # it goes into every URL and QR code
            problem("session_id", f"{session_id!r} (from QUIZ_SESSION_ID) must be 1 to 64 "
                                  "letters, digits, '-', '_' or '.'")
    if errors:
        raise PoolInvalid(errors)
    return Pool(
        title=title.strip(),
        session_id=session_id,
        time_limit_default=default_limit,
        score_fn=score_fn,
        streak_bonus=streak_bonus,
        questions=tuple(questions),
        source=str(file),
        document=json.dumps(data, sort_keys=True, ensure_ascii=False),
        language=language,
    )


def _parse_question(raw, path, default_limit, problem, time_limit, media_dir):
    if not isinstance(raw, dict):
        problem(path, "must be an object with a prompt and its answers")
        return None
    ok = True

    def bad(subpath, message):
        nonlocal ok
        ok = False
        problem(f"{path}.{subpath}" if subpath else path, message)

    kind = raw.get("type", "choice")
    if kind not in QUESTION_TYPES:
        bad("type", f"{json.dumps(kind)} is not one of {', '.join(QUESTION_TYPES)}")
        return None
    _unknown_fields(raw, QUESTION_FIELDS_BY_TYPE[kind], bad, f"a {kind} question takes")
    prompt = _required_text(raw, "prompt", bad)

    fields = {}
    if kind in ("choice", "multi", "order"):
        fields["choices"] = _parse_choices(raw, bad)
    if kind in ("choice", "multi"):
        fields["correct"] = _parse_letters(raw, fields["choices"], kind, bad)
    elif kind == "text":
        fields["correct"] = _parse_accept(raw, bad)
    elif kind == "number":
        fields.update(_parse_number(raw, bad))

    explanation = raw.get("explanation", "")
    if not isinstance(explanation, str):
        bad("explanation", "must be a string")

    image, version = raw.get("image"), ""
    if image is not None:
        version = _check_image(image, media_dir, bad)

    limit = default_limit
    if "time_limit" in raw:
        limit = time_limit(raw["time_limit"], f"{path}.time_limit")
        ok = ok and limit is not None
    if not ok:
        return None
    return Question(prompt.strip(), fields.pop("choices", ()), fields.pop("correct", None),
                    explanation.strip(), limit, kind, image, version, **fields)


def _parse_choices(raw, bad):
    choices = raw.get("choices")
    if "choices" not in raw:
        bad("choices", "missing")
        return ()
    if not isinstance(choices, list) or not 2 <= len(choices) <= len(LETTERS):
        count = len(choices) if isinstance(choices, list) else "not a list"
        bad("choices", f"needs 2 to {len(LETTERS)} choices, has {count}")
        return ()
    for j, choice in enumerate(choices):
        if not isinstance(choice, str) or not choice.strip():
            bad(f"choices[{j}]", "must be a non-empty string")
    return tuple(c.strip() for c in choices if isinstance(c, str))


def _parse_letters(raw, choices, kind, bad):
    """choice: a letter, a list of letters (any one is right) or null; multi: a list."""
    correct = raw.get("correct", ...)
    if correct is ...:
        bad("correct", "missing (use null for a poll question)" if kind == "choice"
            else "missing (a list of the right letters, e.g. [\"A\", \"C\"])")
        return None
    if (correct is None and kind == "choice") or not choices:
        return None   # a poll; or the choices are wrong, and that is the problem to tell
    letters = LETTERS[:len(choices)]
    if kind == "choice" and not isinstance(correct, list):
        if not is_letter_of(correct, letters):
            bad("correct", f"{json.dumps(correct)} is not one of {', '.join(letters)}")
        return correct
    if not isinstance(correct, list) or not correct:
        bad("correct", "must be a non-empty list of letters, e.g. [\"A\", \"C\"]")
        return None
    wrong = [c for c in correct if not is_letter_of(c, letters)]
    if wrong:
        bad("correct", f"{json.dumps(wrong[0])} is not one of {', '.join(letters)}")
    elif len(set(correct)) != len(correct):
        bad("correct", "names a letter twice")
    return tuple(sorted(correct)) if not wrong else None


def _parse_accept(raw, bad):
    accept = raw.get("accept")
    if "accept" not in raw:
        bad("accept", "missing (the accepted answers, e.g. [\"Paris\"])")
        return ()
    if not isinstance(accept, list) or not 1 <= len(accept) <= TEXT_ACCEPT_MAX:
        bad("accept", f"must be a list of 1 to {TEXT_ACCEPT_MAX} accepted answers")
        return ()
    for j, text in enumerate(accept):
        if not isinstance(text, str) or not 1 <= len(text.strip()) <= TEXT_ANSWER_MAX:
            bad(f"accept[{j}]", f"must be text of 1 to {TEXT_ANSWER_MAX} characters")
    return tuple(" ".join(t.split()) for t in accept if isinstance(t, str))


def _parse_number(raw, bad):
    values = {}
    for key, default in (("min", ...), ("max", ...), ("correct", ...), ("step", 1),
                         ("tolerance", 0)):
        value = raw.get(key, default)
        if value is ...:
            bad(key, "missing")
        elif not _is_number(value) or abs(value) > 1e12:
            bad(key, f"{json.dumps(value)} must be a number")
        else:
            values[key] = value
    if len(values) < 5:
        return {}
    low, high, right, step = values["min"], values["max"], values["correct"], values["step"]
    if low >= high:
        bad("max", f"{high} must be more than min ({low})")
    elif not low <= right <= high:
        bad("correct", f"{right} is not between min ({low}) and max ({high})")
    if step <= 0 or (high - low) / step > 100_000:
        bad("step", f"{step} must be more than 0, and at most 100000 steps from min to max")
    if values["tolerance"] < 0:
        bad("tolerance", "must not be negative")
    return {"correct": right, "low": low, "high": high, "step": step,
            "tolerance": values["tolerance"]}


def _check_image(name, media_dir, bad):
    """→ the picture's content hash; a missing, oversized or non-image file is a problem."""
    if not isinstance(name, str) or not MEDIA_NAME_RE.fullmatch(name):
        bad("image", f"{json.dumps(name)} must be the name of a .png, .jpg, .gif or .webp file "
                     "in the media folder (letters, digits, '-', '_' or '.')")
        return ""
    if media_dir is None:
        return ""
    path = Path(media_dir) / name
    try:
        size = path.stat().st_size
        if size > MEDIA_MAX_BYTES:
            bad("image", f"media/{name} is {size / 1e6:.1f} MB; a picture may be at most "
                         f"{MEDIA_MAX_BYTES // 1_000_000} MB")
            return ""
        data = path.read_bytes()
    except OSError:
        bad("image", f"media/{name} is missing (put the picture in the media folder beside the pool)")
        return ""
    if image_type(data) is None:
        bad("image", f"media/{name} is not a PNG, JPEG, GIF or WebP picture")
        return ""
    return hashlib.sha256(data).hexdigest()[:12]


def read_pool(path, fallback_session_id=None, label=None) -> Pool:
    """Read and validate a pool file; PoolInvalid names the file (or label), field and problem."""
    path = Path(path)
    label = label or path
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PoolInvalid([PoolError(label, "", f"cannot be read: {exc.strerror or exc}")])
    except UnicodeDecodeError:
        raise PoolInvalid([PoolError(label, "", "is not UTF-8 text")])
    pool = parse_pool_text(text, label, fallback_session_id or session_id_from_stem(path.stem),
                           media_dir=path.parent / "media")
    return pool if label == path else dataclasses.replace(pool, source=str(path))


def parse_pool_text(text, file, fallback_session_id=None, media_dir=None) -> Pool:
    try:
        data = loads(text)
    except json.JSONDecodeError as exc:
        raise PoolInvalid([PoolError(file, f"line {exc.lineno} column {exc.colno}",
                                     f"not valid JSON: {exc.msg}")])
    except ValueError as exc:
        raise PoolInvalid([PoolError(file, "", f"not valid JSON: {exc}")])
    return parse_pool(data, file, fallback_session_id, media_dir)


FIELD_WORDS = {"prompt": "the question", "choices": "the choices", "correct": "the right answer",
               "accept": "the accepted answers", "explanation": "the explanation",
               "time_limit": "the time limit", "image": "the picture", "type": "the type",
               "min": "the smallest answer", "max": "the largest answer", "step": "the step",
               "tolerance": "the tolerance", "title": "the title", "language": "the language",
               "time_limit_default": "the time per question", "score_fn": "the scoring",
               "streak_bonus": "the streak bonus", "session_id": "the session id",
               "questions": "the questions"}
PROBLEM_PATH_RE = re.compile(r"questions\[(\d+)\](?:\.(\w+)(?:\[(\d+)\])?)?$|(\w+)$")


def in_teacher_words(error: PoolError) -> dict:
    """A problem as the editor shows it: the question counted from 1, the field in words.
    → {"path", "question" (1.. or None), "field", "message"}."""
    match = PROBLEM_PATH_RE.match(error.path or "")
    question = field_name = None
    if match and match.group(1) is not None:
        question, field_name = int(match.group(1)) + 1, match.group(2)
        item = match.group(3)
    elif match:
        field_name, item = match.group(4), None
    words = FIELD_WORDS.get(field_name, field_name or "")
    if field_name == "choices" and item is not None:
        words = f"choice {LETTERS[int(item)] if int(item) < len(LETTERS) else int(item) + 1}"
    elif field_name == "accept" and item is not None:
        words = f"accepted answer {int(item) + 1}"
    joiner = " " if error.message[:1] in "\"0123456789-" else ": "
    text = f"{words}{joiner}{error.message}" if words else error.message
    if question is not None:
        text = f"Question {question}: {text}"
    return {"path": error.path, "question": question, "field": field_name, "message": text}


def file_version(path):
    """What a saved pool file is now, for a save that must not undo another: None if absent."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    except FileNotFoundError:
        return None


def write_atomically(target, data: bytes):
    temporary = Path(target).with_name(f".{Path(target).name}.part")
    temporary.write_bytes(data)
    os.replace(temporary, target)


POOL_FILE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.json")
MAX_POOL_BYTES = 512 * 1024


def list_pool_folder(folder):
    """Every pool file in the folder: [(file name, Pool or None, problems)]."""
    found = []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            found.append((path.name, read_pool(path, label=path.name), []))
        except PoolInvalid as exc:
            found.append((path.name, None, [str(e) for e in exc.errors]))
    return found


def seed_pool_folder(folder):
    """A new pools folder starts with the example pools (and their pictures) that ship
    beside this file; an older one gains the example pictures it lacks."""
    folder = Path(folder)
    new = not folder.exists()
    if new:
        folder.mkdir(parents=True)
        for example in (APP_DIR / "pools").glob("*.json"):
            (folder / example.name).write_bytes(example.read_bytes())
    media = folder / "media"
    for picture in (APP_DIR / "pools" / "media").glob("*"):
        if picture.is_file() and MEDIA_NAME_RE.fullmatch(picture.name) and \
                not (media / picture.name).exists() and folder.resolve() != APP_DIR / "pools":
            media.mkdir(exist_ok=True)
            (media / picture.name).write_bytes(picture.read_bytes())


def save_pool_file(folder, name, text, replace=False) -> Pool:
    """Validate an uploaded pool and write it to the folder, atomically; PoolInvalid if bad."""
    if not isinstance(name, str) or not POOL_FILE_RE.fullmatch(name):
        raise PoolInvalid([PoolError(name if storable(name) else "?", "",
                                     "a pool file name is letters, digits, '-', '_' "
                                     "or '.', ending in .json")])
    if not isinstance(text, str) or len(text.encode(errors="replace")) > MAX_POOL_BYTES:
        raise PoolInvalid([PoolError(name, "", f"must be JSON text of at most {MAX_POOL_BYTES} bytes")])
    pool = parse_pool_text(text, name, media_dir=Path(folder) / "media")
    target = Path(folder) / name
    if target.exists() and not replace:
        raise FileExistsError(name)
    write_atomically(target, text.encode("utf-8"))
    return pool


def free_pool_name(folder, title):
    """A new file name for a pool, from its title, never one already taken."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", unicodedata.normalize("NFKD", title)
                  .encode("ascii", "ignore").decode()).strip("-.").lower()[:60] or "quiz"
    name, n = f"{stem}.json", 2
    while (Path(folder) / name).exists():
        name, n = f"{stem}-{n}.json", n + 1
    return name


# Storage #####################################################################

SCHEMA_VERSION = 2

SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE quizzes (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    document TEXT NOT NULL UNIQUE
);
CREATE TABLE sessions (
    sid TEXT PRIMARY KEY,
    quiz_id INTEGER NOT NULL REFERENCES quizzes(id),
    state TEXT NOT NULL,
    current_question_idx INTEGER,
    created_at_ms INTEGER NOT NULL,
    ended_at_ms INTEGER
);
CREATE TABLE participants (
    sid TEXT NOT NULL REFERENCES sessions(sid),
    student_id TEXT NOT NULL,
    name TEXT NOT NULL,
    joined_at_ms INTEGER NOT NULL,
    kicked INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (sid, student_id)
);
CREATE TABLE question_events (
    sid TEXT NOT NULL REFERENCES sessions(sid),
    question_idx INTEGER NOT NULL,
    time_limit_s INTEGER NOT NULL,
    opened_at_ms INTEGER NOT NULL,
    deadline_ms INTEGER NOT NULL,
    closed_at_ms INTEGER,
    PRIMARY KEY (sid, question_idx)
);
CREATE TABLE submissions (
    sid TEXT NOT NULL REFERENCES sessions(sid),
    question_idx INTEGER NOT NULL,
    student_id TEXT NOT NULL,
    answer TEXT,
    elapsed_ms INTEGER,
    score INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'missed')),
    recorded_at_ms INTEGER NOT NULL,
    PRIMARY KEY (sid, question_idx, student_id)
);
"""

# Version 2: one device per student id (a key in the cookie, and whether the
# teacher let another device take the id); a question's clock can be paused;
# a session may have a class list.
SCHEMA_V2 = """
ALTER TABLE participants ADD COLUMN device TEXT NOT NULL DEFAULT '';
ALTER TABLE participants ADD COLUMN released INTEGER NOT NULL DEFAULT 0;
ALTER TABLE question_events ADD COLUMN paused_at_ms INTEGER;
ALTER TABLE question_events ADD COLUMN paused_ms INTEGER NOT NULL DEFAULT 0;
CREATE TABLE roster (
    sid TEXT NOT NULL REFERENCES sessions(sid),
    position INTEGER NOT NULL,
    student_id TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (sid, student_id)
);
"""

MIGRATIONS = {1: SCHEMA_V1, 2: SCHEMA_V2}   # version → script that brings the previous one to it


class StorageError(Exception):
    """The database cannot be used; the message says what to do."""


class Store:
    """SQLite, written through: memory answers questions, this keeps them.

    journal_mode=WAL lets the CSV be read while answers are written;
    synchronous=FULL makes a commit reach the disk (fsync of the WAL) before
    it returns, so "acknowledged" means "survives a power cut".

    The game's writes go through write(), on a native thread of their own with
    a connection of their own: a slow SD card, or another program holding the
    lock (up to BUSY_TIMEOUT_MS), delays only the writes waiting for it, never
    gevent's loop, so sockets, timers and reads carry on meanwhile.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.db = self.writer = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = self._connect()
            self.db.execute("PRAGMA journal_mode = WAL")  # outside any transaction
            if self.db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            self._migrate()
            self.writer = self._connect()
        except (sqlite3.Error, OSError) as exc:
            self.close()
            raise StorageError(
                f"{self.path}: cannot use the database ({exc}). If the file is damaged, "
                f"move it aside together with its -wal and -shm files (results already "
                f"exported stay safe) and start again."
            ) from exc
        self._thread = gevent.threadpool.ThreadPool(1)   # one writer, in order

    def _connect(self):
        db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        return db

    def _migrate(self):
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"schema version {version} is newer than this quizbox ({SCHEMA_VERSION}); "
                "refusing to touch it: use a newer quizbox.py")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.atomic():
                for statement in MIGRATIONS[target].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {target}")

    @contextlib.contextmanager
    def atomic(self):
        """A transaction on the reading connection: for setting up and for tests."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StorageError(f"{self.path}: cannot write ({exc})") from exc
        try:
            yield self.db
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise StorageError(f"{self.path}: cannot write ({exc})") from exc

    def write(self, items) -> dict:
        """Store items in one transaction (one fsync), each in a savepoint of its own.

        An item is a list of writes, (method name, arguments...). An item that
        raises anything is rolled back alone, and returned as {index: exception};
        the others are committed. StorageError if the transaction itself fails:
        then nothing of the batch is on disk. The calling greenlet waits; the
        loop does not."""
        failed, error = self._thread.apply(self._write_items, (items,))
        if error is not None:
            raise StorageError(f"{self.path}: cannot write ({error})") from error
        return failed

    def _write_items(self, items):
        """In the writer thread: → (failed items, None) or (None, the batch's error)."""
        db, failed = self.writer, {}
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            return None, exc
        try:
            for index, writes in enumerate(items):
                db.execute("SAVEPOINT item")
                try:
                    for name, *args in writes:
                        getattr(self, name)(*args, db=db)
                except Exception as exc:   # this item only; SQLite may have ended the
                    db.execute("ROLLBACK TO item")   # transaction, then this raises too
                    failed[index] = exc
                db.execute("RELEASE item")
            db.execute("COMMIT")
        except Exception as exc:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            return None, exc
        return failed, None

    def close(self):
        for db in (self.db, self.writer):
            with contextlib.suppress(Exception):
                db.close()
        with contextlib.suppress(AttributeError):
            self._thread.kill()

    # -- reading

    def get_meta(self, key):
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def session_document(self, sid):
        row = self.db.execute(
            "SELECT q.document, q.source FROM sessions s JOIN quizzes q ON q.id = s.quiz_id "
            "WHERE s.sid = ?", (sid,)).fetchone()
        return row

    def session_rows(self, sid):
        db = self.db
        session = db.execute("SELECT state, current_question_idx FROM sessions WHERE sid = ?",
                             (sid,)).fetchone()
        participants = db.execute(
            "SELECT student_id, name, joined_at_ms, kicked, device, released FROM participants "
            "WHERE sid = ? ORDER BY joined_at_ms, rowid", (sid,)).fetchall()
        events = db.execute(
            "SELECT question_idx, time_limit_s, opened_at_ms, deadline_ms, closed_at_ms, "
            "paused_at_ms, paused_ms FROM question_events WHERE sid = ? ORDER BY opened_at_ms",
            (sid,)).fetchall()
        submissions = db.execute(
            "SELECT s.student_id, s.question_idx, s.answer, s.elapsed_ms, s.score, s.correct, "
            "s.status, s.recorded_at_ms FROM submissions s JOIN question_events e "
            "ON e.sid = s.sid AND e.question_idx = s.question_idx WHERE s.sid = ? "
            "ORDER BY e.opened_at_ms, s.recorded_at_ms", (sid,)).fetchall()
        roster = db.execute("SELECT student_id, name FROM roster WHERE sid = ? ORDER BY position",
                            (sid,)).fetchall()
        return session, participants, events, submissions, roster

    def sessions_summary(self):
        return self.db.execute(
            "SELECT s.sid, q.title, s.state, s.created_at_ms, s.ended_at_ms, "
            "(SELECT COUNT(*) FROM participants p WHERE p.sid = s.sid AND NOT p.kicked) "
            "FROM sessions s JOIN quizzes q ON q.id = s.quiz_id ORDER BY s.created_at_ms").fetchall()

    # -- writes: inside atomic() or write(); db is the connection of the caller

    def set_meta(self, key, value, db=None):
        (db or self.db).execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
                                "DO UPDATE SET value = excluded.value", (key, value))

    def ensure_session(self, pool: Pool, db=None):
        """Create the pool's session if new; point it at this pool's questions."""
        db = db or self.db
        db.execute("INSERT INTO quizzes (title, source, document) VALUES (?, ?, ?) "
                   "ON CONFLICT (document) DO NOTHING", (pool.title, pool.source, pool.document))
        quiz_id = db.execute("SELECT id FROM quizzes WHERE document = ?",
                             (pool.document,)).fetchone()[0]
        db.execute("INSERT INTO sessions (sid, quiz_id, state, created_at_ms) "
                   "VALUES (?, ?, 'lobby', ?) ON CONFLICT (sid) DO UPDATE SET quiz_id = ?",
                   (pool.session_id, quiz_id, now_ms(), quiz_id))

    def save_session_state(self, sid, state, current_idx, ended_at_ms=None, db=None):
        (db or self.db).execute("UPDATE sessions SET state = ?, current_question_idx = ?, "
                                "ended_at_ms = ? WHERE sid = ?",
                                (state, current_idx, ended_at_ms, sid))

    def save_participant(self, sid, participant, db=None):
        (db or self.db).execute(
            "INSERT INTO participants (sid, student_id, name, joined_at_ms, kicked, device, "
            "released) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sid, student_id) DO UPDATE SET "
            "name = excluded.name, kicked = excluded.kicked, device = excluded.device, "
            "released = excluded.released",
            (sid, participant.student_id, participant.name, participant.joined_at_ms,
             int(participant.kicked), participant.device, int(participant.released)))

    def save_event(self, sid, event, db=None):
        (db or self.db).execute(
            "INSERT INTO question_events (sid, question_idx, time_limit_s, opened_at_ms, "
            "deadline_ms, closed_at_ms, paused_at_ms, paused_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (sid, question_idx) DO UPDATE SET deadline_ms = excluded.deadline_ms, "
            "closed_at_ms = excluded.closed_at_ms, paused_at_ms = excluded.paused_at_ms, "
            "paused_ms = excluded.paused_ms",
            (sid, event.question_idx, event.time_limit_s, event.opened_at_ms,
             event.deadline_ms, event.closed_at_ms, event.paused_at_ms, event.paused_ms))

    def save_submissions(self, sid, submissions, db=None):
        (db or self.db).executemany(
            "INSERT INTO submissions (sid, question_idx, student_id, answer, elapsed_ms, score, "
            "correct, status, recorded_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(sid, s.question_idx, s.student_id, s.answer, s.elapsed_ms, s.score,
              int(s.correct), s.status, s.recorded_at_ms) for s in submissions])

    def delete_submissions(self, sid, submissions, db=None):
        (db or self.db).executemany(
            "DELETE FROM submissions WHERE sid = ? AND question_idx = ? AND student_id = ?",
            [(sid, s.question_idx, s.student_id) for s in submissions])

    def save_roster(self, sid, roster, db=None):
        db = db or self.db
        db.execute("DELETE FROM roster WHERE sid = ?", (sid,))
        db.executemany("INSERT INTO roster (sid, position, student_id, name) VALUES (?, ?, ?, ?)",
                       [(sid, i, student_id, name) for i, (student_id, name) in enumerate(roster)])

    def wipe_session(self, sid, db=None):
        db = db or self.db
        for table in ("submissions", "question_events", "participants"):
            db.execute(f"DELETE FROM {table} WHERE sid = ?", (sid,))
        self.save_session_state(sid, "lobby", None, db=db)


# The game ####################################################################
#
# Every rule of the game lives here, as plain Python with the time passed in:
# no sockets, no SQL, no waiting. Methods change the game and return what
# happened (a PlayerChange, or steps), for the write path to store and then
# announce, and Game.undo() puts back a change that could not be stored.

LOBBY, OPEN, CLOSED, FINISHED = "lobby", "question_open", "question_closed", "finished"


class GameError(Exception):
    """A request the game refuses; code is one of the contract's error codes."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(slots=True)   # one per student (and answer): no __dict__ each
class QuestionEvent:
    question_idx: int
    time_limit_s: int
    opened_at_ms: int
    deadline_ms: int
    closed_at_ms: int | None = None
    paused_at_ms: int | None = None     # set while the teacher has paused its clock
    paused_ms: int = 0                  # time it stood paused (or closed, then reopened)

    @property
    def paused(self) -> bool:
        return self.paused_at_ms is not None

    @property
    def limit_ms(self) -> int:
        """The time the class had: the limit, plus any the teacher added."""
        return self.deadline_ms - self.opened_at_ms - self.paused_ms

    def elapsed(self, at_ms) -> int:
        return max(0, at_ms - self.opened_at_ms - self.paused_ms)

    def remaining(self, at_ms) -> int:
        return max(0, self.deadline_ms - (self.paused_at_ms if self.paused else at_ms))


@dataclass(slots=True)   # one per student (and answer): no __dict__ each
class Submission:
    student_id: str
    question_idx: int
    answer: str | None          # as stored: letters, text or a number written out; None when missed
    elapsed_ms: int | None
    score: int
    correct: bool
    status: str                 # "submitted" or "missed"
    recorded_at_ms: int
    durable: bool = False       # committed to the database


@dataclass(slots=True)   # one per student (and answer): no __dict__ each
class Participant:
    student_id: str
    name: str
    joined_at_ms: int
    kicked: bool = False
    device: str = ""            # the key in this student's cookie: one device per id
    released: bool = False      # the teacher let the next device take this id
    total: int = 0
    answered: int = 0           # answers given, polls included
    correct: int = 0            # scored questions answered right
    streak: int = 0             # consecutive correct answers so far
    answers: dict = field(default_factory=dict)   # question_idx → Submission


@dataclass
class PlayerChange:
    """What one request did to one player: enough to store it, or to undo it."""
    player: Participant
    created: bool = False
    before: tuple | None = None     # (name, kicked, device, released) before the change
    added: list = field(default_factory=list)   # submissions it recorded


@dataclass(frozen=True)
class Opened:
    event: QuestionEvent


@dataclass(frozen=True)
class Closed:
    event: QuestionEvent
    missed: list


@dataclass(frozen=True)
class Ended:
    at_ms: int


@dataclass(frozen=True)
class Retimed:
    """The open question was paused, resumed or given more time."""
    event: QuestionEvent


@dataclass(frozen=True)
class Reopened:
    event: QuestionEvent
    lifted: list                # the missed marks taken back


# Answers, one rule per question type: what may be sent, when it is right, and
# what it earns. The contract's table, whole.

NUMBER_TEXT_RE = re.compile(r"-?\d{1,15}(\.\d{1,12})?")


def fold_text(text) -> str:
    """Typed answers match ignoring case, accents, and spaces at the ends or doubled."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def number_text(value) -> str:
    """A number as stored and shown: 1822, 3.14, -0.5."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if _is_int(value):
        return str(value)
    text = format(value, ".12g")
    return format(decimal.Decimal(text), "f") if "e" in text else text


def answer_number_text(value) -> str:
    """A number as a student sent it: every digit kept, never in exponent form."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) if _is_int(value) else format(decimal.Decimal(repr(value)), "f")


def order_permutation(sid, idx, count):
    """The order an `order` question shows its items in: shuffled once, the same for
    everybody and after a restart, and never already right."""
    permutation = list(range(count))
    random.Random(hashlib.sha256(f"{sid}/{idx}".encode()).digest()).shuffle(permutation)
    if permutation == sorted(permutation):
        permutation = permutation[1:] + permutation[:1]
    return tuple(permutation)


def parse_answer(question, answer) -> str:
    """The answer as it is stored; GameError bad_answer if the question cannot take it."""
    letters, kind = question.letters, question.kind

    def refuse(message):
        raise GameError("bad_answer", message)

    if kind == "choice":
        if not is_letter_of(answer, letters):
            refuse(f"answer must be one of {', '.join(letters)}")
        return answer
    if kind == "multi":
        if not (isinstance(answer, str) and answer and all(c in letters for c in answer)
                and len(set(answer)) == len(answer)):
            refuse(f"answer must be some of the letters {letters}, each at most once")
        return "".join(sorted(answer))
    if kind == "order":
        if not (isinstance(answer, str) and sorted(answer) == sorted(letters)):
            refuse(f"answer must be the letters {letters} in an order, each once")
        return answer
    if kind == "text":
        text = " ".join(answer.split()) if isinstance(answer, str) else ""
        if not 1 <= len(text) <= TEXT_ANSWER_MAX or not storable(text) or \
                any(unicodedata.category(c) == "Cc" for c in text):
            refuse(f"answer must be text of 1 to {TEXT_ANSWER_MAX} characters")
        return text
    if isinstance(answer, str) and NUMBER_TEXT_RE.fullmatch(answer.strip()):
        answer = float(answer)
    if not _is_number(answer) or not question.low <= answer <= question.high:
        refuse(f"answer must be a number from {number_text(question.low)} "
               f"to {number_text(question.high)}")
    return answer_number_text(answer)


def grade(question, answer, right_order=None):
    """→ (share of the points earned 0..1, whether the answer is right)."""
    kind = question.kind
    if kind == "choice":
        right = answer in question.right_letters
    elif kind == "multi":
        picked, wanted = set(answer), question.right_letters
        share = max(0, len(picked & wanted) - len(picked - wanted)) / len(wanted)
        return share, picked == wanted
    elif kind == "order":
        right = answer == right_order
    elif kind == "text":
        right = fold_text(answer) in {fold_text(a) for a in question.correct}
    else:
        exact = decimal.Decimal   # the decimals as written, no binary rounding
        right = abs(exact(answer) - exact(repr(question.correct))) <= exact(repr(question.tolerance))
    return (1.0 if right else 0.0), right


def score_answer(pool: Pool, question: Question, share, right, elapsed_ms, limit_ms, streak):
    """Points for one answer. The scoring rule, whole."""
    if question.is_poll or share <= 0:
        return 0
    if pool.score_fn == "flat":
        points = 1000
    else:
        fraction = min(max(elapsed_ms, 0), limit_ms) / limit_ms
        points = round(1000 * (1 - fraction / 2))
    points = round(points * share)
    if right and pool.streak_bonus and streak >= 1:
        points += min(100 * streak, 500)
    return points


def rank_players(players):
    """[(rank, participant)] by total; equal totals share a rank (1, 2, 2, 4)."""
    ordered = sorted(players, key=lambda p: (-p.total, p.name.casefold(), p.name, p.student_id))
    ranked, rank, previous = [], 0, None
    for position, player in enumerate(ordered, start=1):
        if player.total != previous:
            rank, previous = position, player.total
        ranked.append((rank, player))
    return ranked


class Game:
    def __init__(self, pool: Pool, max_participants=5000):
        self.pool = pool
        self.sid = pool.session_id
        self.max_participants = max_participants
        self.state = LOBBY
        self.current_idx = None
        self.events = {}            # question_idx → QuestionEvent, in the order played
        self.participants = {}      # student_id → Participant, kicked ones included
        self.roster = None          # the class list, student_id → name; None: anyone may join
        self._ranking = None        # cached; dropped whenever a total or a player changes
        self._hardest = (None, [])  # (the ranking it was worked out with, question indexes)
        self._orders = {i: order_permutation(self.sid, i, len(q.choices))
                        for i, q in enumerate(pool.questions) if q.kind == "order"}

    # -- views

    @property
    def question_count(self):
        return len(self.pool.questions)

    @property
    def current_event(self):
        return self.events.get(self.current_idx)

    @property
    def paused(self):
        return self.state == OPEN and self.current_event.paused

    def players(self):
        return [p for p in self.participants.values() if not p.kicked]

    def absent(self):
        """The class list's students who never joined: [(student_id, name)]."""
        return [(s, n) for s, n in (self.roster or {}).items() if s not in self.participants]

    def ranking(self):
        if self._ranking is None:
            self._ranking = rank_players(self.players())
            self._ranks = {p.student_id: rank for rank, p in self._ranking}
        return self._ranking

    def rank_of(self, student_id):
        """A player's rank, from the same cached ranking pass; None if not playing."""
        self.ranking()
        return self._ranks.get(student_id)

    def shown_choices(self, idx):
        """The choices as the phones show them (an order question's shuffled)."""
        choices = self.pool.questions[idx].choices
        permutation = self._orders.get(idx)
        return [choices[i] for i in permutation] if permutation else list(choices)

    def right_answer(self, idx):
        """The answer in the question type's own terms, as the reveal tells it."""
        question = self.pool.questions[idx]
        if question.kind == "order":
            permutation = self._orders[idx]
            return "".join(LETTERS[permutation.index(i)] for i in range(len(permutation)))
        return list(question.correct) if isinstance(question.correct, tuple) else question.correct

    def answers_to(self, idx):
        return [p.answers[idx] for p in self.players() if idx in p.answers]

    def histogram(self, idx):
        """Letters picked (each letter of a multi answer counts), missed, pending."""
        counts = dict.fromkeys(LETTERS, 0)
        counts["missed"] = counts["pending"] = 0
        letters = self.pool.questions[idx].kind in ("choice", "multi")
        for player in self.players():
            submission = player.answers.get(idx)
            if submission is None:
                counts["pending"] += 1
            elif submission.status == "missed":
                counts["missed"] += 1
            elif letters:
                for letter in submission.answer:
                    counts[letter] += 1
        return counts

    def summary(self, idx):
        """What the projector shows of the answers at the reveal, by question type."""
        question = self.pool.questions[idx]
        given = [s for s in self.answers_to(idx) if s.status == "submitted"]
        summary = {"answered": len(given), "right": sum(s.correct for s in given)}
        if question.kind == "text":
            groups = {}
            for s in given:
                entry = groups.setdefault(fold_text(s.answer), {"answer": s.answer, "count": 0,
                                                                "correct": s.correct})
                entry["count"] += 1
            summary["answers"] = sorted(groups.values(), key=lambda g: (-g["count"], g["answer"]))[:8]
        elif question.kind == "number":
            values = sorted(float(s.answer) for s in given)
            width = (question.high - question.low) / 10
            bins = [0] * 10
            for value in values:
                bins[min(9, int((value - question.low) / width))] += 1
            summary |= {"bins": [{"from": number_text(question.low + i * width),
                                  "to": number_text(question.low + (i + 1) * width), "count": n}
                                 for i, n in enumerate(bins)],
                        "median": number_text(statistics.median(values)) if values else None,
                        "min": question.low, "max": question.high,
                        "tolerance": question.tolerance}
        return summary

    def hardest_questions(self, count=3):
        """The closed scored questions the fewest got right: what to go over. Kept
        with the ranking (a new one whenever an answer or a player changes), since
        every phone that reconnects at the end is told them."""
        ranked = self.ranking()
        if self._hardest[0] is not ranked:
            shares = []
            for idx, event in self.events.items():
                summary = self.summary(idx) if event.closed_at_ms is not None and \
                    not self.pool.questions[idx].is_poll else {}
                if summary.get("answered"):
                    shares.append((summary["right"] / summary["answered"], idx))
            self._hardest = (ranked, [idx for _, idx in sorted(shares)[:count]])
        return self._hardest[1]

    def all_answered(self, present_ids) -> bool:
        """True once every player present (connected, or only just gone) has
        answered the open question; never while it is paused."""
        if self.state != OPEN or self.paused:
            return False
        present = [self.participants[s] for s in present_ids
                   if s in self.participants and not self.participants[s].kicked]
        return bool(present) and all(self.current_idx in p.answers for p in present)

    def question_stats(self, idx):
        answers = self.answers_to(idx)
        given = [s.elapsed_ms for s in answers if s.status == "submitted"]
        buckets = {"0_10s": 0, "10_30s": 0, "30s_plus": 0}
        for elapsed in given:
            key = "0_10s" if elapsed < 10_000 else "10_30s" if elapsed < 30_000 else "30s_plus"
            buckets[key] += 1
        return {
            "question_idx": idx,
            "response_time_avg_ms": round(sum(given) / len(given)) if given else None,
            "response_time_distribution": buckets,
            "average_score": round(sum(s.score for s in answers) / len(answers), 1) if answers else 0,
        }

    # -- changes

    def _check_idx(self, idx):
        if not _is_int(idx) or not 0 <= idx < self.question_count:
            raise GameError("bad_question", f"question_idx must be a whole number from 0 "
                                            f"to {self.question_count - 1}")

    def _open_event(self):
        if self.state != OPEN:
            raise GameError("not_open", "No question is open.")
        return self.current_event

    def _tally(self, player, submission):
        player.total += submission.score
        if submission.status == "submitted":
            player.answered += 1
        if submission.correct:
            player.correct += 1
        if not self.pool.questions[submission.question_idx].is_poll:
            # a poll neither ends nor extends a streak
            player.streak = player.streak + 1 if submission.correct else 0

    def _record(self, player, submission):
        player.answers[submission.question_idx] = submission
        self._tally(player, submission)
        self._ranking = None

    def _recount(self, player):
        """Totals again from the answers, in the order the questions were played."""
        player.total = player.answered = player.correct = player.streak = 0
        for idx in self.events:
            if idx in player.answers:
                self._tally(player, player.answers[idx])
        self._ranking = None

    def _fill_missed(self, player, at_ms):
        """Record `missed` for every closed question the player has no answer for."""
        missed = []
        for idx, event in self.events.items():
            if event.closed_at_ms is not None and idx not in player.answers:
                submission = Submission(player.student_id, idx, None, None, 0, False,
                                        "missed", at_ms)
                self._record(player, submission)
                missed.append(submission)
        return missed

    @staticmethod
    def _before(player):
        return player.name, player.kicked, player.device, player.released

    def join(self, student_id, name, at_ms, device=None, new_device=""):
        """Join, or join again → PlayerChange.

        device is the key from this phone's cookie for this id (None without
        one); new_device the key a phone gets when it takes the id. One device
        per id: another one gets id_in_use, until the teacher releases the id."""
        if self.roster is not None:   # with a class list, the list says who and what name
            if student_id not in self.roster:
                raise GameError("not_on_roster", "That student id is not on the class list: "
                                                 "check it, or ask the teacher.")
            name = self.roster[student_id]
        player = self.participants.get(student_id)
        if player is None:
            if len(self.participants) >= self.max_participants:
                raise GameError("session_full", f"This quiz is full ({self.max_participants} players).")
            player = Participant(student_id, name, at_ms, device=new_device)
            self.participants[student_id] = player
            self._ranking = None
            return PlayerChange(player, created=True, added=self._fill_missed(player, at_ms))
        if player.kicked:
            raise GameError("kicked", "The teacher removed you from this quiz.")
        same_device = device is not None and device == player.device
        if player.released == same_device:   # released: any device but the old one
            raise GameError("id_in_use", "This student id is already playing on another "
                                         "device. Ask the teacher to let this device in.")
        change = PlayerChange(player, before=self._before(player))
        if player.released:
            player.device, player.released = new_device, False
        if player.name != name:
            player.name = name
            self._ranking = None
        return change

    def submit(self, student_id, idx, answer, at_ms):
        """→ (submission, is_new). A repeated submit returns the first one."""
        player = self.participants.get(student_id)
        if player is None or player.kicked:
            raise GameError("not_joined", "Join the quiz first.")
        self._check_idx(idx)
        earlier = player.answers.get(idx)
        if earlier is not None and earlier.status == "submitted":
            return earlier, False
        question = self.pool.questions[idx]
        right_order = self.right_answer(idx) if question.kind == "order" else None
        answer = parse_answer(question, answer)
        if self.state != OPEN or self.current_idx != idx:
            raise GameError("not_open", f"question {idx + 1} is not open")
        event = self.events[idx]
        if event.paused:
            raise GameError("paused", "The teacher has paused the question: wait a moment.")
        if at_ms > event.deadline_ms:
            raise GameError("time_expired", "time is up for this question")
        elapsed = event.elapsed(at_ms)
        share, right = grade(question, answer, right_order)
        points = score_answer(self.pool, question, share, right, elapsed, event.limit_ms,
                              player.streak)
        submission = Submission(student_id, idx, answer, elapsed, points, right,
                                "submitted", at_ms)
        self._record(player, submission)
        return submission, True

    def open_question(self, idx, at_ms, time_limit_s=None):
        """Open question idx (closing the open one first) → [Closed?, Opened]."""
        self._check_idx(idx)
        if self.state == FINISHED:
            raise GameError("finished", "The quiz has finished; reset it to play again.")
        if idx in self.events:
            raise GameError("bad_question", f"question {idx + 1} has already been played")
        question = self.pool.questions[idx]
        if time_limit_s is None:
            time_limit_s = question.time_limit
        low, high = TIME_LIMIT_RANGE
        if not _is_int(time_limit_s) or not low <= time_limit_s <= high:
            raise GameError("bad_message", f"time_limit must be {low} to {high} seconds")
        steps = [self._close(at_ms)] if self.state == OPEN else []
        event = QuestionEvent(idx, time_limit_s, at_ms, at_ms + time_limit_s * 1000)
        self.events[idx] = event
        self.state, self.current_idx = OPEN, idx
        steps.append(Opened(event))
        return steps

    def _close(self, at_ms):
        event = self.current_event
        if event.paused:   # closed while paused: as if resumed first, the pause not counted
            stood = at_ms - event.paused_at_ms
            event.deadline_ms += stood
            event.paused_ms += stood
            event.paused_at_ms = None
        event.closed_at_ms = at_ms
        missed = []
        for player in self.players():
            if event.question_idx not in player.answers:
                submission = Submission(player.student_id, event.question_idx, None, None, 0,
                                        False, "missed", at_ms)
                self._record(player, submission)
                missed.append(submission)
        self.state = CLOSED
        return Closed(event, missed)

    def close_question(self, at_ms, seen_idx=...):
        self._open_event()
        if seen_idx is not ... and seen_idx != self.current_idx:
            raise GameError("stale", "That question has already closed; this press was ignored.")
        return [self._close(at_ms)]

    def expire(self, idx, at_ms):
        """The timer's close: only if idx is still open, running, and its time is up."""
        event = self.current_event
        if self.state != OPEN or self.current_idx != idx or event.paused or \
                at_ms < event.deadline_ms:
            return []
        return [self._close(at_ms)]

    def pause(self, at_ms):
        event = self._open_event()
        if event.paused:
            raise GameError("paused", "The question is already paused.")
        event.paused_at_ms = at_ms
        return [Retimed(event)]

    def resume(self, at_ms):
        event = self._open_event()
        if not event.paused:
            raise GameError("not_paused", "The question is not paused.")
        stood = at_ms - event.paused_at_ms
        event.deadline_ms += stood
        event.paused_ms += stood
        event.paused_at_ms = None
        return [Retimed(event)]

    def add_time(self, seconds, at_ms):
        event = self._open_event()
        low, high = ADD_TIME_RANGE
        if not _is_int(seconds) or not low <= seconds <= high:
            raise GameError("bad_message", f"seconds must be a whole number from {low} to {high}")
        event.deadline_ms = max(event.deadline_ms, at_ms if not event.paused else
                                event.paused_at_ms) + seconds * 1000
        return [Retimed(event)]

    def reopen(self, idx, at_ms):
        """Open again the question closed last, with the time it had left (at least
        REOPEN_MIN_S): for a teacher's slip. Its answers stay; missed marks go."""
        event = self.current_event
        if self.state not in (CLOSED, FINISHED) or event is None or idx != self.current_idx:
            raise GameError("bad_question", "Only the question closed last can be reopened.")
        left = max(REOPEN_MIN_S * 1000, event.deadline_ms - event.closed_at_ms)
        event.paused_ms += at_ms - event.closed_at_ms   # the time it stood closed does not count
        event.deadline_ms = at_ms + left
        event.closed_at_ms = None
        lifted = []
        for player in self.participants.values():
            submission = player.answers.get(idx)
            if submission is not None and submission.status == "missed":
                del player.answers[idx]
                self._recount(player)
                lifted.append(submission)
        self.state = OPEN
        return [Reopened(event, lifted)]

    def _next_unplayed(self):
        start = -1 if self.current_idx is None else self.current_idx
        for idx in range(start + 1, self.question_count):
            if idx not in self.events:
                return idx
        return None

    def next(self, at_ms, seen_idx=...):
        """The teacher's one button: lobby → q0 → close+next → … → finished.

        seen_idx, when given, is the question the sender saw as current: two
        devices pressing at once must not skip a question."""
        if seen_idx is not ... and seen_idx != self.current_idx:
            raise GameError("stale", "The quiz has already moved on; this press was ignored.")
        if self.state == FINISHED:
            raise GameError("finished", "The quiz has finished; reset it to play again.")
        idx = self._next_unplayed()
        if idx is None:
            return self.end(at_ms)
        return self.open_question(idx, at_ms)

    def end(self, at_ms):
        if self.state == FINISHED:
            return []
        steps = [self._close(at_ms)] if self.state == OPEN else []
        self.state = FINISHED
        steps.append(Ended(at_ms))
        return steps

    def reset(self):
        self.state, self.current_idx = LOBBY, None
        self.events.clear()
        self.participants.clear()
        self._ranking = None

    def _player(self, student_id, kicked=False):
        player = self.participants.get(student_id)
        if player is None or player.kicked != kicked:
            raise GameError("unknown_student", f"No {'removed ' if kicked else ''}player "
                                               f"with id {student_id!r}.")
        return player

    def kick(self, student_id):
        player = self._player(student_id)
        change = PlayerChange(player, before=self._before(player))
        player.kicked = True
        self._ranking = None
        return change

    def readmit(self, student_id, at_ms):
        """Let a removed student back in."""
        player = self._player(student_id, kicked=True)
        change = PlayerChange(player, before=self._before(player))
        player.kicked = False
        self._ranking = None
        change.added = self._fill_missed(player, at_ms)
        return change

    def release(self, student_id):
        """Let the next device that joins with this id take it (a phone lost, a
        cookie cleared); the old one's cookie stops working."""
        player = self._player(student_id)
        change = PlayerChange(player, before=self._before(player))
        player.released = True
        return change

    def set_roster(self, roster):
        """A class list (or None): names come from it → the players it renamed."""
        self.roster = dict(roster) if roster else None
        renamed = []
        for student_id, name in (roster or ()):
            player = self.participants.get(student_id)
            if player is not None and player.name != name:
                renamed.append(PlayerChange(player, before=self._before(player)))
                player.name = name
        self._ranking = None
        return renamed

    def undo(self, change, at_ms):
        """Put back a change that could not be stored → the missed marks this calls
        for: an answer taken back from a question closed meanwhile is a miss."""
        player, missed = change.player, []
        if change.created:
            if self.participants.get(player.student_id) is player:
                del self.participants[player.student_id]
        else:
            if change.before is not None:
                player.name, player.kicked, player.device, player.released = change.before
            for submission in change.added:
                if player.answers.get(submission.question_idx) is submission:
                    del player.answers[submission.question_idx]
            self._recount(player)
            if not player.kicked:
                missed = self._fill_missed(player, at_ms)
        self._ranking = None
        return missed

    # -- resuming from the database

    @classmethod
    def restore(cls, pool, rows, max_participants=5000):
        """Rebuild a game from Store.session_rows(), replaying answers in order."""
        session, participants, events, submissions, roster = rows
        game = cls(pool, max_participants)
        game.roster = dict(roster) if roster else None
        for student_id, name, joined_at_ms, kicked, device, released in participants:
            game.participants[student_id] = Participant(student_id, name, joined_at_ms,
                                                        bool(kicked), device, bool(released))
        for idx, limit, opened, deadline, closed, paused_at, paused_ms in events:
            game.events[idx] = QuestionEvent(idx, limit, opened, deadline, closed, paused_at,
                                             paused_ms)
        for student_id, idx, answer, elapsed, score, correct, status, at in submissions:
            player = game.participants.get(student_id)
            if player is not None and idx < game.question_count:
                submission = Submission(student_id, idx, answer, elapsed, score, bool(correct),
                                        status, at, durable=True)
                game._record(player, submission)
        if session:
            game.state, game.current_idx = session
        return game


def clean_name(raw):
    """Names are shown to the whole class: 1..40 visible characters, no tricks."""
    if not isinstance(raw, str):
        raise GameError("bad_name", "name must be text")
    name = unicodedata.normalize("NFC", raw).strip().strip(INVISIBLE).strip()
    if any(unicodedata.category(c) in ("Cc", "Cs") or c in BIDI_CONTROLS for c in name):
        raise GameError("bad_name", "name contains control characters")
    if not name or all(unicodedata.category(c) in ("Cf", "Zs") for c in name):
        raise GameError("bad_name", "name must not be empty")
    if len(name) > NAME_MAX:
        raise GameError("bad_name", f"name must be at most {NAME_MAX} characters")
    return name


def clean_student_id(raw):
    if not isinstance(raw, str):
        raise GameError("bad_student_id", "student_id must be text")
    student_id = unicodedata.normalize("NFC", raw).strip()   # one "é", however it was typed
    if not 1 <= len(student_id) <= STUDENT_ID_MAX or not student_id.isprintable():
        raise GameError("bad_student_id",
                        f"student_id must be 1 to {STUDENT_ID_MAX} printable characters")
    return student_id


BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def _csv_cell(value):
    # A spreadsheet runs a cell starting with these as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def results_csv(game) -> str:
    """The gradebook export: one ranked row per player, four columns per question,
    then the students the teacher removed, with what they answered (status "removed"),
    and the class list's students who never joined (status "absent")."""
    out = io.StringIO()
    out.write("\ufeff")   # byte-order mark: spreadsheets then read names as UTF-8
    writer = csv.writer(out, lineterminator="\r\n")
    header = ["rank", "student_id", "name", "total_score", "correct", "answered"]
    for n in range(1, game.question_count + 1):
        header += [f"q{n}_answer", f"q{n}_correct", f"q{n}_score", f"q{n}_ms"]
    writer.writerow(header + ["status"])
    removed = [("", p) for p in game.participants.values() if p.kicked]
    absent = [("", Participant(student_id, name, 0)) for student_id, name in game.absent()]
    for rank, player in game.ranking() + sorted(removed + absent, key=lambda r: r[1].name.casefold()):
        row = [rank, player.student_id, player.name, player.total, player.correct, player.answered]
        for idx in range(game.question_count):
            submission = player.answers.get(idx)
            if submission is None or submission.status == "missed":
                row += ["", 0, 0, ""]
            else:
                row += [submission.answer, int(submission.correct), submission.score,
                        submission.elapsed_ms]
        status = "removed" if player.kicked else "" if player.student_id in game.participants \
            else "absent"
        writer.writerow([_csv_cell(cell) for cell in row + [status]])
    return out.getvalue()


# After the bell: class lists, the report, spreadsheets ######################
#
# Formats at the edge: plain functions from text or rows to rows or bytes.

# -- class lists

class RosterError(ValueError):
    """A class list the teacher must fix; the message names the line."""


# Header words, compared without case, accents, spaces or punctuation.
_ID_WORDS = {"id", "studentid", "studentnumber", "studentno", "number", "no", "code",
             "username", "login", "matricule", "numero", "identifiant", "nummer",
             "matrikelnummer", "idaluno", "matricula"}
_NAME_WORDS = {"name", "studentname", "fullname", "nom", "nomcomplet", "nombre",
               "nombrecompleto", "nome", "nomecompleto", "vollername"}
_DELIMITERS = {";": "semicolon", "\t": "tab", ",": "comma"}   # ties go to the first
_BAD_TEXT = re.compile("[\0\ud800-\udfff]")


def _header_word(cell):
    return "".join(c for c in fold_text(cell) if c.isalnum())


def _cells(line, delimiter):
    row = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True, strict=True), [])
    row = [cell.strip() for cell in row]
    while row and not row[-1]:
        row.pop()                 # "1;Ann;;" and ";;" are what spreadsheets export
    return row


def _sniff(lines):
    """The delimiter that splits most of the first lines into one same number (≥ 2) of
    columns; then the most frequent one; then ";" before "," since names hold commas."""
    sample = lines[:50]

    def score(delimiter):
        widths = Counter()
        for line in sample:
            try:
                widths[len(_cells(line, delimiter))] += 1
            except csv.Error:
                pass
        return max((count for width, count in widths.items() if width >= 2), default=0), \
            sum(line.count(delimiter) for line in sample)
    return max(_DELIMITERS, key=score)


def _header(cells):
    """(id column, name column, width) if this row is a header, else None."""
    words = [_header_word(cell) for cell in cells]
    ids = [i for i, word in enumerate(words) if word in _ID_WORDS]
    names = [i for i, word in enumerate(words) if word in _NAME_WORDS]
    if not ids and not names:
        return None
    id_column = ids[0] if ids else int(names[0] == 0)
    name_column = names[0] if names else int(id_column == 0)
    return id_column, name_column, max(len(cells), 2)   # other labelled columns are ignored


def parse_roster(text: str) -> list[tuple[str, str]]:
    """A pasted or uploaded class list → [(student_id, name)]; "" clears the list."""
    text = text.removeprefix("\ufeff")
    lines = re.split(r"\r\n|\r|\n", text)
    for n, line in enumerate(lines, 1):
        bad = _BAD_TEXT.search(line)
        if bad:
            what = "a NUL character" if bad.group() == "\0" else "text that is not valid UTF-8"
            raise RosterError(f"Line {n}: contains {what}.")
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
    if not numbered:
        return []
    delimiter = _sniff([line for _, line in numbered])
    roster, seen, layout = [], {}, None
    for n, line in numbered:
        try:
            cells = _cells(line, delimiter)
        except csv.Error:
            raise RosterError(f"Line {n}: cannot be read; check its quotes.") from None
        if not cells:
            continue
        if layout is None:        # a header is recognised, never required
            layout = _header(cells)
            if layout:
                continue
            layout = (0, 1, 2)
        id_column, name_column, width = layout
        if len(cells) > width:
            raise RosterError(
                f"Line {n}: expected {width} columns but found {len(cells)}; "
                f"put a name containing a {_DELIMITERS[delimiter]} in double quotes.")
        cells += [""] * (width - len(cells))
        student_id = unicodedata.normalize("NFC", cells[id_column])   # as join does: one "é"
        name = unicodedata.normalize("NFC", cells[name_column]).strip(INVISIBLE).strip()
        if not student_id:
            raise RosterError(f"Line {n}: the student id is missing.")
        if len(student_id) > STUDENT_ID_MAX:
            raise RosterError(f"Line {n}: the student id is longer than {STUDENT_ID_MAX} characters.")
        if not student_id.isprintable():
            raise RosterError(f"Line {n}: the student id contains control characters.")
        if not name or all(unicodedata.category(c) in ("Cf", "Zs") for c in name):
            raise RosterError(f"Line {n}: student {student_id} has no name.")
        if len(name) > NAME_MAX:
            raise RosterError(f"Line {n}: the name is longer than {NAME_MAX} characters.")
        if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in BIDI_CONTROLS for c in name):
            raise RosterError(f"Line {n}: the name contains control characters.")
        if student_id in seen:
            raise RosterError(f"Lines {seen[student_id]} and {n} both have student id {student_id}.")
        if len(roster) == ROSTER_MAX_ROWS:
            raise RosterError(f"Line {n}: the list has more than {ROSTER_MAX_ROWS} students.")
        seen[student_id] = n
        roster.append((student_id, name))
    if not roster:
        raise RosterError("The list has no students: give one per line, student id then name.")
    return roster


# -- the report
#
# Statistics over the players still in the game ("playing"): a removed
# player's answers are left out, an absent one has none. Scores are ints.

def _answer_of(player, idx):
    answers = player.get("answers") or {}
    return answers.get(idx, answers.get(str(idx)))     # keys may have been through JSON


def _submitted(answer):
    return bool(answer) and answer.get("status") == "submitted" and answer.get("answer") is not None


def _playing(player):
    return player.get("status", "playing") not in ("absent", "removed")


def _is_poll(question):
    return bool(question.get("poll")) or (question["type"] == "choice"
                                          and question.get("correct") is None)


def _letters(correct):
    return [] if correct is None else [correct] if isinstance(correct, str) else list(correct)


def _plain_number(value):
    value = float(value)
    return int(value) if value.is_integer() else value


def _to_number(text):
    try:
        value = float(str(text).replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _right_answer_label(question):
    kind, correct = question["type"], question.get("correct")
    if kind == "choice":
        return " or ".join(_letters(correct))
    if kind == "multi":
        return " and ".join(sorted(correct))
    if kind == "text":
        return " or ".join(f"“{t}”" for t in _letters(correct))
    return f"{_plain_number(correct)}" if kind == "number" else str(correct)


def _point_biserial(xs, ys):
    """Pearson's r of 0/1 against totals, which is r_pb; None without variance."""
    n = len(xs)
    if n < 3:
        return None
    sx, sy = sum(xs), sum(ys)
    sxx = n * sum(x * x for x in xs) - sx * sx          # exact in integers
    syy = n * sum(y * y for y in ys) - sy * sy
    if sxx <= 0 or syy <= 0:
        return None
    r = (n * sum(x * y for x, y in zip(xs, ys)) - sx * sy) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))


def _wrong(answer, count, text=None):
    return {"answer": answer, "text": text, "count": count}


def _letter_breakdown(question, given):
    """choice, multi, order: picks per letter (for an order, how many put it first)."""
    kind, correct = question["type"], question.get("correct") or ""
    right = set(correct[:1] if kind == "order" else _letters(correct) if kind == "choice" else correct)
    picks = Counter()
    for a in given:
        picks.update(set(a["answer"]) if kind == "multi" else [a["answer"][:1]])
    choices = [{"letter": letter, "text": text, "count": picks[letter], "correct": letter in right}
               for letter, text in zip(LETTERS, question.get("choices") or [])]
    if kind == "order":           # what matters is the whole order
        orders = Counter(a["answer"] for a in given)
        wrong = Counter(a["answer"] for a in given if not a["correct"]).most_common(1)
        extra = {"right_orders": sum(1 for a in given if a["correct"]),
                 "orders": [{"answer": o, "count": c, "correct": o == correct}
                            for o, c in orders.most_common(10)]}
        return choices, _wrong(*wrong[0]) if wrong else None, extra
    wrong = [c for c in choices if not c["correct"] and c["count"]]
    top = max(wrong, key=lambda c: c["count"], default=None)       # first letter on a tie
    return choices, _wrong(top["letter"], top["count"], top["text"]) if top else None, {}


def _text_breakdown(question, given):
    """Up to ten most frequent answers, grouped as the engine compares them."""
    groups = {}
    for a in given:
        group = groups.setdefault(fold_text(a["answer"]),
                                  {"spellings": Counter(), "count": 0, "correct": False})
        group["spellings"][a["answer"].strip()] += 1
        group["count"] += 1
        group["correct"] |= bool(a["correct"])
    ranked = sorted(groups.values(), key=lambda g: -g["count"])      # stable: first given first
    choices = [{"answer": g["spellings"].most_common(1)[0][0],    # the commonest spelling
                "count": g["count"], "correct": g["correct"]} for g in ranked]
    top = next((c for c in choices if not c["correct"]), None)
    return choices[:10], _wrong(top["answer"], top["count"]) if top else None, {}


def _number_breakdown(question, given):
    values = [(v, a["correct"]) for a in given if (v := _to_number(a["answer"])) is not None]
    numbers = [v for v, _ in values]
    correct = question.get("correct")
    summary = {"min": _plain_number(min(numbers)) if numbers else None,
               "max": _plain_number(max(numbers)) if numbers else None,
               "median": _plain_number(statistics.median(numbers)) if numbers else None,
               "right_value": _plain_number(correct) if correct is not None else None}
    wrong = Counter(v for v, right in values if not right).most_common(1)
    return summary, _wrong(_plain_number(wrong[0][0]), wrong[0][1]) if wrong else None, {}


_BREAKDOWNS = {"choice": _letter_breakdown, "multi": _letter_breakdown, "order": _letter_breakdown,
               "text": _text_breakdown, "number": _number_breakdown}


def _flag(question, answered, right, wrong, discrimination):
    """Why a question is worth another look → [{"code", ...what the sentence needs}],
    each worded by flag_sentence here and by the report page in its language."""
    if _is_poll(question):
        return []
    flags = []
    if not answered:
        flags.append({"code": "nobody"})
    elif right * 2 < answered:
        if wrong and wrong["count"] > right:
            kind = question["type"]
            what = (f"{wrong['answer']} (“{wrong['text']}”)" if wrong["text"] is not None
                    else f"“{wrong['answer']}”" if kind == "text" else f"{wrong['answer']}")
            verb = "answered" if kind in ("text", "number") else "ordered" if kind == "order" \
                else "chose"
            flags.append({"code": ("most_" if wrong["count"] * 2 > answered else "more_") + verb,
                          "answer": what, "right": _right_answer_label(question)})
        elif right == 0:
            flags.append({"code": "none_right", "n": answered})
        else:
            flags.append({"code": "only_right", "right": right, "n": answered})
    if discrimination is not None and discrimination < 0:
        flags.append({"code": "negative"})
    return flags


def flag_sentence(flags):
    """The flags in English, for the spreadsheet and scripts; None if there are none."""
    return " ".join(STRINGS_EN["flag." + f["code"]].format(**f) for f in flags) or None


def _question_report(question, playing, totals):
    idx = question["question_idx"]
    poll = _is_poll(question)
    given = [a for p in playing if _submitted(a := _answer_of(p, idx))]
    right = sum(1 for a in given if a.get("correct"))
    elapsed = [a["elapsed_ms"] for a in given if a.get("elapsed_ms") is not None]
    discrimination = None
    if not poll:
        xs, ys = [], []
        for p, total in zip(playing, totals):
            a = _answer_of(p, idx)
            xs.append(1 if _submitted(a) and a.get("correct") else 0)     # missed is not right
            ys.append(total - ((a or {}).get("score") or 0))             # the other questions
        discrimination = _point_biserial(xs, ys)
    choices, wrong, extra = _BREAKDOWNS[question["type"]](question, given)
    return {"question_idx": idx, "type": question["type"], "prompt": question.get("prompt", ""),
            "correct": question.get("correct"), "poll": poll, "answered": len(given),
            "right": None if poll else right,
            "correct_share": None if poll or not given else right / len(given),
            "discrimination": discrimination,
            "avg_ms": round(statistics.fmean(elapsed)) if elapsed else None,
            "choices": choices, **extra, "most_chosen_wrong": None if poll else wrong,
            "flags": (flags := _flag(question, len(given), right, wrong, discrimination)),
            "flag": flag_sentence(flags)}


def _student_report(player, questions):
    answers = []
    for q in questions:
        a = _answer_of(player, q["question_idx"])
        answers.append(None if a is None else {
            "answer": a.get("answer") if _submitted(a) else None,
            "correct": bool(a.get("correct")) and _submitted(a), "score": a.get("score") or 0,
            "elapsed_ms": a.get("elapsed_ms") if _submitted(a) else None,
            "status": a.get("status")})
    status = player.get("status", "playing")
    return {"student_id": player["student_id"], "name": player["name"], "rank": None,
            "total": sum((a.get("score") or 0) for a in (player.get("answers") or {}).values()),
            "correct": sum(1 for q, a in zip(questions, answers)
                           if a and a["correct"] and not _is_poll(q)),
            "answered": sum(1 for a in answers if a and a["answer"] is not None),
            "absent": status == "absent", "removed": status == "removed", "answers": answers}


def _histogram(totals, top):
    """About ten bins of a round width from 0 to top (inclusive), for a bar chart."""
    if not totals:
        return []
    top = max(int(top or 0), *totals, 0)     # a bonus past the expected best still fits
    width = next(w for k in range(20) for m in (1, 2, 2.5, 3, 4, 5)
                 if (w := m * 10 ** k) == int(w) and w * 10 >= top)
    width = int(width)
    bins = max(1, math.ceil(top / width)) if top >= 10 else top + 1
    counts = Counter(min(int(t) // width, bins - 1) for t in totals)
    return [{"from": i * width, "to": top if i == bins - 1 else (i + 1) * width - 1, "count": counts[i]}
            for i in range(bins)]


def item_analysis(questions, players, max_possible=None) -> dict:
    """The after-the-bell report: every played question, every student, the class.

    `max_possible` (the best total the pool allows) sets the histogram's range;
    without it the best total reached does."""
    questions = sorted(questions, key=lambda q: q["question_idx"])
    playing = [p for p in players if _playing(p)]
    in_play = [_student_report(p, questions) for p in playing]
    totals = [s["total"] for s in in_play]
    report_questions = [_question_report(q, playing, totals) for q in questions if q.get("played")]
    ranked = sorted(in_play, key=lambda s: (-s["total"], s["name"].casefold(), s["name"],
                                            s["student_id"]))
    previous = None
    for position, s in enumerate(ranked, 1):   # equal totals share a rank: 1, 2, 2, 4
        s["rank"] = previous["rank"] if previous and previous["total"] == s["total"] else position
        previous = s
    others = sorted((_student_report(p, questions) for p in players if not _playing(p)),
                    key=lambda s: (s["name"].casefold(), s["name"], s["student_id"]))
    students = ranked + others
    top = max_possible if max_possible is not None else max(totals, default=0)
    summary = {"players": len(totals), "absent": sum(s["absent"] for s in students),
               "removed": sum(s["removed"] for s in students), "question_count": len(questions),
               "played": len(report_questions),
               "average": statistics.fmean(totals) if totals else None,
               "median": statistics.median(totals) if totals else None,
               "stdev": statistics.pstdev(totals) if totals else None,
               "max_total": max(totals, default=None), "max_possible": max_possible,
               "histogram": _histogram(totals, top)}
    return {"questions": report_questions, "students": students, "summary": summary}


def report_of(game):
    """The report of a game, live or past: item_analysis over what it holds."""
    questions = [{"question_idx": i, "type": q.kind, "prompt": q.prompt,
                  "choices": game.shown_choices(i), "correct": game.right_answer(i),
                  "poll": q.is_poll,
                  "played": i in game.events and game.events[i].closed_at_ms is not None}
                 for i, q in enumerate(game.pool.questions)]

    def answers(player):
        return {i: {"answer": s.answer, "correct": s.correct, "score": s.score,
                    "elapsed_ms": s.elapsed_ms, "status": s.status}
                for i, s in player.answers.items()}
    players = [{"student_id": p.student_id, "name": p.name, "answers": answers(p),
                "status": "removed" if p.kicked else "playing"}
               for p in game.participants.values()]
    players += [{"student_id": s, "name": n, "status": "absent", "answers": {}}
                for s, n in game.absent()]
    scored = sum(1 for q in game.pool.questions if not q.is_poll)
    report = item_analysis(questions, players, max_possible=1000 * scored)
    report["title"], report["sid"], report["state"] = game.pool.title, game.sid, game.state
    return report


def results_sheet(report):
    """The CSV's columns as a sheet; ids and answers are text, scores numbers."""
    count = report["summary"]["question_count"]
    header = ["rank", "student_id", "name", "total_score", "correct", "answered"]
    for n in range(1, count + 1):
        header += [f"q{n}_answer", f"q{n}_correct", f"q{n}_score", f"q{n}_ms"]
    rows = [header + ["status"]]
    for s in report["students"]:
        status = "absent" if s["absent"] else "removed" if s["removed"] else ""
        row = [s["rank"], s["student_id"], s["name"], s["total"], s["correct"], s["answered"]]
        for a in s["answers"]:
            row += ["", 0, 0, None] if a is None or a["answer"] is None else \
                   [a["answer"], int(a["correct"]), a["score"], a["elapsed_ms"]]
        rows.append(row + [status])
    return "Results", rows, {1, 2} | {6 + 4 * i for i in range(count)}


def results_xlsx(report) -> bytes:
    """The spreadsheet for the gradebook: sheet Results (the CSV's columns, ids as
    text) and sheet Questions (the report's)."""
    return xlsx_bytes([results_sheet(report), questions_sheet(report)])


def questions_sheet(report):
    """The report's questions, one row each, for the teacher to sort and filter."""
    rows = [["question", "type", "prompt", "answer", "answered", "percent_right", "discrimination",
             "avg_seconds", "A", "B", "C", "D", "most_chosen_wrong", "chosen_by", "note"]]
    for q in report["questions"]:
        share, disc, wrong = q["correct_share"], q["discrimination"], q["most_chosen_wrong"]
        letters = ({c["letter"]: c["count"] for c in q["choices"]}
                   if q["type"] in ("choice", "multi") else {})
        rows.append([q["question_idx"] + 1, q["type"], q["prompt"],
                     "" if q["poll"] else _right_answer_label(q), q["answered"],
                     None if share is None else round(share * 100),
                     None if disc is None else round(disc, 2),
                     None if q["avg_ms"] is None else round(q["avg_ms"] / 1000, 1),
                     *(letters.get(letter) for letter in LETTERS),
                     "" if wrong is None else str(wrong["answer"]),
                     None if wrong is None else wrong["count"], q["flag"] or ""])
    return "Questions", rows, {2, 3, 12}


# -- spreadsheets
#
# The smallest .xlsx that Excel and LibreOffice open without a repair prompt:
# SpreadsheetML parts in ECMA-376 element order, strings in a shared table
# (a string cell is never a formula), numbers as numbers.

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CELL_MAX = 32767               # Excel's limit, in UTF-16 units
_STYLE_HEADER, _STYLE_TEXT = 1, 2

_STYLES = f"""<styleSheet xmlns="{_MAIN_NS}">
<fonts count="2">
<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>
</fonts>
<fills count="2">
<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
</fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""


def _cut16(text, limit):
    """At most `limit` UTF-16 units, never splitting a character."""
    text = text[:limit]
    while len(text.encode("utf-16-le")) // 2 > limit:
        text = text[:-1]
    return text


def _cell_xml(text):
    text = _XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    # Excel reads "_x0041_" as an escaped "A": escape the underscore to keep it literal.
    return escape(re.sub(r"_(?=x[0-9A-Fa-f]{4}_)", "_x005F_", _cut16(text, _CELL_MAX)))


def _column(i):
    """0 → A, 26 → AA."""
    name, i = "", i + 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def _sheet_names(names):
    """Excel's rules: 1..31 characters, none of []:*?/\\, unique ignoring case."""
    out, seen = [], {"history"}
    for i, name in enumerate(names, 1):
        name = "".join(c for c in _XML_ILLEGAL.sub("", str(name))
                       if c not in "[]:*?/\\" and unicodedata.category(c) != "Cc")
        base = _cut16(name.strip().strip("'").strip(), 31) or f"Sheet{i}"
        name, k = base, 2
        while name.casefold() in seen:
            name, k = _cut16(base, 31 - len(f" ({k})")) + f" ({k})", k + 1
        seen.add(name.casefold())
        out.append(name)
    return out


def _width(value):
    lines = str(value).split("\n") or [""]
    return max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) for line in lines)


def _worksheet(rows, text_columns, strings, selected):
    widths, xml_rows, last_col = {}, [], -1
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row):
            # Text columns stay text; so do ints past Excel's 15 significant digits.
            as_text = c in text_columns or (type(value) is int and abs(value) >= 10 ** 15)
            if value is None or value == "" or (isinstance(value, float) and not math.isfinite(value)):
                continue
            ref = f"{_column(c)}{r}"
            style = _STYLE_HEADER if r == 1 else _STYLE_TEXT if as_text else 0
            s = f' s="{style}"' if style else ""
            if isinstance(value, bool) and not as_text:
                cells.append(f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float)) and not as_text:
                cells.append(f'<c r="{ref}"{s}><v>{value!r}</v></c>')
            else:
                index = strings.setdefault(_cell_xml(str(value)), len(strings))
                cells.append(f'<c r="{ref}"{s} t="s"><v>{index}</v></c>')
            widths[c] = max(widths.get(c, 0), _width(value))
            last_col = max(last_col, c)
        if cells:
            xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    dimension = f"A1:{_column(last_col)}{len(rows)}" if last_col >= 0 else "A1"
    tab = ' tabSelected="1"' if selected else ""
    pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>') if rows else ""
    cols = "".join(f'<col min="{c + 1}" max="{c + 1}" width="{min(max(w + 2, 8), 60)}" customWidth="1"/>'
                   for c, w in sorted(widths.items()))
    text_ranges = " ".join(f"{_column(c)}1:{_column(c)}{len(rows)}" for c in sorted(text_columns)
                           if rows and c <= last_col)
    return "".join([
        f'<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">',
        f'<dimension ref="{dimension}"/>',
        f'<sheetViews><sheetView workbookViewId="0"{tab}>{pane}</sheetView></sheetViews>',
        '<sheetFormatPr defaultRowHeight="15"/>',
        f"<cols>{cols}</cols>" if cols else "",
        f'<sheetData>{"".join(xml_rows)}</sheetData>',
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>',
        # No green "number stored as text" triangles on ids like 007123.
        f'<ignoredErrors><ignoredError sqref="{text_ranges}" numberStoredAsText="1"/></ignoredErrors>'
        if text_ranges else "",
        "</worksheet>"])


def xlsx_bytes(sheets) -> bytes:
    """[(name, rows, text_columns)] → an .xlsx file; text_columns stay text (007123)."""
    sheets = list(sheets) or [("Sheet1", [], set())]
    names = _sheet_names(name for name, _, _ in sheets)
    strings = {}            # the shared-strings table: escaped text → index, filled by the sheets
    worksheets = [_worksheet(rows, set(text_columns or ()), strings, i == 0)
                  for i, (_, rows, text_columns) in enumerate(sheets)]
    n, kind = len(sheets), "application/vnd.openxmlformats-officedocument.spreadsheetml"
    numbered = range(1, n + 1)
    content_types = "".join([
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
        f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>',
        *(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{kind}.worksheet+xml"/>'
          for i in numbered),
        f'<Override PartName="/xl/styles.xml" ContentType="{kind}.styles+xml"/>',
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}.sharedStrings+xml"/>',
        "</Types>"])
    workbook_rels = "".join([
        f'<Relationships xmlns="{_PKG_REL_NS}">',
        *(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
          for i in numbered),
        f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>',
        f'<Relationship Id="rId{n + 2}" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/>',
        "</Relationships>"])
    workbook = "".join([
        f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">',
        '<bookViews><workbookView activeTab="0"/></bookViews><sheets>',
        *(f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
          for i, name in zip(numbered, names)),
        "</sheets></workbook>"])
    shared = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in strings)
    parts = [   # [Content_Types].xml first: some readers look for it there
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", f'<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
                        f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
        ("xl/styles.xml", _STYLES),
        ("xl/sharedStrings.xml", f'<sst xmlns="{_MAIN_NS}" uniqueCount="{len(strings)}">{shared}</sst>'),
        *((f"xl/worksheets/sheet{i}.xml", xml) for i, xml in zip(numbered, worksheets))]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts:
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))   # the same report, the same bytes
            info.external_attr = 0o644 << 16                       # readable when unzipped
            archive.writestr(info, (_XML_HEAD + xml).encode("utf-8"), zipfile.ZIP_DEFLATED)
    return out.getvalue()


# Quiz files from elsewhere: Kahoot sheets, GIFT, Aiken; and GIFT out ########
#
# Plain functions from bytes or text to pool dicts: no sockets, no SQL, no
# files. A question that does not fit quizbox is skipped with its number and
# a reason, never the whole file; a file that cannot be read at all raises
# FormatError, with a message for the teacher. What GIFT cannot hold (time
# limits, a number question's range, the title) pool_to_gift writes in
# "// quizbox: {...}" comments, which Moodle ignores and import_gift reads back.


class FormatError(Exception):
    """A file quizbox cannot read at all; the message is for the teacher who sent it."""


class _Skip(Exception):
    """One question that does not fit quizbox; the message says why."""


# -- text and pools shared by every format

def _decode(data: bytes, what: str, legacy: bool = False) -> str:
    """Bytes to text: UTF-8 (BOM or not), UTF-16 with a BOM; cp1252 only if `legacy`."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise FormatError(f"{what} is damaged UTF-16 text.") from None
    elif b"\x00" in data:
        raise FormatError(f"{what} is not a text file (it contains NUL bytes).")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            if not legacy:
                raise FormatError(f"{what} is not UTF-8 text: save it again choosing "
                                  "the UTF-8 encoding.") from None
            try:    # Excel's "CSV" on Windows is cp1252
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise FormatError(f"{what} is neither UTF-8 nor Windows text.") from None
    if "\x00" in text:
        raise FormatError(f"{what} is not a text file (it contains NUL characters).")
    return text


def _check_size(data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise FormatError(f"It is larger than {MAX_FILE_BYTES // 1024} KB; a quiz is far smaller.")


def _check_text(text: str, what: str = "The file") -> None:
    if "\x00" in text:
        raise FormatError(f"{what} contains NUL characters.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise FormatError(f"{what} contains characters that are not valid Unicode.") from None


def _clean(text: str) -> str:
    """One cell or answer: Windows line ends unified, control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text).strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _Skip("it contains characters that are not valid Unicode") from None
    return text


def _short(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[:size - 1] + "…"


def _import_number(value):
    """1822.0 -> 1822, so pools show whole numbers as a teacher wrote them."""
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value


def _checked(q: dict) -> dict:
    """Raise _Skip if q does not fit quizbox; else q, tidied."""
    q["prompt"] = _clean(q["prompt"])
    if not q["prompt"]:
        raise _Skip("the question text is empty")
    if len(q["prompt"]) > MAX_PROMPT:
        raise _Skip(f"the question is {len(q['prompt'])} characters long; "
                    f"quizbox shows at most {MAX_PROMPT}")
    if "choices" in q:
        q["choices"] = [_clean(c) for c in q["choices"]]
        if not 2 <= len(q["choices"]) <= len(LETTERS):
            raise _Skip(f"it has {len(q['choices'])} choices; quizbox takes 2 to {len(LETTERS)}")
        for choice in q["choices"]:
            if not choice:
                raise _Skip("one of its choices is empty")
            if len(choice) > MAX_CHOICE:
                raise _Skip(f'the choice "{_short(choice)}" is {len(choice)} characters long; '
                            f"quizbox shows at most {MAX_CHOICE}")
    if "accept" in q:
        q["accept"] = list(dict.fromkeys(a for a in map(_clean, q["accept"]) if a))
        if not 1 <= len(q["accept"]) <= MAX_ACCEPT:
            raise _Skip(f"it has {len(q['accept'])} accepted answers; "
                        f"quizbox takes 1 to {MAX_ACCEPT}")
        for answer in q["accept"]:
            if len(answer) > MAX_ACCEPT_LEN:
                raise _Skip(f'the answer "{_short(answer)}" is {len(answer)} characters long; '
                            f"quizbox takes answers of at most {MAX_ACCEPT_LEN}")
    explanation = _clean(q.pop("explanation", "") or "")
    if explanation:
        q["explanation"] = explanation
    limit = q.pop("time_limit", None)
    if limit is not None:   # clamped rather than skipped: the question itself is fine
        q["time_limit"] = round(min(max(limit, TIME_LIMIT_RANGE[0]), TIME_LIMIT_RANGE[1]))
    return q


def _pool(title: str, questions: list, skipped: list, defaults: dict | None = None):
    """The pool dict, or FormatError when not one question could be imported."""
    if not questions:
        if not skipped:
            raise FormatError("No questions were found in it.")
        reasons = "; ".join(f"question {s['question']}: {s['why']}" for s in skipped[:10])
        more = f" (and {len(skipped) - 10} more)" if len(skipped) > 10 else ""
        raise FormatError(f"None of its questions could be imported: {reasons}{more}.")
    pool = {"title": title, "time_limit_default": 20, "score_fn": "speed"}
    pool.update(defaults or {})
    pool["questions"] = questions
    return pool, skipped


def _each_question(items):
    """Run each (n, build) pair; collect the questions and the skipped reasons."""
    questions, skipped = [], []
    for n, build in items:
        try:
            questions.append(_checked(build()))
        except _Skip as exc:
            skipped.append({"question": n, "why": str(exc)})
    return questions, skipped


# -- xlsx

_DTD_RE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_CELL_REF_RE = re.compile(r"([A-Za-z]{1,3})(\d*)$")
_OOXML_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")   # how Excel writes control characters


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _part_text(raw: bytes, part: str) -> str:
    """A part's XML as text, refused if it declares a DTD (entity expansion attacks).

    Parsing from str makes expat ignore the declared encoding, so nothing can hide
    a DOCTYPE from this check in an encoding it does not see."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError(f"Its part {part} is not UTF-8 XML.") from None
    if _DTD_RE.search(text):
        raise FormatError(f"Its part {part} declares a DOCTYPE or entities, which a "
                          "spreadsheet never needs; quizbox refuses it for safety.")
    return text


def _elements(text: str, names: set):
    """Stream the finished elements named `names` (with their content).

    Every other finished element is dropped from its parent as it ends, so memory
    stays flat however many rows, cells or other elements the sheet holds."""
    parser = ET.XMLPullParser(events=("start", "end"))
    stack, inside = [], 0       # open elements; how many of them are wanted
    for start in range(0, len(text), 1 << 14):     # small bites: few pending events
        parser.feed(text[start:start + (1 << 14)])
        for event, element in parser.read_events():
            wanted = _local(element.tag) in names
            if event == "start":
                stack.append(element)
                inside += wanted
                continue
            stack.pop()
            inside -= wanted
            if wanted:
                yield element
            if stack and not inside:
                stack[-1].remove(element)
    parser.close()


def _rich_text(element) -> str:
    """Text of a shared or inline string: plain <t>, or rich-text runs <r><t>."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":   # a run; <rPh> (phonetic hints) is left out on purpose
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return _OOXML_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), "".join(parts))


def _cell_text(cell, shared: list) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = next((c for c in cell if _local(c.tag) == "is"), None)
        return "" if inline is None else _rich_text(inline)
    value = next((c.text for c in cell if _local(c.tag) == "v"), None)
    if value is None:
        return ""
    if kind == "s":
        try:
            return shared[int(value)]
        except (ValueError, IndexError):
            raise FormatError("A cell refers to a text the file does not contain.") from None
    if kind == "b":
        return "TRUE" if value.strip() == "1" else "FALSE"
    if kind == "n":     # 30.0 -> "30", as the spreadsheet shows it
        try:
            number = float(value)
            return str(_import_number(number)) if math.isfinite(number) else value.strip()
        except ValueError:
            return value.strip()
    return value    # "str" (a formula's text), "e" (an error like #N/A), "d" (a date)


def _column_index(ref: str, fallback: int) -> int:
    match = _CELL_REF_RE.match(ref or "")
    if not match:
        return fallback
    index = 0
    for letter in match.group(1).upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _shared_strings(text: str) -> list:
    strings = []
    for si in _elements(text, {"si"}):
        if len(strings) >= MAX_SHARED_STRINGS:
            raise FormatError(f"It holds more than {MAX_SHARED_STRINGS:,} texts; "
                              "a quiz needs far fewer.")
        strings.append(_rich_text(si))
    return strings


def _sheet_rows(text: str, shared: list) -> list:
    cells = {}      # (row, column) -> text, for cells that hold something
    row_index = -1
    for row in _elements(text, {"row"}):
        row_index = int(row.get("r")) - 1 if (row.get("r") or "").isdigit() else row_index + 1
        column = -1
        for cell in row:
            if _local(cell.tag) != "c":
                continue
            column = _column_index(cell.get("r"), column + 1)
            value = _cell_text(cell, shared)
            if not value:
                continue
            if row_index >= MAX_ROWS:
                raise FormatError(f"Its first sheet has more than {MAX_ROWS:,} rows.")
            if column >= MAX_COLUMNS:
                raise FormatError(f"Its first sheet has more than {MAX_COLUMNS} columns.")
            cells[row_index, column] = value
    if not cells:
        return []
    height = max(r for r, _ in cells) + 1
    width = max(c for _, c in cells) + 1
    return [[cells.get((r, c), "") for c in range(width)] for r in range(height)]


def _too_big() -> FormatError:
    return FormatError(f"It unpacks to more than {MAX_UNZIPPED_BYTES // 2**20} MB; "
                       "a quiz spreadsheet is far smaller.")


def _open_zip(data: bytes) -> zipfile.ZipFile:
    _check_size(data)
    if not data.startswith(b"PK\x03\x04"):
        raise FormatError("It is not an .xlsx spreadsheet (not a zip archive).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FormatError("It is a damaged or incomplete .xlsx file.") from None
    # Declared sizes first (cheap); reads are capped too, since declared sizes can lie.
    if len(members) > MAX_ZIP_MEMBERS or \
            sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise _too_big()
    return archive


def read_xlsx_rows(data: bytes) -> list[list[str]]:
    """The first worksheet's cells as rows of text ("" where a cell is missing)."""
    archive = _open_zip(data)
    names = {name.lower(): name for name in archive.namelist()}
    budget = [MAX_UNZIPPED_BYTES]

    def read(part):
        """A part's XML text, or None if the archive lacks it."""
        name = names.get(part.lower())
        if name is None:
            return None
        with archive.open(name) as member:
            raw = member.read(budget[0] + 1)
        if len(raw) > budget[0]:
            raise _too_big()
        budget[0] -= len(raw)
        return _part_text(raw, part)

    try:
        sheet_part, strings_part = _first_sheet_parts(read)
        strings_text = read(strings_part)
        shared = _shared_strings(strings_text) if strings_text else []
        sheet_text = read(sheet_part)
        if sheet_text is None:
            raise FormatError("It is not an Excel workbook (no worksheet found); in "
                              "LibreOffice or Numbers, save or export it as .xlsx.")
        return _sheet_rows(sheet_text, shared)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError, ET.ParseError):
        # Bad CRC, truncated data, encryption, unsupported compression, broken XML.
        raise FormatError("It is a damaged or incomplete .xlsx file.") from None


def _first_sheet_parts(read) -> tuple[str, str]:
    """Paths of the first worksheet and of the shared strings, from the workbook's links."""
    sheet, strings = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"
    workbook, rels = read("xl/workbook.xml"), read("xl/_rels/workbook.xml.rels")
    if not workbook or not rels:
        return sheet, strings
    targets = {}
    for link in ET.fromstring(rels).iter():
        if _local(link.tag) != "Relationship":
            continue
        target = link.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join("xl", target))
        targets[link.get("Id")] = path
        if link.get("Type", "").endswith("/sharedStrings"):
            strings = path
    first = next((s for s in ET.fromstring(workbook).iter() if _local(s.tag) == "sheet"), None)
    if first is not None:
        link_id = next((v for k, v in first.attrib.items() if _local(k) == "id"), None)
        sheet = targets.get(link_id, sheet)
    return sheet, strings


# -- CSV

def read_csv_rows(data: bytes) -> list[list[str]]:
    """A spreadsheet saved as CSV: UTF-8 (or cp1252), comma, semicolon or tab."""
    _check_size(data)
    text = _decode(data, "This CSV file", legacy=True)
    # The delimiter is the one that splits the header row into Kahoot's columns
    # (title rows above it may have none; a header cell may hold commas).
    lines = text.splitlines()
    if lines and re.fullmatch(r"sep=.", lines[0]):     # Excel's "sep=;" first line
        text, lines = text.split("\n", 1)[1] if "\n" in text else "", lines[1:]
    header = next((line for line in lines if re.search(r"answer\s*1", line, re.I)),
                  next((line for line in lines if line.strip()), ""))
    rows = []
    try:
        split = {d: next(csv.reader([header], delimiter=d), []) for d in ",;\t"}
        delimiter = next((d for d, cells in split.items() if _kahoot_header([cells])),
                         max(split, key=lambda d: len(split[d])))
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            while row and not row[-1].strip():
                row.pop()   # spreadsheets pad rows with empty cells
            if len(rows) >= MAX_ROWS:
                raise FormatError(f"It has more than {MAX_ROWS:,} rows.")
            if len(row) > MAX_COLUMNS:
                raise FormatError(f"It has more than {MAX_COLUMNS} columns.")
            rows.append(row)
    except csv.Error as exc:
        raise FormatError(f"It is not a readable CSV file ({exc}).") from None
    return rows


# -- kahoot spreadsheet

_KAHOOT_COLUMNS = ("question", "answer 1", "answer 2", "answer 3", "answer 4",
                   "time limit", "correct")
_TEMPLATE_TEXTS = {"quiz template"}     # Kahoot's own words above the header, not a title


def _kahoot_header(rows):
    """(row index, {column key: index}) of the header row, or None."""
    for i, row in enumerate(rows):
        columns = {}
        for j, cell in enumerate(row):
            name = " ".join(cell.lower().split())
            if re.match(r"question\s*(number|no\b|nr\b|#)", name):
                continue    # a numbering column, not the question
            key = next((k for k in _KAHOOT_COLUMNS if name.startswith(k)), None)
            if key and key not in columns:
                columns[key] = j
        if "question" in columns and "answer 1" in columns:
            return i, columns
    return None


def _kahoot_title(rows):
    """A short text above the header (instructions there are long sentences)."""
    for row in rows:
        for cell in row:
            text = " ".join(cell.split())
            if text and len(text) <= 60 and text.lower() not in _TEMPLATE_TEXTS:
                return text
    return None


def _number(text: str):
    match = re.match(r"\s*(-?\d+(?:[.,]\d+)?)", text)
    return float(match.group(1).replace(",", ".")) if match else None


def _kahoot_question(cell) -> dict:
    kept = [(i, cell(f"answer {i}")) for i in range(1, 5)]
    kept = [(i, text) for i, text in kept if text]          # empty answers are dropped
    letter_of = {i: LETTERS[k] for k, (i, _) in enumerate(kept)}
    if len(kept) < 2:
        raise _Skip("it needs at least 2 answers")
    numbers = [n for n in re.split(r"[\s,;]+", cell("correct")) if n]
    if not numbers:
        raise _Skip("no correct answer is given")
    letters = []
    for text in numbers:
        number = _number(text)
        if number is None or not number.is_integer() or int(number) not in letter_of:
            filled = ", ".join(str(i) for i in letter_of)
            raise _Skip(f'the correct answer "{text}" is not one of the filled answers ({filled})')
        letters.append(letter_of[int(number)])
    letters = sorted(set(letters))
    q = {"prompt": cell("question"), "choices": [text for _, text in kept],
         "correct": letters[0] if len(letters) == 1 else letters}
    limit = cell("time limit")
    if limit:
        seconds = _number(limit)
        if seconds is None:
            raise _Skip(f'the time limit "{_short(limit)}" is not a number of seconds')
        q["time_limit"] = seconds
    return q


def import_kahoot_rows(rows: list[list[str]], title: str | None = None):
    """Kahoot's quiz template (title rows, a header row, one question per row)."""
    found = _kahoot_header(rows)
    if found is None:
        raise FormatError('It is not a Kahoot quiz sheet: no header row with "Question", '
                          '"Answer 1" … "Answer 4", "Time limit" and "Correct answer(s)".')
    header, columns = found
    items, n = [], 0
    for row in rows[header + 1:]:
        def cell(key, row=row):
            j = columns.get(key, len(row))
            return row[j].strip() if j < len(row) else ""
        if not any(cell(k) for k in _KAHOOT_COLUMNS if k != "time limit"):
            continue    # blank, or only Kahoot's pre-filled question number
        n += 1
        items.append((n, lambda cell=cell: _kahoot_question(cell)))
    questions, skipped = _each_question(items)
    return _pool(_kahoot_title(rows[:header]) or title or DEFAULT_TITLE, questions, skipped)


# -- GIFT

# Each escaped character is swapped for a private-use placeholder while the
# structure is parsed, then swapped back: "\=" must never read as an answer mark.
_GIFT_ESCAPED = "\\~=#{}:n"
_PLACEHOLDER = {ch: chr(0xE000 + i) for i, ch in enumerate(_GIFT_ESCAPED)}
_RESTORE = {ord(p): ("\n" if ch == "n" else ch) for ch, p in _PLACEHOLDER.items()}
_FORMAT_RE = re.compile(r"\[(html|moodle|plain|markdown)\]\s*")
_WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d+)?)%")
_TAG_RE = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>", re.S)
_META_RE = re.compile(r"//\s*quizbox:\s*(\{.*\})\s*$")
# Fields GIFT cannot hold, kept in a "// quizbox: {...}" comment that Moodle ignores.
_META_FIELDS = {"title": str, "time_limit_default": int, "score_fn": str,
                "time_limit": int, "min": (int, float), "max": (int, float),
                "step": (int, float)}


def _strip_html(text: str) -> str:
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", text)
    text = html.unescape(_TAG_RE.sub("", text))
    return "\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())


def _gift_text(raw: str, fmt: str) -> tuple[str, str]:
    """A piece of GIFT text as plain text, and its format ([html] etc. or inherited)."""
    raw = " ".join(raw.split())     # line breaks in the file are not line breaks shown
    match = _FORMAT_RE.match(raw)
    if match:
        fmt, raw = match.group(1), raw[match.end():]
    if fmt in ("html", "moodle"):   # Moodle's own format is HTML too
        raw = _strip_html(raw)
    elif fmt == "markdown":
        raw = re.sub(r"\*\*|__", "", raw)
    return raw.translate(_RESTORE).strip(), fmt


def _gift_weight(part: str, default: float) -> tuple[float, str]:
    match = _WEIGHT_RE.match(part)
    return (float(match.group(1)), part[match.end():]) if match else (default, part)


def _gift_choice(answer: str, fmt: str):
    items = []      # (weight, text, feedback)
    for part in answer.replace("=", "~=").split("~"):
        part = part.strip()
        if not part:
            continue
        weight, part = (100.0, part[1:]) if part.startswith("=") else _gift_weight(part, 0.0)
        text, _, feedback = part.partition("#")
        items.append((weight, _gift_text(text, fmt)[0], _gift_text(feedback, fmt)[0]))
    if len(items) > len(LETTERS):
        raise _Skip(f"it has {len(items)} choices; quizbox takes 2 to {len(LETTERS)}")
    if "=" in answer:   # one or more "=" answers: pick one (either right if several)
        right = [i for i, item in enumerate(items) if item[0] >= 100]
        q = {"choices": [text for _, text, _ in items]}
        q["correct"] = LETTERS[right[0]] if len(right) == 1 else [LETTERS[i] for i in right]
    else:               # only weights: tick every answer worth something
        right = [i for i, item in enumerate(items) if item[0] > 0]
        q = {"type": "multi", "choices": [text for _, text, _ in items],
             "correct": [LETTERS[i] for i in right]}
    if not right:
        raise _Skip("none of its answers is marked right")
    return q, next((items[i][2] for i in right if items[i][2]), "")


def _gift_truefalse(answer: str, fmt: str):
    bits = [_gift_text(b, fmt)[0] for b in answer.split("#", 2)] + ["", ""]
    is_true = bits[0].upper() in ("T", "TRUE")
    # {T#shown to a wrong reply#shown to a right one}: either explains the answer
    return {"choices": ["True", "False"], "correct": "A" if is_true else "B"}, bits[2] or bits[1]


def _gift_short(answer: str, fmt: str):
    accept, feedback = [], ""
    for part in answer.split("="):
        weight, part = _gift_weight(part.strip(), 100.0)
        text, _, note = part.partition("#")
        text = _gift_text(text, fmt)[0]
        if weight >= 100 and text and text != "*":  # "*" is Moodle's "anything else"
            accept.append(text)
            feedback = feedback or _gift_text(note, fmt)[0]
    if not accept:
        raise _Skip("none of its answers is marked fully right")
    return {"type": "text", "accept": accept}, feedback


def _decimals(value: float) -> int:
    text = repr(float(value))
    if "e" in text:
        return 6
    return min(len(text.partition(".")[2].rstrip("0")), 6)


def _gift_number(value: str) -> tuple[float, float]:
    """"1.5" / "1.5:0.1" (with tolerance) / "1..2" (a range) -> (correct, tolerance)."""
    try:
        if value.find("..") > 0:
            low, high = (float(x) for x in value.split("..", 1))
            places = max(_decimals(low), _decimals(high)) + 1
            correct, tolerance = round((low + high) / 2, places), round(abs(high - low) / 2, places)
        elif value.find(":") > 0:
            correct, tolerance = (float(x) for x in value.split(":", 1))
        else:
            correct, tolerance = float(value), 0.0
    except ValueError:
        raise _Skip(f'"{_short(value)}" is not a number') from None
    if not (abs(correct) <= 1e12 and abs(tolerance) <= 1e12):     # also NaN and infinity
        raise _Skip(f'"{_short(value)}" is not a number quizbox can take')
    return correct, abs(tolerance)


def _gift_numerical(answer: str, fmt: str, meta: dict):
    best = None     # (weight, correct, tolerance, feedback)
    for part in answer.split("~", 1)[0].split("="):     # "~" starts "any other number"
        part = part.strip()
        if not part:
            continue
        weight, part = _gift_weight(part, 100.0)
        value, _, note = part.partition("#")
        value = _gift_text(value, "plain")[0]
        if value == "*":    # Moodle's "any other number"
            continue
        correct, tolerance = _gift_number(value)
        if best is None or weight > best[0]:
            best = (weight, correct, tolerance, _gift_text(note, fmt)[0])
    if best is None or best[0] <= 0:
        raise _Skip("no right number is given")
    _, correct, tolerance, feedback = best
    step = 10.0 ** -max(_decimals(correct), _decimals(tolerance))
    # GIFT has no input range: take a round one around the answer (0 up if it is positive).
    top = 10.0 ** max(1, math.ceil(math.log10(abs(correct) + tolerance + 1)))
    q = {"type": "number", "min": 0 if correct - tolerance >= 0 else -top, "max": top,
         "correct": correct, "step": step, "tolerance": tolerance}
    if {"min", "max"} <= meta.keys() and meta["min"] <= correct <= meta["max"] \
            and meta.get("step", 1) > 0:    # written by pool_to_gift: restore them exactly
        q.update(min=meta["min"], max=meta["max"], step=meta.get("step", 1))
    return {k: (_import_number(v) if isinstance(v, float) else v) for k, v in q.items()}, feedback


def _gift_prompt(before: str, after: str) -> str:
    """The question text around the answer block; "_____" marks a missing word."""
    if not after.strip():
        return before
    if re.fullmatch(r"[\s.!?;:,]*", after) and before.rstrip().endswith(("?", ":")):
        return before       # "What is pi? {#3.14}." : the dot is no missing word
    return before + "_____" + after


def _gift_question(text: str, meta: dict) -> dict:
    text = re.sub(r"\\([\\~=#{}:n])", lambda m: _PLACEHOLDER[m.group(1)], text)
    if text.startswith("::"):           # "::Title::" names the question in Moodle only
        end = text.find("::", 2)
        if end >= 0:
            text = text[end + 2:].lstrip()
    start, end = text.find("{"), text.find("}")
    if start < 0 and end < 0:
        raise _Skip("it is a description with no answers, not a question")
    if start < 0 or end < start or "{" in text[start + 1:end]:
        raise _Skip("its braces { } do not match (write \\{ or \\} for a brace in the text)")
    if "{" in text[end + 1:] or "}" in text[end + 1:]:
        raise _Skip("it has more than one answer block { }, which quizbox cannot play")
    prompt, fmt = _gift_text(_gift_prompt(text[:start], text[end + 1:]), "moodle")
    answer, general = text[start + 1:end].strip(), ""
    if "####" in answer:
        answer, _, general = answer.rpartition("####")
        answer, general = answer.strip(), _gift_text(general, fmt)[0]
    if not answer:
        raise _Skip("it is an essay question (empty { }), which quizbox cannot mark")
    if answer.startswith("#"):
        q, feedback = _gift_numerical(answer[1:], fmt, meta)
    elif "~" in answer:
        q, feedback = _gift_choice(answer, fmt)
    elif "=" in answer and "->" in answer:
        raise _Skip("it is a matching question, which quizbox does not have")
    elif answer.partition("#")[0].strip().upper() in ("T", "TRUE", "F", "FALSE"):
        q, feedback = _gift_truefalse(answer, fmt)
    else:
        q, feedback = _gift_short(answer, fmt)
    q = {"prompt": prompt, **q, "explanation": general or feedback}
    if "time_limit" in meta:
        q["time_limit"] = meta["time_limit"]
    return q


def _gift_meta(line: str) -> dict:
    """Known fields of a "// quizbox: {...}" comment; anything odd is ignored."""
    match = _META_RE.match(line)
    if not match or len(line) > 2000:
        return {}
    try:
        data = json.loads(match.group(1))
    except (ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if k in _META_FIELDS and not isinstance(v, bool)
            and isinstance(v, _META_FIELDS[k])
            and (not isinstance(v, float) or math.isfinite(v))}


def _gift_blocks(text: str):
    """Each question's lines (blank lines separate questions) and its quizbox comment."""
    block, meta = [], {}
    for line in text.splitlines() + [""]:
        stripped = line.strip()
        if stripped.startswith("//"):
            meta.update(_gift_meta(stripped))
        elif stripped.startswith("$CATEGORY:") and not block:
            pass    # Moodle's question bank category: nothing to do in quizbox
        elif stripped:
            block.append(line)
        elif block or meta:
            yield "\n".join(block).strip(), meta
            block, meta = [], {}


def import_gift(text: str, title: str | None = None):
    """Moodle GIFT: multiple choice, true/false, short answer, numerical."""
    _check_text(text)
    text = re.sub("[\ue000-\ue00f]", "", text)      # our placeholders, never real text
    items, defaults = [], {}
    for body, meta in _gift_blocks(text):
        if not body:
            if not items:   # a comment before the first question describes the pool
                defaults.update(meta)
            continue
        items.append((len(items) + 1, lambda body=body, meta=meta: _gift_question(body, meta)))
    questions, skipped = _each_question(items)
    pool_fields = {}
    if isinstance(defaults.get("time_limit_default"), int):
        low, high = TIME_LIMIT_RANGE
        pool_fields["time_limit_default"] = min(max(defaults["time_limit_default"], low), high)
    if defaults.get("score_fn") in ("speed", "flat"):
        pool_fields["score_fn"] = defaults["score_fn"]
    pool_title = " ".join(str(defaults.get("title", "")).split())[:200]
    return _pool(pool_title or title or DEFAULT_TITLE, questions, skipped, pool_fields)


# -- aiken

_AIKEN_OPTION_RE = re.compile(r"([A-Z])\s*[.)]\s+(.*)")
_AIKEN_ANSWER_RE = re.compile(r"ANSWER\s*:\s*([^\s.)]*)", re.IGNORECASE)


def _aiken_question(prompt_lines, options, answer) -> dict:
    if answer is None:
        raise _Skip('it has no "ANSWER:" line after its options')
    if not options:
        raise _Skip('it has no options ("A) …" or "A. …")')
    letters = [letter for letter, _ in options]
    if len(set(letters)) != len(letters):
        raise _Skip("two of its options have the same letter")
    if len(options) > len(LETTERS):
        raise _Skip(f"it has {len(options)} choices; quizbox takes 2 to {len(LETTERS)}")
    if answer.upper() not in letters:
        raise _Skip(f'its answer "{_short(answer)}" is not one of its options {", ".join(letters)}')
    return {"prompt": "\n".join(prompt_lines), "choices": [text for _, text in options],
            "correct": LETTERS[letters.index(answer.upper())]}


def import_aiken(text: str, title: str | None = None):
    """Aiken: question line(s), options "A) …" or "A. …", then "ANSWER: B"."""
    _check_text(text)
    parsed = []     # (prompt lines, options, answer letter or None)
    current = None
    for line in text.splitlines():
        line = line.strip()
        option, answer = _AIKEN_OPTION_RE.fullmatch(line), _AIKEN_ANSWER_RE.match(line)
        if not line:
            continue
        if answer:
            if current:
                current[2] = answer.group(1)
                parsed.append(current)
            current = None
        elif option and current:
            current[1].append((option.group(1), option.group(2).strip()))
        elif current and not current[1]:
            current[0].append(line)     # the question goes on over several lines
        else:
            if current:                 # options but no ANSWER: that question is incomplete
                parsed.append(current)
            current = [[line], [], None]
    if current:
        parsed.append(current)
    items = [(n, lambda p=p: _aiken_question(*p)) for n, p in enumerate(parsed, 1)]
    questions, skipped = _each_question(items)
    return _pool(title or DEFAULT_TITLE, questions, skipped)


# -- telling formats apart

def import_file(filename: str, data: bytes):
    """Any supported file -> (pool, skipped); FormatError names the file and the problem."""
    name = re.split(r"[\\/]", filename)[-1] or "file"
    stem, dot, ext = name.rpartition(".")
    stem, ext = (stem, "." + ext.lower()) if dot and stem else (name, "")
    try:
        _check_size(data)
        if data.startswith(b"PK\x03\x04"):
            return import_kahoot_rows(read_xlsx_rows(data), title=stem)
        if ext == ".xlsx":
            raise FormatError("It is not a real .xlsx file (not a zip archive).")
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise FormatError("It is an old Excel file (.xls); save it as .xlsx and try again.")
        if ext == ".csv":
            return import_kahoot_rows(read_csv_rows(data), title=stem)
        if ext == ".gift":
            return import_gift(_decode(data, "It"), title=stem)
        if ext in (".txt", ""):
            text = _decode(data, "It")
            # An Aiken file may hold braces (formulas); a GIFT file has no "ANSWER: B" lines.
            if re.search(r"^\s*ANSWER\s*:\s*[A-Z]\s*$", text, re.M | re.I) and \
                    re.search(r"^\s*[A-Z]\s*[.)]\s", text, re.M):
                return import_aiken(text, title=stem)
            if re.search(r"\{[^{}]*\}", text):
                return import_gift(text, title=stem)
            try:    # Excel's "Unicode Text" is a tab-separated .txt
                rows = read_csv_rows(data)
            except FormatError:
                rows = []
            if _kahoot_header(rows):
                return import_kahoot_rows(rows, title=stem)
        raise FormatError("It is not a Kahoot spreadsheet (.xlsx or .csv), a GIFT file "
                          "or an Aiken file.")
    except FormatError as exc:
        raise FormatError(f"{name}: {exc}") from None


# -- GIFT export

def _gift_escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for ch in "~=#{}:":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\r", "").replace("\n", "\\n")


def _gift_piece(text: str) -> str:
    """An answer's text, guarded so that "%50% off" is no weight and "[b]" no format."""
    return ("[plain]" if text.startswith(("%", "[")) else "") + _gift_escape(text)


def _gift_weight_text(weight: float) -> str:
    return f"{weight:.5f}".rstrip("0").rstrip(".")


def _gift_export_question(q: dict) -> str:
    kind = q.get("type", "choice")
    lines = []
    if kind in ("choice", "multi"):
        right = q["correct"] if isinstance(q["correct"], list) else [q["correct"]]
        share = _gift_weight_text(100 / len(right))     # as quizbox scores multi
        for letter, choice in zip(LETTERS, q["choices"]):
            if kind == "choice":
                mark = "=" if letter in right else "~"
            else:
                mark = f"~%{share}%" if letter in right else f"~%-{share}%"
            lines.append(mark + _gift_piece(choice))
    elif kind == "text":
        lines = ["=" + _gift_piece(answer) for answer in q["accept"]]
    else:   # number
        lines = [f"#{_import_number(float(q['correct']))}:{_import_number(float(q.get('tolerance', 0)))}"]
    if q.get("explanation"):
        lines.append("####" + _gift_piece(q["explanation"]))
    texts = [q["prompt"], q.get("explanation", "")] + q.get("choices", []) + q.get("accept", [])
    # Moodle reads unmarked text as HTML; [plain] keeps "<" and "&" as written.
    plain = any("<" in t or "&" in t for t in texts) or q["prompt"].startswith(("[", "//"))
    return ("[plain]" if plain else "") + _gift_escape(q["prompt"]) + " {\n\t" + \
        "\n\t".join(lines) + "\n}"


def pool_to_gift(pool: dict) -> str:
    """A quizbox pool as GIFT; polls and order questions become comments (GIFT lacks them)."""
    header = {k: pool[k] for k in ("title", "time_limit_default", "score_fn") if k in pool}
    out = [f"// {' '.join(str(pool.get('title', '')).split())} (written by quizbox)",
           "// quizbox: " + json.dumps(header, ensure_ascii=False), ""]
    for n, q in enumerate(pool["questions"], 1):
        kind = q.get("type", "choice")
        if kind not in ("choice", "multi", "text", "number") or \
                (kind == "choice" and q.get("correct") is None):
            what = "a poll" if kind == "choice" else f"of type {kind}"
            out += [f"// Question {n} is {what}: not exportable, GIFT has no such question.", ""]
            continue
        meta = {"time_limit": q["time_limit"]} if "time_limit" in q else {}
        if kind == "number":
            meta.update(min=q["min"], max=q["max"], step=q.get("step", 1))
        if meta:
            out.append("// quizbox: " + json.dumps(meta))
        out += [_gift_export_question(q), ""]
    return "\n".join(out)


# Messages ####################################################################
#
# What the sockets are told, built from the game. Pure functions; the hub
# encodes each shared message once for every socket that gets it.

def msg_state(game):
    return {"type": "state", "state": game.state, "current_question_idx": game.current_idx,
            "title": game.pool.title, "question_count": game.question_count, "sid": game.sid,
            "paused": game.paused, "language": game.pool.language}


def msg_lobby(game, conflicts=()):
    players = game.players()
    removed = [p for p in game.participants.values() if p.kicked]
    return {"type": "lobby_update",
            "participants": [{"student_id": p.student_id, "name": p.name} for p in players],
            "count": len(players),
            "removed": [{"student_id": p.student_id, "name": p.name} for p in removed],
            "id_conflicts": list(conflicts),
            "class_list": None if game.roster is None else
            {"count": len(game.roster), "absent": [name for _, name in game.absent()]}}


def media_url(question):
    return f"/media/{question.image}?v={question.image_version}" if question.image else None


def _question_fields(game, idx):
    """What every message about a question says of it: never its answer."""
    question = game.pool.questions[idx]
    fields = {"question_idx": idx, "question_count": game.question_count,
              "question_type": question.kind, "prompt": question.prompt,
              "choices": game.shown_choices(idx), "image": media_url(question)}
    if question.kind == "number":
        fields |= {"min": question.low, "max": question.high, "step": question.step}
    elif question.kind == "text":
        fields["max_length"] = TEXT_ANSWER_MAX
    return fields


def msg_question_open(game, event, at_ms):
    question = game.pool.questions[event.question_idx]
    return {"type": "question_open", **_question_fields(game, event.question_idx),
            "time_limit": event.time_limit_s, "remaining_ms": event.remaining(at_ms),
            "total_ms": event.limit_ms, "opened_at_server_ts": event.opened_at_ms,
            "poll": question.is_poll, "paused": event.paused}


def msg_histogram(game):
    idx = game.current_idx
    histogram, total = game.histogram(idx), len(game.players())
    return {"type": "live_histogram", "question_idx": idx, "histogram": histogram,
            "submitted_count": total - histogram["pending"] - histogram["missed"],
            "total_count": total}


def msg_ack(submission):
    return {"type": "submit_ack", "question_idx": submission.question_idx,
            "answer": submission.answer, "score": submission.score,
            "elapsed_ms": submission.elapsed_ms}


def msg_error(code, message):
    return {"type": "error", "code": code, "message": message}


def top5(ranked):
    return [{"rank": rank, "name": p.name, "score": p.total} for rank, p in ranked[:5]]


def msg_leaderboard(ranked):
    return {"type": "full_leaderboard", "leaderboard": [
        {"rank": rank, "name": p.name, "score": p.total, "student_id": p.student_id}
        for rank, p in ranked]}


def msg_reveal(game, idx, ranked):
    question = game.pool.questions[idx]
    return {"type": "question_closed", **_question_fields(game, idx),
            "correct": game.right_answer(idx), "explanation": question.explanation,
            "histogram": game.histogram(idx), "summary": game.summary(idx),
            "top5": top5(ranked), "player_count": len(ranked)}


def reveal_for(player, idx, rank):
    submission = player.answers.get(idx)
    return {"your_answer": submission.answer if submission else None,
            "your_score": submission.score if submission else 0,
            "your_correct": bool(submission and submission.correct),
            "your_rank": rank, "your_total": player.total}


def played_question(game, idx):
    """A question played and closed, as the reveal told it (without what the class
    answered: that walks every player, and a phone's review does not need it)."""
    question = game.pool.questions[idx]
    return {**_question_fields(game, idx), "correct": game.right_answer(idx),
            "poll": question.is_poll, "tolerance": question.tolerance}


def played_questions(game):
    return [played_question(game, idx) for idx, event in game.events.items()
            if event.closed_at_ms is not None]


def hardest(game):
    """The scored questions the fewest got right, with the class's answers."""
    return [played_question(game, idx) | game.summary(idx) for idx in game.hardest_questions()]


def msg_ended(game, ranked):
    scored = sum(1 for idx in game.events if not game.pool.questions[idx].is_poll)
    return {"type": "session_ended", "final_top5": top5(ranked), "questions_scored": scored,
            "title": game.pool.title, "player_count": len(ranked), "hardest": hardest(game)}


def ended_for(player, rank):
    return {"questions_answered": player.answered, "questions_correct": player.correct,
            "your_rank": rank, "your_total": player.total}


# The real-time hub ###########################################################

def encode_frame(payload, opcode=0x1) -> bytes:
    """A whole WebSocket frame, built once and written to every socket that gets it."""
    if isinstance(payload, str):
        payload = payload.encode()
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return head + payload


def frame(message) -> bytes:
    return encode_frame(dumps(message))


def close_frame(code, reason="") -> bytes:
    # gevent-websocket's own close() leaves the code off the wire; ours keeps it.
    reason = reason if isinstance(reason, bytes) else reason.encode()
    return encode_frame(struct.pack("!H", code) + reason[:120], WebSocket.OPCODE_CLOSE)


class Personalised:
    """A message mostly shared by the class, with a few fields per student.

    The shared part is encoded once; each student's frame is that text with
    its own fields spliced in before the closing brace."""

    def __init__(self, shared):
        shared_text = dumps(shared)
        self.shared_frame = encode_frame(shared_text)
        self._head = shared_text[:-1] + ","

    def frame_for(self, personal) -> bytes:
        return encode_frame(self._head + dumps(personal)[1:])


OVERSIZED = object()   # what the reader gets for a message too large to keep


def unmask(payload, mask) -> bytes:
    """A client's frame unmasked in one big-integer XOR (gevent-websocket loops per byte)."""
    size = len(payload)
    key = int.from_bytes((mask * (size // 4 + 1))[:size], "big")
    return (int.from_bytes(payload, "big") ^ key).to_bytes(size, "big")


RECEIVED = bytearray(8192)   # every socket's recv lands here (one loop, one thread), then is copied
RECEIVED_VIEW = memoryview(RECEIVED)


class BoundedWebSocket(WebSocket):
    """gevent-websocket's socket with a reader of our own.

    Its reader takes a frame in about twenty Python calls, a few bytes at a
    time through two buffered layers, and asks the socket once more after each
    message only to hear "nothing yet". Ours takes all the kernel holds in one
    recv and cuts the frames out of it, and after a drained buffer it waits
    before reading (a ping's server time: 27 → 21 µs, most of the rest is the
    pong's send).

    It never holds a message too large to be one of ours: past WIRE_LIMIT its
    frames are read and thrown away (the socket stays usable and is told
    bad_message), past DISCARD_LIMIT the socket is closed. Pongs go through
    our outbox."""

    __slots__ = ("close_sent", "connection", "_buffer", "_at", "_drained")
    WIRE_LIMIT = 64 * 1024
    DISCARD_LIMIT = 16 * 1024 * 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._buffer, self._at = b"", 0
        self._drained = False   # the first read also takes what the handshake's buffer holds

    # -- bytes in

    def _fill(self):
        """Append what the socket holds to the unread bytes; b"" at the end of the stream."""
        if not self._drained:   # (peek waits in the handshake reader's own 1 KiB; a read1
            rfile = self.handler.rfile   # waited holding 8 KiB: peak RSS +13 MB at 2,000 phones)
            rfile.peek(1)
            data = rfile.read1(len(RECEIVED))
            self._drained = True
        else:
            sock = self.handler.socket
            try:
                while True:   # wait first: a phone sends one frame at a time, and a try would find nothing
                    sock._wait(sock._read_event)
                    try:
                        count = sock._sock.recv_into(RECEIVED)
                        break
                    except BlockingIOError:
                        pass
            except AttributeError:   # a gevent without these insides: its public recv (tries, then waits)
                count = sock.recv_into(RECEIVED)
            data = RECEIVED_VIEW[:count].tobytes()   # copied out at its size, a frame's 60 bytes
        connection = getattr(self, "connection", None)
        if connection is not None:   # any bytes, a pong's included, show the link is alive
            connection.heard = time.monotonic()
        if data:
            self._buffer = self._buffer[self._at:] + data
            self._at = 0
        return data

    def _take(self, count):
        """The next count bytes, waiting for them."""
        while len(self._buffer) - self._at < count:
            if not self._fill():
                raise WebSocketError("Unexpected EOF reading a frame")
        start, buffer = self._at, self._buffer
        self._at = start + count
        if self._at == len(buffer):   # all read: hold nothing between frames
            self._buffer, self._at = b"", 0
        return buffer[start:start + count]

    def _skip(self, count):
        """Read past count bytes without keeping them."""
        while count:
            held = min(count, len(self._buffer) - self._at)
            self._at += held
            count -= held
            if count and not self._fill():
                raise WebSocketError("Unexpected EOF reading a frame")

    # -- frames

    def _frame_head(self):
        """(fin, opcode, payload length, mask) of the next frame."""
        first, second = self._take(2)
        if first & 0x70:
            raise ProtocolError("reserved bits set")
        opcode, length = first & 0x0F, second & 0x7F
        if opcode > 7 and (not first & 0x80 or length > 125):
            raise ProtocolError("a control frame must be whole and at most 125 bytes")
        if length == 126:
            length = struct.unpack("!H", self._take(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", self._take(8))[0]
        mask = self._take(4) if second & 0x80 else None
        return first & 0x80, opcode, length, mask

    def _payload(self, length, mask):
        payload = self._take(length) if length else b""
        return unmask(payload, mask) if mask and payload else payload

    def receive(self):
        """The next message: text, bytes, OVERSIZED, or None once the socket is closed."""
        if self.closed:
            raise WebSocketError("Connection is already closed")
        try:
            return self._read_message()
        except UnicodeError:
            self.close(1007)
        except ProtocolError:
            self.close(1002)
        except OSError:
            self.close()
        return None

    def _read_message(self):
        opcode, parts, gathered, decoder = None, [], 0, None
        while True:
            fin, kind, length, mask = self._frame_head()
            if kind > 7:
                payload = self._payload(length, mask)
                if kind == self.OPCODE_PING:
                    self.handle_ping(None, payload)
                elif kind == self.OPCODE_CLOSE:
                    self.handle_close(None, payload)
                    return None
                elif kind != self.OPCODE_PONG:
                    raise ProtocolError(f"unknown opcode {kind}")
                continue
            if kind in (self.OPCODE_TEXT, self.OPCODE_BINARY):
                if opcode is not None:
                    raise ProtocolError("a new message began inside another")
                opcode = kind
            elif kind != self.OPCODE_CONTINUATION or opcode is None:
                raise ProtocolError(f"unexpected opcode {kind}")
            gathered += length
            if gathered > self.WIRE_LIMIT:
                if gathered > self.DISCARD_LIMIT:
                    raise ProtocolError("message too large")
                self._skip(length)
                parts = None
            else:
                payload = self._payload(length, mask)
                if parts is not None:
                    if opcode == self.OPCODE_TEXT and (parts or not fin):
                        # a message in pieces: each checked as it comes, so bad text ends it early
                        decoder = decoder or codecs.getincrementaldecoder("utf-8")()
                        decoder.decode(payload, final=bool(fin))
                    parts.append(payload)
            if fin:
                break
        if parts is None:
            return OVERSIZED
        message = parts[0] if len(parts) == 1 else b"".join(parts)
        return message.decode() if opcode == self.OPCODE_TEXT else bytearray(message)

    def handle_ping(self, header, payload):
        # Through the outbox: a client that pings and never reads must not
        # block its reader, nor interleave with a frame half sent.
        connection = getattr(self, "connection", None)
        if connection is None:
            super().handle_ping(header, payload)
        else:
            connection.send(encode_frame(payload, self.OPCODE_PONG))

    def handle_close(self, header, payload):
        # The client's answer to our close: answering it again with a second
        # close frame makes browsers report 1006 instead of our 4001-4004.
        if getattr(self, "close_sent", False):
            self.closed = True
            return
        super().handle_close(header, payload)

    def close(self, code=1000, message=b""):
        """gevent-websocket's close, with the code on the wire: its own leaves it
        off, and a browser reads 1005 instead of 1002 (broken frame) or 1007 (bad text)."""
        if not self.closed:
            with contextlib.suppress(OSError):
                self.raw_write(close_frame(code, message))
        self.closed = True
        self.stream = self.raw_write = self.raw_read = self.environ = None


class QuizHandler(WebSocketHandler):
    """gevent-websocket's handler with Nagle's algorithm off (a response or a
    frame goes out at once; with it on, each request after the first on a
    keep-alive connection waited 40 ms for the client's delayed ACK) and a
    small read buffer."""

    def __init__(self, sock, address, server):
        super().__init__(sock, address, server)
        # A socket's read buffer lives as long as the phone: 8 KiB by default,
        # 40 MB at 5,000 phones, for frames of a few dozen bytes. Nothing has
        # been read yet, so the smaller one misses nothing.
        self.rfile = sock.makefile("rb", READ_BUFFER_BYTES)

    def handle(self):
        with contextlib.suppress(OSError):
            self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().handle()


class Connection:
    """One socket. A frame goes straight into the kernel's send buffer when it
    has room (the usual case, with no greenlet switch); only a phone that
    stopped reading gets an outbox and a sender of its own, so it delays
    nobody else, and it is dropped when that outbox or a send takes too long."""

    __slots__ = ("ws", "role", "student_id", "os_socket", "outbox", "sender", "closing", "heard")

    def __init__(self, ws, role, student_id=None):
        self.ws, self.role, self.student_id = ws, role, student_id
        self.os_socket = ws.handler.socket._sock   # gevent's non-blocking socket underneath
        with contextlib.suppress(AttributeError):
            ws.connection = self
        self.outbox = None        # a deque only while frames wait for a slow phone
        self.sender = None        # a greenlet while the outbox drains
        self.closing = False
        self.heard = time.monotonic()   # the last frame from the other end

    def send(self, data: bytes):
        if self.closing:
            return
        if self.sender is not None:
            if len(self.outbox) >= SEND_BACKLOG_LIMIT:
                self.abort()
            else:
                self.outbox.append(data)
            return
        try:
            sent = self.os_socket.send(data)
        except BlockingIOError:
            sent = 0
        except OSError:
            self.abort()
            return
        if sent < len(data):
            self.outbox = deque([data[sent:]])
            self.sender = gevent.spawn(self._drain)

    def send_message(self, message):
        self.send(frame(message))

    def close(self, code, reason=""):
        """Close with an application code once what is queued has gone out."""
        if self.closing:
            return
        self.send(close_frame(code, reason))
        with contextlib.suppress(AttributeError):
            self.ws.close_sent = True
        self.closing = True
        gevent.spawn_later(CLOSE_GRACE_S, self.abort)

    def abort(self):
        """Drop the socket now; its reader sees the end and detaches it."""
        self.closing = True
        if self.outbox:
            self.outbox.clear()
        with contextlib.suppress(Exception):
            self.ws.handler.socket.shutdown(socket.SHUT_RDWR)

    def _drain(self):
        try:
            while self.outbox:
                data = self.outbox.popleft()
                with gevent.Timeout(SEND_TIMEOUT_S):
                    self.ws.handler.socket.sendall(data)   # waits for room in the buffer
        except (gevent.Timeout, OSError, AttributeError):
            self.abort()   # a phone that stopped reading, or a socket already gone
        finally:
            self.sender = self.outbox = None

    def stop(self):
        self.closing = True
        if self.sender is not None:
            self.sender.kill(block=False)


def log(message):
    print(f"quizbox: {message}", file=sys.stderr, flush=True)


def stored_pool(store, sid):
    """The questions a session was played with, as kept in the database; None if unknown."""
    stored = store.session_document(sid)
    if not stored:
        return None
    document, source = json.loads(stored[0]), stored[1]
    try:   # its pictures checked where they still are, so that their URLs carry a version
        return parse_pool(document, source, sid, media_dir=Path(source).parent / "media")
    except PoolInvalid:   # a picture gone since: play on; the page shows the question without it
        return parse_pool(document, source, sid)


def open_game(store, pool, config):
    """Make the pool's session the live one, resumed from the database where it was."""
    stored = stored_pool(store, pool.session_id)
    rows = store.session_rows(pool.session_id)
    writes = [("set_meta", "live_sid", pool.session_id)]
    if stored and stored.document != pool.document and rows[2]:
        # The file was edited after the class started: keep the questions the
        # answers belong to; the edit takes effect when the session is reset.
        log(f"{pool.source} has changed since session {pool.session_id!r} began; "
            "playing on with the questions as they were. Reset the session to play the edited file.")
        pool = stored
    else:
        writes.insert(0, ("ensure_session", pool))
    failed = store.write([writes])
    if failed:
        raise StorageError(f"{store.path}: cannot write ({failed[0]})")
    return Game.restore(pool, store.session_rows(pool.session_id), config.max_participants)


def load_session(store, sid, max_participants=5000):
    """Any session kept in the database, live or not, as a Game; None if unknown."""
    pool = stored_pool(store, sid)
    return Game.restore(pool, store.session_rows(sid), max_participants) if pool else None


# The write path ##############################################################
#
# Whatever changes the game goes the same short way, one item per request:
#
#   validate   at the door: routes and frames refuse bad text and bad shapes
#   engine     the Game decides, in memory, at once; the change and what it
#              will write are taken together (Hub._enqueue)
#   store      the writer greenlet takes every item waiting, and Store.write
#              puts them in one transaction (one fsync) on its own native
#              thread, each item in a savepoint of its own
#   ack        an item on disk: its sockets get their acks, its HTTP caller
#              its answer; an item that failed alone is undone in memory and
#              only its sender hears of it
#   announce   the steps of the game, in the order they were decided
#
# Validate and engine never yield, so no other greenlet sees half a change.
# Only the store stage yields, in the writer greenlet (and in a caller that
# waits for its item): the loop keeps serving sockets, timers and requests
# meanwhile, and whatever they change goes into the next batch. A batch that
# cannot be committed at all is a storage failure: nothing of it, nor of what
# queued behind it, is acknowledged, and memory is read back from the disk.

@dataclass
class Item:
    """One request's change on its way to the disk, and who is told of it."""
    writes: list                    # (Store method, arguments...), taken with the change
    change: PlayerChange | None = None   # undone in memory if this item alone fails
    acks: list = field(default_factory=list)       # (connection, submission)
    announce: list = field(default_factory=list)   # callables, once stored
    is_step: bool = False           # moves the game itself (snapshots wait for these)
    waiter: gevent.event.AsyncResult | None = None  # for a caller that waits

    def submissions(self):
        return [s for name, *args in self.writes if name == "save_submissions" for s in args[1]]


class Hub:
    """The live session: its sockets, its timer, and its write path."""

    def __init__(self, config, store, game):
        self.config, self.store, self.game = config, store, game
        self.students = {}          # student_id → set of Connection
        self.instructors = set()
        self.gone = {}              # student_id → when its last socket went (monotonic s)
        self.conflicts = deque(maxlen=CONFLICTS_KEPT)   # recent "id in use" attempts
        self._queue = []            # items waiting for the writer
        self._wanted = gevent.event.Event()
        self._steps_queued = self._steps_written = 0
        self._steps_done = gevent.event.Event()
        self._timer = None
        self._projector_update_due = False
        self._lobby_changed = False
        self._workers = []
        self._collected_at = 0.0

    # -- life

    def start(self):
        self._resume()
        self._workers = [gevent.spawn(self._writer_loop), gevent.spawn(self._watch_sockets),
                         gevent.spawn(self._collect_garbage_when_calm)]

    def _collect_garbage_when_calm(self):
        """Python's cycle collector walks every live object: about 0.1 s at 5,000
        phones, four times that on a Pi, at moments of its own choosing. It runs
        here instead: young objects every second, everything only while no
        question is open. (What refcounting frees is freed at once anyway.)"""
        gc.collect()
        gc.freeze()    # what loading made lives as long as the process: never walk it again
        gc.disable()
        while True:
            gevent.sleep(GC_YOUNG_EVERY_S)
            if self.game.state != OPEN and time.monotonic() - self._collected_at > GC_FULL_EVERY_S:
                gc.collect()
                self._collected_at = time.monotonic()
            else:   # in the lobby too: what 2,000 phones connecting made is not left for the first question
                gc.collect(0)

    def _resume(self):
        """Close a question whose time ran out while we were down; time the open one."""
        game = self.game
        if game.state == OPEN:
            steps = game.expire(game.current_idx, now_ms())
            if steps:
                self._enqueue_steps(steps)
        self._sync_timer()

    def switch(self, pool):
        """Make another pool's session live; only between quizzes, never mid-question."""
        if self.game.state not in (LOBBY, FINISHED):
            raise GameError("busy", "A quiz is running: show the final results or reset it first.")
        self.flush()
        self.game = open_game(self.store, pool, self.config)
        self.conflicts.clear()
        self._cancel_timer()
        self._close_students(CLOSE_SWITCHED, "another quiz is live now")
        instructors, self.instructors = self.instructors, set()
        for connection in instructors:
            connection.close(CLOSE_SWITCHED, "another quiz is live now")
        self._resume()
        log(f"switched to {pool.source} (session {pool.session_id})")

    def stop(self):
        for worker in self._workers:
            worker.kill()
        self.flush(wait=False)

    def socket_count(self):
        return len(self.instructors) + sum(len(c) for c in self.students.values())

    # -- the write path: enqueue → (writer) store → ack → announce

    def _enqueue(self, item, wait=False):
        self._queue.append(item)
        if item.is_step:
            self._steps_queued += 1
        self._wanted.set()
        if wait:
            item.waiter = gevent.event.AsyncResult()
            item.waiter.get()   # raises StorageError if it could not be stored
        return item

    def _store_change(self, change, wait=True):
        """A player's change (join, kick, release...) → stored before the caller returns."""
        sid, writes = self.game.sid, []
        if change.created or change.before is not None:
            writes.append(("save_participant", sid, copy.copy(change.player)))
        if change.added:
            writes.append(("save_submissions", sid, list(change.added)))
        return self._enqueue(Item(writes, change), wait)

    def _enqueue_steps(self, steps, wait=False):
        """Steps of the game: written, then announced in the order they were decided."""
        if not steps:
            return
        game, sid, writes = self.game, self.game.sid, []
        for step in steps:
            if isinstance(step, Reopened):
                writes.append(("delete_submissions", sid, step.lifted))
            if hasattr(step, "event"):
                writes.append(("save_event", sid, copy.copy(step.event)))
            if isinstance(step, Closed):
                writes.append(("save_submissions", sid, step.missed))
        ended = next((s.at_ms for s in steps if isinstance(s, Ended)), None)
        writes.append(("save_session_state", sid, game.state, game.current_idx, ended))
        item = Item(writes, announce=[self._announcer(step) for step in steps], is_step=True)
        self._enqueue(item, wait)

    def _writer_loop(self):
        while True:
            self._wanted.wait()
            self._wanted.clear()
            gevent.sleep(0)   # let the rest of a burst join this batch: one fsync for all
            self._write(self._take())

    def _take(self):
        batch, self._queue = self._queue, []
        return batch

    def _write(self, batch):
        if not batch:
            return
        try:
            failed = self.store.write([item.writes for item in batch])
        except Exception as exc:   # the transaction as a whole: nothing of it is on disk
            self._lost(batch, exc)
            return
        if any(batch[i].is_step or batch[i].change is None for i in failed):
            self._lost(batch, failed[min(failed)])   # memory and disk disagree on the game itself
            return
        for index, item in enumerate(batch):
            try:
                if index in failed:
                    self._failed(item, failed[index])
                else:
                    self._stored(item)
            except Exception as exc:   # telling one item must not stop the others
                log(f"after storing: {exc!r}")
        self._steps_written += sum(item.is_step for item in batch)
        self._wake_settlers()

    def _stored(self, item):
        for submission in item.submissions():
            submission.durable = True
        if item.waiter is not None:
            item.waiter.set(True)
        for connection, submission in item.acks:
            connection.send_message(msg_ack(submission) if submission.durable else STORAGE_ERROR)
        for announce in item.announce:
            announce()
        if item.change is not None:
            self._update_projector(lobby=item.change.before is not None or item.change.created)

    def _failed(self, item, exc):
        """One item could not be stored: undo it in memory; only its sender hears."""
        log(f"could not store one change, undone: {exc!r}")
        missed = self.game.undo(item.change, now_ms())
        if missed:
            self._enqueue(Item([("save_submissions", self.game.sid, missed)], is_step=True))
        if item.waiter is not None:
            item.waiter.set_exception(StorageError("The server could not save this; try again."))
        for connection, _ in item.acks:
            connection.send_message(STORAGE_ERROR)

    def _lost(self, batch, exc):
        """The disk took nothing: go back to what it has, and tell whoever waited."""
        log(f"STORAGE FAILED: {exc}")
        batch = batch + self._take()   # what queued meanwhile was built on the lost changes
        error = StorageError(f"The server could not save this ({exc}); try again.")
        for item in batch:
            if item.waiter is not None:
                item.waiter.set_exception(error)
            for connection, _ in item.acks:
                connection.send_message(STORAGE_ERROR)
        game = self.game
        self.game = Game.restore(game.pool, self.store.session_rows(game.sid),
                                 game.max_participants)
        self._steps_written += sum(item.is_step for item in batch)
        self._wake_settlers()
        self._to_instructors(frame(msg_error("storage_failed", str(exc))))
        self._cancel_timer()
        gevent.spawn_later(STORAGE_RETRY_S, self._resume)   # a timer's close is tried again

    def _wake_settlers(self):
        done, self._steps_done = self._steps_done, gevent.event.Event()
        done.set()

    def settle(self):
        """Wait until every step of the game decided so far is on disk and told, so a
        snapshot never shows what the disk does not have."""
        while self._steps_written < self._steps_queued:
            self._steps_done.wait()

    def flush(self, wait=True):
        """Everything queued, written now (switching quizzes, stopping)."""
        if wait:
            self.settle()
        self._write(self._take())

    # -- announcing

    def _to_instructors(self, data):
        for connection in self.instructors:
            connection.send(data)

    def _to_students(self, data):
        for connections in self.students.values():
            for connection in connections:
                connection.send(data)

    def _to_everyone(self, data):
        self._to_students(data)
        self._to_instructors(data)

    def _to_each_player(self, personalised, personal_fields):
        """One shared encode, a few fields spliced in per student."""
        game = self.game
        for student_id, connections in self.students.items():
            player = game.participants.get(student_id)
            if player is None or not connections:
                continue
            data = personalised.frame_for(personal_fields(player))
            for connection in connections:
                connection.send(data)

    def _announcer(self, step):
        """What to tell of a step once it is on disk. A question's opening and
        times are taken now: by then the game may have moved on, and each step
        must still say its own part."""
        game = self.game
        if isinstance(step, (Opened, Retimed, Reopened)):
            event = copy.copy(step.event)
            state = frame(msg_state(game))

            def announce():
                if not isinstance(step, Opened):
                    self._to_everyone(state)
                self._to_everyone(frame(msg_question_open(game, event, now_ms())))
                if not isinstance(step, Retimed):
                    self._to_instructors(frame(msg_histogram(game)))
                if isinstance(step, Reopened):
                    self._ack_answers(event.question_idx)
                self._sync_timer()
                self._update_projector()   # an early close may be due again
            return announce
        # A reveal is built when it is told: by then every answer stored with the
        # close is in, and any that failed alone is a miss (answers to the next
        # question cannot have come: it is told after this).

        def announce():
            ranked = game.ranking()
            ranks = {p.student_id: rank for rank, p in ranked}
            if isinstance(step, Closed):
                self._sync_timer()
                idx = step.event.question_idx
                shared = Personalised(msg_reveal(game, idx, ranked))
                self._to_each_player(shared, lambda p: reveal_for(p, idx, ranks.get(p.student_id)))
            else:
                shared = Personalised(msg_ended(game, ranked))
                self._to_each_player(shared, lambda p: ended_for(p, ranks.get(p.student_id)))
            self._to_instructors(shared.shared_frame)
            self._to_instructors(frame(msg_leaderboard(ranked)))
            if isinstance(step, Ended):
                self._export()
        return announce

    def _ack_answers(self, idx):
        """After a reopen, each phone that had answered is told its answer stands."""
        for student_id, connections in self.students.items():
            player = self.game.participants.get(student_id)
            submission = player.answers.get(idx) if player else None
            if submission is not None and submission.durable:
                for connection in connections:
                    connection.send_message(msg_ack(submission))

    def _export(self):
        """With --export-dir, the results also go to that folder (a USB stick),
        written from a thread: a slow stick must not stall the class."""
        folder = self.config.export_dir
        if folder is None:
            return
        stem = Path(folder) / f"{self.game.sid}_{time.strftime('%Y-%m-%d_%H%M')}"
        report = report_of(self.game)
        files = {".csv": results_csv(self.game).encode("utf-8"),
                 ".xlsx": results_xlsx(report),
                 "-report.html": report_html(report, choose_language(
                     self.game.pool.language)).encode("utf-8")}

        def write():
            for suffix, data in files.items():
                target = stem.with_name(stem.name + suffix)
                temporary = target.with_name(target.name + ".part")
                temporary.write_bytes(data)
                os.chmod(temporary, 0o644)   # for the teacher, whatever the service's umask
                os.replace(temporary, target)   # a reader never sees half a file

        def done(result):
            try:
                result.get()
                log(f"results written to {stem}.csv, .xlsx and -report.html")
            except OSError as exc:
                log(f"could not write results to {folder}: {exc}")
                self._to_instructors(frame(msg_error(
                    "export_failed", f"Export to {folder} failed: {exc}")))

        gevent.get_hub().threadpool.spawn(write).rawlink(done)

    def _update_projector(self, lobby=False):
        """Joins and answers come in bursts: the projector hears of them (and an
        early close is considered) a few times a second, not once per student."""
        self._lobby_changed |= lobby
        if self._projector_update_due:
            return
        self._projector_update_due = True
        gevent.spawn_later(PROJECTOR_UPDATE_DELAY_S, self._send_projector_update)

    def _send_projector_update(self):
        self._projector_update_due = False
        game = self.game
        if self._lobby_changed:
            self._lobby_changed = False
            self._to_instructors(frame(msg_lobby(game, self.conflicts)))
        if game.state == OPEN:
            self._to_instructors(frame(msg_histogram(game)))
            if game.all_answered(self._present()):
                self._enqueue_steps(game.close_question(now_ms()))

    def _present(self):
        """Students connected now, or only just gone: a phone reconnecting after a
        Wi-Fi blip must not find its question closed early without it."""
        cutoff = time.monotonic() - EARLY_CLOSE_GRACE_S
        for student_id in [s for s, at in self.gone.items() if at < cutoff]:
            del self.gone[student_id]
        return set(self.students) | set(self.gone)

    # -- the question timer

    def _sync_timer(self):
        """The timer follows the game: armed for the open, running question only."""
        game = self.game
        if game.state == OPEN and not game.current_event.paused:
            self._cancel_timer()
            delay = max(0.0, (game.current_event.deadline_ms - now_ms()) / 1000)
            self._timer = gevent.spawn_later(delay, self._deadline_reached, game.current_idx)
        else:
            self._cancel_timer()

    def _cancel_timer(self):
        timer, self._timer = self._timer, None
        if timer is not None and timer is not gevent.getcurrent():
            timer.kill(block=False)

    def _deadline_reached(self, idx):
        self._timer = None
        game, at = self.game, now_ms()
        if game.state == OPEN and game.current_idx == idx and not game.paused and \
                at < game.current_event.deadline_ms:
            self._sync_timer()   # woke a moment early
            return
        self._enqueue_steps(game.expire(idx, at))

    # -- what people do

    def join(self, student_id, name, device=None):
        """Join (or rejoin); returns once the player is on disk, in a group commit."""
        try:
            change = self.game.join(student_id, name, now_ms(), device, secrets.token_urlsafe(12))
        except GameError as exc:
            if exc.code == "id_in_use":
                self._note_conflict(student_id, name)
            raise
        self._store_change(change)
        return change.player

    def _note_conflict(self, student_id, name):
        player = self.game.participants[student_id]
        self.conflicts.append({"student_id": student_id, "name": name,
                               "current_name": player.name, "at_ms": now_ms()})
        log(f"a second device tried to join as {student_id!r} ({name!r})")
        self._update_projector(lobby=True)

    def submit(self, connection, message):
        submission, is_new = self.game.submit(connection.student_id, message.get("question_idx"),
                                              message.get("answer"), now_ms())
        if submission.durable:
            connection.send_message(msg_ack(submission))
            return
        player = self.game.participants[connection.student_id]
        writes = [("save_submissions", self.game.sid, [submission])] if is_new else []
        change = PlayerChange(player, added=[submission]) if is_new else None
        self._enqueue(Item(writes, change, acks=[(connection, submission)]))

    def run(self, command, **args):
        """The teacher's commands that move the game; returns once they are on disk."""
        game, at = self.game, now_ms()
        moves = {
            "next": lambda: game.next(at, args.get("seen_idx", ...)),
            "open_question": lambda: game.open_question(args.get("question_idx"), at,
                                                        args.get("time_limit")),
            "close_question": lambda: game.close_question(at, args.get("seen_idx", ...)),
            "end_session": lambda: game.end(at),
            "pause": lambda: game.pause(at),
            "resume": lambda: game.resume(at),
            "add_time": lambda: game.add_time(args.get("seconds"), at),
            "reopen": lambda: game.reopen(args.get("question_idx"), at),
        }
        self._enqueue_steps(moves[command](), wait=True)

    def reset(self):
        """Wipe players and answers, back to the lobby; phones must join again."""
        sid = self.game.sid
        self.game.reset()
        self.conflicts.clear()
        self._enqueue(Item([("wipe_session", sid)], is_step=True), wait=True)
        self._cancel_timer()
        self.adopt_edited_pool()
        self._close_students(CLOSE_RESET, "the teacher reset the quiz")
        for connection in self.instructors:
            self._send_instructor_snapshot(connection)
        log(f"session {sid} reset by the teacher")

    def _close_students(self, code, reason, student_ids=None):
        targets = list(self.students) if student_ids is None else student_ids
        for student_id in targets:
            for connection in self.students.pop(student_id, ()):
                connection.close(code, reason)

    def adopt_edited_pool(self):
        """A pool file edited during a quiz takes effect once that quiz is wiped."""
        try:
            pool = read_pool(self.game.pool.source, self.game.sid)
        except PoolInvalid as exc:
            log(f"keeping the questions as they were: {exc}")
            return
        if pool.session_id == self.game.sid and pool.document != self.game.pool.document:
            self.game = open_game(self.store, pool, self.config)
            log(f"{pool.source}: the edited questions are live now")
            for connection in self.instructors:
                self._send_instructor_snapshot(connection)

    def set_roster(self, roster):
        """The class list of the live session ([] clears it); stored before it counts."""
        game, sid = self.game, self.game.sid
        renamed = game.set_roster(roster)
        writes = [("save_roster", sid, list(roster))]
        writes += [("save_participant", sid, copy.copy(change.player)) for change in renamed]
        self._enqueue(Item(writes, is_step=True), wait=True)
        self._update_projector(lobby=True)
        log(f"class list of {sid}: {len(roster)} students" if roster else f"class list of {sid} cleared")

    def kick(self, student_id):
        self._store_change(self.game.kick(student_id))
        self._close_students(CLOSE_KICKED, "removed by the teacher", [student_id])
        if self.game.state in (CLOSED, FINISHED):
            self._to_instructors(frame(msg_leaderboard(self.game.ranking())))
        log(f"{student_id!r} removed by the teacher")

    def readmit(self, student_id):
        self._store_change(self.game.readmit(student_id, now_ms()))
        log(f"{student_id!r} let back in by the teacher")

    def release(self, student_id):
        """Let another device take this id: the old one is sent away (4005)."""
        self._store_change(self.game.release(student_id))
        self._close_students(CLOSE_REPLACED, "this student id is used on another device now",
                             [student_id])
        for attempt in [c for c in self.conflicts if c["student_id"] == student_id]:
            self.conflicts.remove(attempt)
        self._update_projector(lobby=True)
        log(f"{student_id!r} released to another device by the teacher")

    # -- sockets

    def serve_socket(self, ws, role, student_id=None):
        """Attach a socket, send it where the class is, and read it until it ends."""
        connection = Connection(ws, role, student_id)
        self.settle()
        if role == "student":
            self.students.setdefault(student_id, set()).add(connection)
            self.gone.pop(student_id, None)
            self._send_student_snapshot(connection)
        else:
            self.instructors.add(connection)
            self._send_instructor_snapshot(connection)
        try:
            while True:
                text = ws.receive()
                if text is None:
                    break
                self.receive(connection, text)
        except WebSocketError:
            pass
        finally:
            self._detach(connection)

    def _detach(self, connection):
        connection.stop()
        if connection.role == "student":
            connections = self.students.get(connection.student_id)
            if connections is not None and connection in connections:
                connections.discard(connection)
                if not connections:
                    del self.students[connection.student_id]
                    self.gone[connection.student_id] = time.monotonic()
                    if self.game.state == OPEN:   # an early close may be due once its grace is over
                        gevent.spawn_later(EARLY_CLOSE_GRACE_S + 0.1, self._update_projector)
        else:
            self.instructors.discard(connection)

    def _watch_sockets(self):
        """Heartbeat: a socket that has said nothing for a while is pinged (its
        pong is an answer), and one silent for longer is dropped: a half-open
        Wi-Fi link never says goodbye."""
        ping = encode_frame(b"", WebSocket.OPCODE_PING)
        while True:
            gevent.sleep(SILENCE_PING_S / 2)
            now = time.monotonic()
            everyone = list(self.instructors) + [c for cs in self.students.values() for c in cs]
            for connection in everyone:
                silent = now - connection.heard
                if silent > SILENCE_DROP_S:
                    connection.abort()
                elif silent > SILENCE_PING_S:
                    connection.send(ping)

    def _send_student_snapshot(self, connection):
        game = self.game
        player = game.participants[connection.student_id]
        state = msg_state(game)
        state["you"] = {"student_id": player.student_id, "name": player.name,
                        "total_score": player.total}
        connection.send_message(state)
        if game.state == OPEN:
            connection.send_message(msg_question_open(game, game.current_event, now_ms()))
            submission = player.answers.get(game.current_idx)
            if submission is not None and submission.durable:
                connection.send_message(msg_ack(submission))
            elif submission is not None:   # acknowledged once it is on disk
                self._enqueue(Item([], acks=[(connection, submission)]))
        elif game.state in (CLOSED, FINISHED):
            ranked = game.ranking()
            rank = game.rank_of(player.student_id)
            if game.current_idx is not None:
                personal = reveal_for(player, game.current_idx, rank)
                connection.send_message(msg_reveal(game, game.current_idx, ranked) | personal)
            if game.state == FINISHED:
                connection.send_message(msg_ended(game, ranked) | ended_for(player, rank))

    def _send_instructor_snapshot(self, connection):
        game = self.game
        connection.send_message(msg_state(game))
        connection.send_message(msg_lobby(game, self.conflicts))
        if game.state == OPEN:
            connection.send_message(msg_question_open(game, game.current_event, now_ms()))
            connection.send_message(msg_histogram(game))
        elif game.state in (CLOSED, FINISHED):
            ranked = game.ranking()
            if game.current_idx is not None:
                connection.send_message(msg_reveal(game, game.current_idx, ranked))
            if game.state == FINISHED:
                connection.send_message(msg_ended(game, ranked))
            connection.send_message(msg_leaderboard(ranked))

    def receive(self, connection, text):
        """One frame from a socket: a bad one gets an error and stores nothing."""
        if text == PING_TEXT:   # the pages' heartbeat: no parsing
            connection.send(PONG_FRAME)
            return
        if not isinstance(text, str) or len(text.encode(errors="replace")) > MAX_FRAME_BYTES:
            connection.send_message(msg_error(
                "bad_message", f"send one JSON object in a text frame of at most {MAX_FRAME_BYTES} bytes"))
            return
        try:
            message = loads(text)
        except ValueError:
            message = None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            connection.send_message(msg_error("bad_message", 'expected a JSON object with a "type"'))
            return
        # The frame is valid UTF-8 (checked on reading), so only a \u escape can
        # make a lone surrogate: the full check only for frames that have one.
        if "\\u" in text and not storable(message):
            connection.send_message(msg_error("bad_message", "the frame contains text that is "
                                                             "not valid Unicode"))
            return
        kind = message["type"]
        actions = STUDENT_ACTIONS if connection.role == "student" else INSTRUCTOR_ACTIONS
        if kind not in actions:
            connection.send_message(msg_error("bad_message", f"unknown message type {kind[:40]!r}"))
            return
        try:
            actions[kind](self, connection, message)
        except GameError as exc:
            connection.send_message(msg_error(exc.code, exc.message))
        except StorageError as exc:
            connection.send_message(msg_error("storage_failed", str(exc)))


PING_TEXT = '{"type":"ping"}'
PONG_FRAME = frame({"type": "pong"})
STORAGE_ERROR = msg_error("storage_failed", "The server could not save your answer: send it again.")


def _pong(hub, connection, message):
    connection.send(PONG_FRAME)


def _student_id_of(message):
    student_id = message.get("student_id")
    if not isinstance(student_id, str):
        raise GameError("bad_message", "student_id must be text")
    return student_id


STUDENT_ACTIONS = {
    "ping": _pong,
    "submit": lambda hub, connection, message: hub.submit(connection, message),
}

INSTRUCTOR_ACTIONS = {
    "ping": _pong,
    "next": lambda hub, c, m: hub.run("next", seen_idx=m.get("current_question_idx", ...)),
    "open_question": lambda hub, c, m: hub.run("open_question", question_idx=m.get("question_idx"),
                                               time_limit=m.get("time_limit")),
    "close_question": lambda hub, c, m: hub.run("close_question",
                                                seen_idx=m.get("question_idx", ...)),
    "end_session": lambda hub, c, m: hub.run("end_session"),
    "pause": lambda hub, c, m: hub.run("pause"),
    "resume": lambda hub, c, m: hub.run("resume"),
    "add_time": lambda hub, c, m: hub.run("add_time", seconds=m.get("seconds")),
    "reopen": lambda hub, c, m: hub.run("reopen", question_idx=m.get("question_idx")),
    "reset": lambda hub, c, m: hub.reset(),
    "kick": lambda hub, c, m: hub.kick(_student_id_of(m)),
    "readmit": lambda hub, c, m: hub.readmit(_student_id_of(m)),
    "release": lambda hub, c, m: hub.release(_student_id_of(m)),
}


# HTTP and WebSocket routes ###################################################

class ApiError(Exception):
    def __init__(self, status, code, message, **details):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def invalid_pool(exc: PoolInvalid):
    return ApiError(400, "invalid_pool", str(exc.errors[0]),
                    problems=[str(e) for e in exc.errors])


GAME_ERROR_STATUS = {"kicked": 403, "not_joined": 401, "session_full": 503,
                     "unknown_student": 404, "finished": 409, "not_open": 409, "busy": 409,
                     "id_in_use": 409, "not_on_roster": 403}


class Signer:
    """HMAC-signed cookie values (never bottle's pickled cookies)."""

    def __init__(self, secret: bytes):
        self.secret = secret

    def _mac(self, purpose, payload):
        digest = hmac.new(self.secret, f"{purpose}\0{payload}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode()

    def sign(self, purpose, payload: str) -> str:
        body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
        return f"{body}.{self._mac(purpose, payload)}"

    def unsign(self, purpose, token):
        if not token or token.count(".") != 1 or len(token) > 1024:
            return None
        body, mac = token.split(".")
        try:
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        return payload if hmac.compare_digest(mac, self._mac(purpose, payload)) else None


class RateLimit:
    """At most `limit` events per address per window (seconds)."""

    def __init__(self, limit, window=60.0):
        self.limit, self.window = limit, window
        self.events = {}

    def _recent(self, address, at):
        times = self.events.setdefault(address, deque())
        while times and times[0] <= at - self.window:
            times.popleft()
        return times

    def blocked(self, address, at=None) -> bool:
        at = time.monotonic() if at is None else at
        return self.limit > 0 and len(self._recent(address, at)) >= self.limit

    def record(self, address, at=None):
        at = time.monotonic() if at is None else at
        self._recent(address, at).append(at)
        if len(self.events) > 10_000:   # forget addresses quiet for a whole window
            self.events = {a: t for a, t in self.events.items() if t and t[-1] > at - self.window}


def _json_response(status, body, headers=None):
    response = bottle.HTTPResponse(body=dumps(body), status=status, headers=headers or {})
    response.set_header("Content-Type", "application/json; charset=utf-8")
    response.set_header("Cache-Control", "no-store")
    return response


def _error(status, code, message, **details):
    return _json_response(status, {"error": code, "message": message} | details)


def _cookie_header(name, value, max_age, same_site="Lax"):
    return f"{name}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite={same_site}"


def read_json_body(optional=False, limit=MAX_BODY_BYTES, checked_later=()):
    """The request's JSON object; only JSON, so a cross-site form cannot post here.

    optional: the route takes no body, and an empty one with no Content-Type is {}."""
    request = bottle.request
    content_type = (request.environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    if optional and not content_type and not request.environ.get("CONTENT_LENGTH", "0").strip("0"):
        return {}
    if content_type != "application/json":
        raise ApiError(415, "bad_request", "send JSON with Content-Type: application/json")
    if request.content_length > limit:
        raise ApiError(413, "too_large", f"the body must be at most {limit} bytes")
    # gevent's input has already undone any chunked encoding (bottle would try again).
    raw = request.environ["wsgi.input"].read(limit + 1)
    if len(raw) > limit:
        raise ApiError(413, "too_large", f"the body must be at most {limit} bytes")
    try:   # strictly UTF-8: json.loads of bytes would turn bad bytes into lone surrogates
        data = loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_json", "the body is not valid JSON in UTF-8")
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", "the body must be a JSON object")
    if not storable({k: v for k, v in data.items() if k not in checked_later}):
        raise ApiError(400, "bad_text", "the body contains text that is not valid Unicode "
                                        "(a lone surrogate)")
    return data


def page_headers(html):
    """Everything a page needs is in it: nothing may come from elsewhere, and
    only its own script may run (by hash), so injected markup could not."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in re.findall(r"<script>(.*?)</script>", html, re.S))
    return {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": "default-src 'none'; script-src " + hashes + "; "
                                   "style-src 'unsafe-inline'; img-src 'self' data:; "
                                   "connect-src 'self'; base-uri 'none'; form-action 'self'; "
                                   "frame-ancestors 'none'",
    }


class Site:
    """Everything around the hub that a request needs: secrets, limits, addresses."""

    def __init__(self, config, hub, secret, admin_password):
        self.config, self.hub = config, hub
        self.signer = Signer(secret)
        self.admin_purpose = "admin:" + hashlib.sha256(admin_password.encode()).hexdigest()
        self.admin_password = admin_password
        self.logins = RateLimit(LOGIN_MAX_FAILURES, LOGIN_WINDOW_S)
        self.joins = RateLimit(config.joins_per_minute, 60)
        self._qr_cache = {}

    def remote_address(self):
        # REMOTE_ADDR, not X-Forwarded-For: a phone must not choose its own address.
        return bottle.request.environ.get("REMOTE_ADDR", "")

    def student(self):
        """The (sid, student_id, device key) of the identity cookie, or None."""
        payload = self.signer.unsign("student", bottle.request.get_cookie(STUDENT_COOKIE))
        if payload is None:
            return None
        with contextlib.suppress(ValueError, TypeError):
            sid, student_id, *device = json.loads(payload)
            if isinstance(sid, str) and isinstance(student_id, str):
                return sid, student_id, (device or [""])[0]   # cookies before 1.1 had no key
        return None

    def cookie_player(self):
        """→ (the cookie's participant of the live session, or None; why it may not
        play: None, "kicked" or "replaced" when the teacher let another device in)."""
        identity = self.student()
        game = self.hub.game
        if identity is None or identity[0] != game.sid:
            return None, None
        player = game.participants.get(identity[1])
        if player is None:
            return None, None
        if player.kicked:
            return player, "kicked"
        if player.released or player.device != identity[2]:
            return player, "replaced"
        return player, None

    def live_player(self):
        """The participant this phone plays as, or None."""
        player, refused = self.cookie_player()
        return None if refused else player

    def is_admin(self):
        payload = self.signer.unsign(self.admin_purpose, bottle.request.get_cookie(ADMIN_COOKIE))
        return payload is not None and payload.isdigit() and \
            time.time() - int(payload) < COOKIE_MAX_AGE_S

    def require_admin(self):
        if not self.is_admin():
            raise ApiError(401, "unauthorized", "log in as the teacher first")

    def origin_allowed(self, origin):
        host = bottle.request.environ.get("HTTP_HOST", "")
        allowed = {f"http://{host}", f"https://{host}"}
        if self.config.public_url:
            parts = self.config.public_url.split("/")
            allowed.add("/".join(parts[:3]))
        return origin in allowed

    def join_url(self):
        return f"{base_url(self.config)}/?sid={self.hub.game.sid}"

    def qr_svg(self, url):
        if url not in self._qr_cache:
            self._qr_cache = {url: segno.make(url, error="m").svg_inline(
                scale=8, border=2, omitsize=True)}
        return self._qr_cache[url]


def make_app(site: Site) -> bottle.Bottle:
    app = bottle.Bottle()
    hub, request = site.hub, bottle.request

    def json_errors(callback):
        # Errors become JSON in this one place, wherever they are raised.
        def wrapper(*args, **kwargs):
            try:
                return callback(*args, **kwargs)
            except ApiError as exc:
                return _error(exc.status, exc.code, exc.message, **exc.details)
            except GameError as exc:
                return _error(GAME_ERROR_STATUS.get(exc.code, 400), exc.code, exc.message)
            except StorageError as exc:
                log(f"STORAGE FAILED: {exc}")
                return _error(503, "storage_failed", str(exc))
        return wrapper

    app.install(json_errors)

    def http_error(error):
        error.set_header("Content-Type", "application/json; charset=utf-8")
        codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
                 413: "too_large"}
        return dumps({"error": codes.get(error.status_code, "server_error"),
                      "message": str(error.body or error.status_line)})

    for status in (400, 404, 405, 413, 500):
        app.error(status)(http_error)

    def page(template, teacher=False):
        """A page in the language its reader wants: the teacher may choose (?lang=);
        the pool's language sets both pages; else the browser's own."""
        chosen = request.query.get("lang") if teacher else None
        language = choose_language(chosen, hub.game.pool.language,
                                   *accepted_languages(request.environ.get("HTTP_ACCEPT_LANGUAGE")))
        text, headers = localized(template, language)
        return bottle.HTTPResponse(body=text, status=200, headers=headers)

    # -- students

    @app.get("/")
    def student_page():
        live = hub.game.sid
        if request.query.get("sid") != live:   # an old QR code lands in today's quiz
            return bottle.HTTPResponse(status=302, headers={"Location": f"/?sid={live}"})
        return page(STUDENT_PAGE)

    @app.get("/api/session")
    def session_info():
        """What the join page needs before joining: the quiz, and whether a class list
        gives the names (the phone then asks for the id alone)."""
        game = hub.game
        return _json_response(200, {"sid": game.sid, "title": game.pool.title,
                                    "class_list": game.roster is not None,
                                    "language": game.pool.language})

    @app.post("/api/join")
    def join():
        address = site.remote_address()
        if site.joins.blocked(address):
            raise ApiError(429, "too_many_joins", "Too many joins from this address; wait a minute.")
        body = read_json_body()
        sid = body.get("sid")
        if sid != hub.game.sid:
            raise ApiError(404, "unknown_session",
                           "That quiz is not running any more; reload the page to join the current one.")
        student_id = clean_student_id(body.get("student_id"))
        if hub.game.roster is not None and student_id not in hub.game.roster:
            raise ApiError(403, "not_on_roster", "That student id is not on the class list: "
                                                 "check it, or ask the teacher.")
        name = hub.game.roster[student_id] if hub.game.roster is not None \
            else clean_name(body.get("name"))
        own, refused = site.cookie_player()
        if refused == "kicked":   # under any id: a removed phone stays out
            raise ApiError(403, "kicked", "The teacher removed you from this quiz.")
        site.joins.record(address)
        identity = site.student()
        device = identity[2] if own is not None and own.student_id == student_id else None
        player = hub.join(student_id, name, device)
        token = site.signer.sign("student", dumps([sid, student_id, player.device]))
        return _json_response(200, {"ok": True, "sid": sid, "student_id": student_id,
                                    "name": player.name},
                              {"Set-Cookie": _cookie_header(STUDENT_COOKIE, token, COOKIE_MAX_AGE_S)})

    @app.get("/api/me")
    def me():
        player, refused = site.cookie_player()
        if refused == "kicked":
            raise ApiError(403, "kicked", "The teacher removed you from this quiz.")
        if refused == "replaced":
            raise ApiError(409, "replaced", "Your student id is playing on another device now.")
        if player is None:
            raise ApiError(401, "not_joined", "Join the quiz first.")
        rank = hub.game.rank_of(player.student_id)
        submissions = [{"question_idx": s.question_idx, "answer": s.answer,
                        "elapsed_ms": s.elapsed_ms, "score": s.score, "status": s.status,
                        "correct": s.correct}
                       for _, s in sorted(player.answers.items())]
        body = {"sid": hub.game.sid, "student_id": player.student_id, "name": player.name,
                "total_score": player.total, "rank": rank, "questions_answered": player.answered,
                "questions_correct": player.correct, "submissions": submissions}
        if hub.game.state == FINISHED:   # the phone's own review: every question, theirs and the answer
            body["review"] = [q | reveal_for(player, q["question_idx"], rank)
                              for q in played_questions(hub.game)]
        return _json_response(200, body)

    @app.get("/api/stats")
    def stats():
        player = site.live_player()
        if not site.is_admin() and player is None:
            raise ApiError(401, "unauthorized", "Join the quiz or log in as the teacher.")
        game = hub.game
        raw = request.query.get("question_idx")
        if raw is None:
            idx = game.current_idx
            if idx is None:
                raise ApiError(404, "no_question", "No question has been played yet.")
        else:
            try:
                idx = int(raw)
            except ValueError:
                raise ApiError(400, "bad_question", "question_idx must be a whole number")
            if not 0 <= idx < game.question_count:
                raise ApiError(400, "bad_question",
                               f"question_idx must be 0 to {game.question_count - 1}")
        ranked = game.ranking()
        body = game.question_stats(idx) | {"top5": top5(ranked)}
        if player is not None:
            body["your_rank"] = game.rank_of(player.student_id)
        return _json_response(200, body)

    @app.route("/ws/student/<sid>")
    def student_socket(sid):
        ws = _websocket()
        player, refused = site.cookie_player()
        if player is None or sid != hub.game.sid:
            return _refuse(ws, CLOSE_UNAUTHORIZED, "join the quiz first")
        if refused == "kicked":
            return _refuse(ws, CLOSE_KICKED, "removed by the teacher")
        if refused == "replaced":
            return _refuse(ws, CLOSE_REPLACED, "this student id is used on another device now")
        hub.serve_socket(ws, "student", player.student_id)
        return ""

    # -- the teacher

    @app.get("/admin")
    def admin_redirect():
        return bottle.HTTPResponse(status=302, headers={"Location": "/admin/"})

    @app.get("/admin/")
    def admin_page():
        return page(ADMIN_PAGE, teacher=True)

    @app.post("/admin/login")
    def login():
        address = site.remote_address()
        if site.logins.blocked(address):
            raise ApiError(429, "too_many_attempts", "Too many wrong passwords; wait a minute.")
        password = read_json_body().get("password")
        if not isinstance(password, str) or not hmac.compare_digest(
                password.encode(), site.admin_password.encode()):
            site.logins.record(address)
            raise ApiError(401, "wrong_password", "That is not the admin password.")
        token = site.signer.sign(site.admin_purpose, str(int(time.time())))
        return _json_response(200, {"ok": True}, {
            "Set-Cookie": _cookie_header(ADMIN_COOKIE, token, COOKIE_MAX_AGE_S, "Strict")})

    @app.post("/admin/logout")
    def logout():
        read_json_body(optional=True)
        return _json_response(200, {"ok": True}, {
            "Set-Cookie": _cookie_header(ADMIN_COOKIE, "", 0, "Strict")})

    @app.get("/admin/api/state")
    def admin_state():
        site.require_admin()
        game = hub.game
        url = site.join_url()
        return _json_response(200, {
            "title": game.pool.title, "sid": game.sid, "question_count": game.question_count,
            "state": game.state, "current_question_idx": game.current_idx,
            "participant_count": len(game.players()), "join_url": url,
            "qr_svg": site.qr_svg(url)})

    @app.post("/admin/api/reset")
    def admin_reset():
        site.require_admin()
        read_json_body(optional=True)
        hub.reset()
        return _json_response(200, {"ok": True, "state": hub.game.state})

    @app.get("/admin/api/csv")
    def admin_csv():
        site.require_admin()
        sid = request.query.get("sid") or hub.game.sid
        game = hub.game if sid == hub.game.sid else load_session(hub.store, sid)
        if game is None:
            raise ApiError(404, "unknown_session", f"No session {sid!r} in this database.")
        return bottle.HTTPResponse(body=results_csv(game).encode("utf-8"), status=200, headers={
            "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{game.sid}-results.csv"'})

    @app.get("/admin/api/pools")
    def admin_pools():
        site.require_admin()
        pools = [{"file": name, "title": pool.title if pool else None,
                  "question_count": len(pool.questions) if pool else 0,
                  "session_id": pool.session_id if pool else None,
                  "live": bool(pool) and pool.session_id == hub.game.sid, "problems": problems}
                 for name, pool, problems in list_pool_folder(site.config.pools_dir)]
        return _json_response(200, {"pools": pools, "live_sid": hub.game.sid})

    @app.post("/admin/api/pools/select")
    def admin_select_pool():
        site.require_admin()
        name = read_json_body().get("file")
        if not isinstance(name, str) or not POOL_FILE_RE.fullmatch(name):
            raise ApiError(400, "bad_file", "file must be the name of a .json file in the pools folder")
        path = site.config.pools_dir / name
        if not path.is_file():
            raise ApiError(404, "unknown_pool", f"There is no {name} in the pools folder.")
        try:
            pool = read_pool(path, label=name)
        except PoolInvalid as exc:
            raise invalid_pool(exc)
        hub.switch(pool)
        return _json_response(200, {"ok": True, "sid": hub.game.sid, "title": hub.game.pool.title,
                                    "state": hub.game.state})

    @app.post("/admin/api/pools/upload")
    def admin_upload_pool():
        site.require_admin()
        body = read_json_body()
        try:
            pool = save_pool_file(site.config.pools_dir, body.get("filename"), body.get("content"),
                                  replace=body.get("replace") is True)
        except PoolInvalid as exc:
            raise invalid_pool(exc)
        except FileExistsError:
            raise ApiError(409, "exists", f"A quiz file named {body.get('filename')} is already "
                                          "on this box. Replace it?")
        except OSError as exc:
            raise ApiError(500, "cannot_save", f"Could not save the pool: {exc.strerror}")
        log(f"quiz {body['filename']} uploaded ({len(pool.questions)} questions)")
        return _json_response(200, {"ok": True, "file": body["filename"], "title": pool.title,
                                    "question_count": len(pool.questions),
                                    "session_id": pool.session_id})

    @app.get("/admin/api/sessions")
    def admin_sessions():
        site.require_admin()
        sessions = [{"sid": sid, "title": title, "state": state, "created_at_ms": created,
                     "ended_at_ms": ended, "participants": count, "live": sid == hub.game.sid}
                    for sid, title, state, created, ended, count in hub.store.sessions_summary()]
        return _json_response(200, {"sessions": sessions})

    # -- after the bell: the class list, the report, the spreadsheet

    def session_game(sid=None):
        """The live session's game, or a past one's from the database."""
        sid = sid or request.query.get("sid") or hub.game.sid
        game = hub.game if sid == hub.game.sid else load_session(hub.store, sid)
        if game is None:
            raise ApiError(404, "unknown_session", f"No session {sid!r} in this database.")
        return game

    @app.get("/admin/api/roster")
    def admin_roster():
        site.require_admin()
        game = hub.game
        return _json_response(200, {"students": [
            {"student_id": s, "name": n, "joined": s in game.participants}
            for s, n in (game.roster or {}).items()], "class_list": game.roster is not None})

    @app.post("/admin/api/roster")
    def admin_set_roster():
        site.require_admin()
        text = read_json_body(checked_later=("csv",)).get("csv")   # parse_roster names the line
        if not isinstance(text, str):
            raise ApiError(400, "bad_request", 'send {"csv": the class list as text}')
        try:
            roster = parse_roster(text)
        except RosterError as exc:
            raise ApiError(400, "bad_roster", str(exc))
        hub.set_roster(roster)
        return _json_response(200, {"ok": True, "count": len(roster)})

    @app.get("/admin/api/report")
    def admin_report():
        site.require_admin()
        return _json_response(200, report_of(session_game()))

    @app.get("/admin/api/xlsx")
    def admin_xlsx():
        site.require_admin()
        game = session_game()
        return bottle.HTTPResponse(body=results_xlsx(report_of(game)), status=200, headers={
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{game.sid}-results.xlsx"'})

    @app.get("/admin/report")
    def report_page():
        return page(REPORT_PAGE, teacher=True)

    @app.get("/admin/editor")
    def editor_page():
        return page(EDITOR_PAGE, teacher=True)

    # -- making quizzes on the box

    def pool_path(name):
        if not isinstance(name, str) or not POOL_FILE_RE.fullmatch(name):
            raise ApiError(400, "bad_file", "A quiz file name is letters, digits, '-', '_' or "
                                            "'.', ending in .json.")
        return site.config.pools_dir / name

    def pool_problems(exc: PoolInvalid, status=400):
        details = [in_teacher_words(e) for e in exc.errors]
        return ApiError(status, "invalid_pool", details[0]["message"],
                        problems=[d["message"] for d in details], details=details)

    @app.get("/admin/api/pools/<name>")
    def admin_get_pool(name):
        site.require_admin()
        path = pool_path(name)
        try:
            data = loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise ApiError(404, "unknown_pool", f"There is no {name} on this box.")
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "invalid_pool", f"{name} is not a JSON quiz file.")
        return _json_response(200, {"file": name, "pool": data, "version": file_version(path)})

    @app.post("/admin/api/pools/validate")
    def admin_validate_pool():
        """The editor's live check, with the server's own rules."""
        site.require_admin()
        try:
            parse_pool(read_json_body().get("pool"), "quiz", "quiz",
                       media_dir=site.config.pools_dir / "media")
        except PoolInvalid as exc:
            return _json_response(200, {"ok": False, "problems": [in_teacher_words(e)
                                                                  for e in exc.errors]})
        return _json_response(200, {"ok": True, "problems": []})

    @app.put("/admin/api/pools/<name>")
    def admin_put_pool(name):
        site.require_admin()
        body, path = read_json_body(), pool_path(name)
        document = body.get("pool")
        try:
            pool = parse_pool(document, name, session_id_from_stem(path.stem),
                              media_dir=site.config.pools_dir / "media")
        except PoolInvalid as exc:
            raise pool_problems(exc)
        if body.get("version") is None and path.exists():
            raise ApiError(409, "exists", f"A quiz file named {name} is already on this box.")
        taken = [f for f, other, _ in list_pool_folder(site.config.pools_dir)
                 if other and f != name and other.session_id == pool.session_id]
        if taken:   # two files in one session would share its results
            raise ApiError(409, "session_taken", f"{taken[0]} already uses the session id "
                                                 f"{pool.session_id!r}: choose another one.")
        if file_version(path) != body.get("version"):   # two laptops must not undo each other
            raise ApiError(409, "changed", f"{name} was changed elsewhere since you opened it. "
                                           "Reload it, or save your version under another name.",
                           version=file_version(path))
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        if len(text.encode()) > MAX_POOL_BYTES:
            raise ApiError(413, "too_large", f"A quiz file may be at most {MAX_POOL_BYTES // 1024} KB.")
        write_atomically(path, text.encode("utf-8"))
        log(f"quiz {name} saved ({len(pool.questions)} questions)")
        game = hub.game
        if Path(game.pool.source).resolve() == path.resolve() and game.state == LOBBY \
                and not game.participants:
            hub.adopt_edited_pool()   # nobody has played it yet: the edit is live at once
        return _json_response(200, {"ok": True, "file": name, "version": file_version(path),
                                    "title": pool.title, "question_count": len(pool.questions),
                                    "live": pool.session_id == hub.game.sid})

    @app.delete("/admin/api/pools/<name>")
    def admin_delete_pool(name):
        """Kept in pools/.deleted/, never gone: a teacher's slip can be undone by hand."""
        site.require_admin()
        body, path = read_json_body(optional=True), pool_path(name)
        if not path.is_file():
            raise ApiError(404, "unknown_pool", f"There is no {name} on this box.")
        if "version" in body and body["version"] != file_version(path):
            raise ApiError(409, "changed", f"{name} was changed elsewhere; look at it again first.")
        if Path(hub.game.pool.source).resolve() == path.resolve():
            raise ApiError(409, "busy", "This quiz is live: make another one live first.")
        trash = site.config.pools_dir / ".deleted"
        trash.mkdir(exist_ok=True)
        os.replace(path, trash / f"{time.strftime('%Y%m%d-%H%M%S')}-{name}")
        log(f"quiz {name} deleted (kept in {trash})")
        return _json_response(200, {"ok": True})

    @app.get("/admin/api/pools/<name>/gift")
    def admin_pool_gift(name):
        site.require_admin()
        path = pool_path(name)
        try:
            text = pool_to_gift(loads(path.read_text(encoding="utf-8-sig")))
        except FileNotFoundError:
            raise ApiError(404, "unknown_pool", f"There is no {name} on this box.")
        except (ValueError, UnicodeDecodeError, TypeError, KeyError, AttributeError):
            raise ApiError(400, "invalid_pool", f"{name} is not a quiz file quizbox can export.")
        return bottle.HTTPResponse(body=text.encode("utf-8"), status=200, headers={
            "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{path.stem}.gift.txt"'})

    @app.get("/admin/api/pools/<name>/download")
    def admin_pool_download(name):
        site.require_admin()
        path = pool_path(name)
        if not path.is_file():
            raise ApiError(404, "unknown_pool", f"There is no {name} on this box.")
        return bottle.HTTPResponse(body=path.read_bytes(), status=200, headers={
            "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{name}"'})

    def uploaded_file(body):
        name, content = body.get("filename"), body.get("content_base64")
        if not isinstance(name, str) or not name.strip() or not isinstance(content, str):
            raise ApiError(400, "bad_request", 'send {"filename", "content_base64"}')
        try:
            return name.strip(), base64.b64decode(content, validate=True)
        except ValueError:
            raise ApiError(400, "bad_request", "content_base64 is not base64")

    @app.post("/admin/api/pools/import")
    def admin_import_pool():
        site.require_admin()
        name, data = uploaded_file(read_json_body())
        try:
            document, skipped = import_file(name, data)
        except FormatError as exc:
            raise ApiError(400, "cannot_import", str(exc))
        target = free_pool_name(site.config.pools_dir, document.get("title") or Path(name).stem)
        try:
            pool = parse_pool(document, target, media_dir=site.config.pools_dir / "media")
        except PoolInvalid as exc:
            raise pool_problems(exc)
        write_atomically(site.config.pools_dir / target,
                         (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode())
        log(f"imported {name} as {target}: {len(pool.questions)} questions, {len(skipped)} skipped")
        return _json_response(200, {"ok": True, "file": target, "title": pool.title,
                                    "question_count": len(pool.questions), "skipped": skipped})

    @app.get("/admin/api/media")
    def admin_media_list():
        site.require_admin()
        folder = site.config.pools_dir / "media"
        names = sorted(p.name for p in folder.glob("*") if MEDIA_NAME_RE.fullmatch(p.name)) \
            if folder.is_dir() else []
        return _json_response(200, {"media": names})

    @app.post("/admin/api/media")
    def admin_media_upload():
        site.require_admin()
        name, data = uploaded_file(read_json_body(limit=MEDIA_BODY_BYTES))
        kind = image_type(data)
        if kind is None:
            raise ApiError(400, "not_a_picture", f"{name} is not a PNG, JPEG, GIF or WebP picture.")
        if len(data) > MEDIA_MAX_BYTES:
            raise ApiError(413, "too_large", f"A picture may be at most {MEDIA_MAX_BYTES // 2**20} MB.")
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(name).stem).strip("-.")[:60] or "picture"
        extension = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
                     "image/webp": ".webp"}[kind]
        folder = site.config.pools_dir / "media"
        folder.mkdir(exist_ok=True)
        target, n = folder / f"{stem}{extension}", 2
        while target.exists() and target.read_bytes() != data:
            target, n = folder / f"{stem}-{n}{extension}", n + 1
        write_atomically(target, data)
        log(f"picture {target.name} uploaded")
        return _json_response(200, {"ok": True, "name": target.name})

    @app.route("/ws/instructor/<sid>")
    def instructor_socket(sid):
        ws = _websocket()
        if not site.is_admin() or not site.origin_allowed(request.environ.get("HTTP_ORIGIN")):
            return _refuse(ws, CLOSE_UNAUTHORIZED, "log in as the teacher on this page")
        if sid != hub.game.sid:
            return _refuse(ws, CLOSE_SWITCHED, "another quiz is live; reload the page")
        hub.serve_socket(ws, "instructor")
        return ""

    @app.get("/media/<name>")
    def media(name):
        """A question's picture, from the live pool's media/ folder: known by its
        bytes, cached for long (its URL changes with its content), never run."""
        folders = [Path(hub.game.pool.source).parent / "media", site.config.pools_dir / "media"]
        found = [f / name for f in folders if MEDIA_NAME_RE.fullmatch(name) and (f / name).is_file()]
        if not found:
            raise ApiError(404, "not_found", "No such picture.")
        data = found[0].read_bytes()[:MEDIA_MAX_BYTES + 1]
        kind = image_type(data)
        if kind is None or len(data) > MEDIA_MAX_BYTES:
            raise ApiError(404, "not_found", "No such picture.")
        return bottle.HTTPResponse(body=data, status=200, headers={
            "Content-Type": kind, "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox"})

    @app.get("/healthz")
    def healthz():
        game = hub.game
        return _json_response(200, {
            "ok": True, "version": __version__, "sessions_active": 1, "sid": game.sid,
            "state": game.state, "participants": len(game.players()),
            "ws_clients": hub.socket_count()})

    return app


def _websocket():
    ws = bottle.request.environ.get("wsgi.websocket")
    if ws is None:
        raise ApiError(400, "websocket_expected", "this address takes a WebSocket connection")
    return ws


def _refuse(ws, code, reason):
    """Accept, then close with a code the page can read (a refused handshake has none)."""
    with contextlib.suppress(AttributeError):   # only our BoundedWebSocket has the slot
        ws.close_sent = True
    with contextlib.suppress(Exception):
        ws.raw_write(close_frame(code, reason))
        with gevent.Timeout(CLOSE_GRACE_S, False):
            ws.receive()   # the client's answering close
    return ""


# Network addresses ###########################################################

def interface_addresses():
    """IPv4 addresses of this machine's interfaces, read with SIOCGIFCONF.

    No packet is sent, and no default route is needed (a classroom network
    often has none); netlink is not needed either, so the unit may forbid it."""
    record = 40 if struct.calcsize("P") == 8 else 32    # sizeof(struct ifreq)
    buffer = array.array("B", bytes(record * 64))
    found = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        request = struct.pack("iP", len(buffer), buffer.buffer_info()[0])
        length = struct.unpack("iP", fcntl.ioctl(probe.fileno(), 0x8912, request))[0]
        data = buffer.tobytes()[:length]
        for offset in range(0, length, record):
            name = data[offset:offset + 16].split(b"\0", 1)[0].decode(errors="replace")
            found.append((name, socket.inet_ntoa(data[offset + 20:offset + 24])))
    return found


def lan_address():
    """The address a phone on the same network can reach, best first; None if none."""
    def preference(item):
        name, address = item
        first, second = (int(x) for x in address.split(".")[:2])
        private = first == 10 or (first == 172 and 16 <= second <= 31) or \
            (first == 192 and second == 168)
        virtual = name.startswith(("docker", "br-", "veth", "virbr", "lxc", "tun", "wg"))
        return (virtual, not private)

    candidates = [(n, a) for n, a in interface_addresses()
                  if not a.startswith(("127.", "169.254.", "0."))]
    return min(candidates, key=preference)[1] if candidates else None


def base_url(config):
    """http://address[:port] for the QR code and the printed links: an address a
    phone can reach. Listening on every address, that is the LAN one; listening
    on loopback only, nothing else could be reached, so it is what is shown."""
    if config.public_url:
        return config.public_url
    host = config.host
    if host in ("", "0.0.0.0", "::"):
        host = lan_address()
        if host is None and os.path.exists("/run/avahi-daemon/pid"):
            host = f"{socket.gethostname()}.local"
        if host is None:
            host = "127.0.0.1"   # no network at all: only this machine can join
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}" + ("" if config.port == 80 else f":{config.port}")


# Pages #######################################################################
#
# Plain HTML, CSS and JavaScript, nothing fetched from elsewhere (the room has
# no internet). The pages learn the game from the socket's first messages.
# Every text from a pool or a student goes in with textContent, never as HTML.

# Languages: every text a person reads on a page, one table per language.
# Pages carry {{key}} in their HTML and call t("key", {n: 3}) in their script;
# a key ending .one/.other (Arabic: also .zero/.two/.few/.many) is chosen by
# the browser's Intl.PluralRules. Adding a language is adding a table here.
# Codes and fields of the contract stay English: only what people read changes.

STRINGS_EN = {
    "count.answered": "{n} / {total} answered",
    "count.right": "{n} of {total} got it right",
    "count.median": "median {n}",
    "reveal.correct_mark": "(correct)",
    "report.seconds": "{n} s",
    "announce.open": "Question {n} is open.",
    "announce.closed": "Question {n}: the answer is shown.",
    "announce.final": "The final results are shown.",
    "admin.finished": "Finished",
    "admin.join_at": "Join at",
    "admin.joined.one": "player joined",
    "admin.joined.other": "players joined",
    "admin.keys_hint": "Space or → : next step",
    "admin.language": "Language of this page",
    "admin.let_back": "Let back in",
    "admin.logout": "Log out",
    "admin.no_answer": "The server did not answer ({status}). Retrying…",
    "admin.not_connected": "Not connected to the server yet.",
    "admin.participants": "Participants",
    "admin.qr": "QR code of the join address",
    "admin.questions.one": "{n} question",
    "admin.questions.other": "{n} questions",
    "admin.remove": "Remove",
    "admin.remove_ask": "Remove “{name}” from the quiz? Their phone is sent away and cannot join again unless you let them back in.",
    "admin.remove_who": "Remove {name}",
    "admin.removed": "Removed ({n})",
    "admin.reset": "Reset…",
    "admin.reset_ask": "Reset the quiz? Every player and every answer of this session is deleted, and the phones have to join again.",
    "admin.reset_failed": "Reset failed ({status}).",
    "admin.reset_ok": "Reset",
    "ask.cancel": "Cancel",
    "conflict.ask": "Let the new device play as “{name}”? The phone playing as them now is sent away.",
    "conflict.let_in": "Let this device in",
    "conflict.ok": "Let it in",
    "conflict.typing": "It typed the name “{name}”.",
    "conflict.wants": "Another device wants to play as {name}.",
    "control.more": "+15 s",
    "control.more_long": "Add 15 seconds",
    "control.pause": "Pause",
    "control.paused": "Paused: answers wait, the clock is stopped",
    "control.reopen": "Reopen question {n}",
    "control.resume": "Resume",
    "end.answer": "Answer: {answer}",
    "end.answered": "answered",
    "end.correct": "correct",
    "end.no_answer": "no answer",
    "end.of_players.one": "of {n} player",
    "end.of_players.other": "of {n} players",
    "end.points": "points",
    "end.thanks": "Thanks for playing!",
    "end.title": "That's the end!",
    "end.title_of": "{title}: the end!",
    "end.you": "You: {answer}",
    "end.you_finished": "You finished",
    "end.your_answers": "Your answers",
    "error.bad_answer": "That answer cannot be taken: check it and send it again.",
    "error.bad_name": "Type a name of 1 to 40 letters, without special characters.",
    "error.bad_student_id": "Type a student id of 1 to 64 characters.",
    "error.busy": "A quiz is running: show the final results or reset it first.",
    "error.changed": "This quiz was changed elsewhere since you opened it.",
    "error.export_failed": "The results could not be written to the export folder.",
    "error.finished": "The quiz has finished; reset it to play again.",
    "error.id_in_use": "This student id is already playing on another device. Ask the teacher to let this device in.",
    "error.kicked": "The teacher removed you from this quiz.",
    "error.not_on_roster": "That student id is not on the class list: check it, or ask the teacher.",
    "error.not_open": "This question is not open any more.",
    "error.paused": "The teacher has paused the question: wait a moment.",
    "error.replaced": "Your student id is playing on another device now.",
    "error.session_full": "This quiz is full.",
    "error.stale": "The quiz had already moved on; that press was ignored.",
    "error.storage_failed": "The quiz could not save this: it is tried again.",
    "error.time_expired": "Too late: time was up.",
    "error.too_many_attempts": "Too many wrong passwords; wait a minute.",
    "error.too_many_joins": "Too many joins from this address; wait a minute.",
    "error.unknown_session": "That quiz is not running any more; reload the page to join the current one.",
    "error.wrong_password": "That is not the admin password.",
    "final.hardest": "To go over: the hardest questions",
    "final.hide_ids": "Hide student ids",
    "final.nobody": "Nobody played.",
    "final.pts.one": "{n} pt",
    "final.pts.other": "{n} pts",
    "final.show_ids": "Show student ids",
    "final.title": "Final results",
    "flag.more_answered": "More students answered {answer} than the answer, {right}.",
    "flag.more_chose": "More students chose {answer} than the answer, {right}.",
    "flag.more_ordered": "More students chose the order {answer} than the answer, {right}.",
    "flag.most_answered": "Most of the class answered {answer}; the answer is {right}.",
    "flag.most_chose": "Most of the class chose {answer}; the answer is {right}.",
    "flag.most_ordered": "Most of the class chose the order {answer}; the answer is {right}.",
    "flag.negative": "Students with high totals got this wrong more often than others: check the question and its answer.",
    "flag.nobody": "Nobody answered.",
    "flag.none_right": "None of the {n} answers was right.",
    "flag.only_right": "Only {right} of {n} answered right.",
    "gone.join_again": "Join again",
    "gone.kicked.detail": "The teacher took you off the list. If you think that is a mistake, ask them.",
    "gone.kicked.title": "You were removed from this quiz",
    "gone.left.detail": "The teacher may have restarted the quiz or removed you. Join again to play.",
    "gone.left.title": "You are not in this quiz any more",
    "gone.replaced.detail": "The teacher let another phone in with your id. If that was not you, tell the teacher.",
    "gone.replaced.title": "Your student id is playing on another device",
    "gone.reset.detail": "Everything was cleared. Join again to play.",
    "gone.reset.title": "The teacher restarted the quiz",
    "import.added": "Added “{title}” ({file}).",
    "import.choose": "Choose a quiz file first.",
    "import.done": "Imported “{title}”: {questions} in {file}.",
    "import.failed": "The file could not be added ({status}).",
    "import.open": "Open it in the editor",
    "import.replace": "Replace {file}",
    "import.replaced": "Replaced “{title}” ({file}).",
    "import.skipped.one": "{n} question was left out:",
    "import.skipped.other": "{n} questions were left out:",
    "import.skipped_one": "Question {n}: {why}",
    "import.too_large": "That file is too large.",
    "join.button": "Join",
    "join.failed": "Could not join ({status}).",
    "join.id": "Student id",
    "join.joining": "Joining…",
    "join.name": "Your name",
    "join.name_hint": "Everyone will see it on the big screen.",
    "join.title": "Join the quiz",
    "join.to_play": "Join to play.",
    "join.type_id": "Type your student id.",
    "join.type_name": "Type your name.",
    "join.unreachable": "Cannot reach the quiz. Check the Wi-Fi and try again.",
    "join.waiting": "Waiting…",
    "key.space": "Space",
    "lang.ar": "العربية",
    "lang.de": "Deutsch",
    "lang.en": "English",
    "lang.es": "Español",
    "lang.fr": "Français",
    "lang.pt": "Português",
    "loading": "Loading…",
    "lobby.are_in.one": "player is in",
    "lobby.are_in.other": "players are in",
    "lobby.how": "Scan the QR code or type the address beside it to join.",
    "lobby.in": "You're in!",
    "lobby.start": "Press Start (or Space) when everyone is in.",
    "lobby.wait": "Wait for the teacher to start. Keep this page open.",
    "login.button": "Log in",
    "login.failed": "Login failed ({status}).",
    "login.password": "Admin password",
    "login.title": "quizbox · teacher",
    "login.unreachable": "Cannot reach the server.",
    "manage.copy": "Copy",
    "manage.delete": "Delete",
    "manage.delete_ask": "Delete the quiz “{title}” ({file})? It is kept in the pools folder's .deleted folder, where the operator can bring it back.",
    "manage.delete_failed": "Could not delete ({status}).",
    "manage.edit": "Edit",
    "manage.import": "Import",
    "manage.import_label": "Import from Kahoot (.xlsx, .csv), Moodle (GIFT, Aiken) or a quizbox .json file",
    "manage.invalid": "not a valid quiz",
    "manage.live": "live",
    "manage.make_live": "Make live",
    "manage.new": "+ New quiz",
    "manage.players.one": "{n} player",
    "manage.players.other": "{n} players",
    "manage.pools": "Quizzes on this box",
    "manage.sessions": "Past sessions",
    "manage.summary": "Quizzes and past results",
    "manage.switch": "Switch",
    "manage.switch_ask": "Switch the class to “{title}”? Phones move to the new quiz and join it again.",
    "manage.switch_failed": "Could not switch ({status}).",
    "open.give_number": "Give a number from {min} to {max} on your phone.",
    "open.multi": "Pick every right answer.",
    "open.order": "Put these in the right order.",
    "open.type_it": "Type the answer on your phone.",
    "q.locked": "Answer {answer} locked in. Wait for the reveal.",
    "q.locked_tag": "Locked in",
    "q.multi_hint": "Tap every answer that is right, then send.",
    "q.nothing_picked": "Nothing picked yet.",
    "q.number": "Question {n} of {count}",
    "q.number_range": "Your answer, from {min} to {max}",
    "q.order_hint": "Tap the items in the right order, first one first.",
    "q.paused": "Paused by the teacher",
    "q.picture": "The question's picture",
    "q.poll": "A poll: there is no wrong answer.",
    "q.seconds_left": "seconds left",
    "q.send": "Send answer",
    "q.send_order": "Send this order",
    "q.sending": "Sending…",
    "q.sending_again": "Sending again…",
    "q.times_up": "Time's up!",
    "q.too_late": "Too late: time was up.",
    "q.type_answer": "Type your answer",
    "q.undo": "Undo",
    "q.wait_paused": "Wait: the teacher paused the question.",
    "q.your_answer": "Your answer",
    "reconnecting": "Reconnecting…",
    "report.absent": "absent",
    "report.absent_one": "absent",
    "report.average": "average points",
    "report.class": "The class",
    "report.col_answer": "Answer",
    "report.col_answered": "Answered",
    "report.col_answers": "Answers",
    "report.col_discrimination": "Discrimination",
    "report.col_note": "Note",
    "report.col_question": "Question",
    "report.col_right": "Right",
    "report.col_time": "Avg time",
    "report.failed": "The report could not be loaded ({status}).",
    "report.go_over": "Questions to go over",
    "report.login": "Log in on the teacher's page (/admin/) first, then open this report again.",
    "report.median": "median",
    "report.no_totals": "No totals yet.",
    "report.none_flagged": "No question stands out: well done.",
    "report.number_spread": "min {min} · median {median} · max {max}",
    "report.played": "questions played",
    "report.players": "players",
    "report.poll": "poll",
    "report.print": "Print",
    "report.q_short": "Q{n}",
    "report.question_n": "Question {n}",
    "report.questions": "Questions",
    "report.removed_one": "removed",
    "report.so_far": "so far",
    "report.spread": "Spread of totals",
    "report.stdev": "spread (std. dev.)",
    "report.students": "Students",
    "report.title": "Report",
    "results.csv": "Download results (CSV)",
    "results.csv_short": "CSV",
    "results.of": "{what} of {title}",
    "results.report": "Report",
    "results.sheet": "Spreadsheet",
    "results.xlsx": "Spreadsheet (.xlsx)",
    "reveal.correct": "Correct!",
    "reveal.did_not_vote": "You did not vote",
    "reveal.gain.one": "+{n} point",
    "reveal.gain.other": "+{n} points",
    "reveal.no_answer": "No answer",
    "reveal.nobody": "Nobody has played yet.",
    "reveal.partly": "Partly right",
    "reveal.points_in_all": "points in all",
    "reveal.rank_of": "your rank of {n}",
    "reveal.thanks_vote": "Thanks for voting!",
    "reveal.the_answer": "The answer",
    "reveal.top5": "Top five",
    "reveal.wait_final": "Wait for the final results…",
    "reveal.wait_next": "Wait for the next question…",
    "reveal.wrong": "Not this time",
    "reveal.you_answered": "You answered {answer}.",
    "reveal.you_chose": "You chose {answer}.",
    "reveal.you_typed": "You answered “{answer}”.",
    "reveal.you_voted": "You voted {answer}",
    "reveal.your_order": "Your order: {answer}",
    "reveal.your_rank": "your rank",
    "roster.clear": "Clear it",
    "roster.clear_ask": "Clear the class list? Anyone may then join with any id and name.",
    "roster.cleared": "Class list cleared.",
    "roster.empty": "Paste the list or choose its file first.",
    "roster.failed": "Could not load the class list ({status}).",
    "roster.file": "Class list file (CSV)",
    "roster.label": "Paste the class list (student id, name; one student a line) or choose its CSV file",
    "roster.loaded": "Class list loaded: {n} students.",
    "roster.none": "No class list: anyone may join with any id and name.",
    "roster.status": "Class list: {n} students, {joined} joined. Only they may join, with the names on the list.",
    "roster.title": "Class list",
    "roster.use": "Use this class list",
    "state.finished": "finished",
    "state.lobby": "lobby",
    "state.question_closed": "question closed",
    "state.question_open": "question open",
    "step.final": "Show final results",
    "step.next": "Next question",
    "step.reveal": "Reveal now",
    "step.start": "Start",
    "table.id": "Id",
    "table.name": "Name",
    "table.points": "Points",
}

STRINGS_ES = {
    "count.answered": "{n} / {total} respondieron",
    "count.right": "{n} de {total} acertaron",
    "count.median": "mediana {n}",
    "reveal.correct_mark": "(correcta)",
    "report.seconds": "{n} s",
    "announce.open": "La pregunta {n} está abierta.",
    "announce.closed": "Pregunta {n}: se muestra la respuesta.",
    "announce.final": "Se muestran los resultados finales.",
    "final.pts.one": "{n} pto",
    "final.pts.other": "{n} ptos",
    "admin.finished": "Terminado",
    "admin.join_at": "Únete en",
    "admin.joined.one": "jugador conectado",
    "admin.joined.other": "jugadores conectados",
    "admin.keys_hint": "Espacio o → : paso siguiente",
    "admin.language": "Idioma de esta página",
    "admin.let_back": "Readmitir",
    "admin.logout": "Cerrar sesión",
    "admin.no_answer": "El servidor no respondió ({status}). Reintentando…",
    "admin.not_connected": "Aún no hay conexión con el servidor.",
    "admin.participants": "Participantes",
    "admin.qr": "Código QR de la dirección para unirse",
    "admin.questions.one": "{n} pregunta",
    "admin.questions.other": "{n} preguntas",
    "admin.remove": "Retirar",
    "admin.remove_ask": "¿Retirar a «{name}» del cuestionario? Su teléfono queda fuera y no podrá volver a unirse a menos que lo readmitas.",
    "admin.remove_who": "Retirar a {name}",
    "admin.removed": "Retirados ({n})",
    "admin.reset": "Reiniciar…",
    "admin.reset_ask": "¿Reiniciar el cuestionario? Se borran todos los jugadores y todas las respuestas de esta sesión, y los teléfonos tendrán que volver a unirse.",
    "admin.reset_failed": "No se pudo reiniciar ({status}).",
    "admin.reset_ok": "Reiniciar",
    "ask.cancel": "Cancelar",
    "conflict.ask": "¿Dejar que el nuevo dispositivo juegue como «{name}»? El teléfono que juega ahora con ese nombre queda fuera.",
    "conflict.let_in": "Dejar entrar a este dispositivo",
    "conflict.ok": "Dejar entrar",
    "conflict.typing": "Ha escrito el nombre «{name}».",
    "conflict.wants": "Otro dispositivo quiere jugar como {name}.",
    "control.more": "+15 s",
    "control.more_long": "Añadir 15 segundos",
    "control.pause": "Pausar",
    "control.paused": "En pausa: las respuestas esperan, el reloj está parado",
    "control.reopen": "Reabrir la pregunta {n}",
    "control.resume": "Reanudar",
    "end.answer": "Respuesta: {answer}",
    "end.answered": "respondidas",
    "end.correct": "correctas",
    "end.no_answer": "sin respuesta",
    "end.of_players.one": "de {n} jugador",
    "end.of_players.other": "de {n} jugadores",
    "end.points": "puntos",
    "end.thanks": "¡Gracias por jugar!",
    "end.title": "¡Se acabó!",
    "end.title_of": "{title}: ¡se acabó!",
    "end.you": "Tú: {answer}",
    "end.you_finished": "Has terminado",
    "end.your_answers": "Tus respuestas",
    "error.bad_answer": "No se puede aceptar esa respuesta: revísala y envíala de nuevo.",
    "error.bad_name": "Escribe un nombre de 1 a 40 letras, sin caracteres especiales.",
    "error.bad_student_id": "Escribe un ID de alumno de 1 a 64 caracteres.",
    "error.busy": "Hay un cuestionario en curso: primero muestra los resultados finales o reinícialo.",
    "error.changed": "Este cuestionario se ha modificado en otro lugar desde que lo abriste.",
    "error.export_failed": "No se pudieron guardar los resultados en la carpeta de exportación.",
    "error.finished": "El cuestionario ha terminado; reinícialo para volver a jugar.",
    "error.id_in_use": "Este ID de alumno ya está jugando en otro dispositivo. Pide al profesor que deje entrar a este dispositivo.",
    "error.kicked": "El profesor te ha retirado de este cuestionario.",
    "error.not_on_roster": "Ese ID de alumno no está en la lista de clase: revísalo o pregunta al profesor.",
    "error.not_open": "Esta pregunta ya no está abierta.",
    "error.paused": "El profesor ha pausado la pregunta: espera un momento.",
    "error.replaced": "Tu ID de alumno está jugando ahora en otro dispositivo.",
    "error.session_full": "Este cuestionario está completo.",
    "error.stale": "El cuestionario ya había avanzado; se ha ignorado esa pulsación.",
    "error.storage_failed": "El cuestionario no pudo guardar esto: se volverá a intentar.",
    "error.time_expired": "Demasiado tarde: se acabó el tiempo.",
    "error.too_many_attempts": "Demasiadas contraseñas incorrectas; espera un minuto.",
    "error.too_many_joins": "Demasiados intentos de unirse desde esta dirección; espera un minuto.",
    "error.unknown_session": "Ese cuestionario ya no está en curso; recarga la página para unirte al actual.",
    "error.wrong_password": "Esa no es la contraseña de administrador.",
    "final.hardest": "Para repasar: las preguntas más difíciles",
    "final.hide_ids": "Ocultar los ID de alumno",
    "final.nobody": "Nadie ha jugado.",
    "final.show_ids": "Mostrar los ID de alumno",
    "final.title": "Resultados finales",
    "flag.more_answered": "Más alumnos respondieron {answer} que la respuesta correcta, {right}.",
    "flag.more_chose": "Más alumnos eligieron {answer} que la respuesta correcta, {right}.",
    "flag.more_ordered": "Más alumnos eligieron el orden {answer} que la respuesta correcta, {right}.",
    "flag.most_answered": "La mayoría de la clase respondió {answer}; la respuesta es {right}.",
    "flag.most_chose": "La mayoría de la clase eligió {answer}; la respuesta es {right}.",
    "flag.most_ordered": "La mayoría de la clase eligió el orden {answer}; la respuesta es {right}.",
    "flag.negative": "Los alumnos con totales altos fallaron esta pregunta más que los demás: revisa la pregunta y su respuesta.",
    "flag.nobody": "Nadie respondió.",
    "flag.none_right": "Ninguna de las {n} respuestas fue correcta.",
    "flag.only_right": "Solo {right} de {n} acertaron.",
    "gone.join_again": "Volver a unirme",
    "gone.kicked.detail": "El profesor te ha quitado de la lista. Si crees que es un error, pregúntale.",
    "gone.kicked.title": "Te han retirado de este cuestionario",
    "gone.left.detail": "Puede que el profesor haya reiniciado el cuestionario o te haya retirado. Vuelve a unirte para jugar.",
    "gone.left.title": "Ya no estás en este cuestionario",
    "gone.replaced.detail": "El profesor ha dejado entrar a otro teléfono con tu ID. Si no has sido tú, avisa al profesor.",
    "gone.replaced.title": "Tu ID de alumno está jugando en otro dispositivo",
    "gone.reset.detail": "Se ha borrado todo. Vuelve a unirte para jugar.",
    "gone.reset.title": "El profesor ha reiniciado el cuestionario",
    "import.added": "Se ha añadido «{title}» ({file}).",
    "import.choose": "Primero elige un archivo de cuestionario.",
    "import.done": "Se ha importado «{title}»: {questions} en {file}.",
    "import.failed": "No se pudo añadir el archivo ({status}).",
    "import.open": "Abrirlo en el editor",
    "import.replace": "Reemplazar {file}",
    "import.replaced": "Se ha reemplazado «{title}» ({file}).",
    "import.skipped.one": "Se ha omitido {n} pregunta:",
    "import.skipped.other": "Se han omitido {n} preguntas:",
    "import.skipped_one": "Pregunta {n}: {why}",
    "import.too_large": "Ese archivo es demasiado grande.",
    "join.button": "Unirme",
    "join.failed": "No se pudo entrar ({status}).",
    "join.id": "ID de alumno",
    "join.joining": "Entrando…",
    "join.name": "Tu nombre",
    "join.name_hint": "Todos lo verán en la pantalla grande.",
    "join.title": "Únete al cuestionario",
    "join.to_play": "Únete para jugar.",
    "join.type_id": "Escribe tu ID de alumno.",
    "join.type_name": "Escribe tu nombre.",
    "join.unreachable": "No se puede conectar con el cuestionario. Comprueba el wifi y vuelve a intentarlo.",
    "join.waiting": "Esperando…",
    "key.space": "Espacio",
    "lang.ar": "العربية",
    "lang.de": "Deutsch",
    "lang.en": "English",
    "lang.es": "Español",
    "lang.fr": "Français",
    "lang.pt": "Português",
    "loading": "Cargando…",
    "lobby.are_in.one": "jugador en la sala",
    "lobby.are_in.other": "jugadores en la sala",
    "lobby.how": "Escanea el código QR o escribe la dirección que aparece al lado para unirte.",
    "lobby.in": "¡Ya estás dentro!",
    "lobby.start": "Pulsa Empezar (o Espacio) cuando estén todos.",
    "lobby.wait": "Espera a que el profesor empiece. No cierres esta página.",
    "login.button": "Iniciar sesión",
    "login.failed": "No se pudo iniciar sesión ({status}).",
    "login.password": "Contraseña de administrador",
    "login.title": "quizbox · profesor",
    "login.unreachable": "No se puede conectar con el servidor.",
    "manage.copy": "Copiar",
    "manage.delete": "Eliminar",
    "manage.delete_ask": "¿Eliminar el cuestionario «{title}» ({file})? Se guarda en la carpeta .deleted de la carpeta pools, desde donde el administrador del sistema puede recuperarlo.",
    "manage.delete_failed": "No se pudo eliminar ({status}).",
    "manage.edit": "Editar",
    "manage.import": "Importar",
    "manage.import_label": "Importar desde Kahoot (.xlsx, .csv), Moodle (GIFT, Aiken) o un archivo .json de quizbox",
    "manage.invalid": "no es un cuestionario válido",
    "manage.live": "activo",
    "manage.make_live": "Activar",
    "manage.new": "+ Nuevo cuestionario",
    "manage.players.one": "{n} jugador",
    "manage.players.other": "{n} jugadores",
    "manage.pools": "Cuestionarios en este equipo",
    "manage.sessions": "Sesiones anteriores",
    "manage.summary": "Cuestionarios y resultados anteriores",
    "manage.switch": "Cambiar",
    "manage.switch_ask": "¿Cambiar la clase a «{title}»? Los teléfonos pasan al nuevo cuestionario y vuelven a unirse.",
    "manage.switch_failed": "No se pudo cambiar ({status}).",
    "open.give_number": "Escribe un número de {min} a {max} en tu teléfono.",
    "open.multi": "Elige todas las respuestas correctas.",
    "open.order": "Pon estos elementos en el orden correcto.",
    "open.type_it": "Escribe la respuesta en tu teléfono.",
    "q.locked": "Respuesta {answer} registrada. Espera a ver la solución.",
    "q.locked_tag": "Registrada",
    "q.multi_hint": "Toca todas las respuestas correctas y luego envía.",
    "q.nothing_picked": "Aún no has elegido nada.",
    "q.number": "Pregunta {n} de {count}",
    "q.number_range": "Tu respuesta, de {min} a {max}",
    "q.order_hint": "Toca los elementos en el orden correcto, empezando por el primero.",
    "q.paused": "Pausado por el profesor",
    "q.picture": "Imagen de la pregunta",
    "q.poll": "Es una encuesta: no hay respuestas incorrectas.",
    "q.seconds_left": "segundos restantes",
    "q.send": "Enviar respuesta",
    "q.send_order": "Enviar este orden",
    "q.sending": "Enviando…",
    "q.sending_again": "Reenviando…",
    "q.times_up": "¡Se acabó el tiempo!",
    "q.too_late": "Demasiado tarde: se acabó el tiempo.",
    "q.type_answer": "Escribe tu respuesta",
    "q.undo": "Deshacer",
    "q.wait_paused": "Espera: el profesor ha pausado la pregunta.",
    "q.your_answer": "Tu respuesta",
    "reconnecting": "Reconectando…",
    "report.absent": "ausentes",
    "report.absent_one": "ausente",
    "report.average": "puntos de media",
    "report.class": "La clase",
    "report.col_answer": "Respuesta",
    "report.col_answered": "Respondidas",
    "report.col_answers": "Respuestas",
    "report.col_discrimination": "Discriminación",
    "report.col_note": "Observación",
    "report.col_question": "Pregunta",
    "report.col_right": "Aciertos",
    "report.col_time": "Tiempo medio",
    "report.failed": "No se pudo cargar el informe ({status}).",
    "report.go_over": "Preguntas para repasar",
    "report.login": "Primero inicia sesión en la página del profesor (/admin/) y luego vuelve a abrir este informe.",
    "report.median": "mediana",
    "report.no_totals": "Aún no hay totales.",
    "report.none_flagged": "Ninguna pregunta destaca: ¡buen trabajo!",
    "report.number_spread": "mín. {min} · mediana {median} · máx. {max}",
    "report.played": "preguntas jugadas",
    "report.players": "jugadores",
    "report.poll": "encuesta",
    "report.print": "Imprimir",
    "report.q_short": "P{n}",
    "report.question_n": "Pregunta {n}",
    "report.questions": "Preguntas",
    "report.removed_one": "retirado",
    "report.so_far": "hasta ahora",
    "report.spread": "Distribución de los totales",
    "report.stdev": "dispersión (desv. típica)",
    "report.students": "Alumnos",
    "report.title": "Informe",
    "results.csv": "Descargar resultados (CSV)",
    "results.csv_short": "CSV",
    "results.of": "{what} de {title}",
    "results.report": "Informe",
    "results.sheet": "Hoja de cálculo",
    "results.xlsx": "Hoja de cálculo (.xlsx)",
    "reveal.correct": "¡Correcto!",
    "reveal.did_not_vote": "No has votado",
    "reveal.gain.one": "+{n} punto",
    "reveal.gain.other": "+{n} puntos",
    "reveal.no_answer": "Sin respuesta",
    "reveal.nobody": "Nadie ha jugado todavía.",
    "reveal.partly": "Parcialmente correcto",
    "reveal.points_in_all": "puntos en total",
    "reveal.rank_of": "tu puesto de {n}",
    "reveal.thanks_vote": "¡Gracias por votar!",
    "reveal.the_answer": "La respuesta",
    "reveal.top5": "Los cinco mejores",
    "reveal.wait_final": "Espera los resultados finales…",
    "reveal.wait_next": "Espera la siguiente pregunta…",
    "reveal.wrong": "Esta vez no",
    "reveal.you_answered": "Has respondido {answer}.",
    "reveal.you_chose": "Has elegido {answer}.",
    "reveal.you_typed": "Has respondido «{answer}».",
    "reveal.you_voted": "Has votado {answer}",
    "reveal.your_order": "Tu orden: {answer}",
    "reveal.your_rank": "tu puesto",
    "roster.clear": "Borrarla",
    "roster.clear_ask": "¿Borrar la lista de clase? Entonces cualquiera podrá unirse con cualquier ID y nombre.",
    "roster.cleared": "Lista de clase borrada.",
    "roster.empty": "Primero pega la lista o elige su archivo.",
    "roster.failed": "No se pudo cargar la lista de clase ({status}).",
    "roster.file": "Archivo de la lista de clase (CSV)",
    "roster.label": "Pega la lista de clase (ID de alumno, nombre; un alumno por línea) o elige su archivo CSV",
    "roster.loaded": "Lista de clase cargada: {n} alumnos.",
    "roster.none": "Sin lista de clase: cualquiera puede unirse con cualquier ID y nombre.",
    "roster.status": "Lista de clase: {n} alumnos, {joined} conectados. Solo ellos pueden unirse, con los nombres de la lista.",
    "roster.title": "Lista de clase",
    "roster.use": "Usar esta lista de clase",
    "state.finished": "terminado",
    "state.lobby": "sala de espera",
    "state.question_closed": "pregunta cerrada",
    "state.question_open": "pregunta abierta",
    "step.final": "Mostrar resultados finales",
    "step.next": "Siguiente pregunta",
    "step.reveal": "Revelar ahora",
    "step.start": "Empezar",
    "table.id": "ID",
    "table.name": "Nombre",
    "table.points": "Puntos",
}

STRINGS_FR = {
    "count.answered": "{n} / {total} ont répondu",
    "count.right": "{n} sur {total} ont trouvé",
    "count.median": "médiane {n}",
    "reveal.correct_mark": "(bonne réponse)",
    "report.seconds": "{n} s",
    "announce.open": "La question {n} est ouverte.",
    "announce.closed": "Question {n} : la réponse est affichée.",
    "announce.final": "Les résultats finaux sont affichés.",
    "final.pts.one": "{n} pt",
    "final.pts.other": "{n} pts",
    "admin.finished": "Terminé",
    "admin.join_at": "Rejoindre sur",
    "admin.joined.one": "joueur connecté",
    "admin.joined.other": "joueurs connectés",
    "admin.keys_hint": "Espace ou → : étape suivante",
    "admin.language": "Langue de cette page",
    "admin.let_back": "Réadmettre",
    "admin.logout": "Se déconnecter",
    "admin.no_answer": "Le serveur n’a pas répondu ({status}). Nouvelle tentative…",
    "admin.not_connected": "Pas encore connecté au serveur.",
    "admin.participants": "Participants",
    "admin.qr": "QR code de l’adresse pour rejoindre",
    "admin.questions.one": "{n} question",
    "admin.questions.other": "{n} questions",
    "admin.remove": "Retirer",
    "admin.remove_ask": "Retirer « {name} » du quiz ? Son téléphone est déconnecté et ne pourra plus rejoindre, sauf si vous le réadmettez.",
    "admin.remove_who": "Retirer {name}",
    "admin.removed": "Retirés ({n})",
    "admin.reset": "Réinitialiser…",
    "admin.reset_ask": "Réinitialiser le quiz ? Tous les joueurs et toutes les réponses de cette session sont supprimés, et les téléphones devront rejoindre à nouveau.",
    "admin.reset_failed": "Échec de la réinitialisation ({status}).",
    "admin.reset_ok": "Réinitialiser",
    "ask.cancel": "Annuler",
    "conflict.ask": "Laisser le nouvel appareil jouer sous le nom « {name} » ? Le téléphone qui joue actuellement sous ce nom sera déconnecté.",
    "conflict.let_in": "Laisser entrer cet appareil",
    "conflict.ok": "Laisser entrer",
    "conflict.typing": "Il a saisi le nom « {name} ».",
    "conflict.wants": "Un autre appareil veut jouer sous le nom {name}.",
    "control.more": "+15 s",
    "control.more_long": "Ajouter 15 secondes",
    "control.pause": "Pause",
    "control.paused": "En pause : les réponses attendent, le chrono est arrêté",
    "control.reopen": "Rouvrir la question {n}",
    "control.resume": "Reprendre",
    "end.answer": "Réponse : {answer}",
    "end.answered": "répondues",
    "end.correct": "justes",
    "end.no_answer": "pas de réponse",
    "end.of_players.one": "sur {n} joueur",
    "end.of_players.other": "sur {n} joueurs",
    "end.points": "points",
    "end.thanks": "Merci d’avoir joué !",
    "end.title": "C’est fini !",
    "end.title_of": "{title} : c’est fini !",
    "end.you": "Toi : {answer}",
    "end.you_finished": "Tu as terminé",
    "end.your_answers": "Tes réponses",
    "error.bad_answer": "Cette réponse ne peut pas être acceptée : vérifie-la et renvoie-la.",
    "error.bad_name": "Écris un nom de 1 à 40 lettres, sans caractères spéciaux.",
    "error.bad_student_id": "Écris un identifiant élève de 1 à 64 caractères.",
    "error.busy": "Un quiz est en cours : affichez d’abord les résultats finaux ou réinitialisez-le.",
    "error.changed": "Ce quiz a été modifié ailleurs depuis que vous l’avez ouvert.",
    "error.export_failed": "Les résultats n’ont pas pu être écrits dans le dossier d’export.",
    "error.finished": "Le quiz est terminé ; réinitialisez-le pour rejouer.",
    "error.id_in_use": "Cet identifiant élève joue déjà sur un autre appareil. Demande au professeur de laisser entrer cet appareil.",
    "error.kicked": "Le professeur a retiré ton nom de ce quiz.",
    "error.not_on_roster": "Cet identifiant élève n’est pas sur la liste de la classe : vérifie-le ou demande au professeur.",
    "error.not_open": "Cette question n’est plus ouverte.",
    "error.paused": "Le professeur a mis la question en pause : attends un instant.",
    "error.replaced": "Ton identifiant élève joue maintenant sur un autre appareil.",
    "error.session_full": "Ce quiz est complet.",
    "error.stale": "Le quiz était déjà passé à la suite ; cette action a été ignorée.",
    "error.storage_failed": "Le quiz n’a pas pu enregistrer ceci : nouvel essai en cours.",
    "error.time_expired": "Trop tard : le temps était écoulé.",
    "error.too_many_attempts": "Trop de mots de passe erronés ; attendez une minute.",
    "error.too_many_joins": "Trop de connexions depuis cette adresse ; réessaie dans une minute.",
    "error.unknown_session": "Ce quiz n’est plus en cours ; recharge la page pour rejoindre le quiz actuel.",
    "error.wrong_password": "Ce n’est pas le mot de passe administrateur.",
    "final.hardest": "À revoir : les questions les plus difficiles",
    "final.hide_ids": "Masquer les identifiants élèves",
    "final.nobody": "Personne n’a joué.",
    "final.show_ids": "Afficher les identifiants élèves",
    "final.title": "Résultats finaux",
    "flag.more_answered": "Plus d’élèves ont répondu {answer} que la bonne réponse, {right}.",
    "flag.more_chose": "Plus d’élèves ont choisi {answer} que la bonne réponse, {right}.",
    "flag.more_ordered": "Plus d’élèves ont choisi l’ordre {answer} que la bonne réponse, {right}.",
    "flag.most_answered": "La majorité de la classe a répondu {answer} ; la réponse est {right}.",
    "flag.most_chose": "La majorité de la classe a choisi {answer} ; la réponse est {right}.",
    "flag.most_ordered": "La majorité de la classe a choisi l’ordre {answer} ; la réponse est {right}.",
    "flag.negative": "Les élèves aux meilleurs totaux se sont trompés ici plus souvent que les autres : vérifiez la question et sa réponse.",
    "flag.nobody": "Personne n’a répondu.",
    "flag.none_right": "Aucune des {n} réponses n’était juste.",
    "flag.only_right": "Seulement {right} sur {n} ont bien répondu.",
    "gone.join_again": "Rejoindre à nouveau",
    "gone.kicked.detail": "Le professeur a retiré ton nom de la liste. Si tu penses que c’est une erreur, demande-lui.",
    "gone.kicked.title": "Ton nom a été retiré de ce quiz",
    "gone.left.detail": "Le professeur a peut-être relancé le quiz ou retiré ton nom. Rejoins-le à nouveau pour jouer.",
    "gone.left.title": "Tu ne fais plus partie de ce quiz",
    "gone.replaced.detail": "Le professeur a laissé entrer un autre téléphone avec ton identifiant. Si ce n’était pas toi, préviens le professeur.",
    "gone.replaced.title": "Ton identifiant élève joue sur un autre appareil",
    "gone.reset.detail": "Tout a été effacé. Rejoins à nouveau le quiz pour jouer.",
    "gone.reset.title": "Le professeur a relancé le quiz",
    "import.added": "« {title} » ajouté ({file}).",
    "import.choose": "Choisissez d’abord un fichier de quiz.",
    "import.done": "« {title} » importé : {questions} dans {file}.",
    "import.failed": "Le fichier n’a pas pu être ajouté ({status}).",
    "import.open": "L’ouvrir dans l’éditeur",
    "import.replace": "Remplacer {file}",
    "import.replaced": "« {title} » remplacé ({file}).",
    "import.skipped.one": "{n} question a été ignorée :",
    "import.skipped.other": "{n} questions ont été ignorées :",
    "import.skipped_one": "Question {n} : {why}",
    "import.too_large": "Ce fichier est trop volumineux.",
    "join.button": "Rejoindre",
    "join.failed": "Impossible de rejoindre ({status}).",
    "join.id": "Identifiant élève",
    "join.joining": "Connexion…",
    "join.name": "Ton nom",
    "join.name_hint": "Tout le monde le verra sur le grand écran.",
    "join.title": "Rejoindre le quiz",
    "join.to_play": "Rejoins le quiz pour jouer.",
    "join.type_id": "Saisis ton identifiant élève.",
    "join.type_name": "Saisis ton nom.",
    "join.unreachable": "Impossible de joindre le quiz. Vérifie le Wi-Fi et réessaie.",
    "join.waiting": "En attente…",
    "key.space": "Espace",
    "lang.ar": "العربية",
    "lang.de": "Deutsch",
    "lang.en": "English",
    "lang.es": "Español",
    "lang.fr": "Français",
    "lang.pt": "Português",
    "loading": "Chargement…",
    "lobby.are_in.one": "joueur présent",
    "lobby.are_in.other": "joueurs présents",
    "lobby.how": "Scannez le QR code ou saisissez l’adresse indiquée à côté pour rejoindre.",
    "lobby.in": "Tu es dans la partie !",
    "lobby.start": "Appuyez sur Démarrer (ou Espace) quand tout le monde est là.",
    "lobby.wait": "Attends que le professeur lance le quiz. Garde cette page ouverte.",
    "login.button": "Se connecter",
    "login.failed": "Échec de la connexion ({status}).",
    "login.password": "Mot de passe administrateur",
    "login.title": "quizbox · professeur",
    "login.unreachable": "Impossible de joindre le serveur.",
    "manage.copy": "Copier",
    "manage.delete": "Supprimer",
    "manage.delete_ask": "Supprimer le quiz « {title} » ({file}) ? Il est conservé dans le dossier .deleted du dossier pools, d’où l’administrateur du système peut le récupérer.",
    "manage.delete_failed": "Suppression impossible ({status}).",
    "manage.edit": "Modifier",
    "manage.import": "Importer",
    "manage.import_label": "Importer depuis Kahoot (.xlsx, .csv), Moodle (GIFT, Aiken) ou un fichier .json de quizbox",
    "manage.invalid": "quiz non valide",
    "manage.live": "actif",
    "manage.make_live": "Activer",
    "manage.new": "+ Nouveau quiz",
    "manage.players.one": "{n} joueur",
    "manage.players.other": "{n} joueurs",
    "manage.pools": "Quiz sur ce boîtier",
    "manage.sessions": "Sessions passées",
    "manage.summary": "Quiz et résultats passés",
    "manage.switch": "Changer",
    "manage.switch_ask": "Faire passer la classe à « {title} » ? Les téléphones passent au nouveau quiz et le rejoignent à nouveau.",
    "manage.switch_failed": "Changement impossible ({status}).",
    "open.give_number": "Donnez un nombre de {min} à {max} sur votre téléphone.",
    "open.multi": "Choisissez toutes les bonnes réponses.",
    "open.order": "Remettez ces éléments dans le bon ordre.",
    "open.type_it": "Tapez la réponse sur votre téléphone.",
    "q.locked": "Réponse {answer} validée. Attends la correction.",
    "q.locked_tag": "Validée",
    "q.multi_hint": "Touche toutes les bonnes réponses, puis envoie.",
    "q.nothing_picked": "Rien de choisi pour l’instant.",
    "q.number": "Question {n} sur {count}",
    "q.number_range": "Ta réponse, de {min} à {max}",
    "q.order_hint": "Touche les éléments dans le bon ordre, en commençant par le premier.",
    "q.paused": "Mis en pause par le professeur",
    "q.picture": "Image de la question",
    "q.poll": "Un sondage : il n’y a pas de mauvaise réponse.",
    "q.seconds_left": "secondes restantes",
    "q.send": "Envoyer la réponse",
    "q.send_order": "Envoyer cet ordre",
    "q.sending": "Envoi…",
    "q.sending_again": "Nouvel envoi…",
    "q.times_up": "Temps écoulé !",
    "q.too_late": "Trop tard : le temps était écoulé.",
    "q.type_answer": "Écris ta réponse",
    "q.undo": "Annuler",
    "q.wait_paused": "Attends : le professeur a mis la question en pause.",
    "q.your_answer": "Ta réponse",
    "reconnecting": "Reconnexion…",
    "report.absent": "absents",
    "report.absent_one": "absent",
    "report.average": "points en moyenne",
    "report.class": "La classe",
    "report.col_answer": "Réponse",
    "report.col_answered": "Répondues",
    "report.col_answers": "Réponses",
    "report.col_discrimination": "Discrimination",
    "report.col_note": "Remarque",
    "report.col_question": "Question",
    "report.col_right": "Justes",
    "report.col_time": "Temps moyen",
    "report.failed": "Le rapport n’a pas pu être chargé ({status}).",
    "report.go_over": "Questions à revoir",
    "report.login": "Connectez-vous d’abord sur la page du professeur (/admin/), puis rouvrez ce rapport.",
    "report.median": "médiane",
    "report.no_totals": "Pas encore de totaux.",
    "report.none_flagged": "Aucune question ne se démarque : bravo.",
    "report.number_spread": "min {min} · médiane {median} · max {max}",
    "report.played": "questions jouées",
    "report.players": "joueurs",
    "report.poll": "sondage",
    "report.print": "Imprimer",
    "report.q_short": "Q{n}",
    "report.question_n": "Question {n}",
    "report.questions": "Questions",
    "report.removed_one": "retiré",
    "report.so_far": "pour l’instant",
    "report.spread": "Répartition des totaux",
    "report.stdev": "dispersion (écart-type)",
    "report.students": "Élèves",
    "report.title": "Rapport",
    "results.csv": "Télécharger les résultats (CSV)",
    "results.csv_short": "CSV",
    "results.of": "{what} de {title}",
    "results.report": "Rapport",
    "results.sheet": "Tableur",
    "results.xlsx": "Tableur (.xlsx)",
    "reveal.correct": "Bonne réponse !",
    "reveal.did_not_vote": "Tu n’as pas voté",
    "reveal.gain.one": "+{n} point",
    "reveal.gain.other": "+{n} points",
    "reveal.no_answer": "Pas de réponse",
    "reveal.nobody": "Personne n’a encore joué.",
    "reveal.partly": "En partie juste",
    "reveal.points_in_all": "points au total",
    "reveal.rank_of": "ton rang sur {n}",
    "reveal.thanks_vote": "Merci d’avoir voté !",
    "reveal.the_answer": "La réponse",
    "reveal.top5": "Top 5",
    "reveal.wait_final": "Attends les résultats finaux…",
    "reveal.wait_next": "Attends la question suivante…",
    "reveal.wrong": "Pas cette fois",
    "reveal.you_answered": "Tu as répondu {answer}.",
    "reveal.you_chose": "Tu as choisi {answer}.",
    "reveal.you_typed": "Tu as répondu « {answer} ».",
    "reveal.you_voted": "Tu as voté {answer}",
    "reveal.your_order": "Ton ordre : {answer}",
    "reveal.your_rank": "ton rang",
    "roster.clear": "L’effacer",
    "roster.clear_ask": "Effacer la liste de la classe ? N’importe qui pourra alors rejoindre avec n’importe quel identifiant et nom.",
    "roster.cleared": "Liste de la classe effacée.",
    "roster.empty": "Collez d’abord la liste ou choisissez son fichier.",
    "roster.failed": "Impossible de charger la liste de la classe ({status}).",
    "roster.file": "Fichier de la liste de la classe (CSV)",
    "roster.label": "Collez la liste de la classe (identifiant élève, nom ; un élève par ligne) ou choisissez son fichier CSV",
    "roster.loaded": "Liste de la classe chargée : {n} élèves.",
    "roster.none": "Pas de liste de classe : n’importe qui peut rejoindre avec n’importe quel identifiant et nom.",
    "roster.status": "Liste de la classe : {n} élèves, {joined} connectés. Eux seuls peuvent rejoindre, avec les noms de la liste.",
    "roster.title": "Liste de la classe",
    "roster.use": "Utiliser cette liste",
    "state.finished": "terminé",
    "state.lobby": "salle d’attente",
    "state.question_closed": "question fermée",
    "state.question_open": "question ouverte",
    "step.final": "Afficher les résultats finaux",
    "step.next": "Question suivante",
    "step.reveal": "Révéler maintenant",
    "step.start": "Démarrer",
    "table.id": "Identifiant",
    "table.name": "Nom",
    "table.points": "Points",
}

STRINGS_DE = {
    "count.answered": "{n} / {total} haben geantwortet",
    "count.right": "{n} von {total} lagen richtig",
    "count.median": "Median {n}",
    "reveal.correct_mark": "(richtig)",
    "report.seconds": "{n} s",
    "announce.open": "Frage {n} ist offen.",
    "announce.closed": "Frage {n}: die Antwort wird gezeigt.",
    "announce.final": "Die Endergebnisse werden gezeigt.",
    "final.pts.one": "{n} Pkt.",
    "final.pts.other": "{n} Pkt.",
    "admin.finished": "Beendet",
    "admin.join_at": "Mitmachen unter",
    "admin.joined.one": "Spieler beigetreten",
    "admin.joined.other": "Spieler beigetreten",
    "admin.keys_hint": "Leertaste oder → : nächster Schritt",
    "admin.language": "Sprache dieser Seite",
    "admin.let_back": "Wieder zulassen",
    "admin.logout": "Abmelden",
    "admin.no_answer": "Der Server hat nicht geantwortet ({status}). Neuer Versuch…",
    "admin.not_connected": "Noch nicht mit dem Server verbunden.",
    "admin.participants": "Teilnehmende",
    "admin.qr": "QR-Code der Beitrittsadresse",
    "admin.questions.one": "{n} Frage",
    "admin.questions.other": "{n} Fragen",
    "admin.remove": "Entfernen",
    "admin.remove_ask": "„{name}“ aus dem Quiz entfernen? Das Handy wird abgemeldet und kann erst wieder beitreten, wenn Sie es wieder zulassen.",
    "admin.remove_who": "{name} entfernen",
    "admin.removed": "Entfernt ({n})",
    "admin.reset": "Zurücksetzen…",
    "admin.reset_ask": "Quiz zurücksetzen? Alle Spieler und alle Antworten dieser Sitzung werden gelöscht, und die Handys müssen erneut beitreten.",
    "admin.reset_failed": "Zurücksetzen fehlgeschlagen ({status}).",
    "admin.reset_ok": "Zurücksetzen",
    "ask.cancel": "Abbrechen",
    "conflict.ask": "Das neue Gerät als „{name}“ spielen lassen? Das Handy, das jetzt unter diesem Namen spielt, wird abgemeldet.",
    "conflict.let_in": "Dieses Gerät zulassen",
    "conflict.ok": "Zulassen",
    "conflict.typing": "Es hat den Namen „{name}“ eingegeben.",
    "conflict.wants": "Ein anderes Gerät möchte als {name} spielen.",
    "control.more": "+15 s",
    "control.more_long": "15 Sekunden hinzufügen",
    "control.pause": "Pause",
    "control.paused": "Pausiert: Antworten warten, die Uhr steht",
    "control.reopen": "Frage {n} wieder öffnen",
    "control.resume": "Fortsetzen",
    "end.answer": "Antwort: {answer}",
    "end.answered": "beantwortet",
    "end.correct": "richtig",
    "end.no_answer": "keine Antwort",
    "end.of_players.one": "von {n} Spieler",
    "end.of_players.other": "von {n} Spielern",
    "end.points": "Punkte",
    "end.thanks": "Danke fürs Mitspielen!",
    "end.title": "Das war’s!",
    "end.title_of": "{title}: Das war’s!",
    "end.you": "Du: {answer}",
    "end.you_finished": "Du bist fertig",
    "end.your_answers": "Deine Antworten",
    "error.bad_answer": "Diese Antwort kann nicht angenommen werden: Prüfe sie und sende sie erneut.",
    "error.bad_name": "Gib einen Namen mit 1 bis 40 Buchstaben ein, ohne Sonderzeichen.",
    "error.bad_student_id": "Gib eine Schüler-ID mit 1 bis 64 Zeichen ein.",
    "error.busy": "Ein Quiz läuft gerade: Zeigen Sie zuerst das Endergebnis an oder setzen Sie das Quiz zurück.",
    "error.changed": "Dieses Quiz wurde an anderer Stelle geändert, seit Sie es geöffnet haben.",
    "error.export_failed": "Die Ergebnisse konnten nicht in den Exportordner geschrieben werden.",
    "error.finished": "Das Quiz ist beendet; setzen Sie es zurück, um erneut zu spielen.",
    "error.id_in_use": "Diese Schüler-ID spielt bereits auf einem anderen Gerät. Bitte frag die Lehrkraft, ob sie dieses Gerät zulässt.",
    "error.kicked": "Die Lehrkraft hat dich aus diesem Quiz entfernt.",
    "error.not_on_roster": "Diese Schüler-ID steht nicht auf der Klassenliste: Prüfe sie oder frag die Lehrkraft.",
    "error.not_open": "Diese Frage ist nicht mehr offen.",
    "error.paused": "Die Lehrkraft hat die Frage pausiert: Warte einen Moment.",
    "error.replaced": "Deine Schüler-ID spielt jetzt auf einem anderen Gerät.",
    "error.session_full": "Dieses Quiz ist voll.",
    "error.stale": "Das Quiz war schon weiter; dieser Klick wurde ignoriert.",
    "error.storage_failed": "Das Quiz konnte dies nicht speichern: Es wird erneut versucht.",
    "error.time_expired": "Zu spät: Die Zeit war abgelaufen.",
    "error.too_many_attempts": "Zu viele falsche Passwörter; warten Sie eine Minute.",
    "error.too_many_joins": "Zu viele Beitritte von dieser Adresse; bitte eine Minute warten.",
    "error.unknown_session": "Dieses Quiz läuft nicht mehr; lade die Seite neu, um dem aktuellen Quiz beizutreten.",
    "error.wrong_password": "Das ist nicht das Admin-Passwort.",
    "final.hardest": "Zum Wiederholen: die schwierigsten Fragen",
    "final.hide_ids": "Schüler-IDs ausblenden",
    "final.nobody": "Niemand hat gespielt.",
    "final.show_ids": "Schüler-IDs anzeigen",
    "final.title": "Endergebnis",
    "flag.more_answered": "Mehr Schüler haben {answer} geantwortet als die richtige Antwort, {right}.",
    "flag.more_chose": "Mehr Schüler haben {answer} gewählt als die richtige Antwort, {right}.",
    "flag.more_ordered": "Mehr Schüler haben die Reihenfolge {answer} gewählt als die richtige, {right}.",
    "flag.most_answered": "Die meisten in der Klasse haben {answer} geantwortet; richtig ist {right}.",
    "flag.most_chose": "Die meisten in der Klasse haben {answer} gewählt; richtig ist {right}.",
    "flag.most_ordered": "Die meisten in der Klasse haben die Reihenfolge {answer} gewählt; richtig ist {right}.",
    "flag.negative": "Schüler mit hohen Gesamtpunkten lagen hier öfter falsch als andere: Prüfen Sie die Frage und ihre Antwort.",
    "flag.nobody": "Niemand hat geantwortet.",
    "flag.none_right": "Keine der {n} Antworten war richtig.",
    "flag.only_right": "Nur {right} von {n} haben richtig geantwortet.",
    "gone.join_again": "Erneut beitreten",
    "gone.kicked.detail": "Die Lehrkraft hat dich von der Liste genommen. Wenn du glaubst, dass das ein Fehler ist, frag nach.",
    "gone.kicked.title": "Du wurdest aus diesem Quiz entfernt",
    "gone.left.detail": "Die Lehrkraft hat das Quiz vielleicht neu gestartet oder dich entfernt. Tritt erneut bei, um zu spielen.",
    "gone.left.title": "Du bist nicht mehr in diesem Quiz",
    "gone.replaced.detail": "Die Lehrkraft hat ein anderes Handy mit deiner ID zugelassen. Wenn du das nicht warst, sag der Lehrkraft Bescheid.",
    "gone.replaced.title": "Deine Schüler-ID spielt auf einem anderen Gerät",
    "gone.reset.detail": "Alles wurde gelöscht. Tritt erneut bei, um zu spielen.",
    "gone.reset.title": "Die Lehrkraft hat das Quiz neu gestartet",
    "import.added": "„{title}“ hinzugefügt ({file}).",
    "import.choose": "Wählen Sie zuerst eine Quizdatei.",
    "import.done": "„{title}“ importiert: {questions} in {file}.",
    "import.failed": "Die Datei konnte nicht hinzugefügt werden ({status}).",
    "import.open": "Im Editor öffnen",
    "import.replace": "{file} ersetzen",
    "import.replaced": "„{title}“ ersetzt ({file}).",
    "import.skipped.one": "{n} Frage wurde ausgelassen:",
    "import.skipped.other": "{n} Fragen wurden ausgelassen:",
    "import.skipped_one": "Frage {n}: {why}",
    "import.too_large": "Diese Datei ist zu groß.",
    "join.button": "Beitreten",
    "join.failed": "Beitritt fehlgeschlagen ({status}).",
    "join.id": "Schüler-ID",
    "join.joining": "Beitritt läuft…",
    "join.name": "Dein Name",
    "join.name_hint": "Alle sehen ihn auf der großen Leinwand.",
    "join.title": "Dem Quiz beitreten",
    "join.to_play": "Tritt bei, um zu spielen.",
    "join.type_id": "Gib deine Schüler-ID ein.",
    "join.type_name": "Gib deinen Namen ein.",
    "join.unreachable": "Das Quiz ist nicht erreichbar. Prüfe das WLAN und versuch es noch einmal.",
    "join.waiting": "Warten…",
    "key.space": "Leertaste",
    "lang.ar": "العربية",
    "lang.de": "Deutsch",
    "lang.en": "English",
    "lang.es": "Español",
    "lang.fr": "Français",
    "lang.pt": "Português",
    "loading": "Wird geladen…",
    "lobby.are_in.one": "Spieler ist dabei",
    "lobby.are_in.other": "Spieler sind dabei",
    "lobby.how": "Scannt den QR-Code oder gebt die Adresse daneben ein, um beizutreten.",
    "lobby.in": "Du bist dabei!",
    "lobby.start": "Drücken Sie Start (oder die Leertaste), wenn alle da sind.",
    "lobby.wait": "Warte, bis die Lehrkraft startet. Lass diese Seite geöffnet.",
    "login.button": "Anmelden",
    "login.failed": "Anmeldung fehlgeschlagen ({status}).",
    "login.password": "Admin-Passwort",
    "login.title": "quizbox · Lehrkraft",
    "login.unreachable": "Der Server ist nicht erreichbar.",
    "manage.copy": "Kopieren",
    "manage.delete": "Löschen",
    "manage.delete_ask": "Das Quiz „{title}“ ({file}) löschen? Es wird im Ordner .deleted des pools-Ordners aufbewahrt, wo der Betreiber es wiederherstellen kann.",
    "manage.delete_failed": "Löschen fehlgeschlagen ({status}).",
    "manage.edit": "Bearbeiten",
    "manage.import": "Importieren",
    "manage.import_label": "Aus Kahoot (.xlsx, .csv), Moodle (GIFT, Aiken) oder einer quizbox-.json-Datei importieren",
    "manage.invalid": "kein gültiges Quiz",
    "manage.live": "aktiv",
    "manage.make_live": "Aktivieren",
    "manage.new": "+ Neues Quiz",
    "manage.players.one": "{n} Spieler",
    "manage.players.other": "{n} Spieler",
    "manage.pools": "Quizze auf dieser Box",
    "manage.sessions": "Frühere Sitzungen",
    "manage.summary": "Quizze und frühere Ergebnisse",
    "manage.switch": "Wechseln",
    "manage.switch_ask": "Die Klasse zu „{title}“ wechseln? Die Handys wechseln zum neuen Quiz und treten ihm erneut bei.",
    "manage.switch_failed": "Wechsel fehlgeschlagen ({status}).",
    "open.give_number": "Gebt auf dem Handy eine Zahl von {min} bis {max} ein.",
    "open.multi": "Wählt alle richtigen Antworten.",
    "open.order": "Bringt diese in die richtige Reihenfolge.",
    "open.type_it": "Gebt die Antwort auf dem Handy ein.",
    "q.locked": "Antwort {answer} ist eingeloggt. Warte auf die Auflösung.",
    "q.locked_tag": "Eingeloggt",
    "q.multi_hint": "Tippe alle richtigen Antworten an und sende sie dann ab.",
    "q.nothing_picked": "Noch nichts ausgewählt.",
    "q.number": "Frage {n} von {count}",
    "q.number_range": "Deine Antwort, von {min} bis {max}",
    "q.order_hint": "Tippe die Elemente in der richtigen Reihenfolge an, das erste zuerst.",
    "q.paused": "Von der Lehrkraft pausiert",
    "q.picture": "Bild zur Frage",
    "q.poll": "Eine Umfrage: Es gibt keine falsche Antwort.",
    "q.seconds_left": "Sekunden übrig",
    "q.send": "Antwort senden",
    "q.send_order": "Reihenfolge senden",
    "q.sending": "Wird gesendet…",
    "q.sending_again": "Wird erneut gesendet…",
    "q.times_up": "Die Zeit ist um!",
    "q.too_late": "Zu spät: Die Zeit war abgelaufen.",
    "q.type_answer": "Gib deine Antwort ein",
    "q.undo": "Rückgängig",
    "q.wait_paused": "Warte: Die Lehrkraft hat die Frage pausiert.",
    "q.your_answer": "Deine Antwort",
    "reconnecting": "Verbindung wird wiederhergestellt…",
    "report.absent": "abwesend",
    "report.absent_one": "abwesend",
    "report.average": "Punkte im Schnitt",
    "report.class": "Die Klasse",
    "report.col_answer": "Antwort",
    "report.col_answered": "Beantwortet",
    "report.col_answers": "Antworten",
    "report.col_discrimination": "Trennschärfe",
    "report.col_note": "Hinweis",
    "report.col_question": "Frage",
    "report.col_right": "Richtig",
    "report.col_time": "Ø Zeit",
    "report.failed": "Der Bericht konnte nicht geladen werden ({status}).",
    "report.go_over": "Fragen zum Wiederholen",
    "report.login": "Melden Sie sich zuerst auf der Lehrkraft-Seite (/admin/) an und öffnen Sie dann diesen Bericht erneut.",
    "report.median": "Median",
    "report.no_totals": "Noch keine Gesamtpunkte.",
    "report.none_flagged": "Keine Frage fällt auf: gut gemacht.",
    "report.number_spread": "Min. {min} · Median {median} · Max. {max}",
    "report.played": "Fragen gespielt",
    "report.players": "Spieler",
    "report.poll": "Umfrage",
    "report.print": "Drucken",
    "report.q_short": "F{n}",
    "report.question_n": "Frage {n}",
    "report.questions": "Fragen",
    "report.removed_one": "entfernt",
    "report.so_far": "bisher",
    "report.spread": "Verteilung der Gesamtpunkte",
    "report.stdev": "Streuung (Standardabw.)",
    "report.students": "Schüler",
    "report.title": "Bericht",
    "results.csv": "Ergebnisse herunterladen (CSV)",
    "results.csv_short": "CSV",
    "results.of": "{what} von {title}",
    "results.report": "Bericht",
    "results.sheet": "Tabelle",
    "results.xlsx": "Tabelle (.xlsx)",
    "reveal.correct": "Richtig!",
    "reveal.did_not_vote": "Du hast nicht abgestimmt",
    "reveal.gain.one": "+{n} Punkt",
    "reveal.gain.other": "+{n} Punkte",
    "reveal.no_answer": "Keine Antwort",
    "reveal.nobody": "Noch hat niemand gespielt.",
    "reveal.partly": "Teilweise richtig",
    "reveal.points_in_all": "Punkte insgesamt",
    "reveal.rank_of": "dein Platz von {n}",
    "reveal.thanks_vote": "Danke fürs Abstimmen!",
    "reveal.the_answer": "Die Antwort",
    "reveal.top5": "Top 5",
    "reveal.wait_final": "Warte auf das Endergebnis…",
    "reveal.wait_next": "Warte auf die nächste Frage…",
    "reveal.wrong": "Diesmal nicht",
    "reveal.you_answered": "Du hast {answer} geantwortet.",
    "reveal.you_chose": "Du hast {answer} gewählt.",
    "reveal.you_typed": "Du hast „{answer}“ geantwortet.",
    "reveal.you_voted": "Du hast für {answer} gestimmt",
    "reveal.your_order": "Deine Reihenfolge: {answer}",
    "reveal.your_rank": "dein Platz",
    "roster.clear": "Leeren",
    "roster.clear_ask": "Die Klassenliste leeren? Dann kann jeder mit beliebiger ID und beliebigem Namen beitreten.",
    "roster.cleared": "Klassenliste geleert.",
    "roster.empty": "Fügen Sie zuerst die Liste ein oder wählen Sie ihre Datei.",
    "roster.failed": "Die Klassenliste konnte nicht geladen werden ({status}).",
    "roster.file": "Klassenliste als Datei (CSV)",
    "roster.label": "Klassenliste einfügen (Schüler-ID, Name; ein Schüler pro Zeile) oder ihre CSV-Datei wählen",
    "roster.loaded": "Klassenliste geladen: {n} Schüler.",
    "roster.none": "Keine Klassenliste: Jeder kann mit beliebiger ID und beliebigem Namen beitreten.",
    "roster.status": "Klassenliste: {n} Schüler, {joined} beigetreten. Nur sie können beitreten, mit den Namen auf der Liste.",
    "roster.title": "Klassenliste",
    "roster.use": "Diese Klassenliste verwenden",
    "state.finished": "beendet",
    "state.lobby": "Warteraum",
    "state.question_closed": "Frage geschlossen",
    "state.question_open": "Frage offen",
    "step.final": "Endergebnis zeigen",
    "step.next": "Nächste Frage",
    "step.reveal": "Jetzt auflösen",
    "step.start": "Start",
    "table.id": "ID",
    "table.name": "Name",
    "table.points": "Punkte",
}

STRINGS_PT = {
    "count.answered": "{n} / {total} responderam",
    "count.right": "{n} de {total} acertaram",
    "count.median": "mediana {n}",
    "reveal.correct_mark": "(certa)",
    "report.seconds": "{n} s",
    "announce.open": "A pergunta {n} está aberta.",
    "announce.closed": "Pergunta {n}: a resposta está à vista.",
    "announce.final": "Os resultados finais estão à vista.",
    "final.pts.one": "{n} pt",
    "final.pts.other": "{n} pts",
    "admin.finished": "Terminado",
    "admin.join_at": "Entre em",
    "admin.joined.one": "jogador entrou",
    "admin.joined.other": "jogadores entraram",
    "admin.keys_hint": "Espaço ou → : próximo passo",
    "admin.language": "Idioma desta página",
    "admin.let_back": "Readmitir",
    "admin.logout": "Sair",
    "admin.no_answer": "O servidor não respondeu ({status}). Tentando de novo…",
    "admin.not_connected": "Ainda não conectado ao servidor.",
    "admin.participants": "Participantes",
    "admin.qr": "Código QR do endereço de entrada",
    "admin.questions.one": "{n} pergunta",
    "admin.questions.other": "{n} perguntas",
    "admin.remove": "Remover",
    "admin.remove_ask": "Remover “{name}” do quiz? O telefone dele é desconectado e só pode voltar a entrar se for readmitido.",
    "admin.remove_who": "Remover {name}",
    "admin.removed": "Removidos ({n})",
    "admin.reset": "Reiniciar…",
    "admin.reset_ask": "Reiniciar o quiz? Todos os jogadores e todas as respostas desta sessão são apagados, e os telefones terão de entrar novamente.",
    "admin.reset_failed": "Falha ao reiniciar ({status}).",
    "admin.reset_ok": "Reiniciar",
    "ask.cancel": "Cancelar",
    "conflict.ask": "Deixar o novo dispositivo jogar como “{name}”? O telefone que joga agora com esse nome será desconectado.",
    "conflict.let_in": "Deixar entrar este dispositivo",
    "conflict.ok": "Deixar entrar",
    "conflict.typing": "O nome escrito foi “{name}”.",
    "conflict.wants": "Outro dispositivo quer jogar como {name}.",
    "control.more": "+15 s",
    "control.more_long": "Adicionar 15 segundos",
    "control.pause": "Pausar",
    "control.paused": "Em pausa: as respostas esperam, o relógio está parado",
    "control.reopen": "Reabrir a pergunta {n}",
    "control.resume": "Retomar",
    "end.answer": "Resposta certa: {answer}",
    "end.answered": "respondidas",
    "end.correct": "certas",
    "end.no_answer": "sem resposta",
    "end.of_players.one": "de {n} jogador",
    "end.of_players.other": "de {n} jogadores",
    "end.points": "pontos",
    "end.thanks": "Obrigado por jogar!",
    "end.title": "Acabou!",
    "end.title_of": "{title}: acabou!",
    "end.you": "A sua resposta: {answer}",
    "end.you_finished": "Terminou",
    "end.your_answers": "As suas respostas",
    "error.bad_answer": "Não é possível aceitar essa resposta: verifique-a e envie-a de novo.",
    "error.bad_name": "Escreva um nome de 1 a 40 letras, sem caracteres especiais.",
    "error.bad_student_id": "Escreva um ID de aluno de 1 a 64 caracteres.",
    "error.busy": "Há um quiz em curso: mostre primeiro os resultados finais ou reinicie-o.",
    "error.changed": "Este quiz foi alterado em outro local desde que foi aberto.",
    "error.export_failed": "Não foi possível gravar os resultados na pasta de exportação.",
    "error.finished": "O quiz terminou; reinicie-o para jogar de novo.",
    "error.id_in_use": "Este ID de aluno já está em jogo em outro dispositivo. Peça ao professor para deixar entrar este dispositivo.",
    "error.kicked": "O professor tirou o seu nome deste quiz.",
    "error.not_on_roster": "Esse ID de aluno não está na lista da turma: verifique-o ou pergunte ao professor.",
    "error.not_open": "Esta pergunta já foi encerrada.",
    "error.paused": "O professor pausou a pergunta: aguarde um momento.",
    "error.replaced": "O seu ID de aluno está agora em jogo em outro dispositivo.",
    "error.session_full": "Este quiz está cheio.",
    "error.stale": "O quiz já tinha avançado; esse toque foi ignorado.",
    "error.storage_failed": "O quiz não conseguiu gravar isto: vai tentar de novo.",
    "error.time_expired": "Tarde demais: o tempo acabou.",
    "error.too_many_attempts": "Muitas senhas erradas; aguarde um minuto.",
    "error.too_many_joins": "Muitas entradas a partir deste endereço; aguarde um minuto.",
    "error.unknown_session": "Esse quiz já terminou; recarregue a página para entrar no atual.",
    "error.wrong_password": "Essa não é a senha de administrador.",
    "final.hardest": "Para rever: as perguntas mais difíceis",
    "final.hide_ids": "Ocultar IDs de aluno",
    "final.nobody": "Ninguém jogou.",
    "final.show_ids": "Mostrar IDs de aluno",
    "final.title": "Resultados finais",
    "flag.more_answered": "Mais alunos responderam {answer} do que a resposta certa, {right}.",
    "flag.more_chose": "Mais alunos escolheram {answer} do que a resposta certa, {right}.",
    "flag.more_ordered": "Mais alunos escolheram a ordem {answer} do que a resposta certa, {right}.",
    "flag.most_answered": "A maior parte da turma respondeu {answer}; a resposta é {right}.",
    "flag.most_chose": "A maior parte da turma escolheu {answer}; a resposta é {right}.",
    "flag.most_ordered": "A maior parte da turma escolheu a ordem {answer}; a resposta é {right}.",
    "flag.negative": "Alunos com totais altos erraram esta pergunta mais vezes do que os outros: verifique a pergunta e a resposta dela.",
    "flag.nobody": "Ninguém respondeu.",
    "flag.none_right": "Nenhuma das {n} respostas estava certa.",
    "flag.only_right": "Só {right} de {n} acertaram.",
    "gone.join_again": "Entrar de novo",
    "gone.kicked.detail": "O professor tirou o seu nome da lista. Se achar que foi um engano, fale com ele.",
    "gone.kicked.title": "O seu nome foi removido deste quiz",
    "gone.left.detail": "O professor pode ter reiniciado o quiz ou removido o seu nome. Entre de novo para jogar.",
    "gone.left.title": "Está fora deste quiz",
    "gone.replaced.detail": "O professor deixou entrar outro telefone com o seu ID. Se não pediu isso, avise o professor.",
    "gone.replaced.title": "O seu ID de aluno está em jogo em outro dispositivo",
    "gone.reset.detail": "Tudo foi apagado. Entre de novo para jogar.",
    "gone.reset.title": "O professor reiniciou o quiz",
    "import.added": "“{title}” adicionado ({file}).",
    "import.choose": "Escolha primeiro um arquivo de quiz.",
    "import.done": "“{title}” importado: {questions} em {file}.",
    "import.failed": "Não foi possível adicionar o arquivo ({status}).",
    "import.open": "Abrir no editor",
    "import.replace": "Substituir {file}",
    "import.replaced": "“{title}” substituído ({file}).",
    "import.skipped.one": "{n} pergunta ficou de fora:",
    "import.skipped.other": "{n} perguntas ficaram de fora:",
    "import.skipped_one": "Pergunta {n}: {why}",
    "import.too_large": "Esse arquivo é grande demais.",
    "join.button": "Entrar",
    "join.failed": "Não foi possível entrar ({status}).",
    "join.id": "ID de aluno",
    "join.joining": "Entrando…",
    "join.name": "O seu nome",
    "join.name_hint": "Todos vão vê-lo no projetor.",
    "join.title": "Entrar no quiz",
    "join.to_play": "Entre para jogar.",
    "join.type_id": "Escreva o seu ID de aluno.",
    "join.type_name": "Escreva o seu nome.",
    "join.unreachable": "O quiz não responde. Verifique o Wi-Fi e tente de novo.",
    "join.waiting": "Aguardando…",
    "key.space": "Espaço",
    "lang.ar": "العربية",
    "lang.de": "Deutsch",
    "lang.en": "English",
    "lang.es": "Español",
    "lang.fr": "Français",
    "lang.pt": "Português",
    "loading": "Carregando…",
    "lobby.are_in.one": "jogador na sala",
    "lobby.are_in.other": "jogadores na sala",
    "lobby.how": "Leia o código QR ou escreva o endereço ao lado para entrar.",
    "lobby.in": "Já está no quiz!",
    "lobby.start": "Pressione Iniciar (ou Espaço) quando todos tiverem entrado.",
    "lobby.wait": "Aguarde até o professor começar. Mantenha esta página aberta.",
    "login.button": "Entrar",
    "login.failed": "Falha ao entrar ({status}).",
    "login.password": "Senha de administrador",
    "login.title": "quizbox · professor",
    "login.unreachable": "O servidor não está acessível.",
    "manage.copy": "Copiar",
    "manage.delete": "Apagar",
    "manage.delete_ask": "Apagar o quiz “{title}” ({file})? Ele fica guardado na pasta .deleted da pasta pools, de onde o administrador do sistema pode recuperá-lo.",
    "manage.delete_failed": "Não foi possível apagar ({status}).",
    "manage.edit": "Editar",
    "manage.import": "Importar",
    "manage.import_label": "Importar do Kahoot (.xlsx, .csv), do Moodle (GIFT, Aiken) ou de um arquivo .json do quizbox",
    "manage.invalid": "não é um quiz válido",
    "manage.live": "ativo",
    "manage.make_live": "Ativar",
    "manage.new": "+ Novo quiz",
    "manage.players.one": "{n} jogador",
    "manage.players.other": "{n} jogadores",
    "manage.pools": "Quizzes neste aparelho",
    "manage.sessions": "Sessões anteriores",
    "manage.summary": "Quizzes e resultados anteriores",
    "manage.switch": "Trocar",
    "manage.switch_ask": "Trocar a turma para “{title}”? Os telefones passam para o novo quiz e entram nele de novo.",
    "manage.switch_failed": "Não foi possível trocar ({status}).",
    "open.give_number": "Indique um número de {min} a {max} no telefone.",
    "open.multi": "Escolha todas as respostas certas.",
    "open.order": "Ponha estes itens na ordem certa.",
    "open.type_it": "Escreva a resposta no telefone.",
    "q.locked": "Resposta {answer} confirmada. Aguarde a correção.",
    "q.locked_tag": "Confirmada",
    "q.multi_hint": "Toque em todas as respostas certas e depois envie.",
    "q.nothing_picked": "Ainda não escolheu nada.",
    "q.number": "Pergunta {n} de {count}",
    "q.number_range": "A sua resposta, de {min} a {max}",
    "q.order_hint": "Toque nos itens na ordem certa, começando pelo primeiro.",
    "q.paused": "Pausado pelo professor",
    "q.picture": "Imagem da pergunta",
    "q.poll": "É uma votação: não há resposta errada.",
    "q.seconds_left": "segundos restantes",
    "q.send": "Enviar resposta",
    "q.send_order": "Enviar esta ordem",
    "q.sending": "Enviando…",
    "q.sending_again": "Reenviando…",
    "q.times_up": "Acabou o tempo!",
    "q.too_late": "Tarde demais: o tempo acabou.",
    "q.type_answer": "Escreva a sua resposta",
    "q.undo": "Desfazer",
    "q.wait_paused": "Aguarde: o professor pausou a pergunta.",
    "q.your_answer": "A sua resposta",
    "reconnecting": "Reconectando…",
    "report.absent": "ausentes",
    "report.absent_one": "ausente",
    "report.average": "pontos em média",
    "report.class": "A turma",
    "report.col_answer": "Resposta",
    "report.col_answered": "Respondidas",
    "report.col_answers": "Respostas",
    "report.col_discrimination": "Discriminação",
    "report.col_note": "Observação",
    "report.col_question": "Pergunta",
    "report.col_right": "Acertos",
    "report.col_time": "Tempo médio",
    "report.failed": "Não foi possível carregar o relatório ({status}).",
    "report.go_over": "Perguntas a rever",
    "report.login": "Primeiro entre na página do professor (/admin/) e depois abra este relatório de novo.",
    "report.median": "mediana",
    "report.no_totals": "Ainda não há totais.",
    "report.none_flagged": "Nenhuma pergunta se destaca: muito bem.",
    "report.number_spread": "mín. {min} · mediana {median} · máx. {max}",
    "report.played": "perguntas jogadas",
    "report.players": "jogadores",
    "report.poll": "votação",
    "report.print": "Imprimir",
    "report.q_short": "P{n}",
    "report.question_n": "Pergunta {n}",
    "report.questions": "Perguntas",
    "report.removed_one": "removido",
    "report.so_far": "até agora",
    "report.spread": "Distribuição dos totais",
    "report.stdev": "dispersão (desvio-padrão)",
    "report.students": "Alunos",
    "report.title": "Relatório",
    "results.csv": "Download dos resultados (CSV)",
    "results.csv_short": "CSV",
    "results.of": "{what} de {title}",
    "results.report": "Relatório",
    "results.sheet": "Tabela",
    "results.xlsx": "Tabela (.xlsx)",
    "reveal.correct": "Certo!",
    "reveal.did_not_vote": "Não votou",
    "reveal.gain.one": "+{n} ponto",
    "reveal.gain.other": "+{n} pontos",
    "reveal.no_answer": "Sem resposta",
    "reveal.nobody": "Ninguém jogou ainda.",
    "reveal.partly": "Parcialmente certo",
    "reveal.points_in_all": "pontos no total",
    "reveal.rank_of": "a sua posição entre {n}",
    "reveal.thanks_vote": "Obrigado por votar!",
    "reveal.the_answer": "A resposta",
    "reveal.top5": "Top 5",
    "reveal.wait_final": "Aguarde os resultados finais…",
    "reveal.wait_next": "Aguarde a próxima pergunta…",
    "reveal.wrong": "Não foi desta vez",
    "reveal.you_answered": "Respondeu {answer}.",
    "reveal.you_chose": "Escolheu {answer}.",
    "reveal.you_typed": "Respondeu “{answer}”.",
    "reveal.you_voted": "Votou em {answer}",
    "reveal.your_order": "A sua ordem: {answer}",
    "reveal.your_rank": "a sua posição",
    "roster.clear": "Apagar a lista",
    "roster.clear_ask": "Apagar a lista da turma? Qualquer pessoa poderá então entrar com qualquer ID e nome.",
    "roster.cleared": "Lista da turma apagada.",
    "roster.empty": "Primeiro cole a lista ou escolha o arquivo dela.",
    "roster.failed": "Não foi possível carregar a lista da turma ({status}).",
    "roster.file": "Arquivo da lista da turma (CSV)",
    "roster.label": "Cole a lista da turma (ID de aluno, nome; um aluno por linha) ou escolha o arquivo CSV dela",
    "roster.loaded": "Lista da turma carregada: {n} alunos.",
    "roster.none": "Sem lista da turma: qualquer pessoa pode entrar com qualquer ID e nome.",
    "roster.status": "Lista da turma: {n} alunos, {joined} entraram. Só eles podem entrar, com os nomes da lista.",
    "roster.title": "Lista da turma",
    "roster.use": "Usar esta lista da turma",
    "state.finished": "terminado",
    "state.lobby": "sala de espera",
    "state.question_closed": "pergunta fechada",
    "state.question_open": "pergunta aberta",
    "step.final": "Mostrar resultados finais",
    "step.next": "Próxima pergunta",
    "step.reveal": "Revelar agora",
    "step.start": "Iniciar",
    "table.id": "ID",
    "table.name": "Nome",
    "table.points": "Pontos",
}

STRINGS_AR = {
    "count.answered": "أجاب ⁦{n} / {total}⁩",
    "count.right": "أصاب {n} من {total}",
    "count.median": "الوسيط {n}",
    "reveal.correct_mark": "(صحيحة)",
    "report.seconds": "{n} ث",
    "announce.open": "السؤال {n} مفتوح.",
    "announce.closed": "السؤال {n}: ظهرت الإجابة.",
    "announce.final": "ظهرت النتائج النهائية.",
    "final.pts.zero": "{n} نقطة",
    "final.pts.one": "{n} نقطة",
    "final.pts.two": "{n} نقطة",
    "final.pts.few": "{n} نقطة",
    "final.pts.many": "{n} نقطة",
    "final.pts.other": "{n} نقطة",
    "admin.finished": "انتهى",
    "admin.join_at": "انضموا عبر",
    "admin.joined.few": "لاعبين انضمّوا",
    "admin.joined.many": "لاعبًا انضمّوا",
    "admin.joined.one": "لاعب انضمّ",
    "admin.joined.other": "لاعب انضمّوا",
    "admin.joined.two": "لاعبان انضمّا",
    "admin.joined.zero": "لاعب انضمّ",
    "admin.keys_hint": "المسافة أو → : الخطوة التالية",
    "admin.language": "لغة هذه الصفحة",
    "admin.let_back": "السماح بالعودة",
    "admin.logout": "تسجيل الخروج",
    "admin.no_answer": "لم يستجب الخادم ({status}). جارٍ إعادة المحاولة…",
    "admin.not_connected": "لم يتم الاتصال بالخادم بعد.",
    "admin.participants": "المشاركون",
    "admin.qr": "رمز QR لعنوان الانضمام",
    "admin.questions.few": "{n} أسئلة",
    "admin.questions.many": "{n} سؤالًا",
    "admin.questions.one": "سؤال واحد",
    "admin.questions.other": "{n} سؤال",
    "admin.questions.two": "سؤالان",
    "admin.questions.zero": "لا أسئلة",
    "admin.remove": "إزالة",
    "admin.remove_ask": "إزالة «{name}» من الاختبار؟ سيُبعَد هاتفه ولن يتمكن من الانضمام مجددًا إلا إذا سمحت له بالعودة.",
    "admin.remove_who": "إزالة {name}",
    "admin.removed": "المُزالون ({n})",
    "admin.reset": "إعادة ضبط…",
    "admin.reset_ask": "إعادة ضبط الاختبار؟ سيُحذف كل اللاعبين وكل إجابات هذه الجلسة، وسيتعيّن على الهواتف الانضمام من جديد.",
    "admin.reset_failed": "فشلت إعادة الضبط ({status}).",
    "admin.reset_ok": "إعادة ضبط",
    "ask.cancel": "إلغاء",
    "conflict.ask": "السماح للجهاز الجديد باللعب باسم «{name}»؟ سيُبعَد الهاتف الذي يلعب بهذا الاسم الآن.",
    "conflict.let_in": "السماح لهذا الجهاز بالدخول",
    "conflict.ok": "السماح بالدخول",
    "conflict.typing": "أدخل الاسم «{name}».",
    "conflict.wants": "جهاز آخر يريد اللعب باسم {name}.",
    "control.more": "+15 ث",
    "control.more_long": "إضافة 15 ثانية",
    "control.pause": "إيقاف مؤقت",
    "control.paused": "متوقف مؤقتًا: الإجابات تنتظر، والمؤقت متوقف",
    "control.reopen": "إعادة فتح السؤال {n}",
    "control.resume": "استئناف",
    "end.answer": "الإجابة: {answer}",
    "end.answered": "مُجاب عنها",
    "end.correct": "صحيحة",
    "end.no_answer": "بلا إجابة",
    "end.of_players.few": "من أصل {n} لاعبين",
    "end.of_players.many": "من أصل {n} لاعبًا",
    "end.of_players.one": "من أصل لاعب واحد",
    "end.of_players.other": "من أصل {n} لاعب",
    "end.of_players.two": "من أصل لاعبَين",
    "end.of_players.zero": "من أصل {n} لاعب",
    "end.points": "النقاط",
    "end.thanks": "شكرًا على المشاركة!",
    "end.title": "انتهى الاختبار!",
    "end.title_of": "{title}: النهاية!",
    "end.you": "إجابتك: {answer}",
    "end.you_finished": "لقد أنهيت الاختبار",
    "end.your_answers": "إجاباتك",
    "error.bad_answer": "لا يمكن قبول هذه الإجابة: تحقّق منها وأرسلها مرة أخرى.",
    "error.bad_name": "اكتب اسمًا من 1 إلى 40 حرفًا، دون رموز خاصة.",
    "error.bad_student_id": "اكتب رقم طالب من 1 إلى 64 حرفًا.",
    "error.busy": "هناك اختبار جارٍ: اعرض النتائج النهائية أولًا أو أعد ضبطه.",
    "error.changed": "عُدّل هذا الاختبار من مكان آخر منذ أن فتحته.",
    "error.export_failed": "تعذّرت كتابة النتائج في مجلد التصدير.",
    "error.finished": "انتهى الاختبار؛ أعد ضبطه للعب من جديد.",
    "error.id_in_use": "رقم الطالب هذا مستخدم بالفعل على جهاز آخر. اطلب من المعلم السماح لهذا الجهاز بالدخول.",
    "error.kicked": "أزالك المعلم من هذا الاختبار.",
    "error.not_on_roster": "رقم الطالب هذا ليس في قائمة الصف: تحقّق منه أو اسأل المعلم.",
    "error.not_open": "هذا السؤال لم يعد مفتوحًا.",
    "error.paused": "أوقف المعلم السؤال مؤقتًا: انتظر قليلًا.",
    "error.replaced": "رقم الطالب الخاص بك مستخدم الآن على جهاز آخر.",
    "error.session_full": "هذا الاختبار ممتلئ.",
    "error.stale": "كان الاختبار قد انتقل إلى خطوة أخرى؛ فتم تجاهل تلك الضغطة.",
    "error.storage_failed": "تعذّر على الاختبار حفظ هذا: ستُعاد المحاولة.",
    "error.time_expired": "فات الأوان: انتهى الوقت.",
    "error.too_many_attempts": "محاولات كثيرة بكلمات مرور خاطئة؛ انتظر دقيقة.",
    "error.too_many_joins": "محاولات انضمام كثيرة من هذا العنوان؛ انتظر دقيقة.",
    "error.unknown_session": "هذا الاختبار لم يعد جاريًا؛ أعد تحميل الصفحة للانضمام إلى الاختبار الحالي.",
    "error.wrong_password": "هذه ليست كلمة مرور المشرف.",
    "final.hardest": "للمراجعة: أصعب الأسئلة",
    "final.hide_ids": "إخفاء أرقام الطلاب",
    "final.nobody": "لم يلعب أحد.",
    "final.show_ids": "إظهار أرقام الطلاب",
    "final.title": "النتائج النهائية",
    "flag.more_answered": "عدد من أجابوا {answer} أكبر من عدد من أجابوا الإجابة الصحيحة {right}.",
    "flag.more_chose": "عدد من اختاروا {answer} أكبر من عدد من اختاروا الإجابة الصحيحة {right}.",
    "flag.more_ordered": "عدد من اختاروا الترتيب {answer} أكبر من عدد من اختاروا الترتيب الصحيح {right}.",
    "flag.most_answered": "أجاب معظم الصف {answer}؛ والإجابة الصحيحة هي {right}.",
    "flag.most_chose": "اختار معظم الصف {answer}؛ والإجابة الصحيحة هي {right}.",
    "flag.most_ordered": "اختار معظم الصف الترتيب {answer}؛ والترتيب الصحيح هو {right}.",
    "flag.negative": "أخطأ الطلاب ذوو المجاميع المرتفعة في هذا السؤال أكثر من غيرهم: راجع السؤال وإجابته.",
    "flag.nobody": "لم يُجب أحد.",
    "flag.none_right": "لم تكن أي إجابة صحيحة من أصل {n}.",
    "flag.only_right": "{right} فقط من أصل {n} أجابوا إجابة صحيحة.",
    "gone.join_again": "الانضمام مجددًا",
    "gone.kicked.detail": "أزالك المعلم من القائمة. إن كنت تظن أن هذا خطأ، فاسأله.",
    "gone.kicked.title": "تمت إزالتك من هذا الاختبار",
    "gone.left.detail": "ربما أعاد المعلم تشغيل الاختبار أو أزالك. انضم مجددًا لتلعب.",
    "gone.left.title": "لم تعد مشاركًا في هذا الاختبار",
    "gone.replaced.detail": "سمح المعلم لهاتف آخر بالدخول برقمك. إن لم تكن أنت من فعل ذلك، فأخبر المعلم.",
    "gone.replaced.title": "رقم الطالب الخاص بك مستخدم على جهاز آخر",
    "gone.reset.detail": "مُسح كل شيء. انضم مجددًا لتلعب.",
    "gone.reset.title": "أعاد المعلم تشغيل الاختبار",
    "import.added": "أُضيف «{title}» ({file}).",
    "import.choose": "اختر ملف اختبار أولًا.",
    "import.done": "استُورد «{title}»: {questions} في {file}.",
    "import.failed": "تعذّرت إضافة الملف ({status}).",
    "import.open": "فتحه في المحرر",
    "import.replace": "استبدال {file}",
    "import.replaced": "استُبدل «{title}» ({file}).",
    "import.skipped.few": "استُبعدت {n} أسئلة:",
    "import.skipped.many": "استُبعد {n} سؤالًا:",
    "import.skipped.one": "استُبعد سؤال واحد:",
    "import.skipped.other": "استُبعد {n} سؤال:",
    "import.skipped.two": "استُبعد سؤالان:",
    "import.skipped.zero": "لم يُستبعد أي سؤال:",
    "import.skipped_one": "السؤال {n}: {why}",
    "import.too_large": "هذا الملف كبير جدًا.",
    "join.button": "انضمام",
    "join.failed": "تعذّر الانضمام ({status}).",
    "join.id": "رقم الطالب",
    "join.joining": "جارٍ الانضمام…",
    "join.name": "اسمك",
    "join.name_hint": "سيراه الجميع على الشاشة الكبيرة.",
    "join.title": "انضم إلى الاختبار",
    "join.to_play": "انضم لتلعب.",
    "join.type_id": "اكتب رقم الطالب الخاص بك.",
    "join.type_name": "اكتب اسمك.",
    "join.unreachable": "تعذّر الوصول إلى الاختبار. تحقّق من شبكة Wi-Fi وحاول مرة أخرى.",
    "join.waiting": "في الانتظار…",
    "key.space": "مسافة",
    "lang.ar": "العربية",
    "lang.de": "Deutsch",
    "lang.en": "English",
    "lang.es": "Español",
    "lang.fr": "Français",
    "lang.pt": "Português",
    "loading": "جارٍ التحميل…",
    "lobby.are_in.few": "لاعبين حاضرين",
    "lobby.are_in.many": "لاعبًا حاضرًا",
    "lobby.are_in.one": "لاعب حاضر",
    "lobby.are_in.other": "لاعب حاضر",
    "lobby.are_in.two": "لاعبان حاضران",
    "lobby.are_in.zero": "لاعب حاضر",
    "lobby.how": "امسحوا رمز QR أو اكتبوا العنوان المجاور له للانضمام.",
    "lobby.in": "أنت في الاختبار!",
    "lobby.start": "اضغط «ابدأ» (أو المسافة) عندما ينضم الجميع.",
    "lobby.wait": "انتظر حتى يبدأ المعلم. أبقِ هذه الصفحة مفتوحة.",
    "login.button": "تسجيل الدخول",
    "login.failed": "فشل تسجيل الدخول ({status}).",
    "login.password": "كلمة مرور المشرف",
    "login.title": "quizbox · المعلم",
    "login.unreachable": "تعذّر الوصول إلى الخادم.",
    "manage.copy": "نسخ",
    "manage.delete": "حذف",
    "manage.delete_ask": "حذف الاختبار «{title}» ({file})؟ سيُحفظ في المجلد ‎.deleted داخل مجلد pools، حيث يمكن لمسؤول النظام استعادته.",
    "manage.delete_failed": "تعذّر الحذف ({status}).",
    "manage.edit": "تعديل",
    "manage.import": "استيراد",
    "manage.import_label": "استيراد من Kahoot بصيغة ‎.xlsx أو ‎.csv، أو من Moodle بصيغة GIFT أو Aiken، أو من ملف quizbox بصيغة ‎.json",
    "manage.invalid": "ليس اختبارًا صالحًا",
    "manage.live": "نشط",
    "manage.make_live": "تفعيل",
    "manage.new": "+ اختبار جديد",
    "manage.players.few": "{n} لاعبين",
    "manage.players.many": "{n} لاعبًا",
    "manage.players.one": "لاعب واحد",
    "manage.players.other": "{n} لاعب",
    "manage.players.two": "لاعبان",
    "manage.players.zero": "لا لاعبين",
    "manage.pools": "الاختبارات على هذا الجهاز",
    "manage.sessions": "الجلسات السابقة",
    "manage.summary": "الاختبارات والنتائج السابقة",
    "manage.switch": "تبديل",
    "manage.switch_ask": "نقل الصف إلى «{title}»؟ ستنتقل الهواتف إلى الاختبار الجديد وتنضم إليه من جديد.",
    "manage.switch_failed": "تعذّر التبديل ({status}).",
    "open.give_number": "أدخلوا رقمًا من {min} إلى {max} على هواتفكم.",
    "open.multi": "اختاروا كل الإجابات الصحيحة.",
    "open.order": "رتّبوا هذه العناصر بالترتيب الصحيح.",
    "open.type_it": "اكتبوا الإجابة على هواتفكم.",
    "q.locked": "ثُبّتت الإجابة {answer}. انتظر كشف الإجابة الصحيحة.",
    "q.locked_tag": "مُثبّتة",
    "q.multi_hint": "اضغط على كل إجابة صحيحة، ثم أرسل.",
    "q.nothing_picked": "لم تختر شيئًا بعد.",
    "q.number": "السؤال {n} من {count}",
    "q.number_range": "إجابتك، من {min} إلى {max}",
    "q.order_hint": "اضغط على العناصر بالترتيب الصحيح، بدءًا بالأول.",
    "q.paused": "أوقفه المعلم مؤقتًا",
    "q.picture": "صورة السؤال",
    "q.poll": "استطلاع رأي: لا توجد إجابة خاطئة.",
    "q.seconds_left": "ثوانٍ متبقية",
    "q.send": "إرسال الإجابة",
    "q.send_order": "إرسال هذا الترتيب",
    "q.sending": "جارٍ الإرسال…",
    "q.sending_again": "جارٍ الإرسال مجددًا…",
    "q.times_up": "انتهى الوقت!",
    "q.too_late": "فات الأوان: انتهى الوقت.",
    "q.type_answer": "اكتب إجابتك",
    "q.undo": "تراجع",
    "q.wait_paused": "انتظر: أوقف المعلم السؤال مؤقتًا.",
    "q.your_answer": "إجابتك",
    "reconnecting": "جارٍ إعادة الاتصال…",
    "report.absent": "غائبون",
    "report.absent_one": "غائب",
    "report.average": "متوسط النقاط",
    "report.class": "الصف",
    "report.col_answer": "الإجابة",
    "report.col_answered": "المُجاب عنها",
    "report.col_answers": "الإجابات",
    "report.col_discrimination": "التمييز",
    "report.col_note": "ملاحظة",
    "report.col_question": "السؤال",
    "report.col_right": "الصحيحة",
    "report.col_time": "متوسط الوقت",
    "report.failed": "تعذّر تحميل التقرير ({status}).",
    "report.go_over": "أسئلة للمراجعة",
    "report.login": "سجّل الدخول أولًا في صفحة المعلم (/admin/)، ثم افتح هذا التقرير مرة أخرى.",
    "report.median": "الوسيط",
    "report.no_totals": "لا توجد مجاميع بعد.",
    "report.none_flagged": "لا يوجد سؤال لافت: أحسنتم.",
    "report.number_spread": "الأدنى {min} · الوسيط {median} · الأعلى {max}",
    "report.played": "الأسئلة المطروحة",
    "report.players": "اللاعبون",
    "report.poll": "استطلاع",
    "report.print": "طباعة",
    "report.q_short": "س{n}",
    "report.question_n": "السؤال {n}",
    "report.questions": "الأسئلة",
    "report.removed_one": "مُزال",
    "report.so_far": "حتى الآن",
    "report.spread": "توزيع المجاميع",
    "report.stdev": "التشتت (الانحراف المعياري)",
    "report.students": "الطلاب",
    "report.title": "التقرير",
    "results.csv": "تنزيل النتائج (CSV)",
    "results.csv_short": "CSV",
    "results.of": "{what}: {title}",
    "results.report": "التقرير",
    "results.sheet": "جدول البيانات",
    "results.xlsx": "جدول بيانات (⁦.xlsx⁩)",
    "reveal.correct": "صحيح!",
    "reveal.did_not_vote": "لم تصوّت",
    "reveal.gain.few": "+{n} نقاط",
    "reveal.gain.many": "+{n} نقطة",
    "reveal.gain.one": "+نقطة واحدة",
    "reveal.gain.other": "+{n} نقطة",
    "reveal.gain.two": "+نقطتان",
    "reveal.gain.zero": "+{n} نقطة",
    "reveal.no_answer": "لا إجابة",
    "reveal.nobody": "لم يلعب أحد بعد.",
    "reveal.partly": "صحيحة جزئيًا",
    "reveal.points_in_all": "مجموع النقاط",
    "reveal.rank_of": "ترتيبك من أصل {n}",
    "reveal.thanks_vote": "شكرًا على التصويت!",
    "reveal.the_answer": "الإجابة",
    "reveal.top5": "أفضل خمسة",
    "reveal.wait_final": "انتظر النتائج النهائية…",
    "reveal.wait_next": "انتظر السؤال التالي…",
    "reveal.wrong": "ليس هذه المرة",
    "reveal.you_answered": "أجبت {answer}.",
    "reveal.you_chose": "اخترت {answer}.",
    "reveal.you_typed": "أجبت «{answer}».",
    "reveal.you_voted": "صوّتَّ لـ{answer}",
    "reveal.your_order": "ترتيبك: {answer}",
    "reveal.your_rank": "ترتيبك",
    "roster.clear": "مسحها",
    "roster.clear_ask": "مسح قائمة الصف؟ سيتمكن أي شخص حينها من الانضمام بأي رقم واسم.",
    "roster.cleared": "مُسحت قائمة الصف.",
    "roster.empty": "الصق القائمة أو اختر ملفها أولًا.",
    "roster.failed": "تعذّر تحميل قائمة الصف ({status}).",
    "roster.file": "ملف قائمة الصف (CSV)",
    "roster.label": "الصق قائمة الصف (رقم الطالب، الاسم؛ طالب واحد في كل سطر) أو اختر ملف CSV الخاص بها",
    "roster.loaded": "حُمّلت قائمة الصف: عدد الطلاب {n}.",
    "roster.none": "لا توجد قائمة صف: يمكن لأي شخص الانضمام بأي رقم واسم.",
    "roster.status": "قائمة الصف: عدد الطلاب {n}، انضم منهم {joined}. لا يمكن الانضمام إلا لهم، وبالأسماء الموجودة في القائمة.",
    "roster.title": "قائمة الصف",
    "roster.use": "استخدام قائمة الصف هذه",
    "state.finished": "منتهٍ",
    "state.lobby": "صالة الانتظار",
    "state.question_closed": "السؤال مغلق",
    "state.question_open": "السؤال مفتوح",
    "step.final": "عرض النتائج النهائية",
    "step.next": "السؤال التالي",
    "step.reveal": "كشف الإجابة الآن",
    "step.start": "ابدأ",
    "table.id": "الرقم",
    "table.name": "الاسم",
    "table.points": "النقاط",
}

STRINGS = {"en": STRINGS_EN, "es": STRINGS_ES, "fr": STRINGS_FR, "de": STRINGS_DE,
           "pt": STRINGS_PT, "ar": STRINGS_AR}
RIGHT_TO_LEFT = {"ar"}
TEMPLATE_KEY_RE = re.compile(r"\{\{([a-z0-9_.]+)\}\}")


def choose_language(*wanted):
    """The first wanted language tag (exact, or its first part) that has a table."""
    for tag in wanted:
        if not isinstance(tag, str):
            continue
        tag = tag.strip()
        for candidate in (tag, tag.split("-")[0].lower()):
            if candidate in STRINGS:
                return candidate
    return "en"


def accepted_languages(header):
    """Accept-Language, best first: "fr-CH, fr;q=0.9, en;q=0.8" → ["fr-CH", "fr", "en"]."""
    weighted = []
    for position, part in enumerate((header or "").split(",")[:20]):
        tag, _, quality = part.strip().partition(";q=")
        with contextlib.suppress(ValueError):
            weighted.append((-float(quality or 1), position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted) if tag and tag != "*"]


_LOCALIZED = {}


def localized(page, language):
    """A page in one language, with its headers (the script's hash changes with the
    strings inside it): made once per page and language."""
    key = (id(page), language)
    if key not in _LOCALIZED:
        table = STRINGS_EN | STRINGS.get(language, {})
        direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
        text = page.replace('<html lang="en">', f'<html lang="{language}" dir="{direction}">', 1)
        text = TEMPLATE_KEY_RE.sub(lambda m: html.escape(table.get(m.group(1), m.group(1))), text)
        text = text.replace("/*STRINGS*/{}", dumps(table).replace("<", "\\u003c"), 1)
        _LOCALIZED[key] = (text, page_headers(text))
    return _LOCALIZED[key]


SHARED_CSS = r"""
:root{--bg:#eef0f6;--fg:#14161b;--card:#fff;--muted:#545b6b;--line:#d5d9e3;--soft:#e3e6ee;
--a:#d01c3a;--b:#1368ce;--c:#f0b400;--d:#1e7b34;--on-c:#1b1400;
--ok:#1a7f37;--bad:#c8102e;--accent:#4b2fb8;--on-accent:#fff;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0f1116;--fg:#eef0f5;--card:#1a1d25;--muted:#a9afbf;
--line:#323744;--soft:#262a35;--ok:#4cc26a;--bad:#ff6b7d;--accent:#8f7bff;--on-accent:#0f1116}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:18px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;background:var(--bg);color:var(--fg)}
h1,h2,h3{line-height:1.15}
button,.btn{font:inherit;font-weight:700;cursor:pointer;border-radius:12px;border:0;padding:.65em 1.2em;
background:var(--accent);color:var(--on-accent);text-decoration:none;display:inline-flex;align-items:center;justify-content:center;gap:.4em}
button:disabled{opacity:.5;cursor:default}
button.quiet,.btn.quiet{background:transparent;color:var(--fg);border:2px solid var(--line)}
button:focus-visible,.btn:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
input{font:inherit;padding:.6em .8em;border-radius:10px;border:2px solid var(--line);background:var(--card);color:var(--fg);width:100%}
.card{background:var(--card);border-radius:16px;padding:1.2rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.muted{color:var(--muted)}
.hidden{display:none!important}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.banner{position:fixed;left:0;right:0;top:0;padding:.55em 1em;text-align:center;font-weight:700;
background:#ffd23f;color:#1b1400;z-index:20;display:flex;gap:.6em;align-items:center;justify-content:center;box-shadow:0 2px 8px rgba(0,0,0,.3)}
.spin{width:1em;height:1em;border:3px solid currentColor;border-right-color:transparent;border-radius:50%;animation:spin 1s linear infinite;flex:none}
@keyframes spin{to{transform:rotate(360deg)}}
.choice-0{background:var(--a);color:#fff}.choice-1{background:var(--b);color:#fff}
.choice-2{background:var(--c);color:var(--on-c)}.choice-3{background:var(--d);color:#fff}
.shape{width:1.1em;height:1.1em;flex:none;fill:currentColor;vertical-align:-.15em}
.letter{font-weight:900}
.ring{--p:1;display:grid;place-items:center;border-radius:50%;font-weight:900;font-variant-numeric:tabular-nums;
background:radial-gradient(closest-side,var(--card) 80%,transparent 81%),conic-gradient(var(--accent) calc(var(--p)*1turn),var(--soft) 0)}
.ring.wide{font-size:75%}
.ring.low{background:radial-gradient(closest-side,var(--card) 80%,transparent 81%),conic-gradient(var(--bad) calc(var(--p)*1turn),var(--soft) 0);color:var(--bad)}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}
[dir=rtl] .hbars .bar.right,[dir=rtl] .words li.right{box-shadow:inset -6px 0 0 var(--ok)}
.letter,.shape{direction:ltr;unicode-bidi:isolate}
"""

SHARED_JS = r"""
const LETTERS = "ABCD";
// Text people read comes from the page's language table (see STRINGS in quizbox.py).
const LANG = document.documentElement.lang || "en";
const STRINGS = /*STRINGS*/{};
const PLURALS = new Intl.PluralRules(LANG);
function t(key, vars) {
  vars = vars || {};
  const counted = typeof vars.n === "number";
  const text = (counted && (STRINGS[key + "." + PLURALS.select(vars.n)] || STRINGS[key + ".other"])) || STRINGS[key];
  if (text === undefined) return key;
  return text.replace(/\{(\w+)\}/g, (all, name) => name in vars
    ? (typeof vars[name] === "number" ? vars[name].toLocaleString(LANG) : String(vars[name])) : all);
}
// An error for a person: in the page's language by its code, else the server's words.
function errorText(data, fallback) {
  const code = data && (data.error || data.code);
  return code && STRINGS["error." + code] ? t("error." + code) : (data && data.message) || fallback || "";
}
const SHAPE_NAMES = ["triangle", "diamond", "circle", "square"];
const SHAPE_PATHS = ["M12 2.5 22.5 21h-21z", "M12 1.5 22.5 12 12 22.5 1.5 12z",
                     "M2 12a10 10 0 1 0 20 0 10 10 0 1 0-20 0z", "M3 3h18v18H3z"];
function $(id) { return document.getElementById(id); }
// Every text from a pool or a student goes in through here: textContent, never HTML.
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) { node.textContent = String(text); node.dir = "auto"; }
  return node;
}
function shape(i) {   // each choice has its own shape as well as its colour
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg"), path = document.createElementNS(ns, "path");
  svg.setAttribute("viewBox", "0 0 24 24"); svg.setAttribute("class", "shape");
  svg.setAttribute("aria-hidden", "true"); path.setAttribute("d", SHAPE_PATHS[i]);
  svg.append(path);
  return svg;
}
function show(id) {
  const before = document.querySelector("[data-screen]:not(.hidden)");
  for (const node of document.querySelectorAll("[data-screen]")) node.classList.toggle("hidden", node.id !== id);
  if (!before || before.id !== id) window.scrollTo(0, 0);   // a new screen starts at its top
}
function lengthClass(texts, long, longer) {   // long texts get a smaller size, so all of it fits
  const most = Math.max(...texts.map((t) => String(t).length));
  return most > longer ? " longer" : most > long ? " long" : "";
}
function points(n) { return Number(n || 0).toLocaleString(LANG); }
function fmt(n) { return Number(n).toLocaleString(LANG, {maximumFractionDigits: 6}); }
// A request that gives up after a while: over a dead Wi-Fi link (an old
// keep-alive connection) a fetch would otherwise wait for minutes.
async function api(method, path, body, timeoutMs) {
  const stop = new AbortController(), timer = setTimeout(() => stop.abort(), timeoutMs || 8000);
  const options = {method, headers: {}, credentials: "same-origin", signal: stop.signal};
  if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
  let response;
  try { response = await fetch(path, options); } catch (e) { return {status: 0, data: null}; } finally { clearTimeout(timer); }
  let data = null;
  try { data = await response.json(); } catch (e) { /* not JSON */ }
  return {status: response.status, data};
}
function wsUrl(path) { return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path; }
// A socket that comes back by itself (phone locked, Wi-Fi blip, server restart).
// Heartbeat: it pings every 2 s the server has been quiet, and the server answers; silence for 5.5 s means
// a dead link (a phone out of range never says goodbye), so it shows
// "reconnecting" and opens a new socket, retrying with backoff for as long as
// the page is open. A close code 4000..4099 is final. Before each retry
// stillWanted() may look around (over HTTP) and answer false to stop.
function liveSocket(path, onMessage, onStatus, onFinalClose, stillWanted) {
  let attempt = 0, socket = null, stopped = false, retry = null, heard = 0, opened = 0;
  function open() {
    clearTimeout(retry); retry = null;
    const ws = socket = new WebSocket(wsUrl(path));
    opened = Date.now();
    ws.onopen = () => { attempt = 0; heard = Date.now(); onStatus(true); };
    ws.onmessage = (event) => {
      heard = Date.now();
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type !== "pong") onMessage(message);
    };
    ws.onclose = (event) => {
      if (stopped || ws !== socket) return;
      if (event.code >= 4000 && event.code < 4100) { stopped = true; onStatus(true); onFinalClose(event.code, event.reason); return; }
      later();
    };
  }
  function later() {
    onStatus(false);
    const delay = Math.min(5000, 300 * 2 ** attempt++) * (0.75 + Math.random() / 2);
    retry = setTimeout(async () => {
      let wanted = true;
      if (stillWanted) { try { wanted = await stillWanted(); } catch (e) { /* keep trying */ } }
      if (stopped) return;
      if (wanted) open(); else { stopped = true; onStatus(true); }
    }, delay);
  }
  function drop() {   // forget a socket that went quiet (or never opened) and start again
    const old = socket; socket = null;
    old.onclose = old.onmessage = old.onopen = null; try { old.close(); } catch (e) { /* already gone */ }
    later();
  }
  function wake() { if (!stopped && retry) { attempt = 0; open(); } }
  setInterval(() => {
    if (stopped || !socket) return;
    if (socket.readyState === 0 && Date.now() - opened > 5000) drop();
    else if (socket.readyState === 1 && Date.now() - heard > 5500) drop();
  }, 1000);
  setInterval(() => {   // a ping only when the server has been quiet: its messages prove the link too
    if (!stopped && socket && socket.readyState === 1 && Date.now() - heard > 1900) socket.send('{"type":"ping"}');
  }, 2000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) wake(); });
  window.addEventListener("online", wake);
  open();
  return {send(message) { if (socket && socket.readyState === 1) { socket.send(JSON.stringify(message)); return true; } return false; },
          stop() { stopped = true; if (socket) socket.close(); }};
}
// Counts down to a deadline given as remaining_ms when the message arrived;
// the ring (class "ring") shows the part of totalMs that is left.
function countdown(node, remainingMs, totalMs, onZero) {
  const end = performance.now() + remainingMs;
  stopCountdown(node);
  function tick() {
    const left = Math.max(0, end - performance.now()), seconds = Math.ceil(left / 1000);
    if (node.textContent !== String(seconds)) node.textContent = seconds;
    node.classList.toggle("wide", seconds >= 100);
    node.style.setProperty("--p", totalMs ? Math.min(1, left / totalMs) : 0);
    node.classList.toggle("low", left <= 5000);
    if (left <= 0) { stopCountdown(node); if (onZero) onZero(); }
  }
  tick();
  node._timer = setInterval(tick, 100);
}
function stopCountdown(node) { if (node) { clearInterval(node._timer); node._timer = null; } }
"""

STUDENT_PAGE = r"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27 viewBox=%270 0 24 24%27%3E%3Cpath d=%27M12 2.5 22.5 21h-21z%27 fill=%27%234b2fb8%27/%3E%3C/svg%3E">
<title>quizbox</title>
<style>/*CSS*/
body{min-height:100vh;min-height:100dvh;display:flex;flex-direction:column}
.bar{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding:.55rem 1rem;font-size:.95rem;background:var(--card);border-bottom:1px solid var(--line)}
.brand{font-weight:900;letter-spacing:.02em}
.who{font-weight:700;text-align:end;overflow-wrap:break-word;min-width:0}
main{width:100%;max-width:600px;margin:0 auto;padding:1rem;flex:1;display:flex;flex-direction:column}
main>section{flex:1;display:flex;flex-direction:column;gap:1rem}
main>section.card{flex:0 0 auto}
h1{font-size:1.6rem;margin:0}
label{display:block;margin:.9em 0 .3em;font-weight:700}
.hint{font-size:.9rem;margin:.3em 0 0}
#join-note:empty{display:none}
#join-error{color:var(--bad);min-height:1.4em;margin:.8em 0;font-weight:600}
.wide{width:100%;font-size:1.2rem;padding:.8em}
.center{text-align:center;align-items:center;justify-content:center}
.tick{width:4.5rem;height:4.5rem;border-radius:50%;display:grid;place-items:center;font-size:2.6rem;font-weight:900;background:var(--ok);color:#fff}
.name-big{font-size:2rem;font-weight:900;overflow-wrap:break-word;hyphens:auto;margin:0}
.name-big.long{font-size:1.5rem}.name-big.longer{font-size:1.2rem}
.dots span{display:inline-block;width:.6em;height:.6em;margin:0 .2em;border-radius:50%;background:var(--accent);animation:pulse 1.4s infinite ease-in-out}
.dots span:nth-child(2){animation-delay:.2s}.dots span:nth-child(3){animation-delay:.4s}
@keyframes pulse{0%,80%,100%{opacity:.2;transform:scale(.7)}40%{opacity:1;transform:scale(1)}}
.qhead{display:flex;align-items:center;justify-content:space-between;gap:1rem}
.qnum{font-weight:700;color:var(--muted)}
.timer{width:3.6rem;height:3.6rem;font-size:1.4rem;flex:none}
.prompt{font-size:1.35rem;font-weight:800;margin:0;overflow-wrap:break-word}
.prompt.long{font-size:1.2rem}.prompt.longer{font-size:1.05rem}
.qimage{display:block;max-width:100%;max-height:26vh;max-height:26dvh;object-fit:contain;margin:0 auto;border-radius:12px;background:var(--card)}
.answers{display:grid;grid-template-columns:1fr;gap:.7rem;flex:1;grid-auto-rows:minmax(4.2rem,1fr);max-height:30rem}
.answers.withimage,.answers.compact{grid-auto-rows:minmax(3rem,auto);flex:0 1 auto}
.answers.withimage .answer,.answers.compact .answer{padding:.35em 1em}
.answers.withimage .answer .shape,.answers.compact .answer .shape{width:1.3em;height:1.3em}
#question{gap:.7rem}
@media (max-height:720px){.qimage{max-height:18vh;max-height:18dvh}.bigvalue{font-size:2.6rem}}
#undo{white-space:nowrap}
.picked-line .chip{font-size:.9rem;padding:.25em .6em}
.row #send{width:auto;flex:none}
@media (min-width:560px){.answers{grid-template-columns:1fr 1fr;grid-auto-rows:minmax(7rem,1fr)}}
.answer{position:relative;text-align:start;font-size:1.2rem;justify-content:flex-start;gap:.6em;padding:.7em 1em;border-radius:16px;
box-shadow:0 4px 0 rgba(0,0,0,.25);transition:transform .08s,opacity .2s;overflow-wrap:break-word}
.answer:active{transform:translateY(3px);box-shadow:0 1px 0 rgba(0,0,0,.25)}
.answer .shape{width:1.6em;height:1.6em}
.answer .letter{font-size:1.3rem}
.answers.long .answer{font-size:1.05rem}.answers.longer .answer{font-size:.95rem;padding:.5em .9em}
.answer .text{flex:1;min-width:0}
.answer:disabled{opacity:1;cursor:default}
.answer.faded{opacity:.3}
.answer.picked{outline:5px solid var(--fg);outline-offset:3px}
.answer.locked,.answer.sending{outline:5px solid var(--fg);outline-offset:3px}
.answer.sending{outline-style:dashed}
.answer .tag{display:none;position:absolute;top:-.75em;inset-inline-end:.8em;font-size:.85rem;font-weight:800;background:var(--fg);color:var(--bg);border-radius:999px;padding:.15em .7em;white-space:nowrap}
.answer.locked .tag,.answer.sending .tag,.answer.picked .tag{display:inline-block}
.answer .pos{display:none;font-weight:900;font-size:1.3rem;background:var(--fg);color:var(--bg);border-radius:50%;width:1.6em;height:1.6em;place-items:center;flex:none}
.answer.placed .pos{display:grid}
.answer.placed{opacity:.45}
.typed{display:flex;flex-direction:column;gap:.6rem}
.typed input[type=text]{font-size:1.4rem;padding:.7em}
.counter{text-align:end;font-size:.9rem;margin:0}
.bigvalue{font-size:3.2rem;font-weight:900;text-align:center;margin:0;font-variant-numeric:tabular-nums;line-height:1.1}
input[type=range]{width:100%;height:2.6rem;accent-color:var(--accent);padding:0;border:0;background:transparent}
.range-ends{display:flex;justify-content:space-between;font-weight:700;color:var(--muted)}
.row{display:flex;gap:.6rem;align-items:center}
.row input{flex:1}
.picked-line{display:flex;flex-wrap:wrap;gap:.4rem;min-height:2.4rem;align-items:center}
.picked-line .chip{padding:.35em .7em}
.status{min-height:1.5em;font-weight:700;text-align:center;margin:0}
.verdict{border-radius:16px;padding:1.2rem;text-align:center;color:#fff;background:#596070}
.verdict.right{background:var(--ok)}.verdict.wrong{background:var(--bad)}
@media (prefers-color-scheme:dark){.verdict.right{background:#1a7f37}.verdict.wrong{background:#c8102e}}
.verdict .big{font-size:2rem;font-weight:900;margin:0;line-height:1.15}
.verdict .gain{font-size:1.4rem;font-weight:800;margin:.2em 0 0}
.chip{display:flex;align-items:center;gap:.5em;border-radius:12px;padding:.6em .9em;font-weight:700;overflow-wrap:anywhere}
.chip.plain{background:var(--soft);color:var(--fg)}
.chips{display:flex;flex-direction:column;gap:.4rem}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(6rem,1fr));gap:.7rem}
.stats.three{grid-template-columns:repeat(3,minmax(0,1fr));gap:.5rem}
.stats.three .stat b{font-size:1.5rem}
.stat{background:var(--card);border-radius:14px;padding:.8rem;text-align:center;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.stat b{display:block;font-size:1.8rem;font-weight:900;line-height:1.1}
.stat span{color:var(--muted);font-size:.9rem}
.explanation{margin:.7rem 0 0;overflow-wrap:anywhere}
#reveal-chip{margin-top:.3rem}
#reveal-yours{margin:0;font-weight:700}
.rank-big{font-size:4rem;font-weight:900;line-height:1;margin:0;color:var(--accent)}
.review{list-style:none;padding:0;margin:0;width:100%;text-align:start;display:flex;flex-direction:column;gap:.6rem}
.review li{background:var(--card);border-radius:14px;padding:.7rem .9rem;box-shadow:0 1px 3px rgba(0,0,0,.12);border-inline-start:6px solid var(--line)}
.review li.right{border-inline-start-color:var(--ok)}.review li.wrong{border-inline-start-color:var(--bad)}
.review .q{font-weight:800;margin:0 0 .3rem;overflow-wrap:anywhere}
.review p{margin:.15rem 0;overflow-wrap:anywhere}
#review-h{font-size:1.2rem;margin:1rem 0 0;align-self:flex-start}
.paused{background:#ffd23f;color:#1b1400;border-radius:12px;padding:.5em;text-align:center;font-weight:800}
</style></head><body>
<div id="banner" class="banner hidden" role="status" aria-live="polite"><span class="spin" aria-hidden="true"></span><span>{{reconnecting}}</span></div>
<header class="bar"><span class="brand">quizbox</span><span id="who" class="who" dir="auto"></span></header>
<main>
  <section id="loading" data-screen class="center"><p class="muted">{{loading}}</p></section>
  <section id="join" data-screen class="card hidden">
    <h1>{{join.title}}</h1>
    <p id="join-note" class="muted hint"></p>
    <form id="join-form" novalidate>
      <label for="student-id">{{join.id}}</label>
      <input id="student-id" name="student_id" autocomplete="off" autocapitalize="none" spellcheck="false" maxlength="64" required>
      <label for="name" id="name-label">{{join.name}}</label>
      <input id="name" name="name" autocomplete="nickname" maxlength="40" required aria-describedby="name-hint">
      <p id="name-hint" class="muted hint">{{join.name_hint}}</p>
      <p id="join-error" role="alert"></p>
      <button id="join-button" class="wide" type="submit">{{join.button}}</button>
    </form>
  </section>
  <section id="lobby" data-screen class="center hidden">
    <div class="tick" aria-hidden="true">✓</div>
    <h1>{{lobby.in}}</h1>
    <p id="lobby-name" class="name-big" dir="auto"></p>
    <p id="lobby-title" class="muted" dir="auto"></p>
    <p>{{lobby.wait}}</p>
    <div class="dots" aria-hidden="true"><span></span><span></span><span></span></div>
  </section>
  <section id="question" data-screen class="hidden">
    <div class="qhead"><span id="question-number" class="qnum"></span>
      <span id="timer" class="ring timer" role="timer" aria-label="{{q.seconds_left}}"></span></div>
    <p id="paused" class="paused hidden" role="status">{{q.paused}}</p>
    <img id="q-image" class="qimage hidden" alt="{{q.picture}}">
    <h1 class="prompt" id="prompt" dir="auto"></h1>
    <div class="answers" id="answers" role="group" aria-labelledby="prompt"></div>
    <div id="typed" class="typed hidden"></div>
    <p id="answer-status" class="status" role="status" aria-live="polite"></p>
  </section>
  <section id="reveal" data-screen class="hidden">
    <div id="verdict" class="verdict" role="status"><h1 class="big" id="verdict-text"></h1><p class="gain" id="verdict-gain"></p></div>
    <p id="reveal-yours"></p>
    <div id="reveal-answer" class="card hidden"><div class="muted" id="reveal-answer-label">{{reveal.the_answer}}</div><div id="reveal-chip" class="chips"></div>
      <p id="reveal-explanation" class="explanation" dir="auto"></p></div>
    <div class="stats"><div class="stat"><b id="reveal-total"></b><span>{{reveal.points_in_all}}</span></div>
      <div class="stat"><b id="reveal-rank"></b><span id="reveal-rank-label">{{reveal.your_rank}}</span></div></div>
    <p class="muted status" id="reveal-next">{{reveal.wait_next}}</p>
  </section>
  <section id="ended" data-screen class="center hidden">
    <h1 id="ended-title" dir="auto">{{end.title}}</h1>
    <p class="muted" style="margin:0">{{end.you_finished}}</p>
    <p class="rank-big" id="ended-rank"></p>
    <p class="muted" id="ended-of" style="margin:0 0 .8rem"></p>
    <div class="stats three" style="width:100%">
      <div class="stat"><b id="ended-answered"></b><span>{{end.answered}}</span></div>
      <div class="stat"><b id="ended-correct"></b><span>{{end.correct}}</span></div>
      <div class="stat"><b id="ended-total"></b><span>{{end.points}}</span></div></div>
    <p class="muted">{{end.thanks}}</p>
    <h2 id="review-h" class="hidden">{{end.your_answers}}</h2>
    <ol id="review" class="review" aria-labelledby="review-h"></ol>
  </section>
  <section id="gone" data-screen class="card hidden">
    <h1 id="gone-title"></h1><p id="gone-detail"></p>
    <button id="gone-button" class="wide" type="button">{{gone.join_again}}</button>
  </section>
</main>
<script>/*JS*/
const sid = new URLSearchParams(location.search).get("sid");
// current: the open question; mine: {idx, answer, acked}, the answer given to it;
// draft: what is being put together (multi letters, an order) before it is sent.
let socket = null, current = null, mine = null, me = null, draft = [], joinRetry = null;

function showName(name) {   // a long name shrinks rather than breaking mid-word
  $("lobby-name").textContent = name;
  $("lobby-name").className = "name-big" + lengthClass(name.split(/\s+/), 10, 15);
}
function setWho() { $("who").textContent = me ? me.name + (me.total !== undefined ? " · " + t("final.pts", {n: me.total}) : "") : ""; }
function startSocket() {
  if (socket) socket.stop();
  socket = liveSocket("/ws/student/" + encodeURIComponent(sid || ""), onMessage,
    (up) => $("banner").classList.toggle("hidden", up), onFinalClose, stillIn);
}
async function stillIn() {   // asked before each retry: is this phone still in the live quiz?
  const {status} = await api("GET", "/api/me", undefined, 4000);
  if (status === 403) { onFinalClose(4003); return false; }
  if (status === 409) { onFinalClose(4005); return false; }
  if (status !== 401) return true;   // in, or the server is not back yet
  const here = await fetch(location.href, {method: "HEAD", signal: AbortSignal.timeout(4000)}).catch(() => null);
  if (here && here.redirected) { location.replace(here.url); return false; }   // another quiz is live
  onFinalClose(0);
  return false;
}
const GONE = {4002: ["reset", true], 4003: ["kicked", false], 4005: ["replaced", false], 0: ["left", true]};
function onFinalClose(code) {
  socket = null; current = null;
  stopCountdown($("timer"));
  if (code === 4001) { showJoin(t("join.to_play")); return; }
  if (code === 4004) { location.replace("/"); return; }   // another quiz is live now
  const [why, again] = GONE[code] || GONE[0];
  $("gone-title").textContent = t("gone." + why + ".title"); $("gone-detail").textContent = t("gone." + why + ".detail");
  $("gone-button").classList.toggle("hidden", !again);
  me = null; setWho();
  show("gone");
}
function onMessage(m) {
  if (m.type === "state") {
    if (m.you) me = {name: m.you.name, total: m.you.total_score};
    setWho();
    $("lobby-title").textContent = m.title || "";
    if (m.state === "lobby") { current = null; showName(me ? me.name : ""); show("lobby"); }
  } else if (m.type === "question_open") showQuestion(m);
  else if (m.type === "submit_ack") {
    if (current && m.question_idx === current.question_idx) { mine = {idx: m.question_idx, answer: m.answer, acked: true}; lock(); }
  } else if (m.type === "question_closed") showReveal(m);
  else if (m.type === "session_ended") showEnded(m);
  else if (m.type === "error") onError(m);
}
function onError(m) {
  if (m.code === "time_expired" || m.code === "not_open") {
    if (mine && !mine.acked) mine = null;
    timeUp(t("q.too_late"));
  } else if (m.code === "storage_failed" && mine && !mine.acked) {
    $("answer-status").textContent = t("q.sending_again");
    setTimeout(resend, 1500);
  } else if ((m.code === "paused" || m.code === "bad_answer") && mine && !mine.acked) {
    mine = null; unlock(); $("answer-status").textContent = errorText(m);
  } else $("answer-status").textContent = errorText(m);
}
function resend() { if (current && mine && !mine.acked && socket) socket.send({type: "submit", question_idx: mine.idx, answer: mine.answer}); }

// The question, by type ---------------------------------------------------------
function choiceButton(i, text, onclick) {
  const button = el("button", "answer choice-" + i);
  button.type = "button"; button.dataset.letter = LETTERS[i];
  button.append(shape(i), el("span", "letter", LETTERS[i]), " ", el("span", "text", text), el("span", "pos"), el("span", "tag"));
  button.onclick = onclick;
  return button;
}
function sendButton(label, onclick) {
  const button = el("button", "wide", label); button.type = "button"; button.id = "send"; button.onclick = onclick;
  return button;
}
function showQuestion(m) {
  const same = current && current.question_idx === m.question_idx;
  if (mine && mine.idx !== m.question_idx) mine = null;
  current = m;
  $("question-number").textContent = t("q.number", {n: m.question_idx + 1, count: m.question_count});
  $("prompt").textContent = m.prompt;
  $("prompt").className = "prompt" + lengthClass([m.prompt], 60, 120);
  const image = $("q-image");
  image.classList.toggle("hidden", !m.image);
  if (m.image && image.getAttribute("src") !== m.image) image.src = m.image;
  if (!same || !$("answers").children.length && !$("typed").children.length) buildAnswers(m);
  $("paused").classList.toggle("hidden", !m.paused);
  if (m.paused) { stopCountdown($("timer")); $("timer").textContent = Math.ceil(m.remaining_ms / 1000); }
  else countdown($("timer"), m.remaining_ms, (m.total_ms || m.time_limit * 1000), () => timeUp(t("q.times_up")));
  $("answer-status").textContent = m.poll ? t("q.poll") : m.paused ? t("q.wait_paused")
    : {multi: t("q.multi_hint"), order: t("q.order_hint")}[m.question_type] || "";
  show("question");
  if (mine) { lock(); if (!mine.acked) resend(); }   // the server keeps the first
  else setEnabled(!m.paused);
}
function buildAnswers(m) {
  const box = $("answers"), typed = $("typed"), kind = m.question_type || "choice";
  box.textContent = ""; typed.textContent = ""; draft = [];
  box.className = "answers" + lengthClass(m.choices, 30, 60) + (m.image ? " withimage" : "")
    + (kind === "multi" || kind === "order" ? " compact" : "");
  box.classList.toggle("hidden", kind === "text" || kind === "number");
  typed.classList.toggle("hidden", kind !== "text" && kind !== "number" && kind !== "multi" && kind !== "order");
  if (kind === "choice") m.choices.forEach((text, i) => box.append(choiceButton(i, text, () => answer(LETTERS[i]))));
  else if (kind === "multi") {
    m.choices.forEach((text, i) => {
      const button = choiceButton(i, text, () => {
        const letter = LETTERS[i], at = draft.indexOf(letter);
        if (at >= 0) draft.splice(at, 1); else draft.push(letter);
        button.classList.toggle("picked", at < 0); button.setAttribute("aria-pressed", String(at < 0));
        button.querySelector(".tag").textContent = at < 0 ? "✓" : "";
        $("send").disabled = !draft.length;
      });
      button.setAttribute("aria-pressed", "false");
      box.append(button);
    });
    typed.append(sendButton(t("q.send"), () => answer(draft.slice().sort().join(""))));
    $("send").disabled = true;
  } else if (kind === "order") {
    const line = el("div", "picked-line"); line.id = "order-line"; line.setAttribute("aria-live", "polite");
    const undo = el("button", "quiet", "↶ " + t("q.undo")); undo.type = "button"; undo.id = "undo";
    undo.onclick = () => { draft.pop(); renderOrder(); };
    m.choices.forEach((text, i) => box.append(choiceButton(i, text, () => { if (!draft.includes(LETTERS[i])) { draft.push(LETTERS[i]); renderOrder(); } })));
    const row = el("div", "row"); row.append(undo, sendButton(t("q.send_order"), () => answer(draft.join(""))));
    typed.append(line, row);
    renderOrder();
  } else if (kind === "text") {
    const input = el("input"); input.type = "text"; input.id = "text-answer"; input.maxLength = m.max_length || 40;
    input.autocomplete = "off"; input.setAttribute("aria-label", t("q.your_answer")); input.enterKeyHint = "send";
    const counter = el("p", "counter muted", "0 / " + input.maxLength); counter.id = "counter";
    input.oninput = () => { counter.textContent = input.value.length + " / " + input.maxLength; $("send").disabled = !input.value.trim(); };
    input.onkeydown = (e) => { if (e.key === "Enter" && input.value.trim()) answer(input.value.trim().split(/\s+/).join(" ")); };
    typed.append(input, counter, sendButton(t("q.send"), () => answer(input.value.trim().split(/\s+/).join(" "))));
    $("send").disabled = true;
  } else if (kind === "number") {
    const middle = m.min + Math.round((m.max - m.min) / 2 / m.step) * m.step;
    const value = el("p", "bigvalue", fmt(middle)); value.id = "number-value"; value.setAttribute("aria-hidden", "true");
    const slider = el("input"); slider.type = "range"; slider.id = "number-slider";
    slider.min = m.min; slider.max = m.max; slider.step = m.step; slider.value = middle;
    slider.setAttribute("aria-label", t("q.number_range", {min: fmt(m.min), max: fmt(m.max)}));
    const ends = el("div", "range-ends"); ends.append(el("span", "", fmt(m.min)), el("span", "", fmt(m.max)));
    const exact = el("input"); exact.type = "number"; exact.id = "number-input"; exact.inputMode = "decimal";
    exact.min = m.min; exact.max = m.max; exact.step = "any"; exact.value = middle; exact.setAttribute("aria-label", t("q.type_answer"));
    slider.oninput = () => { value.textContent = fmt(Number(slider.value)); exact.value = slider.value; };
    exact.oninput = () => {
      const n = Number(exact.value), ok = exact.value !== "" && n >= m.min && n <= m.max;
      if (ok) { slider.value = n; value.textContent = fmt(n); }
      $("send").disabled = !ok;
    };
    const row = el("div", "row"); row.append(exact, sendButton(t("q.send"), () => answer(Number(exact.value))));
    typed.append(value, slider, ends, row);
  }
}
function renderOrder() {
  const line = $("order-line"); if (!line) return;
  line.textContent = "";
  draft.forEach((letter, k) => line.append(choiceChip(letter, current.choices, k + 1)));
  if (!draft.length) line.append(el("span", "muted", t("q.nothing_picked")));
  for (const button of $("answers").children) {
    const at = draft.indexOf(button.dataset.letter);
    button.classList.toggle("placed", at >= 0);
    button.setAttribute("aria-disabled", String(at >= 0));
    button.querySelector(".pos").textContent = at >= 0 ? at + 1 : "";
  }
  $("undo").disabled = !draft.length;
  $("send").disabled = draft.length !== current.choices.length;
}
function setEnabled(on) {
  for (const node of document.querySelectorAll("#answers button, #typed button, #typed input")) node.disabled = !on;
  if (on && $("send")) {   // the send button follows what is filled in
    const kind = current.question_type;
    $("send").disabled = kind === "multi" ? !draft.length : kind === "order" ? draft.length !== current.choices.length
      : kind === "text" ? !$("text-answer").value.trim() : false;
  }
  if (on && $("undo")) $("undo").disabled = !draft.length;   // nothing to undo yet
}
function answer(value) {
  if (!current || mine || current.paused) return;
  mine = {idx: current.question_idx, answer: value, acked: false};
  if (socket) socket.send({type: "submit", question_idx: mine.idx, answer: value});
  lock();   // shown as sending until the server says it is saved; sent again on reconnect
}
function lock() {
  const letters = typeof mine.answer === "string" && (current.question_type || "choice") !== "text" ? mine.answer : "";
  setEnabled(false);
  for (const button of $("answers").children) {
    const chosen = letters.includes(button.dataset.letter);
    button.classList.toggle("locked", chosen && mine.acked);
    button.classList.toggle("sending", chosen && !mine.acked);
    button.classList.toggle("faded", !chosen);
    button.classList.remove("picked");
    button.setAttribute("aria-pressed", String(chosen));
    button.querySelector(".tag").textContent = mine.acked ? "✓ " + t("q.locked_tag") : t("q.sending");
  }
  const shown = current.question_type === "number" ? fmt(mine.answer) : mine.answer;
  $("answer-status").textContent = mine.acked ? t("q.locked", {answer: shown}) : t("q.sending");
}
function unlock() {
  for (const button of $("answers").children) button.classList.remove("locked", "sending", "faded");
  setEnabled(true);
}
function timeUp(text) {
  if (mine) return;
  setEnabled(false);
  for (const button of $("answers").children) button.classList.add("faded");
  $("answer-status").textContent = text;
}

// The reveal and the end ------------------------------------------------------
function choiceChip(letter, choices, position) {
  const i = LETTERS.indexOf(letter);
  const chip = el("div", "chip choice-" + i);
  chip.append(shape(i), el("span", "letter", position ? position + "." : letter), el("span", "", choices[i]));
  return chip;
}
function rightChips(m) {   // the answer, in the question type's own terms
  const kind = m.question_type || "choice", chips = [];
  if (kind === "text") chips.push(el("div", "chip plain", m.correct.join(" · ")));
  else if (kind === "number") chips.push(el("div", "chip plain", fmt(m.correct) + (m.summary && m.summary.tolerance ? " (± " + fmt(m.summary.tolerance) + ")" : "")));
  else if (kind === "order") [...m.correct].forEach((letter, k) => chips.push(choiceChip(letter, m.choices, k + 1)));
  else [].concat(m.correct).forEach((letter) => chips.push(choiceChip(letter, m.choices)));
  return chips;
}
function yourAnswer(m) {
  const kind = m.question_type || "choice", a = m.your_answer;
  if (a === null || a === undefined) return "";
  if (kind === "text") return t("reveal.you_typed", {answer: a});
  if (kind === "number") return t("reveal.you_answered", {answer: fmt(a)});
  if (kind === "order") return t("reveal.your_order", {answer: [...a].join(" → ")});
  return t("reveal.you_chose", {answer: [...a].join(", ")});
}
function showReveal(m) {
  stopCountdown($("timer"));
  current = null;
  const poll = m.correct === null || m.correct === undefined, answered = m.your_answer !== null && m.your_answer !== undefined;
  me = Object.assign(me || {}, {total: m.your_total}); setWho();
  const partial = !m.your_correct && m.your_score > 0;
  const verdict = $("verdict");
  verdict.className = "verdict" + (poll || !answered ? "" : m.your_correct ? " right" : partial ? "" : " wrong");
  $("verdict-text").textContent = poll ? t("reveal.thanks_vote") : !answered ? t("reveal.no_answer") : m.your_correct ? "✓ " + t("reveal.correct") : partial ? t("reveal.partly") : "✗ " + t("reveal.wrong");
  $("verdict-gain").textContent = poll ? (answered ? t("reveal.you_voted", {answer: m.your_answer}) : t("reveal.did_not_vote")) : t("reveal.gain", {n: m.your_score});
  $("reveal-yours").textContent = poll ? "" : yourAnswer(m);
  $("reveal-answer").classList.toggle("hidden", poll && !m.explanation);
  $("reveal-answer-label").classList.toggle("hidden", poll);
  $("reveal-chip").textContent = "";
  if (!poll) $("reveal-chip").append(...rightChips(m));
  $("reveal-explanation").textContent = m.explanation || "";
  $("reveal-explanation").classList.toggle("hidden", !m.explanation);
  $("reveal-total").textContent = points(m.your_total);
  $("reveal-rank").textContent = "#" + m.your_rank;
  $("reveal-rank-label").textContent = m.player_count ? t("reveal.rank_of", {n: m.player_count}) : t("reveal.your_rank");
  $("reveal-next").textContent = t(m.question_idx + 1 === m.question_count ? "reveal.wait_final" : "reveal.wait_next");
  show("reveal");
}
function showEnded(m) {
  stopCountdown($("timer"));
  current = null;
  me = Object.assign(me || {}, {total: m.your_total}); setWho();
  $("ended-title").textContent = m.title ? t("end.title_of", {title: m.title}) : t("end.title");
  $("ended-rank").textContent = "#" + m.your_rank;
  $("ended-of").textContent = m.player_count ? t("end.of_players", {n: m.player_count}) : "";
  $("ended-answered").textContent = m.questions_answered;
  $("ended-correct").textContent = m.questions_correct + " / " + m.questions_scored;
  $("ended-total").textContent = points(m.your_total);
  show("ended");
  showReview();
}
function answerText(kind, choices, a) {   // an answer in words: "B: Mitochondrion", "Rome", "7.8"
  if (a === null || a === undefined) return t("end.no_answer");
  if (kind === "text") return "“" + a + "”";
  if (kind === "number") return fmt(a);
  return [...String(a)].map((letter) => letter + ": " + (choices[LETTERS.indexOf(letter)] || "")).join(kind === "order" ? " → " : ", ");
}
async function showReview() {   // every question: theirs, the answer, their points
  const {status, data} = await api("GET", "/api/me");
  if (status !== 200 || !data.review) return;
  $("review-h").classList.toggle("hidden", !data.review.length);
  $("review").replaceChildren(...data.review.map((q) => {
    const item = el("li", q.poll ? "" : q.your_correct ? "right" : "wrong"), kind = q.question_type;
    const right = kind === "text" ? q.correct.map((text) => "“" + text + "”").join(" / ")
      : kind === "choice" && Array.isArray(q.correct) ? q.correct.map((l) => answerText(kind, q.choices, l)).join(" / ")
      : answerText(kind, q.choices, kind === "multi" ? q.correct.join("") : q.correct);
    item.append(el("p", "q", (q.question_idx + 1) + ". " + q.prompt),
                el("p", "", t("end.you", {answer: answerText(kind, q.choices, q.your_answer)}) + (q.poll ? "" : q.your_correct ? " ✓" : " ✗")));
    if (!q.poll) item.append(el("p", "muted", t("end.answer", {answer: right + (kind === "number" && q.tolerance ? " (± " + fmt(q.tolerance) + ")" : "")})),
                             el("p", "", t("reveal.gain", {n: q.your_score})));
    return item;
  }));
}

// Joining ---------------------------------------------------------------------
let classList = false;   // with a class list the phone asks for the id alone
async function showJoin(note) {
  const {status, data} = await api("GET", "/api/session");
  classList = status === 200 && data.class_list;
  for (const id of ["name", "name-label", "name-hint"]) $(id).classList.toggle("hidden", classList);
  $("join-note").textContent = note || "";
  $("student-id").value = localStorage.getItem("quizbox.student_id") || "";
  $("name").value = localStorage.getItem("quizbox.name") || "";
  $("join-button").disabled = false; $("join-button").textContent = t("join.button");
  show("join");
  ($("student-id").value ? $("name") : $("student-id")).focus();
}
async function join() {
  clearTimeout(joinRetry); joinRetry = null;
  const student_id = $("student-id").value.trim(), name = $("name").value.trim();
  if (!student_id || (!name && !classList)) { $("join-error").textContent = t(!student_id ? "join.type_id" : "join.type_name"); return; }
  $("join-button").disabled = true; $("join-button").textContent = t("join.joining");
  const {status, data} = await api("POST", "/api/join", classList ? {sid, student_id} : {sid, student_id, name});
  if (status !== 200) {
    $("join-button").disabled = false; $("join-button").textContent = t("join.button");
    $("join-error").textContent = status === 0 ? t("join.unreachable") : errorText(data, t("join.failed", {status}));
    if (data && data.error === "id_in_use") {   // until the teacher lets this phone in
      $("join-error").textContent += " " + t("join.waiting");
      joinRetry = setTimeout(join, 3000);
    }
    if (data && data.error === "unknown_session") setTimeout(() => location.replace("/"), 1500);
    return;
  }
  localStorage.setItem("quizbox.student_id", student_id);
  if (!classList) localStorage.setItem("quizbox.name", name);
  $("join-error").textContent = "";
  me = {name: data.name, total: 0}; setWho();
  showName(data.name);
  startSocket();
}
$("join-form").addEventListener("submit", (event) => { event.preventDefault(); join(); });
for (const id of ["student-id", "name"]) $(id).addEventListener("input", () => { clearTimeout(joinRetry); joinRetry = null; });
$("gone-button").onclick = () => showJoin("");
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat || event.target.tagName === "INPUT") return;
  const i = "1234".indexOf(event.key);
  if (i >= 0 && current && !$("question").classList.contains("hidden")) {
    const button = $("answers").children[i];
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  }
});
(async function boot() {
  const {status, data} = await api("GET", "/api/me");
  if (status === 200) { me = {name: data.name, total: data.total_score}; setWho(); startSocket(); }
  else if (status === 403) onFinalClose(4003);
  else if (status === 409) onFinalClose(4005);
  else showJoin("");
})();
</script></body></html>
"""

ADMIN_PAGE = r"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27 viewBox=%270 0 24 24%27%3E%3Cpath d=%27M12 2.5 22.5 21h-21z%27 fill=%27%234b2fb8%27/%3E%3C/svg%3E">
<title>{{login.title}}</title>
<style>/*CSS*/
body{font-size:20px}
#login{max-width:440px;margin:12vh auto;padding:2rem}
#login h1{font-size:2rem;margin:0 0 1rem}
#login label{font-weight:700;display:block;margin-bottom:.3em}
#login-error{color:var(--bad);min-height:1.4em;font-weight:600}
#dashboard{display:grid;grid-template-columns:clamp(260px,27vw,380px) minmax(0,1fr);gap:1rem;padding:1rem;height:100vh}
aside{display:flex;flex-direction:column;min-height:0;gap:.4rem}
.qr{display:flex;justify-content:center}
.qr svg{width:100%;max-width:260px;height:auto;background:#fff;border-radius:12px;display:block;padding:3%}
.join-label{font-size:.85rem;font-weight:700;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin-top:.2rem}
.join-url{font-size:1.6rem;font-weight:900;overflow-wrap:anywhere;line-height:1.15}
.count-row{display:flex;align-items:baseline;gap:.4rem;border-top:2px solid var(--line);padding-top:.4rem;margin-top:.2rem}
.count{font-size:2.4rem;font-weight:900;line-height:1}
.players{list-style:none;padding:0;margin:0;overflow:auto;flex:1;min-height:3rem}
.players li{display:flex;justify-content:space-between;align-items:center;gap:.5rem;padding:.12em .1em;border-bottom:1px solid var(--line);font-size:.95rem}
.players li.new{animation:pop .6s ease-out}
@keyframes pop{from{background:var(--accent);color:var(--on-accent)}}
.players .pname{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0}
.players button,.mini{padding:.15em .6em;font-size:.8rem;background:transparent;color:var(--muted);border:1px solid var(--line);border-radius:8px;font-weight:600;flex:none}
.players button:hover,.mini:hover{color:var(--bad);border-color:var(--bad)}
#removed-box{font-size:.85rem;color:var(--muted)}
#removed-box summary{cursor:pointer;font-weight:700}
#removed-box ul{list-style:none;padding:0;margin:.3rem 0 0}
#removed-box li{display:flex;justify-content:space-between;gap:.5rem;align-items:center;padding:.15em 0}
#main{display:flex;flex-direction:column;min-width:0;min-height:0;gap:.8rem}
.top{display:flex;justify-content:space-between;align-items:center;gap:1rem}
.eyebrow{font-size:.9rem;font-weight:700;color:var(--muted);text-transform:uppercase;letter-spacing:.08em}
h1{margin:0;font-size:1.6rem;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.primary{font-size:1.45rem;padding:.55em 1.3em;flex:none;box-shadow:0 4px 0 rgba(0,0,0,.25)}
.primary kbd{font:inherit;font-size:.7rem;font-weight:700;border:1.5px solid currentColor;border-radius:6px;padding:.05em .4em}
#stage{flex:1;min-height:0;overflow:auto;display:flex;flex-direction:column;gap:.8rem}
.tools{display:flex;gap:.6rem;flex-wrap:wrap;align-items:center;font-size:1rem}
.tools .hint{margin-inline-start:auto;color:var(--muted);font-size:.9rem}
.prompt{font-size:2.1rem;font-weight:800;margin:0;line-height:1.2;overflow-wrap:anywhere}
.prompt.sm{font-size:1.6rem}
.lobby-hero{text-align:center;padding:2rem 1rem}
.lobby-hero .count{font-size:6rem;color:var(--accent)}
.lobby-hero p{margin:.4rem 0}
.cloud{display:flex;flex-wrap:wrap;gap:.5rem;justify-content:center;margin-top:1rem}
.cloud span{background:var(--soft);border-radius:999px;padding:.25em .8em;font-weight:700;max-width:100%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.qmid{display:grid;grid-template-columns:auto minmax(0,1fr);gap:1.5rem;align-items:center}
.timer{width:7rem;height:7rem;font-size:3rem}
.answered{font-size:1.6rem;font-weight:800}
.progress{height:14px;border-radius:7px;background:var(--soft);overflow:hidden;margin-top:.3rem}
.progress div{height:100%;background:var(--accent);transition:width .3s}
.choices{display:grid;grid-template-columns:1fr 1fr;gap:.7rem;flex:1 1 auto;grid-auto-rows:minmax(3.6rem,1fr);max-height:17rem;font-size:1.65rem}
.choices.long{font-size:1.35rem}.choices.longer{font-size:1.1rem}
.choice{display:flex;align-items:center;gap:.6rem;border-radius:14px;padding:.5em .9em;font-weight:700;overflow-wrap:break-word;line-height:1.2}
.choice .shape{width:1.3em;height:1.3em}
.choice .text{flex:1;min-width:0}
.prompt.long{font-size:1.7rem}.prompt.longer{font-size:1.35rem}
.prompt.sm.long{font-size:1.35rem}.prompt.sm.longer{font-size:1.15rem}
.bars{display:flex;gap:1rem;align-items:flex-end;height:6.5rem;margin-top:.5rem}
.bar{flex:1;display:flex;flex-direction:column;justify-content:flex-end;align-items:center;height:100%;gap:.15rem;min-width:0}
.bar .fill{width:100%;border-radius:10px 10px 0 0;min-height:6px;transition:height .3s}
.bar .key{width:100%;display:flex;justify-content:center;align-items:center;gap:.3em;border-radius:0 0 8px 8px;font-weight:900;font-size:1rem;padding:.1em 0}
.bar .n{font-weight:900;font-size:1.5rem;line-height:1}
.hbars{display:flex;flex-direction:column;gap:.55rem;margin-top:.5rem;font-size:1.2rem}
.hbars.long{font-size:1.05rem}.hbars.longer{font-size:.95rem}
.hbars .bar{display:block;height:auto}
.hlabel{display:flex;align-items:center;gap:.5rem;font-weight:700;line-height:1.2}
.hlabel .key{width:auto;border-radius:8px;padding:.1em .45em;flex:none}
.hlabel .text{flex:1;min-width:0;overflow-wrap:break-word}
.hlabel .n{font-weight:900;font-size:1.25em;font-variant-numeric:tabular-nums;white-space:nowrap}
.hbars .right .n{color:var(--ok)}
.track{height:12px;border-radius:6px;background:var(--soft);margin-top:.25rem;overflow:hidden}
.track .fill{height:100%;border-radius:6px;min-width:4px;transition:width .3s}
.hbars .bar.dim .track{opacity:.4}
.hbars .bar.dim .hlabel .text,.hbars .bar.dim .hlabel .n{color:var(--muted)}
.hbars .bar.right{background:var(--soft);border-radius:10px;padding:.3rem .4rem;margin:0 -.4rem;box-shadow:inset 5px 0 0 var(--ok)}
.hbars .bar.right .track{background:var(--card)}
.reveal-grid{display:grid;grid-template-columns:minmax(0,1.3fr) minmax(0,1fr);gap:1rem}
.explanation{font-size:1.25rem;margin:0;padding:.7rem 1rem;border-inline-start:6px solid var(--ok);background:var(--soft);border-start-end-radius:12px;border-end-end-radius:12px;overflow-wrap:anywhere}
.board{list-style:none;margin:0;padding:0}
.board li{display:flex;gap:.6rem;align-items:center;padding:.3em 0;border-bottom:1px solid var(--line);font-size:1.25rem}
.board .r{font-weight:900;width:2.2em;color:var(--accent)}
.board .nm{flex:1;font-weight:700;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0}
.board .sc{font-weight:800;font-variant-numeric:tabular-nums}
h2{font-size:1.2rem;margin:0 0 .4rem;color:var(--muted);text-transform:uppercase;letter-spacing:.06em}
.final{display:grid;grid-template-columns:minmax(0,1.2fr) minmax(0,1fr);gap:1rem;min-height:0;flex:none}
.podium{display:flex;gap:.8rem;align-items:flex-end;justify-content:center;height:19rem;border-bottom:4px solid var(--line);margin-bottom:1rem}
.step{flex:1;max-width:14rem;display:flex;flex-direction:column;align-items:center;justify-content:flex-end;height:100%;min-width:0}
.step .who{font-size:1.6rem;font-weight:800;text-align:center;overflow-wrap:break-word;hyphens:auto;max-width:100%}
.step .who.long{font-size:1.15rem}.step .who.longer{font-size:.95rem}
.step .pts{color:var(--muted);font-weight:700;margin-bottom:.3rem}
.step .block{width:100%;border-radius:14px 14px 0 0;display:grid;place-items:start center;padding-top:.5rem;font-size:2.6rem;font-weight:900;color:#fff}
.step.p1 .block{height:55%;background:#e0b000;color:#1b1400}.step.p2 .block{height:40%;background:#7d8597}.step.p3 .block{height:28%;background:#a0633a}
.table-wrap{overflow:auto;max-height:28rem;padding-top:0}
table{border-collapse:collapse;width:100%;font-size:1.05rem;table-layout:fixed}
td,th{text-align:start;padding:.3em .5em;border-bottom:1px solid var(--line);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
th.rank{width:3em}th.id{width:22%}th.points{width:6.5em}
td.name{white-space:normal;overflow-wrap:break-word}
th{position:sticky;top:0;background:var(--card)}
td.num,th.num{text-align:end;font-variant-numeric:tabular-nums}
#manage{font-size:1rem;flex:none}
#manage summary{cursor:pointer;font-weight:800;font-size:1.1rem}
.manage-grid{display:grid;grid-template-columns:1fr 1fr;gap:1rem;margin-top:.8rem}
.manage-grid ul{list-style:none;padding:0;margin:0 0 .6rem}
.manage-grid li{display:flex;gap:.6rem;align-items:center;justify-content:space-between;padding:.35em 0;border-bottom:1px solid var(--line)}
.manage-grid li>span{min-width:0;overflow-wrap:anywhere}
@media (prefers-color-scheme:dark){.badge{background:#1a7f37!important}}
.badge{background:var(--ok);color:#fff;border-radius:999px;padding:.05em .6em;font-size:.8rem;font-weight:800;white-space:nowrap;flex:none}
.problem{color:var(--bad);font-weight:700;margin:.4rem 0}
.manage-grid .problems{display:block;color:var(--bad);margin:.2rem 0;padding-inline-start:1.2rem;list-style:disc;font-family:ui-monospace,monospace;font-size:.9rem}
.manage-grid .problems li{display:list-item;border:0;padding:.1em 0;overflow-wrap:anywhere}
.file-form{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;margin-top:.6rem}
.file-form label{flex-basis:100%;font-weight:700;font-size:.9rem}
.file-form input[type=file]{width:auto;flex:1;min-width:12rem;padding:.35em}
.file-form textarea{flex-basis:100%;font:inherit;font-size:.9rem;padding:.4em;border-radius:10px;border:2px solid var(--line);background:var(--card);color:var(--fg)}
.row-tools{display:flex;gap:.4rem;flex-wrap:wrap;align-items:center}
.mini-btn{padding:.25em .8em;font-size:.9rem}
.small{font-size:.9rem}
.skipped{font-size:.9rem;margin:.2rem 0;padding-inline-start:1.2rem}
dialog{border:0;border-radius:16px;padding:1.5rem;max-width:32rem;background:var(--card);color:var(--fg);box-shadow:0 10px 40px rgba(0,0,0,.4)}
dialog::backdrop{background:rgba(0,0,0,.55)}
dialog p{font-size:1.2rem;margin:0 0 1.2rem;overflow-wrap:anywhere}
dialog .row{display:flex;gap:.6rem;justify-content:flex-end}
button.danger{background:#c8102e;color:#fff}
.conflicts{border:2px solid var(--bad);border-radius:12px;padding:.4rem .6rem;font-size:.9rem}
.conflicts p{margin:.2rem 0;overflow-wrap:anywhere}
.controls{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}
.controls button{font-size:1rem;padding:.4em .9em}
.paused-note{background:#ffd23f;color:#1b1400;border-radius:10px;padding:.2em .7em;font-weight:800}
.qlayout{display:grid;grid-template-columns:minmax(0,1fr);gap:1rem;flex:1 1 auto;min-height:0}
.qlayout.withimage{grid-template-columns:minmax(0,1.1fr) minmax(0,1fr)}
.qlayout{grid-template-rows:minmax(0,1fr)}
.qlayout>*{min-height:0}
.qlayout.withimage .qimage{max-height:none}
.qlayout.withimage .choices{grid-template-columns:minmax(0,1fr);max-height:none;font-size:1.3rem;grid-auto-rows:minmax(0,1fr)}
#stage>p.muted{margin:0}
.qimage{width:100%;height:100%;max-height:22rem;object-fit:contain;border-radius:14px;background:var(--card);display:block}
.typed-note{font-size:1.6rem;font-weight:800;text-align:center;padding:1.2rem}
.words{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:.35rem;font-size:1.3rem}
.words li{display:flex;gap:.6rem;align-items:center;background:var(--soft);border-radius:10px;padding:.3em .7em}
.words li.right{box-shadow:inset 6px 0 0 var(--ok)}
.words .text{flex:1;min-width:0;overflow-wrap:anywhere;font-weight:700}
.words .n{font-weight:900;font-variant-numeric:tabular-nums}
.final .podium{height:11rem;margin-bottom:.6rem}
.final .controls{margin-bottom:.5rem}
.final .controls .btn{font-size:.85rem;padding:.35em .75em;box-shadow:none}
.final .step .who{font-size:1.3rem}.final .step .block{font-size:2rem}
.hardest{font-size:1rem;gap:.25rem}
.hardest li{padding:.2em .6em}
.spread{display:flex;gap:.3rem;align-items:flex-end;height:6rem;margin-top:.5rem}
.spread div{flex:1;background:var(--b);border-radius:6px 6px 0 0;min-height:3px;position:relative}
.spread div.right{background:var(--ok)}
.spread-axis{display:flex;justify-content:space-between;font-weight:700;color:var(--muted)}
.big-answer.small{font-size:1.5rem}
.big-answer{font-size:2.4rem;font-weight:900;color:var(--ok);margin:.2rem 0}
.toast{position:fixed;bottom:1rem;left:50%;transform:translateX(-50%);background:var(--fg);color:var(--bg);padding:.7em 1.2em;border-radius:12px;font-weight:700;z-index:30;max-width:90vw}
</style></head><body>
<div id="banner" class="banner hidden" role="status" aria-live="polite"><span class="spin" aria-hidden="true"></span><span>{{reconnecting}}</span></div>
<main id="login" data-screen class="card hidden">
  <h1>{{login.title}}</h1>
  <form id="login-form">
    <label for="password">{{login.password}}</label>
    <input id="password" type="password" autocomplete="current-password" required>
    <p id="login-error" role="alert"></p>
    <button type="submit">{{login.button}}</button></form>
</main>
<div id="dashboard" data-screen class="hidden">
  <aside class="card" aria-labelledby="join-label">
    <div class="qr" id="qr" role="img" aria-label="{{admin.qr}}"></div>
    <h2 class="join-label" id="join-label">{{admin.join_at}}</h2>
    <div class="join-url" id="join-url" dir="ltr"></div>
    <div class="count-row"><span class="count" id="count">0</span><span class="muted" id="count-label"></span></div>
    <div id="conflicts" class="conflicts hidden" role="status"></div>
    <ul id="players" class="players" aria-label="{{admin.participants}}"></ul>
    <details id="removed-box" class="hidden"><summary id="removed-summary"></summary><ul id="removed"></ul></details>
  </aside>
  <main id="main">
    <div class="top"><div style="min-width:0"><div class="eyebrow" id="progress"></div><h1 id="title" dir="auto"></h1></div>
      <button id="primary" class="primary" type="button" aria-keyshortcuts="Space ArrowRight"></button></div>
    <section id="stage"></section>
    <p id="announce" class="sr-only" role="status"></p>
    <details id="manage" class="card hidden"><summary>{{manage.summary}}</summary>
      <div class="manage-grid">
        <section id="pools-box"><h2>{{manage.pools}}</h2>
          <div class="row-tools"><a class="btn mini-btn" href="/admin/editor">{{manage.new}}</a></div>
          <ul id="pools"></ul>
          <form id="import-form" class="file-form"><label for="import-file">{{manage.import_label}}</label>
            <input id="import-file" type="file" accept=".xlsx,.csv,.gift,.txt,.json">
            <button class="quiet" type="submit">{{manage.import}}</button></form>
          <div id="upload-result" role="status" tabindex="-1"></div></section>
        <section id="sessions-box"><h2>{{manage.sessions}}</h2><ul id="sessions"></ul>
          <h2 id="roster-h">{{roster.title}}</h2>
          <p class="muted small" id="roster-status">{{roster.none}}</p>
          <form id="roster-form" class="file-form"><label for="roster-text">{{roster.label}}</label>
            <textarea id="roster-text" rows="3" spellcheck="false" placeholder="007123;Ana Lima"></textarea>
            <input id="roster-file" type="file" accept=".csv,.txt" aria-label="{{roster.file}}">
            <div class="row-tools"><button class="quiet" type="submit">{{roster.use}}</button><button class="quiet" type="button" id="roster-clear">{{roster.clear}}</button></div></form>
          <div id="roster-result" role="status"></div></section>
      </div></details>
    <div class="tools">
      <span id="step-tools" class="controls"></span>
      <a class="btn quiet" id="csv" href="/admin/api/csv" download>{{results.csv}}</a>
      <button class="quiet" id="reset" type="button">{{admin.reset}}</button>
      <button class="quiet" id="logout" type="button">{{admin.logout}}</button>
      <span class="hint">{{admin.keys_hint}}</span>
      <select id="lang" aria-label="{{admin.language}}"></select>
    </div>
  </main>
</div>
<dialog id="ask"><form method="dialog"><p id="ask-text"></p>
  <div class="row"><button class="quiet" value="cancel" id="ask-cancel">{{ask.cancel}}</button><button class="danger" value="ok" id="ask-ok"></button></div></form></dialog>
<div id="toast" class="toast hidden" role="alert"></div>
<script>/*JS*/
let socket = null, game = {state: "lobby"}, q = null, histogram = null, leaderboard = [];
let players = [], seen = null, busy = null, manageChecked = null;   // null: not known yet
let stepped = 0;   // when the quiz last moved: a second press just after it is ignored
let showIds = false;   // student ids are private: the projector shows them only when asked
const manage = $("manage");   // moved into the stage in the lobby and at the end

function ask(text, okLabel) {   // a confirmation in the page (a native confirm() freezes the projector)
  return new Promise((resolve) => {
    const dialog = $("ask");
    $("ask-text").textContent = text; $("ask-ok").textContent = okLabel;
    dialog.onclose = () => resolve(dialog.returnValue === "ok");
    dialog.returnValue = "";
    if (document.activeElement) document.activeElement.blur();   // Space after it must not press that button again
    dialog.showModal();
    $("ask-cancel").focus();
  });
}
function toast(text) {
  const node = $("toast");
  node.textContent = text; node.classList.remove("hidden");
  clearTimeout(node._timer); node._timer = setTimeout(() => node.classList.add("hidden"), 6000);
}
async function boot() {
  const {status, data} = await api("GET", "/admin/api/state");
  if (status === 401) { show("login"); $("password").focus(); return; }
  if (status !== 200) { toast(t("admin.no_answer", {status})); setTimeout(boot, 3000); return; }
  $("qr").innerHTML = data.qr_svg;   // SVG made by the server from the join address
  const qr = $("qr").querySelector("svg");
  if (qr && !qr.getAttribute("viewBox") && qr.getAttribute("width")) {   // so that it scales to the column
    qr.setAttribute("viewBox", "0 0 " + parseFloat(qr.getAttribute("width")) + " " + parseFloat(qr.getAttribute("height")));
    qr.removeAttribute("width"); qr.removeAttribute("height");
  }
  // Typed by hand, the bare address is enough: "/" leads to the live quiz. The QR code has it all.
  const address = data.join_url.replace(/^https?:\/\//, "");
  $("join-url").textContent = address.split("/")[0];
  $("join-url").title = data.join_url;
  $("title").textContent = data.title;
  game = {state: data.state, title: data.title, question_count: data.question_count, current_question_idx: data.current_question_idx};
  show("dashboard");
  render();
  socket = liveSocket("/ws/instructor/" + encodeURIComponent(data.sid), onMessage,
    (up) => $("banner").classList.toggle("hidden", up),
    (code) => { if (code === 4004) location.reload(); else { socket = null; show("login"); } },
    async () => {   // asked before each retry, in case a close code got lost on the way
      const state = await api("GET", "/admin/api/state");
      if (state.status === 401) { socket = null; show("login"); return false; }
      if (state.status === 200 && state.data.sid !== data.sid) { location.reload(); return false; }
      return true;
    });
}
function onMessage(m) {
  if (m.type === "state") {
    game = m; $("title").textContent = m.title; document.title = m.title + " · quizbox";
    if (m.state === "lobby") { q = null; histogram = null; leaderboard = []; }
    done(); render();
  } else if (m.type === "lobby_update") renderPlayers(m);
  else if (m.type === "question_open") {
    if (!q || q.question_idx !== m.question_idx || game.state !== "question_open") { histogram = null; stepped = Date.now(); }
    game.state = "question_open"; game.current_question_idx = m.question_idx; game.paused = m.paused; q = m; done(); render();
  }
  else if (m.type === "live_histogram") { if (q && m.question_idx === q.question_idx) { histogram = m; renderCounts(); } }
  else if (m.type === "question_closed") { game.state = "question_closed"; stepped = Date.now(); q = Object.assign({}, q, m); done(); render(); }
  else if (m.type === "full_leaderboard") { leaderboard = m.leaderboard; if (game.state === "finished") render(); }
  else if (m.type === "session_ended") { game.state = "finished"; game.hardest = m.hardest; stepped = Date.now(); done(); render(); }
  else if (m.type === "error") { done(); toast(errorText(m)); }
}
function done() { clearTimeout(busy); busy = null; $("primary").disabled = false; }

// The left column: who is in, with a remove control each --------------------
function renderPlayers(m) {
  players = m.participants;
  $("count").textContent = m.count;
  $("count-label").textContent = t("admin.joined", {n: m.count});
  const list = $("players"); list.replaceChildren();
  const known = seen || new Set();
  for (const p of m.participants) {
    const item = el("li", seen && !known.has(p.student_id) ? "new" : "");
    const name = el("span", "pname", p.name); name.title = p.name;   // ids stay off the big screen
    const remove = el("button", "", "✕");
    remove.type = "button"; remove.title = t("admin.remove"); remove.setAttribute("aria-label", t("admin.remove_who", {name: p.name}));
    remove.onclick = async () => {
      if (await ask(t("admin.remove_ask", {name: p.name}), t("admin.remove")))
        socket && socket.send({type: "kick", student_id: p.student_id});
    };
    item.append(name, remove); list.append(item);
  }
  seen = new Set(m.participants.map((p) => p.student_id));
  if ($("roster-status")) $("roster-status").textContent = m.class_list
    ? t("roster.status", {n: m.class_list.count, joined: m.class_list.count - m.class_list.absent.length}) : t("roster.none");
  const conflicts = m.id_conflicts || [], box = $("conflicts");
  box.classList.toggle("hidden", !conflicts.length);
  box.replaceChildren(...conflicts.slice(-3).map((c) => {
    const line = el("p"), let_in = el("button", "mini", t("conflict.let_in"));
    line.append(el("b", "", t("conflict.wants", {name: c.current_name})),
                el("span", "", c.name !== c.current_name ? " " + t("conflict.typing", {name: c.name}) + " " : " "));
    let_in.type = "button";
    let_in.setAttribute("aria-label", t("conflict.let_in") + ": " + c.current_name);
    let_in.onclick = async () => {
      if (await ask(t("conflict.ask", {name: c.current_name}), t("conflict.ok")))
        socket && socket.send({type: "release", student_id: c.student_id});
    };
    line.append(let_in);
    return line;
  }));
  const removed = m.removed || [];
  $("removed-box").classList.toggle("hidden", !removed.length);
  $("removed-summary").textContent = t("admin.removed", {n: removed.length});
  $("removed").replaceChildren(...removed.map((p) => {
    const item = el("li"), back = el("button", "mini", t("admin.let_back"));
    back.type = "button"; back.setAttribute("aria-label", t("admin.let_back") + ": " + p.name);
    back.onclick = () => socket && socket.send({type: "readmit", student_id: p.student_id});
    item.append(el("span", "pname", p.name), back);
    return item;
  }));
  if (game.state === "lobby") renderCloud();
}
function renderCloud() {
  const cloud = $("cloud"); if (!cloud) return;
  $("lobby-count").textContent = players.length;
  $("lobby-count-label").textContent = t("lobby.are_in", {n: players.length});
  cloud.replaceChildren(...players.slice(-60).map((p) => el("span", "", p.name)));
}

// The stage: one screen per state --------------------------------------------
function isLast() { return q && game.question_count && q.question_idx === game.question_count - 1; }
function primaryLabel() {
  const key = {lobby: "step.start", question_open: "step.reveal",
               question_closed: isLast() ? "step.final" : "step.next"}[game.state];
  return key ? t(key) : "";
}
function render() {
  const label = primaryLabel();
  $("primary").replaceChildren(label, el("kbd", "", t("key.space")));
  $("primary").classList.toggle("hidden", !label);
  $("progress").textContent = q && game.state !== "lobby" && game.state !== "finished"
    ? t("q.number", {n: q.question_idx + 1, count: game.question_count})
    : (game.state === "finished" ? t("admin.finished") + " · " : "") + t("admin.questions", {n: game.question_count});
  const stage = $("stage");
  stopCountdown($("timer"));
  stage.replaceChildren();
  const between = game.state === "lobby" || game.state === "finished";
  const said = game.state === "question_open" && q ? t("announce.open", {n: q.question_idx + 1})
    : game.state === "question_closed" && q ? t("announce.closed", {n: q.question_idx + 1})
    : game.state === "finished" ? t("announce.final") : "";
  if ($("announce").textContent !== said) $("announce").textContent = said;   // once a step, not every second
  if (game.state === "lobby") renderLobby(stage);
  else if (game.state === "question_open" && q) renderOpen(stage);
  else if (game.state === "question_closed" && q) renderReveal(stage);
  else if (game.state === "finished") renderFinal(stage);
  if (between) { stage.append(manage); manage.classList.toggle("hidden", !manageChecked); loadManage(); }
  // the controls for this moment, always in view: pause and more time, or reopen what just closed
  $("step-tools").replaceChildren(...(game.state === "question_open" && q ? controlsRow().children
    : (game.state === "question_closed" || game.state === "finished") && q ? [reopenButton()] : []));
}
function renderLobby(stage) {
  const hero = el("div", "lobby-hero card");
  const count = el("div", "count", "0"); count.id = "lobby-count";
  const label = el("p", "answered"); label.id = "lobby-count-label";
  const cloud = el("div", "cloud"); cloud.id = "cloud";
  hero.append(count, label, el("p", "muted", t("lobby.how")), el("p", "muted", t("lobby.start")), cloud);
  stage.append(hero);
  renderCloud();
}
function controlsRow() {   // pause / resume and more time, while a question is open
  const row = el("div", "controls");
  const pause = el("button", "quiet", t(game.paused ? "control.resume" : "control.pause")); pause.type = "button"; pause.id = "pause";
  pause.onclick = () => socket && socket.send({type: game.paused ? "resume" : "pause"});
  const more = el("button", "quiet", t("control.more")); more.type = "button"; more.id = "add-time";
  more.title = t("control.more_long");
  more.onclick = () => socket && socket.send({type: "add_time", seconds: 15});
  row.append(pause, more);
  if (game.paused) row.append(el("span", "paused-note", t("control.paused")));
  return row;
}
function reopenButton() {   // a slip of the big button must never cost the class a question
  const again = el("button", "quiet", "↺ " + t("control.reopen", {n: q.question_idx + 1})); again.type = "button"; again.id = "reopen";
  again.onclick = () => socket && socket.send({type: "reopen", question_idx: q.question_idx});
  return again;
}
function questionImage() {
  if (!q.image) return null;
  const image = el("img", "qimage"); image.src = q.image; image.alt = t("q.picture"); image.id = "q-image";
  return image;
}
function choiceTiles(lettered) {
  const tiles = el("div", "choices" + lengthClass(q.choices, 32, 60));
  q.choices.forEach((text, i) => {
    const tile = el("div", "choice choice-" + i);
    tile.setAttribute("aria-label", LETTERS[i] + ": " + text);
    tile.append(shape(i), el("span", "letter", lettered ? LETTERS[i] : ""), el("span", "text", text));
    tiles.append(tile);
  });
  return tiles;
}
function kindOf() { return q.question_type || "choice"; }
function renderOpen(stage) {
  const mid = el("div", "qmid card");
  const timer = el("div", "ring timer"); timer.id = "timer"; timer.setAttribute("role", "timer");
  const meter = el("div");
  const answered = el("div", "answered"); answered.id = "answered";
  const progress = el("div", "progress"), fill = el("div"); fill.id = "answered-bar"; progress.append(fill);
  const bars = el("div", "bars"); bars.id = "bars";
  meter.append(answered, progress, bars);
  mid.append(timer, meter);
  const kind = kindOf(), image = questionImage();
  const body = el("div", "qlayout" + (image ? " withimage" : ""));
  if (image) body.append(image);
  if (kind === "text") body.append(el("div", "typed-note card", t("open.type_it")));
  else if (kind === "number") body.append(el("div", "typed-note card", t("open.give_number", {min: fmt(q.min), max: fmt(q.max)})));
  else body.append(choiceTiles(true));
  const hint = {multi: t("open.multi"), order: t("open.order")}[kind];
  stage.append(el("p", "prompt" + lengthClass([q.prompt], 70, 140), q.prompt));
  if (hint) stage.append(el("p", "muted", hint));
  stage.append(mid, body);
  if (q.paused) { timer.textContent = Math.ceil(q.remaining_ms / 1000); timer.style.setProperty("--p", q.remaining_ms / (q.total_ms || 1)); }
  else countdown(timer, q.remaining_ms, q.total_ms || q.time_limit * 1000);
  renderCounts();
}
function renderCounts() {   // the live part of an open question
  if (!histogram || !q || !$("bars") || game.state !== "question_open") return;
  $("answered").textContent = t("count.answered", {n: histogram.submitted_count, total: histogram.total_count});
  $("answered-bar").style.width = (histogram.total_count ? 100 * histogram.submitted_count / histogram.total_count : 0) + "%";
  if (kindOf() !== "choice" && kindOf() !== "multi") return;   // nothing to copy from the big screen
  const counts = q.choices.map((_, i) => histogram.histogram[LETTERS[i]] || 0);
  const top = Math.max(1, ...counts);
  $("bars").replaceChildren(...counts.map((n, i) => {
    const bar = el("div", "bar"), fill = el("div", "fill choice-" + i), key = el("span", "key choice-" + i);
    bar.setAttribute("aria-label", LETTERS[i] + ": " + n);
    fill.style.height = (100 * n / top) + "%";
    key.append(shape(i), LETTERS[i]);
    bar.append(el("span", "n", n), fill, key);
    return bar;
  }));
}
function letterBars(rights) {   // one row a choice: its text, its count, a bar; the right ones marked
  const h = q.histogram, counts = q.choices.map((_, i) => h[LETTERS[i]] || 0), top = Math.max(1, ...counts);
  const bars = el("div", "hbars" + lengthClass(q.choices, 40, 70)); bars.id = "bars";
  q.choices.forEach((text, i) => {
    const correct = rights.includes(LETTERS[i]), n = counts[i];
    const row = el("div", "bar" + (correct ? " right" : rights.length ? " dim" : ""));
    row.setAttribute("aria-label", LETTERS[i] + ": " + n + (correct ? " " + t("reveal.correct_mark") : ""));
    const key = el("span", "key choice-" + i); key.append(shape(i), LETTERS[i]);
    const label = el("div", "hlabel");
    label.append(key, el("span", "text", text), el("span", "n", (correct ? "✓ " : "") + n));
    const track = el("div", "track"), fill = el("div", "fill choice-" + i);
    fill.style.width = (100 * n / top) + "%";
    track.append(fill);
    row.append(label, track);
    bars.append(row);
  });
  return bars;
}
function answersSummary() {   // the reveal's picture of what the class answered, by type
  const kind = kindOf(), sum = q.summary || {};
  if (kind === "choice" || kind === "multi") return letterBars([].concat(q.correct || []));
  const box = el("div");
  if (kind === "text") {
    box.append(el("p", "big-answer" + (q.correct.join(" · ").length > 24 ? " small" : ""), q.correct.join(" · ")));
    const list = el("ol", "words");
    for (const w of sum.answers || []) {
      const item = el("li", w.correct ? "right" : "");
      item.append(el("span", "text", (w.correct ? "✓ " : "") + w.answer), el("span", "n", w.count));
      list.append(item);
    }
    box.append(list);
  } else if (kind === "number") {
    box.append(el("p", "big-answer", fmt(q.correct) + (sum.tolerance ? " ± " + fmt(sum.tolerance) : "")));
    const spread = el("div", "spread"), bins = sum.bins || [], top = Math.max(1, ...bins.map((b) => b.count));
    for (const b of bins) {
      const bar = el("div", Number(b.from) <= q.correct && q.correct <= Number(b.to) ? "right" : "");
      bar.style.height = (100 * b.count / top) + "%"; bar.title = b.from + "–" + b.to + ": " + b.count;
      spread.append(bar);
    }
    const axis = el("div", "spread-axis"); axis.append(el("span", "", fmt(q.min)), el("span", "", sum.median !== null && sum.median !== undefined ? t("count.median", {n: fmt(sum.median)}) : ""), el("span", "", fmt(q.max)));
    box.append(spread, axis);
  } else {
    const list = el("div", "chips");
    [...q.correct].forEach((letter, k) => {
      const i = LETTERS.indexOf(letter), chip = el("div", "choice choice-" + i);
      chip.append(shape(i), el("span", "letter", (k + 1) + "."), el("span", "text", q.choices[i]));
      list.append(chip);
    });
    box.append(list);
  }
  box.append(el("p", "answered", t("count.right", {n: sum.right || 0, total: sum.answered || 0})));
  return box;
}
function renderReveal(stage) {
  const h = q.histogram, given = (q.summary && q.summary.answered) || 0;
  const left = el("div", "card"), right = el("div", "card");
  const answered = el("div", "answered", t("count.answered", {n: given, total: given + (h.missed || 0) + (h.pending || 0)}));
  answered.id = "answered";
  left.append(answered, answersSummary());
  right.append(el("h2", "", t("reveal.top5")));
  const board = el("ol", "board");
  for (const r of q.top5 || []) {
    const item = el("li"); item.append(el("span", "r", "#" + r.rank), el("span", "nm", r.name), el("span", "sc", points(r.score)));
    board.append(item);
  }
  if (!(q.top5 || []).length) board.append(el("li", "muted", t("reveal.nobody")));
  right.append(board);
  const grid = el("div", "reveal-grid"); grid.append(left, right);
  stage.append(el("p", "prompt sm" + lengthClass([q.prompt], 90, 160), q.prompt), grid);
  if (q.explanation) stage.append(el("p", "explanation", q.explanation));
  else if (q.correct === null || q.correct === undefined) stage.append(el("p", "explanation", t("q.poll")));
}
function renderFinal(stage) {
  const final = el("div", "final");
  const left = el("div", "card"), right = el("div", "card table-wrap");
  const podium = el("div", "podium");
  for (const place of [2, 1, 3]) {
    const r = leaderboard[place - 1], step = el("div", "step p" + place);
    if (r) step.append(el("div", "who" + lengthClass(r.name.split(/\s+/), 9, 14), r.name), el("div", "pts", t("final.pts", {n: r.score})));
    step.append(el("div", "block", "#" + (r ? r.rank : place)));
    if (r || place === 1) podium.append(step);
  }
  left.append(el("h2", "", t("final.title")), podium);
  const hard = (game.hardest || []);
  if (hard.length) {
    const list = el("ol", "words hardest");
    for (const h of hard) {
      const item = el("li"), answer = h.question_type === "text" ? h.correct.join(" / ") : h.question_type === "number" ? fmt(h.correct)
        : [].concat(h.question_type === "order" ? [...h.correct] : h.correct).map((l) => l + ": " + h.choices[LETTERS.indexOf(l)]).join(h.question_type === "order" ? " → " : ", ");
      item.append(el("span", "text", (h.question_idx + 1) + ". " + h.prompt + " — " + answer), el("span", "n", h.right + " / " + h.answered));
      list.append(item);
    }
    left.append(el("h2", "", t("final.hardest")), list);
  }
  const table = el("table"), head = el("tr");
  for (const [h, cls] of [["#", "num rank"], [t("table.name"), "name"], ...(showIds ? [[t("table.id"), "id"]] : []), [t("table.points"), "num points"]]) head.append(el("th", cls, h));
  table.append(head);
  for (const r of leaderboard) {
    const row = el("tr");
    for (const [v, cls] of [[r.rank, "num"], [r.name, "name"], ...(showIds ? [[r.student_id, ""]] : []), [points(r.score), "num"]]) row.append(el("td", cls, v));
    table.append(row);
  }
  if (!leaderboard.length) right.append(el("p", "muted", t("final.nobody")));
  const ids = el("button", "mini", t(showIds ? "final.hide_ids" : "final.show_ids")); ids.type = "button";
  ids.onclick = () => { showIds = !showIds; render(); };   // ids are private: shown only when asked
  right.append(ids);
  right.append(table);
  const download = el("a", "btn", t("results.csv")); download.href = "/admin/api/csv"; download.download = "";
  const report = el("a", "btn quiet", t("results.report")); report.href = "/admin/report"; report.target = "_blank";
  const sheet = el("a", "btn quiet", t("results.xlsx")); sheet.href = "/admin/api/xlsx"; sheet.download = "";
  const row = el("div", "controls"); row.append(download, sheet, report);
  right.prepend(row);   // in view at the top of the ranking, whatever the podium's height
  final.append(left, right);
  stage.append(final);
}

// Quizzes on this box and past sessions (lobby and the end only) -------------
function problemList(problems) {
  const list = el("ul", "problems");
  for (const p of problems || []) list.append(el("li", "", p));
  return list;
}
function when(ms) { return ms ? new Date(ms).toLocaleString(LANG, {dateStyle: "medium", timeStyle: "short"}) : ""; }
async function loadManage() {
  if (manageChecked === false) return;   // this server has no such routes
  const [pools, sessions] = await Promise.all([api("GET", "/admin/api/pools"), api("GET", "/admin/api/sessions")]);
  const havePools = pools.status === 200 && pools.data && Array.isArray(pools.data.pools);
  const haveSessions = sessions.status === 200 && sessions.data && Array.isArray(sessions.data.sessions);
  manageChecked = havePools || haveSessions || (pools.status === 404 && sessions.status === 404 ? false : null);
  $("pools-box").classList.toggle("hidden", !havePools);
  $("sessions-box").classList.toggle("hidden", !haveSessions);
  manage.classList.toggle("hidden", !manageChecked);
  if (havePools) $("pools").replaceChildren(...pools.data.pools.map((p) => {
    const item = el("li"), text = el("span");
    if (!p.title) {   // a file in the folder that is not a valid quiz
      text.append(el("b", "", p.file), el("span", "problem", " · " + t("manage.invalid")), problemList(p.problems));
      item.append(text);
      return item;
    }
    text.append(el("b", "", p.title), el("span", "muted", " · " + t("admin.questions", {n: p.question_count}) + " · " + p.file));
    const actions = el("span", "row-tools");
    if (p.live) actions.append(el("span", "badge", t("manage.live")));
    else {
      const use = el("button", "mini", t("manage.make_live")); use.type = "button";
      use.setAttribute("aria-label", t("manage.make_live") + ": " + p.title);
      use.onclick = () => selectPool(p);
      actions.append(use);
    }
    for (const [key, href] of [["manage.edit", "/admin/editor?file="], ["manage.copy", "/admin/editor?copy="]]) {
      const link = el("a", "btn quiet mini", t(key)); link.href = href + encodeURIComponent(p.file);
      link.setAttribute("aria-label", t(key) + ": " + p.title); actions.append(link);
    }
    if (!p.live) {
      const remove = el("button", "mini", t("manage.delete")); remove.type = "button";
      remove.setAttribute("aria-label", t("manage.delete") + ": " + p.title);
      remove.onclick = async () => {
        if (!await ask(t("manage.delete_ask", {title: p.title, file: p.file}), t("manage.delete"))) return;
        const {status, data} = await api("DELETE", "/admin/api/pools/" + encodeURIComponent(p.file), {});
        if (status !== 200) toast(errorText(data, t("manage.delete_failed", {status}))); else loadManage();
      };
      actions.append(remove);
    }
    item.append(text, actions);
    return item;
  }));
  if (haveSessions) $("sessions").replaceChildren(...sessions.data.sessions.slice().reverse().map((s) => {   // newest first
    const item = el("li"), text = el("span");
    const players = t("manage.players", {n: s.participants});
    text.append(el("b", "", s.title), el("span", "muted", " · " + [t("state." + s.state), players, when(s.ended_at_ms || s.created_at_ms)].filter(Boolean).join(" · ")));
    item.append(text);
    if (s.live) item.append(el("span", "badge", t("manage.live")));
    const links = el("span", "row-tools");
    for (const [key, href, download] of [["results.report", "/admin/report?sid=", false], ["results.sheet", "/admin/api/xlsx?sid=", true], ["results.csv_short", "/admin/api/csv?sid=", true]]) {
      const link = el("a", "btn quiet mini", t(key)); link.href = href + encodeURIComponent(s.sid);
      if (download) link.download = ""; else link.target = "_blank";
      link.setAttribute("aria-label", t("results.of", {what: t(key), title: s.title}));
      links.append(link);
    }
    item.append(links);
    return item;
  }));
  loadRoster();
}
async function loadRoster() {
  const {status, data} = await api("GET", "/admin/api/roster");
  if (status !== 200) return;
  const joined = data.students.filter((s) => s.joined).length;
  $("roster-status").textContent = data.class_list ? t("roster.status", {n: data.students.length, joined}) : t("roster.none");
}
async function sendRoster(text) {
  const result = $("roster-result");
  const {status, data} = await api("POST", "/admin/api/roster", {csv: text});
  result.replaceChildren(el("p", status === 200 ? "" : "problem", status === 200
    ? (data.count ? t("roster.loaded", {n: data.count}) : t("roster.cleared"))
    : errorText(data, t("roster.failed", {status}))));
  if (status === 200) { $("roster-text").value = ""; $("roster-file").value = ""; loadRoster(); }
}
$("roster-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = $("roster-file").files[0];
  const text = file ? await file.text() : $("roster-text").value;
  if (!text.trim()) { $("roster-result").replaceChildren(el("p", "problem", t("roster.empty"))); return; }
  sendRoster(text);
});
$("roster-clear").onclick = async () => { if (await ask(t("roster.clear_ask"), t("roster.clear"))) sendRoster(""); };
async function selectPool(p) {
  if (!await ask(t("manage.switch_ask", {title: p.title}), t("manage.switch"))) return;
  const {status, data} = await api("POST", "/admin/api/pools/select", {file: p.file});
  if (status === 200) setTimeout(() => location.reload(), 1500);   // the socket's 4004 usually comes first
  else toast(errorText(data, t("manage.switch_failed", {status})));
}
async function importFile(replace) {   // a quizbox .json is added as it is; anything else is converted
  const file = $("import-file").files[0], result = $("upload-result");
  result.replaceChildren();
  const say = (node) => { result.append(node); result.scrollIntoView({block: "nearest"}); };
  if (!file) { say(el("p", "problem", t("import.choose"))); return; }
  const json = /\.json$/i.test(file.name);
  let reply;
  if (json) reply = await api("POST", "/admin/api/pools/upload", {filename: file.name, content: await file.text(), replace});
  else {
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = ""; for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
    reply = await api("POST", "/admin/api/pools/import", {filename: file.name, content_base64: btoa(binary)}, 30000);
  }
  const {status, data} = reply;
  if (status === 200) {
    $("import-file").value = "";
    say(el("p", "", json ? t(replace ? "import.replaced" : "import.added", {title: data.title || file.name, file: file.name})
      : t("import.done", {title: data.title, questions: t("admin.questions", {n: data.question_count}), file: data.file})));
    if (data.skipped && data.skipped.length) {
      say(el("p", "problem", t("import.skipped", {n: data.skipped.length})));
      const list = el("ul", "skipped");
      for (const s of data.skipped) list.append(el("li", "", t("import.skipped_one", {n: s.question, why: s.why})));
      say(list);
    }
    if (!json) { const edit = el("a", "btn mini-btn", t("import.open")); edit.href = "/admin/editor?file=" + encodeURIComponent(data.file); say(edit); }
    loadManage();
    return;
  }
  say(el("p", "problem", errorText(data, status === 413 ? t("import.too_large") : t("import.failed", {status}))));
  const problems = ((data && data.problems) || []).filter((p) => p !== data.message);
  if (problems.length) say(problemList(problems));
  if (status === 409 && json) {
    const again = el("button", "mini", t("import.replace", {file: file.name})); again.type = "button";
    again.onclick = () => importFile(true);
    say(again);
  }
}
$("import-form").addEventListener("submit", (event) => { event.preventDefault(); importFile(false); });
manage.addEventListener("toggle", () => { if (manage.open) loadManage(); });

// The teacher's controls -----------------------------------------------------
function primary(fromKey) {
  if (!socket || busy || !primaryLabel()) return;
  if (fromKey && Date.now() - stepped < 800) return;   // a double press must not skip a question
  const sent = socket.send(game.state === "question_open" ? {type: "close_question", question_idx: q ? q.question_idx : null}
    : {type: "next", current_question_idx: game.state === "lobby" || !q ? null : q.question_idx});
  if (!sent) { toast(t("admin.not_connected")); return; }
  $("primary").disabled = true;   // one press, one step: wait for the server
  busy = setTimeout(done, 3000);
}
$("primary").onclick = (e) => { if (e.detail < 2) primary(e.detail === 0); };   // a double click is one press
// A button clicked with the mouse lets go of the focus, so that the next Space
// advances the quiz instead of pressing that button again.
document.addEventListener("click", (e) => {
  const button = e.detail > 0 && e.target.closest ? e.target.closest("button,summary,a") : null;
  if (button) button.blur();
});
document.addEventListener("keydown", (e) => {
  if ($("dashboard").classList.contains("hidden") || $("ask").open || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.repeat) { if (e.key === " " || e.key === "ArrowRight" || e.key === "PageDown") e.preventDefault(); return; }   // a key held down
  if (!(e.key === " " || e.key === "ArrowRight" || e.key === "PageDown")) return;
  const target = e.target.closest ? e.target.closest("input,textarea,select,button,a,summary") : null;
  if (target && target.id !== "primary" && (e.key === " " || target.tagName === "INPUT")) return;   // let that control have it
  e.preventDefault();
  primary(true);
});
$("reset").onclick = async () => {
  if (!await ask(t("admin.reset_ask"), t("admin.reset_ok"))) return;
  const {status, data} = await api("POST", "/admin/api/reset", {});
  if (status !== 200) toast(errorText(data, t("admin.reset_failed", {status})));
};
for (const code of ["en", "es", "fr", "de", "pt", "ar"]) {   // the projector's language, chosen on the page
  const option = el("option", "", t("lang." + code)); option.value = code; option.selected = code === LANG;
  $("lang").append(option);
}
$("lang").onchange = () => { const url = new URL(location.href); url.searchParams.set("lang", $("lang").value); location.replace(url); };
$("logout").onclick = async () => { await api("POST", "/admin/logout", {}); location.reload(); };
$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const {status, data} = await api("POST", "/admin/login", {password: $("password").value});
  if (status === 200) { $("login-error").textContent = ""; $("password").value = ""; boot(); }
  else $("login-error").textContent = status === 0 ? t("login.unreachable") : errorText(data, t("login.failed", {status}));
});
boot();
</script></body></html>
"""


REPORT_PAGE = r"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>quizbox · report</title>
<style>/*CSS*/
body{font-size:16px}
main{max-width:1100px;margin:0 auto;padding:1rem 1.2rem 3rem}
header.top{display:flex;justify-content:space-between;align-items:flex-end;gap:1rem;flex-wrap:wrap;border-bottom:3px solid var(--line);padding-bottom:.6rem}
h1{margin:0;font-size:1.8rem;overflow-wrap:anywhere}
h2{font-size:1.25rem;margin:1.6rem 0 .5rem}
.tools{display:flex;gap:.5rem;flex-wrap:wrap}
.tools .btn,.tools button{font-size:.95rem;padding:.45em .9em}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.7rem;margin-top:1rem}
.cards .card{padding:.7rem .9rem}
.cards b{display:block;font-size:1.7rem;font-weight:900;font-variant-numeric:tabular-nums}
.cards span{color:var(--muted);font-size:.9rem}
.chart{width:100%;height:auto;max-height:14rem;display:block}
.chart rect.bin{fill:var(--accent)}
.chart text{fill:var(--fg);font-size:11px;font-family:inherit}
.flags{list-style:none;padding:0;margin:0;display:flex;flex-direction:column;gap:.5rem}
.flags li{border-inline-start:6px solid var(--bad);background:var(--card);border-start-end-radius:10px;border-end-end-radius:10px;padding:.5rem .8rem;overflow-wrap:anywhere}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.92rem;background:var(--card)}
th,td{border-bottom:1px solid var(--line);padding:.35em .5em;text-align:start;vertical-align:top;overflow-wrap:break-word}
th{background:var(--soft);position:sticky;top:0}
td.num,th.num{text-align:end;font-variant-numeric:tabular-nums;white-space:nowrap}
.right{color:var(--ok);font-weight:700}.wrong{color:var(--bad)}
.meter{display:inline-block;width:4.5rem;height:.7rem;background:var(--soft);border-radius:4px;vertical-align:middle;margin-inline-start:.3rem;overflow:hidden}
.meter i{display:block;height:100%;background:var(--ok)}
.counts{color:var(--muted);font-size:.85rem}
.tag{font-size:.8rem;border-radius:999px;padding:.05em .5em;background:var(--soft);white-space:nowrap}
#error{color:var(--bad);font-weight:700}
@media print{
  @page{size:A4;margin:12mm}
  body{font-size:10pt;background:#fff;color:#000}
  .tools,#banner{display:none!important}
  main{max-width:none;padding:0}
  .card{box-shadow:none;border:1px solid #bbb}
  th{position:static}
  table{font-size:8.5pt}
  tr,li,.cards .card{break-inside:avoid}
  thead{display:table-header-group}
  h2{break-after:avoid}
  .table-wrap{overflow:visible}
}
</style></head><body>
<main>
  <header class="top"><div><div class="muted" id="subtitle">{{report.title}}</div><h1 id="title">{{report.title}}</h1></div>
    <div class="tools"><button type="button" id="print">{{report.print}}</button>
      <a class="btn quiet" id="xlsx" download>{{results.xlsx}}</a>
      <a class="btn quiet" id="csv" download>{{results.csv_short}}</a></div></header>
  <p id="error" role="alert"></p>
  <section aria-labelledby="class-h"><h2 id="class-h">{{report.class}}</h2>
    <div class="cards" id="cards"></div>
    <div class="card" style="margin-top:.7rem"><div class="muted" id="chart-label">{{report.spread}}</div><div id="chart"></div></div></section>
  <section aria-labelledby="flags-h"><h2 id="flags-h">{{report.go_over}}</h2><ul class="flags" id="flags"></ul></section>
  <section aria-labelledby="questions-h"><h2 id="questions-h">{{report.questions}}</h2>
    <div class="table-wrap" tabindex="0" aria-labelledby="questions-h"><table id="questions"></table></div></section>
  <section aria-labelledby="students-h"><h2 id="students-h">{{report.students}}</h2>
    <div class="table-wrap" tabindex="0" aria-labelledby="students-h"><table id="students"></table></div></section>
</main>
<script id="report-data" type="application/json">null</script>
<script>/*JS*/
const params = new URLSearchParams(location.search);
function pct(x) { return x === null || x === undefined ? "–" : Math.round(100 * x) + "%"; }
function num(x, digits) { return x === null || x === undefined ? "–" : Number(x).toLocaleString(LANG, {maximumFractionDigits: digits || 0}); }
function rightAnswer(q) {
  if (q.poll) return t("report.poll");
  if (q.type === "text") return q.correct.join(" / ");
  if (q.type === "order") return [...q.correct].join(" → ");
  return [].concat(q.correct).join(q.type === "multi" ? " + " : " / ");
}
function table(node, headers, rows) {
  const head = el("thead"), tr = el("tr");
  for (const [text, cls] of headers) { const th = el("th", cls || "", text); th.scope = "col"; tr.append(th); }
  head.append(tr);
  const body = el("tbody");
  for (const row of rows) {
    const line = el("tr");
    row.forEach((cell, i) => {
      const td = el("td", headers[i][1] || "");
      if (cell instanceof Node) td.append(cell); else td.textContent = cell === null || cell === undefined ? "" : String(cell);
      line.append(td);
    });
    body.append(line);
  }
  node.replaceChildren(head, body);
}
function chart(bins) {   // the spread of totals, drawn here: no library
  const ns = "http://www.w3.org/2000/svg", w = 640, h = 170, pad = 22;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 " + w + " " + h); svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", bins.map((b) => b.from + "–" + b.to + ": " + b.count).join(", "));
  const top = Math.max(1, ...bins.map((b) => b.count)), width = (w - 2 * pad) / Math.max(1, bins.length);
  bins.forEach((b, i) => {
    const height = (h - 2 * pad) * b.count / top, x = pad + i * width;
    const rect = document.createElementNS(ns, "rect");
    rect.setAttribute("class", "bin"); rect.setAttribute("x", x + 2); rect.setAttribute("width", Math.max(1, width - 4));
    rect.setAttribute("y", h - pad - height); rect.setAttribute("height", Math.max(0, height));
    const count = document.createElementNS(ns, "text");
    count.setAttribute("x", x + width / 2); count.setAttribute("y", h - pad - height - 4); count.setAttribute("text-anchor", "middle");
    count.textContent = b.count || "";
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", x + width / 2); label.setAttribute("y", h - 6); label.setAttribute("text-anchor", "middle");
    label.textContent = num(b.from);
    svg.append(rect, count, label);
  });
  return svg;
}
function render(r) {
  $("title").textContent = r.title || t("report.title");
  $("subtitle").textContent = t("report.title") + " · " + t(r.state === "finished" ? "state.finished" : "report.so_far") + " · " + r.sid;
  document.title = (r.title || t("report.title")) + " · " + t("report.title");
  $("xlsx").href = "/admin/api/xlsx?sid=" + encodeURIComponent(r.sid);
  $("csv").href = "/admin/api/csv?sid=" + encodeURIComponent(r.sid);
  const s = r.summary;
  $("cards").replaceChildren(...[[s.players, t("report.players")], [s.absent, t("report.absent")], [num(s.average), t("report.average")],
    [num(s.median), t("report.median")], [num(s.stdev), t("report.stdev")], [s.played + " / " + s.question_count, t("report.played")]]
    .map(([value, label]) => { const card = el("div", "card"); card.append(el("b", "", value), el("span", "", label)); return card; }));
  $("chart").replaceChildren(s.histogram && s.histogram.length ? chart(s.histogram) : el("p", "muted", t("report.no_totals")));
  const flagText = (q) => (q.flags || []).map((f) => t("flag." + f.code, f)).join(" ");
  const flagged = r.questions.filter((q) => q.flags && q.flags.length);
  $("flags").replaceChildren(...(flagged.length ? flagged.map((q) => {
    const item = el("li"); item.append(el("b", "", t("report.question_n", {n: q.question_idx + 1}) + ": " + q.prompt), el("br"), el("span", "", flagText(q)));
    return item;
  }) : [el("li", "muted", t("report.none_flagged"))]));
  table($("questions"), [["#", "num"], [t("report.col_question")], [t("report.col_answer")], [t("report.col_right"), "num"], [t("report.col_discrimination"), "num"], [t("report.col_time"), "num"], [t("report.col_answers")], [t("report.col_note")]],
    r.questions.map((q) => {
      const right = el("span", "", pct(q.correct_share));
      if (q.correct_share !== null && q.correct_share !== undefined) { const m = el("span", "meter"), i = el("i"); i.style.width = pct(q.correct_share); m.append(i); right.append(m); }
      const counts = Array.isArray(q.choices) ? q.choices.map((c) => (c.letter || "“" + c.answer + "”") + " " + c.count).join(" · ")
        : q.choices ? t("report.number_spread", {min: num(q.choices.min, 6), median: num(q.choices.median, 6), max: num(q.choices.max, 6)}) : "";
      return [q.question_idx + 1, q.prompt, rightAnswer(q), right, q.discrimination === null ? "–" : num(q.discrimination, 2),
              q.avg_ms === null ? "–" : t("report.seconds", {n: num(q.avg_ms / 1000, 1)}), el("span", "counts", counts), flagText(q)];
    }));
  table($("students"), [["#", "num"], [t("table.name")], [t("table.id")], [t("table.points"), "num"], [t("report.col_right"), "num"], [t("report.col_answered"), "num"],
      ...r.questions.map((q) => [t("report.q_short", {n: q.question_idx + 1})])],
    r.students.map((st) => {
      const cells = [st.rank === null ? "" : st.rank, st.name, st.student_id,
        st.absent ? el("span", "tag", t("report.absent_one")) : st.removed ? el("span", "tag", t("report.removed_one")) : num(st.total), st.correct, st.answered];
      for (const q of r.questions) {
        const a = st.answers[q.question_idx];
        cells.push(!a || a.answer === null ? "–" : el("span", q.poll ? "" : a.correct ? "right" : "wrong", (q.poll ? "" : a.correct ? "✓ " : "✗ ") + a.answer));
      }
      return cells;
    }));
}
$("print").onclick = () => window.print();
(async function boot() {
  const embedded = JSON.parse($("report-data").textContent);
  if (embedded) { render(embedded); for (const id of ["xlsx", "csv"]) $(id).classList.add("hidden"); return; }
  const {status, data} = await api("GET", "/admin/api/report" + (params.get("sid") ? "?sid=" + encodeURIComponent(params.get("sid")) : ""));
  if (status === 200) render(data);
  else $("error").textContent = status === 401 ? t("report.login") : errorText(data, t("report.failed", {status}));
})();
</script></body></html>
"""


def report_html(report, language="en") -> str:
    """The report page with its data inside: a file that opens anywhere, no server needed."""
    data = dumps(report).replace("<", "\\u003c")   # never a "</script>" inside the page
    return localized(REPORT_PAGE, language)[0].replace('type="application/json">null</script>',
                               f'type="application/json">{data}</script>', 1)


EDITOR_PAGE = r"""<!doctype html>
<html lang="en" dir="ltr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27 viewBox=%270 0 24 24%27%3E%3Cpath d=%27M12 2.5 22.5 21h-21z%27 fill=%27%234b2fb8%27/%3E%3C/svg%3E">
<title>quizbox · quiz editor</title>
<style>/*CSS*/
body{font-size:16px}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
label,.label{display:block;font-weight:700;margin:0 0 .3rem}
textarea,select{font:inherit;padding:.55em .75em;border-radius:10px;border:2px solid var(--line);background:var(--card);color:var(--fg)}
textarea{width:100%;resize:vertical;min-height:2.8em}
select{max-width:100%}
textarea:focus-visible,select:focus-visible,label:focus-within>input[type=file]+span{outline:3px solid var(--accent);outline-offset:2px}
input[type=checkbox],input[type=radio]{width:1.15em;height:1.15em;margin:0;accent-color:var(--accent);flex:none}
[aria-invalid=true]{border-color:var(--bad)!important}
a{color:var(--accent)}
#login,#missing{max-width:460px;margin:12vh auto;padding:2rem}
#login h1,#missing h1{font-size:1.8rem;margin:0 0 1rem}
#login-error{color:var(--bad);min-height:1.4em;font-weight:600}
#loading{text-align:center;margin-top:20vh}
/* the frame: a bar, notices, three columns that scroll on their own */
#editor{display:flex;flex-direction:column;height:100vh;height:100dvh}
.topbar{display:flex;align-items:center;gap:.5rem .6rem;padding:.45rem 1rem;background:var(--card);border-bottom:1px solid var(--line);flex-wrap:wrap;flex:none}
.topbar .titlebox{flex:1 1 12rem;min-width:0}
.topbar h1{font-size:1.2rem;margin:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.subline{font-size:.85rem;color:var(--muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.topbar .btn,.topbar button{padding:.42em .85em;font-size:.92rem}
.topbar nav{display:flex;gap:.4rem;flex-wrap:wrap;align-items:center}
#status{font-weight:700}
#status.bad{color:var(--bad)}#status.ok{color:var(--ok)}
#save{font-size:1rem;padding:.45em 1.3em}
#save kbd{font:inherit;font-size:.7rem;border:1.5px solid currentColor;border-radius:6px;padding:0 .35em}
.notices{flex:none;padding:0 1rem;display:flex;flex-direction:column;gap:.5rem;max-height:45vh;overflow:auto}
.notice{margin-top:.5rem;border-radius:12px;padding:.55rem .9rem;background:var(--card);border-left:6px solid var(--accent);display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.notice.bad{border-left-color:var(--bad)}
.notice.warn{border-left-color:#d39e00}
.notice>p{margin:0;flex:1 1 24rem;overflow-wrap:anywhere}
.notice .row{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}
.notice button,.notice .btn{padding:.35em .9em;font-size:.92rem}
.notice h2{font-size:1rem;margin:0;flex:1 1 100%}
.notice.bad h2{color:var(--bad)}
#problem-list{list-style:none;margin:0;padding:0;flex:1 1 100%;display:flex;flex-direction:column;gap:.1rem;max-height:6.2rem;overflow:auto}
#problem-list button{background:transparent;color:var(--fg);padding:.15em .3em;font-weight:600;text-align:left;justify-content:flex-start;border-radius:6px}
#problem-list button:hover{background:var(--soft)}
#problem-list button::before{content:"⚠";color:var(--bad)}
#conflict-name{width:16rem;max-width:100%;padding:.35em .6em}
.workspace{flex:1;min-height:0;display:grid;grid-template-columns:240px minmax(0,1fr) minmax(300px,400px);gap:1rem;padding:.8rem 1rem 1rem}
.workspace>*{min-height:0;overflow:auto}
/* the list of questions */
#outline{padding:.7rem;display:flex;flex-direction:column;gap:.3rem}
.col-h{font-size:.8rem;text-transform:uppercase;letter-spacing:.07em;color:var(--muted);margin:.2rem .2rem .1rem}
.item{width:100%;justify-content:flex-start;text-align:left;background:transparent;color:var(--fg);border:2px solid transparent;border-radius:10px;padding:.35em .45em;font-weight:600;gap:.45em;align-items:flex-start}
.item:hover{background:var(--soft)}
.item.current{background:var(--soft);border-color:var(--accent)}
.item .num{font-weight:900;min-width:1.4em;text-align:right;font-variant-numeric:tabular-nums}
.item .what{flex:1;min-width:0;display:flex;flex-direction:column}
.item .ptext{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-weight:600}
.item .ptext.empty{color:var(--muted);font-style:italic}
.item .kind{font-size:.75rem;color:var(--muted);font-weight:600}
.pcount{background:var(--bad);color:#fff;border-radius:999px;padding:0 .45em;font-size:.78rem;font-weight:800;flex:none;align-self:center}
@media (prefers-color-scheme:dark){.pcount{color:#1a0006}}
#qlist{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:.1rem}
#qlist li.drop-before{box-shadow:0 -3px 0 var(--accent)}
#qlist li.drop-after{box-shadow:0 3px 0 var(--accent)}
#qlist li.dragging{opacity:.4}
#add-toggle{width:100%;margin-top:.4rem}
#add-menu{display:flex;flex-direction:column;gap:.3rem;margin-top:.3rem}
#add-menu button{flex-direction:column;align-items:flex-start;text-align:left;background:var(--soft);color:var(--fg);padding:.4em .6em;font-size:.92rem;border-radius:10px;gap:0}
#add-menu button:hover{outline:2px solid var(--accent)}
#add-menu small{font-weight:400;color:var(--muted);font-size:.8rem}
.empty-note{color:var(--muted);font-size:.9rem;margin:.3rem .2rem}
/* the form */
#form{padding:1rem 1.2rem}
.form-head{display:flex;justify-content:space-between;align-items:center;gap:.6rem;flex-wrap:wrap;margin-bottom:.8rem}
.form-head h2{margin:0;font-size:1.35rem}
.tools{display:flex;gap:.35rem;flex-wrap:wrap}
.tool,.icon{background:transparent;color:var(--fg);border:2px solid var(--line);padding:.3em .7em;font-size:.88rem;border-radius:10px}
.tool:hover,.icon:hover{border-color:var(--accent)}
button.tool.danger,button.icon.danger{background:transparent;color:var(--fg)}
button.tool.danger:hover,button.icon.danger:hover{border-color:var(--bad);color:var(--bad)}
.field{margin:0 0 1.05rem}
fieldset.field{border:2px solid var(--line);border-radius:12px;padding:.5rem .8rem .7rem;min-width:0}
legend{font-weight:700;padding:0 .3rem}
.hint{font-size:.88rem;color:var(--muted);margin:.3rem 0 0}
.hint.warn{color:var(--fg);background:#fff3c4;border-radius:8px;padding:.3em .6em}
.extra-note{margin:0 0 1rem;display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
.extra-note .tool{padding:.15em .6em}
@media (prefers-color-scheme:dark){.hint.warn{background:#3b3000}}
.pmsg{color:var(--bad);font-weight:700;margin:.3rem 0 0;font-size:.92rem;overflow-wrap:anywhere}
.pmsg::before{content:"⚠ "}
.inline{display:flex;gap:.5rem;align-items:flex-start;font-weight:600;margin:.35rem 0}
.inline input{margin-top:.2em}
.inline span small{display:block;font-weight:400;color:var(--muted);font-size:.85rem}
.crow{display:flex;gap:.45rem;align-items:center;margin:.45rem 0 0;flex-wrap:wrap}
.plain{background:var(--soft);color:var(--fg)}
.crow .key{display:inline-flex;align-items:center;gap:.3em;border-radius:8px;padding:.4em .55em;font-weight:900;flex:none;min-width:3.1em}
.crow input[type=text]{flex:1 1 12rem;width:auto;min-width:0;padding:.42em .65em}
#form input,#form textarea,#form select{padding:.42em .65em}
.crow .pmsg{flex:1 1 100%;margin-left:3.6em}
.right-toggle{display:inline-flex;align-items:center;gap:.4em;margin:0;padding:.42em .65em;border:2px solid var(--line);border-radius:10px;cursor:pointer;white-space:nowrap;font-weight:700;font-size:.92rem}
.right-toggle.on{border-color:var(--ok);color:var(--ok)}
.right-toggle input{accent-color:var(--ok)}
.right-toggle:focus-within{outline:3px solid var(--accent);outline-offset:2px}
.add-row{margin-top:.55rem}
.numgrid{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.2rem .8rem}
.numgrid .field{margin-bottom:.4rem}
.small-input{max-width:12rem}
.picture{display:flex;gap:.8rem;align-items:center;flex-wrap:wrap}
.thumb{width:132px;height:88px;object-fit:contain;background:var(--soft);border-radius:8px;display:block;flex:none}
.nothumb{width:132px;height:88px;border:2px dashed var(--line);border-radius:8px;display:grid;place-items:center;color:var(--muted);font-size:.85rem;text-align:center;flex:none}
.picture .tools{flex:1}
.upload{display:inline-flex;cursor:pointer;margin:0;font-weight:700}
.upload:focus-within{outline:3px solid var(--accent);outline-offset:2px;border-radius:10px}
.upload input{position:absolute;width:1px;height:1px;opacity:0}
.scoring label{font-weight:600}
#delete-quiz{margin-top:.4rem}
.import-box{border:2px dashed var(--line);border-radius:12px;margin:0 0 1.2rem;padding:.6rem .8rem}
.import-box h3,.danger-zone h3{font-size:1rem;margin:0 0 .3rem}
.import-row{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}
.import-row input{flex:1 1 14rem;width:auto;padding:.35em}
.danger-zone{border-top:2px solid var(--line);margin-top:1.2rem;padding-top:.8rem}
/* the preview: the real pages' look, drawn at their size and scaled down */
#preview{padding:0 .1rem}
#preview h3{font-size:.85rem;color:var(--muted);margin:.6rem 0 .3rem;font-weight:700}
.pv-phone{width:180px;border:7px solid #23252c;border-radius:24px;overflow:hidden;position:relative;background:var(--bg);margin:0 auto;box-shadow:0 2px 8px rgba(0,0,0,.25)}
.pv-proj{width:100%;border:5px solid #23252c;border-radius:8px;overflow:hidden;position:relative;background:var(--bg);box-shadow:0 2px 8px rgba(0,0,0,.25)}
.pv-screen{position:absolute;left:0;top:0;transform-origin:0 0;background:var(--bg);color:var(--fg);font-size:18px;pointer-events:none;overflow:hidden}
.pv-phone .pv-screen{width:360px;height:640px}
.pv-proj .pv-screen{width:1280px;height:720px;font-size:20px}
.pv-note{font-size:.85rem;color:var(--muted);margin:.3rem 0 0;text-align:center}
.pv-empty{display:grid;place-items:center;height:100%;color:var(--muted);font-size:2rem;padding:2rem;text-align:center}
.pv-proj .pv-empty{font-size:3.2rem}
.ph{display:flex;flex-direction:column;height:100%}
.ph-bar{display:flex;justify-content:space-between;gap:1rem;padding:.55rem 1rem;font-size:.95rem;background:var(--card);border-bottom:1px solid var(--line);font-weight:700}
.ph-bar b{font-weight:900}
.ph-main{padding:1rem;display:flex;flex-direction:column;gap:1rem;flex:1;min-height:0}
.ph-head{display:flex;align-items:center;justify-content:space-between;gap:1rem}
.ph-num{font-weight:700;color:var(--muted)}
.ph-timer{width:3.6rem;height:3.6rem;font-size:1.4rem;flex:none}
.ph-img{display:block;max-width:100%;max-height:166px;object-fit:contain;margin:0 auto;border-radius:12px;background:var(--card)}
.ph-prompt{font-size:1.35rem;font-weight:800;margin:0;overflow-wrap:break-word}
.ph-prompt.long{font-size:1.2rem}.ph-prompt.longer{font-size:1.05rem}
.placeholder{color:var(--muted);font-style:italic;font-weight:600}
.ph-answers{display:grid;grid-template-columns:1fr;gap:.7rem;flex:1;grid-auto-rows:minmax(4.2rem,1fr);max-height:30rem}
.ph-answers.withimage{grid-auto-rows:minmax(3.2rem,1fr);flex:0 1 auto}
.ph-answer{display:flex;align-items:center;gap:.6em;padding:.7em 1em;border-radius:16px;font-size:1.2rem;font-weight:700;box-shadow:0 4px 0 rgba(0,0,0,.25);overflow-wrap:break-word;min-width:0}
.ph-answers.long .ph-answer{font-size:1.05rem}.ph-answers.longer .ph-answer{font-size:.95rem;padding:.5em .9em}
.ph-answer .shape{width:1.6em;height:1.6em}
.ph-answer .letter{font-size:1.3rem}
.ph-answer .text{flex:1;min-width:0}
.ph-typed{display:flex;flex-direction:column;gap:.6rem}
.ph-input{font-size:1.4rem;padding:.7em;border-radius:10px;border:2px solid var(--line);background:var(--card);color:var(--muted)}
.ph-send{font-weight:700;border-radius:12px;padding:.8em;background:var(--accent);color:var(--on-accent);text-align:center;font-size:1.2rem;opacity:.5}
.ph-hint{font-size:.9rem;color:var(--muted);margin:0}
.ph-big{font-size:3.2rem;font-weight:900;text-align:center;margin:0;font-variant-numeric:tabular-nums;line-height:1.1}
.ph-range{height:2.6rem;display:flex;align-items:center}
.ph-range div{height:8px;border-radius:4px;background:var(--soft);flex:1;position:relative}
.ph-range span{position:absolute;top:50%;width:22px;height:22px;border-radius:50%;background:var(--accent);transform:translate(-50%,-50%)}
.ph-ends{display:flex;justify-content:space-between;font-weight:700;color:var(--muted)}
.ph-status{font-weight:700;text-align:center;margin:0}
.pj{display:grid;grid-template-columns:345px minmax(0,1fr);gap:1rem;padding:1rem;height:100%}
.pj-aside{background:var(--card);border-radius:16px;padding:1.2rem;display:flex;flex-direction:column;gap:.4rem}
.pj-qr{width:215px;height:215px;margin:0 auto;border-radius:12px;background:repeating-conic-gradient(#1b1b1b 0 25%,#fff 0 50%) 0 0/43px 43px;border:10px solid #fff}
.pj-join{font-size:.85rem;font-weight:700;text-transform:uppercase;letter-spacing:.08em;color:var(--muted)}
.pj-url{font-size:1.6rem;font-weight:900}
.pj-main{display:flex;flex-direction:column;gap:.8rem;min-width:0;min-height:0}
.pj-eyebrow{font-size:.9rem;font-weight:700;color:var(--muted);text-transform:uppercase;letter-spacing:.08em}
.pj-title{margin:0;font-size:1.6rem;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-weight:800}
.pj-prompt{font-size:2.1rem;font-weight:800;margin:0;line-height:1.2;overflow-wrap:anywhere}
.pj-prompt.long{font-size:1.7rem}.pj-prompt.longer{font-size:1.35rem}
.pj-hint{color:var(--muted);margin:0}
.pj-mid{display:grid;grid-template-columns:auto minmax(0,1fr);gap:1.5rem;align-items:center;background:var(--card);border-radius:16px;padding:1.2rem}
.pj-timer{width:7rem;height:7rem;font-size:3rem}
.pj-answered{font-size:1.6rem;font-weight:800}
.pj-progress{height:14px;border-radius:7px;background:var(--soft);margin-top:.3rem}
.pj-layout{display:grid;grid-template-columns:minmax(0,1fr);gap:1rem;flex:1 1 auto;min-height:0}
.pj-layout.withimage{grid-template-columns:minmax(0,1.1fr) minmax(0,1fr)}
.pj-img{width:100%;height:100%;max-height:22rem;object-fit:contain;border-radius:14px;background:var(--card);display:block;min-height:0}
.pj-choices{display:grid;grid-template-columns:1fr 1fr;gap:.7rem;grid-auto-rows:minmax(3.6rem,1fr);max-height:17rem;font-size:1.65rem}
.pj-choices.long{font-size:1.35rem}.pj-choices.longer{font-size:1.1rem}
.pj-layout.withimage .pj-choices{grid-template-columns:1fr}
.pj-choice{display:flex;align-items:center;gap:.6rem;border-radius:14px;padding:.5em .9em;font-weight:700;overflow-wrap:break-word;line-height:1.2;min-width:0}
.pj-choice .shape{width:1.3em;height:1.3em}
.pj-choice .text{flex:1;min-width:0}
.pj-note{font-size:1.6rem;font-weight:800;text-align:center;padding:1.2rem;background:var(--card);border-radius:16px}
/* dialogs and the toast */
dialog{border:0;border-radius:16px;padding:1.4rem;max-width:36rem;width:calc(100% - 2rem);background:var(--card);color:var(--fg);box-shadow:0 10px 40px rgba(0,0,0,.4)}
dialog::backdrop{background:rgba(0,0,0,.55)}
dialog h2{margin:0 0 .8rem;font-size:1.3rem}
dialog p{margin:0 0 1rem;overflow-wrap:anywhere}
dialog .row{display:flex;gap:.6rem;justify-content:flex-end;flex-wrap:wrap}
button.danger{background:#c8102e;color:#fff}
@media (prefers-color-scheme:dark){button.danger{color:#1a0006}}
#gallery{max-width:52rem}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:.6rem;max-height:55vh;overflow:auto;margin:0 0 1rem;padding:.2rem}
.gallery button{flex-direction:column;background:var(--soft);color:var(--fg);padding:.45rem;font-weight:600;font-size:.8rem;gap:.3rem;border:2px solid transparent;overflow-wrap:anywhere}
.gallery button:hover,.gallery button.current{border-color:var(--accent)}
.gallery img{width:100%;height:92px;object-fit:contain;display:block}
.toast{position:fixed;bottom:1rem;left:50%;transform:translateX(-50%);background:var(--fg);color:var(--bg);padding:.6em .9em .6em 1.2em;border-radius:12px;font-weight:700;z-index:30;max-width:90vw;display:flex;gap:.8rem;align-items:center}
.toast button{padding:.3em .9em;font-size:.92rem;background:var(--bg);color:var(--fg)}
/* narrower windows: the preview goes below, then everything in one column */
@media (max-width:1180px){
  #editor{height:auto;min-height:100vh}
  .workspace{grid-template-columns:220px minmax(0,1fr);align-items:start}
  .workspace>*{overflow:visible}
  #outline{position:sticky;top:.5rem;max-height:calc(100vh - 1rem);overflow:auto}
  #preview{grid-column:2;display:grid;grid-template-columns:190px minmax(0,1fr);gap:0 1rem;align-items:start}
  #preview .col-h{grid-column:1/-1}
}
@media (max-width:760px){
  .workspace{grid-template-columns:minmax(0,1fr);padding:.6rem}
  #outline{position:static;max-height:none}
  #preview{grid-column:auto;display:block}
  .topbar nav{width:100%}
}
</style></head><body>
<section id="loading" data-screen><p class="muted">Loading…</p></section>
<section id="login" data-screen class="card hidden">
  <h1>quizbox · quiz editor</h1>
  <form id="login-form">
    <label for="password">Admin password</label>
    <input id="password" type="password" autocomplete="current-password" required>
    <p id="login-error" role="alert"></p>
    <button type="submit">Log in</button></form>
</section>
<section id="missing" data-screen class="card hidden">
  <h1>Cannot open this quiz</h1>
  <p id="missing-text" role="alert"></p>
  <p><a class="btn" href="/admin/">Back to the teacher's page</a></p>
</section>
<div id="editor" data-screen class="hidden">
  <header class="topbar">
    <a class="btn quiet" href="/admin/" id="back">← Teacher's page</a>
    <div class="titlebox"><h1 id="heading">Quiz editor</h1>
      <div class="subline"><span id="file-line"></span> · <span id="status" role="status" aria-live="polite"></span></div></div>
    <nav aria-label="This quiz">
      <a class="btn quiet hidden" id="download" download>Download</a>
      <a class="btn quiet hidden" id="gift" download>Export for Moodle</a>
      <a class="btn quiet hidden" id="duplicate">Duplicate</a>
      <button type="button" id="save" aria-keyshortcuts="Control+S">Save <kbd>Ctrl S</kbd></button>
    </nav>
  </header>
  <div class="notices" id="notices">
    <div id="draft-offer" class="notice warn hidden" role="alert">
      <p id="draft-text"></p>
      <div class="row"><button type="button" id="draft-restore">Restore</button><button type="button" class="quiet" id="draft-discard">Discard</button></div></div>
    <div id="played-note" class="notice warn hidden" role="note"><p id="played-text"></p></div>
    <div id="conflict" class="notice bad hidden" role="alert">
      <p id="conflict-text"></p>
      <div class="row">
        <button type="button" class="quiet" id="conflict-reload">Open their version (your changes are lost)</button>
        <label class="sr-only" for="conflict-name">File name for your copy</label>
        <input id="conflict-name" autocomplete="off" spellcheck="false">
        <button type="button" id="conflict-copy">Save yours as a copy</button>
      </div>
      <p id="conflict-error" class="pmsg hidden" role="alert"></p></div>
    <div id="save-error" class="notice bad hidden" role="alert"><p id="save-error-text"></p></div>
    <div id="problems" class="notice warn hidden" role="region" aria-labelledby="problems-title">
      <h2 id="problems-title"></h2><ul id="problem-list"></ul></div>
  </div>
  <div class="workspace" id="workspace">
    <nav id="outline" class="card" aria-labelledby="outline-h">
      <h2 class="col-h" id="outline-h">This quiz</h2>
      <button type="button" class="item" id="settings-item"><span class="num" aria-hidden="true">⚙</span><span class="what"><span class="ptext">Quiz settings</span><span class="kind">title, language, scoring, time</span></span></button>
      <h2 class="col-h">Questions</h2>
      <ol id="qlist" aria-label="Questions" aria-describedby="qlist-keys"></ol>
      <p class="sr-only" id="qlist-keys">Up and down arrows: another question. Alt with an arrow: move this question.</p>
      <p class="empty-note hidden" id="no-questions">No questions yet.</p>
      <div data-path="questions"></div>
      <button type="button" id="add-toggle" aria-expanded="false" aria-controls="add-menu">+ Add a question</button>
      <div id="add-menu" class="hidden" role="group" aria-label="Kind of question to add"></div>
    </nav>
    <section id="form" class="card" aria-labelledby="settings-h">
      <div id="settings-form">
        <div class="form-head"><h2 id="settings-h">Quiz settings</h2></div>
        <section class="import-box hidden" id="import-box" aria-labelledby="import-h">
          <h3 id="import-h">Start from a file made elsewhere?</h3>
          <p class="hint" id="import-hint">A Kahoot spreadsheet (.xlsx or .csv), Moodle questions (GIFT, .gift or .txt) or Aiken (.txt). It becomes a new quiz on this box; nothing is replaced.</p>
          <div class="import-row"><label class="sr-only" for="import-file">File to import</label>
            <input type="file" id="import-file" accept=".xlsx,.csv,.gift,.txt" aria-describedby="import-hint">
            <button type="button" class="quiet" id="import-button">Import</button></div>
          <div id="import-result" role="status"></div></section>
        <div data-path=""></div>
        <div class="hint warn extra-note hidden" id="extra-pool"><span id="extra-pool-text"></span><button type="button" class="tool" id="extra-pool-remove">Remove them</button></div>
        <div class="field" data-path="title"><label for="title">Title</label>
          <input id="title" dir="auto" autocomplete="off" aria-describedby="file-hint" data-desc="file-hint">
          <p class="hint" id="file-hint"></p></div>
        <div class="field" data-path="language"><label for="language">Language</label>
          <select id="language" aria-describedby="language-hint" data-desc="language-hint"></select>
          <p class="hint" id="language-hint">The phones and the projector show their buttons and messages in this language.</p></div>
        <fieldset class="field scoring" data-path="score_fn"><legend>Scoring</legend>
          <label class="inline"><input type="radio" name="score_fn" value="speed" id="score-speed"><span>Faster is better <small>A right answer earns 500 to 1000 points: more the sooner it comes.</small></span></label>
          <label class="inline"><input type="radio" name="score_fn" value="flat" id="score-flat"><span>Same points for every right answer <small>1000 points, however long it took.</small></span></label></fieldset>
        <div class="field" data-path="streak_bonus">
          <label class="inline"><input type="checkbox" id="streak"><span>Streak bonus <small>Right answers in a row earn extra: 100 more for each one in the streak, up to 500. A wrong or missed answer ends it.</small></span></label></div>
        <div class="field" data-path="time_limit_default"><label for="default-time">Time per question (seconds)</label>
          <input id="default-time" class="small-input" type="number" min="5" max="600" step="1" inputmode="numeric" aria-describedby="default-time-hint" data-desc="default-time-hint">
          <p class="hint" id="default-time-hint">5 to 600. Each question can have its own time instead.</p></div>
        <div data-path="session_id"></div>
        <section class="danger-zone hidden" id="danger-zone" aria-labelledby="danger-h">
          <h3 id="danger-h">Delete this quiz</h3>
          <p class="hint">The file is moved to the box's “.deleted” folder, not destroyed. Results already played stay.</p>
          <button type="button" class="tool danger" id="delete-quiz">Delete this quiz…</button></section>
      </div>
      <div id="question-form" class="hidden"></div>
    </section>
    <section id="preview" aria-labelledby="preview-h">
      <h2 class="col-h" id="preview-h">Preview</h2>
      <div><h3 id="pv-phone-h">On a phone</h3>
        <div class="pv-phone" id="pv-phone-box" role="img" aria-labelledby="pv-phone-h"><div class="pv-screen" id="pv-phone"></div></div>
        <p class="pv-note hidden" id="pv-order-note">The class sees these in a shuffled order.</p></div>
      <div><h3 id="pv-proj-h">On the projector</h3>
        <div class="pv-proj" id="pv-proj-box" role="img" aria-labelledby="pv-proj-h"><div class="pv-screen" id="pv-projector"></div></div></div>
    </section>
  </div>
</div>
<dialog id="gallery" aria-labelledby="gallery-h"><form method="dialog">
  <h2 id="gallery-h">Pictures on this box</h2>
  <p id="gallery-status" class="muted" role="status"></p>
  <div class="gallery" id="gallery-grid"></div>
  <div class="row"><button class="quiet" value="cancel" id="gallery-cancel">Cancel</button></div></form></dialog>
<dialog id="ask" aria-labelledby="ask-text"><form method="dialog"><p id="ask-text"></p>
  <div class="row"><button class="quiet" value="cancel" id="ask-cancel">Cancel</button><button class="danger" value="ok" id="ask-ok"></button></div></form></dialog>
<div id="toast" class="toast hidden" role="status" aria-live="polite"><span id="toast-text"></span><button type="button" id="toast-action" class="hidden"></button></div>
<script>/*JS*/
// The quiz editor. The form keeps a model of the quiz; questionDoc() and
// poolDoc() turn it into the contract's pool document, which is what is
// checked (by the server, 400 ms after typing stops), kept as a draft in
// localStorage on every change, and saved. Fields of the file that the editor
// does not know are kept as they were.
const query = new URLSearchParams(location.search);
const OPEN_FILE = query.get("file"), COPY_OF = query.get("copy");
const TYPES = [
  ["choice", "Single answer", "One right answer (tick more than one if any of them should count)."],
  ["multi", "Several right answers", "Students tick every right answer."],
  ["text", "Typed answer", "Students type a word or a short answer."],
  ["number", "Number", "Students pick a number on a slider."],
  ["order", "Put in order", "Students tap the items in the right order."],
  ["poll", "Poll", "No right answer, nobody scores: just ask the class."],
];
const TYPE_NAME = Object.fromEntries(TYPES.map(([key, name]) => [key, name]));
const LANGUAGES = [["en", "English"], ["es", "Español (Spanish)"], ["fr", "Français (French)"],
                   ["de", "Deutsch (German)"], ["pt", "Português (Portuguese)"], ["ar", "العربية (Arabic)"]];
const ALL_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";   // a file may have more choices than the four it may play
const DEFAULT_LIMIT = 20, MAX_CHOICES = 4, MAX_ACCEPT = 10, ANSWER_MAX = 40;
const PICTURE_MAX = 2 * 1024 * 1024, SHRINK_ABOVE = 700 * 1024, SHRINK_TO = 1600;
// What the server takes in each kind of question (the rest is kept untouched).
const COMMON_FIELDS = ["type", "prompt", "explanation", "time_limit", "image"];
const FIELDS = {choice: ["choices", "correct"], multi: ["choices", "correct"], text: ["accept"],
                number: ["min", "max", "correct", "step", "tolerance"], order: ["choices"]};
const NUMBER_FIELDS = [["min", "Smallest answer", "0"], ["max", "Largest answer", "10"], ["correct", "Right answer", ""],
                       ["step", "Step", "1"], ["tolerance", "Tolerance (±)", "0"]];
const POOL_KEYS = ["title", "language", "time_limit_default", "score_fn", "streak_bonus"];
const POOL_DEFAULTS = {language: "en", time_limit_default: DEFAULT_LIMIT, score_fn: "speed", streak_bonus: false};

let Q = {file: null, version: null, copyOf: null, base: {}, settings: {}, questions: [], selected: -1,
         freshPool: false, touchedPool: {}};
let savedJson = null;        // the document as last loaded or saved: changes are measured against it
let problems = [], checkTimer = null, checkDue = 0, checkSeq = 0, checkFailed = false;
let saving = false, saveNote = null, saveRefused = false, pendingDraft = null;
let deleted = null, loaded = false, afterLogin = null;

// Small helpers ---------------------------------------------------------------
function text(v) {
  if (typeof v === "string") return v;
  if (v === undefined || v === null) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}
function numText(v) { return v === undefined || v === null ? "" : typeof v === "number" ? String(v) : text(v); }
function toNumber(t) {   // a number where it is one; the text otherwise, for the server to name
  const s = String(t).trim(), n = Number(s);
  return s !== "" && Number.isFinite(n) ? n : s;
}
function clone(v) { return JSON.parse(JSON.stringify(v)); }
function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }
function when(ms) { return new Date(ms).toLocaleString([], {dateStyle: "medium", timeStyle: "short"}); }
function button(label, cls, onclick, aria) {
  const b = el("button", cls || "", label); b.type = "button";
  if (onclick) b.addEventListener("click", onclick);
  if (aria) b.setAttribute("aria-label", aria);
  return b;
}
function keyTile(i, cls) {   // the coloured letter with its shape, as the phones show it
  const key = el("span", (cls || "key") + (i < 4 ? " choice-" + i : " plain"));
  if (i < 4) key.append(shape(i));
  key.append(el("span", "letter", ALL_LETTERS[i] || "?"));
  return key;
}
function tile(cls, k, value) {   // an answer as the phone or the projector shows it
  const node = el("div", cls + (k < 4 ? " choice-" + k : " plain")), words = el("span", "text", value);
  words.dir = "auto";
  if (k < 4) node.append(shape(k));
  node.append(el("span", "letter", ALL_LETTERS[k] || "?"), words);
  return node;
}
function toast(message, actionLabel, action) {
  const node = $("toast"), act = $("toast-action");
  $("toast-text").textContent = message;
  act.classList.toggle("hidden", !actionLabel);
  act.textContent = actionLabel || "";
  act.onclick = action ? () => { node.classList.add("hidden"); action(); } : null;
  node.classList.remove("hidden");
  clearTimeout(node._timer); node._timer = setTimeout(() => node.classList.add("hidden"), actionLabel ? 12000 : 6000);
}
function ask(message, okLabel) {   // a confirmation in the page, never window.confirm()
  return new Promise((resolve) => {
    const dialog = $("ask");
    $("ask-text").textContent = message; $("ask-ok").textContent = okLabel;
    dialog.returnValue = "";
    dialog.onclose = () => resolve(dialog.returnValue === "ok");
    dialog.showModal();
    $("ask-cancel").focus();
  });
}

// The model: a question as the form holds it, and back to the pool format -----
function questionModel(raw) {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) raw = {};
  const kind = "type" in raw ? raw.type : "choice";
  const m = {ui: kind, typed: "type" in raw, prompt: text(raw.prompt), explanation: text(raw.explanation),
             time_limit: numText(raw.time_limit), image: typeof raw.image === "string" && raw.image ? raw.image : null,
             choices: [], marks: [], accept: [], num: {min: "", max: "", correct: "", step: "", tolerance: ""},
             extra: {}, fresh: false, touched: {}};
  if (!FIELDS[kind]) { m.ui = "unknown"; m.raw = raw; return m; }   // a kind this page does not know: kept as it is
  for (const key of Object.keys(raw))
    if (!COMMON_FIELDS.includes(key) && !FIELDS[kind].includes(key)) m.extra[key] = raw[key];
  if (FIELDS[kind].includes("choices")) {
    m.choices = Array.isArray(raw.choices) ? raw.choices.map(text) : ["", ""];
    const right = kind === "order" || raw.correct === null || raw.correct === undefined ? [] : [].concat(raw.correct);
    // A right letter past the choices ("E" of four) gets its empty row, ticked: seen, and fixable.
    const last = Math.max(-1, ...right.map((letter) => ALL_LETTERS.indexOf(letter)));
    while (m.choices.length <= last) m.choices.push("");
    m.marks = m.choices.map((_, i) => right.includes(ALL_LETTERS[i]));
    if (kind === "choice" && raw.correct === null) m.ui = "poll";
  }
  if (kind === "text") m.accept = Array.isArray(raw.accept) ? raw.accept.map(text) : [""];
  if (kind === "number") for (const key of Object.keys(m.num)) m.num[key] = numText(raw[key]);
  return m;
}
function newQuestion(ui) {
  const m = questionModel({});
  m.ui = ui; m.fresh = true;
  m.choices = ["", "", "", ""]; m.marks = [false, false, false, false];
  if (ui === "text") m.accept = [""];
  if (ui === "number") { m.num.min = "0"; m.num.max = "10"; }
  return m;
}
function rightLetters(m) { return m.choices.map((_, i) => m.marks[i] ? ALL_LETTERS[i] : null).filter(Boolean); }
function kindOf(m) { return m.ui === "poll" ? "choice" : m.ui; }
function questionDoc(m) {
  if (m.ui === "unknown") return clone(m.raw);
  const kind = kindOf(m), q = {};
  if (kind !== "choice" || m.typed) q.type = kind;
  q.prompt = m.prompt;
  if (m.image) q.image = m.image;
  if (FIELDS[kind].includes("choices")) q.choices = m.choices.slice();
  if (kind === "choice") {
    const letters = m.ui === "poll" ? [] : rightLetters(m);
    q.correct = !letters.length ? null : letters.length === 1 ? letters[0] : letters;
  } else if (kind === "multi") q.correct = rightLetters(m);
  else if (kind === "text") q.accept = m.accept.slice();
  else if (kind === "number") {
    for (const key of ["min", "max", "correct", "step", "tolerance"])
      if (m.num[key].trim() !== "") q[key] = toNumber(m.num[key]);
  }
  if (m.explanation.trim()) q.explanation = m.explanation;
  if (m.time_limit.trim() !== "") q.time_limit = toNumber(m.time_limit);
  for (const [key, value] of Object.entries(m.extra)) if (!(key in q)) q[key] = value;
  return q;
}
function settingsOf(base) {
  return {title: text(base.title), language: typeof base.language === "string" ? base.language : "en",
          time: "time_limit_default" in base ? numText(base.time_limit_default) : String(DEFAULT_LIMIT),
          score_fn: base.score_fn === "flat" ? "flat" : "speed", streak: base.streak_bonus === true};
}
function poolDoc() {
  const s = Q.settings;
  const values = {title: s.title, language: s.language, score_fn: s.score_fn, streak_bonus: s.streak,
                  time_limit_default: s.time.trim() === "" ? undefined : toNumber(s.time)};
  const wanted = (key) => values[key] !== undefined &&
    (key === "title" || key in Q.base || values[key] !== POOL_DEFAULTS[key]);
  const out = {};
  for (const key of Object.keys(Q.base)) {   // the file's own order, its other fields untouched
    if (key === "questions") out.questions = null;
    else if (POOL_KEYS.includes(key)) { if (wanted(key)) out[key] = values[key]; }
    else out[key] = Q.base[key];
  }
  for (const key of POOL_KEYS) if (!(key in out) && wanted(key)) out[key] = values[key];
  out.questions = Q.questions.map(questionDoc);
  return out;
}
function load(doc, file, version) {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) doc = {};
  Q.base = clone(doc);
  if ("questions" in Q.base) Q.base.questions = null;   // only its place is kept: the model has them
  const raw = Array.isArray(doc.questions) ? doc.questions : [];
  Q.settings = settingsOf(doc);
  Q.questions = raw.map(questionModel);
  Q.file = file; Q.version = version;
  Q.touchedPool = {}; Q.freshPool = !file;
  savedJson = JSON.stringify(poolDoc());   // changes are measured against this
}
function modelState() { return {base: Q.base, settings: Q.settings, questions: Q.questions}; }
function docOf(model) {   // the pool document a kept model stands for
  const keep = modelState();
  Object.assign(Q, model);
  const json = JSON.stringify(poolDoc());
  Object.assign(Q, keep);
  return json;
}

// Drafts: the working copy in localStorage, on every change ------------------
function draftKey() { return "quizbox.draft." + (Q.file || (Q.copyOf ? "copy-of-" + Q.copyOf : "new")); }
function isDirty() { return JSON.stringify(poolDoc()) !== savedJson; }
function writeDraft() {
  if (pendingDraft) return;   // the teacher has not chosen yet: the old draft stays
  try {
    if (isDirty()) localStorage.setItem(draftKey(), JSON.stringify({saved_at: Date.now(), file: Q.file,
      base_version: Q.version, model: modelState()}));
    else localStorage.removeItem(draftKey());
  } catch (e) { /* storage full or switched off: the page still works */ }
}
function readDraft() {
  try { const d = JSON.parse(localStorage.getItem(draftKey())); return d && d.model ? d : null; }
  catch (e) { return null; }
}
function dropDraft(key) { try { localStorage.removeItem(key || draftKey()); } catch (e) { /* nothing kept */ } }
function offerDraft() {
  const draft = readDraft();
  if (!draft) return;
  if (docOf(draft.model) === JSON.stringify(poolDoc())) { dropDraft(); return; }   // nothing it would change
  pendingDraft = draft;
  let message = "You have unsaved changes from " + when(draft.saved_at) + ".";
  if (Q.file && draft.base_version !== Q.version)
    message += " The quiz was saved again after that, here or on another computer: if you restore your changes, saving will ask what to do about that newer version.";
  $("draft-text").textContent = message;
  $("draft-offer").classList.remove("hidden");
  $("workspace").inert = true; $("save").disabled = true;
  $("draft-restore").focus();
}
$("draft-restore").addEventListener("click", () => {
  const draft = pendingDraft;
  pendingDraft = null;
  Q.base = draft.model.base; Q.settings = draft.model.settings; Q.questions = draft.model.questions;
  if (Q.file) Q.version = draft.base_version;   // so that a newer file is never overwritten unasked
  closeDraftOffer();
  fillSettings();
  select(Q.selected >= Q.questions.length ? Q.questions.length - 1 : Q.selected);
  changed();
  toast("Your unsaved changes are back. Save to keep them.");
});
$("draft-discard").addEventListener("click", () => { pendingDraft = null; dropDraft(); closeDraftOffer(); updateStatus(); });
function closeDraftOffer() {
  $("draft-offer").classList.add("hidden");
  $("workspace").inert = false; $("save").disabled = false;
}

// Every change goes through here ---------------------------------------------
function changed() {
  writeDraft();
  saveNote = null; saveRefused = false;
  $("save-error").classList.add("hidden");
  renderOutline(); renderPreview(); updateStatus(); updateFileHint();
  checkSoon();
}
function updateStatus() {
  const node = $("status"), dirty = isDirty(), n = problems.length;
  let message, cls = "";
  if (saving) message = "Saving…";
  else if (saveNote) { message = saveNote.text; cls = saveNote.cls; }
  else if (!dirty && Q.file) { message = "All changes saved"; cls = "ok"; }
  else message = Q.file ? "Unsaved changes" : "Not saved yet";
  if (!saving && !saveNote && n) { message += " · " + plural(n, "problem", "problems") + " to fix"; cls = "bad"; }
  if (!saving && checkFailed && !saveNote) message += " · cannot reach the box to check";
  node.textContent = message; node.className = cls;
  const name = Q.settings.title && Q.settings.title.trim();
  $("heading").textContent = name || "Untitled quiz";
  document.title = (name ? name + " · " : "") + "quiz editor · quizbox";
}

// Checking with the server's own rules, 400 ms after typing stops ------------
function checkSoon(delay) {   // 400 ms after the last change, and at least every 1.5 s while typing goes on
  clearTimeout(checkTimer);
  const now = Date.now();
  if (!checkDue) checkDue = now + 1500;
  checkTimer = setTimeout(() => { checkDue = 0; checkNow(); }, Math.min(delay === undefined ? 400 : delay, Math.max(0, checkDue - now)));
}
async function checkNow() {
  const seq = ++checkSeq;
  const {status, data} = await api("POST", "/admin/api/pools/validate", {pool: poolDoc()});
  if (seq !== checkSeq) return;   // a newer check is on its way
  if (status === 401) { needLogin(() => checkSoon(0)); return; }
  checkFailed = !(status === 200 && data && Array.isArray(data.problems));
  if (!checkFailed) problems = data.problems;
  showProblems();
}
function showProblems() { renderSummary(); renderOutline(); placeProblems(); updateStatus(); }
function renderSummary() {
  const notSaved = saveRefused;
  // Problems of what is still being filled in (a question just added, a new
  // quiz's title) wait until their field is touched, or Save is pressed.
  const box = $("problems"), n = problems.length, visible = problems.filter(shown), waiting = n - visible.length;
  box.classList.toggle("hidden", !visible.length);
  box.classList.toggle("bad", !!notSaved); box.classList.toggle("warn", !notSaved);
  $("problems-title").textContent = (notSaved ? "Not saved: " : "") + plural(n, "problem", "problems") + " to fix before saving";
  const items = visible.map((p) => {
    const item = el("li");
    item.append(button(p.message, "", () => goToProblem(p)));
    return item;
  });
  if (waiting) items.push(el("li", "hint", "… and " + waiting + " more in what you are still filling in."));
  $("problem-list").replaceChildren(...items);
}
function fieldKey(path) {   // "questions[2].choices[1]" → "choices"
  const match = /^questions\[\d+\]\.(\w+)/.exec(path || "");
  return match ? match[1] : null;
}
function problemBox(p) {
  const path = p.path || "", root = $("editor");
  const find = (x) => root.querySelector('[data-path="' + CSS.escape(x) + '"]');
  if (p.question) {
    if (Q.selected !== p.question - 1) return null;   // only the open question's form is on the page
    return find(path) || find(path.replace(/\[\d+\]$/, "")) || find("questions[" + (p.question - 1) + "]");
  }
  return find(path) || find(path.replace(/\[\d+\]$/, "")) || find("");
}
function shown(p) {   // a question just added shows its problems field by field, as they are touched
  if (p.question) {
    const m = Q.questions[p.question - 1];
    return !m || !m.fresh || m.touched[fieldKey(p.path)];
  }
  return !Q.freshPool || Q.touchedPool[p.path];
}
function placeProblems() {
  for (const node of document.querySelectorAll("#editor .pmsg.placed")) node.remove();
  for (const node of document.querySelectorAll("#editor [aria-invalid]")) {
    node.removeAttribute("aria-invalid");
    if (node.dataset.desc) node.setAttribute("aria-describedby", node.dataset.desc); else node.removeAttribute("aria-describedby");
  }
  problems.forEach((p, k) => {
    const box = shown(p) && problemBox(p);
    if (!box) return;
    const message = el("p", "pmsg placed", p.message); message.id = "problem-" + k;
    box.append(message);
    const input = box.tagName === "FIELDSET" || !box.classList.length ? null   // a whole group: the message says which
      : box.querySelector("input:not([type=radio]):not([type=checkbox]),textarea,select");
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", ((input.dataset.desc || "") + " " + message.id).trim());
    }
  });
}
function showAllProblems() {
  Q.freshPool = false;
  for (const m of Q.questions) m.fresh = false;
}
function goToProblem(p) {
  select(p.question ? p.question - 1 : -1);
  if (p.question && Q.questions[p.question - 1]) Q.questions[p.question - 1].fresh = false; else Q.freshPool = false;
  placeProblems();
  const box = problemBox(p);
  const target = box && (box.querySelector("input,textarea,select,button") || box);
  if (target && target.focus) { target.focus(); if (target.scrollIntoView) target.scrollIntoView({block: "center"}); }
}

// The list of questions ------------------------------------------------------
function renderOutline() {
  const settings = $("settings-item");
  settings.classList.toggle("current", Q.selected === -1);
  settings.setAttribute("aria-current", Q.selected === -1 ? "true" : "false");
  const poolProblems = problems.filter((p) => !p.question && p.path !== "questions").length;
  const old = settings.querySelector(".pcount"); if (old) old.remove();
  if (poolProblems) settings.append(countBadge(poolProblems));
  const list = $("qlist"), focused = document.activeElement && document.activeElement.closest("#qlist") ? Q.selected : null;
  list.replaceChildren(...Q.questions.map((m, i) => {
    const item = el("li"); item.draggable = true; item.dataset.i = i;
    const b = el("button", "item" + (i === Q.selected ? " current" : "")); b.type = "button";
    b.setAttribute("aria-current", i === Q.selected ? "true" : "false");
    const what = el("span", "what");
    const prompt = m.ui === "unknown" ? text(m.raw.prompt) : m.prompt;
    what.append(el("span", "ptext" + (prompt.trim() ? "" : " empty"), prompt.trim() || "(no question yet)"),
                el("span", "kind", (TYPE_NAME[m.ui] || "Other kind") + (m.image ? " · picture" : "")));
    b.append(el("span", "num", i + 1), what);
    const n = problems.filter((p) => p.question === i + 1).length;
    if (n) b.append(countBadge(n));
    b.tabIndex = i === Math.max(0, Q.selected) ? 0 : -1;   // one stop for Tab; the arrow keys go along the list
    b.addEventListener("click", () => {
      select(i);
      if (matchMedia("(max-width:760px)").matches) $("form").scrollIntoView({block: "start"});   // one column: the form is below
    });
    b.addEventListener("keydown", (e) => {
      const step = {ArrowUp: -1, ArrowDown: 1}[e.key];
      if (e.altKey && step) { e.preventDefault(); move(i, step, true); return; }
      const to = step ? i + step : e.key === "Home" ? 0 : e.key === "End" ? Q.questions.length - 1 : null;
      if (to === null || e.ctrlKey || e.metaKey || e.altKey || to < 0 || to >= Q.questions.length) return;
      e.preventDefault();
      select(to);
      $("qlist").children[to].firstChild.focus();
    });
    item.append(b);
    return item;
  }));
  $("no-questions").classList.toggle("hidden", Q.questions.length > 0);
  if (focused !== null && list.children[focused]) list.children[focused].firstChild.focus();
}
function countBadge(n) {
  const badge = el("span", "pcount", n);
  badge.setAttribute("aria-label", plural(n, "problem", "problems"));
  return badge;
}
// Drag and drop, for a mouse; the buttons and Alt+↑/↓ do the same.
let dragFrom = null;
$("qlist").addEventListener("dragstart", (e) => {
  const item = e.target.closest("li"); if (!item) return;
  dragFrom = Number(item.dataset.i); item.classList.add("dragging");
  e.dataTransfer.effectAllowed = "move"; e.dataTransfer.setData("text/plain", String(dragFrom));
});
$("qlist").addEventListener("dragover", (e) => {
  const item = e.target.closest("li"); if (dragFrom === null || !item) return;
  e.preventDefault();
  const after = e.clientY > item.getBoundingClientRect().top + item.offsetHeight / 2;
  for (const li of $("qlist").children) li.classList.remove("drop-before", "drop-after");
  item.classList.add(after ? "drop-after" : "drop-before");
});
$("qlist").addEventListener("drop", (e) => {
  const item = e.target.closest("li"); if (dragFrom === null || !item) return;
  e.preventDefault();
  let to = Number(item.dataset.i) + (item.classList.contains("drop-after") ? 1 : 0);
  if (to > dragFrom) to -= 1;
  const from = dragFrom; dragFrom = null;
  if (to !== from) { const [m] = Q.questions.splice(from, 1); Q.questions.splice(to, 0, m); select(to); changed(); }
  else renderOutline();
});
$("qlist").addEventListener("dragend", () => { dragFrom = null; renderOutline(); });

function select(i) {
  const before = Q.questions[Q.selected];
  if (before && Q.selected !== i) before.fresh = false;   // leaving a question: its problems show from now on
  Q.selected = Math.max(-1, Math.min(i, Q.questions.length - 1));
  $("settings-form").classList.toggle("hidden", Q.selected !== -1);
  $("question-form").classList.toggle("hidden", Q.selected === -1);
  if (Q.selected >= 0) renderQuestionForm();
  $("form").setAttribute("aria-labelledby", Q.selected === -1 ? "settings-h" : "question-h");
  renderOutline(); renderPreview(); placeProblems();
  $("form").scrollTop = 0;
}
function move(i, step, keepFocusInList) {
  const j = i + step;
  if (j < 0 || j >= Q.questions.length) return;
  [Q.questions[i], Q.questions[j]] = [Q.questions[j], Q.questions[i]];
  select(j);
  changed();
  if (keepFocusInList) $("qlist").children[j].firstChild.focus();
}
function addQuestion(ui) {
  const at = Q.selected >= 0 ? Q.selected + 1 : Q.questions.length;
  Q.questions.splice(at, 0, newQuestion(ui));
  closeAddMenu();
  select(at);
  changed();
  $("q-prompt").focus();
}
function duplicateQuestion(i) {
  const copy = clone(Q.questions[i]);
  Q.questions.splice(i + 1, 0, copy);
  select(i + 1); changed();
  toast("Question " + (i + 1) + " duplicated: this is the copy, question " + (i + 2) + ".");
}
function deleteQuestion(i) {
  const [m] = Q.questions.splice(i, 1);
  deleted = {m, i};
  select(Math.min(i, Q.questions.length - 1));
  changed();
  toast("Question " + (i + 1) + " deleted.", "Undo", () => {
    if (!deleted) return;
    Q.questions.splice(Math.min(deleted.i, Q.questions.length), 0, deleted.m);
    const at = deleted.i; deleted = null;
    select(at); changed();
  });
  (($("qlist").children[Q.selected] || {}).firstChild || $("add-toggle")).focus();
}
// The "add a question" menu
for (const [key, name, hint] of TYPES) {
  const b = button("", "", () => addQuestion(key)); b.dataset.type = key;
  b.append(el("span", "", name), el("small", "", hint));
  $("add-menu").append(b);
}
function closeAddMenu() { $("add-menu").classList.add("hidden"); $("add-toggle").setAttribute("aria-expanded", "false"); }
$("add-toggle").addEventListener("click", () => {
  const open = $("add-menu").classList.contains("hidden");
  $("add-menu").classList.toggle("hidden", !open);
  $("add-toggle").setAttribute("aria-expanded", String(open));
  if (open) $("add-menu").firstChild.focus();
});
$("add-menu").addEventListener("keydown", (e) => { if (e.key === "Escape") { closeAddMenu(); $("add-toggle").focus(); } });
$("settings-item").addEventListener("click", () => select(-1));
$("extra-pool-remove").addEventListener("click", () => {
  for (const key of unknownPoolFields()) delete Q.base[key];
  fillSettings(); changed(); $("title").focus();
});

// Quiz settings --------------------------------------------------------------
const SERVER_POOL_FIELDS = ["title", "session_id", "time_limit_default", "score_fn", "streak_bonus", "questions", "language"];
function unknownPoolFields() { return Object.keys(Q.base).filter((key) => !SERVER_POOL_FIELDS.includes(key)); }
function fillSettings() {
  const s = Q.settings, language = $("language"), extra = unknownPoolFields();
  $("extra-pool").classList.toggle("hidden", !extra.length);
  $("extra-pool-text").textContent = "This quiz file has " + (extra.length === 1 ? "a field" : "fields") + " the box does not know (" +
    extra.join(", ") + "); it cannot be saved with " + (extra.length === 1 ? "it" : "them") + ". ";
  $("extra-pool-remove").textContent = extra.length === 1 ? "Remove it" : "Remove them";
  $("title").value = s.title;
  language.replaceChildren(...LANGUAGES.map(([code, name]) => { const o = el("option", "", name); o.value = code; return o; }));
  if (!LANGUAGES.some(([code]) => code === s.language)) {   // a language the file names, kept
    const o = el("option", "", s.language); o.value = s.language; language.append(o);
  }
  language.value = s.language;
  $("score-speed").checked = s.score_fn !== "flat"; $("score-flat").checked = s.score_fn === "flat";
  $("streak").checked = !!s.streak;
  $("default-time").value = s.time;
  $("import-box").classList.toggle("hidden", !!Q.file || !!Q.copyOf);
  $("danger-zone").classList.toggle("hidden", !Q.file);
  updateFileHint();
}
function slug(title) {
  return (title || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^[-_]+/, "").toLowerCase().slice(0, 60).replace(/[-_]+$/, "") || "quiz";
}
function updateFileHint() {
  $("file-hint").textContent = Q.file ? "Saved on the box as " + Q.file + "."
    : "It will be saved on the box as " + slug(Q.settings.title) + ".json (or with a number added, if that name is taken).";
}
function onSetting(key, value, path) {
  Q.settings[key] = value;
  Q.touchedPool[path] = true;
  changed();
}
$("title").addEventListener("input", (e) => onSetting("title", e.target.value, "title"));
$("language").addEventListener("change", (e) => onSetting("language", e.target.value, "language"));
$("score-speed").addEventListener("change", () => onSetting("score_fn", "speed", "score_fn"));
$("score-flat").addEventListener("change", () => onSetting("score_fn", "flat", "score_fn"));
$("streak").addEventListener("change", (e) => onSetting("streak", e.target.checked, "streak_bonus"));
$("default-time").addEventListener("input", (e) => onSetting("time", e.target.value, "time_limit_default"));

// The form of one question ---------------------------------------------------
function field(path, labelText, input, hint) {   // a labelled input with its place for problems
  const box = el("div", "field"); box.dataset.path = path;
  const label = el("label", "", labelText); label.htmlFor = input.id;
  box.append(label, input);
  if (hint) {
    const h = el("p", "hint", hint); h.id = input.id + "-hint";
    input.setAttribute("aria-describedby", h.id); input.dataset.desc = h.id;
    box.append(h);
  }
  return box;
}
function textInput(id, value, oninput, attrs) {
  const input = el(attrs && attrs.multiline ? "textarea" : "input");
  input.id = id; input.value = value; input.dir = "auto"; input.autocomplete = "off";
  if (!(attrs && attrs.multiline)) input.type = (attrs && attrs.type) || "text";
  if (attrs && attrs.rows) input.rows = attrs.rows;
  if (attrs && attrs.placeholder) input.placeholder = attrs.placeholder;
  if (attrs && attrs.type === "number") { input.step = attrs.step || "any"; input.inputMode = "decimal"; input.dir = "ltr"; }
  input.addEventListener("input", () => oninput(input.value));
  return input;
}
function renderQuestionForm() {
  const i = Q.selected, m = Q.questions[i], form = $("question-form"), p = "questions[" + i + "]";
  const edit = (key, apply) => (value) => { apply(value); m.touched[key] = true; changed(); };
  const head = el("div", "form-head"), h = el("h2", "", "Question " + (i + 1) + " of " + Q.questions.length); h.id = "question-h";
  const tools = el("div", "tools");
  const up = button("↑ Up", "tool", () => move(i, -1), "Move question " + (i + 1) + " up"); up.disabled = i === 0;
  const down = button("↓ Down", "tool", () => move(i, 1), "Move question " + (i + 1) + " down"); down.disabled = i === Q.questions.length - 1;
  tools.append(up, down, button("Duplicate", "tool", () => duplicateQuestion(i), "Duplicate question " + (i + 1)),
               button("Delete", "tool danger", () => deleteQuestion(i), "Delete question " + (i + 1)));
  head.append(h, tools);
  const general = el("div"); general.dataset.path = p;
  const parts = [head, general];
  const extra = Object.keys(m.ui === "unknown" ? {} : m.extra);
  if (extra.length) {
    const note = el("div", "hint warn extra-note");
    note.append(el("span", "", "This question has " + (extra.length === 1 ? "a field" : "fields") + " the box does not know (" +
      extra.join(", ") + "); it cannot be saved with " + (extra.length === 1 ? "it" : "them") + ". "),
      button("Remove " + (extra.length === 1 ? "it" : "them"), "tool", () => { m.extra = {}; renderQuestionForm(); changed(); placeProblems(); }));
    parts.push(note);
  }
  if (m.ui === "unknown") {
    parts.push(el("p", "hint warn", "This question is of a kind this editor does not know (" + text(m.raw.type) +
      "). It is kept exactly as it is; you can move, duplicate or delete it."));
    form.replaceChildren(...parts);
    return;
  }
  // the kind
  const kind = el("select"); kind.id = "q-type";
  for (const [key, name] of TYPES) { const o = el("option", "", name); o.value = key; kind.append(o); }
  kind.value = m.ui;
  kind.addEventListener("change", () => { changeKind(m, kind.value); m.touched.type = true; renderQuestionForm(); changed(); placeProblems(); $("q-type").focus(); });
  const typeHint = TYPES.find(([key]) => key === m.ui)[2];
  parts.push(field(p + ".type", "Kind of question", kind, typeHint));
  parts.push(field(p + ".prompt", "Question", textInput("q-prompt", m.prompt, edit("prompt", (v) => { m.prompt = v; }), {multiline: true, rows: 2})));
  if (FIELDS[kindOf(m)].includes("choices")) parts.push(choicesBox(m, i, p));
  else if (m.ui === "text") parts.push(acceptBox(m, i, p));
  else if (m.ui === "number") parts.push(numberBox(m, i, p));
  parts.push(pictureBox(m, i, p));
  parts.push(field(p + ".explanation", "Explanation (optional)", textInput("q-explanation", m.explanation,
    edit("explanation", (v) => { m.explanation = v; }), {multiline: true, rows: 2}), "Shown to the class with the answer."));
  const limit = textInput("q-time", m.time_limit, edit("time_limit", (v) => { m.time_limit = v; }),
    {type: "number", step: "1", placeholder: Q.settings.time || String(DEFAULT_LIMIT)});
  limit.classList.add("small-input"); limit.min = "5"; limit.max = "600"; limit.inputMode = "numeric";
  parts.push(field(p + ".time_limit", "Time for this question in seconds (optional)", limit,
    "Empty: the quiz's time per question (" + (Q.settings.time || DEFAULT_LIMIT) + " s)."));
  form.replaceChildren(...parts);
}
function changeKind(m, to) {
  const from = m.ui;
  if (to === from) return;
  if (FIELDS[kindOf({ui: to})].includes("choices")) {
    if (!m.choices.some((c) => c.trim()) && m.accept.some((a) => a.trim())) {
      m.choices = m.accept.filter((a) => a.trim()).slice(0, MAX_CHOICES); m.marks = m.choices.map(() => true);
    }
    while (m.choices.length < 2) { m.choices.push(""); m.marks.push(false); }
    if (to === "poll") m.marks = m.choices.map(() => false);
  }
  if (to === "text" && !m.accept.some((a) => a.trim())) {
    const right = m.choices.filter((c, k) => m.marks[k] && c.trim()).map((c) => c.trim().slice(0, ANSWER_MAX));
    m.accept = right.length ? right.slice(0, MAX_ACCEPT) : [""];
  }
  if (to === "number" && m.num.min === "" && m.num.max === "") { m.num.min = "0"; m.num.max = "10"; }
  m.ui = to;
}
function marksHint(m) {
  const n = rightLetters(m).length;
  if (m.ui === "poll") return ["A poll has no right answer: every answer is counted and nobody scores.", false];
  if (m.ui === "order") return ["Write the items in the right order, first one first. Each phone shows them shuffled.", false];
  if (m.ui === "multi") return [n ? "Students must tick exactly these to be right; partly right earns part of the points."
                                  : "Tick every right answer (at least one).", !n];
  if (!n) return ["Nothing is ticked, so this question is a poll: nobody scores. Tick the right answer.", true];
  if (n === 1) return ["Tick more than one if any of them should count as right.", false];
  return ["Any one of the ticked answers counts as right (students pick one).", false];
}
function choicesBox(m, i, p) {
  const box = el("fieldset", "field"); box.dataset.path = p + ".choices";
  const legend = el("legend", "", m.ui === "order" ? "Items, in the right order" : "Answers");
  box.append(legend);
  const marking = m.ui === "choice" || m.ui === "multi";
  m.choices.forEach((value, k) => {
    const row = el("div", "crow"); row.dataset.path = p + ".choices[" + k + "]";
    const name = m.ui === "order" ? "Item " + (k + 1) : "Answer " + ALL_LETTERS[k];
    const input = textInput("q-choice-" + k, value, (v) => { m.choices[k] = v; m.touched.choices = true; changed(); });
    input.setAttribute("aria-label", name);
    row.append(keyTile(k), input);
    if (marking) {
      const toggle = el("label", "right-toggle" + (m.marks[k] ? " on" : "")), check = el("input");
      check.type = "checkbox"; check.checked = !!m.marks[k]; check.id = "q-right-" + k;
      check.setAttribute("aria-label", ALL_LETTERS[k] + " is right");
      check.addEventListener("change", () => {
        m.marks[k] = check.checked; m.touched.correct = true;
        toggle.classList.toggle("on", check.checked);
        const [words, warn] = marksHint(m); hint.textContent = words; hint.classList.toggle("warn", warn);
        changed();
      });
      toggle.append(check, el("span", "", "Right"));
      row.append(toggle);
    }
    if (m.ui === "order") {
      const up = button("↑", "icon", () => swapChoice(m, k, k - 1, "up"), "Move item " + (k + 1) + " up");
      const down = button("↓", "icon", () => swapChoice(m, k, k + 1, "down"), "Move item " + (k + 1) + " down");
      up.id = "q-order-up-" + k; down.id = "q-order-down-" + k;
      up.disabled = k === 0; down.disabled = k === m.choices.length - 1;
      row.append(up, down);
    }
    const remove = button("✕", "icon danger", () => {
      m.choices.splice(k, 1); m.marks.splice(k, 1); m.touched.choices = true;
      renderQuestionForm(); changed(); placeProblems();
      ($("q-choice-" + Math.min(k, m.choices.length - 1)) || $("q-prompt")).focus();
    }, "Remove " + (m.ui === "order" ? "item " + (k + 1) : "answer " + ALL_LETTERS[k]));
    remove.disabled = m.choices.length <= 2;
    row.append(remove);
    box.append(row);
  });
  if (m.choices.length < MAX_CHOICES) {
    const add = button(m.ui === "order" ? "+ Add an item" : "+ Add an answer", "tool add-row", () => {
      m.choices.push(""); m.marks.push(false);
      renderQuestionForm(); changed(); placeProblems();
      $("q-choice-" + (m.choices.length - 1)).focus();
    });
    box.append(add);
  }
  const [words, warn] = marksHint(m), hint = el("p", "hint" + (warn ? " warn" : ""), words);
  hint.id = "q-marks-hint"; hint.setAttribute("aria-live", "polite");
  const right = el("div"); right.dataset.path = p + ".correct";
  box.append(hint, right);
  return box;
}
function swapChoice(m, a, b, which) {
  if (b < 0 || b >= m.choices.length) return;
  [m.choices[a], m.choices[b]] = [m.choices[b], m.choices[a]];
  [m.marks[a], m.marks[b]] = [m.marks[b], m.marks[a]];
  m.touched.choices = true;
  renderQuestionForm(); changed(); placeProblems();
  const target = $("q-order-" + which + "-" + b);
  (target && !target.disabled ? target : $("q-choice-" + b)).focus();
}
function acceptBox(m, i, p) {
  const box = el("fieldset", "field"); box.dataset.path = p + ".accept";
  box.append(el("legend", "", "Accepted answers"));
  m.accept.forEach((value, k) => {
    const row = el("div", "crow"); row.dataset.path = p + ".accept[" + k + "]";
    const input = textInput("q-accept-" + k, value, (v) => { m.accept[k] = v; m.touched.accept = true; changed(); });
    input.maxLength = ANSWER_MAX * 2; input.setAttribute("aria-label", "Accepted answer " + (k + 1));
    const remove = button("✕", "icon danger", () => {
      m.accept.splice(k, 1); m.touched.accept = true;
      renderQuestionForm(); changed(); placeProblems();
      ($("q-accept-" + Math.min(k, m.accept.length - 1)) || $("q-prompt")).focus();
    }, "Remove accepted answer " + (k + 1));
    remove.disabled = m.accept.length <= 1;
    row.append(el("span", "key choice-" + (k % 4), String(k + 1)), input, remove);
    box.append(row);
  });
  if (m.accept.length < MAX_ACCEPT) box.append(button("+ Add another accepted answer", "tool add-row", () => {
    m.accept.push(""); renderQuestionForm(); changed(); placeProblems(); $("q-accept-" + (m.accept.length - 1)).focus();
  }));
  box.append(el("p", "hint", "Any of these counts as right. Capitals, accents and extra spaces do not matter. At most " +
    ANSWER_MAX + " characters each."));
  return box;
}
function numberBox(m, i, p) {
  const box = el("fieldset", "field"); box.dataset.path = p + ".number";
  box.append(el("legend", "", "The number"));
  const grid = el("div", "numgrid");
  for (const [key, label, placeholder] of NUMBER_FIELDS) {
    const input = textInput("q-" + key, m.num[key], (v) => { m.num[key] = v; m.touched[key] = true; changed(); updateNumberHint(m); },
                            {type: "number", placeholder});
    grid.append(field(p + "." + key, label + (key === "step" || key === "tolerance" ? " (optional)" : ""), input));
  }
  const hint = el("p", "hint"); hint.id = "q-number-hint"; hint.setAttribute("aria-live", "polite");
  box.append(grid, hint);
  setTimeout(() => updateNumberHint(m));
  return box;
}
function numbers(m) {
  const n = (key, fallback) => { const s = m.num[key].trim(); return s === "" ? fallback : Number(s); };
  return {min: n("min", NaN), max: n("max", NaN), correct: n("correct", NaN), step: n("step", 1), tolerance: n("tolerance", 0)};
}
function updateNumberHint(m) {
  const hint = $("q-number-hint"); if (!hint) return;
  const v = numbers(m);
  if (![v.min, v.max, v.correct, v.step, v.tolerance].every(Number.isFinite) || v.min >= v.max || v.step <= 0) {
    hint.textContent = "Students choose a number on a slider from the smallest to the largest answer; answers within the tolerance of the right one count.";
    return;
  }
  hint.textContent = "Students choose a number from " + fmt(v.min) + " to " + fmt(v.max) + " in steps of " + fmt(v.step) + ". " +
    (v.tolerance > 0 ? "Answers from " + fmt(v.correct - v.tolerance) + " to " + fmt(v.correct + v.tolerance) + " count as right."
                     : "Only " + fmt(v.correct) + " counts as right.");
}

// Pictures: one of the box's, or one from this computer ---------------------
function mediaUrl(name) { return "/media/" + encodeURIComponent(name); }
function thumbnail(name, cls, alt) {
  const image = el("img", cls); image.alt = alt || ""; image.src = mediaUrl(name); image.loading = "lazy";
  image.addEventListener("error", () => {   // /media serves the live quiz's folder: it may not have it
    const none = el("span", "nothumb", "no preview"); none.title = name; image.replaceWith(none);
  }, {once: true});
  return image;
}
function pictureBox(m, i, p) {
  const box = el("fieldset", "field"); box.dataset.path = p + ".image";
  box.append(el("legend", "", "Picture (optional)"));
  const row = el("div", "picture");
  if (m.image) row.append(thumbnail(m.image, "thumb", "The question's picture, " + m.image));
  else row.append(el("span", "nothumb", "No picture"));
  const tools = el("div", "tools");
  tools.append(button(m.image ? "Choose another" : "Choose from the box", "tool", () => openGallery(m)));
  const upload = el("label", "upload tool"), file = el("input");
  file.type = "file"; file.id = "q-upload"; file.accept = "image/png,image/jpeg,image/gif,image/webp";
  file.addEventListener("change", () => { if (file.files[0]) uploadPicture(m, file.files[0]); });
  upload.append(el("span", "", "Upload from this computer"), file);
  tools.append(upload);
  if (m.image) tools.append(button("Remove picture", "tool danger", () => {
    m.image = null; m.touched.image = true; renderQuestionForm(); changed(); placeProblems();
  }));
  row.append(tools);
  const status = el("p", "hint", m.image ? m.image : "PNG, JPEG, GIF or WebP. A big photo is made smaller before it is sent.");
  status.id = "q-picture-status"; status.setAttribute("role", "status");
  box.append(row, status);
  return box;
}
function usePicture(m, name) {
  m.image = name; m.touched.image = true;
  if (Q.questions[Q.selected] === m) { renderQuestionForm(); placeProblems(); }
  changed();
}
async function openGallery(m) {
  const dialog = $("gallery"), grid = $("gallery-grid");
  grid.replaceChildren();
  $("gallery-status").textContent = "Loading…";
  dialog.showModal();
  const {status, data} = await api("GET", "/admin/api/media");
  if (status === 401) { dialog.close(); needLogin(() => openGallery(m)); return; }
  if (status !== 200 || !data) { $("gallery-status").textContent = status === 0 ? "Cannot reach the box." : (data && data.message) || "Could not list the pictures (" + status + ")."; return; }
  $("gallery-status").textContent = data.media.length ? plural(data.media.length, "picture", "pictures") + ". Pick one:" : "No pictures on the box yet: upload one from this computer.";
  grid.replaceChildren(...data.media.map((name) => {
    const b = button("", name === m.image ? "current" : "", () => { dialog.close(); usePicture(m, name); }, "Use " + name);
    b.append(thumbnail(name, "", ""), el("span", "", name));
    return b;
  }));
  (grid.querySelector(".current") || grid.firstChild || $("gallery-cancel")).focus();
}
function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result); reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
async function shrink(dataUrl) {   // a phone photo of 4 MB becomes a JPEG of a few hundred KB
  const image = new Image();
  await new Promise((resolve, reject) => { image.onload = resolve; image.onerror = reject; image.src = dataUrl; });
  const scale = Math.min(1, SHRINK_TO / Math.max(image.naturalWidth, image.naturalHeight));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(image.naturalWidth * scale)); canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL("image/jpeg", 0.85);
}
async function uploadPicture(m, file) {
  const status = () => $("q-picture-status") || {textContent: ""};
  const say = (message) => { if (Q.questions[Q.selected] === m) status().textContent = message; else toast(message); };
  if (!/^image\/(png|jpeg|gif|webp)$/.test(file.type)) { say(file.name + " is not a PNG, JPEG, GIF or WebP picture."); return; }
  say("Sending " + file.name + "…");
  let dataUrl, name = file.name, note = "";
  try {
    dataUrl = await readAsDataUrl(file);
    if (file.size > SHRINK_ABOVE && file.type !== "image/gif") {
      dataUrl = await shrink(dataUrl);
      name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
      note = " (made smaller: " + Math.round(file.size / 1024) + " KB → " + Math.round(dataUrl.length * 0.75 / 1024) + " KB)";
    } else if (file.size > PICTURE_MAX) { say(file.name + " is " + (file.size / 1048576).toFixed(1) + " MB; a picture may be at most 2 MB."); return; }
  } catch (e) { say("Could not read " + file.name + "."); return; }
  const content = dataUrl.slice(dataUrl.indexOf(",") + 1);
  const {status: code, data} = await api("POST", "/admin/api/media", {filename: name, content_base64: content}, 60000);
  if (code === 401) { needLogin(() => uploadPicture(m, file)); return; }
  if (code !== 200 || !data || !data.name) {
    say(code === 0 ? "Cannot reach the box: the picture was not sent. Try again when the connection is back."
        : code === 413 ? "The box refused " + file.name + " as too large. Save it smaller (for example as a JPEG, 1200 pixels wide) and try again."
        : (data && data.message) || "The picture was not saved (" + code + ").");
    return;
  }
  usePicture(m, data.name);
  say("Uploaded as " + data.name + note + ".");
}

// The preview: as a phone and as the projector show the question ------------
function ring(seconds, cls) {
  const r = el("span", "ring " + cls, seconds); r.style.setProperty("--p", 1);
  return r;
}
function limitOf(m) {
  const own = Number(m.time_limit), quiz = Number(Q.settings.time);
  return m.time_limit.trim() !== "" && Number.isFinite(own) ? own : Number.isFinite(quiz) && Q.settings.time.trim() !== "" ? quiz : DEFAULT_LIMIT;
}
function promptNode(m, cls) {
  const prompt = m.prompt.trim();
  const node = el("p", cls + lengthClass([prompt], cls === "ph-prompt" ? 60 : 70, cls === "ph-prompt" ? 120 : 140), prompt || "Your question appears here");
  if (!prompt) node.classList.add("placeholder");
  node.dir = "auto";
  return node;
}
function middleOf(m) {
  const v = numbers(m);
  if (![v.min, v.max, v.step].every(Number.isFinite) || v.step <= 0 || v.min >= v.max) return null;
  return v.min + Math.round((v.max - v.min) / 2 / v.step) * v.step;
}
function phoneView(m, i) {
  const kind = kindOf(m), root = el("div", "ph"), bar = el("div", "ph-bar");
  bar.append(el("b", "", "quizbox"), el("span", "", "Ada · 0 pts"));
  const main = el("div", "ph-main"), head = el("div", "ph-head");
  head.append(el("span", "ph-num", "Question " + (i + 1) + " of " + Q.questions.length), ring(limitOf(m), "ph-timer"));
  main.append(head);
  if (m.image) main.append(thumbnail(m.image, "ph-img", ""));
  main.append(promptNode(m, "ph-prompt"));
  if (FIELDS[kind].includes("choices")) {
    const answers = el("div", "ph-answers" + lengthClass(m.choices.concat([""]), 30, 60) + (m.image ? " withimage" : ""));
    m.choices.forEach((c, k) => answers.append(tile("ph-answer", k, c)));
    main.append(answers);
    if (kind === "multi") main.append(el("p", "ph-hint", "Tap every answer that is right, then send."), el("div", "ph-send", "Send answer"));
    if (kind === "order") main.append(el("p", "ph-hint", "Tap the items in the right order, first one first."), el("div", "ph-send", "Send this order"));
    if (m.ui === "poll") main.append(el("p", "ph-status", "A poll: there is no wrong answer."));
  } else if (kind === "text") {
    const typed = el("div", "ph-typed");
    typed.append(el("div", "ph-input", "Your answer"), el("p", "ph-hint", "0 / " + ANSWER_MAX), el("div", "ph-send", "Send answer"));
    main.append(typed);
  } else if (kind === "number") {
    const v = numbers(m), middle = middleOf(m), typed = el("div", "ph-typed");
    const range = el("div", "ph-range"), track = el("div"), knob = el("span");
    knob.style.left = "50%"; track.append(knob); range.append(track);
    const ends = el("div", "ph-ends"); ends.append(el("span", "", Number.isFinite(v.min) ? fmt(v.min) : "?"), el("span", "", Number.isFinite(v.max) ? fmt(v.max) : "?"));
    typed.append(el("p", "ph-big", middle === null ? "?" : fmt(middle)), range, ends, el("div", "ph-input", middle === null ? "" : fmt(middle)), el("div", "ph-send", "Send answer"));
    main.append(typed);
  }
  root.append(bar, main);
  return root;
}
function projectorView(m, i) {
  const kind = kindOf(m), root = el("div", "pj"), aside = el("div", "pj-aside");
  aside.append(el("div", "pj-qr"), el("div", "pj-join", "Join at"), el("div", "pj-url", location.host));
  const main = el("div", "pj-main"), top = el("div");
  top.append(el("div", "pj-eyebrow", "Question " + (i + 1) + " of " + Q.questions.length),
             el("div", "pj-title", Q.settings.title.trim() || "Quiz title"));
  main.append(top, promptNode(m, "pj-prompt"));
  const hint = {multi: "Pick every right answer.", order: "Put these in the right order."}[kind];
  if (hint) main.append(el("p", "pj-hint", hint));
  const mid = el("div", "pj-mid"), meter = el("div"), progress = el("div", "pj-progress");
  meter.append(el("div", "pj-answered", "0 / 0 answered"), progress);
  mid.append(ring(limitOf(m), "pj-timer"), meter);
  const body = el("div", "pj-layout" + (m.image ? " withimage" : ""));
  if (m.image) body.append(thumbnail(m.image, "pj-img", ""));
  if (kind === "text") body.append(el("div", "pj-note", "Type the answer on your phone."));
  else if (kind === "number") {
    const v = numbers(m);
    body.append(el("div", "pj-note", "Give a number from " + (Number.isFinite(v.min) ? fmt(v.min) : "?") + " to " +
                                     (Number.isFinite(v.max) ? fmt(v.max) : "?") + " on your phone."));
  } else {
    const tiles = el("div", "pj-choices" + lengthClass(m.choices.concat([""]), 32, 60));
    m.choices.forEach((c, k) => tiles.append(tile("pj-choice", k, c)));
    body.append(tiles);
  }
  main.append(mid, body);
  root.append(aside, main);
  return root;
}
function renderPreview() {
  const i = Q.selected >= 0 ? Q.selected : 0, m = Q.questions[i];
  const phone = $("pv-phone"), projector = $("pv-projector");
  $("pv-order-note").classList.toggle("hidden", !m || m.ui !== "order");
  if (!m || m.ui === "unknown") {
    const words = m ? "No preview for this kind of question." : "Add a question to see it here.";
    phone.replaceChildren(el("div", "pv-empty", words)); projector.replaceChildren(el("div", "pv-empty", words));
  } else {
    phone.replaceChildren(phoneView(m, i)); projector.replaceChildren(projectorView(m, i));
  }
  $("pv-phone-h").textContent = m && Q.selected === -1 ? "Question 1 on a phone" : "On a phone";
  fitPreviews();
}
function fitPreviews() {   // the pages are drawn at their real size and scaled to the boxes
  for (const [box, screen, width, height] of [[$("pv-phone-box"), $("pv-phone"), 360, 640], [$("pv-proj-box"), $("pv-projector"), 1280, 720]]) {
    const scale = box.clientWidth / width;
    if (!scale) continue;
    screen.style.transform = "scale(" + scale + ")";
    box.style.height = Math.round(height * scale) + "px";
  }
}
new ResizeObserver(fitPreviews).observe($("preview"));

// Saving ---------------------------------------------------------------------
async function poolNames() {
  const {status, data} = await api("GET", "/admin/api/pools");
  if (status === 401) return "login";
  return status === 200 && data && Array.isArray(data.pools) ? new Set(data.pools.map((p) => p.file)) : null;
}
async function freeName(stem) {
  const names = await poolNames();
  if (names === null || names === "login") return names;
  let name = stem + ".json";
  for (let n = 2; names.has(name); n++) name = stem + "-" + n + ".json";
  return name;
}
function showSaveError(message) {
  saveNote = {text: "Not saved", cls: "bad"};
  $("save-error-text").textContent = message;
  $("save-error").classList.remove("hidden");
  updateStatus();
}
async function save() {
  if (saving || pendingDraft || !loaded) return;
  saving = true; saveNote = null; updateStatus();
  $("save-error").classList.add("hidden"); $("conflict").classList.add("hidden");
  showAllProblems();
  const doc = poolDoc();
  let name = Q.file, result = null;
  for (let attempt = 0; attempt < 3 && !result; attempt++) {
    if (!Q.file) name = await freeName(slug(Q.settings.title));
    if (name === "login") { saving = false; needLogin(save); return; }
    if (name === null) { result = {status: 0, data: null}; break; }
    const answer = await api("PUT", "/admin/api/pools/" + encodeURIComponent(name), {pool: doc, version: Q.file ? Q.version : null}, 30000);
    if (!(answer.status === 409 && !Q.file)) result = answer;   // a new quiz whose name was just taken: another name
  }
  saving = false;
  const {status, data} = result || {status: 409, data: null};
  if (status === 200 && data) return saved(name, data, doc);
  if (status === 401) { needLogin(save); updateStatus(); return; }
  if (status === 400 && data && Array.isArray(data.details)) {
    problems = data.details;
    saveRefused = true;
    showProblems();
    saveNote = {text: "Not saved: " + plural(problems.length, "problem", "problems") + " to fix", cls: "bad"};
    updateStatus();
    if (problems[0]) goToProblem(problems[0]);
    return;
  }
  if (status === 409 && data && data.error === "changed") return showConflict(data);
  if (status === 0) return showSaveError("Not saved: the box cannot be reached (is the Wi-Fi down?). Your changes are kept on this computer, even if you close the page; press Save again when the connection is back.");
  showSaveError("Not saved: " + ((data && data.message) || "the box answered with an error (" + status + ")") + " Your changes are kept on this computer.");
}
function saved(name, data, doc) {
  const oldKey = draftKey();
  Q.file = name; Q.version = data.version; Q.copyOf = null;
  Q.base = clone(doc); Q.base.questions = null;
  savedJson = JSON.stringify(doc);
  dropDraft(oldKey); dropDraft();
  if (isDirty()) writeDraft();   // typed while it was being saved
  history.replaceState(null, "", "/admin/editor?file=" + encodeURIComponent(name));
  saveNote = {text: "Saved at " + new Date().toLocaleTimeString([], {timeStyle: "short"}), cls: "ok"};
  $("conflict").classList.add("hidden"); $("save-error").classList.add("hidden");
  renderSummary(); updateLinks(); fillSettings(); updateStatus();
  checkSoon(0);
  checkPlayed();
}
function showConflict(data) {
  $("conflict-text").textContent = "Someone saved " + Q.file + " on another page or computer while you were editing it. " +
    "Nothing was overwritten: your changes are still here, not saved. Open their version, or save yours under another name.";
  $("conflict-error").classList.add("hidden");
  $("conflict-name").value = slug(Q.file.replace(/\.json$/, "") + "-mine") + ".json";
  $("conflict").classList.remove("hidden");
  saveNote = {text: "Not saved: changed elsewhere", cls: "bad"};
  updateStatus();
  $("conflict-copy").focus();
}
$("conflict-reload").addEventListener("click", async () => {
  const {status, data} = await api("GET", "/admin/api/pools/" + encodeURIComponent(Q.file));
  if (status !== 200 || !data) { conflictError(status === 0 ? "Cannot reach the box." : (data && data.message) || "Could not open it (" + status + ")."); return; }
  dropDraft();
  load(data.pool, data.file, data.version);
  $("conflict").classList.add("hidden"); saveNote = null;
  fillSettings(); select(Math.min(Q.selected, Q.questions.length - 1)); changed();
  toast("This is their version now.");
});
$("conflict-copy").addEventListener("click", async () => {
  let name = $("conflict-name").value.trim();
  if (!/\.json$/i.test(name)) name += ".json";
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,60}\.json$/.test(name)) { conflictError("A file name is letters, digits, '-' or '_', ending in .json."); return; }
  const doc = poolDoc();
  delete doc.session_id;   // a copy is a quiz of its own, with results of its own
  const {status, data} = await api("PUT", "/admin/api/pools/" + encodeURIComponent(name), {pool: doc, version: null}, 30000);
  if (status === 200 && data) { saved(name, data, doc); toast("Your version is saved as " + name + "."); return; }
  if (status === 409) conflictError("There is already a quiz named " + name + " on the box: choose another name.");
  else if (status === 400 && data && data.details) { problems = data.details; showProblems(); conflictError("Not saved: fix the problems listed first."); }
  else conflictError(status === 0 ? "Cannot reach the box (is the Wi-Fi down?). Your changes are kept on this computer." : (data && data.message) || "Not saved (" + status + ").");
});
function conflictError(message) { $("conflict-error").textContent = message; $("conflict-error").classList.remove("hidden"); }
$("save").addEventListener("click", save);
document.addEventListener("keydown", (e) => {
  if ((e.ctrlKey || e.metaKey) && (e.key === "s" || e.key === "S")) { e.preventDefault(); save(); }
});

// Links, and what editing a played quiz does ---------------------------------
function updateLinks() {
  const file = Q.file, path = file ? "/admin/api/pools/" + encodeURIComponent(file) : "";
  for (const id of ["download", "gift", "duplicate"]) $(id).classList.toggle("hidden", !file);
  if (file) {
    $("download").href = path + "/download"; $("download").title = "The last saved version of " + file + " (JSON), to keep or to put on another box";
    $("gift").href = path + "/gift"; $("gift").title = "The last saved version in Moodle's GIFT format, to import into a Moodle quiz";
    $("download").setAttribute("aria-label", "Download " + file + " (JSON)");
    $("gift").setAttribute("aria-label", "Export for Moodle (GIFT)");
    $("duplicate").href = "/admin/editor?copy=" + encodeURIComponent(file);
    $("duplicate").title = "A copy of the last saved version, to change and save under a new name";
  }
  $("file-line").textContent = "Quiz editor · " + (file ? file : Q.copyOf ? "a copy of " + Q.copyOf : "a new quiz");
  $("danger-zone").classList.toggle("hidden", !file);
}
async function checkPlayed() {
  const note = $("played-note");
  if (!Q.file) { note.classList.add("hidden"); return; }
  const [pools, sessions] = await Promise.all([api("GET", "/admin/api/pools"), api("GET", "/admin/api/sessions")]);
  const entry = pools.status === 200 && pools.data && Array.isArray(pools.data.pools) ? pools.data.pools.find((p) => p.file === Q.file) : null;
  const sid = entry && entry.session_id;
  const session = sid && sessions.status === 200 && sessions.data && Array.isArray(sessions.data.sessions)
    ? sessions.data.sessions.find((s) => s.sid === sid) : null;
  const played = !!session && (session.participants > 0 || session.state !== "lobby");
  if (played) $("played-text").textContent = "This quiz has been played. The class keeps playing the questions as they were until you reset it; results already given stay with the old questions.";
  else if (entry && entry.live) $("played-text").textContent = "This quiz is live. The class keeps playing the questions as they were until you reset it on the teacher's page.";
  note.classList.toggle("hidden", !(played || (entry && entry.live)));
}

// Import and delete (the settings' page) -------------------------------------
$("import-button").addEventListener("click", async () => {
  const file = $("import-file").files[0], result = $("import-result");
  result.replaceChildren();
  if (!file) { result.append(el("p", "pmsg", "Choose a file first.")); return; }
  let content;
  try { const url = await readAsDataUrl(file); content = url.slice(url.indexOf(",") + 1); }
  catch (e) { result.append(el("p", "pmsg", "Could not read " + file.name + ".")); return; }
  result.append(el("p", "hint", "Importing " + file.name + "…"));
  const {status, data} = await api("POST", "/admin/api/pools/import", {filename: file.name, content_base64: content}, 60000);
  result.replaceChildren();
  if (status === 401) { needLogin(() => $("import-button").click()); return; }
  if (status !== 200 || !data) {
    result.append(el("p", "pmsg", status === 0 ? "Cannot reach the box." : (data && data.message) || "Could not import it (" + status + ")."));
    for (const p of (data && data.problems) || []) if (p !== data.message) result.append(el("p", "pmsg", p));
    return;
  }
  result.append(el("p", "", "Imported “" + data.title + "”: " + plural(data.question_count, "question", "questions") + ", saved as " + data.file + "."));
  if (data.skipped && data.skipped.length) {
    result.append(el("p", "hint", plural(data.skipped.length, "question was", "questions were") + " left out:"));
    const list = el("ul", "hint");
    for (const s of data.skipped) list.append(el("li", "", "Question " + s.question + ": " + s.why));
    result.append(list);
  }
  const open = el("a", "btn", "Open it in the editor"); open.href = "/admin/editor?file=" + encodeURIComponent(data.file);
  result.append(open);
  open.focus();
});
$("delete-quiz").addEventListener("click", async () => {
  if (!await ask("Delete the quiz “" + (Q.settings.title || Q.file) + "” (" + Q.file + ")? It is moved to the box's .deleted folder.", "Delete")) return;
  const {status, data} = await api("DELETE", "/admin/api/pools/" + encodeURIComponent(Q.file), {version: Q.version});
  if (status === 200) { dropDraft(); location.href = "/admin/"; return; }
  toast(status === 0 ? "Cannot reach the box." : (data && data.message) || "Could not delete it (" + status + ").");
});

// Logging in, and starting ---------------------------------------------------
function needLogin(then) {
  afterLogin = then || null;
  show("login"); $("password").focus();
}
$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const {status, data} = await api("POST", "/admin/login", {password: $("password").value});
  if (status !== 200) { $("login-error").textContent = status === 0 ? "Cannot reach the box." : (data && data.message) || "Login failed (" + status + ")."; return; }
  $("login-error").textContent = ""; $("password").value = "";
  if (!loaded) { boot(); return; }
  show("editor");
  const then = afterLogin; afterLogin = null;
  if (then) then();
});
function cannotOpen(message) { $("missing-text").textContent = message; show("missing"); }
async function boot() {
  show("loading");
  const state = await api("GET", "/admin/api/state");
  if (state.status === 401) { needLogin(); return; }
  if (state.status !== 200) { cannotOpen(state.status === 0 ? "The box cannot be reached. Check the connection and reload this page." : "The box answered with an error (" + state.status + ")."); return; }
  const name = OPEN_FILE || COPY_OF;
  if (name) {
    const {status, data} = await api("GET", "/admin/api/pools/" + encodeURIComponent(name));
    if (status !== 200 || !data) { cannotOpen((data && data.message) || "Could not open " + name + " (" + status + ")."); return; }
    if (OPEN_FILE) load(data.pool, data.file, data.version);
    else {
      const doc = data.pool && typeof data.pool === "object" ? clone(data.pool) : {};
      delete doc.session_id;   // a copy gets results of its own, not the original's
      doc.title = (text(doc.title) || "Quiz") + " (copy)";
      Q.copyOf = name;
      load(doc, null, null);
    }
  } else load({}, null, null);
  loaded = true;
  fillSettings(); updateLinks();
  show("editor");
  select(Q.questions.length ? 0 : -1);
  updateStatus();
  offerDraft();
  checkSoon(0);
  checkPlayed();
  if (!Q.file && !pendingDraft) $("title").focus();
}
boot();
</script></body></html>
"""


def _assemble(page):
    # One clear substitution: the shared CSS and JS go where the markers are.
    return page.replace("/*CSS*/", SHARED_CSS, 1).replace("/*JS*/", SHARED_JS, 1)


STUDENT_PAGE = _assemble(STUDENT_PAGE)
ADMIN_PAGE = _assemble(ADMIN_PAGE)
REPORT_PAGE = _assemble(REPORT_PAGE)
EDITOR_PAGE = _assemble(EDITOR_PAGE)


# Command line ################################################################

def sd_notify(state):
    """Tell systemd (Type=notify) how we are; a no-op elsewhere."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return
    if address.startswith("@"):
        address = "\0" + address[1:]
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        sock.sendall(state.encode())


def _read_or_create(path: Path, make) -> str:
    """A small secret file in the state directory, made once, readable by us alone."""
    if path.exists():
        return path.read_text().strip()
    value = make()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(value + "\n")
    return value


def default_pool_path(config) -> Path:
    preferred = config.pools_dir / DEFAULT_POOL_NAME
    if preferred.exists():
        return preferred
    pools = sorted(config.pools_dir.glob("*.json"))
    if not pools:
        raise SystemExit(f"quizbox: no pool to play: {config.pools_dir} has no .json file "
                         f"(give one with --pool FILE)")
    return pools[0]


def starting_pool(config, store):
    """--pool if given; else the quiz that was live last time; else the example pool."""
    if config.pool_path:
        return read_pool(config.pool_path, config.session_id)
    live_sid = store.get_meta("live_sid")
    return (live_sid and stored_pool(store, live_sid)) or read_pool(default_pool_path(config), config.session_id)


def raise_open_file_limit():
    """Every phone is a socket: the usual soft limit of 1,024 would turn away a
    lecture hall, so take what the hard limit allows."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def serve(config):
    open_files = raise_open_file_limit()
    if open_files < config.max_participants + 100:
        log(f"only {open_files} open files allowed: at most about {open_files - 100} phones "
            "can connect (raise LimitNOFILE / ulimit -n)")
    try:
        store = Store(config.db_path)
        seed_pool_folder(config.pools_dir)
        game = open_game(store, starting_pool(config, store), config)
    except PoolInvalid as exc:
        raise SystemExit(f"quizbox: the pool is not valid:\n{exc}")
    except StorageError as exc:
        raise SystemExit(f"quizbox: {exc}")
    except OSError as exc:
        raise SystemExit(f"quizbox: {exc.filename}: {exc.strerror}")
    state_dir = config.state_dir
    secret = _read_or_create(state_dir / "secret", lambda: secrets.token_hex(32))
    if config.admin_password:
        password, password_note = config.admin_password, "(set by QUIZBOX_ADMIN_PASSWORD)"
    else:
        password = _read_or_create(state_dir / "admin_password", lambda: secrets.token_hex(5))
        password_note = f"(kept in {state_dir / 'admin_password'})"

    hub = Hub(config, store, game)
    site = Site(config, hub, bytes.fromhex(secret), password)
    geventwebsocket.handler.WebSocket = BoundedWebSocket   # the handler builds its sockets from this name
    server = WSGIServer((config.host, config.port), make_app(site), handler_class=QuizHandler,
                        log=None, backlog=4096)   # errors still go to stderr, the journal
    try:
        server.init_socket()
    except OSError as exc:
        raise SystemExit(f"quizbox: cannot listen on {config.host}:{config.port}: {exc.strerror}. "
                         f"Is another quizbox running? Choose another port with --port.")
    hub.start()
    url = base_url(config)
    print(f"quizbox {__version__}: \"{game.pool.title}\" (session {game.sid}, "
          f"{game.question_count} questions, {game.state})\n"
          f"  Students: {site.join_url()}\n"
          f"  Teacher:  {url}/admin/\n"
          f"  Admin password: {password if not config.admin_password else '********'} {password_note}\n"
          f"  Database: {config.db_path}", flush=True)

    def shut_down():
        log("stopping")
        server.stop(timeout=1)

    for signal_number in (2, 15):   # SIGINT, SIGTERM
        gevent.signal_handler(signal_number, shut_down)
    sd_notify("READY=1")
    try:
        server.serve_forever()
    finally:
        hub.stop()
        store.close()


def check(files) -> int:
    status = 0
    for file in files:
        try:
            pool = read_pool(file)
        except PoolInvalid as exc:
            print(exc)
            status = 1
        else:
            print(f"{file}: ok: \"{pool.title}\", {len(pool.questions)} questions, "
                  f"session {pool.session_id}")
    return status


def import_files(files, out_dir) -> int:
    """quizbox.py import FILE...: each file written elsewhere becomes a pool file in
    out_dir, never overwriting one; questions that do not fit are listed."""
    status, out_dir = 0, Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for file in files:
        try:
            document, skipped = import_file(Path(file).name, Path(file).read_bytes())
            name = free_pool_name(out_dir, document.get("title") or Path(file).stem)
            pool = parse_pool(document, name, media_dir=out_dir / "media")
        except OSError as exc:
            print(f"{file}: cannot be read: {exc.strerror}")
            status = 1
            continue
        except FormatError as exc:
            print(exc)
            status = 1
            continue
        except PoolInvalid as exc:
            print("\n".join(in_teacher_words(e)["message"] for e in exc.errors))
            status = 1
            continue
        write_atomically(out_dir / name, (json.dumps(document, ensure_ascii=False, indent=2)
                                          + "\n").encode("utf-8"))
        print(f"{file}: wrote {out_dir / name}: \"{pool.title}\", {len(pool.questions)} questions")
        for item in skipped:
            print(f"  question {item['question']} left out: {item['why']}")
    return status


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv.insert(0, "serve")
    parser = argparse.ArgumentParser(prog="quizbox.py", description="A live classroom quiz.")
    parser.add_argument("--version", action="version", version=f"quizbox {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve a quiz (the default)")
    run.add_argument("--pool", dest="pool_path", help="pool file to play [$QUIZ_POOL_PATH]")
    run.add_argument("--pools", dest="pools_dir", help="folder of pools [$QUIZBOX_POOLS_DIR]")
    run.add_argument("--db", dest="db_path", help="SQLite database [$QUIZBOX_DB]")
    run.add_argument("--host", help="address to listen on [$QUIZBOX_HOST, 0.0.0.0]")
    run.add_argument("--port", help="port [$QUIZBOX_PORT, 8080]")
    run.add_argument("--public-url", dest="public_url",
                     help="address phones use, for the QR code [$QUIZBOX_PUBLIC_URL]")
    run.add_argument("--session-id", dest="session_id", help="session id [$QUIZ_SESSION_ID]")
    run.add_argument("--export-dir", dest="export_dir",
                     help="also write results here when a quiz ends [$QUIZBOX_EXPORT_DIR]")
    validate = commands.add_parser("check", help="validate pool files")
    validate.add_argument("files", nargs="+")
    convert = commands.add_parser("import", help="turn Kahoot sheets (.xlsx, .csv), GIFT or "
                                                 "Aiken files into pool files")
    convert.add_argument("files", nargs="+")
    convert.add_argument("--out", default="pools", help="folder for the pool files [pools]")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.files)
    if args.command == "import":
        return import_files(args.files, args.out)
    flags = {k: v for k, v in vars(args).items() if k != "command"}
    serve(build_config(flags))
    return 0


if __name__ == "__main__":
    sys.exit(main())
