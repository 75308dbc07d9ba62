"""Question types and pictures (CONTRACT.md part 2, "Question types and images").

Three layers, each checked against the contract's own numbers, computed here:
- the engine, pure: pools from quizbox.parse_pool on dicts, a quizbox.Game
  driven with the time passed in as epoch ms (as tests/test_engine.py does);
- pool validation: every new way to be wrong is a `file: place: problem`;
- a real server on real sockets playing one question of every type, with
  pictures served from the pool folder's media/.
"""

import base64
import copy
import hashlib
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import unicodedata
import zlib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
import quizbox  # noqa: E402
from conftest import free_port  # noqa: E402
from quizbox import GameError  # noqa: E402
from qbtest import close_all, get_csv, parse_csv  # noqa: E402

QUIZBOX = REPO_ROOT / "quizbox.py"
FILE = "pools/types.json"
T0 = 1_700_000_000_000      # an epoch-ms "now" for the whole file
LIMIT_S = 20


# The contract's rules, written out independently of quizbox.py ###############

def speed(elapsed_ms, limit_s=LIMIT_S):
    """Part 1: correct → round(1000 * (1 - (elapsed_ms / limit_ms) / 2))."""
    limit_ms = limit_s * 1000
    return round(1000 * (1 - (min(elapsed_ms, limit_ms) / limit_ms) / 2))


def multi_points(points, answer, correct):
    """Part 2, multi: part 1's points times max(0, right − wrong) / len(correct), rounded."""
    right = len(set(answer) & set(correct))
    wrong = len(set(answer) - set(correct))
    return round(points * max(0, right - wrong) / len(correct))


def fold(text):
    """A typed answer as compared: no accents, no case, single inner spaces, no outer ones."""
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(plain.lower().split())


def right_order_letters(pool_choices, shown):
    """The letters of the shown choices, taken in the pool's (right) order."""
    return "".join("ABCD"[shown.index(item)] for item in pool_choices)


# Pools and games #############################################################

CHOICE = {"prompt": "Largest planet?", "choices": ["Mars", "Venus", "Jupiter", "Earth"],
          "correct": "C"}
CHOICE_EITHER = {"prompt": "A prime number?", "choices": ["2", "4", "7", "9"],
                 "correct": ["A", "C"]}
POLL = {"prompt": "Liked it?", "choices": ["Yes", "No"], "correct": None}
MULTI = {"type": "multi", "prompt": "Which are gas giants?",
         "choices": ["Jupiter", "Mars", "Saturn", "Venus"], "correct": ["A", "C"]}
TEXT = {"type": "text", "prompt": "Largest city of Brazil?", "accept": ["São Paulo"]}
NUMBER = {"type": "number", "prompt": "pH of blood, roughly?", "min": 0, "max": 20,
          "correct": 7.5, "tolerance": 0.3, "step": 0.1}
YEAR = {"type": "number", "prompt": "Year of Brazil's independence?", "min": 1800,
        "max": 1900, "correct": 1822}
PLANETS = ["Mercury", "Venus", "Earth", "Mars"]
ORDER = {"type": "order", "prompt": "From the Sun outwards", "choices": list(PLANETS)}


def doc(*questions, **top):
    document = {"title": "Every type", "session_id": "types1", "time_limit_default": LIMIT_S,
                "score_fn": "speed", "questions": copy.deepcopy(list(questions))}
    document.update(top)
    return document


def pool_of(*questions, **top):
    return quizbox.parse_pool(doc(*questions, **top), FILE)


def game_of(*questions, players=("s1", "s2", "s3"), **top):
    game = quizbox.Game(pool_of(*questions, **top))
    for student_id in players:
        game.join(student_id, f"Name {student_id}", T0)
    return game


def submit(game, student_id, answer, elapsed_ms=0, idx=None):
    """Submit to the open question (or idx) elapsed_ms after it opened → Submission."""
    idx = game.current_idx if idx is None else idx
    submission, is_new = game.submit(student_id, idx, answer,
                                     game.events[idx].opened_at_ms + elapsed_ms)
    assert is_new
    return submission


def bad_answer(game, answer, student_id="s1"):
    with pytest.raises(GameError) as info:
        game.submit(student_id, game.current_idx, answer, T0 + 1_000)
    assert game.participants[student_id].answers.get(game.current_idx) is None
    return info.value.code


def opened(*questions, **top):
    """A game on these questions, question 0 open at T0."""
    game = game_of(*questions, **top)
    game.open_question(0, T0)
    return game


# Engine: choice ##############################################################

def test_choice_with_one_letter():
    game = opened(CHOICE)
    right, wrong = submit(game, "s1", "C", 4_000), submit(game, "s2", "A", 1_000)
    # 4 s of 20: round(1000 * (1 - 0.2 / 2)) = 900
    assert (right.answer, right.score, right.correct) == ("C", 900, True)
    assert (wrong.answer, wrong.score, wrong.correct) == ("A", 0, False)
    assert game.right_answer(0) == "C"
    for answer in ("E", "c", "CA", "", None, 2, ["C"]):
        assert bad_answer(game, answer, "s3") == "bad_answer"


def test_choice_with_a_list_of_letters_either_is_right():
    game = opened(CHOICE_EITHER)
    a, c, b = submit(game, "s1", "A", 2_000), submit(game, "s2", "C", 2_000), \
        submit(game, "s3", "B", 2_000)
    # 2 s of 20: round(1000 * (1 - 0.1 / 2)) = 950
    assert (a.score, a.correct) == (950, True)
    assert (c.score, c.correct) == (950, True)
    assert (b.score, b.correct) == (0, False)
    assert sorted(game.right_answer(0)) == ["A", "C"]


def test_choice_with_a_list_takes_one_letter_only():
    game = opened(CHOICE_EITHER)
    assert bad_answer(game, "AC") == "bad_answer"


def test_poll_scores_nothing_and_leaves_the_streak_alone():
    game = opened(CHOICE, POLL, CHOICE, streak_bonus=True, score_fn="flat")
    submit(game, "s1", "C")
    game.open_question(1, T0 + 30_000)
    polled = submit(game, "s1", "A")
    assert (polled.score, polled.correct) == (0, False)
    assert game.right_answer(1) is None
    game.open_question(2, T0 + 60_000)
    # the streak of 1 survives the poll: 1000 + min(100 * 1, 500)
    assert submit(game, "s1", "C").score == 1100


# Engine: multi ###############################################################

def test_multi_exact_set_gets_full_points_and_is_correct():
    game = opened(MULTI)
    exact = submit(game, "s1", "AC", 2_000)
    assert (exact.answer, exact.score, exact.correct) == ("AC", speed(2_000), True)
    assert exact.score == 950
    assert game.right_answer(0) == ["A", "C"]


def test_multi_letters_are_stored_in_order():
    game = opened(MULTI)
    submission = submit(game, "s1", "CA", 2_000)
    assert (submission.answer, submission.score, submission.correct) == ("AC", 950, True)


@pytest.mark.parametrize("answer, share", [
    ("A", 1 / 2),       # (1 right − 0 wrong) / 2
    ("C", 1 / 2),
    ("ACD", 1 / 2),     # (2 right − 1 wrong) / 2
    ("AB", 0),          # (1 − 1) / 2
    ("BD", 0),          # max(0, 0 − 2) / 2
    ("ABCD", 0),        # (2 − 2) / 2
])
def test_multi_partial_answers(answer, share):
    game = opened(MULTI)
    submission = submit(game, "s1", answer, 2_000)
    # 2 s of 20 → 950 points for the exact set; 950 * 1/2 = 475
    assert submission.score == round(950 * share) == multi_points(950, answer, "AC")
    assert submission.correct is False
    assert submission.answer == "".join(sorted(answer))


def test_multi_partial_with_three_right_letters():
    game = opened({**MULTI, "correct": ["A", "B", "C"]})
    two = submit(game, "s1", "BA", 4_000)
    one = submit(game, "s2", "ABD", 4_000)
    # 4 s of 20 → 900; "AB": 900 * 2/3 = 600; "ABD": 900 * (2 − 1)/3 = 300
    assert (two.answer, two.score, two.correct) == ("AB", 600, False)
    assert (one.answer, one.score, one.correct) == ("ABD", 300, False)


def test_multi_half_points_follow_the_rounded_speed_score():
    game = opened(MULTI)
    # 3 s of 20: round(1000 * (1 - 0.15 / 2)) = 925; times 1/2 = 462.5 → 462 (Python's round)
    assert speed(3_000) == 925
    assert submit(game, "s1", "A", 3_000).score == round(925 / 2)


@pytest.mark.parametrize("answer", ["AA", "ACA", "", "E", "AE", "a", "ac", "A C", None, 3,
                                    ["A", "C"], {"A": 1}])
def test_multi_bad_answers(answer):
    assert bad_answer(opened(MULTI), answer) == "bad_answer"


def test_multi_letters_outside_three_choices():
    game = opened({**MULTI, "choices": ["Jupiter", "Mars", "Saturn"]})
    assert bad_answer(game, "AD") == "bad_answer"
    assert submit(game, "s1", "CA").correct


def test_multi_streak_only_on_the_exact_set():
    game = opened(MULTI, MULTI, MULTI, MULTI, streak_bonus=True, score_fn="flat")
    plans = {"s1": ["AC", "A", "AC", "AC"], "s2": ["AC", "CA", "AC", "AC"]}
    scores = {s: [] for s in plans}
    for idx in range(4):
        if idx:
            game.open_question(idx, T0 + idx * 30_000)
        for student_id, answers in plans.items():
            scores[student_id].append(submit(game, student_id, answers[idx]).score)
    # s1: 1000; a partial (1000 * 1/2, no bonus, streak ends); 1000 (no streak); 1000 + 100
    assert scores["s1"] == [1000, 500, 1000, 1100]
    # s2: 1000, then the bonus min(100 * k, 500) for k = 1, 2, 3
    assert scores["s2"] == [1000, 1100, 1200, 1300]
    assert game.participants["s1"].correct == 3
    assert game.participants["s2"].correct == 4


def test_multi_histogram_counts_every_letter_picked():
    game = opened(MULTI)
    submit(game, "s1", "AC")
    submit(game, "s2", "A")
    histogram = game.histogram(0)
    assert {k: histogram[k] for k in "ABCD"} == {"A": 2, "B": 0, "C": 1, "D": 0}
    assert histogram["pending"] == 1


# Engine: text ################################################################

@pytest.mark.parametrize("typed", [
    "São Paulo", "sao paulo", "SAO PAULO", "  sÃo   PAULO ", "São\tPaulo",
    "Sa\u0303o Paulo",          # typed with a combining tilde
])
def test_text_matches_ignoring_case_accents_and_spaces(typed):
    game = opened(TEXT)
    submission = submit(game, "s1", typed, 2_000)
    assert (submission.score, submission.correct) == (950, True)
    assert submission.answer == " ".join(typed.split())


def test_text_stored_trimmed_with_doubled_spaces_collapsed():
    game = opened(TEXT)
    assert submit(game, "s1", "  sÃo   PAULO ").answer == "sÃo PAULO"


@pytest.mark.parametrize("typed", ["Sao Paolo", "SaoPaulo", "São", "Rio de Janeiro"])
def test_text_other_answers_are_wrong(typed):
    submission = submit(opened(TEXT), "s1", typed)
    assert (submission.score, submission.correct) == (0, False)


def test_text_accepted_answers_are_any_of_the_list():
    game = opened({**TEXT, "accept": ["São Paulo", "Sampa", "  SP  "]})
    assert submit(game, "s1", "sampa").correct
    assert submit(game, "s2", "sp").correct
    assert game.right_answer(0) == ["São Paulo", "Sampa", "SP"]


@pytest.mark.parametrize("answer", ["x" * 41, "  " + "y" * 41 + " ", "", "   ", "\t\n",
                                    None, 5, 7.5, True, ["São Paulo"], {"text": "São Paulo"}])
def test_text_bad_answers(answer):
    assert bad_answer(opened(TEXT), answer) == "bad_answer"


def test_text_of_40_characters_is_taken():
    game = opened(TEXT)
    forty = "  " + "z" * 40 + "   "
    submission = submit(game, "s1", forty)
    assert submission.answer == "z" * 40
    assert (submission.score, submission.correct) == (0, False)


# Engine: number ##############################################################

@pytest.mark.parametrize("answer, right", [
    (7.5, True), (7.8, True), (7.2, True),      # |answer − 7.5| ≤ 0.3
    ("7.8", True), ("7.2", True),
    (7.81, False), (7.19, False), (7.9, False), (8, False), (0, False), (20, False),
])
def test_number_right_within_the_tolerance(answer, right):
    game = opened(NUMBER)
    submission = submit(game, "s1", answer, 2_000)
    assert (submission.correct, submission.score) == (right, 950 if right else 0)


def test_number_just_outside_the_tolerance_is_wrong():
    # |7.8000000001 − 7.5| = 0.3000000001 > 0.3
    submission = submit(opened(NUMBER), "s1", "7.8000000001")
    assert not submission.correct and submission.score == 0


def test_number_exactly_at_the_tolerance_is_right_for_large_values():
    question = {**NUMBER, "min": 9_999_990, "max": 10_000_010, "correct": 10_000_000.2,
                "tolerance": 0.1}
    game = opened(question)
    # |10000000.3 − 10000000.2| = 0.1 ≤ 0.1 and |10000000.1 − 10000000.2| = 0.1 ≤ 0.1
    assert submit(game, "s1", 10_000_000.3).correct
    assert submit(game, "s2", "10000000.1").correct


@pytest.mark.parametrize("answer", [
    -0.1, 20.01, 21, -5, "25", "-1",            # outside min..max
    pytest.param(10**400, id="10**400"), pytest.param(-10**400, id="-10**400"), float("inf"), float("-inf"), float("nan"),
    True, False, "1e5", "7,8", "seven", "", "  ", "0x10", "+7", "7.", ".5", None,
    [7.5], {"value": 7.5},
])
def test_number_bad_answers(answer):
    assert bad_answer(opened(NUMBER), answer) == "bad_answer"


@pytest.mark.parametrize("answer, stored", [
    (7.8, "7.8"), ("7.8", "7.8"), (" 7.8 ", "7.8"), (5, "5"), (5.0, "5"), ("5", "5"),
    ("5.0", "5"), (0, "0"), (19.9, "19.9"),
])
def test_number_stored_as_written(answer, stored):
    assert submit(opened(NUMBER), "s1", answer).answer == stored


@pytest.mark.parametrize("low, high, step, answer, written", [
    (0, 0.001, 0.00001, 0.00005, "0.00005"),
    (0, 0.001, 0.00001, "0.00005", "0.00005"),
    (0, 10**12, 10**7, "123456789012.5", "123456789012.5"),
    (0, 10**12, 10**7, 999999999999.5, "999999999999.5"),
])
def test_number_stored_as_sent_never_rounded_or_in_exponent_form(low, high, step, answer,
                                                                  written):
    question = {**NUMBER, "min": low, "max": high, "step": step, "correct": low, "tolerance": 0}
    submission = submit(opened(question), "s1", answer)
    assert submission.answer == written
    assert not submission.correct       # 0.00005 ≠ 0 and 999999999999.5 ≠ 0


def test_number_whole_answers_and_zero_tolerance():
    game = opened(YEAR)
    assert (submit(game, "s1", 1822).answer, game.participants["s1"].answers[0].correct) \
        == ("1822", True)
    assert submit(game, "s2", "1822.0").correct
    assert not submit(game, "s3", 1823).correct
    assert game.right_answer(0) == 1822


def test_number_default_step_and_tolerance():
    question = pool_of(YEAR).questions[0]
    assert (question.kind, question.low, question.high, question.correct) \
        == ("number", 1800, 1900, 1822)
    assert (question.step, question.tolerance) == (1, 0)


# Engine: order ###############################################################

def test_order_choices_are_shuffled_the_same_for_every_game_of_the_pool():
    pool = pool_of(CHOICE, ORDER)
    first, again = quizbox.Game(pool), quizbox.Game(pool)
    reread = quizbox.Game(pool_of(CHOICE, ORDER))      # as after a restart
    shown = first.shown_choices(1)
    assert sorted(shown) == sorted(PLANETS)
    assert shown != PLANETS
    assert again.shown_choices(1) == shown == reread.shown_choices(1)
    assert first.shown_choices(0) == CHOICE["choices"]   # only order questions are shuffled


@pytest.mark.parametrize("count", [2, 3, 4])
def test_order_is_never_shown_already_right(count):
    for n in range(300):
        permutation = quizbox.order_permutation(f"sid{n}", n % 7, count)
        assert sorted(permutation) == list(range(count))
        assert list(permutation) != list(range(count)), (n, permutation)


def test_order_right_answer_and_scores():
    game = opened(ORDER)
    shown = game.shown_choices(0)
    right = right_order_letters(PLANETS, shown)
    assert game.right_answer(0) == right
    assert sorted(right) == list("ABCD") and right != "ABCD"
    good = submit(game, "s1", right, 2_000)
    assert (good.answer, good.score, good.correct) == (right, 950, True)
    swapped = right[1] + right[0] + right[2:]
    wrong = submit(game, "s2", swapped, 2_000)
    assert (wrong.answer, wrong.score, wrong.correct) == (swapped, 0, False)
    as_shown = submit(game, "s3", "ABCD", 2_000)    # the order as shown is never right
    assert (as_shown.score, as_shown.correct) == (0, False)


def test_order_of_two_items():
    game = opened({**ORDER, "choices": ["Mercury", "Venus"]})
    assert game.shown_choices(0) == ["Venus", "Mercury"]
    assert game.right_answer(0) == "BA"
    assert submit(game, "s1", "BA").correct


@pytest.mark.parametrize("answer", ["AABC", "AAB C", "ABC", "ABCDA", "ABCE", "ABCDE", "abcd",
                                    "A B C D", "", None, 1234, ["A", "B", "C", "D"]])
def test_order_bad_answers(answer):
    assert bad_answer(opened(ORDER), answer) == "bad_answer"


# Engine: time, streaks, missed, late joins, reopen and reset for new types ####

def test_time_scores_a_number_answer_and_ends_it():
    game = opened(NUMBER, YEAR)
    # at the deadline exactly: round(1000 * (1 - 1 / 2)) = 500
    assert submit(game, "s1", 7.5, 20_000).score == 500
    # 15 s of 20: round(1000 * (1 - 0.75 / 2)) = 625
    assert submit(game, "s2", "7.6", 15_000).score == 625
    with pytest.raises(GameError) as info:
        game.submit("s3", 0, 7.5, T0 + 20_001)
    assert info.value.code == "time_expired"


def test_streak_runs_across_the_new_types():
    game = opened(TEXT, NUMBER, ORDER, MULTI, CHOICE, streak_bonus=True, score_fn="flat")
    answers = ["sao paulo", 7.6, game.right_answer(2), "A", "C"]
    scores = []
    for idx, answer in enumerate(answers):
        if idx:
            game.open_question(idx, T0 + idx * 30_000)
        scores.append(submit(game, "s1", answer).score)
    # 1000; +100 (k=1); +200 (k=2); a partial multi: 1000 * 1/2, no bonus, streak ends; 1000
    assert scores == [1000, 1100, 1200, 500, 1000]
    assert game.participants["s1"].correct == 4


def test_a_wrong_text_answer_ends_the_streak():
    game = opened(CHOICE, TEXT, CHOICE, streak_bonus=True, score_fn="flat")
    submit(game, "s1", "C")
    game.open_question(1, T0 + 30_000)
    assert submit(game, "s1", "Rio").score == 0
    game.open_question(2, T0 + 60_000)
    assert submit(game, "s1", "C").score == 1000


def test_missed_late_join_and_reopen_on_a_text_question():
    game = opened(TEXT, NUMBER, players=("s1", "s2"))
    submit(game, "s1", "São Paulo", 2_000)
    (closed,) = game.close_question(T0 + 5_000)           # 15 s were left
    assert [(m.student_id, m.status, m.score) for m in closed.missed] == [("s2", "missed", 0)]
    assert game.histogram(0)["missed"] == 1
    late = game.join("s3", "Late", T0 + 10_000)
    assert [(m.student_id, m.question_idx, m.status) for m in late.added] == [("s3", 0, "missed")]

    (reopened,) = game.reopen(0, T0 + 60_000)
    assert sorted(m.student_id for m in reopened.lifted) == ["s2", "s3"]
    assert game.state == "question_open"
    assert 0 not in game.participants["s2"].answers
    assert game.participants["s1"].answers[0].score == 950    # an answer given stays
    # 2 s after the reopen: it stood closed 55 s, which do not count → 5 s + 2 s = 7 s
    # of 20: round(1000 * (1 - 0.35 / 2)) = 825
    again = game.submit("s2", 0, "  SAO paulo", T0 + 62_000)[0]
    assert (again.elapsed_ms, again.score, again.correct) == (7_000, 825, True)
    assert game.participants["s2"].total == 825
    assert game.participants["s3"].total == 0 and 0 not in game.participants["s3"].answers


def test_reset_then_play_an_order_question_again():
    game = opened(ORDER)
    shown = game.shown_choices(0)
    submit(game, "s1", game.right_answer(0))
    game.reset()
    assert (game.state, game.participants) == ("lobby", {})
    assert game.shown_choices(0) == shown
    game.join("s9", "Again", T0 + 100_000)
    game.open_question(0, T0 + 100_000)
    assert submit(game, "s9", right_order_letters(PLANETS, shown), 2_000).score == 950


def test_a_repeated_submit_of_a_new_type_gets_the_first_answer():
    game = opened(NUMBER)
    first = submit(game, "s1", 7.5, 1_000)
    again, is_new = game.submit("s1", 0, 3, T0 + 2_000)
    assert again is first and not is_new


# Engine: the projector's summary #############################################

def test_text_summary_groups_answers_ignoring_case_and_accents():
    players = [f"p{i}" for i in range(8)]
    game = opened(TEXT, players=players)
    typed = ["São Paulo", "Rio", "sao paulo", "Brasília", "  SAO   PAULO ", "rio", "brasilia",
             "Recife"]
    for student_id, answer in zip(players, typed):
        submit(game, student_id, answer)
    game.close_question(T0 + 10_000)
    summary = game.summary(0)
    assert (summary["answered"], summary["right"]) == (8, 3)
    groups = [(fold(g["answer"]), g["count"], g["correct"]) for g in summary["answers"]]
    assert groups[0] == ("sao paulo", 3, True)
    assert sorted(groups) == [("brasilia", 2, False), ("recife", 1, False), ("rio", 2, False),
                              ("sao paulo", 3, True)]
    # most frequent first
    assert [g[1] for g in groups] == sorted((g[1] for g in groups), reverse=True)
    for group in summary["answers"]:   # each shown as one of the ways it was typed
        assert group["answer"] in [" ".join(t.split()) for t in typed]


def test_text_summary_leaves_out_missed_players():
    game = opened(TEXT)
    submit(game, "s1", "Rio")
    game.close_question(T0 + 5_000)
    summary = game.summary(0)
    assert summary["answered"] == 1
    assert [(g["answer"], g["count"]) for g in summary["answers"]] == [("Rio", 1)]


def test_number_summary_bins_and_median():
    players = [f"p{i}" for i in range(6)]
    game = opened({**NUMBER, "min": 0, "max": 100, "correct": 40, "tolerance": 0, "step": 1},
                  players=players)
    given = [5, 15, 15.5, 40, 99, 100]
    for student_id, value in zip(players, given):
        submit(game, student_id, value)
    game.close_question(T0 + 5_000)
    summary = game.summary(0)
    # ten bins of (100 − 0) / 10 = 10; 100 itself falls in the last one
    expected = [0] * 10
    for value in given:
        expected[min(9, int(value // 10))] += 1
    assert expected == [1, 2, 0, 0, 1, 0, 0, 0, 0, 2]
    assert [b["count"] for b in summary["bins"]] == expected
    assert [(float(b["from"]), float(b["to"])) for b in summary["bins"]] \
        == [(10.0 * i, 10.0 * (i + 1)) for i in range(10)]
    # median of 5, 15, 15.5, 40, 99, 100 = (15.5 + 40) / 2 = 27.75
    assert float(summary["median"]) == statistics.median(given) == 27.75
    assert (summary["answered"], summary["right"]) == (6, 1)


def test_number_summary_with_no_answers():
    game = opened(NUMBER)
    game.close_question(T0 + 5_000)
    summary = game.summary(0)
    assert summary["answered"] == 0 and summary["median"] is None
    assert sum(b["count"] for b in summary["bins"]) == 0


# Engine: messages ############################################################

ANSWER_KEYS = {"correct", "accept", "tolerance", "right", "answer", "answers"}


def test_question_open_messages_never_carry_the_answer():
    game = game_of(CHOICE, MULTI, TEXT, NUMBER, ORDER)
    for idx, question in enumerate(game.pool.questions):
        (*_, step) = game.open_question(idx, T0 + idx * 30_000)
        message = quizbox.msg_question_open(game, step.event, T0 + idx * 30_000)
        assert not ANSWER_KEYS & set(message), (idx, message)
        assert message["question_type"] == question.kind
        if question.kind == "text":
            assert "Paulo" not in json.dumps(message, ensure_ascii=False)
            assert message["choices"] == []
        if question.kind == "number":
            assert (message["min"], message["max"], message["step"]) == (0, 20, 0.1)
        if question.kind == "order":
            assert sorted(message["choices"]) == sorted(PLANETS)
            assert message["choices"] != PLANETS


def test_reveal_tells_the_answer_in_the_types_terms():
    game = game_of(CHOICE, CHOICE_EITHER, POLL, MULTI, TEXT, NUMBER, ORDER)
    expected = ["C", ["A", "C"], None, ["A", "C"], ["São Paulo"], 7.5, None]
    for idx in range(7):
        game.open_question(idx, T0 + idx * 30_000)
        game.close_question(T0 + idx * 30_000 + 1_000)
        message = quizbox.msg_reveal(game, idx, game.ranking())
        if idx == 6:
            expected[6] = right_order_letters(PLANETS, game.shown_choices(6))
        assert message["correct"] == expected[idx], idx
        assert message["question_type"] == game.pool.questions[idx].kind
        assert "summary" in message


# Pool validation #############################################################

def problems(document, media_dir=None, file=FILE):
    """[(path, message)] for an invalid document; each also written `file: path: message`."""
    with pytest.raises(quizbox.PoolInvalid) as info:
        quizbox.parse_pool(document, file, media_dir=media_dir)
    errors = info.value.errors
    assert errors
    for error in errors:
        assert str(error) == f"{file}: {error.path}: {error.message}" if error.path \
            else f"{file}: {error.message}"
    return [(e.path, e.message) for e in errors]


def one_problem(question, media_dir=None):
    """The single (path, message) of a pool whose question 1 is this one."""
    found = problems(doc(CHOICE, question), media_dir)
    assert len(found) == 1, found
    return found[0]


def test_every_type_is_valid():
    pool = pool_of(CHOICE, CHOICE_EITHER, POLL, MULTI, TEXT, NUMBER, YEAR, ORDER)
    assert [q.kind for q in pool.questions] == ["choice", "choice", "choice", "multi", "text",
                                                "number", "number", "order"]
    assert [q.is_poll for q in pool.questions] == [False, False, True] + [False] * 5
    assert pool.questions[4].correct == ("São Paulo",)
    assert pool.questions[7].choices == tuple(PLANETS)


@pytest.mark.parametrize("kind", ["essay", "Choice", "", 5, None, ["text"]])
def test_unknown_type(kind):
    path, message = one_problem({**TEXT, "type": kind})
    assert path == "questions[1].type"
    assert json.dumps(kind) in message and "choice, multi, text, number, order" in message


@pytest.mark.parametrize("question, field", [
    ({**CHOICE, "accept": ["Jupiter"]}, "accept"),
    ({**CHOICE, "min": 1}, "min"),
    ({**MULTI, "tolerance": 1}, "tolerance"),
    ({**TEXT, "choices": ["a", "b"]}, "choices"),
    ({**TEXT, "correct": "São Paulo"}, "correct"),
    ({**NUMBER, "accept": ["7.5"]}, "accept"),
    ({**NUMBER, "choices": ["7", "8"]}, "choices"),
    ({**ORDER, "correct": "ABCD"}, "correct"),
    ({**ORDER, "accept": ["x"]}, "accept"),
])
def test_a_field_the_type_does_not_use(question, field):
    path, message = one_problem(question)
    assert path == f"questions[1].{field}"
    assert "unknown field" in message


@pytest.mark.parametrize("correct, fragment", [
    (..., "missing"),
    ([], "non-empty list"),
    (None, "non-empty list"),
    ("A", "non-empty list"),
    (["A", "A"], "twice"),
    (["A", "E"], '"E" is not one of A, B, C, D'),
    (["a"], '"a" is not one of A, B, C, D'),
    ([1], "1 is not one of A, B, C, D"),
])
def test_multi_correct_problems(correct, fragment):
    question = {k: v for k, v in MULTI.items() if k != "correct"}
    if correct is not ...:
        question["correct"] = correct
    path, message = one_problem(question)
    assert path == "questions[1].correct"
    assert fragment in message


def test_multi_letter_beyond_three_choices():
    path, message = one_problem({**MULTI, "choices": ["a", "b", "c"], "correct": ["D"]})
    assert path == "questions[1].correct"
    assert '"D" is not one of A, B, C' in message


@pytest.mark.parametrize("correct, fragment", [
    ([], "non-empty list"),
    (["A", "A"], "twice"),
    (["B", "F"], '"F" is not one of A, B, C, D'),
])
def test_choice_list_problems(correct, fragment):
    path, message = one_problem({**CHOICE, "correct": correct})
    assert path == "questions[1].correct" and fragment in message


@pytest.mark.parametrize("accept, path", [
    (..., "questions[1].accept"),
    ([], "questions[1].accept"),
    ("São Paulo", "questions[1].accept"),
    ([f"city {i}" for i in range(11)], "questions[1].accept"),
    (["São Paulo", "x" * 41], "questions[1].accept[1]"),
    (["São Paulo", "   "], "questions[1].accept[1]"),
    (["São Paulo", ""], "questions[1].accept[1]"),
    ([5], "questions[1].accept[0]"),
])
def test_text_accept_problems(accept, path):
    question = {k: v for k, v in TEXT.items() if k != "accept"}
    if accept is not ...:
        question["accept"] = accept
    assert one_problem(question)[0] == path


def test_text_accept_bounds_are_taken():
    question = {**TEXT, "accept": [f"c{i}" for i in range(9)] + ["x" * 40]}
    assert len(pool_of(question).questions[0].correct) == 10


@pytest.mark.parametrize("changes, field", [
    ({"min": ...}, "min"),
    ({"max": ...}, "max"),
    ({"correct": ...}, "correct"),
    ({"correct": 25}, "correct"),
    ({"correct": -1}, "correct"),
    ({"step": 0}, "step"),
    ({"step": -0.5}, "step"),
    ({"tolerance": -0.1}, "tolerance"),
    ({"min": True}, "min"),
    ({"max": "20"}, "max"),
    ({"correct": "7.5"}, "correct"),
    ({"step": False}, "step"),
    ({"tolerance": None}, "tolerance"),
    ({"correct": float("nan")}, "correct"),
    ({"max": float("inf")}, "max"),
    ({"correct": [7.5]}, "correct"),
])
def test_number_problems(changes, field):
    question = dict(NUMBER)
    for key, value in changes.items():
        if value is ...:
            del question[key]
        else:
            question[key] = value
    path, message = one_problem(question)
    assert path == f"questions[1].{field}", message


@pytest.mark.parametrize("field", ["min", "max", "correct", "step", "tolerance"])
def test_number_huge_integer_is_a_problem_not_a_crash(field):
    question = {**NUMBER, field: 10**400}
    found = problems(doc(CHOICE, question))
    assert f"questions[1].{field}" in [path for path, _ in found]


@pytest.mark.parametrize("low, high", [(10, 10), (10, 5)])
def test_number_min_not_below_max(low, high):
    path, message = one_problem({**NUMBER, "min": low, "max": high, "correct": low})
    assert path in ("questions[1].min", "questions[1].max")
    assert str(high) in message and str(low) in message


@pytest.mark.parametrize("choices", [["Mercury"], [], ["a", "b", "c", "d", "e"], "Mercury"])
def test_order_choice_count(choices):
    assert one_problem({**ORDER, "choices": choices})[0] == "questions[1].choices"


# Pool validation: pictures ###################################################

def png_bytes(width=1, height=1):
    """A whole, valid PNG: signature, IHDR, IDAT, IEND."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\x00\x80\xff" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        b"\xff\xdb\x00\x43\x00" + bytes(range(1, 65)) + b"\xff\xd9")
GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
       b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
WEBP = base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")
PICTURES = {"diagram.png": (png_bytes(3, 2), "image/png"), "photo.jpg": (JPEG, "image/jpeg"),
            "anim.gif": (GIF, "image/gif"), "pic.webp": (WEBP, "image/webp")}


def media(tmp_path, **files):
    folder = tmp_path / "media"
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / name.replace("__", ".")).write_bytes(data)
    return folder


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_a_good_picture_passes(tmp_path, name):
    data, kind = PICTURES[name]
    folder = media(tmp_path, **{name.replace(".", "__"): data})
    assert quizbox.image_type(data) == kind
    pool = quizbox.parse_pool(doc({**CHOICE, "image": name}), FILE, media_dir=folder)
    question = pool.questions[0]
    assert question.image == name
    assert question.image_version and question.image_version in hashlib.sha256(data).hexdigest()


def test_every_type_takes_a_picture(tmp_path):
    folder = media(tmp_path, diagram__png=png_bytes())
    questions = [{**q, "image": "diagram.png"} for q in (CHOICE, POLL, MULTI, TEXT, NUMBER, ORDER)]
    pool = quizbox.parse_pool(doc(*questions), FILE, media_dir=folder)
    assert all(q.image == "diagram.png" for q in pool.questions)


@pytest.mark.parametrize("name", ["../x.png", "x.exe", "x.svg", "x", "media/x.png",
                                  "/etc/x.png", ".x.png", "x.png/", "", 5, None, ["x.png"]])
def test_a_bad_picture_name(tmp_path, name):
    folder = media(tmp_path, x__png=png_bytes())
    question = {**CHOICE, "image": name}
    if name is None:   # "image": null means no picture
        quizbox.parse_pool(doc(question), FILE, media_dir=folder)
        return
    path, message = one_problem(question, folder)
    assert path == "questions[1].image"
    assert ".png" in message


def test_a_missing_picture(tmp_path):
    folder = media(tmp_path)
    path, message = one_problem({**CHOICE, "image": "gone.png"}, folder)
    assert path == "questions[1].image" and "missing" in message


def test_a_picture_over_2_mb(tmp_path):
    big = png_bytes()
    big = big + b"\0" * (2 * 1024 * 1024 + 1 - len(big))   # 2 MiB + 1 byte, at least 2 MB either way
    folder = media(tmp_path, big__png=big)
    path, message = one_problem({**CHOICE, "image": "big.png"}, folder)
    assert path == "questions[1].image" and "MB" in message


@pytest.mark.parametrize("content", [
    b"just some notes, not a picture\n",
    b"\x89PNG\r\n\x1a\n" + b"garbage" * 10,                 # the signature, then garbage
    b"",
    b"GIF89a",                                              # cut short
    b"\xff\xd8\xff\xe0\x00\x10JFIF",                        # a JPEG cut short
    b"<svg xmlns='http://www.w3.org/2000/svg'/>",
])
def test_a_file_that_is_not_a_picture(tmp_path, content):
    folder = media(tmp_path, x__png=content)
    path, message = one_problem({**CHOICE, "image": "x.png"}, folder)
    assert path == "questions[1].image" and "not a PNG, JPEG, GIF or WebP" in message


def test_a_png_cut_short_in_its_header_is_a_problem_not_a_crash(tmp_path):
    # signature, the IHDR length and type, then 2 of its 8 size bytes
    short = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"\x00\x00"
    folder = media(tmp_path, short__png=short)
    path, message = one_problem({**CHOICE, "image": "short.png"}, folder)
    assert path == "questions[1].image"


@pytest.mark.parametrize("content", [
    b"RIFF\x00\x00\x00\x00WEBPVP8",              # the WebP signature and nothing more
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00",      # cut short before its size
])
def test_a_webp_cut_short_is_not_a_picture(tmp_path, content):
    assert quizbox.image_type(WEBP) == "image/webp"
    folder = media(tmp_path, x__webp=content)
    path, message = one_problem({**CHOICE, "image": "x.webp"}, folder)
    assert path == "questions[1].image" and "not a PNG, JPEG, GIF or WebP" in message


def test_a_picture_named_by_its_extension_is_known_by_its_bytes(tmp_path):
    # a JPEG saved as .png is still a picture: its bytes decide
    folder = media(tmp_path, photo__png=JPEG)
    pool = quizbox.parse_pool(doc({**CHOICE, "image": "photo.png"}), FILE, media_dir=folder)
    assert pool.questions[0].image == "photo.png"


def test_read_pool_checks_the_pool_folders_media(tmp_path):
    (tmp_path / "quiz.json").write_text(json.dumps(doc({**TEXT, "image": "diagram.png"})))
    with pytest.raises(quizbox.PoolInvalid) as info:
        quizbox.read_pool(tmp_path / "quiz.json")
    assert "questions[0].image: media/diagram.png is missing" in str(info.value)
    media(tmp_path, diagram__png=png_bytes())
    assert quizbox.read_pool(tmp_path / "quiz.json").questions[0].image == "diagram.png"


# Pool validation: text that cannot be stored #################################

SURROGATE = json.loads('"\\ud800"')


@pytest.mark.parametrize("place, build", [
    ("title", lambda d: d.update(title="Bad " + SURROGATE)),
    ("questions[1].choices[2]", lambda d: d["questions"][1]["choices"].__setitem__(2, SURROGATE)),
    ("questions[0].prompt", lambda d: d["questions"][0].__setitem__("prompt", "x" + SURROGATE)),
    ("questions[2].accept[0]", lambda d: d["questions"][2].__setitem__("accept", [SURROGATE])),
    ("questions[0].explanation", lambda d: d["questions"][0].__setitem__("explanation",
                                                                          SURROGATE)),
])
def test_a_lone_surrogate_names_its_place(place, build):
    document = doc(CHOICE, MULTI, TEXT)
    build(document)
    found = problems(document)
    assert [path for path, _ in found] == [place]
    assert "not valid Unicode" in found[0][1]


def test_a_lone_surrogate_in_a_key():
    document = doc(CHOICE)
    document["questions"][0][SURROGATE] = 1
    found = problems(document)
    assert len(found) == 1 and found[0][0].startswith("questions[0].")


def run_quizbox(*args, cwd, timeout=30):
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZ")}
    env["QUIZBOX_ADMIN_PASSWORD"] = "x"
    return subprocess.run([sys.executable, str(QUIZBOX), *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def write_surrogate_pool(tmp_path):
    document = doc(CHOICE, MULTI)
    document["questions"][0]["choices"][1] = "Ve" + SURROGATE + "nus"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="ascii")   # the surrogate as \ud800
    assert "\\ud800" in path.read_text()
    return path


def test_check_refuses_a_lone_surrogate(tmp_path):
    write_surrogate_pool(tmp_path)
    result = run_quizbox("check", "bad.json", cwd=tmp_path)
    assert result.returncode == 1
    assert re.search(r"^bad\.json: questions\[0\]\.choices\[1\]: .*not valid Unicode",
                     result.stdout, re.M), result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_serve_refuses_a_lone_surrogate(tmp_path):
    path = write_surrogate_pool(tmp_path)
    result = run_quizbox("serve", "--pool", path, "--db", tmp_path / "state" / "q.db",
                         "--pools", tmp_path / "pools", "--host", "127.0.0.1",
                         "--port", free_port(), cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"{path}: questions[0].choices[1]:" in output and "not valid Unicode" in output
    assert "Traceback" not in output and "Students:" not in output


def test_check_names_a_missing_picture_and_a_bad_type(tmp_path):
    document = doc({**CHOICE, "image": "gone.png"}, {**TEXT, "type": "essay"})
    (tmp_path / "pics.json").write_text(json.dumps(document))
    result = run_quizbox("check", "pics.json", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("pics.json: questions[0].image: media/gone.png is missing")
               for line in lines), lines
    assert any(line.startswith('pics.json: questions[1].type: "essay"') for line in lines), lines


def test_check_on_a_png_cut_short_gives_a_message_not_a_traceback(tmp_path):
    media(tmp_path, short__png=b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00")
    (tmp_path / "short.json").write_text(json.dumps(doc({**CHOICE, "image": "short.png"})))
    result = run_quizbox("check", "short.json", cwd=tmp_path)
    assert result.returncode == 1
    assert "short.json: questions[0].image:" in result.stdout
    assert "Traceback" not in result.stderr, result.stderr


def test_check_on_a_huge_integer_gives_a_message_not_a_traceback(tmp_path):
    (tmp_path / "huge.json").write_text(
        json.dumps(doc(CHOICE)).replace('"correct": "C"', '"correct": "C"}, {"type": "number", '
                                        '"prompt": "p", "min": 0, "max": 1' + "0" * 400 +
                                        ', "correct": 1'))
    result = run_quizbox("check", "huge.json", cwd=tmp_path)
    assert result.returncode == 1
    assert "huge.json: questions[1].max:" in result.stdout
    assert "Traceback" not in result.stderr, result.stderr


# A real server, every type ###################################################

SERVER_QUESTIONS = [
    {**CHOICE, "image": "diagram.png"},                # 0 choice, one letter "C"
    CHOICE_EITHER,                                     # 1 choice, "A" or "C"
    POLL,                                              # 2 poll
    {**MULTI, "image": "photo.jpg"},                   # 3 multi ["A", "C"]
    {**TEXT, "image": "anim.gif"},                     # 4 text "São Paulo"
    {**NUMBER, "image": "pic.webp"},                   # 5 number 7.5 ± 0.3, 0..20 step 0.1
    ORDER,                                             # 6 order
]
SERVER_POOL = doc(*SERVER_QUESTIONS, session_id="types1", score_fn="flat",
                  time_limit_default=120)


def write_server_pool(tmp_path):
    folder = tmp_path / "typespool"
    folder.mkdir()
    pictures = folder / "media"
    pictures.mkdir()
    for name, (data, _) in PICTURES.items():
        (pictures / name).write_bytes(data)
    (pictures / "notes.png").write_bytes(b"not a picture at all\n")   # not named by the pool
    (pictures / "notes.txt").write_bytes(b"hello\n")
    path = folder / "types.json"
    path.write_text(json.dumps(SERVER_POOL, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def submit_ws(ws, idx, answer):
    """Send one answer; → the submit_ack or error that answers it."""
    ws.send_json({"type": "submit", "question_idx": idx, "answer": answer})
    while True:
        message = ws.recv_json(timeout=5)
        if message["type"] in ("submit_ack", "error"):
            return message


def test_every_type_end_to_end(server_factory, tmp_path):
    server = server_factory(write_server_pool(tmp_path))
    admin = server.admin_cookie()
    instructor = server.instructor_ws(admin, sid="types1")
    students = ["ana", "bea", "cy", "dee"]     # dee never answers
    cookies = {s: server.join(s, s.title(), sid="types1") for s in students}
    sockets = {s: server.student_ws(cookies[s], sid="types1") for s in students}
    try:
        _play_every_type(server, admin, instructor, sockets, cookies)
    finally:
        close_all([instructor, *sockets.values()])


def _play_every_type(server, admin, instructor, sockets, cookies):
    closes = {}
    shown_order = None

    # what each student sends, and the score the contract gives it ("flat": 1000 when right)
    def plan(idx, shown):
        right_order = right_order_letters(PLANETS, shown) if shown else None
        wrong_order = right_order[::-1] if right_order else None
        return {
            0: {"ana": ("C", "C", 1000), "bea": ("A", "A", 0), "cy": ("D", "D", 0)},
            1: {"ana": ("A", "A", 1000), "bea": ("B", "B", 0), "cy": ("C", "C", 1000)},
            2: {"ana": ("A", "A", 0), "bea": ("B", "B", 0), "cy": ("A", "A", 0)},
            # multi: exact (sent "CA", stored "AC"); (1 − 1)/2 = 0; (1 − 0)/2 → 500
            3: {"ana": ("CA", "AC", 1000), "bea": ("AB", "AB", 0), "cy": ("A", "A", 500)},
            4: {"ana": ("  sÃo   PAULO ", "sÃo PAULO", 1000), "bea": ("=1+1", "=1+1", 0),
                "cy": ("sao paulo", "sao paulo", 1000)},
            5: {"ana": (7.8, "7.8", 1000), "bea": (9, "9", 0), "cy": ("7.2", "7.2", 1000)},
            6: {"ana": (right_order, right_order, 1000), "bea": (wrong_order, wrong_order, 0),
                "cy": ("ABCD", "ABCD", 0)},
        }[idx]

    bad = {0: ["E", "CA"], 1: ["AC"], 2: ["C"], 3: ["AA", "", "AE"], 4: ["x" * 41, "   ", 7],
           5: [21, "1e5", True, None, float("1e400")], 6: ["AABC", "ABC", "ABCDA"]}

    for idx, question in enumerate(SERVER_QUESTIONS):
        instructor.send_json({"type": "open_question", "question_idx": idx})
        received = {s: ws.recv_until("question_open") for s, ws in sockets.items()}
        received["instructor"] = instructor.recv_until("question_open")
        message = received["ana"]
        kind = question.get("type", "choice")
        for who, got in received.items():
            assert got["question_idx"] == idx, who
            assert got["question_type"] == kind, who
            assert got["choices"] == message["choices"], who    # the same order for all
            assert not {"correct", "accept", "tolerance"} & set(got), (who, got)
        if kind in ("choice", "multi"):
            assert message["choices"] == question["choices"]
        if kind == "text":
            assert "Paulo" not in json.dumps(message, ensure_ascii=False)
        if kind == "number":
            assert (message["min"], message["max"], message["step"]) == (0, 20, 0.1)
        if kind == "order":
            shown_order = message["choices"]
            assert sorted(shown_order) == sorted(PLANETS) and shown_order != PLANETS
        if "image" in question:
            assert message["image"].startswith(f"/media/{question['image']}?v=")
            assert message["image"] != f"/media/{question['image']}?v="
            _check_picture(server, message["image"], question["image"])
        else:
            assert not message.get("image")

        # bad answers first: each an error, the socket still usable, nothing stored
        for answer in bad[idx]:
            reply = submit_ws(sockets["cy"], idx, answer)
            assert (reply["type"], reply.get("code")) == ("error", "bad_answer"), (idx, answer)

        for student, (sent, stored, points) in plan(idx, shown_order).items():
            ack = submit_ws(sockets[student], idx, sent)
            assert ack["type"] == "submit_ack", (idx, student, sent, ack)
            assert (ack["question_idx"], ack["answer"], ack["score"]) == (idx, stored, points), \
                (idx, student, ack)

        instructor.send_json({"type": "close_question", "question_idx": idx})
        closes[idx] = {s: ws.recv_until("question_closed") for s, ws in sockets.items()}
        closes[idx]["instructor"] = instructor.recv_until("question_closed")

    # the reveal, in each type's terms
    expected = ["C", ["A", "C"], None, ["A", "C"], ["São Paulo"], 7.5,
                right_order_letters(PLANETS, shown_order)]
    for idx, right in enumerate(expected):
        for who, message in closes[idx].items():
            assert message["question_idx"] == idx
            correct = message["correct"]
            assert (sorted(correct) if isinstance(correct, list) else correct) == right, \
                (idx, who, correct)
            assert "summary" in message, (idx, who)
        assert closes[idx]["dee"]["your_answer"] is None
        assert closes[idx]["ana"]["your_answer"] == plan(idx, shown_order)["ana"][1]
    text_summary = closes[4]["instructor"]["summary"]
    assert text_summary["answers"][0]["count"] == 2
    assert fold(text_summary["answers"][0]["answer"]) == "sao paulo"
    assert sorted((fold(g["answer"]), g["count"]) for g in text_summary["answers"]) \
        == [("=1+1", 1), ("sao paulo", 2)]
    number_summary = closes[5]["instructor"]["summary"]
    assert float(number_summary["median"]) == 7.8    # median of 7.2, 7.8, 9
    assert sum(b["count"] for b in number_summary["bins"]) == 3

    # the CSV: each answer as sent (letters, text, number)
    header, rows = parse_csv(get_csv(server, admin))
    by_id = {row[header.index("student_id")]: dict(zip(header, row)) for row in rows}
    for idx in range(len(SERVER_QUESTIONS)):
        n = idx + 1
        for student, (sent, stored, points) in plan(idx, shown_order).items():
            cell = by_id[student][f"q{n}_answer"]
            assert cell == ("'" + stored if stored.startswith("=") else stored), (idx, student)
            assert by_id[student][f"q{n}_score"] == str(points)
        assert by_id["dee"][f"q{n}_answer"] == "" and by_id["dee"][f"q{n}_score"] == "0"
    # right: the exact multi set only (cy's half-right multi is not "correct")
    assert by_id["cy"]["q4_correct"] == "0" and by_id["cy"]["q4_score"] == "500"
    assert by_id["ana"]["q4_correct"] == "1"
    totals = {s: sum(p for idx in range(7) for x, (_, _, p) in plan(idx, shown_order).items()
                     if x == s) for s in ("ana", "bea", "cy")}
    assert totals == {"ana": 6000, "bea": 0, "cy": 3500}
    for student, total in totals.items():
        assert by_id[student]["total_score"] == str(total)

    # /api/me: the student's own submissions
    status, me, _ = server.json("GET", "/api/me", cookie=cookies["ana"])
    assert status == 200 and me["total_score"] == 6000
    assert [(s["question_idx"], s["answer"], s["score"], s["status"]) for s in me["submissions"]] \
        == [(idx, plan(idx, shown_order)["ana"][1], plan(idx, shown_order)["ana"][2],
             "submitted") for idx in range(7)]
    status, me, _ = server.json("GET", "/api/me", cookie=cookies["dee"])
    assert [(s["answer"], s["status"]) for s in me["submissions"]] == [(None, "missed")] * 7

    # the media route refuses what is not a picture of the pool's folder
    for path in ("/media/../quizbox.py", "/media/..%2Fquizbox.py", "/media/%2e%2e%2fquizbox.py",
                 "/media/quizbox.py", "/media/missing.png", "/media/notes.png",
                 "/media/notes.txt", "/media/types.json", "/media/", "/media/.diagram.png"):
        status, body, headers = server.json("GET", path)
        assert status == 404, (path, status)
        assert body and body.get("error"), (path, body)
        assert headers["Content-Type"].startswith("application/json"), path


def _check_picture(server, url, name):
    data, kind = PICTURES[name]
    status, headers, body = server.request("GET", url)
    assert status == 200, (url, status, body[:200])
    assert body == data
    assert headers["Content-Type"] == kind
    max_age = re.search(r"max-age=(\d+)", headers.get("Cache-Control", ""))
    assert max_age and int(max_age.group(1)) >= 7 * 24 * 3600, headers.get("Cache-Control")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers.get("Content-Security-Policy", "")
    # the URL changes with the picture's content
    assert url.split("?v=")[1] in hashlib.sha256(data).hexdigest()


def test_serve_refuses_a_pool_naming_a_missing_picture(tmp_path):
    path = tmp_path / "pics.json"
    path.write_text(json.dumps(doc({**CHOICE, "image": "gone.png"})))
    result = run_quizbox("serve", "--pool", path, "--db", tmp_path / "state" / "q.db",
                         "--pools", tmp_path / "pools", "--host", "127.0.0.1",
                         "--port", free_port(), cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"{path}: questions[0].image: media/gone.png is missing" in output
    assert "Traceback" not in output


def test_a_huge_number_over_the_socket_is_refused_and_the_socket_stays(server_factory, tmp_path):
    server = server_factory(write_server_pool(tmp_path))
    admin = server.admin_cookie()
    instructor = server.instructor_ws(admin, sid="types1")
    cookie = server.join("zed", "Zed", sid="types1")
    ws = server.student_ws(cookie, sid="types1")
    try:
        instructor.send_json({"type": "open_question", "question_idx": 5})
        ws.recv_until("question_open")
        ws.send_text('{"type":"submit","question_idx":5,"answer":1' + "0" * 400 + "}")
        reply = ws.recv_json(timeout=5)
        while reply["type"] not in ("error", "submit_ack"):
            reply = ws.recv_json(timeout=5)
        assert (reply["type"], reply.get("code")) == ("error", "bad_answer")
        ack = submit_ws(ws, 5, 7.5)
        assert (ack["type"], ack["score"]) == ("submit_ack", 1000)
    finally:
        close_all([instructor, ws])


def test_a_huge_number_in_a_saved_pool_is_a_400_not_a_500(server_factory, tmp_path):
    pools = tmp_path / "boxpools"
    server = server_factory(write_server_pool(tmp_path), env={"QUIZBOX_POOLS_DIR": str(pools)})
    admin = server.admin_cookie()
    document = doc({**NUMBER, "max": 10**400})
    status, body, _ = server.json("PUT", "/admin/api/pools/huge.json", cookie=admin,
                                  json_body={"pool": document, "version": None})
    assert status == 400, (status, body)
    assert "max" in json.dumps(body)
    assert not (pools / "huge.json").exists()


def test_a_picture_broken_after_the_start_is_a_404_not_a_500(server_factory, tmp_path):
    path = write_server_pool(tmp_path)
    server = server_factory(path)
    status, _, _ = server.request("GET", "/media/diagram.png")
    assert status == 200
    # the teacher copies a picture over it, and the copy is cut short in its header
    (path.parent / "media" / "diagram.png").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00")
    status, body, headers = server.json("GET", "/media/diagram.png")
    assert status == 404, (status, body)
    assert body["error"] == "not_found"
