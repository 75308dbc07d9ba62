"""After the bell (CONTRACT.md part 2: "Class list" and "After the bell"), against the
real server: the class list through its route, the report of a game of every question
type, the spreadsheet opened by a real LibreOffice, removed and absent students, and
the files --export-dir writes when a game ends.

Expected numbers are worked out here from what each student sent and what the server
acknowledged, never taken from quizbox.py. The LibreOffice tests are skipped when
soffice is not installed (Debian: libreoffice-calc-nogui)."""

import csv
import io
import json
import math
import re
import shutil
import statistics
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from conftest import sample_pool
from qbtest import close_all, parse_csv, wait_for

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
# LibreOffice 7.4's CSV filter: comma, '"', UTF-8, from line 1, …, and the last token -1:
# every sheet, each to its own file named <stem>-<sheet>.csv.
CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'
FORMULA_START = ("=", "+", "-", "@")


# Helpers #####################################################################

def set_roster(server, admin, text):
    """POST the class list → (status, body)."""
    status, body, _ = server.json("POST", "/admin/api/roster", json_body={"csv": text}, cookie=admin)
    return status, body


def get_roster(server, admin):
    status, body, _ = server.json("GET", "/admin/api/roster", cookie=admin)
    assert status == 200, body
    return body


def join_raw(server, student_id, name=..., sid=None, cookie=None):
    """POST /api/join; name=... leaves the field out. → (status, body, cookie)."""
    payload = {"sid": sid or server.live_sid(), "student_id": student_id}
    if name is not ...:
        payload["name"] = name
    status, body, headers = server.json("POST", "/api/join", json_body=payload, cookie=cookie)
    cookie = "; ".join(h.split(";", 1)[0] for h in headers.get_all("Set-Cookie") or [])
    return status, body, cookie


def get_json(server, admin, path):
    status, body, _ = server.json("GET", path, cookie=admin)
    assert status == 200, (path, status, body)
    return body


def csv_table(server, admin, sid=None):
    """The CSV download as a list of dicts (after checking its byte-order mark)."""
    status, _, body = server.request("GET", "/admin/api/csv" + (f"?sid={sid}" if sid else ""),
                                     cookie=admin)
    assert status == 200, body
    header, rows = parse_csv(body)
    return header, [dict(zip(header, row)) for row in rows]


def get_xlsx(server, admin, sid=None):
    status, headers, body = server.request(
        "GET", "/admin/api/xlsx" + (f"?sid={sid}" if sid else ""), cookie=admin)
    assert status == 200, body[:300]
    assert headers["Content-Type"] == \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert body[:2] == b"PK"
    return headers, body


MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def xlsx_sheets(data):
    """{sheet name: rows of cell values} read straight from the zip (no LibreOffice):
    a string cell → str, a number → ("n", text), so that the type can be checked."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    strings = ["".join(t.text or "" for t in si.iter(f"{MAIN_NS}t"))
               for si in ET.fromstring(archive.read("xl/sharedStrings.xml"))]
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    rel_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    sheets = {}
    for sheet in workbook.iter(f"{MAIN_NS}sheet"):
        root = ET.fromstring(archive.read("xl/" + targets[sheet.get(rel_id)]))
        rows = []
        for row in root.iter(f"{MAIN_NS}row"):
            r = int(row.get("r"))
            while len(rows) < r:
                rows.append([])
            line = rows[r - 1]
            for cell in row.iter(f"{MAIN_NS}c"):
                letters = re.match(r"[A-Z]+", cell.get("r")).group()
                col = 0
                for ch in letters:
                    col = col * 26 + ord(ch) - 64
                while len(line) < col:
                    line.append(None)
                v = cell.find(f"{MAIN_NS}v").text
                line[col - 1] = strings[int(v)] if cell.get("t") == "s" else (cell.get("t") or "n", v)
        sheets[sheet.get("name")] = rows
    return sheets


def soffice_convert(profile, source, target, out):
    """Convert with a real LibreOffice, headless, in its own profile folder."""
    result = subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{profile}",
         "--convert-to", target, "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def lo_profile():
    """A LibreOffice profile of its own: two soffice runs never share one."""
    return Path(f"/tmp/lo-{uuid.uuid4().hex}")


def unformula(cell):
    """The CSV protects a formula-looking cell with a leading ' (contract, part 1);
    the spreadsheet keeps the text itself as a text cell."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in FORMULA_START else cell




def ask_instructor(instructor, message, wanted):
    instructor.send_json(message)
    return instructor.recv_until(wanted)


def play(server, admin, sid, plan, students, cookies=None, instructor=None, end=True):
    """Play every question of `plan` over real sockets.

    plan: [ {student: answer or None} or a function(shown_choices) → that dict ].
    → (acks {idx: {student: submit_ack}}, shown {idx: choices as shown})."""
    cookies = cookies or {s: server.join(s, name, sid=sid) for s, name in students.items()}
    own_instructor = instructor is None
    instructor = instructor or server.instructor_ws(admin, sid=sid)
    sockets = {s: server.student_ws(cookies[s], sid=sid) for s in students}
    acks, shown = {}, {}
    try:
        for idx, step in enumerate(plan):
            instructor.send_json({"type": "open_question", "question_idx": idx})
            opened = {s: ws.recv_until("question_open") for s, ws in sockets.items()}
            shown[idx] = opened[next(iter(opened))]["choices"]
            answers = step(shown[idx]) if callable(step) else step
            acks[idx] = {}
            for student, answer in answers.items():
                if answer is None:
                    continue
                sockets[student].send_json({"type": "submit", "question_idx": idx, "answer": answer})
                ack = sockets[student].recv_until("submit_ack")
                assert ack["question_idx"] == idx, ack
                acks[idx][student] = ack
            instructor.send_json({"type": "close_question", "question_idx": idx})
            for ws in sockets.values():
                ws.recv_until("question_closed")
        if end:
            instructor.send_json({"type": "end_session"})
            for ws in sockets.values():
                ws.recv_until("session_ended")
    finally:
        close_all(list(sockets.values()) + ([instructor] if own_instructor else []))
    return acks, shown


# Class list: every accepted shape ############################################

ROSTER = [("007123", "Zoë 🦊"), ("00042", "Ann Lee"), ("5", "Bob")]
ACCEPTED = {
    "comma, header": "student_id,name\n007123,Zoë 🦊\n00042,Ann Lee\n5,Bob\n",
    "comma, no header": "007123,Zoë 🦊\n00042,Ann Lee\n5,Bob",
    "semicolon, header": "id;name\n007123;Zoë 🦊\n00042;Ann Lee\n5;Bob\n",
    "semicolon, no header": "007123;Zoë 🦊\n00042;Ann Lee\n5;Bob\n",
    "semicolon, Student ID;Name header, CRLF": "Student ID;Name\r\n007123;Zoë 🦊\r\n00042;Ann Lee\r\n5;Bob\r\n",
    "BOM, comma, header": "\ufeffstudent_id,name\n007123,Zoë 🦊\n00042,Ann Lee\n5,Bob\n",
    "BOM, semicolon, no header, CRLF": "\ufeff007123;Zoë 🦊\r\n00042;Ann Lee\r\n5;Bob\r\n",
    "CRLF, comma, no header, quotes, blank lines": '"007123","Zoë 🦊"\r\n\r\n00042,"Ann Lee"\r\n5,Bob\r\n\r\n',
    "spreadsheet export: trailing separators": "student_id;name;;\n007123;Zoë 🦊;;\n00042;Ann Lee;;\n5;Bob;;\n;;;\n",
}


def test_class_list_every_accepted_shape(server):
    admin = server.admin_cookie()
    assert get_roster(server, admin) == {"students": [], "class_list": False}
    for shape, text in ACCEPTED.items():
        assert set_roster(server, admin, "") == (200, {"ok": True, "count": 0}), shape
        status, body = set_roster(server, admin, text)
        assert (status, body) == (200, {"ok": True, "count": 3}), (shape, body)
        listed = get_roster(server, admin)
        assert listed["class_list"] is True, shape
        assert [(s["student_id"], s["name"]) for s in listed["students"]] == ROSTER, shape
        assert not any(s["joined"] for s in listed["students"]), shape
        # Ids stay text everywhere: the CSV's absent rows keep the leading zeros.
        header, rows = csv_table(server, admin)
        assert [(r["student_id"], r["name"], r["status"]) for r in rows] == sorted(
            [(i, n, "absent") for i, n in ROSTER], key=lambda r: r[1].casefold()), shape
    # A semicolon list where names hold commas, quoted ids, a name-first header.
    assert set_roster(server, admin, "Name;Student ID\nDupont, Jean;\"0099\"\n")[0] == 200
    assert [(s["student_id"], s["name"]) for s in get_roster(server, admin)["students"]] == \
        [("0099", "Dupont, Jean")]
    status, session, _ = server.json("GET", "/api/session")
    assert status == 200 and session["class_list"] is True


def test_class_list_decides_who_joins_and_what_they_are_called(server):
    admin = server.admin_cookie()
    sid = server.live_sid()
    early_status, early, early_cookie = join_raw(server, "007123", "zoe typo")   # before the list
    assert early_status == 200 and early["name"] == "zoe typo"
    instructor = server.instructor_ws(admin)
    try:
        instructor.recv_until("lobby_update")
        assert set_roster(server, admin, "student_id,name\n007123,Zoë 🦊\n00042,Ann Lee\n5,Bob\n") \
            == (200, {"ok": True, "count": 3})
        # The player who had joined is renamed from the list, and the projector hears of it.
        lobby = instructor.recv_until("lobby_update")
        assert {"student_id": "007123", "name": "Zoë 🦊"} in lobby["participants"]
        assert lobby["class_list"] == {"count": 3, "absent": ["Ann Lee", "Bob"]}
    finally:
        instructor.close()
    status, me, _ = server.json("GET", "/api/me", cookie=early_cookie)
    assert status == 200 and me["name"] == "Zoë 🦊" and me["student_id"] == "007123"
    assert server.json("GET", "/api/session")[1]["class_list"] is True

    # Only listed ids may join; nothing changes for the others.
    for stranger in ("7123", "007123x", "0042", "bob"):
        status, body, cookie = join_raw(server, stranger, "Mallory")
        assert status == 403 and body["error"] == "not_on_roster", (stranger, body)
        assert body["message"] and not cookie
    # The name comes from the list whatever the phone typed, or with none at all.
    status, body, ann = join_raw(server, "00042", "Rude Name")
    assert (status, body["student_id"], body["name"]) == (200, "00042", "Ann Lee")
    status, body, bob = join_raw(server, " 5 ", name=...)          # no name field at all
    assert (status, body["student_id"], body["name"]) == (200, "5", "Bob"), body
    status, body, _ = join_raw(server, "5", "", cookie=bob)          # the same phone, an empty name
    assert (status, body["name"]) == (200, "Bob"), body
    assert join_raw(server, "5", "Bob")[0] == 409                     # another phone: id_in_use
    listed = get_roster(server, admin)
    assert [(s["student_id"], s["joined"]) for s in listed["students"]] == \
        [("007123", True), ("00042", True), ("5", True)]
    assert get_json(server, admin, "/admin/api/state")["participant_count"] == 3
    _, rows = csv_table(server, admin)
    assert sorted((r["student_id"], r["name"], r["status"]) for r in rows) == \
        [("00042", "Ann Lee", ""), ("007123", "Zoë 🦊", ""), ("5", "Bob", "")]

    # Stored before it counts: a restart keeps the list and the list's names.
    server.restart()
    assert server.json("GET", "/api/me", cookie=early_cookie)[1]["name"] == "Zoë 🦊"
    assert len(get_roster(server, admin)["students"]) == 3
    assert join_raw(server, "nobody", "Mallory")[0] == 403

    # {"csv": ""} clears it: anyone may join again, with a name of their own.
    assert set_roster(server, admin, "") == (200, {"ok": True, "count": 0})
    assert get_roster(server, admin) == {"students": [], "class_list": False}
    assert server.json("GET", "/api/session")[1]["class_list"] is False
    status, body, _ = join_raw(server, "nobody", "Mallory")
    assert (status, body["name"]) == (200, "Mallory")
    assert join_raw(server, "no-name", name=...)[0] == 400          # a name is needed again
    assert sid == server.live_sid()


# Class list: every bad one ###################################################

ROWS_5001 = "id,name\n" + "\n".join(f"{n:05},Student {n}" for n in range(5001)) + "\n"
BAD_LISTS = [
    ("duplicate id", "1,Ann\n2,Bob\n\n1,Cat\n", "Lines 1 and 4 both have student id 1."),
    ("duplicate id with leading zeros", "id;name\n007;Ann\n007;Bob\n", "Lines 2 and 3 both have student id 007."),
    ("missing name", "student_id,name\n1,Ann\n2,\n", "Line 3: student 2 has no name."),
    ("name of spaces only", "1;Ann\n2;   \n", "Line 2: student 2 has no name."),
    ("missing id", "1,Ann\n,Bob\n", "Line 2: the student id is missing."),
    ("lone surrogate", "1,Ann\n2,B\ud800ob\n", "Line 2"),
    ("NUL character", "1,Ann\n2,B\0\n", "Line 2: contains a NUL character."),
    ("5001 rows", ROWS_5001, "Line 5002: the list has more than 5000 students."),
    ("name too long", "1,Ann\n2," + "n" * 41 + "\n", "Line 2: the name is longer than 40 characters."),
    ("id too long", "x" * 65 + ",Ann\n", "Line 1: the student id is longer than 64 characters."),
    ("control character in an id", "1\x07,Ann\n", "Line 1: the student id contains control characters."),
    ("right-to-left override in a name", "1,Ann\n2,B\u202eob\n", "Line 2: the name contains control characters."),
    ("unquoted comma", "1,Smith, John\n2,Ann\n3,Bob\n",
     "Line 1: expected 2 columns but found 3; put a name containing a comma in double quotes."),
    ("broken quotes", '1,Ann\n2,"Bob" x\n', "Line 2: cannot be read; check its quotes."),
    ("header only", "student_id,name\n", "The list has no students: give one per line, student id then name."),
]


@pytest.mark.parametrize("text, message", [(t, m) for _, t, m in BAD_LISTS],
                         ids=[label for label, _, _ in BAD_LISTS])
def test_a_bad_class_list_is_refused_and_the_old_one_stays(server, text, message):
    admin = server.admin_cookie()
    assert set_roster(server, admin, "id;name\n007123;Zoë 🦊\n00042;Ann Lee\n")[0] == 200
    status, joined, cookie = join_raw(server, "00042", "whatever")
    assert status == 200 and joined["name"] == "Ann Lee"
    before = get_roster(server, admin)
    csv_before = server.request("GET", "/admin/api/csv", cookie=admin)[2]

    status, body = set_roster(server, admin, text)
    assert status == 400, body
    assert body["error"] in ("bad_roster", "bad_text"), body
    assert message in body["message"], (message, body["message"])
    if message.startswith("Line "):    # the line the teacher must fix is named
        assert re.match(r"^Lines? \d+", body["message"]), body["message"]

    assert get_roster(server, admin) == before
    assert server.request("GET", "/admin/api/csv", cookie=admin)[2] == csv_before
    assert server.json("GET", "/api/me", cookie=cookie)[1]["name"] == "Ann Lee"
    assert join_raw(server, "stranger", "Mallory")[0] == 403      # the list still holds


def test_class_list_route_refuses_what_is_not_a_list(server):
    admin = server.admin_cookie()
    assert set_roster(server, admin, "1;Ann\n")[0] == 200
    before = get_roster(server, admin)
    for body in ({"csv": 5}, {"csv": None}, {"csv": ["1;Ann"]}, {}, {"text": "1;Ann"}):
        status, reply, _ = server.json("POST", "/admin/api/roster", json_body=body, cookie=admin)
        assert status == 400 and reply["error"] and reply["message"], (body, reply)
    # Bytes that are not UTF-8 inside the JSON text.
    status, _, raw = server.request("POST", "/admin/api/roster", cookie=admin,
                                    raw_body=b'{"csv": "1,Ann\\n2,B\xed\xa0\x80ob"}',
                                    headers={"Content-Type": "application/json"})
    assert status == 400 and json.loads(raw)["message"], raw
    # Without the admin cookie: 401, for reading and for writing.
    assert server.json("GET", "/admin/api/roster")[0] == 401
    assert server.json("POST", "/admin/api/roster", json_body={"csv": ""})[0] == 401
    assert get_roster(server, admin) == before


# The report: a game of every question type ###################################

PLANETS = ["Mercury", "Venus", "Earth", "Mars"]
CELL = ["Nucleus", "Mitochondrion", "Ribosome", "Golgi"]
TYPES_POOL = {
    "title": "After the bell: every type", "session_id": "after-bell", "time_limit_default": 120,
    "score_fn": "flat",
    "questions": [
        {"prompt": "Powerhouse of the cell?", "choices": CELL, "correct": "B"},             # 0
        {"prompt": "A prime number?", "choices": ["2", "4", "7", "9"], "correct": ["A", "C"]},  # 1
        {"prompt": "Liked it?", "choices": ["Yes", "No"], "correct": None},                # 2 poll
        {"type": "multi", "prompt": "Which are gas giants?",
         "choices": ["Jupiter", "Mars", "Saturn", "Venus"], "correct": ["A", "C"]},        # 3
        {"type": "text", "prompt": "Largest city of Brazil?", "accept": ["São Paulo"]},    # 4
        {"type": "number", "prompt": "pH of blood, roughly?", "min": 0, "max": 20,
         "correct": 7.5, "tolerance": 0.3, "step": 0.1},                                    # 5
        {"type": "order", "prompt": "From the Sun outwards", "choices": PLANETS},          # 6
    ]}
STUDENTS = {"ann": "Ann", "ben": "Ben", "cat": "Cat", "dan": "Dan", "eve": "Eve"}


def right_order(shown):
    return "".join("ABCD"[shown.index(p)] for p in PLANETS)


def other_order(order, k):
    """A wrong order: the right one rotated by k (1..3)."""
    return order[k:] + order[:k]


# What each student sends (None: no answer, so "missed"), with flat scoring
# (right → 1000; multi: 1000 · max(0, right − wrong) / 2):
#        Q0 (B)  Q1 (A|C)  Q2 poll  Q3 multi AC   Q4 text       Q5 7.5±0.3  Q6 order
#  ann   B 1000  A 1000    A        CA→AC 1000    sao paulo 1000  7.8 1000    right 1000   6000
#  ben   C 0     C 1000    B        A 500         Rio 0           9   0       right 1000   2500
#  cat   C 0     B 0       A        AB 0          " rio " 0       "9" 0       rotated 0       0
#  dan   C 0     A 1000    –        ABC 500       São Paulo 1000  9   0       rotated 0    2500
#  eve   A 0     –         B        AC 1000       =1+1 0          "9.0" 0     –            1000
PLAN = [
    {"ann": "B", "ben": "C", "cat": "C", "dan": "C", "eve": "A"},
    {"ann": "A", "ben": "C", "cat": "B", "dan": "A", "eve": None},
    {"ann": "A", "ben": "B", "cat": "A", "dan": None, "eve": "B"},
    {"ann": "CA", "ben": "A", "cat": "AB", "dan": "ABC", "eve": "AC"},
    {"ann": "sao paulo", "ben": "Rio", "cat": " rio ", "dan": "São Paulo", "eve": "=1+1"},
    {"ann": 7.8, "ben": 9, "cat": "9", "dan": 9, "eve": "9.0"},
    lambda shown: {"ann": right_order(shown), "ben": right_order(shown),
                   "cat": other_order(right_order(shown), 2),
                   "dan": other_order(right_order(shown), 1), "eve": None},
]
SCORES = [
    {"ann": 1000, "ben": 0, "cat": 0, "dan": 0, "eve": 0},
    {"ann": 1000, "ben": 1000, "cat": 0, "dan": 1000},
    {"ann": 0, "ben": 0, "cat": 0, "eve": 0},
    {"ann": 1000, "ben": 500, "cat": 0, "dan": 500, "eve": 1000},
    {"ann": 1000, "ben": 0, "cat": 0, "dan": 1000, "eve": 0},
    {"ann": 1000, "ben": 0, "cat": 0, "dan": 0, "eve": 0},
    {"ann": 1000, "ben": 1000, "cat": 0, "dan": 0},
]
RIGHT = [{"ann"}, {"ann", "ben", "dan"}, set(), {"ann", "eve"}, {"ann", "dan"}, {"ann"}, {"ann", "ben"}]
TOTALS = {"ann": 6000, "ben": 2500, "cat": 0, "dan": 2500, "eve": 1000}


def point_biserial(xs, ys):
    """The textbook r_pb = (M1 − M0) / s_n · √(p·q); None where it cannot be computed."""
    n = len(xs)
    ones = [y for x, y in zip(xs, ys) if x]
    zeros = [y for x, y in zip(xs, ys) if not x]
    if n < 3 or not ones or not zeros:
        return None
    mean = sum(ys) / n
    s_n = math.sqrt(sum((y - mean) ** 2 for y in ys) / n)
    if s_n == 0:
        return None
    p = len(ones) / n
    return (sum(ones) / len(ones) - sum(zeros) / len(zeros)) / s_n * math.sqrt(p * (1 - p))


def write_types_pools(tmp_path):
    """The every-type pool and a second one (to switch to) in one pools folder."""
    folder = tmp_path / "pools-after-bell"
    folder.mkdir()
    path = folder / "after-bell.json"
    path.write_text(json.dumps(TYPES_POOL, ensure_ascii=False, indent=1), encoding="utf-8")
    (folder / "other.json").write_text(json.dumps(sample_pool(title="Another quiz",
                                                              session_id="other")))
    return path


def play_every_type(server, admin, names=None):
    """The game of PLAN; → (acks, shown). names: student → name, STUDENTS by default."""
    acks, shown = play(server, admin, "after-bell", PLAN, names or STUDENTS)
    for idx, scores in enumerate(SCORES):   # the scoring the table above expects
        assert {s: a["score"] for s, a in acks[idx].items()} == scores, (idx, acks[idx])
    return acks, shown


def test_report_of_every_question_type(server_factory, tmp_path):
    pool_path = write_types_pools(tmp_path)
    server = server_factory(pool_path, env={"QUIZBOX_POOLS_DIR": str(pool_path.parent)})
    admin = server.admin_cookie()
    # A class list with the five players and one who never comes (kept for the past session too).
    roster = "".join(f"{s};{n}\n" for s, n in STUDENTS.items()) + "0099;Absent Abe\n"
    assert set_roster(server, admin, roster)[0] == 200
    acks, shown = play_every_type(server, admin)
    order = right_order(shown[6])
    assert shown[6] != PLANETS or order == "ABCD"

    report = get_json(server, admin, "/admin/api/report")
    assert (report["sid"], report["title"], report["state"]) == \
        ("after-bell", TYPES_POOL["title"], "finished")
    questions = report["questions"]
    assert [q["question_idx"] for q in questions] == list(range(7))
    assert [q["type"] for q in questions] == ["choice", "choice", "choice", "multi", "text",
                                              "number", "order"]

    # Worked out from the plan and the acks: answered, share right, average time,
    # and the point-biserial of being right (missed is not) against the other questions' total.
    for idx, q in enumerate(questions):
        given = acks[idx]
        poll = idx == 2
        assert q["answered"] == len(given), idx
        assert q["correct_share"] == (None if poll else pytest.approx(len(RIGHT[idx]) / len(given))), idx
        assert q["avg_ms"] == round(statistics.fmean(a["elapsed_ms"] for a in given.values())), idx
        xs = [1 if s in RIGHT[idx] else 0 for s in STUDENTS]
        ys = [TOTALS[s] - SCORES[idx].get(s, 0) for s in STUDENTS]
        expected = None if poll else point_biserial(xs, ys)
        if expected is None:
            assert q["discrimination"] is None, idx
        else:
            assert isinstance(q["discrimination"], float), idx
            assert q["discrimination"] == pytest.approx(expected, abs=1e-9), idx
            assert expected > 0, idx     # so no "high totals got this wrong" sentence below
    # Every scored question here can be computed: each has right and wrong players.
    assert all(q["discrimination"] is not None for q in questions if not q["poll"])
    assert questions[2]["poll"] is True and questions[2]["discrimination"] is None

    def counts(q):
        return {c["letter"]: c["count"] for c in q["choices"]}
    q0, q1, q2, q3, q4, q5, q6 = questions
    assert counts(q0) == {"A": 1, "B": 1, "C": 3, "D": 0}
    assert [c["correct"] for c in q0["choices"]] == [False, True, False, False]
    assert [c["text"] for c in q0["choices"]] == CELL
    assert q0["most_chosen_wrong"] == {"answer": "C", "text": "Ribosome", "count": 3}
    assert q0["flag"] == "Most of the class chose C (“Ribosome”); the answer is B."

    assert counts(q1) == {"A": 2, "B": 1, "C": 1, "D": 0}
    assert [c["correct"] for c in q1["choices"]] == [True, False, True, False]   # either is right
    assert q1["most_chosen_wrong"] == {"answer": "B", "text": "4", "count": 1}
    assert q1["flag"] is None

    assert counts(q2) == {"A": 2, "B": 2}
    assert q2["most_chosen_wrong"] is None and q2["flag"] is None and q2["correct_share"] is None

    assert counts(q3) == {"A": 5, "B": 2, "C": 3, "D": 0}     # every letter picked counts
    assert q3["most_chosen_wrong"] == {"answer": "B", "text": "Mars", "count": 2}
    assert q3["flag"] == "Only 2 of 5 answered right."

    text_groups = sorted((c["answer"].casefold(), c["count"], c["correct"]) for c in q4["choices"])
    assert text_groups == [("=1+1", 1, False), ("rio", 2, False), ("sao paulo", 2, True)]
    assert q4["most_chosen_wrong"]["count"] == 2
    assert q4["most_chosen_wrong"]["answer"].casefold() == "rio"
    assert q4["flag"] == "Only 2 of 5 answered right."

    assert q5["choices"] == {"min": 7.8, "max": 9, "median": 9, "right_value": 7.5}
    assert q5["most_chosen_wrong"] == {"answer": 9, "text": None, "count": 4}   # 9, "9", "9.0"
    assert q5["flag"] == "Most of the class answered 9; the answer is 7.5."

    assert q6["correct"] == order
    assert counts(q6) == {"ABCD"[i]: n for i, n in enumerate(
        [sum(1 for s in ("ann", "ben", "cat", "dan") if acks[6][s]["answer"][0] == letter)
         for letter in "ABCD"])}
    assert q6["most_chosen_wrong"]["count"] == 1
    assert q6["most_chosen_wrong"]["answer"] in (other_order(order, 1), other_order(order, 2))
    assert q6["flag"] is None

    # Per student: rank (equal totals share one), total, right, answered, absent.
    table = [(s["student_id"], s["name"], s["rank"], s["total"], s["correct"], s["answered"],
              s["absent"], s["removed"]) for s in report["students"]]
    assert table == [("ann", "Ann", 1, 6000, 6, 7, False, False),
                     ("ben", "Ben", 2, 2500, 2, 7, False, False),
                     ("dan", "Dan", 2, 2500, 2, 6, False, False),
                     ("eve", "Eve", 4, 1000, 1, 5, False, False),
                     ("cat", "Cat", 5, 0, 0, 7, False, False),
                     ("0099", "Absent Abe", None, 0, 0, 0, True, False)]
    eve = report["students"][3]
    assert eve["answers"][1]["answer"] is None and eve["answers"][1]["status"] == "missed"
    assert eve["answers"][4]["answer"] == "=1+1" and eve["answers"][4]["correct"] is False
    assert report["students"][0]["answers"][3]["answer"] == "AC"
    summary = report["summary"]
    assert report["students"][5]["answers"] == [None] * 7
    assert summary["players"] == 5 and summary["absent"] == 1 and summary["played"] == 7
    assert summary["average"] == pytest.approx(2400) and summary["median"] == 2500
    assert summary["stdev"] == pytest.approx(statistics.pstdev(TOTALS.values()))
    assert sum(b["count"] for b in summary["histogram"]) == 5

    # The same numbers in the CSV (totals, right, answered).
    _, rows = csv_table(server, admin)
    assert [(r["student_id"], r["rank"], r["total_score"], r["correct"], r["answered"], r["status"])
            for r in rows] == [(s, "" if rk is None else str(rk), str(t), str(c), str(a),
                                "absent" if absent else "") for s, _, rk, t, c, a, absent, _ in table]

    # A past session: after switching to another quiz, ?sid= gives the same report.
    status, body, _ = server.json("POST", "/admin/api/pools/select", json_body={"file": "other.json"},
                                  cookie=admin)
    assert status == 200 and body["sid"] == "other", body
    live = get_json(server, admin, "/admin/api/report")
    assert live["sid"] == "other" and live["students"] == [] and live["questions"] == []
    past = get_json(server, admin, "/admin/api/report?sid=after-bell")
    assert past == report
    _, past_xlsx = get_xlsx(server, admin, sid="after-bell")
    assert xlsx_sheets(past_xlsx)["Results"][1][:4] == [("n", "1"), "ann", "Ann", ("n", "6000")]
    assert xlsx_sheets(past_xlsx)["Results"][-1][1:3] == ["0099", "Absent Abe"]
    for route in ("report", "xlsx", "csv"):
        status, body, _ = server.json("GET", f"/admin/api/{route}?sid=no-such-session", cookie=admin)
        assert status == 404 and body["error"] == "unknown_session", (route, status, body)
    assert server.json("GET", "/admin/api/report")[0] == 401
    assert server.request("GET", "/admin/api/xlsx")[0] == 401


# The spreadsheet, through LibreOffice ########################################

HTML_NAME = "José <b>María</b></script>"      # text, never markup, in every file
SHEET_ROSTER = ("student_id;name\n007123;Zoë 🦊\n00042;Ærøskøbing Ålborg\n"
                f"1e5;{HTML_NAME}\n0099;Absent Abe\n")


def play_roster_game(server, admin):
    """Three listed students play sample_pool (B, A, poll); one never joins.
    → the CSV table after the end."""
    assert set_roster(server, admin, SHEET_ROSTER)[0] == 200
    sid = server.live_sid()
    cookies = {}
    for student_id in ("007123", "00042", "1e5"):
        status, body, cookie = join_raw(server, student_id, name=..., sid=sid)
        assert status == 200, body
        cookies[student_id] = cookie
    plan = [{"007123": "B", "00042": "A", "1e5": "B"},
            {"007123": "A", "00042": "A", "1e5": None},
            {"007123": "A", "00042": "B", "1e5": "A"}]
    play(server, admin, sid, plan, {s: "" for s in cookies}, cookies=cookies)
    return csv_table(server, admin)


@needs_soffice
def test_the_spreadsheet_through_libreoffice(server, tmp_path):
    admin = server.admin_cookie()
    header, rows = play_roster_game(server, admin)
    by_id = {r["student_id"]: r for r in rows}
    assert by_id["0099"]["status"] == "absent" and by_id["0099"]["name"] == "Absent Abe"
    assert by_id["0099"]["rank"] == "" and by_id["0099"]["total_score"] == "0"

    headers, data = get_xlsx(server, admin)
    assert 'filename="bio101-results.xlsx"' in headers["Content-Disposition"]
    source = tmp_path / "results.xlsx"
    source.write_bytes(data)
    profile = lo_profile()
    try:
        out = soffice_convert(profile, source, CSV_FILTER, tmp_path / "csv")
        assert sorted(p.name for p in out.iterdir()) == ["results-Questions.csv", "results-Results.csv"]
        sheet = list(csv.reader(io.StringIO((out / "results-Results.csv").read_text("utf-8"),
                                            newline="")))
        # Sheet Results has the CSV's columns and rows, cell for cell.
        assert sheet[0] == header
        api_rows = [[unformula(row[h]) for h in header] for row in rows]
        assert sheet[1:] == api_rows
        lo = {row[1]: dict(zip(header, row)) for row in sheet[1:]}
        assert set(lo) == {"007123", "00042", "1e5", "0099"}             # ids as typed
        assert lo["007123"]["name"] == "Zoë 🦊" and lo["00042"]["name"] == "Ærøskøbing Ålborg"
        assert lo["1e5"]["name"] == HTML_NAME
        assert lo["0099"]["status"] == "absent"
        questions = list(csv.reader(io.StringIO((out / "results-Questions.csv").read_text("utf-8"))))
        assert questions[0][:3] == ["question", "type", "prompt"]
        assert [row[2] for row in questions[1:]] == [q["prompt"] for q in sample_pool()["questions"]]

        # The cell types LibreOffice gave them: ids and names text, numbers numbers.
        soffice_convert(profile, source, "fods", tmp_path / "fods")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    ns = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
          "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
          "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
    O, T = "{%s}" % ns["office"], "{%s}" % ns["table"]
    root = ET.parse(tmp_path / "fods" / "results.fods").getroot()
    tables = {t.get(T + "name"): t for t in root.iter(T + "table")}
    assert list(tables)[:2] == ["Results", "Questions"]

    def grid(table):
        out = []
        for row in table.iter(T + "table-row"):
            line = []
            for cell in row:
                if cell.tag not in (T + "table-cell", T + "covered-table-cell"):
                    continue
                repeat = min(int(cell.get(T + "number-columns-repeated", "1")), 64)
                text = "\n".join("".join(p.itertext()) for p in cell.findall("text:p", ns))
                line += [(cell.get(O + "value-type"), text)] * repeat
            out.append(line)
        return out
    cells = grid(tables["Results"])
    col = {name: i for i, name in enumerate(header)}
    assert [c[1] for c in cells[0][:len(header)]] == header
    for line in cells[1:len(rows) + 1]:
        student_id = line[col["student_id"]]
        assert student_id[0] == "string", line
        assert line[col["name"]][0] == "string", line
        for name in ("total_score", "correct", "answered", "q1_score", "q1_correct"):
            assert line[col[name]][0] == "float", (name, line)
        if lo[student_id[1]]["status"] != "absent":
            assert line[col["rank"]][0] == "float" and line[col["q1_ms"]][0] == "float", line
            assert line[col["q1_answer"]][0] == "string", line
    ids = [line[col["student_id"]] for line in cells[1:len(rows) + 1]]
    assert ("string", "007123") in ids and ("string", "1e5") in ids and ("string", "00042") in ids
    formulas = [c.get(T + "formula") for c in tables["Results"].iter(T + "table-cell") if c.get(T + "formula")]
    assert formulas == []


def test_absent_students_everywhere(server):
    admin = server.admin_cookie()
    header, rows = play_roster_game(server, admin)
    assert rows[-1]["student_id"] == "0099" and rows[-1]["status"] == "absent"
    assert all(rows[-1][f"q{n}_answer"] == "" for n in (1, 2, 3))
    report = get_json(server, admin, "/admin/api/report")
    absent = [s for s in report["students"] if s["absent"]]
    assert [(s["student_id"], s["name"], s["rank"], s["answered"]) for s in absent] == \
        [("0099", "Absent Abe", None, 0)]
    assert report["summary"]["absent"] == 1 and report["summary"]["players"] == 3
    assert all(q["answered"] <= 3 for q in report["questions"])
    sheet = xlsx_sheets(get_xlsx(server, admin)[1])["Results"]
    assert sheet[0] == header
    row = next(r for r in sheet if r[1] == "0099")
    assert row[2] == "Absent Abe" and row[-1] == "absent"
    # A teacher who starts over keeps the class list: everyone is absent again.
    assert server.json("POST", "/admin/api/reset", cookie=admin)[0] == 200
    _, rows = csv_table(server, admin)
    assert sorted(r["student_id"] for r in rows) == ["00042", "007123", "0099", "1e5"]
    assert {r["status"] for r in rows} == {"absent"}


# Removed students ############################################################

def test_a_removed_students_answers_are_kept_and_marked(server):
    admin = server.admin_cookie()
    sid = server.live_sid()
    students = {"s1": "Ada", "s2": "Bo", "k1": "Kim"}
    cookies = {s: server.join(s, n, sid=sid) for s, n in students.items()}
    instructor = server.instructor_ws(admin, sid=sid)
    try:
        play(server, admin, sid, [{"s1": "B", "s2": "A", "k1": "B"}], students, cookies=cookies,
             instructor=instructor, end=False)
        instructor.send_json({"type": "kick", "student_id": "k1"})
        instructor.recv_until("lobby_update")
        rest = {"s1": "Ada", "s2": "Bo"}
        plan = [None, {"s1": "A", "s2": "A"}, {"s1": "A", "s2": "B"}]
        sockets = {s: server.student_ws(cookies[s], sid=sid) for s in rest}
        for idx in (1, 2):
            instructor.send_json({"type": "open_question", "question_idx": idx})
            for s, ws in sockets.items():
                ws.recv_until("question_open")
                ws.send_json({"type": "submit", "question_idx": idx, "answer": plan[idx][s]})
                ws.recv_until("submit_ack")
            instructor.send_json({"type": "close_question", "question_idx": idx})
            instructor.recv_until("question_closed")
        instructor.send_json({"type": "end_session"})
        instructor.recv_until("session_ended")
        close_all(sockets.values())
    finally:
        instructor.close()

    header, rows = csv_table(server, admin)
    kim = next(r for r in rows if r["student_id"] == "k1")
    assert kim["status"] == "removed" and kim["rank"] == ""
    assert (kim["q1_answer"], kim["q1_correct"], kim["q1_score"]) == ("B", "1", kim["total_score"])
    assert int(kim["total_score"]) > 0
    assert [r["status"] for r in rows if r["student_id"] != "k1"] == ["", ""]

    report = get_json(server, admin, "/admin/api/report")
    removed = [s for s in report["students"] if s["removed"]]
    assert [(s["student_id"], s["name"], s["rank"], s["absent"]) for s in removed] == \
        [("k1", "Kim", None, False)]
    assert removed[0]["answers"][0]["answer"] == "B" and removed[0]["answers"][0]["correct"] is True
    assert report["summary"]["removed"] == 1
    ranked = [(s["student_id"], s["rank"]) for s in report["students"] if not s["removed"]]
    assert ranked == [("s1", 1), ("s2", 2)]
    sheet = xlsx_sheets(get_xlsx(server, admin)[1])["Results"]
    row = next(r for r in sheet if r[1] == "k1")
    assert row[-1] == "removed" and row[header.index("q1_answer")] == "B"


# --export-dir ################################################################

def exported(folder, sid):
    """The three files of one export, once all are there (and no half-written one)."""
    files = sorted(p.name for p in folder.iterdir())
    names = [n for n in files if re.fullmatch(
        re.escape(sid) + r"_\d{4}-\d{2}-\d{2}_\d{4}(\.csv|\.xlsx|-report\.html)", n)]
    return names if len(names) == 3 and not any(n.endswith(".part") for n in files) else None


def run_export_game(server_factory, tmp_path):
    """sample_pool played with a class list and --export-dir (its variable) set;
    → (server, admin, folder, {suffix: path})."""
    folder = tmp_path / "usb-stick"
    folder.mkdir()
    server = server_factory(env={"QUIZBOX_EXPORT_DIR": str(folder)})
    admin = server.admin_cookie()
    play_roster_game(server, admin)
    names = wait_for(lambda: exported(folder, "bio101"), timeout=10, message="the exported files")
    paths = {}
    for name in names:
        suffix = "-report.html" if name.endswith("-report.html") else Path(name).suffix
        paths[suffix] = folder / name
    return server, admin, folder, paths


def test_export_dir_writes_csv_xlsx_and_report(server_factory, tmp_path):
    server, admin, folder, paths = run_export_game(server_factory, tmp_path)
    assert set(paths) == {".csv", ".xlsx", "-report.html"}
    stems = {p.name.removesuffix("-report.html").removesuffix(".csv").removesuffix(".xlsx")
             for p in paths.values()}
    assert len(stems) == 1 and stems.pop().startswith("bio101_" + time.strftime("%Y-%m-%d"))
    for path in paths.values():
        assert path.stat().st_mode & 0o444 == 0o444, path     # readable by the teacher
    assert paths[".csv"].read_bytes() == server.request("GET", "/admin/api/csv", cookie=admin)[2]

    data = paths[".xlsx"].read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None and archive.namelist()[0] == "[Content_Types].xml"
    assert data == get_xlsx(server, admin)[1]
    sheets = xlsx_sheets(data)
    assert list(sheets) == ["Results", "Questions"]
    assert {r[1] for r in sheets["Results"][1:]} == {"007123", "00042", "1e5", "0099"}

    html = paths["-report.html"].read_text("utf-8")
    assert html.startswith("<!doctype html>")
    for text in ("Cell biology", "Zoë 🦊", "Ærøskøbing Ålborg", "Absent Abe", "007123",
                 HTML_NAME.replace("<", "\\u003c")):
        assert text in html, text
    assert HTML_NAME not in html and html.count("</script>") == 2     # the page's own two
    embedded = re.search(r'<script id="report-data" type="application/json">(.*?)</script>', html, re.S)
    report = json.loads(embedded.group(1))
    assert report["title"] == "Cell biology" and report["state"] == "finished"
    assert report == get_json(server, admin, "/admin/api/report")
    assert not re.search(r'(src|href)="(https?:)?//', html)     # nothing from elsewhere
    wait_for(lambda: "results written to" in server.log(), timeout=10, message="the export's log line")


def test_an_export_dir_that_cannot_be_written_is_told_and_harms_nothing(server_factory, tmp_path):
    """The stick was pulled out: the teacher's page hears of it; the game and the
    downloads carry on."""
    missing = tmp_path / "no-stick-here"
    server = server_factory(env={"QUIZBOX_EXPORT_DIR": str(missing)})
    admin = server.admin_cookie()
    instructor = server.instructor_ws(admin)
    try:
        cookies = {"s1": server.join("s1", "Ada")}
        play(server, admin, server.live_sid(), [{"s1": "B"}, {"s1": "A"}, {"s1": "A"}], {"s1": "Ada"},
             cookies=cookies)
        error = instructor.recv_until("error", timeout=10)
        assert error["code"] == "export_failed" and str(missing) in error["message"], error
    finally:
        instructor.close()
    assert not missing.exists()
    assert server.json("GET", "/healthz")[0] == 200
    _, rows = csv_table(server, admin)
    assert rows[0]["name"] == "Ada" and rows[0]["total_score"] != "0"
    assert get_json(server, admin, "/admin/api/report")["state"] == "finished"


@needs_soffice
def test_exported_xlsx_opens_in_libreoffice(server_factory, tmp_path):
    server, admin, folder, paths = run_export_game(server_factory, tmp_path)
    profile = lo_profile()
    try:
        out = soffice_convert(profile, paths[".xlsx"], CSV_FILTER, tmp_path / "csv")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    stem = paths[".xlsx"].stem
    assert sorted(p.name for p in out.iterdir()) == [f"{stem}-Questions.csv", f"{stem}-Results.csv"]
    sheet = list(csv.reader(io.StringIO((out / f"{stem}-Results.csv").read_text("utf-8"), newline="")))
    header, rows = csv_table(server, admin)
    assert sheet[0] == header
    assert sheet[1:] == [[unformula(r[h]) for h in header] for r in rows]
