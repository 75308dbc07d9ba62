"""The game engine on its own: quizbox.Game and its helpers, with the time
passed in as epoch ms, plus the Store it is resumed from.

No server, no sockets: every test here builds a Pool with quizbox.parse_pool,
drives a Game and looks at what it returns and how it changed.
"""

import copy
import csv
import io
import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import quizbox  # noqa: E402
from conftest import sample_pool  # noqa: E402
from quizbox import GameError  # noqa: E402

T0 = 1_700_000_000_000   # an epoch-ms "now" for the whole file


def score(pool, question, answer, elapsed, limit, streak):
    """(points, right) for one answer, through the contract's grade and score rules."""
    share, right = quizbox.grade(question, answer)
    return quizbox.score_answer(pool, question, share, right, elapsed, limit, streak), right


def joined(change):
    """A join's PlayerChange as (player, is_new, missed submissions)."""
    return change.player, change.created, change.added


# Helpers #####################################################################

def pool_doc(**overrides):
    """Four questions: 4-choice B (20 s), 3-choice A (30 s), a 2-choice poll,
    2-choice B (10 s): the harness's sample pool and one more."""
    doc = sample_pool()
    doc["questions"][0]["explanation"] = "ATP."
    doc["questions"].append({"prompt": "Is a virus alive?", "choices": ["Yes", "No"],
                             "correct": "B", "time_limit": 10})
    doc.update(overrides)
    return doc


def make_pool(**overrides):
    return quizbox.parse_pool(pool_doc(**overrides), "pools/bio.json")


def scored_pool(n, **overrides):
    """n scored 2-choice questions, all correct "A", 20 s each."""
    questions = [{"prompt": f"Q{i}", "choices": ["yes", "no"], "correct": "A"}
                 for i in range(n)]
    return make_pool(questions=questions, **overrides)


def game_with(*players, pool=None, **kwargs):
    game = quizbox.Game(pool or make_pool(), **kwargs)
    for student_id, name in players:
        game.join(student_id, name, T0)
    return game


def error_code(call, *args, **kwargs):
    with pytest.raises(GameError) as info:
        call(*args, **kwargs)
    return info.value.code


def snapshot(game):
    """Everything observable about a game, for before/after comparisons."""
    return {
        "state": game.state,
        "current_idx": game.current_idx,
        "events": {i: (e.time_limit_s, e.opened_at_ms, e.deadline_ms, e.closed_at_ms)
                   for i, e in game.events.items()},
        "players": {
            sid: (p.name, p.kicked, p.total, p.answered, p.correct, p.streak,
                  {i: (s.answer, s.elapsed_ms, s.score, s.correct, s.status)
                   for i, s in p.answers.items()})
            for sid, p in game.participants.items()},
    }


def ranking_view(game):
    return [(rank, p.student_id, p.total) for rank, p in game.ranking()]


def test_importing_quizbox_does_not_monkey_patch():
    from gevent import monkey
    assert not monkey.is_module_patched("socket")
    assert not monkey.is_module_patched("threading")


# Transitions #################################################################

def test_new_game_is_in_the_lobby():
    game = game_with()
    assert game.state == quizbox.LOBBY == "lobby"
    assert game.current_idx is None
    assert game.question_count == 4
    assert game.sid == "bio101"


def test_next_from_lobby_opens_question_0():
    game = game_with()
    steps = game.next(T0)
    assert [type(s) for s in steps] == [quizbox.Opened]
    event = steps[0].event
    assert (event.question_idx, event.time_limit_s, event.opened_at_ms, event.deadline_ms) \
        == (0, 20, T0, T0 + 20_000)
    assert event.closed_at_ms is None
    assert (game.state, game.current_idx) == ("question_open", 0)


def test_next_while_open_closes_it_and_opens_the_next():
    game = game_with(("s1", "Ada"))
    game.next(T0)
    steps = game.next(T0 + 5_000)
    assert [type(s) for s in steps] == [quizbox.Closed, quizbox.Opened]
    closed, opened = steps
    assert closed.event.question_idx == 0 and closed.event.closed_at_ms == T0 + 5_000
    assert [(m.student_id, m.question_idx, m.status) for m in closed.missed] == [("s1", 0, "missed")]
    # the question's own time limit (30 s) is used
    assert (opened.event.question_idx, opened.event.time_limit_s, opened.event.deadline_ms) \
        == (1, 30, T0 + 35_000)
    assert (game.state, game.current_idx) == ("question_open", 1)
    assert game.events[0].closed_at_ms == T0 + 5_000


def test_next_when_closed_opens_the_next():
    game = game_with()
    game.next(T0)
    game.close_question(T0 + 1_000)
    assert (game.state, game.current_idx) == ("question_closed", 0)
    steps = game.next(T0 + 2_000)
    assert [type(s) for s in steps] == [quizbox.Opened]
    assert steps[0].event.question_idx == 1
    assert (game.state, game.current_idx) == ("question_open", 1)


def _play_to_last(game):
    at = T0
    for _ in range(game.question_count):
        game.next(at)
        at += 1_000
    assert (game.state, game.current_idx) == ("question_open", game.question_count - 1)
    return at


def test_next_on_the_last_open_question_closes_it_and_finishes():
    game = game_with(("s1", "Ada"))
    at = _play_to_last(game)
    steps = game.next(at)
    assert [type(s) for s in steps] == [quizbox.Closed, quizbox.Ended]
    assert steps[0].event.question_idx == 3 and steps[0].event.closed_at_ms == at
    assert steps[1].at_ms == at
    assert game.state == "finished"
    assert game.participants["s1"].answers[3].status == "missed"


def test_next_on_the_last_closed_question_finishes():
    game = game_with()
    at = _play_to_last(game)
    game.close_question(at)
    steps = game.next(at + 1)
    assert [type(s) for s in steps] == [quizbox.Ended]
    assert game.state == "finished"


def test_next_when_finished_raises_finished():
    game = game_with()
    game.end(T0)
    assert error_code(game.next, T0 + 1) == "finished"
    assert game.state == "finished"


def test_open_question_jumps_to_an_index_and_next_continues_after_it():
    game = game_with()
    steps = game.open_question(2, T0)
    assert [type(s) for s in steps] == [quizbox.Opened]
    assert (game.state, game.current_idx) == ("question_open", 2)
    steps = game.next(T0 + 1_000)
    assert [type(s) for s in steps] == [quizbox.Closed, quizbox.Opened]
    assert steps[1].event.question_idx == 3
    # nothing after 3: next finishes even though 0 and 1 were never played
    assert [type(s) for s in game.next(T0 + 2_000)] == [quizbox.Closed, quizbox.Ended]


def test_open_question_while_open_closes_the_open_one_first():
    game = game_with(("s1", "Ada"))
    game.next(T0)
    steps = game.open_question(3, T0 + 1_000)
    assert [type(s) for s in steps] == [quizbox.Closed, quizbox.Opened]
    assert steps[0].event.question_idx == 0
    assert game.events[0].closed_at_ms == T0 + 1_000
    assert game.current_idx == 3


def test_next_skips_questions_already_played():
    game = game_with()
    game.open_question(1, T0)
    game.open_question(0, T0 + 1_000)       # back to 0; 1 is played
    steps = game.next(T0 + 2_000)
    assert steps[-1].event.question_idx == 2


def test_reopening_a_played_question_is_refused():
    game = game_with(("s1", "Ada"))
    game.next(T0)
    game.submit("s1", 0, "B", T0 + 100)
    game.close_question(T0 + 1_000)
    before = snapshot(game)
    assert error_code(game.open_question, 0, T0 + 2_000) == "bad_question"
    assert snapshot(game) == before
    game.next(T0 + 3_000)
    # the open one, too: refusing must not close it
    before = snapshot(game)
    assert error_code(game.open_question, 1, T0 + 4_000) == "bad_question"
    assert snapshot(game) == before


@pytest.mark.parametrize("idx", [True, False, "1", 1.0, None, -1, 4, 99])
def test_open_question_bad_index(idx):
    game = game_with()
    assert error_code(game.open_question, idx, T0) == "bad_question"
    assert (game.state, game.current_idx, game.events) == ("lobby", None, {})


@pytest.mark.parametrize("limit", [5, 17, 600])
def test_open_question_time_limit_override(limit):
    game = game_with()
    event = game.open_question(1, T0, limit)[-1].event
    assert event.time_limit_s == limit
    assert event.deadline_ms == T0 + limit * 1000


@pytest.mark.parametrize("limit", [4, 0, -20, 601, "20", 20.0, True])
def test_open_question_time_limit_out_of_range(limit):
    game = game_with(("s1", "Ada"))
    game.next(T0)
    before = snapshot(game)
    assert error_code(game.open_question, 1, T0 + 1, limit) == "bad_message"
    assert snapshot(game) == before   # the open question stays open


def test_close_question_when_nothing_is_open():
    game = game_with()
    assert error_code(game.close_question, T0) == "not_open"
    game.next(T0)
    game.close_question(T0 + 1)
    assert error_code(game.close_question, T0 + 2) == "not_open"
    game.end(T0 + 3)
    assert error_code(game.close_question, T0 + 4) == "not_open"


def test_end_from_open_closes_it_then_ends():
    game = game_with(("s1", "Ada"))
    game.next(T0)
    steps = game.end(T0 + 7_000)
    assert [type(s) for s in steps] == [quizbox.Closed, quizbox.Ended]
    assert steps[0].event.closed_at_ms == T0 + 7_000
    assert [m.student_id for m in steps[0].missed] == ["s1"]
    assert steps[1].at_ms == T0 + 7_000
    assert game.state == "finished"


def test_end_from_lobby_and_twice():
    game = game_with()
    assert [type(s) for s in game.end(T0)] == [quizbox.Ended]
    assert game.end(T0 + 1) == []
    assert game.state == "finished"


def test_open_question_when_finished_is_refused():
    game = game_with()
    game.end(T0)
    assert error_code(game.open_question, 1, T0 + 1) == "finished"


def test_expire_closes_only_at_the_deadline_of_the_open_question():
    game = game_with(("s1", "Ada"))
    game.next(T0)                                   # 20 s
    assert game.expire(0, T0 + 19_999) == []
    assert game.expire(1, T0 + 20_000) == []        # not the open question
    assert game.state == "question_open"
    steps = game.expire(0, T0 + 20_000)
    assert [type(s) for s in steps] == [quizbox.Closed]
    assert game.state == "question_closed"
    assert game.expire(0, T0 + 30_000) == []        # already closed


# Scoring #####################################################################

@pytest.mark.parametrize("elapsed, limit, expected", [
    (0, 20_000, 1000),
    (1_234, 20_000, 969),       # 1000 * (1 - 0.0617 / 2) = 969.15
    (5_000, 20_000, 875),
    (10_000, 20_000, 750),
    (15_000, 30_000, 750),
    (19_999, 20_000, 500),      # 500.025
    (20_000, 20_000, 500),
    (25_000, 20_000, 500),      # beyond the limit: clamped
    (10**9, 20_000, 500),
    (-50, 20_000, 1000),        # clock skew: clamped at 0
    (2_345, 10_000, 883),       # 882.75
])
def test_speed_score(elapsed, limit, expected):
    pool = make_pool()
    question = pool.questions[0]
    assert score(pool, question, "B", elapsed, limit, 0) == (expected, True)


@pytest.mark.parametrize("elapsed", [0, 7_000, 20_000, 40_000])
def test_flat_score(elapsed):
    pool = make_pool(score_fn="flat")
    assert score(pool, pool.questions[0], "B", elapsed, 20_000, 0) == (1000, True)


@pytest.mark.parametrize("score_fn", ["speed", "flat"])
@pytest.mark.parametrize("answer", ["A", "C", "D", None, "b"])
def test_wrong_answer_scores_zero(score_fn, answer):
    pool = make_pool(score_fn=score_fn, streak_bonus=True)
    assert score(pool, pool.questions[0], answer, 1_000, 20_000, 3) == (0, False)


@pytest.mark.parametrize("score_fn", ["speed", "flat"])
@pytest.mark.parametrize("answer", ["A", "B"])
def test_poll_scores_zero_for_everyone(score_fn, answer):
    pool = make_pool(score_fn=score_fn, streak_bonus=True)
    poll = pool.questions[2]
    assert poll.is_poll
    assert score(pool, poll, answer, 0, 20_000, 4) == (0, False)


@pytest.mark.parametrize("streak, bonus", [(0, 0), (1, 100), (2, 200), (4, 400), (5, 500),
                                           (6, 500), (50, 500)])
def test_streak_bonus_in_score_answer(streak, bonus):
    pool = make_pool(score_fn="flat", streak_bonus=True)
    assert score(pool, pool.questions[0], "B", 0, 20_000, streak) \
        == (1000 + bonus, True)


def test_no_streak_bonus_unless_the_pool_asks():
    pool = make_pool(score_fn="flat")
    assert pool.streak_bonus is False
    assert score(pool, pool.questions[0], "B", 0, 20_000, 6) == (1000, True)


def _play(game, answers, step_ms=2_000):
    """Open each question in turn; answers[i] maps student id → letter (or
    nothing: missed). Each answer comes step_ms after the open."""
    at = T0
    for per_question in answers:
        steps = game.next(at)
        assert isinstance(steps[-1], quizbox.Opened)
        for student_id, letter in per_question.items():
            game.submit(student_id, game.current_idx, letter, at + step_ms)
        at += 10_000
        game.close_question(at)
        at += 1_000
    return at


def test_seven_correct_answers_in_a_row_earn_growing_bonuses():
    game = game_with(("s1", "Ada"), pool=scored_pool(7, score_fn="flat", streak_bonus=True))
    _play(game, [{"s1": "A"}] * 7)
    scores = [game.participants["s1"].answers[i].score for i in range(7)]
    assert [s - 1000 for s in scores] == [0, 100, 200, 300, 400, 500, 500]
    assert game.participants["s1"].total == 7000 + 2000
    assert game.participants["s1"].streak == 7


def test_streak_bonus_adds_to_the_speed_score():
    game = game_with(("s1", "Ada"), pool=scored_pool(2, streak_bonus=True))
    _play(game, [{"s1": "A"}, {"s1": "A"}], step_ms=5_000)   # 875 each
    assert [game.participants["s1"].answers[i].score for i in range(2)] == [875, 975]


def test_a_wrong_answer_ends_the_streak():
    game = game_with(("s1", "Ada"), pool=scored_pool(5, score_fn="flat", streak_bonus=True))
    _play(game, [{"s1": "A"}, {"s1": "A"}, {"s1": "B"}, {"s1": "A"}, {"s1": "A"}])
    assert [game.participants["s1"].answers[i].score for i in range(5)] \
        == [1000, 1100, 0, 1000, 1100]


def test_a_missed_question_ends_the_streak():
    game = game_with(("s1", "Ada"), pool=scored_pool(5, score_fn="flat", streak_bonus=True))
    _play(game, [{"s1": "A"}, {"s1": "A"}, {}, {"s1": "A"}, {"s1": "A"}])
    player = game.participants["s1"]
    assert player.answers[2].status == "missed"
    assert [player.answers[i].score for i in range(5)] == [1000, 1100, 0, 1000, 1100]


def _pool_with_polls():
    questions = [
        {"prompt": "q0", "choices": ["x", "y"], "correct": "A"},
        {"prompt": "q1", "choices": ["x", "y"], "correct": "A"},
        {"prompt": "poll", "choices": ["x", "y"], "correct": None},
        {"prompt": "q3", "choices": ["x", "y"], "correct": "A"},
        {"prompt": "poll2", "choices": ["x", "y"], "correct": None},
        {"prompt": "q5", "choices": ["x", "y"], "correct": "A"},
    ]
    return make_pool(questions=questions, score_fn="flat", streak_bonus=True)


def test_a_poll_neither_ends_nor_extends_the_streak():
    game = game_with(("s1", "Ada"), ("s2", "Bo"), pool=_pool_with_polls())
    # s1 answers the polls, s2 misses them: neither changes the streak
    _play(game, [{"s1": "A", "s2": "A"}, {"s1": "A", "s2": "A"}, {"s1": "B"},
                 {"s1": "A", "s2": "A"}, {"s1": "A"}, {"s1": "A", "s2": "A"}])
    for student_id in ("s1", "s2"):
        player = game.participants[student_id]
        assert [player.answers[i].score for i in range(6)] == [1000, 1100, 0, 1200, 0, 1300]
        assert player.streak == 4
    assert game.participants["s1"].answered == 6
    assert game.participants["s2"].answered == 4
    assert game.participants["s1"].correct == game.participants["s2"].correct == 4


def test_streak_bonus_false_gives_no_bonus_in_a_game():
    game = game_with(("s1", "Ada"), pool=scored_pool(4, score_fn="flat"))
    _play(game, [{"s1": "A"}] * 4)
    assert [game.participants["s1"].answers[i].score for i in range(4)] == [1000] * 4


def test_submission_score_uses_elapsed_from_open_and_the_override_limit():
    game = game_with(("s1", "Ada"))
    game.open_question(0, T0, time_limit_s=10)
    submission, is_new = game.submit("s1", 0, "B", T0 + 2_500)
    assert is_new
    assert (submission.answer, submission.elapsed_ms, submission.score, submission.correct,
            submission.status) == ("B", 2_500, 875, True, "submitted")


# Submit errors ###############################################################

def test_submit_not_joined():
    game = game_with(("s1", "Ada"))
    game.next(T0)
    assert error_code(game.submit, "ghost", 0, "B", T0 + 1) == "not_joined"


@pytest.mark.parametrize("idx", [True, "0", 0.0, None, -1, 4])
def test_submit_bad_question(idx):
    game = game_with(("s1", "Ada"))
    game.next(T0)
    assert error_code(game.submit, "s1", idx, "B", T0 + 1) == "bad_question"
    assert game.participants["s1"].answers == {}


@pytest.mark.parametrize("idx, answer", [
    (3, "C"),       # 2-choice question
    (3, "D"),
    (1, "D"),       # 3-choice question
    (0, "b"),       # lowercase
    (0, "E"),
    (0, ""),        # "" and multi-letter strings are substrings of "ABCD"
    (0, "AB"),
    (0, "BCD"),
    (0, "ABCD"),
    (0, 1),
    (0, None),
    (0, ["B"]),
])
def test_submit_bad_answer(idx, answer):
    game = game_with(("s1", "Ada"))
    game.open_question(idx, T0)
    assert error_code(game.submit, "s1", idx, answer, T0 + 1) == "bad_answer"
    assert game.participants["s1"].answers == {}
    # and the player can still answer properly afterwards
    question = game.pool.questions[idx]
    assert game.submit("s1", idx, question.letters[0], T0 + 2)[1] is True


def test_a_multi_letter_answer_is_refused_and_does_not_break_the_histogram():
    """Regression: `answer not in "ABCD"` once let "ABCD" in; histogram() then
    raised KeyError, which broke the live histogram and the reveal."""
    game = game_with(("s1", "Ada"), ("s2", "Bo"))
    game.next(T0)
    assert error_code(game.submit, "s1", 0, "ABCD", T0 + 1) == "bad_answer"
    game.submit("s2", 0, "B", T0 + 2)
    assert "s1" not in {p.student_id for p in game.players() if 0 in p.answers}
    assert game.histogram(0) == {"A": 0, "B": 1, "C": 0, "D": 0, "missed": 0, "pending": 1}


def test_submit_to_another_question_than_the_open_one():
    game = game_with(("s1", "Ada"))
    game.next(T0)
    assert error_code(game.submit, "s1", 1, "A", T0 + 1) == "not_open"


def test_submit_in_the_lobby_is_not_open():
    game = game_with(("s1", "Ada"))
    assert error_code(game.submit, "s1", 0, "B", T0) == "not_open"


def test_submit_after_close_is_not_open():
    game = game_with(("s1", "Ada"), ("s2", "Bo"))
    game.next(T0)
    game.submit("s2", 0, "B", T0 + 10)
    game.close_question(T0 + 1_000)
    assert error_code(game.submit, "s1", 0, "B", T0 + 1_001) == "not_open"
    assert game.participants["s1"].answers[0].status == "missed"


def test_submit_after_finish_is_not_open():
    game = game_with(("s1", "Ada"))
    game.next(T0)
    game.end(T0 + 1)
    assert error_code(game.submit, "s1", 0, "B", T0 + 2) == "not_open"


def test_submit_after_the_deadline_while_still_open_is_time_expired():
    game = game_with(("s1", "Ada"))
    game.next(T0)                                      # 20 s
    assert error_code(game.submit, "s1", 0, "B", T0 + 20_001) == "time_expired"
    assert game.state == "question_open"
    assert game.participants["s1"].answers == {}


def test_submit_exactly_at_the_deadline_counts():
    game = game_with(("s1", "Ada"))
    game.next(T0)
    submission, _ = game.submit("s1", 0, "B", T0 + 20_000)
    assert (submission.elapsed_ms, submission.score) == (20_000, 500)


def test_second_submit_returns_the_first_unchanged():
    game = game_with(("s1", "Ada"))
    game.next(T0)
    first, is_new = game.submit("s1", 0, "B", T0 + 4_000)
    assert is_new is True
    kept = (first.answer, first.elapsed_ms, first.score, first.correct)
    total = game.participants["s1"].total
    for answer in ("A", "B", "Z", None):
        again, is_new = game.submit("s1", 0, answer, T0 + 8_000)
        assert is_new is False
        assert again is first
        assert (again.answer, again.elapsed_ms, again.score, again.correct) == kept
    assert game.participants["s1"].total == total == 900
    assert game.participants["s1"].answered == 1
    assert game.histogram(0)["B"] == 1


def test_second_submit_after_close_still_returns_the_first():
    game = game_with(("s1", "Ada"))
    game.next(T0)
    first, _ = game.submit("s1", 0, "A", T0 + 1_000)
    game.close_question(T0 + 2_000)
    again, is_new = game.submit("s1", 0, "B", T0 + 3_000)
    assert (again, is_new) == (first, False)


def test_kicked_player_cannot_submit():
    game = game_with(("s1", "Ada"))
    game.next(T0)
    game.kick("s1")
    assert error_code(game.submit, "s1", 0, "B", T0 + 1) == "not_joined"


# Missed, late join, kick #####################################################

def test_closing_records_missed_for_everyone_without_an_answer():
    game = game_with(("s1", "Ada"), ("s2", "Bo"), ("s3", "Cy"))
    game.next(T0)
    game.submit("s2", 0, "A", T0 + 1_000)
    closed = game.close_question(T0 + 5_000)[0]
    assert sorted(m.student_id for m in closed.missed) == ["s1", "s3"]
    for student_id in ("s1", "s3"):
        missed = game.participants[student_id].answers[0]
        assert (missed.status, missed.answer, missed.elapsed_ms, missed.score, missed.correct,
                missed.recorded_at_ms) == ("missed", None, None, 0, False, T0 + 5_000)
        assert game.participants[student_id].answered == 0
    assert game.participants["s2"].answers[0].status == "submitted"


def test_late_join_gets_missed_for_closed_questions_and_can_answer_the_open_one():
    game = game_with(("s1", "Ada"))
    game.next(T0)
    game.next(T0 + 10_000)          # q0 closed, q1 open
    player, is_new, missed = joined(game.join("late", "Lea", T0 + 12_000))
    assert is_new is True
    assert [(m.question_idx, m.status, m.score) for m in missed] == [(0, "missed", 0)]
    assert set(player.answers) == {0}
    submission, is_new = game.submit("late", 1, "A", T0 + 13_000)
    assert is_new and submission.correct
    assert submission.elapsed_ms == 3_000       # from the open, not from the join
    assert submission.score == round(1000 * (1 - (3_000 / 30_000) / 2))   # 950
    assert submission.score == 950


def test_join_in_the_lobby_has_nothing_missed():
    game = game_with()
    player, is_new, missed = joined(game.join("s1", "Ada", T0))
    assert (is_new, missed, player.answers, player.total) == (True, [], {}, 0)


def test_elapsed_is_measured_from_open():
    game = game_with(("s1", "Ada"), ("s2", "Bo"))
    game.next(T0)
    game.next(T0 + 50_000)                       # q1 opened at T0+50 s
    a, _ = game.submit("s1", 1, "A", T0 + 50_000)
    b, _ = game.submit("s2", 1, "B", T0 + 61_234)
    assert (a.elapsed_ms, b.elapsed_ms) == (0, 11_234)
    assert (a.score, b.score) == (1000, 0)


def test_kick_excludes_from_players_ranking_histogram_and_later_missed():
    game = game_with(("s1", "Ada"), ("s2", "Bo"))
    game.next(T0)
    game.submit("s1", 0, "B", T0 + 1_000)
    game.submit("s2", 0, "C", T0 + 1_000)
    assert game.histogram(0)["C"] == 1
    kicked = game.kick("s2").player
    assert kicked.kicked and kicked.student_id == "s2"
    assert [p.student_id for p in game.players()] == ["s1"]
    assert [p.student_id for _, p in game.ranking()] == ["s1"]
    assert game.histogram(0)["C"] == 0
    steps = game.next(T0 + 2_000)
    steps += game.close_question(T0 + 3_000)
    missed = [m for s in steps if isinstance(s, quizbox.Closed) for m in s.missed]
    assert "s2" not in {m.student_id for m in missed}
    assert 1 not in game.participants["s2"].answers
    assert error_code(game.kick, "s2") == "unknown_student"
    assert error_code(game.kick, "nobody") == "unknown_student"


def test_join_of_a_kicked_id_is_refused():
    game = game_with(("s1", "Ada"))
    game.kick("s1")
    assert error_code(game.join, "s1", "Ada again", T0 + 1) == "kicked"
    assert game.participants["s1"].name == "Ada"
    assert game.players() == []


def test_readmit_restores_and_fills_missed_for_questions_closed_meanwhile():
    game = game_with(("s1", "Ada"), ("s2", "Bo"))
    game.next(T0)
    game.submit("s2", 0, "B", T0 + 1_000)
    game.kick("s2")
    game.next(T0 + 5_000)               # q0 closed (s2 kept its answer), q1 open
    game.next(T0 + 10_000)              # q1 closed while s2 was out, q2 open
    change = game.readmit("s2", T0 + 12_000)
    player, missed = change.player, change.added
    assert player is game.participants["s2"] and not player.kicked
    assert [(m.question_idx, m.status) for m in missed] == [(1, "missed")]
    assert player.answers[0].status == "submitted"        # kept, not overwritten
    assert [p.student_id for p in game.players()] == ["s1", "s2"]
    assert "s2" in [p.student_id for _, p in game.ranking()]
    # back in, the open question can be answered
    assert game.submit("s2", 2, "A", T0 + 13_000)[1] is True
    assert error_code(game.readmit, "s2", T0 + 14_000) == "unknown_student"
    assert error_code(game.readmit, "nobody", T0 + 14_000) == "unknown_student"


def test_max_participants_gives_session_full():
    game = game_with(("s1", "Ada"), ("s2", "Bo"), max_participants=2)
    assert error_code(game.join, "s3", "Cy", T0) == "session_full"
    assert len(game.participants) == 2
    # someone already in can come back even when full
    player, is_new, _ = joined(game.join("s1", "Ada", T0 + 1, device=""))   # the same phone
    assert not is_new and player.student_id == "s1"


def test_rejoin_with_the_same_id_updates_the_name_without_a_duplicate():
    game = game_with(("s1", "Ada"), ("s2", "Bo"))
    game.next(T0)
    game.submit("s1", 0, "B", T0 + 1_000)
    player, is_new, missed = joined(game.join("s1", "Ada L.", T0 + 2_000, device=""))
    assert (is_new, missed) == (False, [])
    assert player.name == "Ada L."
    assert len(game.participants) == 2
    assert [p.name for _, p in game.ranking()] == ["Ada L.", "Bo"]
    assert player.answers[0].status == "submitted" and player.total > 0


# Ranking #####################################################################

def _player(student_id, name, total):
    p = quizbox.Participant(student_id, name, T0)
    p.total = total
    return p


def test_rank_players_shares_ranks_on_equal_totals():
    players = [_player("a", "Zed", 500), _player("b", "Amy", 900), _player("c", "Bob", 700),
               _player("d", "Cat", 700), _player("e", "Dan", 100)]
    ranked = quizbox.rank_players(players)
    assert [(rank, p.name) for rank, p in ranked] == \
        [(1, "Amy"), (2, "Bob"), (2, "Cat"), (4, "Zed"), (5, "Dan")]


def test_rank_players_1_2_2_4():
    players = [_player("d", "D", 10), _player("c", "C", 50), _player("b", "B", 50),
               _player("a", "A", 100)]
    assert [r for r, _ in quizbox.rank_players(players)] == [1, 2, 2, 4]


def test_rank_players_all_tied():
    players = [_player(s, n, 0) for s, n in [("3", "Cy"), ("1", "Ada"), ("2", "Bo")]]
    assert [(r, p.name) for r, p in quizbox.rank_players(players)] == \
        [(1, "Ada"), (1, "Bo"), (1, "Cy")]


def test_ties_are_ordered_by_name_then_student_id():
    players = [_player("z9", "Sam", 300), _player("a1", "Sam", 300), _player("m5", "Kim", 300),
               _player("b2", "Sam", 1000)]
    ranked = quizbox.rank_players(players)
    assert [(r, p.student_id) for r, p in ranked] == [(1, "b2"), (2, "m5"), (2, "a1"), (2, "z9")]


def test_game_ranking_follows_answers():
    game = game_with(("s1", "Ada"), ("s2", "Bo"), ("s3", "Cy"), ("s4", "Di"),
                     pool=make_pool(score_fn="flat"))
    game.next(T0)
    for student_id, answer in [("s1", "A"), ("s2", "B"), ("s3", "B"), ("s4", "A")]:
        game.submit(student_id, 0, answer, T0 + 1_000)
    assert ranking_view(game) == [(1, "s2", 1000), (1, "s3", 1000), (3, "s1", 0), (3, "s4", 0)]
    game.next(T0 + 5_000)
    game.submit("s4", 1, "A", T0 + 6_000)
    assert ranking_view(game) == [(1, "s2", 1000), (1, "s3", 1000), (1, "s4", 1000), (4, "s1", 0)]


# Histogram and all_answered ##################################################

def test_histogram_counts_answers_missed_and_pending():
    game = game_with(("s1", "Ada"), ("s2", "Bo"), ("s3", "Cy"), ("s4", "Di"))
    assert game.histogram(0) == {"A": 0, "B": 0, "C": 0, "D": 0, "missed": 0, "pending": 4}
    game.next(T0)
    game.submit("s1", 0, "B", T0 + 1)
    game.submit("s2", 0, "B", T0 + 2)
    game.submit("s3", 0, "D", T0 + 3)
    assert game.histogram(0) == {"A": 0, "B": 2, "C": 0, "D": 1, "missed": 0, "pending": 1}
    game.close_question(T0 + 10)
    assert game.histogram(0) == {"A": 0, "B": 2, "C": 0, "D": 1, "missed": 1, "pending": 0}
    game.join("s5", "Eve", T0 + 20)      # late: missed
    assert game.histogram(0)["missed"] == 2
    assert game.histogram(1)["pending"] == 5


def test_all_answered():
    game = game_with(("s1", "Ada"), ("s2", "Bo"), ("s3", "Cy"))
    assert game.all_answered(["s1", "s2", "s3"]) is False     # lobby
    game.next(T0)
    assert game.all_answered(["s1", "s2"]) is False
    game.submit("s1", 0, "A", T0 + 1)
    assert game.all_answered(["s1", "s2"]) is False
    assert game.all_answered(["s1"]) is True                  # s2, s3 not connected
    game.submit("s2", 0, "B", T0 + 2)
    assert game.all_answered(["s1", "s2"]) is True
    assert game.all_answered(["s1", "s2", "s3"]) is False
    assert game.all_answered({"s1": 1, "s2": 2}) is True      # any iterable of ids
    assert game.all_answered([]) is False                      # nobody connected
    assert game.all_answered(["ghost"]) is False               # not a participant
    assert game.all_answered(["s1", "ghost"]) is True
    game.kick("s3")
    assert game.all_answered(["s1", "s2", "s3"]) is True      # kicked ones do not count
    game.close_question(T0 + 3)
    assert game.all_answered(["s1", "s2"]) is False           # nothing open


# Reset #######################################################################

def test_reset_clears_everything():
    game = game_with(("s1", "Ada"), ("s2", "Bo"))
    game.next(T0)
    game.submit("s1", 0, "B", T0 + 1)
    game.kick("s2")
    game.next(T0 + 2)
    game.reset()
    assert (game.state, game.current_idx, game.events, game.participants) == \
        ("lobby", None, {}, {})
    assert game.players() == [] and game.ranking() == []
    # the kicked student may join again, and question 0 can be played again
    player, is_new, missed = joined(game.join("s2", "Bo", T0 + 3))
    assert is_new and missed == [] and player.total == 0
    assert game.next(T0 + 4)[-1].event.question_idx == 0
    assert ranking_view(game) == [(1, "s2", 0)]


def test_reset_from_finished():
    game = game_with(("s1", "Ada"))
    game.end(T0)
    game.reset()
    assert game.state == "lobby"
    assert [type(s) for s in game.next(T0 + 1)] == [quizbox.Opened]


# CSV #########################################################################

def _read_csv(text):
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_results_csv_header_and_ranked_rows():
    game = game_with(("s1", "Ada"), ("s2", "Bo"), ("s3", "Cy"))
    game.next(T0)
    game.submit("s2", 0, "B", T0 + 5_000)        # 875
    game.submit("s1", 0, "A", T0 + 1_000)        # wrong
    game.next(T0 + 10_000)                       # q1 (A, 30 s)
    game.submit("s1", 1, "A", T0 + 10_000)       # 1000
    game.next(T0 + 20_000)                       # the poll
    game.submit("s3", 2, "B", T0 + 21_000)
    game.end(T0 + 30_000)                        # q3 never played
    text = quizbox.results_csv(game)
    rows = _read_csv(text)
    header = ["rank", "student_id", "name", "total_score", "correct", "answered"]
    for n in range(1, 5):
        header += [f"q{n}_answer", f"q{n}_correct", f"q{n}_score", f"q{n}_ms"]
    assert rows[0] == header + ["status"]
    assert rows[1:] == [
        ["1", "s1", "Ada", "1000", "1", "2",
         "A", "0", "0", "1000", "A", "1", "1000", "0", "", "0", "0", "", "", "0", "0", "", ""],
        ["2", "s2", "Bo", "875", "1", "1",
         "B", "1", "875", "5000", "", "0", "0", "", "", "0", "0", "", "", "0", "0", "", ""],
        ["3", "s3", "Cy", "0", "0", "1",
         "", "0", "0", "", "", "0", "0", "", "B", "0", "0", "1000", "", "0", "0", "", ""],
    ]
    assert "\r\n" in text


def test_results_csv_shared_ranks_and_removed_players_kept_last_with_their_answers():
    game = game_with(("s1", "Ada"), ("s2", "Bo"), ("s3", "Cy"))
    game.next(T0)
    game.submit("s3", 0, "B", T0 + 1_000)
    game.kick("s3")
    rows = _read_csv(quizbox.results_csv(game))
    assert [r[:3] + r[-1:] for r in rows[1:]] == [
        ["1", "s1", "Ada", ""], ["1", "s2", "Bo", ""], ["", "s3", "Cy", "removed"]]
    assert rows[3][6:10] == ["B", "1", "975", "1000"]   # what they answered stays


def test_results_csv_with_nobody_is_just_the_header():
    rows = _read_csv(quizbox.results_csv(game_with()))
    assert len(rows) == 1 and rows[0][0] == "rank"


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)"])
def test_results_csv_guards_formulas_in_names_and_ids(dangerous):
    game = game_with((dangerous, dangerous + " name"), ("plain", "a=b"))
    rows = _read_csv(quizbox.results_csv(game))
    by_name = {r[2]: r for r in rows[1:]}
    risky = by_name["'" + dangerous + " name"]
    assert risky[1] == "'" + dangerous
    assert by_name["a=b"][1] == "plain"       # only a leading sign is a formula


def test_results_csv_keeps_unicode_names():
    game = game_with(("s1", "Zoë 🎉"), ("s2", "李雷"))
    text = quizbox.results_csv(game)
    assert "Zoë 🎉" in text and "李雷" in text
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")


# clean_name / clean_student_id ###############################################

@pytest.mark.parametrize("raw, expected", [
    ("Ada", "Ada"),
    ("  Ada Lovelace  ", "Ada Lovelace"),
    ("\u200bAda\u200b", "Ada"),               # zero-width padding trimmed
    ("x" * 40, "x" * 40),
    ("  " + "y" * 40 + "  ", "y" * 40),      # the limit is after trimming
    ("Zoë 🎉", "Zoë 🎉"),
    ("👩\u200d👩\u200d👧", "👩\u200d👩\u200d👧"),   # a ZWJ emoji family is fine
    ("李雷", "李雷"),
    ("Zoe\u0308", "Zoë"),                    # NFC
    ("O'Brien-Smith", "O'Brien-Smith"),
])
def test_clean_name_accepts(raw, expected):
    assert quizbox.clean_name(raw) == expected


@pytest.mark.parametrize("raw", [
    "",
    "   ",
    "x" * 41,
    "\u200b",
    "\u200b\u200c\u200d\ufeff",
    "\u200b \u2060",
    "\u2063",                    # invisible separator
    "Ada\u202e",                 # right-to-left override
    "\u202eadA",
    "\u2066Ada\u2069",
    "Ada\nLovelace",
    "Ada\x00",
    "\x1b[31mred",
    "tab\there",
    "del\x7f",
    None,
    42,
    b"Ada",
    ["Ada"],
])
def test_clean_name_refuses(raw):
    assert error_code(quizbox.clean_name, raw) == "bad_name"


@pytest.mark.parametrize("raw, expected", [
    ("s1", "s1"),
    ("  s-001  ", "s-001"),
    ("x" * 64, "x" * 64),
    (" " + "x" * 64 + " ", "x" * 64),
    ("élève 7", "élève 7"),
    ("a@b.edu", "a@b.edu"),
])
def test_clean_student_id_accepts(raw, expected):
    assert quizbox.clean_student_id(raw) == expected


@pytest.mark.parametrize("raw", [
    "", "   ", "x" * 65, "a\nb", "a\x00", "\x1b", "id\u202e", "\u200b", None, 7, b"s1",
])
def test_clean_student_id_refuses(raw):
    assert error_code(quizbox.clean_student_id, raw) == "bad_student_id"


# Restore from a real Store ###################################################

class Recorder:
    """Play a game and write what happens through Store, as the hub does."""

    def __init__(self, store, game):
        self.store, self.game, self.sid = store, game, game.sid
        with store.atomic():
            store.ensure_session(game.pool)

    def join(self, student_id, name, at):
        player, _, missed = joined(self.game.join(student_id, name, at))
        with self.store.atomic():
            self.store.save_participant(self.sid, player)
            self.store.save_submissions(self.sid, missed)

    def submit(self, student_id, idx, answer, at):
        submission, is_new = self.game.submit(student_id, idx, answer, at)
        if is_new:
            with self.store.atomic():
                self.store.save_submissions(self.sid, [submission])

    def kick(self, student_id):
        player = self.game.kick(student_id).player
        with self.store.atomic():
            self.store.save_participant(self.sid, player)

    def readmit(self, student_id, at):
        change = self.game.readmit(student_id, at)
        player, missed = change.player, change.added
        with self.store.atomic():
            self.store.save_participant(self.sid, player)
            self.store.save_submissions(self.sid, missed)

    def steps(self, steps):
        with self.store.atomic():
            for step in steps:
                if hasattr(step, "event"):
                    self.store.save_event(self.sid, step.event)
                if isinstance(step, quizbox.Closed):
                    self.store.save_submissions(self.sid, step.missed)
            ended = next((s.at_ms for s in steps if isinstance(s, quizbox.Ended)), None)
            self.store.save_session_state(self.sid, self.game.state, self.game.current_idx,
                                          ended)


def _restored(db_path, pool):
    store = quizbox.Store(db_path)
    try:
        return quizbox.Game.restore(pool, store.session_rows(pool.session_id))
    finally:
        store.close()


def _play_recorded(db_path, pool):
    """A game with late joins, a kick and readmit, streaks and a poll; ends
    with question 4 open."""
    store = quizbox.Store(db_path)
    game = quizbox.Game(pool)
    rec = Recorder(store, game)
    rec.join("s1", "Ada", T0)
    rec.join("s2", "Bo", T0 + 1)
    rec.join("s3", "Cy", T0 + 2)
    rec.steps(game.next(T0 + 1_000))                          # q0
    rec.submit("s1", 0, "A", T0 + 2_000)
    rec.submit("s2", 0, "A", T0 + 9_000)
    rec.submit("s3", 0, "B", T0 + 3_000)
    rec.submit("s1", 0, "B", T0 + 4_000)                      # repeat: ignored
    rec.steps(game.next(T0 + 20_000))                         # q0 closed, q1 open
    rec.submit("s1", 1, "A", T0 + 21_000)
    rec.kick("s3")
    rec.steps(game.close_question(T0 + 30_000))
    rec.join("s4", "Di", T0 + 31_000)                         # late: missed q0, q1
    rec.steps(game.next(T0 + 40_000))                         # q2: the poll
    rec.submit("s1", 2, "B", T0 + 41_000)
    rec.submit("s4", 2, "A", T0 + 42_000)
    rec.steps(game.next(T0 + 50_000))                         # q3
    rec.readmit("s3", T0 + 51_000)                            # missed q1, q2
    rec.submit("s1", 3, "A", T0 + 52_000)
    rec.submit("s2", 3, "A", T0 + 53_000)
    rec.submit("s3", 3, "A", T0 + 54_000)
    rec.steps(game.next(T0 + 60_000))                         # q3 closed, q4 open
    rec.submit("s2", 4, "A", T0 + 61_000)
    store.close()
    return game


def _restore_pool():
    questions = [{"prompt": f"Q{i}", "choices": ["yes", "no"], "correct": "A"} for i in range(6)]
    questions[2]["correct"] = None
    return make_pool(questions=questions, streak_bonus=True, session_id="restore-me")


def test_restore_rebuilds_the_same_game(tmp_path):
    pool = _restore_pool()
    db_path = tmp_path / "quiz.db"
    original = _play_recorded(db_path, pool)
    restored = _restored(db_path, pool)
    assert snapshot(restored) == snapshot(original)
    assert (restored.state, restored.current_idx) == ("question_open", 4)
    assert ranking_view(restored) == ranking_view(original)
    assert restored.histogram(4) == original.histogram(4)
    assert quizbox.results_csv(restored) == quizbox.results_csv(original)
    # a few hand-checked facts, so that equal-but-wrong cannot pass
    s1 = restored.participants["s1"]
    assert (s1.streak, s1.answered, s1.correct) == (3, 4, 3)
    assert restored.participants["s3"].kicked is False
    assert restored.participants["s4"].answers[0].status == "missed"
    assert all(s.durable for p in restored.participants.values() for s in p.answers.values())


def test_restored_game_continues_exactly_like_the_original(tmp_path):
    pool = _restore_pool()
    db_path = tmp_path / "quiz.db"
    original = _play_recorded(db_path, pool)
    restored = _restored(db_path, pool)
    for game in (original, restored):
        first, _ = game.submit("s1", 4, "A", T0 + 62_000)
        # s1: q0, q1 right, poll, q3 right → streak 3, bonus 300
        assert first.score == round(1000 * (1 - (2_000 / 20_000) / 2)) + 300 == 1250
        again, is_new = game.submit("s2", 4, "B", T0 + 62_000)
        assert not is_new and again.answer == "A"
        game.next(T0 + 70_000)
        game.submit("s4", 5, "A", T0 + 71_000)
        game.next(T0 + 80_000)
        assert game.state == "finished"
    assert snapshot(restored) == snapshot(original)
    assert quizbox.results_csv(restored) == quizbox.results_csv(original)


def test_restore_of_a_finished_game_and_a_kicked_player(tmp_path):
    pool = _restore_pool()
    db_path = tmp_path / "quiz.db"
    store = quizbox.Store(db_path)
    game = quizbox.Game(pool)
    rec = Recorder(store, game)
    rec.join("s1", "Ada", T0)
    rec.join("s2", "Bo", T0)
    rec.steps(game.next(T0))
    rec.submit("s2", 0, "A", T0 + 100)
    rec.kick("s2")
    rec.steps(game.end(T0 + 1_000))
    store.close()
    restored = _restored(db_path, pool)
    assert snapshot(restored) == snapshot(game)
    assert restored.state == "finished"
    assert restored.participants["s2"].kicked
    assert error_code(restored.join, "s2", "Bo", T0 + 2_000) == "kicked"
    assert error_code(restored.next, T0 + 2_000) == "finished"


def test_restore_of_an_empty_session_is_the_lobby(tmp_path):
    pool = _restore_pool()
    store = quizbox.Store(tmp_path / "quiz.db")
    with store.atomic():
        store.ensure_session(pool)
    rows = store.session_rows(pool.session_id)
    store.close()
    game = quizbox.Game.restore(pool, rows)
    assert (game.state, game.current_idx, game.participants, game.events) == \
        ("lobby", None, {}, {})


def test_wipe_session_then_restore_is_the_lobby(tmp_path):
    pool = _restore_pool()
    db_path = tmp_path / "quiz.db"
    _play_recorded(db_path, pool)
    store = quizbox.Store(db_path)
    with store.atomic():
        store.wipe_session(pool.session_id)
    store.close()
    game = _restored(db_path, pool)
    assert (game.state, game.current_idx, game.participants, game.events) == \
        ("lobby", None, {}, {})


def test_atomic_rolls_back_on_error(tmp_path):
    pool = _restore_pool()
    store = quizbox.Store(tmp_path / "quiz.db")
    with store.atomic():
        store.ensure_session(pool)
    with pytest.raises(RuntimeError):
        with store.atomic():
            store.save_participant(pool.session_id, quizbox.Participant("s1", "Ada", T0))
            raise RuntimeError("boom")
    assert store.session_rows(pool.session_id)[1] == []
    store.close()


# Store #######################################################################

def test_store_schema_version_and_pragmas(tmp_path):
    db_path = tmp_path / "sub" / "quiz.db"       # the folder is made
    store = quizbox.Store(db_path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == quizbox.SCHEMA_VERSION >= 1
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2   # FULL
    finally:
        store.close()
    with sqlite3.connect(db_path) as other:
        assert other.execute("PRAGMA user_version").fetchone()[0] == quizbox.SCHEMA_VERSION
        assert other.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        tables = {r[0] for r in other.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    other.close()
    assert {"meta", "quizzes", "sessions", "participants", "question_events",
            "submissions"} <= tables


def test_store_opens_an_existing_database_again(tmp_path):
    db_path = tmp_path / "quiz.db"
    store = quizbox.Store(db_path)
    with store.atomic():
        store.set_meta("live_sid", "bio101")
    store.close()
    store = quizbox.Store(db_path)
    try:
        assert store.get_meta("live_sid") == "bio101"
        assert store.get_meta("nothing") is None
    finally:
        store.close()


def test_store_refuses_a_newer_schema(tmp_path):
    db_path = tmp_path / "quiz.db"
    with sqlite3.connect(db_path) as db:
        db.execute(f"PRAGMA user_version = {quizbox.SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(quizbox.StorageError) as info:
        quizbox.Store(db_path)
    message = str(info.value)
    assert str(db_path) in message
    assert f"schema version {quizbox.SCHEMA_VERSION + 1}" in message
    assert "newer" in message
    with sqlite3.connect(db_path) as db:        # left as it was
        assert db.execute("PRAGMA user_version").fetchone()[0] == quizbox.SCHEMA_VERSION + 1
        assert db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
    db.close()


def test_store_refuses_a_file_that_is_not_a_database(tmp_path):
    db_path = tmp_path / "quiz.db"
    db_path.write_bytes(b"these are my lecture notes, not a database\n" * 200)
    with pytest.raises(quizbox.StorageError) as info:
        quizbox.Store(db_path)
    message = str(info.value)
    assert str(db_path) in message
    assert "not a database" in message
    assert "move it aside" in message


def test_save_submissions_refuses_a_duplicate(tmp_path):
    """An answer is stored once: the primary key keeps a second row out."""
    pool = _restore_pool()
    store = quizbox.Store(tmp_path / "quiz.db")
    with store.atomic():
        store.ensure_session(pool)
    sub = quizbox.Submission("s1", 0, "A", 10, 1000, True, "submitted", T0)
    with store.atomic():
        store.save_submissions(pool.session_id, [sub])
    with pytest.raises(sqlite3.IntegrityError):
        with store.atomic():
            store.save_submissions(pool.session_id, [copy.copy(sub)])
    store.close()


def test_next_from_a_page_that_saw_an_older_question_is_refused():
    """Two devices pressing Next at once must not skip a question."""
    game = game_with(("s1", "Ada"))
    game.next(T0, None)
    with pytest.raises(quizbox.GameError) as refused:
        game.next(T0 + 10, None)          # the second "Start"
    assert refused.value.code == "stale"
    assert game.current_idx == 0 and game.state == quizbox.OPEN
    game.close_question(T0 + 20)
    game.next(T0 + 30, 0)                 # "Next question" seen on question 0
    with pytest.raises(quizbox.GameError):
        game.next(T0 + 40, 0)
    assert game.current_idx == 1
    game.next(T0 + 50)                    # without the field: the contract's next
    assert game.current_idx == 2


def test_a_student_id_is_the_same_however_its_accents_were_typed():
    composed, decomposed = "Ren\u00e9", "Rene\u0301"
    assert quizbox.clean_student_id(composed) == quizbox.clean_student_id(decomposed)


def test_rate_limit_window_and_memory_bound():
    limit = quizbox.RateLimit(2, window=60)
    limit.record("a", at=0)
    limit.record("a", at=1)
    assert limit.blocked("a", at=59) and not limit.blocked("a", at=61)
    for i in range(10_001):
        limit.record(f"10.0.{i // 256}.{i % 256}", at=100)
    limit.record("b", at=200)   # the others have been quiet for a whole window
    assert set(limit.events) == {"b"}


def test_rank_of_follows_the_ranking_and_its_changes():
    game = game_with(("s1", "Ada"), ("s2", "Bo"), ("s3", "Cy"))
    game.next(T0)
    game.submit("s2", 0, "B", T0 + 100)
    assert [game.rank_of(s) for s in ("s1", "s2", "s3")] == [2, 1, 2]
    game.kick("s2")
    assert game.rank_of("s2") is None and game.rank_of("s1") == 1


def test_the_server_clock_ignores_the_wall_clock_being_set_mid_lesson(monkeypatch):
    before = quizbox.now_ms()
    real_time = quizbox.time.time
    monkeypatch.setattr(quizbox.time, "time", lambda: real_time() - 3600)   # set back an hour
    after = quizbox.now_ms()
    assert 0 <= after - before < 1000
    assert abs(before - real_time() * 1000) < 1000   # and it is the wall clock at start
