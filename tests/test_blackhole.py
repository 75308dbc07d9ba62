"""A phone that walks out of Wi-Fi range: its link goes half-open, packets
vanish and nobody is told (no FIN, no RST). tests/blackhole.py stands in for
that link, between the phone and the real server.

The page must notice within seconds (it pings every ~2 s), say so, come back
by itself once the link is back, and deliver the answer tapped meanwhile. The
server must drop such a socket by itself within its bound (~30 s).

The browser test is skipped when /usr/bin/chromium or Playwright is missing
(as in test_pages.py); the server test needs neither.
"""

import os
import re
import time
from pathlib import Path

import pytest

from blackhole import BlackholeProxy
from conftest import sample_pool
from qbtest import drain, get_csv, parse_csv, wait_for
from wsclient import WSClient

try:   # only the browser test needs Playwright
    from playwright.sync_api import expect, sync_playwright
except ImportError:
    expect = sync_playwright = None

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 640}
SERVER_BOUND = 45   # s: the server drops a silent socket after ~30 s; this leaves slack


def pool_90s():
    """sample_pool, its first question (correct: B) open for 90 s, so time
    never runs out while the phone is cut off."""
    pool = sample_pool()
    pool["questions"][0]["time_limit"] = 90
    assert pool["questions"][0]["correct"] == "B"
    return pool


@pytest.fixture
def proxy_to():
    """proxy_to(server) -> a BlackholeProxy in front of it, closed at teardown."""
    proxies = []

    def make(server):
        proxies.append(BlackholeProxy(server.port))
        return proxies[-1]

    yield make
    for proxy in proxies:
        proxy.close()


@pytest.fixture
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (apt install chromium)")
    if sync_playwright is None:
        pytest.skip("pip install playwright")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), animations="disabled")


def teacher_says(server, admin, message, wait_for_type):
    """One instructor command over a short-lived direct socket (never through
    the proxy), and the reply that shows it happened."""
    with server.instructor_ws(admin) as teacher:
        teacher.recv_until("state")
        teacher.send_json(message)
        return teacher.recv_until(wait_for_type, timeout=10)


def test_a_phone_cut_off_mid_question_comes_back_with_its_answer(
        server_factory, proxy_to, browser):
    server = server_factory(pool_90s())
    proxy = proxy_to(server)
    admin = server.admin_cookie()
    sid = server.live_sid()
    errors = []

    def open_phone(base, student_id, name):
        context = browser.new_context(viewport=PHONE, base_url=base)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("websocket", lambda ws: sockets.setdefault(student_id, []).append(ws.url))
        page.goto(f"/?sid={sid}")
        expect(page.get_by_role("heading", name="Join the quiz")).to_be_visible()
        page.get_by_label("Student id").fill(student_id)
        page.get_by_label("Your name").fill(name)
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_text("You're in!")).to_be_visible()
        return page

    contexts, sockets = [], {}   # sockets: student id → the URLs its page opened
    try:
        # The student joins over the proxy, as over the classroom's Wi-Fi. A
        # classmate's phone (direct, no proxy) stays in range and does not
        # answer, so the question stays open until the teacher closes it.
        phone = open_phone(proxy.base, "w1", "Walker")
        classmate = open_phone(server.base, "c1", "Cleo")

        teacher_says(server, admin, {"type": "next"}, "question_open")
        expect(phone.locator("#prompt")).to_have_text("Powerhouse of the cell?")
        expect(classmate.locator("#prompt")).to_have_text("Powerhouse of the cell?")
        banner, status = phone.locator("#banner"), phone.locator("#answer-status")
        button_b = phone.locator(".answer[data-letter=B]")
        expect(banner).to_be_hidden()

        # The phone walks out of range, and the student taps B.
        proxy.blackhole()
        cut_at = time.monotonic()
        button_b.click()
        # Not acknowledged, so not locked in: it shows as being sent.
        expect(status).to_contain_text("Sending…")
        expect(button_b).to_have_class(re.compile(r"\bsending\b"))
        expect(button_b).not_to_have_class(re.compile(r"\blocked\b"))
        expect(status).not_to_contain_text("locked in")

        # Within seconds the page knows the link is dead, and says so.
        expect(banner).to_be_visible(timeout=10_000)
        noticed_s = time.monotonic() - cut_at
        expect(banner).to_have_text("Reconnecting…")
        expect(status).not_to_contain_text("locked in")
        shot(phone, "blackhole-1-reconnecting")

        # Back in range: the page reconnects and the answer goes through.
        proxy.restore()
        back_at = time.monotonic()
        expect(status).to_contain_text("locked in", timeout=20_000)
        recovered_s = time.monotonic() - back_at
        expect(button_b).to_have_class(re.compile(r"\blocked\b"))
        expect(banner).to_be_hidden()
        print(f"\nbanner {noticed_s:.1f} s after the cut; "
              f"answer locked in {recovered_s:.1f} s after the link came back")

        # The teacher closes the question: B counted, and scored.
        teacher_says(server, admin, {"type": "close_question"}, "question_closed")
        expect(phone.get_by_text("✓ Correct!")).to_be_visible()
        shot(phone, "blackhole-2-after")
        header, rows = parse_csv(get_csv(server, admin))
        row = dict(zip(header, next(r for r in rows if r[header.index("student_id")] == "w1")))
        assert row["q1_answer"] == "B"
        assert int(row["q1_score"]) > 0 and int(row["total_score"]) > 0
        # Every socket of the phone went through the proxy; the classmate never
        # lost touch; nothing went wrong on either page.
        assert len(sockets["w1"]) >= 2   # the first, and at least one after the cut
        assert all(url.startswith(proxy.ws_base + "/") for url in sockets["w1"])
        assert all(url.startswith(server.ws_base + "/") for url in sockets["c1"])
        expect(classmate.locator("#banner")).to_be_hidden()
        assert errors == []
    finally:
        for context in contexts:
            context.close()


def healthz_ws_clients(server):
    status, body, _ = server.json("GET", "/healthz")
    assert status == 200, body
    return body["ws_clients"]


# Slow: takes ~30 s (the server's own bound on a silent socket), up to 45 s.
def test_the_server_drops_a_socket_whose_link_went_silent(server_factory, proxy_to):
    server = server_factory(pool_90s())
    proxy = proxy_to(server)
    sid = server.live_sid()
    cut_off = WSClient.connect(f"{proxy.ws_base}/ws/student/{sid}",
                               cookie=server.join("w1", "Walker", sid=sid))
    nearby = server.student_ws(server.join("n1", "Nearby", sid=sid), sid=sid)   # direct, no proxy
    try:
        for ws in (cut_off, nearby):
            ws.recv_until("state")
            ws.send_json({"type": "ping"})
            ws.recv_until("pong")
        assert healthz_ws_clients(server) == 2

        proxy.blackhole()
        cut_at = time.monotonic()
        last_ping = 0.0

        def cut_off_dropped():
            nonlocal last_ping
            if time.monotonic() - last_ping >= 2:   # the phone still in range keeps talking
                nearby.send_json({"type": "ping"})
                nearby.recv_until("pong")
                drain(nearby, quiet=0.05)
                last_ping = time.monotonic()
            return healthz_ws_clients(server) <= 1

        wait_for(cut_off_dropped, timeout=SERVER_BOUND, interval=0.5,
                 message=f"the server to drop the silent socket (within {SERVER_BOUND} s)")
        print(f"\nthe server dropped the silent socket {time.monotonic() - cut_at:.1f} s after the cut")
        # ... and only that one: the phone that kept talking is still served.
        assert healthz_ws_clients(server) == 1
        nearby.send_json({"type": "ping"})
        nearby.recv_until("pong")
    finally:
        nearby.close()
        cut_off.close()
