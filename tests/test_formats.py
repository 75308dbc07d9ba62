"""Tests for quizbox's formats at the edge: xlsx/CSV reading, Kahoot, GIFT and Aiken import, GIFT export."""
import codecs
import csv
import io
import shutil
import struct
import subprocess
import zipfile

import sys
from pathlib import Path

import pytest


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import quizbox  # noqa: E402

from quizbox import (FormatError, import_aiken, import_file, import_gift,
                     import_kahoot_rows, pool_to_gift, read_csv_rows, read_xlsx_rows)

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
KAHOOT_HEADER = ["", "Question - max 120 characters", "Answer 1 - max 75 characters",
                 "Answer 2 - max 75 characters", "Answer 3 - max 75 characters",
                 "Answer 4 - max 75 characters",
                 "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
                 "Correct answer(s) - choose at least one"]


# Helpers #####################################################################

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')

def make_xlsx(sheet_rows_xml, shared=None, sheets=None, workbook=True, extra=None):
    """A minimal .xlsx: sheet XML rows, optional shared strings (list of <si> bodies)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        sheets = sheets or [("Sheet1", "worksheets/sheet1.xml", sheet_rows_xml)]
        if workbook:
            z.writestr("xl/workbook.xml", f'<workbook {NS} {REL_NS}><sheets>' + "".join(
                f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                for i, (name, _, _) in enumerate(sheets)) + "</sheets></workbook>")
            links = "".join(
                f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/'
                f'officeDocument/2006/relationships/worksheet" Target="{target}"/>'
                for i, (_, target, _) in enumerate(sheets))
            links += ('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
                      'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
            z.writestr("xl/_rels/workbook.xml.rels",
                       '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                       f'relationships">{links}</Relationships>')
        for _, target, rows_xml in sheets:
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            z.writestr(path, f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                             f'<worksheet {NS}><sheetData>{rows_xml}</sheetData></worksheet>')
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", f'<sst {NS}>' +
                       "".join(f"<si>{s}</si>" for s in shared) + "</sst>")
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        for name, content in (extra or {}).items():
            z.writestr(name, content)
    return buf.getvalue()


def sheet_of(rows):
    """Sheet XML (inline strings) for a list of rows of text."""
    out = []
    for r, row in enumerate(rows, 1):
        cells = "".join(
            f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t xml:space="preserve">'
            f'{v.replace("&", "&amp;").replace("<", "&lt;")}</t></is></c>'
            for c, v in enumerate(row) if v)
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def kahoot_rows(*questions, title="Biology basics"):
    rows = [["", title], ["", "Add questions, at least two answer alternatives, time limit "
                             "and choose correct answers (at least one). Have fun creating "
                             "your awesome quiz!"], [], KAHOOT_HEADER]
    return rows + [list(q) for q in questions]


def to_csv(rows, delimiter=",", encoding="utf-8-sig"):
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    return buf.getvalue().encode(encoding)


def questions_of(result):
    pool, skipped = result
    return pool["questions"]


# xlsx reading ################################################################

def test_xlsx_shared_inline_numbers_rich_text_and_positions():
    shared = ["<t>Plain</t>",
              "<r><rPr><b/></rPr><t>Rich </t></r><r><t>text</t></r><rPh><t>PHONETIC</t></rPh>",
              "<t>line_x000D_break</t>"]
    rows = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>'
            '<row r="3"><c r="B3"><v>30.0</v></c><c r="C3" t="n"><v>1.5</v></c>'
            '<c r="D3" t="b"><v>1</v></c><c r="E3" t="inlineStr"><is><t>Inline</t></is></c></row>'
            '<row r="4"><c r="A4" t="inlineStr"><is><r><t>in</t></r><r><t>line rich</t></r></is></c>'
            '<c r="B4" t="str"><v>formula text</v></c><c r="C4" t="s"><v>2</v></c>'
            '<c r="D4" s="3"/><c r="E4"><v>1E-3</v></c></row>')
    assert read_xlsx_rows(make_xlsx(rows, shared)) == [
        ["Plain", "", "Rich text", "", ""],
        ["", "", "", "", ""],
        ["", "30", "1.5", "TRUE", "Inline"],
        ["inline rich", "formula text", "line\rbreak", "", "0.001"],
    ]


def test_xlsx_cells_without_references_follow_each_other():
    rows = '<row><c t="inlineStr"><is><t>a</t></is></c><c><v>2</v></c></row><row><c><v>3</v></c></row>'
    assert read_xlsx_rows(make_xlsx(rows)) == [["a", "2"], ["3", ""]]


def test_xlsx_first_sheet_found_through_workbook_links():
    first = '<row r="1"><c r="A1" t="inlineStr"><is><t>first</t></is></c></row>'
    second = '<row r="1"><c r="A1" t="inlineStr"><is><t>second</t></is></c></row>'
    data = make_xlsx(None, sheets=[("Quiz", "worksheets/quiz.xml", first),
                                   ("Other", "/xl/worksheets/sheet1.xml", second)])
    assert read_xlsx_rows(data) == [["first"]]


def test_xlsx_falls_back_to_sheet1_without_workbook():
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>only</t></is></c></row>'
    assert read_xlsx_rows(make_xlsx(rows, workbook=False)) == [["only"]]


def test_xlsx_kahoot_file_imports():
    rows = kahoot_rows(["1", "Powerhouse of the cell?", "Nucleus", "Mitochondrion", "", "", "30", "2"])
    pool, skipped = import_file("bio.xlsx", make_xlsx(sheet_of(rows)))
    assert pool["title"] == "Biology basics" and skipped == []
    assert pool["questions"] == [{"prompt": "Powerhouse of the cell?",
                                  "choices": ["Nucleus", "Mitochondrion"], "correct": "B",
                                  "time_limit": 30}]


def test_xlsx_numbers_as_kahoot_writes_them():
    shared = [f"<t>{h}</t>" for h in KAHOOT_HEADER[1:]] + ["<t>Q?</t>", "<t>a</t>", "<t>b</t>"]
    header = "".join(f'<c r="{chr(66 + i)}1" t="s"><v>{i}</v></c>' for i in range(7))
    row = ('<c r="A2"><v>1</v></c><c r="B2" t="s"><v>7</v></c><c r="C2" t="s"><v>8</v></c>'
           '<c r="D2" t="s"><v>9</v></c><c r="G2"><v>20</v></c><c r="H2"><v>2</v></c>')
    data = make_xlsx(f'<row r="1">{header}</row><row r="2">{row}</row>', shared)
    pool, _ = import_file("x.xlsx", data)
    assert pool["title"] == "x"
    assert pool["questions"] == [{"prompt": "Q?", "choices": ["a", "b"], "correct": "B",
                                  "time_limit": 20}]


# Hostile and broken files ####################################################

@pytest.fixture(scope="module")
def zip_bomb():
    """One member: 1 GB of zeros, a few MB compressed."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("xl/workbook.xml", f"<workbook {NS}/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = bytes(1 << 24)
            for _ in range(64):
                member.write(chunk)
    return buf.getvalue()


def test_zip_bomb_refused(zip_bomb):
    with pytest.raises(FormatError, match=r"(more|larger) than [\d.]+ [KM]B"):
        read_xlsx_rows(zip_bomb)
    with pytest.raises(FormatError, match="bomb.xlsx"):
        import_file("bomb.xlsx", zip_bomb)


def lying_zip(real_size=30 * 2**20, claimed=1000):
    """A member whose declared size is far below what it inflates to."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml",
                   b"<worksheet><sheetData>" + b" " * real_size + b"</sheetData></worksheet>")
    data = bytearray(buf.getvalue())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, claimed)
    struct.pack_into("<I", data, central + 24, claimed)
    return bytes(data)


def test_zip_with_lying_sizes_refused():
    with pytest.raises(FormatError):
        read_xlsx_rows(lying_zip())


def test_read_cap_holds_even_without_the_declared_size_check(monkeypatch):
    """zipfile trusts declared sizes; the reader's own cap must not depend on them."""
    monkeypatch.setattr(quizbox, "MAX_UNZIPPED_BYTES", 1000)
    monkeypatch.setattr(quizbox, "_open_zip", lambda data: zipfile.ZipFile(io.BytesIO(data)))
    with pytest.raises(FormatError, match="unpacks to more than"):
        read_xlsx_rows(make_xlsx(sheet_of([["x" * 3000]])))


def test_billion_laughs_refused():
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'
                        for i in range(1, 10))
              + f']><sst {NS}><si><t>&lol9;</t></si></sst>')
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    data = make_xlsx(rows, extra={"xl/sharedStrings.xml": laughs})
    with pytest.raises(FormatError, match="DOCTYPE"):
        read_xlsx_rows(data)


def test_entity_in_utf16_xml_refused():
    xml = f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><sst {NS}/>'
    data = make_xlsx("", extra={"xl/sharedStrings.xml": xml.encode("utf-16")})
    with pytest.raises(FormatError):
        read_xlsx_rows(data)


def test_50_mb_sheet_refused():
    row = '<row><c t="inlineStr"><is><t>' + "x" * 1000 + "</t></is></c></row>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", f"<worksheet {NS}><sheetData>"
                   + row * 50_000 + "</sheetData></worksheet>")
    with pytest.raises(FormatError, match=r"(more|larger) than [\d.]+ [KM]B"):
        read_xlsx_rows(buf.getvalue())


def test_50_mb_upload_refused():
    with pytest.raises(FormatError, match="larger than"):
        import_file("big.xlsx", b"PK\x03\x04" + bytes(50 * 2**20))
    with pytest.raises(FormatError, match="larger than"):
        import_file("big.gift", b"x" * (50 * 2**20))


def test_not_a_zip_refused():
    with pytest.raises(FormatError, match="not a zip"):
        import_file("quiz.xlsx", b"Question,Answer 1\n")
    with pytest.raises(FormatError, match="not a zip"):
        read_xlsx_rows(b"hello")


def test_old_xls_refused_with_advice():
    with pytest.raises(FormatError, match="save it as .xlsx"):
        import_file("quiz.xls", b"\xd0\xcf\x11\xe0" + bytes(100))


def test_truncated_zip_refused():
    data = make_xlsx(sheet_of(kahoot_rows(["1", "Q?", "a", "b", "", "", "", "1"])))
    for cut in (len(data) // 2, len(data) - 30, 40):
        with pytest.raises(FormatError):
            import_file("cut.xlsx", data[:cut])


def test_corrupt_member_refused():
    data = bytearray(make_xlsx(sheet_of([["a" * 500]])))
    middle = data.find(b"xl/worksheets/sheet1.xml") + 60
    data[middle:middle + 20] = bytes(20)    # inside the compressed sheet
    with pytest.raises(FormatError):
        read_xlsx_rows(bytes(data))


def test_zip_without_a_sheet_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office/>")
    with pytest.raises(FormatError, match="no worksheet"):
        import_file("quiz.ods", buf.getvalue())


def test_too_many_rows_columns_or_strings_refused():
    many_rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, 10_002))
    with pytest.raises(FormatError, match="rows"):
        read_xlsx_rows(make_xlsx(many_rows))
    with pytest.raises(FormatError, match="columns"):
        read_xlsx_rows(make_xlsx('<row r="1"><c r="AZ1"><v>1</v></c></row>'))
    with pytest.raises(FormatError, match="texts"):
        read_xlsx_rows(make_xlsx("", ["<t>x</t>"] * 100_001))


def test_empty_styled_cells_far_away_are_ignored():
    rows = ('<row r="1"><c r="A1"><v>1</v></c><c r="ZZ1" s="2"/></row>'
            '<row r="1048576" s="1"><c r="A1048576" s="3"/></row>')
    assert read_xlsx_rows(make_xlsx(rows)) == [["1"]]


def test_xml_surrogate_reference_refused():
    data = make_xlsx("", ["<t>&#xD800;</t>"])
    with pytest.raises(FormatError):
        read_xlsx_rows(data)


def test_missing_shared_string_refused():
    with pytest.raises(FormatError):
        read_xlsx_rows(make_xlsx('<row r="1"><c r="A1" t="s"><v>5</v></c></row>', ["<t>a</t>"]))


# CSV #########################################################################

ROWS = kahoot_rows(["1", "Café?", "Oui", "Non", "", "", "20", "1"],
                   ["2", 'Say "hi"\non two lines', "a;b", "c,d", "", "", "", "1, 2"])


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings_and_delimiters(delimiter, encoding):
    rows = read_csv_rows(to_csv(ROWS, delimiter, encoding))
    assert rows[4] == ["1", "Café?", "Oui", "Non", "", "", "20", "1"]
    assert rows[5][1] == 'Say "hi"\non two lines'
    pool, skipped = import_kahoot_rows(rows)
    assert skipped == []
    assert pool["questions"][1] == {"prompt": 'Say "hi"\non two lines',
                                    "choices": ["a;b", "c,d"], "correct": ["A", "B"]}


def test_csv_semicolon_with_commas_in_the_header():
    data = to_csv(ROWS, ";")
    assert data.count(b",") > 5     # the time limit header is full of commas
    assert questions_of(import_file("q.csv", data))[0]["prompt"] == "Café?"


def test_csv_excel_sep_line_and_unicode_text_export():
    data = b"sep=;\r\n" + to_csv(ROWS, ";", "utf-8")
    pool, _ = import_file("q.csv", data)
    assert pool["title"] == "Biology basics" and len(pool["questions"]) == 2
    # Excel's "Unicode Text": UTF-16 with a BOM, tab-separated, saved as .txt
    pool, _ = import_file("q.txt", to_csv(ROWS, "\t", "utf-16"))
    assert pool["questions"][0]["prompt"] == "Café?"


def test_csv_nul_bytes_refused():
    with pytest.raises(FormatError, match="NUL"):
        read_csv_rows(b"Question,Answer 1\x00\n")


def test_csv_huge_field_refused():
    with pytest.raises(FormatError):
        read_csv_rows(b'"' + b"x" * 200_000 + b'"\n')


def test_csv_too_many_rows_refused():
    with pytest.raises(FormatError, match="rows"):
        read_csv_rows(b"a,b\n" * 10_001)


# Kahoot rows #################################################################

def test_kahoot_correct_answers_in_every_spelling():
    rows = kahoot_rows(["1", "Q1", "a", "b", "c", "d", "20", "1,3"],
                       ["2", "Q2", "a", "b", "c", "d", "20", "1, 3"],
                       ["3", "Q3", "a", "b", "c", "d", "20", "1;3"],
                       ["4", "Q4", "a", "b", "c", "d", "20", "4"],
                       ["5", "Q5", "a", "b", "c", "d", "20", "3,1,3"])
    pool, skipped = import_kahoot_rows(rows)
    assert [q["correct"] for q in pool["questions"]] == [["A", "C"]] * 3 + ["D", ["A", "C"]]
    assert skipped == []


def test_kahoot_empty_answers_dropped_and_letters_follow():
    rows = kahoot_rows(["1", "Q", "", "two", "", "four", "", "2,4"])
    q = questions_of(import_kahoot_rows(rows))[0]
    assert q == {"prompt": "Q", "choices": ["two", "four"], "correct": ["A", "B"]}


def test_kahoot_without_number_column_and_title_from_stem():
    rows = [["Question - max 120 characters", "Answer 1", "Answer 2", "Answer 3", "Answer 4",
             "Time limit", "Correct answer(s)"],
            ["Q", "a", "b", "", "", "10", "2"]]
    pool, _ = import_kahoot_rows(rows, title="stem")
    assert pool == {"title": "stem", "time_limit_default": 20, "score_fn": "speed",
                    "questions": [{"prompt": "Q", "choices": ["a", "b"], "correct": "B",
                                   "time_limit": 10}]}


def test_kahoot_template_words_are_not_the_title():
    rows = kahoot_rows(["1", "Q", "a", "b", "", "", "", "1"], title="Quiz template")
    assert import_kahoot_rows(rows, title="bio")[0]["title"] == "bio"


def test_kahoot_blank_rows_skipped_silently_and_numbering_follows_the_file():
    rows = kahoot_rows(["1", "Q1", "a", "b", "", "", "", "1"],
                       [],
                       ["", "", "", "", "", "", "", ""],
                       ["2", "", "", "", "", "", "20", ""],     # the template's pre-filled rows
                       ["2", "Q2", "a", "", "", "", "", "1"],
                       ["3", "Q3", "a", "b", "", "", "", ""],
                       ["4", "Q4", "a", "b", "", "", "", "3"],
                       ["5", "Q5", "a", "b", "", "", "", "1"])
    pool, skipped = import_kahoot_rows(rows)
    assert [q["prompt"] for q in pool["questions"]] == ["Q1", "Q5"]
    assert [s["question"] for s in skipped] == [2, 3, 4]
    assert "at least 2 answers" in skipped[0]["why"]
    assert "no correct answer" in skipped[1]["why"]
    assert '"3" is not one of the filled answers (1, 2)' in skipped[2]["why"]


def test_kahoot_lengths_and_time_limits():
    rows = kahoot_rows(["1", "Q" * 301, "a", "b", "", "", "", "1"],
                       ["2", "Q", "a" * 151, "b", "", "", "", "1"],
                       ["3", "Q", "a", "b", "", "", "3", "1"],
                       ["4", "Q", "a", "b", "", "", "900", "1"],
                       ["5", "Q", "a", "b", "", "", "soon", "1"],
                       ["6", "Q", "a", "b", "", "", "30 sec", "1"],
                       ["6b", "Q", "a", "b", "", "", "9" * 400, "1"],
                       ["7", "Q" * 300, "a" * 150, "b", "", "", "", "1"])
    pool, skipped = import_kahoot_rows(rows)
    assert [s["question"] for s in skipped] == [1, 2, 5]
    assert "301 characters" in skipped[0]["why"] and "151 characters" in skipped[1]["why"]
    assert "time limit" in skipped[2]["why"]
    assert [q.get("time_limit") for q in pool["questions"]] == [5, 600, 30, 600, None]


def test_kahoot_without_header_refused():
    with pytest.raises(FormatError, match="not a Kahoot quiz sheet"):
        import_kahoot_rows([["a", "b"], ["c", "d"]])


def test_kahoot_nothing_importable_lists_reasons():
    rows = kahoot_rows(["1", "Q", "a", "", "", "", "", "1"])
    with pytest.raises(FormatError, match="question 1: it needs at least 2 answers"):
        import_file("q.csv", to_csv(rows))


# GIFT ########################################################################

MOODLE_EXAMPLES = r"""//  EXAMPLE QUESTIONS for the GIFT import filter
$CATEGORY: $course$/Grant

Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}

Grant is {~buried =entombed ~living} in Grant's tomb.

Grant is buried in Grant's tomb.{FALSE}

Who's buried in Grant's tomb?{=no one =nobody}

When was Ulysses S. Grant born?{#1822:5}

Match the following countries with their corresponding
capitals.{=Canada->Ottawa =Italy->Rome =Japan->Tokyo}

The American holiday of Thanksgiving is celebrated on the {
    ~second
    ~third
    =fourth
} Thursday of November.

Japanese characters originally came from what country? {
    ~India
    =China
    ~Korea
    ~Egypt}

Two plus two equals {=four =4}.

The sun rises in the east.{T}

Matching Question. {
    =subquestion1 -> subanswer1
    =subquestion2 -> subanswer2
    =subquestion3 -> subanswer3
    }

What is the value of pi (to 3 decimal places)? {#3.1415:0.0005}.

What is the value of pi (to 3 decimal places)? {#3.141..3.142}.

When was Ulysses S. Grant born? {#
    =1822:0
    =%50%1822:2}

// Subheading: Numerical questions below
What's 2 plus 2? {#4}

::Kanji Origins::Japanese characters originally
came from what country? {=China}

What's the answer to this multiple-choice question?{
~wrong answer#feedback comment on the wrong answer
~another wrong answer#feedback comment on this wrong answer
=right answer#Very good!}

[markdown]Who's buried in **Grant's tomb**?{
=no one#excellent answer!
=nobody#excellent answer!}

Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}

Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}

::Jesus' hometown::Jesus Christ was from {
    ~Jerusalem#This was an important city, but the wrong answer.
    ~%25%Bethlehem#He was born here, but not raised here.
    ~%50%Galilee#You need to be more specific.
    =Nazareth#Yes! That's right!}.

What two people are entombed in Grant's tomb? {
    ~No one
    ~%50%Grant
    ~%50%Grant's wife
    ~Grant's father }

Which answer equals 5? {
     ~ \= 2 + 2
     = \= 2 + 3
     ~ \= 2 + 4  }

::GIFT Control Characters::
Which of the following is NOT a control character for the GIFT import format? {
   ~ \~     # \~ is a control character.
   ~ \=     # \= is a control character.
   ~ \#     # \# is a control character.
   ~ \{     # \{ is a control character.
   ~ \}     # \} is a control character.
   = \\     # Correct! \\ (backslash) is not a control character. BUT,
              it is used to escape the control characters.
}

// essay
::Q8:: How are you? {}

::Q1:: 42 is the Absolute Answer to everything.{
FALSE#42 is the Ultimate Answer.#You gave the right answer.
####This is, of course, a Hitchiker's Guide to the Galaxy reference.}

Just a description, no question here.
"""


def test_moodle_documentation_examples():
    pool, skipped = import_gift(MOODLE_EXAMPLES, title="examples")
    q = pool["questions"]
    assert pool["title"] == "examples"
    assert q[0] == {"prompt": "Who's buried in Grant's tomb?",
                    "choices": ["Grant", "Jefferson", "no one"], "correct": "C"}
    assert q[1] == {"prompt": "Grant is _____ in Grant's tomb.",
                    "choices": ["buried", "entombed", "living"], "correct": "B"}
    assert q[2] == {"prompt": "Grant is buried in Grant's tomb.",
                    "choices": ["True", "False"], "correct": "B"}
    assert q[3] == {"prompt": "Who's buried in Grant's tomb?", "type": "text",
                    "accept": ["no one", "nobody"]}
    assert q[4] == {"prompt": "When was Ulysses S. Grant born?", "type": "number",
                    "min": 0, "max": 10000, "correct": 1822, "step": 1, "tolerance": 5}
    assert q[5]["prompt"] == "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November."
    assert q[5]["correct"] == "C"
    assert q[6]["choices"] == ["India", "China", "Korea", "Egypt"] and q[6]["correct"] == "B"
    assert q[7] == {"prompt": "Two plus two equals _____.", "type": "text", "accept": ["four", "4"]}
    assert q[8]["correct"] == "A"
    # pi, given with a tolerance or as a range, and the trailing dot is no missing word
    assert q[9] == q[10] == {"prompt": "What is the value of pi (to 3 decimal places)?",
                             "type": "number", "min": 0, "max": 10, "correct": 3.1415,
                             "step": 0.0001, "tolerance": 0.0005}
    assert (q[11]["correct"], q[11]["tolerance"]) == (1822, 0)          # the 100% answer
    assert q[12]["correct"] == 4
    assert q[13] == {"prompt": "Japanese characters originally came from what country?",
                     "type": "text", "accept": ["China"]}
    assert q[14]["explanation"] == "Very good!" and q[14]["correct"] == "C"
    assert q[15]["prompt"] == "Who's buried in Grant's tomb?"        # markdown stripped
    assert q[16]["explanation"] == "No one is buried in Grant's tomb."
    assert q[17]["correct"] == "C"                                   # the "=" answer
    assert q[18] == {"prompt": "Jesus Christ was from _____.",
                     "choices": ["Jerusalem", "Bethlehem", "Galilee", "Nazareth"],
                     "correct": "D", "explanation": "Yes! That's right!"}
    assert q[19] == {"prompt": "What two people are entombed in Grant's tomb?", "type": "multi",
                     "choices": ["No one", "Grant", "Grant's wife", "Grant's father"],
                     "correct": ["B", "C"]}
    assert q[20]["choices"] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"] and q[20]["correct"] == "B"
    assert q[21] == {"prompt": "42 is the Absolute Answer to everything.",
                     "choices": ["True", "False"], "correct": "B",
                     "explanation": "This is, of course, a Hitchiker's Guide to the Galaxy reference."}
    assert len(q) == 22
    # numbering as the teacher counts: comments and $CATEGORY are not questions
    assert [(s["question"], s["why"].split(" ")[3]) for s in skipped] == [
        (6, "matching"), (11, "matching"), (24, "choices;"), (25, "essay"), (27, "description")]


def test_gift_control_characters_example_skipped_for_six_choices():
    _, skipped = import_gift(MOODLE_EXAMPLES)
    assert skipped[2]["why"] == "it has 6 choices; quizbox takes 2 to 4"


def test_gift_missing_word_becomes_a_blank():
    q = questions_of(import_gift("Mahatma Gandhi's birthday is an {~Indian =Nepalese} holiday."))
    assert q == [{"prompt": "Mahatma Gandhi's birthday is an _____ holiday.",
                  "choices": ["Indian", "Nepalese"], "correct": "B"}]


def test_gift_escapes():
    text = r"Is a\{b\} \~ c\=d \#1 \: e\\f\nnext line? {=yes \= sure ~no\\ #why \#not}"
    q = questions_of(import_gift(text))[0]
    assert q["prompt"] == "Is a{b} ~ c=d #1 : e\\f\nnext line?"
    assert q["choices"] == ["yes = sure", "no\\"]
    assert "explanation" not in q       # the feedback belongs to a wrong answer


def test_gift_formats_html_plain_moodle():
    text = ("::T::[html]<p>Which is <b>bold</b>&nbsp;&amp; big?</p>{=[plain]<b> ~&lt;i&gt;"
            " ####[html]Tags <em>are</em> markup.}\n\n"
            "[plain]Is <b> a tag?{T}\n\n"
            "[moodle]Plain <i>moodle</i> & more{TRUE}\n\n"
            "Unmarked text: is 2<3 and a<b, b>c?{T}")
    q = questions_of(import_gift(text))
    assert q[0] == {"prompt": "Which is bold & big?", "choices": ["<b>", "<i>"],
                    "correct": "A", "explanation": "Tags are markup."}
    assert q[1]["prompt"] == "Is <b> a tag?"
    assert q[2]["prompt"] == "Plain moodle & more"
    assert q[3]["prompt"] == "Unmarked text: is 2<3 and a<b, b>c?"


def test_gift_multiple_right_answers():
    q = questions_of(import_gift(
        "Pick the primes {~%50%2 ~%50%3 ~%-100%4}\n\n"
        "Only one {=a ~%50%b ~c}\n\n"
        "Either {=a =b ~c}\n\n"
        "Weighted one {~%100%a ~b}"))
    assert q[0] == {"prompt": "Pick the primes", "type": "multi",
                    "choices": ["2", "3", "4"], "correct": ["A", "B"]}
    assert q[1]["correct"] == "A"
    assert "type" not in q[1]
    assert q[2] == {"prompt": "Either", "choices": ["a", "b", "c"], "correct": ["A", "B"]}
    assert q[3] == {"prompt": "Weighted one", "type": "multi", "choices": ["a", "b"],
                    "correct": ["A"]}


@pytest.mark.parametrize("mark, correct", [("T", "A"), ("TRUE", "A"), ("F", "B"),
                                           ("FALSE", "B"), ("true", "A")])
def test_gift_true_false(mark, correct):
    q = questions_of(import_gift(f"Water is wet.{{{mark}}}"))[0]
    assert q == {"prompt": "Water is wet.", "choices": ["True", "False"], "correct": correct}


def test_gift_short_answer():
    q = questions_of(import_gift("Capital of France? {=Paris =paris =%50%Lyon =%0%*#no}"))[0]
    assert q == {"prompt": "Capital of France?", "type": "text", "accept": ["Paris", "paris"]}
    q = questions_of(import_gift("Capital of France? {Paris}"))[0]
    assert q["accept"] == ["Paris"]


def test_gift_numerical_forms():
    q = questions_of(import_gift(
        "A {#1.5:0.1}\n\nB {#1..2}\n\nC {#=1.5:0.1 =%50%1.5:0.5}\n\nD {#-3..-1}\n\n"
        "E {#=%50%7:1 =8:0#right ~#Completely wrong}\n\nF {#2.5 =%0%*#no}"))
    got = [(x["correct"], x["tolerance"], x["min"], x["max"], x["step"]) for x in q]
    assert got == [(1.5, 0.1, 0, 10, 0.1), (1.5, 0.5, 0, 10, 0.1), (1.5, 0.1, 0, 10, 0.1),
                   (-2, 1, -10, 10, 1), (8, 0, 0, 10, 1), (2.5, 0, 0, 10, 0.1)]
    assert q[4]["explanation"] == "right"


def test_gift_general_feedback_preferred():
    q = questions_of(import_gift("Q {=a#fine ~b ####General.}\n\nR {=a#fine ~b}"))
    assert [x["explanation"] for x in q] == ["General.", "fine"]


def test_gift_skips_with_reasons():
    text = ("Essay {}\n\nDescription only\n\nMatch {=a -> 1 =b -> 2}\n\n"
            "Five {=a ~b ~c ~d ~e}\n\nNo right {~a ~b}\n\nBroken {=a ~b\n\n"
            "Two blocks {=a ~b} and {=c ~d}\n\nNumber {#abc}\n\n"
            + "Long " + "x" * 300 + " {=a ~b}\n\nFine {=a ~b}")
    pool, skipped = import_gift(text)
    assert [q["prompt"] for q in pool["questions"]] == ["Fine"]
    reasons = [s["why"] for s in skipped]
    assert [s["question"] for s in skipped] == list(range(1, 10))
    for reason, words in zip(reasons, ["essay", "description", "matching", "5 choices",
                                       "marked right", "braces", "more than one answer block",
                                       "not a number", "305 characters"]):
        assert words in reason


def test_gift_too_many_accepted_answers_or_too_long():
    text = "Q {" + " ".join(f"=a{i}" for i in range(11)) + "}\n\nR {=" + "x" * 41 + "}"
    with pytest.raises(FormatError, match="11 accepted answers.*41 characters"):
        import_gift(text)


def test_gift_nothing_importable():
    with pytest.raises(FormatError, match="question 1: it is an essay"):
        import_file("q.gift", b"Essay {}")
    with pytest.raises(FormatError, match="No questions"):
        import_file("q.gift", b"// only a comment\n")


def test_gift_windows_line_ends_and_bom():
    data = codecs.BOM_UTF8 + "Q1 {=a ~b}\r\n\r\n\u00bfQ2? {T}\r\n".encode()
    assert [q["prompt"] for q in questions_of(import_file("q.gift", data))] == ["Q1", "¿Q2?"]


def test_gift_bad_text_refused():
    with pytest.raises(FormatError, match="not UTF-8"):
        import_file("q.gift", "Caf\u00e9 {T}".encode("cp1252"))
    with pytest.raises(FormatError, match="NUL"):
        import_file("q.gift", b"Q {T}\x00")
    with pytest.raises(FormatError, match="not valid Unicode"):
        import_gift("Q\ud800 {T}")
    with pytest.raises(FormatError, match="NUL"):
        import_gift("Q\x00 {T}")


def test_gift_hostile_meta_comment_ignored():
    text = "// quizbox: " + "[" * 500 + "]" * 500 + "\nQ {=a ~b}\n\n" \
           '// quizbox: {"time_limit": true, "min": "x", "title": 5}\nR {=a ~b}'
    assert questions_of(import_gift(text)) == [
        {"prompt": "Q", "choices": ["a", "b"], "correct": "A"},
        {"prompt": "R", "choices": ["a", "b"], "correct": "A"}]


# Aiken #######################################################################

AIKEN = """What is the correct answer to this question?
A. Is it this one?
B. Maybe this answer?
C. Possibly this one?
D. Must be this one!
ANSWER: D

Which LMS has the most quiz import formats?
It spans two lines.
A) Moodle
B) ATutor
ANSWER: A

Too many?
A) 1
B) 2
C) 3
D) 4
E) 5
ANSWER: A
Wrong letter?
A) x
B) y
ANSWER: C
No answer line?
A) x
B) y
Last one
A. yes
B. no
answer: b.
"""


def test_aiken():
    pool, skipped = import_aiken(AIKEN, title="lms")
    assert pool["title"] == "lms"
    assert pool["questions"] == [
        {"prompt": "What is the correct answer to this question?",
         "choices": ["Is it this one?", "Maybe this answer?", "Possibly this one?",
                     "Must be this one!"], "correct": "D"},
        {"prompt": "Which LMS has the most quiz import formats?\nIt spans two lines.",
         "choices": ["Moodle", "ATutor"], "correct": "A"},
        {"prompt": "Last one", "choices": ["yes", "no"], "correct": "B"}]
    assert [(s["question"], s["why"]) for s in skipped] == [
        (3, "it has 5 choices; quizbox takes 2 to 4"),
        (4, 'its answer "C" is not one of its options A, B'),
        (5, 'it has no "ANSWER:" line after its options')]


# Telling formats apart #######################################################

def test_import_file_detects_by_content_and_extension():
    gift = "Q {=a ~b}".encode()
    aiken = "Is \\frac{1}{2} a half?\nA) yes\nB) no\nANSWER: A\n".encode()
    assert import_file("q.gift", gift)[0]["questions"][0]["prompt"] == "Q"
    assert import_file("q.txt", gift)[0]["title"] == "q"
    assert import_file("dir/sub/q.txt", aiken)[0]["questions"][0]["choices"] == ["yes", "no"]
    assert import_file("C:\\Users\\t\\my quiz.TXT", aiken)[0]["title"] == "my quiz"
    assert import_file("noext", gift)[0]["title"] == "noext"
    with pytest.raises(FormatError, match=r"notes\.txt: It is not a Kahoot spreadsheet "
                                          r"\(.xlsx or .csv\), a GIFT file or an Aiken file"):
        import_file("notes.txt", b"just some notes\n")
    for name in ("pool.json", "quiz.docx.pdf"):
        with pytest.raises(FormatError, match="is not a Kahoot"):
            import_file(name, b'{"title": "x"} Q {=a ~b}')


# GIFT export #################################################################

POOL = {"title": "Round trip: {all} types", "time_limit_default": 30, "score_fn": "flat",
        "questions": [
            {"prompt": "Powerhouse of the cell?", "choices": ["Nucleus", "Mitochondrion"],
             "correct": "B", "explanation": "It makes ATP.", "time_limit": 45},
            {"prompt": "Either = fine: {a} ~ b # c \\ d", "choices": ["a=1", "b~2", "c#3", "d{}:4"],
             "correct": ["A", "C"]},
            {"prompt": "Which are <b>tags</b> & entities?", "type": "multi",
             "choices": ["<b>", "&amp;", "plain", "%50% off"], "correct": ["A", "B", "D"]},
            {"prompt": "[html] is a format marker; line\nbreak", "type": "text",
             "accept": ["Paris", "[x]", "%1%", "a\\b"], "explanation": "[plain] too"},
            {"prompt": "// not a comment", "type": "number", "min": -100, "max": 100,
             "correct": -2.5, "step": 0.5, "tolerance": 0.25},
            {"prompt": "Year?", "type": "number", "min": 1000, "max": 3000, "correct": 1822,
             "step": 1, "tolerance": 0},
            {"prompt": "Favourite colour?", "choices": ["Red", "Blue"], "correct": None},
            {"prompt": "Order these", "type": "order", "choices": ["1", "2", "3"]},
            {"prompt": "True or false: quizbox is one file.", "choices": ["True", "False"],
             "correct": "A"},
            {"prompt": "¿Qué letra sigue a la S? 🙂", "type": "text", "accept": ["T", "t"],
             "time_limit": 10},
            {"prompt": "Arrows?", "choices": ["a -> b", "c->d"], "correct": "B"},
        ]}


def test_round_trip_pool_gift_pool():
    text = pool_to_gift(POOL)
    pool, skipped = import_gift(text, title="ignored")
    assert skipped == []
    expected = [q for q in POOL["questions"] if q.get("type") != "order"
                and not ("correct" in q and q["correct"] is None)]
    assert pool == {**POOL, "questions": expected}


def test_export_marks_what_gift_cannot_hold():
    text = pool_to_gift(POOL)
    assert "// Question 7 is a poll: not exportable" in text
    assert "// Question 8 is of type order: not exportable" in text
    assert "~%33.33333%<b>" in text and "~%-33.33333%plain" in text
    assert "[plain]Which are <b>tags</b>" in text


def test_round_trip_of_imported_gift_is_stable():
    pool, _ = import_gift(MOODLE_EXAMPLES, title="examples")
    again, skipped = import_gift(pool_to_gift(pool))
    assert skipped == [] and again == pool


def test_round_trip_of_kahoot_import():
    rows = kahoot_rows(["1", "Q1", "a", "", "c", "d", "20", "1,3"],
                       ["2", "Q2", "yes", "no", "", "", "", "2"])
    pool, _ = import_kahoot_rows(rows)
    assert import_gift(pool_to_gift(pool))[0] == pool


# LibreOffice-written files ###################################################

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is not installed")

LO_ROWS = kahoot_rows(
    ["1", "Powerhouse of the cell?", "Nucleus", "Mitochondrion", "Ribosome", "Golgi", "30", "2"],
    ["2", "Which are organelles?", "Nucleus", "Mitochondrion", "", "Cytoplasm", "20", "1,2"],
    ["3", 'Café, naïve; "quoted"\ntwo lines', "Yes", "No", "", "", "60", "1"],
    ["4", "Number-like answers", "1.50", "2", "1E3", "007", "240", "4"],
    ["5", "Only one answer", "Alone", "", "", "", "", "1"],
    ["6", "Bad correct", "a", "b", "", "", "", "3"],
    title="LibreOffice quiz")

LO_EXPECTED = [
    {"prompt": "Powerhouse of the cell?", "choices": ["Nucleus", "Mitochondrion", "Ribosome", "Golgi"],
     "correct": "B", "time_limit": 30},
    {"prompt": "Which are organelles?", "choices": ["Nucleus", "Mitochondrion", "Cytoplasm"],
     "correct": ["A", "B"], "time_limit": 20},
    {"prompt": 'Café, naïve; "quoted"\ntwo lines', "choices": ["Yes", "No"], "correct": "A",
     "time_limit": 60},
]


def soffice(tmp_path, *args):
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", *args],
                   check=True, capture_output=True, timeout=180)


@pytest.fixture(scope="module")
def lo_files(tmp_path_factory):
    """The Kahoot layout written by LibreOffice: .xlsx, and .csv saved back from it."""
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed")
    tmp = tmp_path_factory.mktemp("lo")
    (tmp / "quiz.csv").write_bytes(to_csv(LO_ROWS, ",", "utf-8"))
    # 44 = comma, 34 = quote, 76 = UTF-8, 1 = from the first line
    soffice(tmp, "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx",
            "--outdir", str(tmp / "xlsx"), str(tmp / "quiz.csv"))
    for name, options in (("comma", "44,34,76,1"), ("semicolon", "59,34,76,1")):
        soffice(tmp, "--convert-to", f"csv:Text - txt - csv (StarCalc):{options}",
                "--outdir", str(tmp / name), str(tmp / "xlsx" / "quiz.xlsx"))
    return tmp


@needs_soffice
def test_libreoffice_xlsx(lo_files):
    data = (lo_files / "xlsx" / "quiz.xlsx").read_bytes()
    assert data.startswith(b"PK\x03\x04")
    rows = read_xlsx_rows(data)
    assert rows[4][:8] == LO_ROWS[4]
    pool, skipped = import_file("quiz.xlsx", data)
    assert pool["title"] == "LibreOffice quiz"
    assert pool["questions"][:3] == LO_EXPECTED
    # Calc turns "1.50" and "1E3" into numbers; quizbox shows them as Calc does by default
    assert pool["questions"][3]["choices"][1] == "2"
    assert [s["question"] for s in skipped] == [5, 6]


@needs_soffice
@pytest.mark.parametrize("folder", ["comma", "semicolon"])
def test_libreoffice_csv_round_trip(lo_files, folder):
    data = (lo_files / folder / "quiz.csv").read_bytes()
    xlsx_pool = import_file("quiz.xlsx", (lo_files / "xlsx" / "quiz.xlsx").read_bytes())
    csv_pool = import_file("quiz.csv", data)
    assert csv_pool[0]["questions"][:3] == LO_EXPECTED
    assert csv_pool[0]["title"] == "LibreOffice quiz"
    assert [s["question"] for s in csv_pool[1]] == [5, 6]
    assert csv_pool[0]["questions"][3]["choices"][1] == xlsx_pool[0]["questions"][3]["choices"][1]


@needs_soffice
def test_libreoffice_reads_our_built_xlsx_the_same(tmp_path):
    """LibreOffice re-saves a workbook we built: both read the same rows."""
    rows = kahoot_rows(["1", "Q & <A>?", "a", "b", "", "", "20", "1"])
    src = tmp_path / "ours.xlsx"
    src.write_bytes(make_xlsx(sheet_of(rows)))
    soffice(tmp_path, "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"), str(src))
    resaved = (tmp_path / "out" / "ours.xlsx").read_bytes()
    assert import_file("a.xlsx", resaved)[0]["questions"] == \
        import_file("b.xlsx", src.read_bytes())[0]["questions"]
