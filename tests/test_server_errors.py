"""Every error code of the contract, over a real socket where the server can
be made to send it, and through the game engine where it cannot."""

import contextlib
import importlib.util
import json
import time

import pytest

from conftest import QUIZBOX, sample_pool
from qbtest import close_all, close_code, error_reply, get_csv

SUBMIT = {"type": "submit", "question_idx": 0, "answer": "B"}


def submit(**fields):
    return lambda ws: ws.send_json({**SUBMIT, **fields})


def text(raw):
    return lambda ws: ws.send_text(raw)


BAD_FRAMES = [
    ("not JSON", text("not json {"), "bad_message"),
    ("a JSON array", text(json.dumps([SUBMIT])), "bad_message"),
    ("a JSON string", text('"submit"'), "bad_message"),
    ("no type", lambda ws: ws.send_json({"question_idx": 0, "answer": "B"}), "bad_message"),
    ("type not text", lambda ws: ws.send_json({**SUBMIT, "type": 7}), "bad_message"),
    ("unknown type", lambda ws: ws.send_json({"type": "fly"}), "bad_message"),
    ("a teacher's command", lambda ws: ws.send_json({"type": "next"}), "bad_message"),
    ("frame over 4 KiB", submit(pad="x" * 4200), "bad_message"),
    ("question_idx a string", submit(question_idx="0"), "bad_question"),
    ("question_idx -1", submit(question_idx=-1), "bad_question"),
    ("question_idx 99", submit(question_idx=99), "bad_question"),
    ("question_idx true", submit(question_idx=True), "bad_question"),
    ("question_idx 0.5", submit(question_idx=0.5), "bad_question"),
    ("question_idx missing", lambda ws: ws.send_json({"type": "submit", "answer": "B"}),
     "bad_question"),
    ("answer E", submit(answer="E"), "bad_answer"),
    ("answer Z", submit(answer="Z"), "bad_answer"),
    ("answer empty", submit(answer=""), "bad_answer"),
    ("answer null", submit(answer=None), "bad_answer"),
    ("answer a number", submit(answer=1), "bad_answer"),
    ("answer a list", submit(answer=["B"]), "bad_answer"),
    ("another question", submit(question_idx=1, answer="A"), "not_open"),
    ("a later question", submit(question_idx=2, answer="A"), "not_open"),
]


@pytest.fixture
def two_students(server):
    """Ann (s1) and Bob (s2) connected, the teacher's socket, question 0 open:
    (admin cookie, Ann's cookie, teacher, Ann's socket, Bob's socket)."""
    admin = server.admin_cookie()
    ann, bob = server.join("s1", "Ann"), server.join("s2", "Bob")
    ins = server.instructor_ws(admin)
    a, b = server.student_ws(ann), server.student_ws(bob)
    ins.send_json({"type": "next"})
    a.recv_until("question_open")
    b.recv_until("question_open")
    yield admin, ann, ins, a, b
    close_all([ins, a, b])


def test_bad_frames_get_errors_store_nothing_and_leave_the_socket_usable(server, two_students):
    admin, ann, ins, a, b = two_students
    before = get_csv(server, admin)
    for label, send, code in BAD_FRAMES:
        reply = error_reply(a, send)
        assert reply["type"] == "error", (label, reply)
        assert reply["code"] == code, (label, reply)
        assert isinstance(reply["message"], str) and reply["message"], label
    assert get_csv(server, admin) == before, "a bad frame changed the results"
    status, me, _ = server.json("GET", "/api/me", cookie=ann)
    assert me["submissions"] == [] and me["total_score"] == 0
    status, state, _ = server.json("GET", "/admin/api/state", cookie=admin)
    assert (state["state"], state["current_question_idx"]) == ("question_open", 0)

    # still usable: a ping, then a valid answer
    assert error_reply(a, lambda ws: ws.send_json({"type": "ping"}))["type"] == "pong"
    ack = error_reply(a, submit())
    assert ack["type"] == "submit_ack" and ack["answer"] == "B"
    assert get_csv(server, admin) != before

    # after the close: a question not open any more; the first ack stays the answer
    ins.send_json({"type": "close_question"})
    b.recv_until("question_closed")
    assert error_reply(b, submit())["code"] == "not_open"
    assert error_reply(a, submit(answer="C")) == ack
    # the teacher's socket answers bad frames the same way
    assert error_reply(ins, text("{oops"))["code"] == "bad_message"
    assert error_reply(ins, lambda ws: ws.send_json(
        {"type": "open_question", "question_idx": "x"}))["code"] == "bad_question"
    assert error_reply(ins, lambda ws: ws.send_json({"type": "submit"}))["code"] \
        == "bad_message"
    assert error_reply(ins, lambda ws: ws.send_json({"type": "ping"}))["type"] == "pong"


def test_a_very_large_frame_gets_bad_message_too(two_students):
    """Over the server's 64 KiB wire limit too (it used to drop the TCP
    connection with no error and no close code)."""
    admin, ann, ins, a, b = two_students
    reply = error_reply(a, submit(pad="x" * 70_000))
    assert reply["type"] == "error" and reply["code"] == "bad_message"
    assert error_reply(a, submit())["type"] == "submit_ack"


def test_kicked_student_socket_is_closed_not_answered(server, two_students):
    """not_joined cannot reach a student socket: the only ways a participant
    stops being one (kick, reset) close its sockets first (4003 / 4002), and
    anything sent meanwhile is neither answered nor stored."""
    admin, ann, ins, a, b = two_students
    ins.send_json({"type": "kick", "student_id": "s1"})
    assert close_code(a) == 4003
    again = server.student_ws(ann)
    assert close_code(again) == 4003
    status, body, _ = server.json("GET", "/api/me", cookie=ann)
    assert status == 403 and body["error"] == "kicked"   # the page can say why


# The engine, for what a socket cannot reach on purpose ######################

@pytest.fixture(scope="module")
def qb():
    spec = importlib.util.spec_from_file_location("quizbox_under_test", QUIZBOX)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)   # not run as __main__: no gevent monkey-patching
    return module


def test_time_expired_when_open_but_time_is_up(qb):
    """Over a socket this needs a submit between the deadline and the timer's
    close (the same millisecond), so it is checked on the engine."""
    game = qb.Game(qb.parse_pool(sample_pool(), "pool.json"))
    game.join("s1", "Ann", 0)
    game.join("s2", "Bob", 0)
    game.open_question(0, 1_000, 5)
    with pytest.raises(qb.GameError) as caught:
        game.submit("s1", 0, "B", 6_001)
    assert caught.value.code == "time_expired"
    assert game.state == "question_open" and 0 not in game.participants["s1"].answers
    submission, _ = game.submit("s2", 0, "B", 5_999)
    assert submission.elapsed_ms == 4_999 and submission.score == round(1000 * (1 - 4999 / 5000 / 2))


def test_not_joined_for_unknown_or_kicked_student(qb):
    game = qb.Game(qb.parse_pool(sample_pool(), "pool.json"))
    game.join("s1", "Ann", 0)
    game.join("s2", "Bob", 0)
    game.open_question(0, 1_000)
    for student_id in ("nobody", "s2"):
        if student_id == "s2":
            game.kick("s2")
        with pytest.raises(qb.GameError) as caught:
            game.submit(student_id, 0, "B", 2_000)
        assert caught.value.code == "not_joined"


def test_two_devices_pressing_next_at_once_advance_one_step(server):
    admin = server.admin_cookie()
    server.join("s1", "Ann")
    laptop, phone = server.instructor_ws(admin), server.instructor_ws(admin)
    laptop.send_json({"type": "next", "current_question_idx": None})
    phone.send_json({"type": "next", "current_question_idx": None})
    assert laptop.recv_until("question_open")["question_idx"] == 0
    assert phone.recv_until("question_open")["question_idx"] == 0
    time.sleep(0.3)   # whichever press came second has been answered by now
    for device in (laptop, phone):
        with contextlib.suppress(TimeoutError):
            while True:
                device.recv_json(timeout=0.2)   # every message lands in .seen
    errors = [m["code"] for d in (laptop, phone) for m in d.seen if m["type"] == "error"]
    assert errors == ["stale"]
    status, state, _ = server.json("GET", "/admin/api/state", cookie=admin)
    assert state["current_question_idx"] == 0 and state["state"] == "question_open"
    close_all([laptop, phone])
