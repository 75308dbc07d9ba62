"""Pool validation: quizbox.parse_pool / read_pool, and the CLI that uses them
(`quizbox.py check FILE...`, and `serve` refusing an invalid pool).

Every problem must come out as `FILE: FIELD-PATH: PROBLEM`, e.g.
`pools/bio.json: questions[3].correct: "E" is not one of A, B, C, D`.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
import quizbox  # noqa: E402
from conftest import sample_pool  # noqa: E402

QUIZBOX = REPO_ROOT / "quizbox.py"
EXAMPLE_POOLS = sorted((REPO_ROOT / "pools").glob("*.json"))
FILE = "pools/bio.json"
SID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def valid_doc(**overrides):
    """The harness's sample pool and a fourth question, four choices, default time."""
    doc = sample_pool()
    doc["questions"][0]["explanation"] = "ATP."
    doc["questions"].append({"prompt": "Smallest unit of life?",
                             "choices": ["Atom", "Cell", "Organ", "Tissue"], "correct": "B"})
    doc.update(overrides)
    return doc


def with_question(i, **changes):
    """valid_doc() with question i changed; a value of ... deletes the field."""
    doc = valid_doc()
    question = doc["questions"][i]
    for key, value in changes.items():
        if value is ...:
            question.pop(key, None)
        else:
            question[key] = value
    return doc


def without(key):
    doc = valid_doc()
    del doc[key]
    return doc


def problems(doc, file=FILE):
    """The list of PoolError for an invalid document (fails if it is valid)."""
    with pytest.raises(quizbox.PoolInvalid) as info:
        quizbox.parse_pool(doc, file)
    errors = info.value.errors
    assert errors, "PoolInvalid with no errors"
    # the exception's text is every message, one a line
    assert str(info.value).splitlines() == [str(e) for e in errors]
    return errors


def messages(doc, file=FILE):
    return [str(e) for e in problems(doc, file)]


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZ")}
    env.update(extra)
    return env


def run_quizbox(*args, cwd=REPO_ROOT, timeout=20, **env):
    return subprocess.run([sys.executable, str(QUIZBOX), *map(str, args)], cwd=cwd,
                          env=clean_env(**env), capture_output=True, text=True,
                          timeout=timeout)


# The valid pool ##############################################################

def test_a_valid_pool_parses():
    pool = quizbox.parse_pool(valid_doc(), FILE)
    assert pool.title == "Cell biology"
    assert pool.session_id == "bio101"
    assert pool.time_limit_default == 20
    assert pool.score_fn == "speed"
    assert pool.streak_bonus is False
    assert len(pool.questions) == 4
    q0, q1, q2, _ = pool.questions
    assert (q0.choices, q0.correct, q0.letters, q0.time_limit, q0.explanation) == \
        (("Nucleus", "Mitochondrion", "Ribosome", "Golgi"), "B", "ABCD", 20, "ATP.")
    assert (q1.letters, q1.time_limit) == ("ABC", 30)
    assert q2.is_poll and q2.correct is None and q2.letters == "AB"
    assert pool.source == FILE


def test_defaults_when_optional_fields_are_absent():
    doc = {"title": "T", "questions": [{"prompt": "p", "choices": ["a", "b"], "correct": "A"}]}
    pool = quizbox.parse_pool(doc, "x/quiz.json")
    assert (pool.time_limit_default, pool.score_fn, pool.streak_bonus) == (20, "speed", False)
    assert pool.questions[0].time_limit == 20
    assert pool.questions[0].explanation == ""


@pytest.mark.parametrize("field, value", [
    ("time_limit_default", 5), ("time_limit_default", 600), ("score_fn", "flat"),
    ("streak_bonus", True), ("streak_bonus", False),
])
def test_boundary_values_are_accepted(field, value):
    pool = quizbox.parse_pool(valid_doc(**{field: value}), FILE)
    assert getattr(pool, field) == value


@pytest.mark.parametrize("limit", [5, 600])
def test_question_time_limit_bounds_are_accepted(limit):
    pool = quizbox.parse_pool(with_question(0, time_limit=limit), FILE)
    assert pool.questions[0].time_limit == limit


def test_the_default_time_limit_applies_to_questions_without_one():
    pool = quizbox.parse_pool(valid_doc(time_limit_default=45), FILE)
    assert [q.time_limit for q in pool.questions] == [45, 30, 45, 45]


def test_text_fields_are_trimmed():
    doc = valid_doc(title="  Cell biology \n")
    doc["questions"][0]["choices"][0] = "  Nucleus "
    pool = quizbox.parse_pool(doc, FILE)
    assert pool.title == "Cell biology"
    assert pool.questions[0].choices[0] == "Nucleus"


# Every way a pool can be wrong ###############################################

@pytest.mark.parametrize("doc, path, fragment", [
    (without("title"), "title", "missing"),
    (valid_doc(title=""), "title", "non-empty"),
    (valid_doc(title="   "), "title", "non-empty"),
    (valid_doc(title=7), "title", "non-empty"),
    (valid_doc(title=None), "title", "non-empty"),
    (without("questions"), "questions", "missing"),
    (valid_doc(questions=[]), "questions", "non-empty list"),
    (valid_doc(questions={}), "questions", "non-empty list"),
    (valid_doc(questions="q1"), "questions", "non-empty list"),
    (with_question(0, choices=["Only"]), "questions[0].choices", "2 to 4 choices, has 1"),
    (with_question(0, choices=["a", "b", "c", "d", "e"]), "questions[0].choices",
     "2 to 4 choices, has 5"),
    (with_question(0, choices=[]), "questions[0].choices", "has 0"),
    (with_question(0, choices="a, b"), "questions[0].choices", "not a list"),
    (with_question(0, choices=...), "questions[0].choices", "missing"),
    (with_question(1, choices=["a", "", "c"]), "questions[1].choices[1]", "non-empty"),
    (with_question(1, choices=["a", 2, "c"]), "questions[1].choices[1]", "non-empty"),
    (with_question(2, correct="C"), "questions[2].correct", '"C" is not one of A, B'),
    (with_question(1, correct="D"), "questions[1].correct", '"D" is not one of A, B, C'),
    (with_question(0, correct="b"), "questions[0].correct", '"b" is not one of A, B, C, D'),
    (with_question(0, correct=1), "questions[0].correct", "1 is not one of A, B, C, D"),
    (with_question(0, correct=""), "questions[0].correct", '"" is not one of A, B, C, D'),
    (with_question(0, correct="AB"), "questions[0].correct", '"AB" is not one of A, B, C, D'),
    (with_question(0, correct=...), "questions[0].correct", "missing"),
    (with_question(0, prompt=...), "questions[0].prompt", "missing"),
    (with_question(0, prompt="  "), "questions[0].prompt", "non-empty"),
    (with_question(0, explanation=5), "questions[0].explanation", "string"),
    (with_question(0, time_limit=4), "questions[0].time_limit",
     "4 must be a whole number of seconds from 5 to 600"),
    (with_question(0, time_limit=601), "questions[0].time_limit", "601 must be"),
    (with_question(0, time_limit="20"), "questions[0].time_limit", '"20" must be'),
    (with_question(0, time_limit=20.5), "questions[0].time_limit", "20.5 must be"),
    (with_question(0, time_limit=True), "questions[0].time_limit", "true must be"),
    (valid_doc(time_limit_default=4), "time_limit_default",
     "4 must be a whole number of seconds from 5 to 600"),
    (valid_doc(time_limit_default=601), "time_limit_default", "601 must be"),
    (valid_doc(time_limit_default="20"), "time_limit_default", '"20" must be'),
    (valid_doc(score_fn="fast"), "score_fn", '"fast" is not one of speed, flat'),
    (valid_doc(score_fn="Speed"), "score_fn", '"Speed" is not one of'),
    (valid_doc(score_fn=None), "score_fn", "null is not one of"),
    (valid_doc(streak_bonus="yes"), "streak_bonus", "true or false"),
    (valid_doc(streak_bonus=1), "streak_bonus", "true or false"),
    (valid_doc(streak_bonus=None), "streak_bonus", "true or false"),
    (valid_doc(colour="blue"), "colour", "unknown field"),
    (valid_doc(time_limit=30), "time_limit", "unknown field"),
    (with_question(3, hint="think"), "questions[3].hint", "unknown field"),
    (valid_doc(questions=[{"prompt": "p", "choices": ["a", "b"], "correct": "A"}, "oops"]),
     "questions[1]", "must be an object"),
    (valid_doc(session_id="bio 101"), "session_id", "letters, digits"),
    (valid_doc(session_id=""), "session_id", "letters, digits"),
    (valid_doc(session_id="x" * 65), "session_id", "letters, digits"),
    (valid_doc(session_id=101), "session_id", "letters, digits"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_each_problem_names_file_path_and_problem(doc, path, fragment):
    errors = problems(doc)
    assert len(errors) == 1, [str(e) for e in errors]
    error = errors[0]
    assert (error.file, error.path) == (FILE, path)
    assert fragment in error.message
    assert str(error) == f"{FILE}: {path}: {error.message}"


def test_the_contract_example_message_exactly():
    assert messages(with_question(3, correct="E")) == \
        ['pools/bio.json: questions[3].correct: "E" is not one of A, B, C, D']


def test_time_limit_messages_exactly():
    assert messages(valid_doc(time_limit_default=4)) == \
        ["pools/bio.json: time_limit_default: 4 must be a whole number of seconds from 5 to 600"]
    assert messages(with_question(1, time_limit="20")) == \
        ['pools/bio.json: questions[1].time_limit: "20" must be a whole number of seconds '
         'from 5 to 600']


def test_unknown_field_message_lists_the_known_ones():
    [message] = messages(valid_doc(colour="blue"))
    assert message.startswith("pools/bio.json: colour: unknown field")
    for known in ("title", "session_id", "time_limit_default", "score_fn", "streak_bonus",
                  "questions"):
        assert known in message


def test_a_top_level_array_is_refused():
    [error] = problems([valid_doc()])
    assert error.file == FILE
    assert "JSON object" in error.message
    assert str(error).startswith(FILE + ": ")


@pytest.mark.parametrize("data", ["pool", 3, None])
def test_other_top_level_values_are_refused(data):
    [error] = problems(data)
    assert "JSON object" in error.message


def test_several_problems_in_one_file_are_all_reported():
    doc = valid_doc(score_fn="fast", streak_bonus="yes", colour="blue")
    del doc["title"]
    doc["questions"][0]["choices"] = ["only one"]
    doc["questions"][1]["time_limit"] = 601
    doc["questions"][3]["correct"] = "E"
    found = {(e.path, e.message.split(" ")[0]) for e in problems(doc)}
    paths = sorted(path for path, _ in found)
    assert paths == sorted(["title", "score_fn", "streak_bonus", "colour",
                            "questions[0].choices", "questions[1].time_limit",
                            "questions[3].correct"])


def test_problems_in_several_questions_are_all_reported():
    doc = valid_doc()
    for question in doc["questions"]:
        question["correct"] = "Z"
    assert [e.path for e in problems(doc)] == [f"questions[{i}].correct" for i in range(4)]


def test_a_bad_default_time_limit_does_not_hide_question_problems():
    doc = valid_doc(time_limit_default=3)
    doc["questions"][2]["prompt"] = ""
    assert {e.path for e in problems(doc)} == {"time_limit_default", "questions[2].prompt"}


# Reading files ###############################################################

def write(tmp_path, name, content):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content, indent=2), encoding="utf-8")
    return path


def read_problems(path):
    with pytest.raises(quizbox.PoolInvalid) as info:
        quizbox.read_pool(path)
    return info.value.errors


def test_read_pool_reads_a_valid_file(tmp_path):
    path = write(tmp_path, "bio.json", valid_doc())
    pool = quizbox.read_pool(path)
    assert pool.title == "Cell biology" and pool.source == str(path)


def test_read_pool_accepts_a_utf8_byte_order_mark(tmp_path):
    path = write(tmp_path, "bom.json", b"\xef\xbb\xbf" + json.dumps(valid_doc()).encode())
    assert quizbox.read_pool(path).title == "Cell biology"


def test_not_json_gives_line_and_column(tmp_path):
    path = write(tmp_path, "broken.json", '{\n  "title": "x",\n  "questions": [\n}\n')
    [error] = read_problems(path)
    assert error.file == str(path)
    assert str(error).startswith(f"{path}: line 4 column 1: ")
    assert "not valid JSON" in error.message


def test_trailing_comma_is_reported_where_it_is(tmp_path):
    text = json.dumps(valid_doc(), indent=2).splitlines()
    text[2] += ","          # after "session_id": ..., a second comma
    path = write(tmp_path, "comma.json", "\n".join(text))
    [error] = read_problems(path)
    assert re.match(rf"{re.escape(str(path))}: line \d+ column \d+: not valid JSON", str(error))


def test_empty_file_is_not_json(tmp_path):
    [error] = read_problems(write(tmp_path, "empty.json", ""))
    assert "line 1 column 1" in str(error)


def test_top_level_array_file(tmp_path):
    path = write(tmp_path, "list.json", [valid_doc()])
    [error] = read_problems(path)
    assert str(error).startswith(f"{path}: ") and "JSON object" in str(error)


def test_non_utf8_file(tmp_path):
    doc = json.dumps(valid_doc(title="Café"), ensure_ascii=False).encode("latin-1")
    path = write(tmp_path, "latin1.json", doc)
    [error] = read_problems(path)
    assert str(error) == f"{path}: is not UTF-8 text"


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.json"
    [error] = read_problems(path)
    assert str(error).startswith(f"{path}: cannot be read")
    assert "No such file" in str(error)


def test_a_folder_is_not_a_pool(tmp_path):
    [error] = read_problems(tmp_path)
    assert str(error).startswith(f"{tmp_path}: cannot be read")


def test_read_pool_names_the_path_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "pools/bio.json", with_question(3, correct="E"))
    errors = read_problems("pools/bio.json")
    assert [str(e) for e in errors] == \
        ['pools/bio.json: questions[3].correct: "E" is not one of A, B, C, D']


# Session id ##################################################################

def no_sid(**overrides):
    doc = valid_doc(**overrides)
    del doc["session_id"]
    return doc


def test_session_id_from_the_pool_beats_the_fallback():
    pool = quizbox.parse_pool(valid_doc(), "x/other.json", fallback_session_id="env-sid")
    assert pool.session_id == "bio101"


def test_session_id_falls_back_to_the_given_one():
    pool = quizbox.parse_pool(no_sid(), "x/other.json", fallback_session_id="env-sid")
    assert pool.session_id == "env-sid"


def test_session_id_falls_back_to_the_file_stem():
    assert quizbox.parse_pool(no_sid(), "x/bio-2024.json").session_id == "bio-2024"
    assert quizbox.parse_pool(no_sid(), "x/bio-2024.json", None).session_id == "bio-2024"


def test_read_pool_passes_the_fallback_on(tmp_path):
    path = write(tmp_path, "stem.json", no_sid())
    assert quizbox.read_pool(path).session_id == "stem"
    assert quizbox.read_pool(path, "env-sid").session_id == "env-sid"


@pytest.mark.parametrize("stem", ["My Quiz (v2)", "étude", "...", "a/b", "x" * 100, "c++"])
def test_a_file_stem_becomes_a_usable_session_id(stem):
    pool = quizbox.parse_pool(no_sid(), f"pools/{stem}.json")
    assert SID_RE.fullmatch(pool.session_id), pool.session_id


def test_quiz_session_id_environment_and_flag():
    assert quizbox.build_config({}, environ={}).session_id is None
    assert quizbox.build_config({}, environ={"QUIZ_SESSION_ID": "env-sid"}).session_id == "env-sid"
    assert quizbox.build_config({"session_id": "flag-sid"},
                                environ={"QUIZ_SESSION_ID": "env-sid"}).session_id == "flag-sid"


@pytest.mark.parametrize("fallback", ["c++", "Bio 101", "a&b", "x#y"])
def test_a_fallback_session_id_is_checked_like_the_pools_own(tmp_path, fallback):
    """Either refused (SystemExit / PoolInvalid) or turned into a valid id."""
    path = write(tmp_path, "stem.json", no_sid())
    try:
        config = quizbox.build_config({"session_id": fallback}, environ={})
        pool = quizbox.read_pool(path, config.session_id)
    except (SystemExit, quizbox.PoolInvalid):
        return
    assert SID_RE.fullmatch(pool.session_id), pool.session_id


# The CLI #####################################################################

def test_check_accepts_the_example_pools():
    assert EXAMPLE_POOLS, "no example pools in pools/"
    result = run_quizbox("check", *[p.relative_to(REPO_ROOT) for p in EXAMPLE_POOLS])
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(EXAMPLE_POOLS)
    for pool, line in zip(EXAMPLE_POOLS, lines):
        assert line.startswith(f"pools/{pool.name}: ok")


def test_check_prints_the_contract_message_and_exits_1(tmp_path):
    write(tmp_path, "pools/bio.json", with_question(3, correct="E"))
    result = run_quizbox("check", "pools/bio.json", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == \
        ['pools/bio.json: questions[3].correct: "E" is not one of A, B, C, D']


def test_check_prints_every_problem(tmp_path):
    doc = valid_doc(score_fn="fast", time_limit_default=4)
    del doc["title"]
    doc["questions"][0]["choices"] = ["a", "b", "c", "d", "e"]
    write(tmp_path, "pools/bio.json", doc)
    result = run_quizbox("check", "pools/bio.json", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert sorted(line.split(": ")[1] for line in lines) == \
        sorted(["title", "score_fn", "time_limit_default", "questions[0].choices"])
    assert all(line.startswith("pools/bio.json: ") for line in lines)


def test_check_of_several_files_reports_each_and_fails_if_any_is_bad(tmp_path):
    write(tmp_path, "good.json", valid_doc())
    write(tmp_path, "bad.json", b"\xff\xfe{}")
    write(tmp_path, "notjson.json", "{ title: 1 }")
    result = run_quizbox("check", "good.json", "bad.json", "missing.json", "notjson.json",
                         cwd=tmp_path)
    assert result.returncode == 1
    out = result.stdout
    assert 'good.json: ok: "Cell biology", 4 questions, session bio101' in out
    assert "bad.json: is not UTF-8 text" in out
    assert "missing.json: cannot be read" in out
    assert re.search(r"notjson\.json: line 1 column 3: not valid JSON", out)


def test_check_exits_0_for_a_good_file(tmp_path):
    write(tmp_path, "fine.json", no_sid())
    result = run_quizbox("check", "fine.json", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == 'fine.json: ok: "Cell biology", 4 questions, session fine'


def test_check_needs_a_file():
    result = run_quizbox("check")
    assert result.returncode != 0


@pytest.mark.parametrize("content, expected", [
    (with_question(3, correct="E"), 'questions[3].correct: "E" is not one of A, B, C, D'),
    ("[1, 2", "line 1 column"),
])
def test_serve_refuses_an_invalid_pool(tmp_path, content, expected):
    pool = write(tmp_path, "BAD.json", content)
    db = tmp_path / "state" / "quiz.db"
    result = run_quizbox("serve", "--pool", pool, "--db", db, "--host", "127.0.0.1",
                         "--port", "0", cwd=tmp_path, QUIZBOX_ADMIN_PASSWORD="x")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"{pool}: {expected}" in output
    assert "Students:" not in output        # it never got as far as serving


def test_serve_refuses_a_missing_pool(tmp_path):
    missing = tmp_path / "nope.json"
    result = run_quizbox("serve", "--pool", missing, "--db", tmp_path / "q.db", "--port", "0",
                         cwd=tmp_path)
    assert result.returncode != 0
    assert f"{missing}: cannot be read" in result.stderr
