"""Joining, cookies, the teacher's login and routes, reset, kick and readmit,
over real HTTP and real sockets."""

import base64
import json

import pytest

from qbtest import close_all, close_code, is_error, wait_for
from wsclient import WSClient




def join(server, student_id="s1", name="Ann", sid="bio101"):
    return server.json("POST", "/api/join",
                       json_body={"sid": sid, "student_id": student_id, "name": name})


def cookie_value(cookie):
    name, _, value = cookie.partition("=")
    return name, value


def test_join_validation(server):
    for body in ({"sid": "bio101", "student_id": "s1", "name": ""},
                 {"sid": "bio101", "student_id": "s1", "name": "x" * 41},
                 {"sid": "bio101", "student_id": "s1", "name": "    "},
                 {"sid": "bio101", "student_id": "s1", "name": "\t \u00a0 "},
                 {"sid": "bio101", "student_id": "s1", "name": None},
                 {"sid": "bio101", "student_id": "s1"},
                 {"sid": "bio101", "student_id": "x" * 65, "name": "Ann"},
                 {"sid": "bio101", "student_id": "", "name": "Ann"},
                 {"sid": "bio101", "student_id": "a\nb", "name": "Ann"},
                 {"sid": "bio101", "student_id": 12, "name": "Ann"}):
        status, reply, _ = server.json("POST", "/api/join", json_body=body)
        assert is_error(status, reply, 400), body
    status, reply, _ = join(server, sid="chem999")
    assert is_error(status, reply, 404)
    for raw, content_type in ((b"not json", "application/json"),
                              (b'["bio101", "s1", "Ann"]', "application/json"),
                              (b'{"sid": "bio101", "student_id": "s1", "name": "Ann"}',
                               "text/plain"),
                              (b"sid=bio101&student_id=s1&name=Ann",
                               "application/x-www-form-urlencoded")):
        status, _, body = server.request("POST", "/api/join", raw_body=raw,
                                         headers={"Content-Type": content_type})
        assert is_error(status, json.loads(body)), raw
    status, reply, _ = server.json("GET", "/admin/api/state",
                                   cookie=server.admin_cookie())
    assert reply["participant_count"] == 0, "a refused join left a participant behind"

    # the limits themselves are fine; names are trimmed
    status, reply, headers = join(server, "x" * 64, "  " + "N" * 40 + "  ")
    assert status == 200 and reply == {"ok": True, "sid": "bio101", "student_id": "x" * 64,
                                       "name": "N" * 40}
    set_cookie = headers["Set-Cookie"]
    assert "httponly" in set_cookie.lower() and "path=/" in set_cookie.lower()


def test_identity_cookie_and_forgeries(server):
    ann = server.join("s1", "Ann")
    server.join("s2", "Bob")
    status, me, _ = server.json("GET", "/api/me", cookie=ann)
    assert status == 200 and (me["student_id"], me["name"]) == ("s1", "Ann")
    assert me["total_score"] == 0 and me["rank"] == 1 and me["submissions"] == []
    status, body, _ = server.json("GET", "/api/me")
    assert is_error(status, body, 401)

    name, value = cookie_value(ann)
    payload, mac = value.split(".")
    flipped = mac[:5] + ("A" if mac[5] != "A" else "B") + mac[6:]
    s2_payload = base64.urlsafe_b64encode(json.dumps(["bio101", "s2"]).encode()).decode()
    forged = [
        f"{name}={payload}.{flipped}",                          # tampered signature
        f"{name}={s2_payload.rstrip('=')}.{mac}",               # someone else's id, my MAC
        f"{name}={s2_payload.rstrip('=')}",                     # unsigned
        f"{name}=" + json.dumps(["bio101", "s2"]),
        f"{name}=garbage",
    ]
    sockets = []
    try:
        for cookie in forged:
            status, body, _ = server.json("GET", "/api/me", cookie=cookie)
            assert is_error(status, body, 401), cookie
            ws = server.student_ws(cookie, sid="bio101")
            sockets.append(ws)
            assert close_code(ws) == 4001, cookie
        # the real cookie on another session's socket, or on the teacher's socket
        ws = server.student_ws(ann, sid="chem999")
        sockets.append(ws)
        assert close_code(ws) == 4001
        ws = server.instructor_ws(ann)
        sockets.append(ws)
        assert close_code(ws) == 4001
        ws = server.student_ws(ann)
        sockets.append(ws)
        assert ws.recv_json()["type"] == "state"
    finally:
        close_all(sockets)


def test_admin_routes_login_logout_and_origin(server):
    for method, path in (("GET", "/admin/api/state"), ("GET", "/admin/api/csv"),
                         ("POST", "/admin/api/reset"), ("GET", "/api/stats?question_idx=0")):
        status, body, _ = server.json(method, path, json_body={} if method == "POST" else None)
        assert is_error(status, body, 401), path
    status, body, _ = server.json("POST", "/admin/login", json_body={"password": "nope"})
    assert is_error(status, body, 401)

    admin = server.admin_cookie()
    status, state, _ = server.json("GET", "/admin/api/state", cookie=admin)
    assert status == 200
    for key in ("title", "question_count", "state", "current_question_idx",
                "participant_count", "join_url", "qr_svg"):
        assert key in state, key
    assert state["title"] == "Cell biology" and state["question_count"] == 3
    assert (state["state"], state["current_question_idx"]) == ("lobby", None)
    assert state["participant_count"] == 0
    assert state["qr_svg"].lstrip().startswith("<svg")
    assert state["join_url"].endswith("/?sid=bio101")

    sockets = []
    try:
        for origin in ("http://evil.example", f"http://localhost:{server.port}", None):
            ws = WSClient.connect(f"{server.ws_base}/ws/instructor/bio101", cookie=admin,
                                  origin=origin)
            sockets.append(ws)
            assert close_code(ws) == 4001, origin
        ws = server.instructor_ws(admin, sid="chem999")
        sockets.append(ws)
        assert close_code(ws) == 4004
        ws = server.instructor_ws(admin)
        sockets.append(ws)
        assert ws.recv_json()["type"] == "state"

        status, headers, _ = server.request("POST", "/admin/logout", cookie=admin)
        assert status == 200
        cleared = headers["Set-Cookie"]
        name = admin.split("=", 1)[0]
        assert cleared.startswith(f"{name}=;") or "max-age=0" in cleared.lower(), cleared
        after = cleared.split(";", 1)[0]
        status, body, _ = server.json("GET", "/admin/api/state", cookie=after)
        assert is_error(status, body, 401)
    finally:
        close_all(sockets)


def test_login_rate_limit(server):
    for _ in range(5):
        status, body, _ = server.json("POST", "/admin/login", json_body={"password": "wrong"})
        assert is_error(status, body, 401)
    for password in (server.password, "wrong", server.password):
        status, body, _ = server.json("POST", "/admin/login", json_body={"password": password})
        assert is_error(status, body, 429), password


def test_public_url_is_the_join_url_and_an_allowed_origin(server_factory):
    server = server_factory(env={"QUIZBOX_PUBLIC_URL": "https://quiz.school.example/"})
    admin = server.admin_cookie()
    status, state, _ = server.json("GET", "/admin/api/state", cookie=admin)
    assert state["join_url"] == "https://quiz.school.example/?sid=bio101"
    ws = WSClient.connect(f"{server.ws_base}/ws/instructor/bio101", cookie=admin,
                          origin="https://quiz.school.example")
    try:
        assert ws.recv_json()["type"] == "state"
    finally:
        ws.close()


def test_pages_redirect_and_health(server):
    status, headers, _ = server.request("GET", "/")
    assert status == 302 and headers["Location"].endswith("/?sid=bio101")
    status, headers, _ = server.request("GET", "/?sid=old-quiz")
    assert status == 302 and headers["Location"].endswith("/?sid=bio101")
    status, headers, body = server.request("GET", "/?sid=bio101")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    status, headers, body = server.request("GET", "/admin/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")

    status, health, _ = server.json("GET", "/healthz")
    assert status == 200 and health["ok"] is True
    assert health["sessions_active"] == 1 and health["ws_clients"] == 0
    ann = server.join("s1", "Ann")
    admin = server.admin_cookie()
    sockets = [server.student_ws(ann), server.instructor_ws(admin)]
    try:
        for ws in sockets:
            ws.recv_json()
        assert server.json("GET", "/healthz")[1]["ws_clients"] == 2
    finally:
        close_all(sockets)
    wait_for(lambda: server.json("GET", "/healthz")[1]["ws_clients"] == 0,
             message="ws_clients back to 0")


def test_reset_kick_and_readmit(server):
    admin = server.admin_cookie()
    cookies = {sid: server.join(sid, name) for sid, name in
               (("s1", "Ann"), ("s2", "Bob"), ("s3", "Cid"))}
    ins = server.instructor_ws(admin)
    phones = {sid: server.student_ws(c) for sid, c in cookies.items()}
    sockets = [ins, *phones.values()]
    try:
        for ws in phones.values():
            ws.recv_until("state")
        # kick: the socket closes 4003; joining again is refused with 403 kicked
        ins.send_json({"type": "kick", "student_id": "s2"})
        assert close_code(phones["s2"]) == 4003
        status, body, _ = join(server, "s2", "Bob")
        assert is_error(status, body, 403, "kicked")
        status, body, _ = join(server, "s2", "Someone Else")
        assert is_error(status, body, 403, "kicked")
        ws = server.student_ws(cookies["s2"])
        sockets.append(ws)
        assert close_code(ws) == 4003
        lobby = ins.recv_until("lobby_update")
        while "s2" in [p["student_id"] for p in lobby["participants"]]:
            lobby = ins.recv_until("lobby_update")
        assert lobby["count"] == 2
        assert server.json("GET", "/admin/api/state", cookie=admin)[1]["participant_count"] == 2

        # readmit: they may join again (from their own phone) and play
        ins.send_json({"type": "readmit", "student_id": "s2"})
        status, body, headers = wait_for(
            lambda: (lambda r: r if r[0] == 200 else None)(server.json(
                "POST", "/api/join", cookie=cookies["s2"],
                json_body={"sid": "bio101", "student_id": "s2", "name": "Bob"})),
            timeout=3, message="readmitted join")
        phones["s2"] = server.student_ws(cookies["s2"])
        sockets.append(phones["s2"])
        assert phones["s2"].recv_json()["type"] == "state"
        ins.send_json({"type": "next"})
        for ws in phones.values():
            assert ws.recv_until("question_open")["question_idx"] == 0
        phones["s2"].send_json({"type": "submit", "question_idx": 0, "answer": "B"})
        assert phones["s2"].recv_until("submit_ack")["answer"] == "B"

        # reset over HTTP: sockets close 4002, participants and answers are gone
        status, body, _ = server.json("POST", "/admin/api/reset", cookie=admin, json_body={})
        assert status == 200
        for sid, ws in phones.items():
            assert close_code(ws) == 4002, sid
        snapshot = ins.recv_until("state")
        assert (snapshot["state"], snapshot["current_question_idx"]) == ("lobby", None)
        status, state, _ = server.json("GET", "/admin/api/state", cookie=admin)
        assert state["participant_count"] == 0 and state["state"] == "lobby"
        for cookie in cookies.values():
            assert server.json("GET", "/api/me", cookie=cookie)[0] == 401
        ws = server.student_ws(cookies["s1"])
        sockets.append(ws)
        assert close_code(ws) == 4001
        rows = server.request("GET", "/admin/api/csv", cookie=admin)[2].decode("utf-8-sig")
        assert rows.strip().count("\n") == 0, "the CSV still has rows after a reset"
        # and everyone may join again, the kicked one included
        for sid in ("s1", "s2"):
            assert join(server, sid, "Again")[0] == 200
    finally:
        close_all(sockets)


def test_joins_are_rate_limited_per_address(server_factory):
    server = server_factory(env={"QUIZBOX_JOINS_PER_MINUTE": "3"})
    for n in range(3):
        assert join(server, f"s{n}", f"Student {n}")[0] == 200
    status, body, _ = join(server, "s9", "One Too Many")
    assert is_error(status, body, 429)
    status, state, _ = server.json("GET", "/admin/api/state", cookie=server.admin_cookie())
    assert state["participant_count"] == 3


def test_switching_the_live_quiz_closes_sockets_with_4004(server_factory, tmp_path):
    pools = tmp_path / "pool-folder"
    pools.mkdir()
    chem = {"title": "Chemistry", "session_id": "chem1", "time_limit_default": 20,
            "questions": [{"prompt": "H2O is?", "choices": ["Water", "Salt"], "correct": "A"}]}
    (pools / "chem.json").write_text(json.dumps(chem))
    server = server_factory(env={"QUIZBOX_POOLS_DIR": str(pools)})
    admin = server.admin_cookie()
    ann = server.join("s1", "Ann")
    ins, phone = server.instructor_ws(admin), server.student_ws(ann)
    sockets = [ins, phone]
    try:
        ins.send_json({"type": "next"})
        phone.recv_until("question_open")
        status, body, _ = server.json("POST", "/admin/api/pools/select", cookie=admin,
                                      json_body={"file": "chem.json"})
        assert is_error(status, body), "switched in the middle of a question"
        assert server.live_sid() == "bio101"
        ins.send_json({"type": "end_session"})
        phone.recv_until("session_ended")
        status, body, _ = server.json("POST", "/admin/api/pools/select", cookie=admin,
                                      json_body={"file": "chem.json"})
        assert status == 200 and body["sid"] == "chem1"
        assert close_code(phone) == 4004 and close_code(ins) == 4004
        assert server.live_sid() == "chem1"
        status, body, _ = server.json("GET", "/api/me", cookie=ann)
        assert is_error(status, body, 401)
        status, body, _ = join(server, "s1", "Ann", sid="bio101")
        assert is_error(status, body, 404)
        ws = server.instructor_ws(admin, sid="bio101")
        sockets.append(ws)
        assert close_code(ws) == 4004
        ws = server.instructor_ws(admin, sid="chem1")
        sockets.append(ws)
        assert ws.recv_json()["state"] == "lobby"
    finally:
        close_all(sockets)


@pytest.mark.parametrize("how", ["refused", "kicked"])
def test_our_close_frame_is_the_last_frame_on_the_wire(server, how):
    """A second close frame after ours makes browsers report 1006 instead of
    4001-4004 (seen in Chromium), so the page could not say why it was closed."""
    import time as _time
    from wsclient import parse_frame
    if how == "refused":
        client = server.student_ws("qb_student=forged.token")
        expected = 4001
    else:
        cookie = server.join("s1", "Ann")
        client = server.student_ws(cookie)
        client.recv_json()   # the state snapshot
        ins = server.instructor_ws(server.admin_cookie())
        ins.send_json({"type": "kick", "student_id": "s1"})
        expected = 4003
    frames, deadline = [], _time.monotonic() + 5
    while _time.monotonic() < deadline:
        frame = parse_frame(client._buf)
        if frame:
            del client._buf[:frame[3]]
            frames.append(frame)
            if frame[1] == 0x8 and len([f for f in frames if f[1] == 0x8]) == 1:
                client.send_raw_frame(0x8, frame[2][:2])   # the answer a browser sends
            continue
        chunk = client.sock.recv(65536)
        if not chunk:
            break
        client._buf += chunk
    closes = [f for f in frames if f[1] == 0x8]
    assert len(closes) == 1, frames
    assert int.from_bytes(closes[0][2][:2], "big") == expected
    assert frames[-1] is closes[0]


@pytest.mark.parametrize("path", ["/?sid=bio101", "/admin/"])
def test_pages_run_only_their_own_script(server, path):
    """Content-Security-Policy: only the page's own inline script, by hash;
    nothing from another origin. Injected markup could not run a script."""
    import base64
    import hashlib
    import re
    status, headers, body = server.request("GET", path)
    assert status == 200
    policy = dict(part.strip().split(" ", 1) for part in
                  headers["Content-Security-Policy"].split(";") if part.strip())
    scripts = re.findall(r"<script>(.*?)</script>", body.decode(), re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert policy["script-src"] == f"'sha256-{digest}'"
    assert policy["default-src"] == "'none'" and policy["connect-src"] == "'self'"
    assert "http" not in headers["Content-Security-Policy"]
