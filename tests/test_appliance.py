"""The Pi appliance (issue 4): a folder of pools, switching and uploading them
through the real HTTP routes, past sessions' results, the export folder, the
state directory and the join address."""

import json
import os
import stat
import subprocess
import time
import sys
from pathlib import Path

import pytest

from conftest import QuizServer, REPO_ROOT, sample_pool

sys.path.insert(0, str(REPO_ROOT))
import quizbox  # noqa: E402


def write_pool(folder, name, **overrides):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(sample_pool(**overrides)))
    return path


@pytest.fixture
def folder_server(tmp_path):
    """A server playing bio.json from a pools folder that also holds geo.json
    and a broken file, with an export folder."""
    pools = tmp_path / "pools"
    write_pool(pools, "bio.json", session_id="bio")
    write_pool(pools, "geo.json", session_id="geo", title="Geography")
    (pools / "broken.json").write_text('{"title": "Broken", "questions": []}')
    exports = tmp_path / "exports"
    exports.mkdir()
    server = QuizServer(pools / "bio.json", tmp_path / "quiz.db", tmp_path / "server.log",
                        env={"QUIZBOX_POOLS_DIR": str(pools), "QUIZBOX_EXPORT_DIR": str(exports)})
    server.pools, server.exports = pools, exports
    yield server.start()
    server.stop()


def test_pools_are_listed_with_title_count_and_problems(folder_server):
    admin = folder_server.admin_cookie()
    status, body, _ = folder_server.json("GET", "/admin/api/pools", cookie=admin)
    assert status == 200
    pools = {p["file"]: p for p in body["pools"]}
    assert set(pools) == {"bio.json", "geo.json", "broken.json"}
    assert pools["bio.json"]["live"] is True and pools["geo.json"]["live"] is False
    assert pools["geo.json"]["title"] == "Geography"
    assert pools["geo.json"]["question_count"] == 3
    assert pools["broken.json"]["problems"] == ["broken.json: questions: must be a non-empty list"]
    assert folder_server.json("GET", "/admin/api/pools")[0] == 401


def test_switching_pools_moves_the_class_and_keeps_each_session(folder_server):
    server = folder_server
    admin = server.admin_cookie()
    student = server.join("s1", "Ann")
    ws = server.student_ws(student)
    teacher = server.instructor_ws(admin)
    teacher.send_json({"type": "next"})
    ws.recv_until("question_open")
    ws.send_json({"type": "submit", "question_idx": 0, "answer": "B"})
    assert ws.recv_until("submit_ack")["score"] > 0

    # Not while a quiz is running.
    status, body, _ = server.json("POST", "/admin/api/pools/select",
                                  json_body={"file": "geo.json"}, cookie=admin)
    assert (status, body["error"]) == (409, "busy")

    teacher.send_json({"type": "end_session"})
    ws.recv_until("session_ended")
    status, body, _ = server.json("POST", "/admin/api/pools/select",
                                  json_body={"file": "geo.json"}, cookie=admin)
    assert status == 200 and body["sid"] == "geo" and body["state"] == "lobby"
    assert ws.wait_closed() == 4004
    assert teacher.wait_closed() == 4004
    assert server.live_sid() == "geo"

    # The old session's results stay downloadable; the new one is empty.
    status, _, csv_bio = server.request("GET", "/admin/api/csv?sid=bio", cookie=admin)
    assert status == 200 and "s1,Ann" in csv_bio.decode("utf-8-sig")
    _, _, csv_geo = server.request("GET", "/admin/api/csv", cookie=admin)
    assert "Ann" not in csv_geo.decode("utf-8-sig")
    _, body, _ = server.json("GET", "/admin/api/sessions", cookie=admin)
    sessions = {s["sid"]: s for s in body["sessions"]}
    assert sessions["bio"]["state"] == "finished" and sessions["bio"]["participants"] == 1
    assert sessions["geo"]["live"] is True
    assert server.json("GET", "/admin/api/csv?sid=nope", cookie=admin)[0] == 404

    # Switching back resumes the finished session as it was.
    server.json("POST", "/admin/api/pools/select", json_body={"file": "bio.json"}, cookie=admin)
    assert server.live_sid() == "bio"
    assert server.json("GET", "/api/me", cookie=student)[1]["total_score"] > 0


@pytest.mark.parametrize("name, status, code", [
    ("../bio.json", 400, "bad_file"),
    ("bio", 400, "bad_file"),
    ("missing.json", 404, "unknown_pool"),
    ("broken.json", 400, "invalid_pool"),
])
def test_selecting_a_bad_pool_changes_nothing(folder_server, name, status, code):
    admin = folder_server.admin_cookie()
    answer, body, _ = folder_server.json("POST", "/admin/api/pools/select",
                                         json_body={"file": name}, cookie=admin)
    assert (answer, body["error"]) == (status, code)
    assert folder_server.live_sid() == "bio"


def test_upload_validates_saves_and_refuses_to_overwrite(folder_server):
    server, admin = folder_server, folder_server.admin_cookie()
    before = sorted(p.name for p in server.pools.iterdir())
    bad = json.dumps(sample_pool(questions=[{"prompt": "?", "choices": ["a"], "correct": "E"}]))
    status, body, _ = server.json("POST", "/admin/api/pools/upload", cookie=admin,
                                  json_body={"filename": "new.json", "content": bad})
    assert status == 400 and body["error"] == "invalid_pool"
    assert body["problems"] == ["new.json: questions[0].choices: needs 2 to 4 choices, has 1"]
    status, body, _ = server.json("POST", "/admin/api/pools/upload", cookie=admin,
                                  json_body={"filename": "new.json", "content": "{oops"})
    assert status == 400 and "line 1 column 2" in body["message"]
    assert sorted(p.name for p in server.pools.iterdir()) == before

    good = json.dumps(sample_pool(session_id="new", title="Fresh"))
    status, body, _ = server.json("POST", "/admin/api/pools/upload", cookie=admin,
                                  json_body={"filename": "new.json", "content": good})
    assert status == 200 and body["title"] == "Fresh" and body["question_count"] == 3
    assert json.loads((server.pools / "new.json").read_text())["title"] == "Fresh"
    status, body, _ = server.json("POST", "/admin/api/pools/upload", cookie=admin,
                                  json_body={"filename": "new.json", "content": good})
    assert (status, body["error"]) == (409, "exists")
    status, _, _ = server.json("POST", "/admin/api/pools/upload", cookie=admin,
                               json_body={"filename": "new.json", "content": good, "replace": True})
    assert status == 200
    assert not [p for p in server.pools.iterdir() if p.name.endswith(".part")]

    # A cross-site form cannot upload (it cannot send JSON), nor can a stranger.
    status, _, _ = server.request("POST", "/admin/api/pools/upload", cookie=admin,
                                  raw_body=b"filename=x.json&content=1",
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 415
    assert server.json("POST", "/admin/api/pools/upload",
                       json_body={"filename": "y.json", "content": good})[0] == 401


def test_results_are_exported_when_the_quiz_ends(folder_server):
    server = folder_server
    cookie = server.join("=cmd", "Zoë")
    ws = server.student_ws(cookie)
    teacher = server.instructor_ws(server.admin_cookie())
    teacher.send_json({"type": "next"})
    ws.recv_until("question_open")
    ws.send_json({"type": "submit", "question_idx": 0, "answer": "B"})
    ws.recv_until("submit_ack")
    teacher.send_json({"type": "end_session"})
    ws.recv_until("session_ended")
    teacher.recv_until("full_leaderboard")
    files = []
    for _ in range(100):   # the file is written from a thread, just after the end
        files = [p for p in server.exports.iterdir() if p.suffix == ".csv"]
        if files:
            break
        time.sleep(0.05)
    assert not [p for p in server.exports.iterdir() if p.name.endswith(".part")]
    assert len(files) == 1 and files[0].name.startswith("bio_") and files[0].suffix == ".csv"
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o644   # readable off the stick
    text = files[0].read_bytes().decode("utf-8")
    assert text.startswith("\ufeffrank,student_id,name")
    assert "1,'=cmd,Zoë" in text


def test_state_directory_holds_database_secret_password_and_seeded_pools(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    server = QuizServer(tmp_path / "unused.json", state / "quizbox.db", tmp_path / "server.log",
                        password=None, env={"STATE_DIRECTORY": str(state)}, args=[])
    server.start()
    try:
        assert (state / "quizbox.db").exists()
        seeded = sorted(p.name for p in (state / "pools").glob("*.json"))
        assert seeded == sorted(p.name for p in (REPO_ROOT / "pools").glob("*.json"))
        password = (state / "admin_password").read_text().strip()
        for secret in ("admin_password", "secret"):
            assert stat.S_IMODE((state / secret).stat().st_mode) == 0o600
        assert f"Admin password: {password}" in server.log()
        assert server.live_sid() == "science"   # the example pool, with no --pool
        server.password = password
        admin = server.admin_cookie()
        server.json("POST", "/admin/api/pools/select", json_body={"file": "geography.json"},
                    cookie=admin)
        server.stop()
        server.start()   # the live quiz survives a restart with no --pool
        assert server.live_sid() == "geography"
        assert server.admin_cookie() and server.json("GET", "/admin/api/state",
                                                     cookie=admin)[0] == 200
    finally:
        server.stop()


def test_join_address_of_a_server_on_loopback_only_is_loopback(server):
    """Listening on 127.0.0.1 only, the LAN address would not answer: the QR code
    and the printed link show the address that does (issue 9)."""
    admin = server.admin_cookie()
    join_url = server.json("GET", "/admin/api/state", cookie=admin)[1]["join_url"]
    assert join_url == f"http://127.0.0.1:{server.port}/?sid=bio101"
    assert f"http://127.0.0.1:{server.port}/?sid=bio101" in \
        server.log().split("Students:")[1].split("\n")[0]


def test_join_address_rules():
    config = quizbox.Config(host="0.0.0.0", port=80)
    original = quizbox.lan_address
    try:
        quizbox.lan_address = lambda: "192.168.4.1"
        assert quizbox.base_url(config) == "http://192.168.4.1"
        config.port = 8080
        assert quizbox.base_url(config) == "http://192.168.4.1:8080"
        config.host = "10.0.0.7"   # bound to one address: that one
        assert quizbox.base_url(config) == "http://10.0.0.7:8080"
        config.host = "127.0.0.1"  # loopback only: nothing else could answer
        assert quizbox.base_url(config) == "http://127.0.0.1:8080"
        config.host = "::1"
        assert quizbox.base_url(config) == "http://[::1]:8080"
        config.public_url = "http://quiz.school.example"
        assert quizbox.base_url(config) == "http://quiz.school.example"
    finally:
        quizbox.lan_address = original


def test_interface_addresses_come_from_the_kernel():
    addresses = dict(quizbox.interface_addresses())
    assert addresses.get("lo") == "127.0.0.1"
    assert quizbox.lan_address() != "127.0.0.1"


def test_port_in_use_is_a_clear_error(server):
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "quizbox.py"), "--pool", server.pool_path,
         "--db", server.db_path + "-other", "--host", "127.0.0.1", "--port", str(server.port)],
        capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{server.port}" in result.stderr
    assert "--port" in result.stderr


def test_systemd_is_told_when_the_server_is_ready(tmp_path, make_pool):
    """The unit is Type=notify: READY=1 must arrive on $NOTIFY_SOCKET."""
    import socket
    address = str(tmp_path / "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(address)
        listener.settimeout(15)
        server = QuizServer(make_pool(), tmp_path / "quiz.db", tmp_path / "server.log",
                            env={"NOTIFY_SOCKET": address})
        server.start()
        try:
            assert listener.recv(100) == b"READY=1"
        finally:
            server.stop()


def test_the_units_command_serves_port_80_as_an_unprivileged_user(tmp_path):
    """What quizbox.service does, short of systemd: its ExecStart and
    Environment, as an unprivileged user holding only CAP_NET_BIND_SERVICE,
    with a StateDirectory, from a copy installed like the README's /opt/quizbox."""
    import shutil
    import tempfile
    import time
    import urllib.request
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to become an unprivileged user")
    unit = (REPO_ROOT / "quizbox.service").read_text().splitlines()
    exec_start = next(l.split("=", 1)[1] for l in unit if l.startswith("ExecStart="))
    environment = dict(l.split("=", 1)[1].split("=", 1) for l in unit
                       if l.startswith("Environment="))
    assert environment["QUIZBOX_PORT"] == "80"
    skip_if_listening(80)
    install = Path(tempfile.mkdtemp(prefix="quizbox-opt-"))   # /tmp itself: others may enter
    try:
        install.chmod(0o755)
        shutil.copy(REPO_ROOT / "quizbox.py", install / "quizbox.py")
        shutil.copytree(REPO_ROOT / "pools", install / "pools")
        state = install / "state"
        state.mkdir()
        shutil.chown(state, "nobody", "nogroup")
        command = exec_start.replace("/opt/quizbox", str(install)).split()
        env = {"PATH": "/usr/bin:/bin", **environment, "STATE_DIRECTORY": str(state),
               "QUIZBOX_HOST": "127.0.0.1"}
        process = subprocess.Popen(
            ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
             "--inh-caps=+net_bind_service", "--ambient-caps=+net_bind_service", *command],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            body = None
            for _ in range(100):
                try:
                    with urllib.request.urlopen("http://127.0.0.1:80/healthz", timeout=1) as r:
                        body = json.loads(r.read())
                        break
                except OSError:
                    if process.poll() is not None:
                        break
                    time.sleep(0.1)
            assert body and body["ok"], process.communicate(timeout=5)[0]
            owners = {p.name: p.owner() for p in state.iterdir()}
            assert owners["quizbox.db"] == "nobody" and owners["secret"] == "nobody"
            assert sorted(p.name for p in (state / "pools").glob("*.json"))
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        shutil.rmtree(install, ignore_errors=True)


def skip_if_listening(port):
    import socket
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            pytest.skip(f"port {port} is in use on this machine")


def test_a_failed_export_is_told_to_the_teacher_and_loses_nothing(tmp_path, server_factory):
    not_a_folder = tmp_path / "stick"
    not_a_folder.write_text("a file where the USB stick should be")
    server = server_factory(env={"QUIZBOX_EXPORT_DIR": str(not_a_folder)})
    cookie = server.join("s1", "Ann")
    teacher = server.instructor_ws(server.admin_cookie())
    teacher.send_json({"type": "next"})
    student = server.student_ws(cookie)
    student.recv_until("question_open")
    student.send_json({"type": "submit", "question_idx": 0, "answer": "B"})
    student.recv_until("submit_ack")
    teacher.send_json({"type": "end_session"})
    error = teacher.recv_until("error", timeout=10)
    assert error["code"] == "export_failed" and str(not_a_folder) in error["message"]
    _, _, body = server.request("GET", "/admin/api/csv", cookie=server.admin_cookie())
    assert "s1,Ann" in body.decode("utf-8-sig")


@pytest.mark.parametrize("hard, warned", [(8192, False), (1024, True)])
def test_the_open_file_limit_is_raised_for_a_lecture_hall(tmp_path, make_pool, hard, warned):
    """A soft limit of 1,024 files (systemd's and most shells' default) would
    turn away students beyond about a thousand: quizbox raises it to the hard
    limit, and says so when even that is too low for its participant limit."""
    import resource

    def low_soft_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))

    server = QuizServer(make_pool(), tmp_path / "quiz.db", tmp_path / "server.log",
                        preexec_fn=low_soft_limit)
    server.start()
    try:
        limits = Path(f"/proc/{server.proc.pid}/limits").read_text()
        soft = next(line.split()[3] for line in limits.splitlines()
                    if line.startswith("Max open files"))
        assert soft == str(hard)
        assert ("phones can connect" in server.log()) == warned
    finally:
        server.stop()


def test_an_edited_pool_waits_for_the_reset_of_its_quiz(server_factory, make_pool):
    path = make_pool(sample_pool())
    server = server_factory(path)
    admin = server.admin_cookie()
    cookie = server.join("s1", "Ann")
    teacher = server.instructor_ws(admin)
    teacher.send_json({"type": "next"})
    assert teacher.recv_until("question_open")["prompt"] == "Powerhouse of the cell?"
    teacher.close()

    edited = sample_pool()
    edited["questions"][0]["prompt"] = "Which organelle makes ATP?"
    path.write_text(json.dumps(edited))
    server.stop()
    server.start()   # answers belong to the old questions: they stay
    assert "has changed since session" in server.log()
    teacher = server.instructor_ws(admin)
    assert teacher.recv_until("question_open")["prompt"] == "Powerhouse of the cell?"
    teacher.close()

    assert server.json("POST", "/admin/api/reset", json_body={}, cookie=admin)[0] == 200
    teacher = server.instructor_ws(admin)
    teacher.send_json({"type": "next"})
    assert teacher.recv_until("question_open")["prompt"] == "Which organelle makes ATP?"
    teacher.close()
    assert server.json("GET", "/api/me", cookie=cookie)[0] == 401   # wiped: join again
