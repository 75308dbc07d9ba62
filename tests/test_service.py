"""Tests for the systemd unit (quizbox.service) and the example pools.

These need neither quizbox.py nor a running systemd: `systemd-analyze verify`
works offline on a unit file, and the rest is plain parsing.
"""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
UNIT = ROOT / "quizbox.service"
POOLS = sorted((ROOT / "pools").glob("*.json"))
LETTERS = "ABCD"


def _unit_settings():
    """The unit as {section: {key: [values...]}}; repeated keys keep every value."""
    sections, section = {}, None
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = sections.setdefault(line[1:-1], {})
            continue
        assert section is not None, "setting outside a section: %r" % raw
        assert "=" in line, "not a key=value line: %r" % raw
        key, value = line.split("=", 1)
        section.setdefault(key.strip(), []).append(value.strip())
    return sections


# The unit ####################################################################

def test_systemd_analyze_verify_accepts_the_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (apt install systemd)")
    unit = tmp_path / "quizbox.service"
    shutil.copy(UNIT, unit)
    env = dict(os.environ, SYSTEMD_LOG_LEVEL="warning", SYSTEMD_LOG_COLOR="0")
    proc = subprocess.run(
        [analyze, "verify", "--man=no", str(unit)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    output = proc.stdout + proc.stderr
    print(output)
    assert proc.returncode == 0, output
    # verify exits 0 on unknown keys and bad values, only warning about them.
    complaints = [l for l in output.splitlines() if "quizbox.service" in l]
    assert complaints == [], output


def test_unit_is_hardened():
    unit = _unit_settings()
    svc = unit["Service"]

    def one(key):
        assert key in svc, "%s= is missing" % key
        return svc[key][-1]

    assert one("Type") == "notify"
    assert one("NotifyAccess") == "main"
    assert "TimeoutStartSec" in svc
    assert one("ExecStart").startswith("/usr/bin/python3 /opt/quizbox/quizbox.py")
    assert one("Restart") == "on-failure"
    assert one("RestartSec") == "2"

    # Unprivileged, never root.
    assert one("DynamicUser") == "yes" or one("User") not in ("root", "0")
    assert svc.get("User", ["quizbox"])[-1] not in ("root", "0")
    assert svc.get("Group", ["quizbox"])[-1] not in ("root", "0")
    assert one("StateDirectory") == "quizbox"
    assert one("UMask") == "0077"

    # Port 80 through one capability, and nothing else.
    assert one("AmbientCapabilities") == "CAP_NET_BIND_SERVICE"
    assert one("CapabilityBoundingSet") == "CAP_NET_BIND_SERVICE"
    env = " ".join(svc.get("Environment", []))
    assert "QUIZBOX_PORT=80" in env
    assert "PYTHONUNBUFFERED=1" in env
    assert "-/etc/default/quizbox" in svc.get("EnvironmentFile", [])

    for key, value in [
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("PrivateDevices", "yes"),
        ("ProtectKernelTunables", "yes"),
        ("ProtectKernelModules", "yes"),
        ("ProtectKernelLogs", "yes"),
        ("ProtectControlGroups", "yes"),
        ("ProtectClock", "yes"),
        ("ProtectHostname", "yes"),
        ("RestrictNamespaces", "yes"),
        ("RestrictRealtime", "yes"),
        ("RestrictSUIDSGID", "yes"),
        ("LockPersonality", "yes"),
        ("MemoryDenyWriteExecute", "yes"),
        ("SystemCallArchitectures", "native"),
        ("MemoryMax", "300M"),
    ]:
        assert one(key) == value, "%s=%s, want %s" % (key, one(key), value)

    families = set(one("RestrictAddressFamilies").split())
    assert families == {"AF_INET", "AF_INET6", "AF_UNIX"}
    assert "@system-service" in svc.get("SystemCallFilter", [])
    # ProtectSystem=strict makes everything read-only; only these may be written.
    assert svc.get("ReadWritePaths", []) == ["-/media"]

    assert "network-online.target" in " ".join(unit["Unit"].get("After", []))
    assert "network-online.target" in " ".join(unit["Unit"].get("Wants", []))
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]


# The example pools ###########################################################

def test_there_are_example_pools():
    names = {p.name for p in POOLS}
    assert {"science.json", "geography.json", "true-false.json"} <= names


@pytest.mark.parametrize("path", POOLS, ids=lambda p: p.name)
def test_pool_is_valid(path):
    pool = json.loads(path.read_text(encoding="utf-8"))
    where = path.name
    assert isinstance(pool.get("title"), str) and pool["title"].strip(), where
    assert pool.get("score_fn", "speed") in ("speed", "flat"), where
    assert 5 <= pool.get("time_limit_default", 20) <= 600, where
    assert isinstance(pool.get("streak_bonus", False), bool), where
    questions = pool.get("questions")
    assert isinstance(questions, list) and questions, where
    for i, q in enumerate(questions):
        at = "%s: questions[%d]" % (where, i)
        assert isinstance(q.get("prompt"), str) and q["prompt"].strip(), at
        if q.get("type", "choice") != "choice":
            continue   # part 2's types: checked by quizbox.py check (test_pools.py)
        choices = q.get("choices")
        assert isinstance(choices, list) and 2 <= len(choices) <= 4, at
        assert all(isinstance(c, str) and c.strip() for c in choices), at
        assert len(set(choices)) == len(choices), at + ": duplicate choices"
        assert "correct" in q, at + ": no correct (use null for a poll)"
        assert q["correct"] is None or set(q["correct"]) <= set(LETTERS[:len(choices)]), at
        assert 5 <= q.get("time_limit", 5) <= 600, at
        assert isinstance(q.get("explanation", ""), str), at


def test_pool_session_ids_are_unique():
    sids = [json.loads(p.read_text(encoding="utf-8")).get("session_id", p.stem)
            for p in POOLS]
    assert len(sids) == len(set(sids)), sids


def test_unit_allows_a_file_per_phone():
    """systemd's default soft limit (1024 open files) would cap the class at
    about a thousand phones; the default participant limit is 5,000."""
    service = _unit_settings()["Service"]
    assert int(service["LimitNOFILE"][-1]) >= 5000 + 100
