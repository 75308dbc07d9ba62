"""Tests for quizbox's formats at the edge: class lists, the item analysis, the .xlsx writer
(the last also through a real LibreOffice when soffice is installed)."""
import csv
import io
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizbox import (RosterError, item_analysis, parse_roster, questions_sheet, results_sheet,
                    xlsx_bytes)


# Class list ##################################################################

def test_roster_comma_with_header_keeps_ids_exactly():
    text = "student_id,name\n007123,  Zoë Martin \n00042,Ann\n"
    assert parse_roster(text) == [("007123", "Zoë Martin"), ("00042", "Ann")]


@pytest.mark.parametrize("header", ["student_id;name", "id;name", "Student ID;Name", "ID;NAME",
                                    "Student Id ; Name"])
def test_roster_semicolon_headers_recognised(header):
    assert parse_roster(f"{header}\r\n1;Ann\r\n2;Bob") == [("1", "Ann"), ("2", "Bob")]


def test_roster_without_header_bom_blank_lines_and_quotes():
    text = '\ufeff007123;"Dupont, Jean"\n\n   \n"00042";"Lee ""Al"" Kim"\n;;\n'
    assert parse_roster(text) == [("007123", "Dupont, Jean"), ("00042", 'Lee "Al" Kim')]


def test_roster_semicolon_wins_when_names_hold_commas():
    assert parse_roster("1;Dupont, Jean\n2;Smith, Ann") == [("1", "Dupont, Jean"), ("2", "Smith, Ann")]


def test_roster_name_first_header_and_tabs_from_a_spreadsheet_paste():
    assert parse_roster("Name,Student ID\nAnn,007\n") == [("007", "Ann")]
    assert parse_roster("007\tAnn\n008\tBob\n") == [("007", "Ann"), ("008", "Bob")]


def test_roster_trailing_empty_columns_and_old_mac_line_ends():
    assert parse_roster("1;Ann;;\r2;Bob;\r") == [("1", "Ann"), ("2", "Bob")]


def test_roster_header_with_more_columns_from_a_school_export():
    text = "Email;Name;Student ID;Class\na@x.org;Dupont, Jean;007123;5B\nb@x.org;Ann;00042\n"
    assert parse_roster(text) == [("007123", "Dupont, Jean"), ("00042", "Ann")]
    assert parse_roster("id;name;city\n1;Dupont, Jean;Paris\n") == [("1", "Dupont, Jean")]
    with pytest.raises(RosterError, match="^Line 3: expected 3 columns but found 4"):
        parse_roster("id,name,city\n1,Ann,Rome\n2,Smith, Bob,Oslo\n")


def test_roster_a_name_with_an_unquoted_comma_is_reported():
    with pytest.raises(RosterError, match="^Line 1: expected 2 columns but found 3; put a name "
                                          "containing a comma in double quotes"):
        parse_roster("1,Smith, John\n2,Ann\n3,Bob\n")


def test_roster_empty_text_clears():
    assert parse_roster("") == []
    assert parse_roster("\ufeff \n\n") == []


@pytest.mark.parametrize("text, message", [
    ("id,name\n1,Ann\n2,\n", "Line 3: student 2 has no name."),
    ("1,Ann\n,Bob\n", "Line 2: the student id is missing."),
    ("1,Ann\n\n7,Bob\n1,Cat\n", "Lines 1 and 4 both have student id 1."),
    ("x" * 65 + ",Ann", "Line 1: the student id is longer than 64 characters."),
    ("1\x07,Ann", "Line 1: the student id contains control characters."),
    ("1,Ann\n2," + "n" * 41, "Line 2: the name is longer than 40 characters."),
    ("1,Ann\n2,B\u202eob", "Line 2: the name contains control characters."),
    ("1,Ann\n2,\u2062\u200e", "Line 2: student 2 has no name."),
    ("1,Ann\n2,B\ud800", "Line 2: contains text that is not valid UTF-8."),
    ("1,Ann\n\n2,B\0", "Line 3: contains a NUL character."),
    ("id,name\n\n", "The list has no students: give one per line, student id then name."),
    ("1,Ann,x\n", "Line 1: expected 2 columns but found 3; "
                  "put a name containing a comma in double quotes."),
    ('1,"Ann" x\n', "Line 1: cannot be read; check its quotes."),
])
def test_roster_errors_name_the_line(text, message):
    with pytest.raises(RosterError) as caught:
        parse_roster(text)
    assert str(caught.value) == message


def test_roster_limit_of_5000():
    rows = "\n".join(f"{n},S{n}" for n in range(5000))
    assert len(parse_roster("id,name\n" + rows)) == 5000
    with pytest.raises(RosterError, match=r"^Line 5002: the list has more than 5000 students"):
        parse_roster("id,name\n" + rows + "\n5000,Late")


def test_roster_id_keeps_inner_spaces_and_nfc():
    assert parse_roster("A 12,Ann\nJose\u0301,Jose") == [("A 12", "Ann"), ("José", "Jose")]


# Item analysis: a worked example ##############################################
#
# Five students, three played choice/number questions, one not played.
#
#            Q0 (B)        Q1 (A)        Q2 (7)       total
#   Ann      B  ✓ 1000     A  ✓  800     7  ✓  900     2700
#   Ben      B  ✓  900     B  ✗    0     7  ✓  600     1500
#   Cat      C  ✗    0     A  ✓  700     5  ✗    0      700
#   Dan      C  ✗    0     (missed)      9  ✗    0        0
#   Eve      C  ✗    0     A  ✓  500     7  ✓ 1000     1500
#
# Totals 2700, 1500, 700, 0, 1500: mean 6400/5 = 1280, median 1500;
# deviations 1420, 220, -580, -1280, 220 → squares sum 4 088 000,
# population variance 817 600, stdev √817600 = 904.2124.
# Ranks: Ann 1, Ben 2, Eve 2 (Ben first by name), Cat 4, Dan 5.
#
# r_pb = (M1 - M0) / s_n · √(p q), y = the total on the OTHER questions.
# Q0: x = 1 1 0 0 0, y = 1700 600 700 0 1500. M1 = 2300/2 = 1150,
#     M0 = 2200/3 = 733.33, mean y 900, squares of deviations
#     640000+90000+40000+810000+360000 = 1 940 000, s_n = √388000 = 622.90,
#     p q = 0.4·0.6 → r = 416.67/622.90 · 0.48990 = 0.32770.
# Q1: x = 1 0 1 0 1 (Dan missed: not right), y = 1900 1500 0 0 1000.
#     M1 = 2900/3 = 966.67, M0 = 1500/2 = 750, mean 880, squares
#     1040400+384400+774400+774400+14400 = 2 988 000, s_n = √597600 = 773.05
#     → r = 216.67/773.05 · 0.48990 = 0.13731.
# Q2: x = 1 1 0 0 1, y = 1800 900 700 0 500. M1 = 3200/3 = 1066.67,
#     M0 = 700/2 = 350, mean 780, squares 1040400+14400+6400+608400+78400
#     = 1 748 000, s_n = √349600 = 591.27 → r = 716.67/591.27 · 0.48990 = 0.59380.
# Histogram, max possible 3000: width 300, ten bins; 0 → bin 0, 700 → bin 2,
# 1500 ×2 → bin 5, 2700 → bin 9 (2700..3000).

CELL = ["Nucleus", "Mitochondrion", "Ribosome", "Golgi"]
QUESTIONS = [
    {"question_idx": 0, "type": "choice", "prompt": "Powerhouse?", "choices": CELL,
     "correct": "B", "poll": False, "played": True},
    {"question_idx": 1, "type": "choice", "prompt": "Is DNA a helix?", "choices": ["Yes", "No"],
     "correct": "A", "poll": False, "played": True},
    {"question_idx": 2, "type": "number", "prompt": "Days in a week?", "choices": [],
     "correct": 7, "poll": False, "played": True},
    {"question_idx": 3, "type": "choice", "prompt": "Never shown", "choices": ["x", "y"],
     "correct": "A", "poll": False, "played": False},
]


def sub(answer, correct, score, ms):
    return {"answer": answer, "correct": correct, "score": score, "elapsed_ms": ms, "status": "submitted"}


MISSED = {"answer": None, "correct": False, "score": 0, "elapsed_ms": None, "status": "missed"}


def player(sid, name, answers, status="playing"):
    return {"student_id": sid, "name": name, "status": status, "answers": dict(enumerate(answers))}


PLAYERS = [
    player("001", "Ann", [sub("B", True, 1000, 2000), sub("A", True, 800, 3000), sub("7", True, 900, 1000)]),
    player("002", "Ben", [sub("B", True, 900, 4000), sub("B", False, 0, 5000), sub("7", True, 600, 1000)]),
    player("003", "Cat", [sub("C", False, 0, 6000), sub("A", True, 700, 4000), sub("5", False, 0, 1000)]),
    player("004", "Dan", [sub("C", False, 0, 8000), MISSED, sub("9", False, 0, 1000)]),
    player("005", "Eve", [sub("C", False, 0, 10000), sub("A", True, 500, 6000), sub("7", True, 1000, 1000)]),
]


def test_worked_example_questions():
    report = item_analysis(QUESTIONS, PLAYERS, max_possible=3000)
    q0, q1, q2 = report["questions"]            # question 3 was never played
    assert [q["question_idx"] for q in report["questions"]] == [0, 1, 2]

    assert q0["answered"] == 5 and q0["right"] == 2
    assert q0["correct_share"] == pytest.approx(0.4)
    assert q0["discrimination"] == pytest.approx(0.32770, abs=1e-5)
    assert q0["avg_ms"] == 6000
    assert q0["choices"] == [
        {"letter": "A", "text": "Nucleus", "count": 0, "correct": False},
        {"letter": "B", "text": "Mitochondrion", "count": 2, "correct": True},
        {"letter": "C", "text": "Ribosome", "count": 3, "correct": False},
        {"letter": "D", "text": "Golgi", "count": 0, "correct": False}]
    assert q0["most_chosen_wrong"] == {"answer": "C", "text": "Ribosome", "count": 3}
    assert q0["flag"] == "Most of the class chose C (“Ribosome”); the answer is B."

    assert (q1["answered"], q1["right"]) == (4, 3)
    assert q1["correct_share"] == pytest.approx(0.75)
    assert q1["discrimination"] == pytest.approx(0.13731, abs=1e-5)
    assert q1["avg_ms"] == 4500
    assert q1["most_chosen_wrong"] == {"answer": "B", "text": "No", "count": 1}
    assert q1["flag"] is None

    assert q2["correct_share"] == pytest.approx(0.6)
    assert q2["discrimination"] == pytest.approx(0.59380, abs=1e-5)
    assert q2["choices"] == {"min": 5, "max": 9, "median": 7, "right_value": 7}
    assert q2["most_chosen_wrong"] == {"answer": 5, "text": None, "count": 1}   # tie: first given


def test_worked_example_students_and_summary():
    report = item_analysis(QUESTIONS, PLAYERS, max_possible=3000)
    assert json.loads(json.dumps(report)) == report          # ready for the HTTP answer
    table = [(s["name"], s["rank"], s["total"], s["correct"], s["answered"]) for s in report["students"]]
    assert table == [("Ann", 1, 2700, 3, 3), ("Ben", 2, 1500, 2, 3), ("Eve", 2, 1500, 2, 3),
                     ("Cat", 4, 700, 1, 3), ("Dan", 5, 0, 0, 2)]
    dan = report["students"][-1]
    assert dan["answers"][1] == {"answer": None, "correct": False, "score": 0, "elapsed_ms": None,
                                 "status": "missed"}
    assert dan["answers"][2]["answer"] == "9" and dan["answers"][3] is None    # never played
    assert not dan["absent"] and not dan["removed"]
    summary = report["summary"]
    assert summary["players"] == 5 and summary["absent"] == 0
    assert summary["average"] == pytest.approx(1280)
    assert summary["median"] == 1500
    assert summary["stdev"] == pytest.approx(904.2124, abs=1e-4)
    assert summary["max_total"] == 2700
    hist = summary["histogram"]
    assert len(hist) == 10 and hist[0] == {"from": 0, "to": 299, "count": 1}
    assert hist[-1] == {"from": 2700, "to": 3000, "count": 1}
    assert [b["count"] for b in hist] == [1, 0, 1, 0, 0, 2, 0, 0, 0, 1]


def test_pearson_equals_the_textbook_point_biserial():
    # r_pb = (M1 - M0) / s_n * sqrt(p q), computed independently for Q0.
    y1, y0 = [1700, 600], [700, 0, 1500]
    ys = y1 + y0
    mean = sum(ys) / 5
    s_n = (sum((y - mean) ** 2 for y in ys) / 5) ** 0.5
    expected = (sum(y1) / 2 - sum(y0) / 3) / s_n * (0.4 * 0.6) ** 0.5
    assert item_analysis(QUESTIONS, PLAYERS)["questions"][0]["discrimination"] == pytest.approx(expected)


# Item analysis: edges #########################################################

def q(idx, kind="choice", correct="A", choices=("a", "b", "c", "d"), poll=False):
    return {"question_idx": idx, "type": kind, "prompt": f"Q{idx}", "choices": list(choices),
            "correct": correct, "poll": poll, "played": True}


def test_nobody_answered():
    players = [player(str(n), f"P{n}", [MISSED]) for n in range(3)]
    (question,) = item_analysis([q(0)], players)["questions"]
    assert question["answered"] == 0 and question["correct_share"] is None
    assert question["discrimination"] is None and question["avg_ms"] is None
    assert question["most_chosen_wrong"] is None
    assert question["flag"] == "Nobody answered."


def test_poll_scores_nothing_and_is_never_flagged():
    players = [player("1", "A", [sub("A", False, 0, 100), sub("A", True, 1000, 100)]),
               player("2", "B", [sub("B", False, 0, 100), sub("B", False, 0, 100)]),
               player("3", "C", [sub("B", False, 0, 100), sub("A", True, 500, 100)])]
    report = item_analysis([q(0, correct=None, poll=True), q(1)], players)
    poll = report["questions"][0]
    assert poll["poll"] and poll["correct_share"] is None and poll["discrimination"] is None
    assert poll["most_chosen_wrong"] is None and poll["flag"] is None
    assert [c["count"] for c in poll["choices"]] == [1, 2, 0, 0]
    assert not any(c["correct"] for c in poll["choices"])
    first = report["students"][0]
    assert (first["name"], first["correct"], first["answered"]) == ("A", 1, 2)   # poll answered, not correct


def test_everyone_right_has_no_discrimination():
    players = [player(str(n), f"P{n}", [sub("A", True, 500 + n, 1000)]) for n in range(4)]
    (question,) = item_analysis([q(0)], players)["questions"]
    assert question["correct_share"] == 1.0 and question["discrimination"] is None
    assert question["flag"] is None


def test_single_player():
    report = item_analysis([q(0)], [player("7", "Solo", [sub("B", False, 0, 1500)])])
    question = report["questions"][0]
    assert question["discrimination"] is None and question["correct_share"] == 0
    assert question["flag"] == "Most of the class chose B (“b”); the answer is A."
    assert report["students"][0]["rank"] == 1
    summary = report["summary"]
    assert (summary["average"], summary["median"], summary["stdev"]) == (0, 0, 0)
    assert summary["histogram"] == [{"from": 0, "to": 0, "count": 1}]


def test_removed_and_absent_players():
    players = [player("3", "Zed", [sub("A", True, 900, 100)]),
               player("1", "Amy", [sub("B", False, 0, 100)]),
               player("9", "Kim", [sub("B", False, 0, 100)], status="removed"),
               player("8", "Bea", [sub("B", False, 0, 100)], status="removed"),
               {"student_id": "007123", "name": "Abe", "status": "absent", "answers": {}}]
    report = item_analysis([q(0)], players)
    question = report["questions"][0]
    assert question["answered"] == 2 and question["correct_share"] == 0.5   # removed left out
    assert question["choices"][1]["count"] == 1
    rows = [(s["name"], s["rank"], s["absent"], s["removed"]) for s in report["students"]]
    assert rows == [("Zed", 1, False, False), ("Amy", 2, False, False),
                    ("Abe", None, True, False), ("Bea", None, False, True), ("Kim", None, False, True)]
    assert report["students"][2]["answers"] == [None]
    summary = report["summary"]
    assert (summary["players"], summary["absent"], summary["removed"]) == (2, 1, 2)
    assert summary["average"] == 450


def test_negative_discrimination_is_flagged():
    # The three best students got Q1 wrong, the two weakest got it right.
    rows = [(1000, False), (900, False), (800, False), (100, True), (0, True)]
    players = [player(str(n), f"P{n}", [sub("A", True, s, 1) if s else sub("B", False, 0, 1),
                                        sub("A" if ok else "B", ok, 100 if ok else 0, 1)])
               for n, (s, ok) in enumerate(rows)]
    question = item_analysis([q(0), q(1)], players)["questions"][1]
    assert question["discrimination"] < 0
    assert question["flag"] == ("Most of the class chose B (“b”); the answer is A. Students with high "
                                "totals got this wrong more often than others: check the question "
                                "and its answer.")


def test_only_few_right_sentence():
    answers = ["A", "B", "C", "D", "A", "B", "C", "D", "A"]
    players = [player(str(n), f"P{n}", [sub(a, a == "A", 1000 if a == "A" else 0, 1)])
               for n, a in enumerate(answers)]
    assert item_analysis([q(0)], players)["questions"][0]["flag"] == "Only 3 of 9 answered right."
    wrong = [player(str(n), f"P{n}", [sub(a, False, 0, 1)]) for n, a in enumerate("BCD")]
    assert item_analysis([q(0)], wrong)["questions"][0]["flag"].startswith("More students chose B")


def test_text_answers_grouped_ignoring_case_and_accents():
    given = [("Paris", True), ("paris ", True), ("PARÍS", True), ("Lyon", False), ("lyon", False),
             ("Lyon", False), ("Nice", False)]
    players = [player(str(n), f"P{n}", [sub(a, ok, 1000 if ok else 0, 1)]) for n, (a, ok) in enumerate(given)]
    question = item_analysis([q(0, "text", ["Paris"], ())], players)["questions"][0]
    assert question["choices"] == [{"answer": "Paris", "count": 3, "correct": True},
                                   {"answer": "Lyon", "count": 3, "correct": False},
                                   {"answer": "Nice", "count": 1, "correct": False}]
    assert question["most_chosen_wrong"] == {"answer": "Lyon", "text": None, "count": 3}
    assert question["flag"] == "Only 3 of 7 answered right."    # Lyon is not ahead of Paris
    lost = item_analysis([q(0, "text", ["Paris"], ())], players[2:])["questions"][0]
    assert lost["flag"] == "Most of the class answered “Lyon”; the answer is “Paris”."


def test_multi_counts_every_letter_picked():
    given = [("AC", True), ("CA", True), ("AB", False), ("B", False), ("ABC", False)]
    players = [player(str(n), f"P{n}", [sub(a, ok, 700, 1)]) for n, (a, ok) in enumerate(given)]
    question = item_analysis([q(0, "multi", ["A", "C"])], players)["questions"][0]
    assert [(c["letter"], c["count"], c["correct"]) for c in question["choices"]] == [
        ("A", 4, True), ("B", 3, False), ("C", 3, True), ("D", 0, False)]
    assert question["most_chosen_wrong"]["answer"] == "B"
    assert question["correct_share"] == pytest.approx(0.4)       # only the exact set is right
    assert question["flag"] == "Most of the class chose B (“b”); the answer is A and C."


def test_order_questions_count_whole_orders():
    given = ["CAB", "CAB", "ACB", "ACB", "ACB", "BCA"]
    players = [player(str(n), f"P{n}", [sub(a, a == "CAB", 900 if a == "CAB" else 0, 1)])
               for n, a in enumerate(given)]
    question = item_analysis([q(0, "order", "CAB", ("x", "y", "z"))], players)["questions"][0]
    assert question["right_orders"] == 2
    assert question["orders"][0] == {"answer": "ACB", "count": 3, "correct": False}
    assert question["most_chosen_wrong"] == {"answer": "ACB", "text": None, "count": 3}
    assert [(c["letter"], c["count"], c["correct"]) for c in question["choices"]] == [
        ("A", 3, False), ("B", 1, False), ("C", 2, True)]
    assert question["flag"] == "More students chose the order ACB than the answer, CAB."   # 3 of 6


def test_several_right_letters_and_json_keys():
    # Kahoot's "several correct answers", and answers whose keys went through JSON.
    players = [{"student_id": str(n), "name": f"P{n}", "status": "playing",
                "answers": {"0": sub(a, a in "AC", 1000 if a in "AC" else 0, 1)}}
               for n, a in enumerate("ABBBC")]
    question = item_analysis([q(0, correct=["A", "C"])], players)["questions"][0]
    assert question["answered"] == 5 and question["right"] == 2
    assert question["flag"] == "Most of the class chose B (“b”); the answer is A or C."


def test_histogram_defaults_to_the_best_total():
    players = [player(str(n), f"P{n}", [sub("A", True, s, 1)]) for n, s in enumerate([0, 45, 99, 100])]
    hist = item_analysis([q(0)], players)["summary"]["histogram"]
    assert hist[0] == {"from": 0, "to": 9, "count": 1} and hist[-1] == {"from": 90, "to": 100, "count": 2}
    assert sum(b["count"] for b in hist) == 4 and len(hist) == 10
    assert item_analysis([q(0)], [])["summary"]["histogram"] == []


# Spreadsheet ##################################################################

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROWS = [["rank", "student_id", "name", "total_score", "ratio", "ok"],
        [1, "007123", "Zoë 🦊", 1000, 12.5, True],
        [2, "00042", "Ærøskøbing", 0, 0.25, False],
        [3, 123, "=1+1", 0, None, None],
        [4, "x9", "bad\x00\x07ctl\ud800 _x0041_ & <tag>", -3, 1e-05, None],
        [5, "x10", "Big", 12345678901234567890, None, None]]


def _open(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return archive, {name: archive.read(name) for name in archive.namelist()}


def test_xlsx_parts_are_well_formed_and_in_schema_order():
    data = xlsx_bytes([("Results", ROWS, {1, 2}),
                       ("Qu[est]ions: a/b?*\uffff" + "x" * 40, [["a"], [1]], set())])
    archive, parts = _open(data)
    assert archive.namelist()[0] == "[Content_Types].xml"
    for name in ["_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                 "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"]:
        ET.fromstring(parts[name])        # well-formed
    sheet = ET.fromstring(parts["xl/worksheets/sheet1.xml"])
    assert [child.tag.removeprefix(MAIN) for child in sheet] == [
        "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "pageMargins", "ignoredErrors"]
    assert sheet.find(f"{MAIN}dimension").get("ref") == "A1:F6"
    pane = sheet.find(f"{MAIN}sheetViews/{MAIN}sheetView/{MAIN}pane")
    assert pane.attrib == {"ySplit": "1", "topLeftCell": "A2", "activePane": "bottomLeft", "state": "frozen"}
    names = [s.get("name") for s in ET.fromstring(parts["xl/workbook.xml"]).iter(f"{MAIN}sheet")]
    assert names == ["Results", "Questions ab" + "x" * 19]
    assert all(len(n) <= 31 for n in names)


def test_xlsx_cells_types_and_escaping():
    _, parts = _open(xlsx_bytes([("Results", ROWS, {1, 2})]))
    strings = ["".join(t.text or "" for t in si.iter(f"{MAIN}t"))
               for si in ET.fromstring(parts["xl/sharedStrings.xml"])]
    cells = {c.get("r"): c for c in ET.fromstring(parts["xl/worksheets/sheet1.xml"]).iter(f"{MAIN}c")}

    def value(ref):
        cell = cells[ref]
        v = cell.find(f"{MAIN}v").text
        return strings[int(v)] if cell.get("t") == "s" else (cell.get("t"), v)
    assert value("B2") == "007123" and value("B4") == "123"     # text columns stay text
    assert value("D2") == (None, "1000") and value("E2") == (None, "12.5")
    assert value("F2") == ("b", "1") and value("A4") == (None, "3")
    assert value("C4") == "=1+1" and cells["C4"].find(f"{MAIN}f") is None
    assert value("C5") == "badctl _x005F_x0041_ & <tag>"      # illegal XML gone, Excel escape kept literal
    assert "E4" not in cells and "F4" not in cells             # None is an empty cell
    assert value("D6") == "12345678901234567890"               # too many digits for a number
    assert value("A1") == "rank" and cells["A1"].get("s") == "1"


def test_xlsx_duplicate_and_empty_sheet_names_and_no_sheets():
    _, parts = _open(xlsx_bytes([("Data", [], set()), ("data", [["x"]], set()), ("[]", [], set())]))
    names = [s.get("name") for s in ET.fromstring(parts["xl/workbook.xml"]).iter(f"{MAIN}sheet")]
    assert names == ["Data", "data (2)", "Sheet3"]
    _, parts = _open(xlsx_bytes([]))
    assert "xl/worksheets/sheet1.xml" in parts


def test_xlsx_is_deterministic():
    assert xlsx_bytes([("R", ROWS, {1})]) == xlsx_bytes([("R", ROWS, {1})])


def test_report_sheets():
    report = item_analysis(QUESTIONS, PLAYERS + [
        {"student_id": "007123", "name": "Abe", "status": "absent", "answers": {}}])
    name, rows, text_columns = results_sheet(report)
    assert name == "Results" and rows[0][:10] == ["rank", "student_id", "name", "total_score", "correct",
                                                   "answered", "q1_answer", "q1_correct", "q1_score", "q1_ms"]
    assert len(rows[0]) == 6 + 4 * 4 + 1 and rows[0][-1] == "status"   # the CSV's columns
    assert rows[1][:10] == [1, "001", "Ann", 2700, 3, 3, "B", 1, 1000, 2000]
    assert rows[5][:3] == [5, "004", "Dan"] and rows[5][10:14] == ["", 0, 0, None]   # missed q2
    assert rows[-1][:3] == [None, "007123", "Abe"] and rows[-1][-1] == "absent"
    assert {1, 2, 6, 10} <= text_columns
    name, rows, _ = questions_sheet(report)
    assert rows[1][:8] == [1, "choice", "Powerhouse?", "B", 5, 40, 0.33, 6.0]
    assert rows[1][8:] == [0, 2, 3, 0, "C", 3, "Most of the class chose C (“Ribosome”); the answer is B."]
    assert ET.fromstring(_open(xlsx_bytes([results_sheet(report), questions_sheet(report)]))[1]
                         ["xl/worksheets/sheet2.xml"]) is not None


# Through LibreOffice ##########################################################

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def _convert(tmp_path, data, target):
    source = tmp_path / "results.xlsx"
    source.write_bytes(data)
    out = tmp_path / "out"
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", target, "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    return out


@needs_soffice
def test_libreoffice_reads_types_and_text(tmp_path):
    data = xlsx_bytes([("Results", ROWS, {1}), ("Questions", [["n", "note"], [1, "Ribosome 🧬"]], set())])
    out = _convert(tmp_path, data, "fods")
    root = ET.parse(out / "results.fods").getroot()
    ns = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
          "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
          "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
    V = "{%s}" % ns["office"]
    tables = root.findall(".//table:table", ns)
    assert [t.get("{%s}name" % ns["table"]) for t in tables] == ["Results", "Questions"]

    def cells(table):
        grid = []
        for row in table.findall("table:table-row", ns):
            line = []
            for cell in row.findall("table:table-cell", ns):
                repeat = int(cell.get("{%s}number-columns-repeated" % ns["table"], "1"))
                text = "\n".join("".join(p.itertext()) for p in cell.findall("text:p", ns))
                line += [(cell.get(V + "value-type"), cell.get(V + "value"), text)] * min(repeat, 20)
            grid.append(line)
        return grid
    grid = cells(tables[0])
    assert grid[1][1] == ("string", None, "007123")
    assert grid[2][1] == ("string", None, "00042")
    assert grid[3][1] == ("string", None, "123")
    assert grid[1][2][2] == "Zoë 🦊" and grid[2][2][2] == "Ærøskøbing"
    assert grid[3][2] == ("string", None, "=1+1")                       # text, not a formula
    assert grid[4][2][2] == "badctl _x0041_ & <tag>"                    # the escape undone once
    assert grid[1][3][:2] == ("float", "1000") and grid[2][3][:2] == ("float", "0")
    assert grid[1][4][:2] == ("float", "12.5")
    assert grid[1][5][:2] == ("float", "1")      # LibreOffice keeps a boolean as 1 shown TRUE
    formulas = {c.get("{%s}formula" % ns["table"]) for c in tables[0].iter("{%s}table-cell" % ns["table"])}
    assert formulas == {None, "of:=TRUE()", "of:=FALSE()"}   # how it imports booleans; no other
    assert cells(tables[1])[1][1][2] == "Ribosome 🧬"


@needs_soffice
def test_libreoffice_csv_export_of_every_sheet(tmp_path):
    data = xlsx_bytes([("Results", ROWS, {1}), ("Questions", [["n", "note"], [1, "=A1"]], set())])
    out = _convert(tmp_path, data, 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1')
    files = sorted(p.name for p in out.iterdir())
    assert files == ["results-Questions.csv", "results-Results.csv"]
    rows = list(csv.reader(io.StringIO((out / "results-Results.csv").read_text("utf-8"))))
    assert rows[1][:5] == ["1", "007123", "Zoë 🦊", "1000", "12.5"]
    assert rows[2][:4] == ["2", "00042", "Ærøskøbing", "0"]
    assert rows[3][2] == "=1+1"
    assert list(csv.reader(io.StringIO((out / "results-Questions.csv").read_text("utf-8"))))[1] == ["1", "=A1"]
