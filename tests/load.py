#!/usr/bin/env python3
"""Load benchmark for quizbox: a lecture hall of phones on one box (issue 5).

A script, not a test: pytest does not collect it. From the repository root:

    python3 tests/load.py                          # N = 100, 500, 1000, 2000
    python3 tests/load.py --sizes 5000             # the big hall: must end with 0 errors
    python3 tests/load.py --sizes 100,500 --questions 3 --procs 3

For each class size N it:

1. starts `quizbox.py serve` on 127.0.0.1 (a free port, a fresh database and
   pool in a temporary folder, its log captured to a file there), logs in as
   the teacher and opens the projector's socket, as a teacher would first;
2. joins N students over HTTP (POST /api/join) from 2-4 client processes, and
   opens each student's WebSocket with the identity cookie;
3. plays a game of Q questions: `next` opens a question; every student but one
   answers 0.2-1.5 s after it arrives (a random letter; nobody reads and taps
   faster, and it keeps answers out of the fan-out window); once every answer
   is acknowledged, the teacher's `close_question` reveals it; a last `next`
   ends the session;
4. stops quizbox, starts a bare bottle + gevent-websocket broadcast server
   (this file, run with --bare-server) and measures the same fan-out on it,
   as the ceiling.

Why one student holds back: quizbox closes a question by itself once every
connected student has answered. The benchmark wants the reveal measured from
an explicit close (the teacher's button) and a deterministic close time, so
for each question one designated student (a different one each time) does
not answer; the question stays open until the driver sends close_question at
t1, and that student's reveal must say it missed (your_answer null).

Clocks: every timestamp is time.time_ns() (CLOCK_REALTIME), which all the
processes on this machine share, so "driver sent at t0" and "a client process
received at t" subtract directly.

It prints one column per N (the legend under the table says how each figure
is taken) and exits 1 if any error or missing message was seen. It shares the
machine with the server, so it waits (up to --quiet-wait s) for the machine to
be idle before each N, and flags a run during which other processes ran.

Every student also pings as the page does ({"type":"ping"} every 2 s,
--ping-interval), and the round trips are measured: a stalled event loop (a
slow disk holding it, say) shows there first.

Pi-class mode (issue 14), `--pi`: each N is run twice, side by side:

- unthrottled, as above;
- "pi": quizbox, and then the bare ceiling, each in a child cgroup with a CPU
  quota (--cpu-quota 1/4: 1 ms of CPU per 4 ms, a quarter of one core; cgroup
  v2 cpu.max or v1 cpu.cfs_quota_us, whichever this machine has), and quizbox
  (only it) with tests/slow_fsync.c preloaded: every fsync/fdatasync takes
  --fsync-delay-ms longer (5: an SD card). The shim is built with the system
  `cc` into the temporary folder at each run.

The load clients and this driver stay outside the quota. In Pi-class mode
every acknowledged answer and join is also checked to be on disk: quizbox is
stopped with SIGKILL after the game, started again on the same database, and
its CSV must hold every answer a phone was told was saved (--check-durable
does this without --pi). --repeat R runs each configuration R times and
prints the median of each figure (errors and missing: the sum). Exit status:
0 all clean, 1 an error or missing message, 3 the Pi-class mode cannot be set
up here (no cgroup CPU controller we may use, or no `cc`).

    python3 tests/load.py --pi --sizes 1000,2000 --repeat 3
    python3 tests/load.py --pi --sizes 2000 --fsync-delay-ms 5,50

The clients are deliberately lean (an asyncio Protocol speaking RFC 6455 by
hand on uvloop, not the `websockets` library) so that the figures are the
server's; the generator's own CPU is printed so that can be checked.
"""

import sys

if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--bare-server":
    # The bare server is gevent: it must patch before anything imports socket.
    from gevent import monkey
    monkey.patch_all()

import argparse
import asyncio
import base64
import collections
import csv
import hashlib
import io
import json
import math
import multiprocessing
import os
import platform
import random
import resource
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
QUIZBOX = REPO_ROOT / "quizbox.py"

SID = "loadtest"                  # the session id of the generated pool
ADMIN_PASSWORD = "load-benchmark-password"
TIME_LIMIT_S = 30                 # long enough that no question ever times out
LETTERS = "ABCD"

STEP_TIMEOUT_S = 10.0             # one step of one question (all opened, all revealed, ...)
SETUP_TIMEOUT_S = 30.0            # starting a process, a handshake, an HTTP request
SETTLE_S = 0.25                   # quiet time between phases, so CPU windows don't overlap
CONNECT_PARALLEL = 64             # WebSocket handshakes in flight per client process
IDLE_EXIT_S = 900.0               # a client process with no word from the driver gives up
PING_TEXT = '{"type":"ping"}'     # what the pages send every 2 s; quizbox answers {"type":"pong"}
PONG_LATE_S = 5.0                 # a pong this late counts as missing (the page gives up at 5.5 s)


# Small helpers ###############################################################

def raise_fd_limit():
    """Every process here holds thousands of sockets: lift the soft limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def machine_cpu_s():
    """CPU seconds used by everything on this machine (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    busy = fields[0] + fields[1] + fields[2] + sum(fields[5:8])   # user nice system irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values, p):
    """Nearest-rank percentile of an already sorted list (None if empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def latency_stats(values_ms):
    values = sorted(values_ms)
    return {"count": len(values), "p50": percentile(values, 50),
            "p99": percentile(values, 99), "max": values[-1] if values else None}


def student_id_of(i):
    return f"s{i:05d}"


def make_pool(questions):
    """A pool of 4-choice questions, each 30 s, with explanations (a realistic reveal size)."""
    return {
        "title": "Load benchmark",
        "session_id": SID,
        "time_limit_default": TIME_LIMIT_S,
        "score_fn": "speed",
        "streak_bonus": True,
        "questions": [
            {"prompt": f"Question {q + 1}: which of these organelles makes most of the cell's ATP?",
             "choices": ["Nucleus", "Mitochondrion", "Ribosome", "Golgi apparatus"],
             "correct": LETTERS[q % 4],
             "explanation": "Mitochondria make most of the cell's ATP by oxidative "
                            "phosphorylation; this sentence is here to give the reveal "
                            "a realistic size.",
             "time_limit": TIME_LIMIT_S}
            for q in range(questions)
        ],
    }


def holdout_of(q, n):
    """The one student who does not answer question q (see the module docstring)."""
    return (97 * q + 1) % n


# A lean WebSocket client (RFC 6455) ##########################################
#
# An asyncio Protocol, not streams: data_received gets bytes straight from the
# event loop and one timestamp per read covers every frame in it. Frames from
# the server are unmasked; ours are masked, as RFC 6455 requires of a client.

OP_TEXT, OP_CLOSE, OP_PING, OP_PONG = 0x1, 0x8, 0x9, 0xA
WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def masked_frame(opcode, payload: bytes) -> bytes:
    key = os.urandom(4)
    size = len(payload)
    if size < 126:
        head = bytes((0x80 | opcode, 0x80 | size))
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
    if size:
        stream = (key * (size // 4 + 1))[:size]
        payload = (int.from_bytes(payload, "big") ^ int.from_bytes(stream, "big")).to_bytes(size, "big")
    return head + key + payload


class WebSocketClient(asyncio.Protocol):
    """One client WebSocket. Subclasses handle on_text(now_ns, payload) and on_problem(text)."""

    def __init__(self, port, path, headers=()):
        key = base64.b64encode(os.urandom(16))
        self.expected_accept = base64.b64encode(hashlib.sha1(key + WS_GUID).digest()).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key.decode()}",
                 "Sec-WebSocket-Version: 13", *headers]
        self.request = ("\r\n".join(lines) + "\r\n\r\n").encode()
        self.transport = None
        self.buffer = bytearray()
        self.open = False
        self.closing = False          # we started the close: the end is expected
        self.close_code = None
        loop = asyncio.get_running_loop()
        self.upgraded = loop.create_future()   # the 101 answer arrived
        self.ready = loop.create_future()      # the first `state` message arrived
        self.lost = loop.create_future()       # the connection is gone

    # -- asyncio callbacks

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data):
        now = time.time_ns()
        buffer = self.buffer
        buffer += data
        if not self.open and not self._handshake():
            return
        while True:   # every complete frame in the buffer
            size = len(buffer)
            if size < 2:
                return
            first, second = buffer[0], buffer[1]
            length, start = second & 0x7F, 2
            if length == 126:
                if size < 4:
                    return
                length, start = int.from_bytes(buffer[2:4], "big"), 4
            elif length == 127:
                if size < 10:
                    return
                length, start = int.from_bytes(buffer[2:10], "big"), 10
            end = start + length
            if size < end:
                return
            payload = bytes(buffer[start:end])
            del buffer[:end]
            opcode = first & 0x0F
            if second & 0x80 or not first & 0x80:
                self._fail("masked or fragmented frame from the server")
                return
            if opcode == OP_TEXT:
                self.on_text(now, payload)
            elif opcode == OP_CLOSE:
                self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                if not self.closing:
                    self.on_problem(f"unexpected close from the server (code {self.close_code})")
                    self.closing = True
                    self.transport.write(masked_frame(OP_CLOSE, payload[:2]))
                self.transport.close()
                return
            elif opcode == OP_PING:
                self.transport.write(masked_frame(OP_PONG, payload))

    def connection_lost(self, exc):
        if not self.closing:
            self.on_problem(f"connection lost unexpectedly ({exc or 'EOF'})")
            self.closing = True
        self._settle(ConnectionError("connection lost"))
        if not self.lost.done():
            self.lost.set_result(True)

    def _handshake(self):
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > 16384:
                self._fail("handshake answer too long")
            return False
        head = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        del self.buffer[:end + 4]
        headers = dict(line.split(":", 1) for line in head[1:] if ":" in line)
        headers = {k.strip().lower(): v.strip() for k, v in headers.items()}
        if head[0].split(" ")[1:2] != ["101"]:
            self._fail(f"handshake refused: {head[0]}")
            return False
        if headers.get("sec-websocket-accept") != self.expected_accept:
            self._fail("handshake: wrong Sec-WebSocket-Accept")
            return False
        self.open = True
        self.upgraded.set_result(True)
        return True

    def _fail(self, problem):
        self.on_problem(problem)
        self.closing = True
        self._settle(ConnectionError(problem))
        self.transport.abort()

    def _settle(self, exc):
        """Fail whoever still waits for this socket to open (maybe no one: mark it seen)."""
        for future in (self.upgraded, self.ready):
            if not future.done():
                future.set_exception(exc)
                future.exception()

    # -- for the owner

    def send_text(self, text):
        if self.open and not self.closing:
            self.transport.write(masked_frame(OP_TEXT, text.encode()))

    def close(self):
        """Start a normal close; the server answers and drops the connection."""
        if self.transport is None or self.closing:
            return
        self.closing = True
        if self.open:
            self.transport.write(masked_frame(OP_CLOSE, struct.pack("!H", 1000)))
            asyncio.get_running_loop().call_later(3.0, self.transport.abort)  # if it never answers
        else:
            self.transport.abort()

    def on_text(self, now_ns, payload):
        pass

    def on_problem(self, problem):
        pass


async def ws_connect(factory, port, timeout):
    loop = asyncio.get_running_loop()
    _, client = await asyncio.wait_for(loop.create_connection(factory, "127.0.0.1", port), timeout)
    await asyncio.wait_for(asyncio.shield(client.upgraded), timeout)
    return client


# A lean HTTP/1.1 client ######################################################

class HttpConnection:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1, reopened when the server closes it."""

    def __init__(self, port):
        self.port = port
        self.reader = self.writer = None

    async def request(self, method, path, body=b"", headers=(), timeout=SETUP_TIMEOUT_S):
        """→ (status, [(header, value)], body bytes)."""
        return await asyncio.wait_for(self._request(method, path, body, headers), timeout)

    async def _request(self, method, path, body, headers):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}",
                 f"Content-Length: {len(body)}", *headers]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ")[1])
        pairs = [(k.strip().lower(), v.strip())
                 for k, v in (line.split(":", 1) for line in head[1:] if ":" in line)]
        fields = dict(pairs)
        if "content-length" in fields:
            data = await self.reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                data += (await self.reader.readexactly(size + 2))[:-2]
                if size == 0:
                    break
        else:
            data = await self.reader.read()
            fields["connection"] = "close"
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, pairs, data

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def cookie_from(pairs, name):
    for header, value in pairs:
        if header == "set-cookie" and value.startswith(name + "="):
            return value.split(";", 1)[0]
    return None


# Client processes: the students ##############################################
#
# Each process owns every P-th student. It joins them, opens their sockets,
# answers questions after a human delay and records when each message came.
# It tells the driver (over a multiprocessing pipe) the moment its whole share
# has received a question, an ack, a reveal, so the driver can move on without
# fixed sleeps; at the end it sends back every timestamp.

class StudentSocket(WebSocketClient):
    def __init__(self, worker, index, port, path, headers):
        super().__init__(port, path, headers)
        self.worker, self.index = worker, index
        q = worker.questions
        self.answer = [None] * q
        self.open_ns, self.submit_ns = [None] * q, [None] * q
        self.ack_ns, self.closed_ns = [None] * q, [None] * q
        self.ended_ns = None
        self.pings = collections.deque()   # send times of the pings not answered yet

    def start_pinging(self, interval):
        """Like the page: a ping every interval s (the first at a random phase)."""
        loop = asyncio.get_running_loop()

        def ping():
            if self.closing or not self.open or not self.worker.pinging:
                return
            self.pings.append(time.time_ns())
            self.send_text(PING_TEXT)
            loop.call_later(interval, ping)
        loop.call_later(self.worker.random.uniform(0, interval), ping)

    def on_text(self, now, payload):
        worker = self.worker
        worker.received += 1
        if payload == b'{"type":"pong"}':
            if self.pings:
                worker.ping_rtts.append(now - self.pings.popleft())
            else:
                worker.problem("pong without a ping", self)
            return
        try:
            message = json.loads(payload)
            kind = message["type"]
        except (ValueError, KeyError, TypeError):
            worker.problem("frame not a JSON object with a type", self)
            return
        if kind == "question_open":
            worker.on_open(self, now, message)
        elif kind == "submit_ack":
            worker.on_ack(self, now, message)
        elif kind == "question_closed":
            worker.on_closed(self, now, message)
        elif kind == "session_ended":
            worker.on_ended(self, now, message)
        elif kind == "state":
            if not self.ready.done():
                self.ready.set_result(True)
        elif kind == "pong":   # not the usual encoding: still a pong
            if self.pings:
                worker.ping_rtts.append(now - self.pings.popleft())
        elif kind == "error":
            worker.problem(f"error frame {message.get('code')}: {message.get('message')}", self)

    def on_problem(self, problem):
        self.worker.problem(problem, self)


class ClientWorker:
    def __init__(self, number, pipe, settings):
        self.number, self.pipe, self.settings = number, pipe, settings
        self.n_total = settings["n"]
        self.questions = settings["questions"]
        self.mine = list(range(number, self.n_total, settings["procs"]))
        self.random = random.Random(settings["seed"] * 1000 + number)
        self.delay_low, self.delay_high = settings["answer_delay"]
        self.holdouts = [holdout_of(q, self.n_total) for q in range(self.questions)]
        self.commands = asyncio.Queue()
        self.cookies = {}
        self.sockets = []
        self.problems = collections.Counter()
        self.examples = []
        self.mode = "quiz"
        self.ping_interval = settings["ping_interval"]
        self.pinging = False
        self.ping_rtts = []
        self._reset_counts()

    def _reset_counts(self):
        q = self.questions
        self.received = 0
        self.opened, self.acked, self.closed, self.ended = [0] * q, [0] * q, [0] * q, 0
        self.expect_acks = [0] * q
        self.first = {}   # (kind, q) → (time_ns, cpu_ns) when the first of a broadcast came

    # -- talking to the driver

    def tell(self, kind, key=None, **data):
        self.pipe.send((self.number, kind, key, data))

    def _read_pipe(self, loop):
        """A thread: blocking reads of the driver's commands, handed to the loop.

        (Not loop.add_reader: uvloop would make the pipe non-blocking, and a
        large pickled report then fails half-written with EAGAIN.)"""
        try:
            while True:
                command = self.pipe.recv()
                loop.call_soon_threadsafe(self.commands.put_nowait, command)
        except (EOFError, OSError):   # the driver is gone: stop
            loop.call_soon_threadsafe(self.commands.put_nowait, ("exit",))

    def problem(self, text, student=None):
        self.problems[text.split(":")[0][:60]] += 1
        if len(self.examples) < 20:
            who = student_id_of(student.index) if student else f"process {self.number}"
            self.examples.append(f"{who}: {text}")

    async def main(self):
        loop = asyncio.get_running_loop()
        threading.Thread(target=self._read_pipe, args=(loop,), daemon=True).start()
        self.tell("hello", loop=type(loop).__module__)
        while True:
            try:
                command, *args = await asyncio.wait_for(self.commands.get(), IDLE_EXIT_S)
            except asyncio.TimeoutError:
                return
            if command == "exit":
                for sock in self.sockets:
                    if sock.transport:
                        sock.transport.abort()
                return
            await getattr(self, "do_" + command)(*args)

    # -- joining over HTTP

    async def do_join(self, port, lanes):
        todo = collections.deque(self.mine)
        cpu0, started = time.process_time_ns(), time.time_ns()

        async def lane():
            http = HttpConnection(port)
            try:
                while todo:
                    i = todo.popleft()
                    body = json.dumps({"sid": SID, "student_id": student_id_of(i),
                                       "name": f"Student {i}"}).encode()
                    try:
                        status, pairs, data = await http.request(
                            "POST", "/api/join", body, ["Content-Type: application/json"])
                    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
                        self.problem(f"join failed: {exc!r}")
                        http.close()
                        continue
                    cookie = cookie_from(pairs, "qb_student")
                    if status != 200 or cookie is None:
                        self.problem(f"join answered {status}: {data[:200]!r}")
                        continue
                    self.cookies[i] = cookie
            finally:
                http.close()

        await asyncio.gather(*(lane() for _ in range(lanes)))
        self.tell("joined", started=started, ended=time.time_ns(), ok=len(self.cookies),
                  cpu_ns=time.process_time_ns() - cpu0)

    # -- opening the sockets

    async def do_connect(self, port, mode, path):
        """mode "quiz": the students' sockets with their cookies; "bare": the ceiling server."""
        self.mode = mode
        self.sockets = []
        self._reset_counts()
        self.ping_rtts = []
        self.pinging = mode == "quiz" and self.ping_interval > 0   # the bare server has no pong
        loop = asyncio.get_running_loop()
        gate = asyncio.Semaphore(CONNECT_PARALLEL)
        started = time.time_ns()

        async def connect(i):
            if mode == "quiz":
                if i not in self.cookies:
                    return   # its join failed: already counted
                headers = [f"Cookie: {self.cookies[i]}"]
            else:
                headers = []
            async with gate:
                sock = StudentSocket(self, i, port, path, headers)
                try:
                    await asyncio.wait_for(loop.create_connection(lambda: sock, "127.0.0.1", port),
                                           SETUP_TIMEOUT_S)
                    await asyncio.wait_for(asyncio.shield(sock.ready), SETUP_TIMEOUT_S)
                except (OSError, asyncio.TimeoutError, ConnectionError) as exc:
                    self.problem(f"connect failed: {exc!r}", sock)
                    if sock.transport:
                        sock.closing = True
                        sock.transport.abort()
                    return
                self.sockets.append(sock)
                if self.pinging:
                    sock.start_pinging(self.ping_interval)

        await asyncio.gather(*(connect(i) for i in self.mine))
        self.sockets.sort(key=lambda s: s.index)
        mine = {s.index for s in self.sockets}
        self.expect_acks = [len(mine) - (self.holdouts[q] in mine) for q in range(self.questions)]
        self.connected_cpu = time.process_time_ns()
        self.tell("connected", started=started, ended=time.time_ns(), ok=len(self.sockets))

    async def do_disconnect(self):
        for sock in self.sockets:
            sock.close()
        waiting = [sock.lost for sock in self.sockets if sock.transport]
        if waiting:
            await asyncio.wait(waiting, timeout=10)
        self.tell("disconnected")

    # -- the game, as messages arrive

    def _valid_idx(self, message, student):
        idx = message.get("question_idx")
        if not isinstance(idx, int) or not 0 <= idx < self.questions:
            self.problem(f"bad question_idx: {idx!r}", student)
            return None
        return idx

    def on_open(self, student, now, message):
        q = self._valid_idx(message, student)
        if q is None:
            return
        if student.open_ns[q] is not None:
            self.problem("duplicate question_open", student)
            return
        student.open_ns[q] = now
        self.opened[q] += 1
        if self.opened[q] == 1:
            self.first[("opened", q)] = (now, time.process_time_ns())
        if self.mode == "quiz" and student.index != self.holdouts[q]:
            letter = self.random.choice(LETTERS[:len(message.get("choices", "AB"))])
            delay = self.random.uniform(self.delay_low, self.delay_high)
            asyncio.get_running_loop().call_later(delay, self._submit, student, q, letter)
        if self.opened[q] == len(self.sockets):
            self._tell_broadcast_done("opened", q)

    def _tell_broadcast_done(self, kind, q):
        """Every socket here has it: say so, with this process's CPU since the first one
        (how busy the generator itself was while the broadcast came in)."""
        first_ns, first_cpu = self.first[(kind, q)]
        self.tell(kind, q, first_ns=first_ns, last_ns=time.time_ns(),
                  cpu_ns=time.process_time_ns() - first_cpu)

    def _submit(self, student, q, letter):
        if student.closing:
            return
        student.answer[q] = letter
        student.submit_ns[q] = time.time_ns()
        student.send_text('{"type":"submit","question_idx":%d,"answer":"%s"}' % (q, letter))

    def on_ack(self, student, now, message):
        q = self._valid_idx(message, student)
        if q is None:
            return
        if student.submit_ns[q] is None or student.ack_ns[q] is not None:
            self.problem("unexpected or duplicate submit_ack", student)
            return
        if message.get("answer") != student.answer[q]:
            self.problem(f"submit_ack answer {message.get('answer')!r} != sent {student.answer[q]!r}",
                         student)
        student.ack_ns[q] = now
        self.acked[q] += 1
        if self.acked[q] == self.expect_acks[q]:
            self.tell("acked", q)

    def on_closed(self, student, now, message):
        q = self._valid_idx(message, student)
        if q is None:
            return
        if student.closed_ns[q] is not None:
            self.problem("duplicate question_closed", student)
            return
        if "your_rank" not in message or message.get("your_answer") != student.answer[q]:
            self.problem(f"question_closed not personalised right: your_answer "
                         f"{message.get('your_answer')!r}, sent {student.answer[q]!r}", student)
        student.closed_ns[q] = now
        self.closed[q] += 1
        if self.closed[q] == 1:
            self.first[("closed", q)] = (now, time.process_time_ns())
        if self.closed[q] == len(self.sockets):
            self._tell_broadcast_done("closed", q)

    def on_ended(self, student, now, message):
        if student.ended_ns is not None:
            self.problem("duplicate session_ended", student)
            return
        if "your_rank" not in message or "your_total" not in message:
            self.problem("session_ended not personalised", student)
        student.ended_ns = now
        self.ended += 1
        if self.ended == len(self.sockets):
            self.tell("ended")

    # -- the results

    async def do_report(self):
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self.pinging = False
        late = time.time_ns() - int(PONG_LATE_S * 1e9)
        self.tell("report", students={
            s.index: (s.open_ns, s.submit_ns, s.ack_ns, s.closed_ns, s.ended_ns, s.answer)
            for s in self.sockets},
            ping_rtts=self.ping_rtts,
            pongs_missing=sum(1 for s in self.sockets for sent in s.pings if sent < late),
            problems=dict(self.problems), examples=self.examples,
            received=self.received,
            game_cpu_ns=time.process_time_ns() - self.connected_cpu,
            total_cpu_s=usage.ru_utime + usage.ru_stime)
        self.problems.clear()
        self.examples = []


def client_process(number, pipe, settings):
    raise_fd_limit()
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass   # the default loop works, a little slower
    asyncio.run(ClientWorker(number, pipe, settings).main())


# The bare broadcast server (the ceiling) #####################################
#
# bottle + gevent-websocket and nothing else: sockets connect to /ws and get a
# `state` hello; a frame on /ws?control=1 makes it encode one question_open-
# sized message once and write it to every socket in a plain loop.

def encode_server_frame(text):
    payload = text.encode()
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x81, size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x81, 126, size)
    else:
        head = struct.pack("!BBQ", 0x81, 127, size)
    return head + payload


def bare_message(round_idx):
    """About the size and shape of quizbox's question_open for the generated pool."""
    question = make_pool(round_idx + 1)["questions"][round_idx]
    now = int(time.time() * 1000)
    return json.dumps({"type": "question_open", "question_idx": round_idx, "question_count": 99,
                       "prompt": question["prompt"], "choices": question["choices"],
                       "time_limit": TIME_LIMIT_S, "remaining_ms": TIME_LIMIT_S * 1000,
                       "opened_at_server_ts": now, "poll": False},
                      ensure_ascii=False, separators=(",", ":"))


def bare_server_main(port):
    raise_fd_limit()
    import bottle
    import gevent
    from gevent.pywsgi import WSGIServer
    from geventwebsocket.exceptions import WebSocketError
    from geventwebsocket.handler import WebSocketHandler

    students = set()
    hello = encode_server_frame('{"type":"state","state":"lobby"}')
    app = bottle.Bottle()

    @app.get("/healthz")
    def healthz():
        return {"ok": True, "ws_clients": len(students)}

    @app.route("/ws")
    def websocket():
        ws = bottle.request.environ.get("wsgi.websocket")
        if ws is None:
            bottle.abort(400, "WebSocket expected")
        control = bottle.request.query.get("control") == "1"
        if not control:
            students.add(ws)
            ws.raw_write(hello)
        try:
            while True:
                text = ws.receive()
                if text is None:
                    break
                if control:
                    data = encode_server_frame(bare_message(json.loads(text)["round"]))  # once
                    for student in list(students):
                        try:
                            student.raw_write(data)
                        except OSError:
                            students.discard(student)
        except WebSocketError:
            pass
        finally:
            students.discard(ws)
        return ""

    server = WSGIServer(("127.0.0.1", port), app, handler_class=WebSocketHandler,
                        log=None, error_log=None, backlog=4096)
    gevent.signal_handler(signal.SIGTERM, lambda: server.stop(timeout=1))
    server.serve_forever()


# Pi-class mode: a CPU quota and a slow disk for the servers ###################
#
# Only the servers go into the quota: each is started through /bin/sh, which
# writes its own PID into the child cgroup's cgroup.procs and then execs the
# server, so the server and every thread it makes run inside the quota from
# its first instruction; the driver and the client processes stay where they
# were. The slow-fsync shim goes into quizbox's environment only.

SLOW_FSYNC_C = Path(__file__).resolve().with_name("slow_fsync.c")
CGROUP_PREFIX = "quizbox-load-"
EXIT_NO_PI = 3                    # exit status: the Pi-class mode cannot be set up here


class PiUnavailable(Exception):
    """The Pi-class mode cannot run on this machine; the message says why."""


def build_slow_fsync(folder):
    """tests/slow_fsync.c → folder/slow_fsync.so with the system cc; PiUnavailable if not."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise PiUnavailable("no C compiler (`cc`) to build the slow-fsync shim "
                            "(apt-get install gcc)")
    target = Path(folder) / "slow_fsync.so"
    try:
        done = subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", str(target), str(SLOW_FSYNC_C),
                               "-ldl"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PiUnavailable(f"could not run {cc} to build the slow-fsync shim: {exc}") from exc
    if done.returncode != 0:
        raise PiUnavailable(f"{cc} could not build {SLOW_FSYNC_C.name}:\n{done.stderr.strip()}")
    return target


def parse_cpu_quota(text):
    """"1/4" (ms of CPU per ms of wall time) → (quota µs, period µs)."""
    try:
        used, period = (float(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"--cpu-quota {text!r}: expected USED/PERIOD in ms, like 1/4") from None
    quota_us, period_us = round(used * 1000), round(period * 1000)
    if not (1000 <= period_us <= 1_000_000 and 1000 <= quota_us):
        raise ValueError(f"--cpu-quota {text!r}: the kernel takes a period of 1-1000 ms and "
                         f"at least 1 ms of CPU in it")
    return quota_us, period_us


def _cgroup_mounts():
    """[(fstype, mount point, root inside the hierarchy, super options)] from mountinfo."""
    mounts = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields, tail = left.split(), right.split()
            if len(fields) >= 5 and tail and tail[0] in ("cgroup", "cgroup2"):
                unescape = lambda text: text.replace("\\040", " ")   # noqa: E731
                mounts.append((tail[0], unescape(fields[4]), unescape(fields[3]),
                               tail[2].split(",") if len(tail) > 2 else []))
    return mounts


def _own_cgroups():
    """({v1 controller: our path}, our v2 path or None) from /proc/self/cgroup."""
    v1, v2 = {}, None
    with open("/proc/self/cgroup") as f:
        for line in f:
            number, controllers, path = line.rstrip("\n").split(":", 2)
            if number == "0" and not controllers:
                v2 = path
            for controller in controllers.split(","):
                v1[controller] = path
    return v1, v2


def _inside(mount, root, path):
    """Our cgroup's folder under a mount (the mount may show only part of the hierarchy)."""
    if root != "/" and (path == root or path.startswith(root.rstrip("/") + "/")):
        path = path[len(root.rstrip("/")):]
    return Path(mount) / path.lstrip("/")


class CpuQuota:
    """Where this machine lets us make child cgroups with a CPU quota: v2 or v1."""

    def __init__(self, quota_us, period_us):
        self.quota_us, self.period_us = quota_us, period_us
        self.version, self.parent = self._find()
        self._sweep()

    def describe(self):
        if self.version == 2:
            return f"cgroup v2 cpu.max \"{self.quota_us} {self.period_us}\" under {self.parent}"
        return (f"cgroup v1 cpu.cfs_quota_us {self.quota_us} / cpu.cfs_period_us "
                f"{self.period_us} under {self.parent}")

    def _find(self):
        tried = []
        try:
            mounts = _cgroup_mounts()
            own_v1, own_v2 = _own_cgroups()
        except OSError as exc:
            raise PiUnavailable(f"cannot read this process's cgroups ({exc})") from exc
        for fstype, mount, root, options in mounts:   # v2 first: cpu.max
            if fstype != "cgroup2":
                continue
            available = _read(Path(mount) / "cgroup.controllers").split()
            if "cpu" not in available:
                tried.append(f"cgroup v2 at {mount}: no cpu controller there")
                continue
            for parent in dict.fromkeys([_inside(mount, root, own_v2 or "/"), Path(mount)]):
                enabled = _read(parent / "cgroup.subtree_control").split()
                if "cpu" not in enabled:
                    try:
                        (parent / "cgroup.subtree_control").write_text("+cpu")
                    except OSError as exc:
                        tried.append(f"cgroup v2: cannot enable cpu for children of {parent} ({exc})")
                        continue
                if os.access(parent, os.W_OK):
                    return 2, parent
                tried.append(f"cgroup v2: {parent} is not writable")
        for fstype, mount, root, options in mounts:
            if fstype != "cgroup" or "cpu" not in options:
                continue
            for parent in dict.fromkeys([_inside(mount, root, own_v1.get("cpu", "/")), Path(mount)]):
                if not (parent / "cpu.cfs_quota_us").exists():
                    tried.append(f"cgroup v1: {parent} has no cpu.cfs_quota_us (no CFS bandwidth control)")
                elif os.access(parent, os.W_OK):
                    return 1, parent
                else:
                    tried.append(f"cgroup v1: {parent} is not writable")
        if not any(fstype == "cgroup" and "cpu" in options for fstype, _, _, options in mounts) and \
                not any(fstype == "cgroup2" for fstype, _, _, _ in mounts):
            tried.append("no cgroup file system is mounted")
        elif not any(fstype == "cgroup" and "cpu" in options for fstype, _, _, options in mounts):
            tried.append("no cgroup v1 hierarchy has the cpu controller")
        raise PiUnavailable("cannot put the server in a CPU quota: " + "; ".join(tried))

    def _sweep(self):
        """Remove our cgroups left behind by a run that was killed (empty ones only)."""
        for child in self.parent.glob(CGROUP_PREFIX + "*"):
            owner = child.name[len(CGROUP_PREFIX):].split("-", 1)[0]
            if owner.isdigit() and not Path(f"/proc/{owner}").exists():
                try:
                    child.rmdir()
                except OSError:
                    pass

    def new_group(self, name):
        path = self.parent / f"{CGROUP_PREFIX}{os.getpid()}-{name}"
        try:
            path.mkdir()
        except FileExistsError:
            pass
        except OSError as exc:
            raise PiUnavailable(f"cannot create the cgroup {path} ({exc})") from exc
        group = Cgroup(path, self.version)
        try:
            if self.version == 2:
                (path / "cpu.max").write_text(f"{self.quota_us} {self.period_us}")
            else:
                (path / "cpu.cfs_period_us").write_text(str(self.period_us))
                (path / "cpu.cfs_quota_us").write_text(str(self.quota_us))
        except OSError as exc:
            group.remove()
            raise PiUnavailable(f"cannot set the CPU quota of {path} ({exc})") from exc
        return group


def _read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return ""


class Cgroup:
    """One child cgroup with a CPU quota, for one server process."""

    def __init__(self, path, version):
        self.path, self.version = Path(path), version

    def wrap(self, command):
        """The command, started so that its process joins this cgroup before it runs."""
        return ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(self.path / "cgroup.procs"),
                *command]

    def holds(self, pid):
        """Is process pid in this cgroup? (its /proc/<pid>/cgroup names our folder)"""
        name = "/" + self.path.name
        return any(line.rstrip("\n").endswith(name) for line in _read(f"/proc/{pid}/cgroup").splitlines())

    def throttling(self):
        """(periods, throttled periods, throttled s) from cpu.stat."""
        stat = dict(line.split() for line in _read(self.path / "cpu.stat").splitlines()
                    if len(line.split()) == 2)
        throttled_s = (int(stat.get("throttled_usec", 0)) / 1e6 if self.version == 2
                       else int(stat.get("throttled_time", 0)) / 1e9)
        return int(stat.get("nr_periods", 0)), int(stat.get("nr_throttled", 0)), throttled_s

    def remove(self):
        """rmdir, once the processes in it are gone (a killed one takes a moment)."""
        deadline = time.monotonic() + 5
        while True:
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                if time.monotonic() > deadline:
                    print(f"could not remove the cgroup {self.path}: processes still in it?",
                          file=sys.stderr)
                    return
                time.sleep(0.05)


def pi_mode_problem(quota="1/4"):
    """None if the Pi-class mode can run here, else why not (for a test to skip on)."""
    folder = Path(tempfile.mkdtemp(prefix="quizbox-pi-probe-"))
    group = None
    try:
        build_slow_fsync(folder)
        group = CpuQuota(*parse_cpu_quota(quota)).new_group("probe")
        child = subprocess.run(group.wrap([sys.executable, "-c", "import os; print(open("
                                           "f'/proc/{os.getpid()}/cgroup').read())"]),
                               capture_output=True, text=True, timeout=30)
        if child.returncode != 0 or group.path.name not in child.stdout:
            return f"cannot move a process into {group.path}: {child.stderr.strip() or child.stdout}"
        return None
    except PiUnavailable as exc:
        return str(exc)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot set up the Pi-class mode: {exc}"
    finally:
        if group is not None:
            group.remove()
        shutil.rmtree(folder, ignore_errors=True)


# The driver: servers, client processes, the teacher ##########################

def _die_with_parent():
    """In a child before exec: get SIGTERM if the driver dies, so nothing outlives a run."""
    try:
        import ctypes
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class ServerProcess:
    """A server under test, its log in a file, its CPU and memory read from /proc."""

    def __init__(self, command, env, log_path, cgroup=None):
        self.command, self.env, self.log_path = command, env, Path(log_path)
        self.cgroup = cgroup    # a Cgroup: the server runs inside its CPU quota
        self.proc = None

    def start(self):
        command = self.cgroup.wrap(self.command) if self.cgroup else self.command
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(command, cwd=REPO_ROOT, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         preexec_fn=_die_with_parent)

    async def wait_healthy(self, port, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; log:\n{self.log_text()}")
            http = HttpConnection(port)
            try:
                status, _, body = await http.request("GET", "/healthz", timeout=2)
                if status == 200:
                    return json.loads(body)
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
                pass
            finally:
                http.close()
            await asyncio.sleep(0.05)
        raise RuntimeError(f"server did not answer /healthz in {timeout:.0f}s; log:\n{self.log_text()}")

    def cpu_ns(self):
        """CPU time of all its threads, in ns (schedstat; falls back to clock ticks)."""
        total = 0
        try:
            for task in os.listdir(f"/proc/{self.proc.pid}/task"):
                with open(f"/proc/{self.proc.pid}/task/{task}/schedstat") as f:
                    total += int(f.read().split()[0])
            return total
        except (OSError, ValueError, IndexError):
            return int(self.cpu_seconds() * 1e9)

    def cpu_seconds(self):
        """utime + stime from /proc/<pid>/stat."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return None

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self):
        """SIGKILL: no shutdown code runs, nothing more is flushed."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""


class Fleet:
    """The client processes, and the driver's side of their pipes."""

    def __init__(self, settings):
        self.settings = settings
        self.count = settings["procs"]
        context = multiprocessing.get_context("spawn")   # a clean process, no inherited loop
        self.pipes, self.processes = [], []
        for number in range(self.count):
            mine, theirs = context.Pipe()
            process = context.Process(target=client_process, args=(number, theirs, settings),
                                      daemon=True, name=f"load-client-{number}")
            self.pipes.append(mine)
            self.processes.append(process)
        self.stash = collections.defaultdict(dict)   # (kind, key) → {worker: data}
        self.changed = asyncio.Event()
        self.problems = []
        self.stopping = False
        self.readers = []

    def start(self):
        loop = asyncio.get_running_loop()
        for process, pipe in zip(self.processes, self.pipes):
            process.start()
            reader = threading.Thread(target=self._read_pipe, args=(loop, pipe), daemon=True)
            reader.start()
            self.readers.append(reader)

    def _read_pipe(self, loop, pipe):
        """A thread per pipe: blocking reads (see ClientWorker._read_pipe), handed to the loop."""
        try:
            while True:
                loop.call_soon_threadsafe(self._deliver, pipe.recv())
        except (EOFError, OSError):
            loop.call_soon_threadsafe(self._deliver, None)

    def _deliver(self, report):
        if report is None:
            if not self.stopping:
                self.problems.append("a client process died")
        else:
            number, kind, key, data = report
            self.stash[(kind, key)][number] = data
        self.changed.set()

    def send_all(self, *command):
        for pipe in self.pipes:
            pipe.send(command)

    async def wait_all(self, kind, key=None, timeout=STEP_TIMEOUT_S):
        """Every process's report (kind, key), or what came within the timeout."""
        deadline = time.monotonic() + timeout
        got = self.stash[(kind, key)]
        while len(got) < self.count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                break
        got = self.stash.pop((kind, key), {})
        if len(got) < self.count:
            self.problems.append(f"{self.count - len(got)} client process(es) did not report "
                                 f"{kind} {'' if key is None else key} within {timeout:.0f}s")
        return got

    def stop(self):
        self.stopping = True
        for pipe in self.pipes:
            try:
                pipe.send(("exit",))
            except OSError:
                pass
        for process in self.processes:
            if process.pid is None:
                continue   # never started
            process.join(5)
            if process.is_alive():
                process.terminate()
                process.join(2)
        for reader in self.readers:   # they end on EOF, now the processes are gone
            reader.join(2)
        for pipe in self.pipes:
            pipe.close()


class TeacherSocket(WebSocketClient):
    """The projector's socket: drives the game and counts what it is told."""

    def __init__(self, port, path, headers):
        super().__init__(port, path, headers)
        self.kinds = collections.Counter()
        self.problems = []
        self.changed = asyncio.Event()

    async def wait_for(self, counts, timeout):
        """Until it has been told at least `counts` of each kind, or the timeout."""
        deadline = time.monotonic() + timeout
        while any(self.kinds[kind] < count for kind, count in counts.items()):
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                return

    def on_text(self, now, payload):
        try:
            message = json.loads(payload)
            kind = message["type"]
        except (ValueError, KeyError, TypeError):
            self.problems.append("teacher got a frame that is not a JSON object with a type")
            return
        self.kinds[kind] += 1
        self.changed.set()
        if kind == "state" and not self.ready.done():
            self.ready.set_result(True)
        elif kind == "error":
            self.problems.append(f"teacher got error frame {message.get('code')}: {message.get('message')}")

    def on_problem(self, problem):
        self.problems.append(f"teacher socket: {problem}")


class ControlSocket(WebSocketClient):
    def __init__(self, port, path):
        super().__init__(port, path)
        self.problems = []

    def on_problem(self, problem):
        self.problems.append(f"bare control socket: {problem}")


def teacher_expects(questions):
    """The projector is told each open, each reveal, a leaderboard after each and the end."""
    return {"question_open": questions, "question_closed": questions,
            "full_leaderboard": questions + 1, "session_ended": 1}


def quizbox_env(n):
    # A developer's own QUIZ* settings must not leak into the server under test.
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUIZ")}
    env.update(PYTHONUNBUFFERED="1", QUIZBOX_ADMIN_PASSWORD=ADMIN_PASSWORD,
               QUIZBOX_JOINS_PER_MINUTE="0", QUIZBOX_MAX_PARTICIPANTS=str(max(n * 2, 10_000)))
    return env


class RunConfig:
    """How the servers run: unthrottled, or Pi-class (a CPU quota, a slow fsync)."""

    def __init__(self, label, quota=None, shim=None, fsync_delay_ms=None):
        self.label, self.quota, self.shim, self.fsync_delay_ms = label, quota, shim, fsync_delay_ms

    def describe(self):
        if self.quota is None:
            return f"{self.label}: unthrottled, the disk as it is"
        return (f"{self.label}: quizbox and the bare ceiling each limited to "
                f"{self.quota.quota_us / 1000:g} ms of CPU per {self.quota.period_us / 1000:g} ms "
                f"({self.quota.describe()}); quizbox's fsync/fdatasync "
                f"+{self.fsync_delay_ms:g} ms each (tests/slow_fsync.c)")


class SizeRun:
    """One class size N: quizbox, then the bare ceiling. run() → raw figures for summarize()."""

    def __init__(self, n, args, workdir, config=None, rep=0):
        self.n, self.args, self.workdir = n, args, workdir
        self.config = config or RunConfig("full")
        self.tag = tag = f"{n}-{self.config.label}-{rep}"
        self.procs = min(args.procs, n)
        self.raw = {"n": n, "config": self.config.label, "problems": [], "t0": [], "t1": [],
                    "cpu": {}, "windows": collections.defaultdict(list)}
        self.fleet = Fleet({"n": n, "procs": self.procs, "questions": args.questions,
                            "seed": args.seed + rep, "answer_delay": args.answer_delay,
                            "ping_interval": args.ping_interval})
        self.port = free_port()
        self.pool_path = workdir / "pool.json"
        self.pool_path.write_text(json.dumps(make_pool(args.questions), indent=1))
        self.db_path = workdir / f"quizbox-{tag}.db"
        env = quizbox_env(n)
        self.fsync_counts = None
        if self.config.shim is not None:   # the slow disk: quizbox only
            self.fsync_counts = workdir / f"fsync-counts-{tag}"
            env["LD_PRELOAD"] = " ".join(filter(None, [str(self.config.shim),
                                                       os.environ.get("LD_PRELOAD")]))
            env["QUIZBOX_FSYNC_DELAY_MS"] = f"{self.config.fsync_delay_ms:g}"
            env["QUIZBOX_FSYNC_COUNT_FILE"] = str(self.fsync_counts)
        self.quizbox = ServerProcess(self.serve_command(self.port), env,
                                     workdir / f"quizbox-{tag}.log")
        self.raw["log_path"] = str(self.quizbox.log_path)
        self.bare = self.teacher = self.profiler = None
        self.cgroups = []

    def serve_command(self, port):
        return [sys.executable, str(self.args.quizbox), "serve", "--pool", str(self.pool_path),
                "--db", str(self.db_path), "--host", "127.0.0.1", "--port", str(port)]

    def new_cgroup(self, name):
        """A cgroup with the quota for one server, or None when unthrottled."""
        if self.config.quota is None:
            return None
        group = self.config.quota.new_group(f"{name}-{self.tag}")
        self.cgroups.append(group)
        return group

    def check_placement(self, server, name):
        """The server is in its quota; this driver and the clients are not."""
        group = server.cgroup
        if group is None:
            return
        if not group.holds(server.proc.pid):
            raise RuntimeError(f"{name} (pid {server.proc.pid}) is not in {group.path}")
        others = [os.getpid()] + [p.pid for p in self.fleet.processes if p.pid is not None]
        inside = [pid for pid in others if group.holds(pid)]
        if inside:
            raise RuntimeError(f"load processes {inside} are inside the server's quota {group.path}")
        self.raw.setdefault("placement", []).append(
            f"{name} pid {server.proc.pid} in {group.path}; driver and clients "
            f"({', '.join(map(str, others))}) outside")

    async def run(self):
        raw = self.raw
        driver_cpu0, machine_cpu0, started = time.process_time(), machine_cpu_s(), time.monotonic()
        try:
            self.quizbox.cgroup = self.new_cgroup("quizbox")
            self.quizbox.start()
            await self.quizbox.wait_healthy(self.port)
            self.fleet.start()
            await self.fleet.wait_all("hello", timeout=SETUP_TIMEOUT_S)
            self.check_placement(self.quizbox, "quizbox")
            await self.open_projector()
            await self.join_and_connect()
            await self.start_profiler()   # the game only: joins would swamp it
            await self.play()
            await self.collect()
            raw["driver_cpu_s"] = time.process_time() - driver_cpu0
            if not self.args.no_bare:
                await self.ceiling()
            # What else ran on the machine meanwhile (a test suite, a build) shows up here.
            workers = raw.get("bare_reports", raw["quiz_reports"]).values()
            ours = (raw.get("server_cpu_s", 0) + raw.get("bare_cpu_s", 0)
                    + raw.get("verify_cpu_s", 0) + time.process_time()
                    - driver_cpu0 + sum(d["total_cpu_s"] for d in workers))
            raw["other_cpu_s"] = machine_cpu_s() - machine_cpu0 - ours
            raw["run_s"] = time.monotonic() - started
        finally:
            # Everything started here ends here, whatever happened above.
            if self.teacher is not None and self.teacher.transport:
                self.teacher.transport.abort()
            self.stop_profiler()
            self.fleet.stop()
            raw["problems"] += self.fleet.problems
            for server in (self.quizbox, self.bare):
                if server is not None:
                    server.stop()
            for group in self.cgroups:
                group.remove()
            raw["server_log"] = self.quizbox.log_text()
        return raw

    # -- py-spy on quizbox (--py-spy DIR)

    async def start_profiler(self):
        if not self.args.py_spy:
            return
        spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        out = Path(self.args.py_spy) / f"quizbox-{self.tag}.txt"
        out.parent.mkdir(parents=True, exist_ok=True)
        # --nonblocking: read the server's memory without pausing it (a pause would be measured)
        self.profiler = subprocess.Popen(
            [spy, "record", "--pid", str(self.quizbox.proc.pid), "--rate", "100", "--threads",
             "--nonblocking", "--format", "raw", "--output", str(out)],
            stdout=subprocess.DEVNULL, stderr=open(out.with_suffix(".log"), "wb"),
            stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        self.raw["profile"] = str(out)
        await asyncio.sleep(1.0)   # py-spy attaches before the first question

    def stop_profiler(self):
        profiler, self.profiler = self.profiler, None
        if profiler is not None and profiler.poll() is None:
            profiler.send_signal(signal.SIGINT)   # py-spy writes its file and ends
            try:
                profiler.wait(30)
            except subprocess.TimeoutExpired:
                profiler.kill()
                profiler.wait()

    async def open_projector(self):
        """The teacher logs in and opens the projector first, as in a class."""
        admin = HttpConnection(self.port)
        try:
            status, pairs, body = await admin.request(
                "POST", "/admin/login", json.dumps({"password": ADMIN_PASSWORD}).encode(),
                ["Content-Type: application/json"])
        finally:
            admin.close()
        cookie = cookie_from(pairs, "qb_admin")
        if status != 200 or not cookie:
            raise RuntimeError(f"admin login answered {status}: {body[:200]!r}")
        headers = [f"Cookie: {cookie}", f"Origin: http://127.0.0.1:{self.port}"]
        self.teacher = await ws_connect(
            lambda: TeacherSocket(self.port, f"/ws/instructor/{SID}", headers),
            self.port, SETUP_TIMEOUT_S)
        await asyncio.wait_for(asyncio.shield(self.teacher.ready), SETUP_TIMEOUT_S)

    async def join_and_connect(self):
        raw, fleet, quizbox, n = self.raw, self.fleet, self.quizbox, self.n
        phase_timeout = SETUP_TIMEOUT_S + n * 0.05

        cpu = quizbox.cpu_ns()
        fleet.send_all("join", self.port, max(1, self.args.join_concurrency // self.procs))
        joined = await fleet.wait_all("joined", timeout=phase_timeout)
        raw["cpu"]["join"] = quizbox.cpu_ns() - cpu
        raw["joined"] = sum(d["ok"] for d in joined.values())
        raw["join_s"] = span_s(joined)

        cpu = quizbox.cpu_ns()
        fleet.send_all("connect", self.port, "quiz", f"/ws/student/{SID}")
        connected = await fleet.wait_all("connected", timeout=phase_timeout)
        raw["cpu"]["connect"] = quizbox.cpu_ns() - cpu
        raw["connected"] = sum(d["ok"] for d in connected.values())
        raw["connect_s"] = span_s(connected)

        health = await quizbox.wait_healthy(self.port)
        if health.get("ws_clients") != n + 1:
            raw["problems"].append(f"/healthz ws_clients {health.get('ws_clients')} != {n + 1} "
                                   f"(N students + the teacher)")

    async def play(self):
        """Each question: next (t0) → all opened → all but one acked → close_question (t1)
        → all revealed; then a last next ends the session (t2). Server CPU per window."""
        raw, fleet, quizbox, teacher = self.raw, self.fleet, self.quizbox, self.teacher
        windows = raw["windows"]
        for q in range(self.args.questions):
            if self.server_gone():
                return
            await asyncio.sleep(SETTLE_S)
            cpu = quizbox.cpu_ns()
            t0 = time.time_ns()
            teacher.send_text('{"type":"next"}')
            opened = await fleet.wait_all("opened", q)
            cpu_opened = quizbox.cpu_ns()
            windows["open"].append((t0, cpu_opened - cpu, opened))
            await fleet.wait_all("acked", q, timeout=self.args.answer_delay[1] + STEP_TIMEOUT_S)
            windows["answer"].append(quizbox.cpu_ns() - cpu_opened)
            await asyncio.sleep(SETTLE_S)   # the last commit and histogram go out first
            cpu = quizbox.cpu_ns()
            t1 = time.time_ns()
            teacher.send_text('{"type":"close_question"}')
            closed = await fleet.wait_all("closed", q)
            windows["reveal"].append((t1, quizbox.cpu_ns() - cpu, closed))
            raw["t0"].append(t0)
            raw["t1"].append(t1)
        if self.server_gone():
            return
        await asyncio.sleep(SETTLE_S)
        cpu = quizbox.cpu_ns()
        raw["t2"] = time.time_ns()
        teacher.send_text('{"type":"next"}')   # after the last question: the session ends
        await fleet.wait_all("ended")
        windows["end"].append(quizbox.cpu_ns() - cpu)

    def server_gone(self):
        if self.quizbox.proc.poll() is None:
            return False
        if not self.raw.get("server_died"):
            self.raw["server_died"] = True
            self.raw["problems"].append(
                f"quizbox died during the game: exit status {self.quizbox.proc.returncode}")
        return True

    async def collect(self):
        """Every timestamp from the clients, the server's memory and CPU, then stop it."""
        raw, quizbox, teacher = self.raw, self.quizbox, self.teacher
        if not self.server_gone():
            # the projector's last frames (a leaderboard of N) may still be on their way
            await teacher.wait_for(teacher_expects(self.args.questions), STEP_TIMEOUT_S)
        self.fleet.send_all("report")
        raw["quiz_reports"] = await self.fleet.wait_all("report", timeout=SETUP_TIMEOUT_S)
        if not self.server_gone():
            raw["rss_mb"] = quizbox.peak_rss_mb()
            raw["server_cpu_s"] = quizbox.cpu_seconds()
        raw["teacher_kinds"] = dict(teacher.kinds)
        self.fleet.send_all("disconnect")
        await self.fleet.wait_all("disconnected")
        teacher.close()
        await asyncio.wait([teacher.lost], timeout=5)
        raw["problems"] += teacher.problems
        self.teacher = None
        self.stop_profiler()
        if quizbox.cgroup is not None:
            raw["throttling"] = quizbox.cgroup.throttling()
        if self.server_gone():
            return
        if self.args.check_durable:
            quizbox.kill()   # nothing flushed at exit: what was acked must be on disk already
            self.read_fsync_counts()
            await self.verify_durable()
            return
        quizbox.stop()
        self.read_fsync_counts()
        if quizbox.proc.returncode not in (0, -signal.SIGTERM):
            raw["problems"].append(f"quizbox exit status {quizbox.proc.returncode} after SIGTERM")

    def read_fsync_counts(self):
        """The shim's counters: fsync-family calls in quizbox and the time inside them."""
        if self.fsync_counts is not None:
            try:
                calls, ns = struct.unpack("=QQ", self.fsync_counts.read_bytes()[:16])
                self.raw["fsyncs"] = (calls, ns)
            except (OSError, struct.error):
                self.raw["problems"].append("the slow-fsync shim left no counts: was it loaded?")

    async def verify_durable(self):
        """After SIGKILL: a fresh quizbox on the same database must list every student
        whose join was answered 200 and every answer that got its submit_ack."""
        raw = self.raw
        port = free_port()
        verifier = ServerProcess(self.serve_command(port), quizbox_env(self.n),
                                 self.workdir / f"quizbox-{self.tag}-verify.log")
        try:
            verifier.start()
            await verifier.wait_healthy(port)
            http = HttpConnection(port)
            try:
                status, pairs, body = await http.request(
                    "POST", "/admin/login", json.dumps({"password": ADMIN_PASSWORD}).encode(),
                    ["Content-Type: application/json"])
                cookie = cookie_from(pairs, "qb_admin")
                if status != 200 or not cookie:
                    raise RuntimeError(f"durability check: admin login answered {status}")
                status, _, body = await http.request("GET", f"/admin/api/csv?sid={SID}",
                                                     headers=[f"Cookie: {cookie}"])
            finally:
                http.close()
            if status != 200:
                raise RuntimeError(f"durability check: the CSV answered {status}: {body[:200]!r}")
        finally:
            if verifier.proc is not None and verifier.proc.poll() is None:
                raw["verify_cpu_s"] = verifier.cpu_seconds()   # ours, not the machine's noise
            verifier.stop()
        rows = {row["student_id"]: row for row in
                csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}
        joined = acked = lost = 0
        examples = []
        for report in raw.get("quiz_reports", {}).values():
            for i, (_, _, ack_ns, _, _, answers) in report["students"].items():
                joined += 1   # its socket opened: its join was answered 200
                row = rows.get(student_id_of(i))
                if row is None:
                    lost += 1
                    examples.append(f"{student_id_of(i)} (joined) is not in the CSV")
                    continue
                for q, ack in enumerate(ack_ns):
                    if ack is None:
                        continue
                    acked += 1
                    if row.get(f"q{q + 1}_answer") != answers[q]:
                        lost += 1
                        examples.append(f"{student_id_of(i)} q{q}: acked {answers[q]!r}, the CSV "
                                        f"has {row.get(f'q{q + 1}_answer')!r}")
        raw["durable"] = {"joins": joined, "acks": acked, "lost": lost,
                          "examples": examples[:10]}

    async def ceiling(self):
        """The same sockets and the same fan-out, from the bare broadcast server."""
        raw, fleet = self.raw, self.fleet
        port = free_port()
        self.bare = bare = ServerProcess(
            [sys.executable, str(Path(__file__).resolve()), "--bare-server", str(port)],
            dict(os.environ), self.workdir / f"bare-{self.tag}.log", self.new_cgroup("bare"))
        bare.start()
        await bare.wait_healthy(port)
        self.check_placement(bare, "bare")
        fleet.send_all("connect", port, "bare", "/ws")
        await fleet.wait_all("connected", timeout=SETUP_TIMEOUT_S + self.n * 0.05)
        control = await ws_connect(lambda: ControlSocket(port, "/ws?control=1"), port,
                                   SETUP_TIMEOUT_S)
        raw["bare_t0"], raw["bare_cpu"] = [], []
        for r in range(self.args.questions):
            await asyncio.sleep(SETTLE_S)
            cpu = bare.cpu_ns()
            raw["bare_t0"].append(time.time_ns())
            control.send_text(json.dumps({"round": r}))
            opened = await fleet.wait_all("opened", r)
            raw["bare_cpu"].append((bare.cpu_ns() - cpu, opened))
        fleet.send_all("report")
        raw["bare_reports"] = await fleet.wait_all("report", timeout=SETUP_TIMEOUT_S)
        raw["bare_cpu_s"] = bare.cpu_seconds()
        if bare.cgroup is not None:
            raw["bare_throttling"] = bare.cgroup.throttling()
        fleet.send_all("disconnect")
        await fleet.wait_all("disconnected")
        control.close()
        raw["problems"] += control.problems
        bare.stop()


def span_s(reports):
    """Seconds from the first process's start to the last one's end."""
    if not reports:
        return None
    return (max(d["ended"] for d in reports.values())
            - min(d["started"] for d in reports.values())) / 1e9


# The figures #################################################################

def ms(ns):
    return ns / 1e6


def summarize(raw, questions):
    """Raw timestamps → the figures printed for one N."""
    n = raw["n"]
    out = {"n": n, "config": raw.get("config", "full")}
    problems = collections.Counter()
    examples = list(raw["problems"])
    for text in raw["problems"]:
        problems[text.split(":")[0][:60]] += 1

    # quizbox: per-student timestamps from every client process
    students = {}
    gen_cpu_s = raw.get("driver_cpu_s", 0.0)
    game_cpu_ns = received = 0
    ping_rtts, pongs_missing = [], 0
    for report in raw.get("quiz_reports", {}).values():
        students.update(report["students"])
        problems.update(report["problems"])
        examples += report["examples"]
        gen_cpu_s += report["total_cpu_s"]
        game_cpu_ns += report["game_cpu_ns"]
        received += report["received"]
        ping_rtts += report["ping_rtts"]
        pongs_missing += report["pongs_missing"]
    t0s, t1s = raw["t0"], raw["t1"]
    fanout, acks, reveal, end = [], [], [], []
    missing = collections.Counter()
    missing_who = collections.defaultdict(list)   # kind → a few "s00012 q1"

    def miss(kind, i, q=None):
        missing[kind] += 1
        if len(missing_who[kind]) < 6:
            missing_who[kind].append(student_id_of(i) + ("" if q is None else f" q{q}"))

    for i in range(n):
        open_ns, submit_ns, ack_ns, closed_ns, ended_ns, _ = students.get(
            i, ([None] * questions,) * 4 + (None, None))
        for q in range(questions):
            if q >= len(t0s):
                miss("question (never played)", i, q)
                continue
            if open_ns[q] is None:
                miss("question_open", i, q)
            else:
                fanout.append(ms(open_ns[q] - t0s[q]))
            if i != holdout_of(q, n):
                if ack_ns[q] is None:
                    miss("submit_ack", i, q)
                else:
                    acks.append(ms(ack_ns[q] - submit_ns[q]))
            if closed_ns[q] is None:
                miss("question_closed", i, q)
            else:
                reveal.append(ms(closed_ns[q] - t1s[q]))
        if "t2" in raw:
            if ended_ns is None:
                miss("session_ended", i)
            else:
                end.append(ms(ended_ns - raw["t2"]))
    for kind, count in teacher_expects(questions).items():
        got = raw.get("teacher_kinds", {}).get(kind, 0)
        if got < count:
            missing[f"teacher's {kind}"] += count - got
    out["joins_per_s"] = raw.get("joined", 0) / raw["join_s"] if raw.get("join_s") else None
    out["connects_per_s"] = raw.get("connected", 0) / raw["connect_s"] if raw.get("connect_s") else None
    out["fanout"], out["ack"] = latency_stats(fanout), latency_stats(acks)
    out["fanout_max_each"] = "/".join(          # the first question may pay for warming up
        f"{ms(max(s[0][q] for s in students.values() if s[0][q]) - t0s[q]):.0f}"
        for q in range(len(t0s)) if any(s[0][q] for s in students.values()))
    # first → last receipt: the sending itself, without the commit a question waits for
    out["fanout_spread_each"] = "/".join(
        f"{ms(max(opened) - min(opened)):.0f}"
        for opened in ([s[0][q] for s in students.values() if s[0][q]] for q in range(len(t0s)))
        if opened)
    out["reveal"], out["end"] = latency_stats(reveal), latency_stats(end)
    out["rss_mb"] = raw.get("rss_mb")
    out["server_cpu_s"] = raw.get("server_cpu_s")
    out["ping"] = latency_stats([ms(rtt) for rtt in ping_rtts])
    if pongs_missing:
        missing[f"pong within {PONG_LATE_S:.0f} s"] += pongs_missing
    durable = raw.get("durable")
    if durable is not None:
        out["durable_acks"], out["durable_lost"] = durable["acks"], durable["lost"]
        out["durable_joins"] = durable["joins"]
        if durable["lost"]:
            missing["acked answer or join not on disk after SIGKILL"] += durable["lost"]
            examples += durable["examples"]
    if "fsyncs" in raw:
        calls, ns = raw["fsyncs"]
        out["fsync_calls"], out["fsync_ms_each"] = calls, (ms(ns) / calls if calls else None)
    for key, field in (("throttling", "throttled_pct"), ("bare_throttling", "bare_throttled_pct")):
        if raw.get(key) and raw[key][0]:
            periods, throttled, _ = raw[key]
            out[field] = 100 * throttled / periods
    out["placement"] = raw.get("placement", [])

    # server CPU per student in each window (schedstat ns ÷ students)
    windows = raw["windows"]
    us = lambda total_ns, count: total_ns / 1e3 / count if count else None   # noqa: E731
    out["us_join"] = us(raw["cpu"].get("join", 0), raw.get("joined", 0))
    out["us_connect"] = us(raw["cpu"].get("connect", 0), raw.get("connected", 0))
    out["us_broadcast"] = us(sum(c for _, c, _ in windows["open"]), n * len(windows["open"]))
    out["us_answer"] = us(sum(windows["answer"]), (n - 1) * len(windows["answer"]))
    out["us_reveal"] = us(sum(c for _, c, _ in windows["reveal"]), n * len(windows["reveal"]))
    out["us_end"] = us(sum(windows["end"]), n * len(windows["end"]))

    # the load generator: its CPU, and how busy it was while a question fanned out
    out["gen_cpu_s"] = gen_cpu_s
    out["other_cpu_s"] = raw.get("other_cpu_s")
    out["run_s"] = raw.get("run_s")
    out["gen_us_per_msg"] = game_cpu_ns / 1e3 / received if received else None
    out["gen_busy_fanout"], out["server_busy_fanout"] = _busy(windows["open"])
    out["gen_busy_reveal"], out["server_busy_reveal"] = _busy(windows["reveal"])
    out["gen_us_per_open"] = us(sum(d["cpu_ns"] for _, _, opened in windows["open"]
                                    for d in opened.values()), n * len(windows["open"]))

    # the bare ceiling
    bare = []
    for report in raw.get("bare_reports", {}).values():
        problems.update(report["problems"])
        examples += report["examples"]
        for open_ns, *_ in report["students"].values():
            for r, t0 in enumerate(raw.get("bare_t0", [])):
                if open_ns[r] is None:
                    missing["bare broadcast"] += 1
                else:
                    bare.append(ms(open_ns[r] - t0))
    out["bare"] = latency_stats(bare)
    bare_windows = [(t0, cpu, opened) for t0, (cpu, opened) in
                    zip(raw.get("bare_t0", []), raw.get("bare_cpu", []))]
    out["bare_us_broadcast"] = us(sum(c for _, c, _ in bare_windows), n * len(bare_windows))
    out["bare_gen_busy"], out["bare_server_busy"] = _busy(bare_windows)
    out["bare_gen_us_per_open"] = us(sum(d["cpu_ns"] for _, _, opened in bare_windows
                                         for d in opened.values()), n * len(bare_windows))
    if out["bare"]["p99"] and out["fanout"]["p99"] is not None:
        out["ratio_p50"] = out["fanout"]["p50"] / out["bare"]["p50"]
        out["ratio_p99"] = out["fanout"]["p99"] / out["bare"]["p99"]

    out["errors"] = sum(problems.values())
    out["missing"] = sum(missing.values())
    out["problem_kinds"], out["missing_kinds"] = dict(problems), dict(missing)
    out["missing_who"] = dict(missing_who)
    out["examples"] = examples[:30]
    out["server_log_issues"] = _log_issues(raw.get("server_log", ""))
    out["log_path"] = raw.get("log_path")
    return out


def _busy(windows):
    """Share of one core used by the client processes and by the server, from the
    teacher's send to the last client's last receipt (max over questions), in %."""
    worst_gen = worst_server = None
    for t0, server_cpu_ns, opened in windows:
        if not opened:
            continue
        wall = max(d["last_ns"] for d in opened.values()) - t0
        if wall <= 0:
            continue
        gen = 100 * sum(d["cpu_ns"] for d in opened.values()) / wall
        server = 100 * server_cpu_ns / wall
        worst_gen = gen if worst_gen is None else max(worst_gen, gen)
        worst_server = server if worst_server is None else max(worst_server, server)
    return worst_gen, worst_server


def _log_issues(text):
    """Server log lines that are not its start banner or its normal stop."""
    quiet = ("quizbox ", "  Students:", "  Teacher:", "  Admin password:", "  Database:",
             "quizbox: stopping")
    return [line for line in text.splitlines() if line.strip() and not line.startswith(quiet)][:40]


def fmt(value, digits=1):
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


LEGEND = """
How to read it:
- Latencies are per student, from the driver's send (t0, time_ns just before the frame is
  written) to the client's receipt (time_ns when the bytes reach the client's event loop).
- server µs/student: the server's CPU (all threads, /proc/<pid>/task/*/schedstat) in that
  window ÷ students. join = the whole join phase; broadcast = next → last question_open;
  answer+ack = last question_open → last ack ÷ (N-1); reveal = close_question → last
  question_closed; end = last next → last session_ended. Each includes the fixed cost of
  one commit, so small N reads higher; growth with N means a cost above linear.
- busy % core: CPU used ÷ wall time, from t0 (or t1) to the last receipt (worst question);
  100 = one core. When generator + server reach 100 × the CPU count, the machine is
  saturated and the fan-out figure is partly the generator's own.
- * whole game: generator CPU from sockets open to the report (answers sent, timers
  included) ÷ messages received.
- errors: error frames, failed joins or handshakes, unexpected closes, wrong personal
  fields; missing: every expected question_open / submit_ack / question_closed /
  session_ended not received (students and projector), every pong more than 5 s late,
  and (with --check-durable or --pi) every acked answer or join not in the CSV of a quizbox
  restarted on the same database after SIGKILL. All must be 0.
- ping→pong: each student's {"type":"ping"} to quizbox's pong, over the whole game; a loop
  stalled by anything (a slow disk, a long computation) shows here.
- first→last receipt: per question, the first student's question_open to the last one's:
  the sending alone. A question is told only once it is on disk, so a slow fsync delays
  the whole fan-out (next→question_open) but should not stretch this.
- fsyncs: fsync/fdatasync/sync_file_range calls in quizbox and the mean time inside one,
  slowed by the shim; throttled %: the share of the quota's periods in which the cgroup
  ran out of CPU (cpu.stat), over the server's whole life."""


def print_table(results):
    rows = [
        ("joins/s (HTTP POST /api/join)", lambda r: fmt(r["joins_per_s"], 0)),
        ("WS connects/s", lambda r: fmt(r["connects_per_s"], 0)),
        ("fan-out next→question_open p50 ms", lambda r: fmt(r["fanout"]["p50"])),
        ("                             p99 ms", lambda r: fmt(r["fanout"]["p99"])),
        ("                             max ms", lambda r: fmt(r["fanout"]["max"])),
        ("          max of each question ms", lambda r: r["fanout_max_each"]),
        ("     first→last receipt each ms", lambda r: r["fanout_spread_each"]),
        ("ack submit→submit_ack p50 ms", lambda r: fmt(r["ack"]["p50"])),
        ("                      p99 ms", lambda r: fmt(r["ack"]["p99"])),
        ("                      max ms", lambda r: fmt(r["ack"]["max"])),
        ("reveal close→question_closed p50 ms", lambda r: fmt(r["reveal"]["p50"])),
        ("                             p99 ms", lambda r: fmt(r["reveal"]["p99"])),
        ("                             max ms", lambda r: fmt(r["reveal"]["max"])),
        ("end next→session_ended p50 ms", lambda r: fmt(r["end"]["p50"])),
        ("                       p99 ms", lambda r: fmt(r["end"]["p99"])),
        ("ping→pong p50 ms (every 2 s, each)", lambda r: fmt(r["ping"]["p50"])),
        ("              p99 ms", lambda r: fmt(r["ping"]["p99"])),
        ("              max ms", lambda r: fmt(r["ping"]["max"])),
        ("acked answers on disk after SIGKILL", lambda r: "-" if r.get("durable_acks") is None
            else f"{r['durable_acks'] - r['durable_lost']}/{r['durable_acks']}"),
        ("quizbox fsyncs (shim): calls", lambda r: fmt(r.get("fsync_calls"), 0)),
        ("                       ms each", lambda r: fmt(r.get("fsync_ms_each"))),
        ("CPU periods throttled %: quizbox", lambda r: fmt(r.get("throttled_pct"), 0)),
        ("                         bare", lambda r: fmt(r.get("bare_throttled_pct"), 0)),
        ("server peak RSS (VmHWM) MB", lambda r: fmt(r["rss_mb"])),
        ("server CPU s (utime+stime)", lambda r: fmt(r["server_cpu_s"], 2)),
        ("server µs/student: join", lambda r: fmt(r["us_join"])),
        ("                   WS connect", lambda r: fmt(r["us_connect"])),
        ("                   broadcast (open)", lambda r: fmt(r["us_broadcast"])),
        ("                   answer+ack", lambda r: fmt(r["us_answer"])),
        ("                   reveal", lambda r: fmt(r["us_reveal"])),
        ("                   end", lambda r: fmt(r["us_end"])),
        ("errors", lambda r: fmt(r["errors"], 0)),
        ("missing messages", lambda r: fmt(r["missing"], 0)),
        ("load generator CPU s (quiz phase)", lambda r: fmt(r["gen_cpu_s"], 2)),
        ("generator µs CPU/message, whole game*", lambda r: fmt(r["gen_us_per_msg"])),
        ("generator µs CPU/question_open", lambda r: fmt(r["gen_us_per_open"])),
        ("during fan-out: generator busy % core", lambda r: fmt(r["gen_busy_fanout"], 0)),
        ("                server busy % core", lambda r: fmt(r["server_busy_fanout"], 0)),
        ("during reveal: generator busy % core", lambda r: fmt(r["gen_busy_reveal"], 0)),
        ("               server busy % core", lambda r: fmt(r["server_busy_reveal"], 0)),
        ("other processes' CPU s meanwhile (noise)", lambda r: fmt(r["other_cpu_s"], 2)),
        ("BARE fan-out p50 ms", lambda r: fmt(r["bare"]["p50"])),
        ("           p99 ms", lambda r: fmt(r["bare"]["p99"])),
        ("           max ms", lambda r: fmt(r["bare"]["max"])),
        ("bare server µs/student broadcast", lambda r: fmt(r["bare_us_broadcast"])),
        ("bare: generator µs CPU/message", lambda r: fmt(r["bare_gen_us_per_open"])),
        ("bare: generator busy % core", lambda r: fmt(r["bare_gen_busy"], 0)),
        ("bare: server busy % core", lambda r: fmt(r["bare_server_busy"], 0)),
        ("fan-out quizbox/bare p50 ×", lambda r: fmt(r.get("ratio_p50"), 2)),
        ("fan-out quizbox/bare p99 ×", lambda r: fmt(r.get("ratio_p99"), 2)),
    ]
    if any(r.get("runs", 1) > 1 for r in results):
        rows += [(f"each run: {label} ms", lambda r, label=label: "/".join(r["each"][label]))
                 for label, _ in EACH_RUN]
        rows.append(("runs (failed)", lambda r: f"{r['runs']} ({r['failed_runs']})"))
    width = max(len(label) for label, _ in rows) + 2
    column = max([12] + [len(r.get("column", "")) + 2 for r in results]
                 + [len(cell(r)) + 2 for label, cell in rows if label.startswith("each run")
                    for r in results if "each" in r])
    header = "".join(f"{r.get('column') or 'N=' + str(r['n']):>{column}}" for r in results)
    print()
    print(f"{'':{width}}{header}")
    for label, cell in rows:
        cells = []
        for r in results:
            try:
                cells.append(f"{cell(r) if 'fanout' in r else 'FAILED':>{column}}")
            except (KeyError, TypeError):
                cells.append(f"{'-':>{column}}")
        print(f"{label:{width}}{''.join(cells)}")
    print(LEGEND)
    for r in results:
        if r.get("other_cpu_s") and r.get("run_s") and \
                r["other_cpu_s"] > 0.1 * r["run_s"] * os.cpu_count():
            print(f"\n{r.get('column') or 'N=' + str(r['n'])}: NOISY: other processes used {r['other_cpu_s']:.1f} CPU s of the "
                  f"{r['run_s'] * os.cpu_count():.0f} this machine had during the run; "
                  f"its figures are not the server's alone: run again on a quiet machine.")
    for r in results:
        if r.get("failure") or r.get("errors") or r.get("missing") or r.get("server_log_issues"):
            print(f"\n{r.get('column') or 'N=' + str(r['n'])}: problems")
            if r.get("failure"):
                print(f"  run failed: {r['failure']}")
            for kind, count in sorted(r.get("problem_kinds", {}).items()):
                print(f"  error  ×{count}: {kind}")
            for kind, count in sorted(r.get("missing_kinds", {}).items()):
                who = r.get("missing_who", {}).get(kind)
                print(f"  missing ×{count}: {kind}" + (f" (e.g. {', '.join(who)})" if who else ""))
            for example in r.get("examples", [])[:15]:
                print(f"    e.g. {example}")
            if r.get("server_log_issues"):
                print(f"  server log ({r.get('log_path')}):")
                for line in r["server_log_issues"]:
                    print(f"    | {line}")


TARGETS = (   # issue 14: (figure, limit, how to read it); Pi at N=2000, unthrottled at N=5000
    ("pi", "reveal p99 ms", lambda r: r["reveal"]["p99"], 150),
    ("pi", "ack p99 ms", lambda r: r["ack"]["p99"], 150),
    ("pi", "fan-out p99 ÷ bare p99 (same quota)", lambda r: r.get("ratio_p99"), 1.5),
    ("pi", "acked answers lost after SIGKILL", lambda r: r.get("durable_lost"), 0),
    ("pi", "errors", lambda r: r["errors"], 0),
    ("pi", "missing messages", lambda r: r["missing"], 0),
    ("full", "reveal p99 ms", lambda r: r["reveal"]["p99"], 100),
    ("full", "server peak RSS MB", lambda r: r["rss_mb"], 200),
    ("full", "errors", lambda r: r["errors"], 0),
)


def print_targets(results):
    """Issue 14's targets, figure by figure (set for Pi-class N=2000 and unthrottled N=5000;
    shown for every N measured)."""
    print("\nIssue 14 targets (Pi-class: set for N=2000; unthrottled: set for N=5000):")
    for r in results:
        if "fanout" not in r:
            print(f"  {r.get('column')}: FAILED, nothing to compare")
            continue
        kind = "full" if r.get("config", "full") == "full" else "pi"
        verdicts = []
        for which, label, figure, limit in TARGETS:
            if which != kind:
                continue
            try:
                value = figure(r)
            except (KeyError, TypeError):
                value = None
            verdict = "?" if value is None else "ok" if value <= limit else "MISSED"
            digits = 0 if limit == 0 else 2 if limit < 10 else 1
            verdicts.append(f"{label} {fmt(value, digits)} ≤ {limit:g} {verdict}")
        print(f"  {r.get('column')}: " + "; ".join(verdicts))


def machine_line(args):
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        import uvloop
        loop = f"uvloop {uvloop.__version__}"
    except ImportError:
        loop = "asyncio default loop (uvloop not installed)"
    return (f"machine: {os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}, "
            f"Python {platform.python_version()}; clients: {loop}, {args.procs} processes; "
            f"{args.questions} questions, answers after {args.answer_delay[0]}–{args.answer_delay[1]} s, "
            f"one student per question holds back; reveal timed from the teacher's close_question; "
            + (f"every student pings every {args.ping_interval:g} s" if args.ping_interval > 0
               else "no pings"))


# Command line ################################################################

def parse_args(argv):
    parser = argparse.ArgumentParser(description="quizbox load benchmark (issue 5)")
    parser.add_argument("--sizes", default="100,500,1000,2000",
                        help="class sizes N, comma-separated [100,500,1000,2000]")
    parser.add_argument("--questions", type=int, default=3, help="questions per game [3]")
    parser.add_argument("--procs", type=int, default=3, help="client processes, 2-4 [3]")
    parser.add_argument("--answer-delay", default=None,
                        help="each student answers this many seconds after the question "
                             "reaches it, uniformly at random [0.2,1.5; with --pi 0.2,1.2: the "
                             "class answers within 1 s]: no person answers faster than 0.2 s, "
                             "and it keeps answers out of the fan-out window")
    parser.add_argument("--ping-interval", type=float, default=2.0,
                        help="each student pings this often, as the page does, and the round "
                             "trips are measured; 0: no pings [2]")
    pi = parser.add_argument_group("Pi-class mode (issue 14)")
    pi.add_argument("--pi", action="store_true",
                    help="run each N twice, side by side: unthrottled, and with the servers "
                         "(quizbox, then the bare ceiling) in a CPU quota and quizbox's fsync "
                         "slowed down; checks that every ack is durable")
    pi.add_argument("--cpu-quota", default="1/4",
                    help="with --pi: ms of CPU per ms of wall time for each server [1/4: a "
                         "quarter of one core, about a Raspberry Pi 4's core for CPython]")
    pi.add_argument("--fsync-delay-ms", default="5",
                    help="with --pi: every fsync/fdatasync in quizbox takes this much longer "
                         "(an SD card) [5]; a comma-separated list gives one Pi column each")
    pi.add_argument("--repeat", type=int, default=1,
                    help="run each configuration this many times and print the median of each "
                         "figure (errors and missing: the sum over the runs) [1]")
    pi.add_argument("--check-durable", action="store_true",
                    help="after the game, SIGKILL quizbox, start it again on the same database "
                         "and check that its CSV has every acked answer (always on with --pi)")
    pi.add_argument("--py-spy", metavar="DIR",
                    help="record each quizbox server with py-spy during the game (from the "
                         "first question to the end; raw collapsed stacks, 100 Hz, --threads "
                         "--nonblocking) into DIR")
    parser.add_argument("--join-concurrency", type=int, default=24,
                        help="HTTP joins in flight, over all client processes [24]")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds allowed for one N, everything included "
                             "[180 + 40 × questions + 0.1 × N]")
    parser.add_argument("--quizbox", type=Path, default=QUIZBOX,
                        help="the quizbox.py to measure [the one beside tests/]")
    parser.add_argument("--quiet-wait", type=float, default=30,
                        help="before each N, wait up to this long for the machine to be idle [30]")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-bare", action="store_true", help="skip the bare ceiling")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (databases, server logs)")
    parser.add_argument("--json", help="also write every figure to this file")
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.answer_delay is None:
        args.answer_delay = "0.2,1.2" if args.pi else "0.2,1.5"
    args.answer_delay = tuple(float(x) for x in args.answer_delay.replace(":", ",").split(","))
    if not 1 <= args.procs <= 16 or len(args.answer_delay) != 2 or args.questions < 1:
        parser.error("--procs 1..16, --answer-delay LOW,HIGH, --questions ≥ 1")
    if not 1 <= args.repeat <= 20:
        parser.error("--repeat 1..20")
    try:
        args.quota = parse_cpu_quota(args.cpu_quota)
        args.fsync_delays = [float(x) for x in args.fsync_delay_ms.split(",") if x.strip()]
    except ValueError as exc:
        parser.error(str(exc))
    if not args.fsync_delays or any(d < 0 for d in args.fsync_delays):
        parser.error("--fsync-delay-ms: one or more delays ≥ 0, comma-separated")
    args.check_durable = args.check_durable or args.pi
    return args


async def wait_for_quiet(limit_s):
    """Up to limit_s, wait for two quiet seconds (others under 15 % of a core): on a shared
    machine a test suite running beside us would otherwise be measured too."""
    deadline, quiet = time.monotonic() + limit_s, 0
    while time.monotonic() < deadline and quiet < 2:
        before = machine_cpu_s()
        await asyncio.sleep(1.0)
        quiet = quiet + 1 if machine_cpu_s() - before < 0.15 else 0
    if quiet < 2 and limit_s > 0:
        print(f"  the machine did not go quiet within {limit_s:.0f} s; measuring anyway",
              file=sys.stderr, flush=True)


def run_configs(args, workdir):
    """The configurations to run for each N: unthrottled, then one Pi column per fsync delay.
    PiUnavailable if the Pi-class mode cannot be set up here."""
    configs = [RunConfig("full")]
    if args.pi:
        shim = build_slow_fsync(workdir)
        quota = CpuQuota(*args.quota)
        probe = quota.new_group("probe")   # can we make one and set its quota? then remove it
        probe.remove()
        for delay in args.fsync_delays:
            label = "pi" if len(args.fsync_delays) == 1 else f"pi+{delay:g}ms"
            configs.append(RunConfig(label, quota, shim, delay))
    return configs


async def main_async(args, workdir, configs):
    """Every N × configuration × repeat; → one result (medians of the runs) per column."""
    runs = collections.defaultdict(list)   # (n, label) → [summary of each run]
    for n in args.sizes:
        for rep in range(args.repeat):
            for config in configs:   # interleaved, so slow drift on the machine hits all alike
                await wait_for_quiet(args.quiet_wait)
                limit = args.timeout or 180 + 40 * args.questions + 0.1 * n
                what = f"N={n} {config.label}" + (f" run {rep + 1}/{args.repeat}" if args.repeat > 1 else "")
                print(f"{what}: running (at most {limit:.0f} s) ...", file=sys.stderr, flush=True)
                started = time.monotonic()
                tag = f"{n}-{config.label}-{rep}"
                try:
                    raw = await asyncio.wait_for(SizeRun(n, args, workdir, config, rep).run(), limit)
                except (asyncio.TimeoutError, RuntimeError, OSError, ConnectionError,
                        PiUnavailable) as exc:
                    reason = "timed out" if isinstance(exc, asyncio.TimeoutError) else repr(exc)
                    log = workdir / f"quizbox-{tag}.log"
                    runs[(n, config.label)].append(
                        {"n": n, "config": config.label, "failure": reason, "log_path": str(log),
                         "server_log_issues": _log_issues(log.read_text(errors="replace"))
                         if log.exists() else []})
                    print(f"{what}: FAILED ({reason})", file=sys.stderr, flush=True)
                    continue
                summary = summarize(raw, args.questions)
                runs[(n, config.label)].append(summary)
                print(f"{what}: done in {time.monotonic() - started:.1f} s: fan-out p99 "
                      f"{fmt(summary['fanout']['p99'])} ms (bare {fmt(summary['bare']['p99'])}), "
                      f"ack p99 {fmt(summary['ack']['p99'])} ms, reveal p99 "
                      f"{fmt(summary['reveal']['p99'])} ms, ping p99 {fmt(summary['ping']['p99'])} ms, "
                      f"{summary['errors']} errors, {summary['missing']} missing",
                      file=sys.stderr, flush=True)
    results = []
    for n in args.sizes:
        for config in configs:
            result = combine(runs[(n, config.label)])
            result["column"] = f"N={n}" + ("" if config.label == "full" or not args.pi
                                           else f" {config.label}")
            results.append(result)
    return results


SUMMED = ("errors", "missing", "durable_lost", "durable_acks", "durable_joins")
EACH_RUN = (("fan-out p99", ("fanout", "p99")), ("bare p99", ("bare", "p99")),
            ("ack p99", ("ack", "p99")), ("reveal p99", ("reveal", "p99")),
            ("ping p99", ("ping", "p99")))


def combine(runs):
    """Several runs of one configuration → the median of each figure (errors, missing and
    the durability counts: the sum), with each run's key figures kept in "each"."""
    good = [r for r in runs if "fanout" in r]
    if len(runs) == 1:
        result = dict(runs[0])
        result["runs"], result["failed_runs"] = 1, 0 if good else 1
        return result
    if not good:
        result = dict(runs[0])
        result["runs"], result["failed_runs"] = len(runs), len(runs)
        return result

    def merge(values, key=None):
        present = [v for v in values if v is not None]
        if not present:
            return None
        first = present[0]
        if isinstance(first, dict):
            if key in ("problem_kinds", "missing_kinds"):
                total = collections.Counter()
                for v in present:
                    total.update(v)
                return dict(total)
            return {k: merge([v.get(k) for v in present], k) for k in first}
        if isinstance(first, bool) or not isinstance(first, (int, float)):
            return first
        if key in SUMMED:
            return sum(present)
        return statistics.median(present)

    result = {key: merge([r.get(key) for r in good], key) for key in good[0]}
    result["examples"] = [e for r in runs for e in r.get("examples", [])][:30]
    result["server_log_issues"] = [e for r in runs for e in r.get("server_log_issues", [])][:40]
    result["ratio_p99"] = merge([r.get("ratio_p99") for r in good])   # each run's own ratio
    result["ratio_p50"] = merge([r.get("ratio_p50") for r in good])
    result["each"] = {label: [fmt(_dig(r, path)) for r in good] for label, path in EACH_RUN}
    result["runs"], result["failed_runs"] = len(runs), len(runs) - len(good)
    failures = [r["failure"] for r in runs if r.get("failure")]
    if failures:
        result["failure"] = f"{len(failures)} of {len(runs)} runs failed: {failures[0]}"
    return result


def _dig(result, path):
    for key in path:
        result = (result or {}).get(key)
    return result


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--bare-server"]:
        bare_server_main(int(argv[1]))
        return 0
    args = parse_args(argv)
    raise_fd_limit()
    workdir = Path(tempfile.mkdtemp(prefix="quizbox-load-"))
    bad = True
    try:
        try:
            configs = run_configs(args, workdir)
        except PiUnavailable as exc:
            print(f"tests/load.py --pi cannot run on this machine: {exc}", file=sys.stderr)
            bad = False
            return EXIT_NO_PI
        try:
            import uvloop
            uvloop.install()
        except ImportError:
            pass
        results = asyncio.run(main_async(args, workdir, configs))
        print(machine_line(args))
        print(f"command: {Path(sys.executable).name} tests/load.py {' '.join(argv)}".rstrip())
        for config in configs:
            print(f"  {config.describe()}")
        if args.repeat > 1:
            print(f"  each figure: the median of {args.repeat} runs (errors, missing: the sum)")
        print_table(results)
        if args.pi:
            print_targets(results)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1, default=str))
        bad = any(r.get("failure") or r.get("errors") or r.get("missing") for r in results)
    finally:
        if args.keep or bad:
            print(f"\nkept {workdir} (databases and server logs)", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
