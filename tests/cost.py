#!/usr/bin/env python3
"""What one message costs the server, over real sockets: a small companion to
load.py for finding where time goes, one question at a time.

It starts quizbox on 127.0.0.1 (optionally in load.py's Pi-class CPU quota,
with its slow-fsync shim), joins and connects the students and a projector,
then measures two things with nothing else going on:

1. pings: every student in turn sends {"type":"ping"} at --pings-per-s for
   --seconds; printed: the server's CPU (all threads) per ping;
2. questions: for each of --questions, the teacher opens it and all students
   but one answer at --answers-per-s (random arrivals, like a class), while
   every student also pings every --ping-every seconds; printed per question:
   server CPU per answer and the ack latency p50 / p99 / max.

A per-question split is the point: a pause that hits one question only (the
first, say) shows here and hides in a whole run's p99.

    python3 tests/cost.py --students 1000 --pings-per-s 2000
    python3 tests/cost.py --students 2000 --answers-per-s 2000 --pi 1/4

It stops by itself (--timeout) and only talks to 127.0.0.1. Every pong and
ack must come back: a missing one, or an unexpected close, is exit status 1.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402  (the clients, the pool, the quota and the shim)

QUIZBOX = Path(__file__).resolve().parent.parent / "quizbox.py"
PROBLEMS = []   # unexpected closes and the like: any makes the exit status 1


class Student(load.WebSocketClient):
    def __init__(self, *args):
        super().__init__(*args)
        self.opened = self.acks = self.pongs = 0
        self.sent_at = None
        self.ack_ms = []

    def on_text(self, now_ns, payload):
        if not self.ready.done():
            self.ready.set_result(True)
        kind = json.loads(payload)["type"]
        if kind == "question_open":
            self.opened += 1
        elif kind == "pong":
            self.pongs += 1
        elif kind == "submit_ack":
            self.acks += 1
            self.ack_ms.append((now_ns - self.sent_at) / 1e6)

    def on_problem(self, problem):
        PROBLEMS.append(problem)
        print(f"problem: {problem}", file=sys.stderr)


def server_cpu_s(pid):
    """CPU of every thread of the process, from schedstat (ns resolution)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/schedstat") as stat:
            total += int(stat.read().split()[0])
    return total / 1e9


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


async def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:g} s for {what}")
        await asyncio.sleep(0.01)


async def measure(args, port, pid):
    for _ in range(300):   # the server is up once it accepts
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            break
        except OSError:
            await asyncio.sleep(0.05)
    http = load.HttpConnection(port)
    status, pairs, _ = await http.request("POST", "/admin/login", json.dumps(
        {"password": load.ADMIN_PASSWORD}).encode(), ["Content-Type: application/json"])
    admin = load.cookie_from(pairs, "qb_admin")
    cookies = []
    for i in range(args.students):
        body = json.dumps({"sid": load.SID, "student_id": load.student_id_of(i), "name": f"S {i}"})
        status, pairs, data = await http.request("POST", "/api/join", body.encode(),
                                                 ["Content-Type: application/json"])
        if status != 200:
            raise RuntimeError(f"join answered {status}: {data[:200]!r}")
        cookies.append(load.cookie_from(pairs, "qb_student"))
    http.close()
    origin = f"Origin: http://127.0.0.1:{port}"

    async def connect(path, cookie):
        client = await load.ws_connect(lambda: Student(port, path, [f"Cookie: {cookie}", origin]),
                                       port, load.SETUP_TIMEOUT_S)
        await asyncio.wait_for(asyncio.shield(client.ready), load.SETUP_TIMEOUT_S)
        return client

    teacher = await connect(f"/ws/instructor/{load.SID}", admin)
    students = [await connect(f"/ws/student/{load.SID}", cookie) for cookie in cookies]
    await asyncio.sleep(1.5)   # the lobby settles (its collections, its projector update)

    if args.pings_per_s:
        sent, started, cpu = 0, time.monotonic(), server_cpu_s(pid)
        while time.monotonic() - started < args.seconds:
            students[sent % len(students)].send_text('{"type":"ping"}')
            sent += 1
            delay = started + sent / args.pings_per_s - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        await wait_for(lambda: sum(s.pongs for s in students) >= sent, 30, "the pongs")
        used = server_cpu_s(pid) - cpu
        print(f"pings: {sent} at {args.pings_per_s:g}/s over {len(students)} sockets: "
              f"server CPU {used:.3f} s, {1e6 * used / sent:.1f} µs per ping")

    async def ping_in_background():
        while True:
            for student in students:
                student.send_text('{"type":"ping"}')
                await asyncio.sleep(args.ping_every / len(students))

    pinger = asyncio.ensure_future(ping_in_background()) if args.ping_every else None
    rng = random.Random(args.seed)
    for q in range(args.questions):
        teacher.send_text('{"type":"next"}')
        await wait_for(lambda: all(s.opened > q for s in students), 30, f"question {q}")
        await asyncio.sleep(0.3)
        answering = students[:-1]   # one holds back: no early close
        for student in answering:
            student.ack_ms.clear()
        cpu, at = server_cpu_s(pid), time.monotonic()
        text = '{"type":"submit","question_idx":%d,"answer":"A"}' % q
        for student in answering:
            student.sent_at = time.time_ns()
            student.send_text(text)
            at += rng.expovariate(args.answers_per_s)
            delay = at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        await wait_for(lambda: all(s.acks > q for s in answering), 60, f"the acks of {q}")
        used = server_cpu_s(pid) - cpu
        acks = [ms for s in answering for ms in s.ack_ms]
        print(f"question {q}: {len(answering)} answers at {args.answers_per_s:g}/s: server CPU "
              f"{1e6 * used / len(answering):.1f} µs per answer (pings included); ack p50 "
              f"{percentile(acks, .5):.1f} / p99 {percentile(acks, .99):.1f} / max {max(acks):.1f} ms")
        teacher.send_text('{"type":"close_question","question_idx":%d}' % q)
        await asyncio.sleep(1.0)
    if pinger:
        pinger.cancel()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--pings-per-s", type=float, default=0,
                        help="the ping phase's rate; 0 skips it [0]")
    parser.add_argument("--seconds", type=float, default=5, help="the ping phase's length [5]")
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--answers-per-s", type=float, default=2000)
    parser.add_argument("--ping-every", type=float, default=2,
                        help="during questions each student pings this often; 0: never [2]")
    parser.add_argument("--pi", metavar="USED/PERIOD",
                        help="run quizbox in this CPU quota (ms per ms, e.g. 1/4) with the "
                             "slow-fsync shim, as load.py --pi does")
    parser.add_argument("--fsync-delay-ms", type=float, default=5)
    parser.add_argument("--python", default=sys.executable, help="the Python that runs quizbox")
    parser.add_argument("--quizbox", type=Path, default=QUIZBOX,
                        help="the quizbox.py to measure (another version, to compare) [ours]")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    load.raise_fd_limit()
    folder = Path(tempfile.mkdtemp(prefix="quizbox-cost-"))
    (folder / "pool.json").write_text(json.dumps(load.make_pool(max(args.questions, 1))))
    port = load.free_port()
    env = dict(os.environ, QUIZBOX_ADMIN_PASSWORD=load.ADMIN_PASSWORD, QUIZBOX_JOINS_PER_MINUTE="0")
    command = [args.python, str(args.quizbox), "serve", "--pool", str(folder / "pool.json"),
               "--db", str(folder / "quiz.db"), "--host", "127.0.0.1", "--port", str(port)]
    group = None
    if args.pi:
        try:
            group = load.CpuQuota(*load.parse_cpu_quota(args.pi)).new_group("cost")
            env["LD_PRELOAD"] = str(load.build_slow_fsync(folder))
        except load.PiUnavailable as exc:
            sys.exit(f"cost.py --pi: {exc}")
        env["QUIZBOX_FSYNC_DELAY_MS"] = f"{args.fsync_delay_ms:g}"
        env["QUIZBOX_FSYNC_COUNT_FILE"] = str(folder / "fsync-counts")
        command = group.wrap(command)
    log = open(folder / "quizbox.log", "wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    try:
        asyncio.run(asyncio.wait_for(measure(args, port, server.pid), args.timeout))
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
        if group is not None:
            group.remove()
    print(f"(server log: {folder / 'quizbox.log'})")
    if PROBLEMS:
        sys.exit(f"{len(PROBLEMS)} problems, the first: {PROBLEMS[0]}")


if __name__ == "__main__":
    main()
