import time
from test_controls import *
from test_controls import room  # fixture

def test_dbg(room):
    r = room(["a", "b"])
    a = r.phones["a"]
    T0 = time.monotonic()
    r.command({"type": "open_question", "question_idx": 0, "time_limit": 60})
    for ws in r.everyone():
        ws.recv_until("question_open")
    submit(a, "B")
    assert reply_to_submit(a)["type"] == "submit_ack"
    r.phones["b"].close()
    time.sleep(3)
    b = r.phones["b"] = r.server.student_ws(r.cookies["b"], sid=SID)
    b.recv_until("question_open")
    submit(b, "B")
    ack = reply_to_submit(b)
    closed = b.recv_until("question_closed", timeout=5)
    print("closed0", time.monotonic() - T0)
    r.command({"type": "open_question", "question_idx": 1, "time_limit": 60})
    for ws in r.everyone():
        ws.recv_until("question_open")
    submit(a, "A")
    print(reply_to_submit(a))
    b.close()
    left = time.monotonic()
    print("left", left - T0)
    try:
        closed = a.recv_until("question_closed", timeout=20)
        print("closed after", time.monotonic() - left)
    except TimeoutError:
        print("NOT CLOSED")
        print([m["type"] for m in a.seen])
        print(r.server.log())
        raise
