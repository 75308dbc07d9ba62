"""A small run of the load benchmark's Pi-class mode (issue 14): it runs, and loses nothing.

50 students, 2 questions, unthrottled and then in a CPU quota with every fsync
slowed down: no error, no missing message, every pong back, and every acked
answer in the CSV of a quizbox restarted on the same database after SIGKILL.
Nothing here looks at a time: the figures are the benchmark's to print.
Skipped where this machine cannot make a cgroup CPU quota or has no `cc`.
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

LOAD = Path(__file__).resolve().with_name("load.py")


def load_module():
    spec = importlib.util.spec_from_file_location("quizbox_load_benchmark", LOAD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def load():
    if not sys.platform.startswith("linux"):
        pytest.skip("the Pi-class mode needs Linux cgroups")
    module = load_module()
    problem = module.pi_mode_problem()
    if problem:
        pytest.skip(f"Pi-class mode unavailable here: {problem}")
    return module


def test_cpu_quota_parsing():
    module = load_module()
    assert module.parse_cpu_quota("1/4") == (1000, 4000)
    assert module.parse_cpu_quota("2.5/10") == (2500, 10000)
    for bad in ("1", "a/b", "0.5/4", "1/0.5"):
        with pytest.raises(ValueError):
            module.parse_cpu_quota(bad)


def test_pi_mode_runs_and_loses_nothing(load, tmp_path):
    figures = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(LOAD), "--pi", "--sizes", "50", "--questions", "2", "--procs", "2",
         "--quiet-wait", "0", "--timeout", "240", "--json", str(figures)],
        capture_output=True, text=True, timeout=900, cwd=LOAD.parent.parent)
    output = done.stdout[-6000:] + "\n" + done.stderr[-6000:]
    if done.returncode == load.EXIT_NO_PI:
        pytest.skip(f"Pi-class mode unavailable here: {done.stderr.strip()}")
    assert done.returncode == 0, output
    results = json.loads(figures.read_text())
    assert [r["config"] for r in results] == ["full", "pi"], output
    for r in results:
        assert not r.get("failure"), output
        assert r["errors"] == 0 and r["missing"] == 0, output
        # every student acked on both questions but the one holding back on each
        assert r["durable_acks"] == 50 * 2 - 2 and r["durable_lost"] == 0, output
        assert r["durable_joins"] == 50, output
        assert r["fanout"]["count"] == 50 * 2 and r["reveal"]["count"] == 50 * 2, output
        assert r["bare"]["count"] == 50 * 2, output
        assert r["ping"]["count"] > 0, output
    pi = results[1]
    assert pi["fsync_calls"] > 0, output   # the slow-fsync shim was in quizbox
    assert pi["placement"] and all("outside" in line for line in pi["placement"]), output
    assert "fsync_calls" not in results[0], output   # and only in the Pi-class run


def test_cost_script_runs_and_every_pong_and_ack_comes_back(tmp_path):
    """tests/cost.py, small: it exits 0 only when every pong and ack came back."""
    done = subprocess.run(
        [sys.executable, str(LOAD.with_name("cost.py")), "--students", "20", "--pings-per-s",
         "200", "--seconds", "1", "--questions", "2", "--answers-per-s", "200", "--timeout", "120"],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pings: 200 at 200/s over 20 sockets" in done.stdout, done.stdout
    for q in (0, 1):
        assert f"question {q}: 19 answers at 200/s" in done.stdout, done.stdout
