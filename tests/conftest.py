"""Shared test harness: run the real quizbox.py as a subprocess and talk to it
over HTTP (urllib) and WebSocket (tests/wsclient.py)."""

import collections
import json as jsonlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wsclient import WSClient  # noqa: E402  (needs the path above)

REPO_ROOT = Path(__file__).resolve().parent.parent
QUIZBOX = REPO_ROOT / "quizbox.py"
DEFAULT_PASSWORD = "teacher-pass"


def free_port():
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sample_pool(**overrides):
    """A fresh pool dict in the CONTRACT.md format: two scored questions and a
    poll; keyword arguments replace top-level fields."""
    pool = {
        "title": "Cell biology",
        "session_id": "bio101",
        "time_limit_default": 20,
        "score_fn": "speed",
        "questions": [
            {"prompt": "Powerhouse of the cell?",
             "choices": ["Nucleus", "Mitochondrion", "Ribosome", "Golgi"],
             "correct": "B",
             "explanation": "Mitochondria make most of the cell's ATP."},
            {"prompt": "Where is DNA kept?",
             "choices": ["Nucleus", "Membrane", "Cytoplasm"],
             "correct": "A",
             "time_limit": 30},
            {"prompt": "Did you enjoy this unit?",
             "choices": ["Yes", "No"],
             "correct": None},
        ],
    }
    pool.update(overrides)
    return pool


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Tests look at redirects themselves (GET / answers 302)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# No proxies: a developer's http_proxy must not intercept 127.0.0.1.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def _cookie_pairs(headers):
    """The name=value part of every Set-Cookie, ready for a Cookie header."""
    pairs = [h.split(";", 1)[0].strip() for h in headers.get_all("Set-Cookie") or []]
    return "; ".join(p for p in pairs if p)


class QuizServer:
    """One `quizbox.py serve` subprocess on its own port, database and log."""

    def __init__(self, pool_path, db_path, log_path, port=None,
                 password=DEFAULT_PASSWORD, env=None, args=None, preexec_fn=None):
        # args, when given, replace "--pool P --db D" (e.g. to test defaults).
        # preexec_fn runs in the child before quizbox starts (e.g. setrlimit).
        self.args = args
        self.preexec_fn = preexec_fn
        self.pool_path = str(pool_path)
        self.db_path = str(db_path)
        self.log_path = str(log_path)
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws_base = f"ws://127.0.0.1:{self.port}"
        self.password = password
        self.extra_env = dict(env or {})
        self.proc = None

    # Process ---------------------------------------------------------------

    def _env(self):
        # The developer's own QUIZ* settings must not leak into a test server.
        env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZ")}
        env["PYTHONUNBUFFERED"] = "1"  # the log is complete when we read it
        if self.password is not None:
            env["QUIZBOX_ADMIN_PASSWORD"] = self.password
        env.update(self.extra_env)
        return env

    def start(self, timeout=15.0):
        chosen = self.args if self.args is not None else [
            "--pool", self.pool_path, "--db", self.db_path]
        cmd = [sys.executable, str(QUIZBOX), "serve", *chosen,
               "--host", "127.0.0.1", "--port", str(self.port)]
        with open(self.log_path, "ab") as log:  # append: a restart keeps old lines
            self.proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=self._env(),
                                         stdout=log, stderr=subprocess.STDOUT,
                                         preexec_fn=self.preexec_fn)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"quizbox exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with _OPENER.open(self.base + "/healthz", timeout=1) as resp:
                    if resp.status == 200:
                        return self
            except (OSError, urllib.error.URLError):
                pass  # not listening yet
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"quizbox did not answer /healthz within {timeout}s:\n{self.log()}")

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """SIGTERM, then SIGKILL if it has not exited within 5 s."""
        if self.running:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self):
        """SIGKILL: a crash, with no chance to clean up."""
        if self.running:
            self.proc.kill()
            self.proc.wait()

    def restart(self):
        """Start again on the same port, database and pool."""
        self.stop()
        return self.start()

    def log(self):
        try:
            return Path(self.log_path).read_text(errors="replace")
        except FileNotFoundError:
            return ""

    # HTTP ------------------------------------------------------------------

    def request(self, method, path, json_body=None, cookie=None, headers=None,
                raw_body=None):
        """(status, headers, body bytes); 4xx/5xx and redirects are returned,
        not raised."""
        all_headers = dict(headers or {})
        data = raw_body
        if json_body is not None:
            data = jsonlib.dumps(json_body).encode("utf-8")
            all_headers.setdefault("Content-Type", "application/json")
        if cookie:
            all_headers["Cookie"] = cookie
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers=all_headers)
        try:
            with _OPENER.open(req, timeout=10) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            with err:
                return err.code, err.headers, err.read()

    def json(self, method, path, **kwargs):
        """(status, parsed JSON or None, headers)."""
        status, headers, body = self.request(method, path, **kwargs)
        try:
            parsed = jsonlib.loads(body)
        except ValueError:
            parsed = None
        return status, parsed, headers

    def live_sid(self):
        """The live session id, from the redirect of GET /."""
        status, headers, _ = self.request("GET", "/")
        assert status == 302, f"GET / answered {status}, expected 302"
        return parse_qs(urlsplit(headers["Location"]).query)["sid"][0]

    def join(self, student_id, name, sid=None):
        """Join as a student; returns the Cookie header value to send back."""
        sid = sid or self.live_sid()
        status, body, headers = self.json(
            "POST", "/api/join",
            json_body={"sid": sid, "student_id": student_id, "name": name})
        assert status == 200, f"join answered {status}: {body}"
        cookie = _cookie_pairs(headers)
        assert cookie, "join set no cookie"
        return cookie

    def admin_cookie(self):
        """Log in as the teacher; returns the Cookie header value."""
        status, body, headers = self.json(
            "POST", "/admin/login", json_body={"password": self.password})
        assert status == 200, f"admin login answered {status}: {body}"
        cookie = _cookie_pairs(headers)
        assert cookie, "admin login set no cookie"
        return cookie

    # WebSocket -------------------------------------------------------------

    def student_ws(self, cookie, sid=None):
        return WSClient.connect(f"{self.ws_base}/ws/student/{sid or self.live_sid()}",
                                cookie=cookie)

    def instructor_ws(self, cookie, sid=None):
        return WSClient.connect(f"{self.ws_base}/ws/instructor/{sid or self.live_sid()}",
                                cookie=cookie, origin=self.base)


@pytest.fixture
def make_pool(tmp_path):
    """make_pool(pool=None, name="pool.json") -> path of the written pool file.

    Each call writes into its own folder, so `name` (whose stem is the session
    id when the pool has none) never overwrites an earlier pool."""
    count = 0

    def make(pool=None, name="pool.json"):
        nonlocal count
        count += 1
        folder = tmp_path / f"pools{count}"
        folder.mkdir()
        path = folder / name
        path.write_text(jsonlib.dumps(sample_pool() if pool is None else pool, indent=2))
        return path

    return make


@pytest.fixture
def server_factory(tmp_path, make_pool):
    """server_factory(pool=None, env=None, password=..., port=None) -> a started
    QuizServer. pool is a dict, a path, or None for sample_pool(); password
    None leaves QUIZBOX_ADMIN_PASSWORD unset. All are stopped at teardown."""
    servers = []

    def make(pool=None, env=None, password=DEFAULT_PASSWORD, port=None):
        pool_path = pool if isinstance(pool, (str, Path)) else make_pool(pool)
        folder = tmp_path / f"server{len(servers) + 1}"
        folder.mkdir()
        server = QuizServer(pool_path, folder / "quiz.db", folder / "server.log",
                            port=port, password=password, env=env)
        servers.append(server)
        return server.start()

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def server(server_factory):
    """A started server on sample_pool()."""
    return server_factory()


# Figures the reliability tests count (faults injected, inputs tried, answers
# lost), printed at the end of the run for the README's reliability section.
FIGURES = collections.Counter()


@pytest.fixture(scope="session")
def figures():
    """A Counter: figures["faults injected"] += 1 and so on."""
    return FIGURES


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.write_sep("-", "reliability figures")
        for name, value in sorted(FIGURES.items()):
            terminalreporter.write_line(f"{name}: {value}")
