"""The two pages in a real browser: Debian's chromium driven by Playwright.

A teacher's page and three students' pages (each its own browser context, as
on four devices) play a whole game against a real server, and everything is
checked on what the pages show. Screenshots of every screen go to
test-artifacts/ (gitignored) for a person to look at.

Skipped when /usr/bin/chromium or Playwright for Python is missing
(apt install chromium; pip install playwright; never `playwright install`).
"""

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip("chromium is not installed (apt install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
expect, sync_playwright = sync_api.expect, sync_api.sync_playwright

from conftest import DEFAULT_PASSWORD, sample_pool  # noqa: E402  (after the skips)

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 360, "height": 640}
XSS_NAME = "<img src=x onerror=alert(1)>"
SLOW = 15_000   # ms, for what waits on a server restart


def game_pool():
    """sample_pool with HTML-looking pool text, which must show as text."""
    pool = sample_pool()
    pool["questions"][0]["choices"][3] = "<b>Golgi</b>"
    return pool


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def next_step(teacher, key="Space"):
    """The teacher's key, as a person presses it: the page ignores a key pressed
    again within 0.8 s of the quiz moving (a double press must not skip a question)."""
    teacher.wait_for_timeout(900)
    teacher.keyboard.press(key)


class Devices:
    """Opens pages as separate devices and watches everything they do: every
    request and socket URL, every dialog (there should be none), every error."""

    def __init__(self, browser, server):
        self.browser, self.server = browser, server
        self.contexts, self.urls, self.dialogs, self.errors = [], [], [], []
        expect.set_options(timeout=5_000)

    def open(self, path, viewport, dark=False):
        context = self.browser.new_context(viewport=viewport, base_url=self.server.base,
                                           color_scheme="dark" if dark else "light",
                                           accept_downloads=True)
        self.contexts.append(context)
        page = context.new_page()
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("websocket", lambda ws: self.urls.append(ws.url))
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.goto(path)
        return page

    def foreign_urls(self):
        own = (self.server.base + "/", self.server.ws_base + "/")
        return [u for u in self.urls if not u.startswith(own) and not u.startswith("data:")]

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def devices(browser):
    opened = []

    def make(server):
        opened.append(Devices(browser, server))
        return opened[-1]

    yield make
    for d in opened:
        d.close()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), animations="disabled")


def login(page, password=DEFAULT_PASSWORD):
    page.get_by_label("Admin password").fill(password)
    page.get_by_role("button", name="Log in").click()


def join(page, student_id, name):
    expect(page.get_by_role("heading", name="Join the quiz")).to_be_visible()
    page.get_by_label("Student id").fill(student_id)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("You're in!")).to_be_visible()


def answer_button(page, letter):
    return page.locator(f'#answers button[data-letter="{letter}"]')


def no_img_anywhere(page):
    """No picture but the question's own (none in this pool): a name is never HTML."""
    return page.evaluate("[...document.querySelectorAll('img')]"
                         ".filter((i) => i.id !== 'q-image' || i.getAttribute('src')).length") == 0


def test_a_whole_game_on_four_devices(server_factory, devices):
    server = server_factory(game_pool())
    d = devices(server)

    # The teacher logs in: a wrong password is refused, the right one shows the dashboard.
    teacher = d.open("/admin/", PROJECTOR)
    expect(teacher.get_by_label("Admin password")).to_be_visible()
    shot(teacher, "teacher-1-login")
    login(teacher, "wrong")
    expect(teacher.get_by_text("That is not the admin password.")).to_be_visible()
    login(teacher)
    # Shown for typing: just the address, which leads to the live quiz; the QR code has it all.
    expect(teacher.locator("#join-url")).to_have_text(re.compile(r"^[\w.-]+:\d+$"))
    expect(teacher.locator("#join-url")).to_have_attribute("title", re.compile(r"/\?sid=bio101$"))
    expect(teacher.locator("#qr svg")).to_be_visible()
    expect(teacher.get_by_role("button", name=re.compile("^Start"))).to_be_visible()

    # Three students join, on three devices (one in dark mode).
    ada = d.open("/", PHONE)
    shot(ada, "student-1-join")
    join(ada, "s1", "Ada")
    expect(ada.locator("#lobby-name")).to_have_text("Ada")
    expect(ada.locator("#lobby-title")).to_have_text("Cell biology")
    shot(ada, "student-2-lobby")
    bo = d.open("/", PHONE, dark=True)
    shot(bo, "student-1-join-dark")
    join(bo, "s2", "Bo")
    shot(bo, "student-2-lobby-dark")
    eve = d.open("/", PHONE)
    join(eve, "s3", XSS_NAME)
    expect(eve.locator("#lobby-name")).to_have_text(XSS_NAME)   # a name is text, never HTML
    assert ada.evaluate("localStorage.getItem('quizbox.name')") == "Ada"

    # The projector lists them as they come in, with a remove control each.
    players = teacher.locator("#players")
    for name in ("Ada", "Bo", XSS_NAME):
        expect(players.get_by_text(name, exact=True)).to_be_visible()
    expect(teacher.locator("#count")).to_have_text("3")
    expect(teacher.get_by_role("button", name="Remove Bo")).to_be_visible()
    expect(teacher.locator("#cloud").get_by_text(XSS_NAME, exact=True)).to_be_visible()
    shot(teacher, "teacher-2-lobby")

    # Space starts question 1 everywhere.
    next_step(teacher, "Space")
    expect(teacher.get_by_text("Powerhouse of the cell?")).to_be_visible()
    expect(teacher.get_by_text("<b>Golgi</b>", exact=True)).to_be_visible()   # pool text is text
    expect(teacher.locator("#answered")).to_have_text("0 / 3 answered")
    expect(teacher.get_by_role("button", name=re.compile("^Reveal now"))).to_be_visible()
    for page in (ada, bo, eve):
        expect(page.get_by_text("Powerhouse of the cell?")).to_be_visible()
        expect(page.get_by_text("Question 1 of 3")).to_be_visible()
    expect(answer_button(ada, "D")).to_contain_text("<b>Golgi</b>")
    shot(ada, "student-3-question")
    shot(bo, "student-3-question-dark")

    # Ada taps B; Bo presses 1 on a keyboard; the projector counts them.
    ada.get_by_role("button", name=re.compile("^B Mitochondrion")).click()
    expect(ada.get_by_text("Answer B locked in. Wait for the reveal.")).to_be_visible()
    expect(answer_button(ada, "B")).to_have_attribute("aria-pressed", "true")
    expect(answer_button(ada, "A")).to_be_disabled()
    shot(ada, "student-4-locked")
    expect(teacher.locator("#answered")).to_have_text("1 / 3 answered")
    bo.keyboard.press("1")
    expect(bo.get_by_text("Answer A locked in. Wait for the reveal.")).to_be_visible()
    shot(bo, "student-4-locked-dark")
    expect(teacher.locator("#answered")).to_have_text("2 / 3 answered")
    expect(teacher.locator("#bars .bar").nth(0)).to_have_attribute("aria-label", "A: 1")
    expect(teacher.locator("#bars .bar").nth(1)).to_have_attribute("aria-label", "B: 1")
    shot(teacher, "teacher-3-question-open")

    # A reload mid-question keeps the locked-in answer.
    ada.reload()
    expect(ada.get_by_text("Answer B locked in. Wait for the reveal.")).to_be_visible()
    expect(answer_button(ada, "B")).to_have_class(re.compile(r"\blocked\b"))

    # The server restarts: the phone says so, comes back by itself, answer included.
    server.stop()
    expect(ada.get_by_text("Reconnecting…")).to_be_visible()
    expect(teacher.get_by_text("Reconnecting…")).to_be_visible()
    shot(ada, "student-7-reconnecting")
    server.start()
    expect(ada.get_by_text("Reconnecting…")).to_be_hidden(timeout=SLOW)
    expect(teacher.get_by_text("Reconnecting…")).to_be_hidden(timeout=SLOW)
    expect(ada.get_by_text("Answer B locked in. Wait for the reveal.")).to_be_visible()
    expect(teacher.locator("#answered")).to_have_text("2 / 3 answered")

    # → reveals early: the correct bar marked, the explanation, the top five.
    next_step(teacher, "ArrowRight")
    expect(teacher.get_by_text("Mitochondria make most of the cell's ATP.")).to_be_visible()
    expect(teacher.locator("#bars .bar").nth(1)).to_have_attribute("aria-label", "B: 1 (correct)")
    expect(teacher.locator("#answered")).to_have_text("2 / 3 answered")
    top = teacher.locator(".board li")
    expect(top.first).to_contain_text("Ada")
    expect(top).to_have_count(3)
    expect(teacher.get_by_role("button", name=re.compile("^Next question"))).to_be_visible()
    shot(teacher, "teacher-4-reveal")
    teacher.emulate_media(color_scheme="dark")
    shot(teacher, "teacher-4-reveal-dark")
    teacher.emulate_media(color_scheme="light")
    expect(ada.get_by_text("✓ Correct!")).to_be_visible()
    expect(ada.locator("#verdict-gain")).to_have_text(re.compile(r"^\+\d{3,4} points$"))
    expect(ada.locator("#reveal-rank")).to_have_text("#1")
    expect(ada.locator("#reveal-rank-label")).to_have_text("your rank of 3")
    expect(bo.get_by_text("✗ Not this time")).to_be_visible()
    expect(bo.locator("#verdict-gain")).to_have_text("+0 points")
    expect(eve.get_by_text("No answer")).to_be_visible()
    shot(ada, "student-5-reveal")
    shot(bo, "student-5-reveal-dark")

    # Question 2: everyone answers, so it closes by itself.
    teacher.get_by_role("button", name=re.compile("^Next question")).click()
    for page in (ada, bo, eve):
        expect(page.get_by_text("Where is DNA kept?")).to_be_visible()
    ada.keyboard.press("1")
    bo.get_by_role("button", name=re.compile("^A Nucleus")).click()
    eve.get_by_role("button", name=re.compile("^C Cytoplasm")).click()
    expect(teacher.locator("#answered")).to_have_text("3 / 3 answered")
    expect(teacher.locator("#bars .bar").nth(0)).to_have_attribute("aria-label", "A: 2 (correct)")
    expect(eve.get_by_text("✗ Not this time")).to_be_visible()
    expect(bo.get_by_text("✓ Correct!")).to_be_visible()

    # Question 3, a poll. The teacher removes the third student mid-question.
    next_step(teacher, "Space")
    expect(eve.get_by_text("Did you enjoy this unit?")).to_be_visible()
    teacher.get_by_role("button", name=f"Remove {XSS_NAME}").click()
    expect(teacher.locator("#ask")).to_contain_text(XSS_NAME)
    teacher.locator("#ask").get_by_role("button", name="Remove").click()
    expect(eve.get_by_text("You were removed from this quiz")).to_be_visible()
    expect(eve.get_by_role("button", name="Join again")).to_be_hidden()
    shot(eve, "student-8-removed")
    expect(teacher.locator("#count")).to_have_text("2")
    expect(teacher.locator("#removed-summary")).to_have_text("Removed (1)")
    ada.keyboard.press("1")
    bo.keyboard.press("2")
    expect(ada.get_by_text("Thanks for voting!")).to_be_visible()
    expect(teacher.get_by_role("button", name=re.compile("^Show final results"))).to_be_visible()

    # Space shows the final results: podium, ranked table, CSV.
    next_step(teacher, "Space")
    expect(teacher.get_by_role("heading", name="Final results")).to_be_visible()
    podium = teacher.locator(".podium")
    expect(podium.locator(".p1")).to_contain_text("Ada")
    expect(podium.locator(".p2")).to_contain_text("Bo")
    rows = teacher.locator("#stage table tr")
    expect(rows).to_have_count(3)   # header + Ada + Bo
    expect(rows.nth(1)).to_contain_text("Ada")
    expect(teacher.get_by_role("button", name=re.compile("^(Start|Next question|Reveal now|Show final)"))).to_have_count(0)
    shot(teacher, "teacher-5-final")
    teacher.emulate_media(color_scheme="dark")
    shot(teacher, "teacher-5-final-dark")
    teacher.emulate_media(color_scheme="light")
    expect(ada.locator("#ended-rank")).to_have_text("#1")
    expect(ada.locator("#ended-of")).to_have_text("of 2 players")   # Eve was removed
    expect(ada.locator("#ended-answered")).to_have_text("3")
    expect(ada.locator("#ended-correct")).to_have_text("2 / 2")
    expect(bo.locator("#ended-correct")).to_have_text("1 / 2")
    shot(ada, "student-6-end")
    shot(bo, "student-6-end-dark")

    with teacher.expect_download() as download_info:
        teacher.locator("#stage").get_by_role("link", name="Download results (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "bio101-results.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_name = {row["name"]: row for row in table}
    assert by_name["Ada"]["rank"] == "1" and by_name["Ada"]["q1_answer"] == "B"
    assert by_name["Bo"]["q1_answer"] == "A" and by_name["Bo"]["q2_correct"] == "1"

    # Reset (confirmed): the phones say so plainly, and the form remembers them.
    teacher.get_by_role("button", name="Reset…").click()
    teacher.locator("#ask").get_by_role("button", name="Reset").click()
    expect(ada.get_by_text("The teacher restarted the quiz")).to_be_visible()
    expect(teacher.get_by_role("button", name=re.compile("^Start"))).to_be_visible()
    expect(teacher.locator("#count")).to_have_text("0")
    ada.get_by_role("button", name="Join again").click()
    expect(ada.get_by_label("Student id")).to_have_value("s1")
    expect(ada.get_by_label("Your name")).to_have_value("Ada")

    # Nothing ran from a name or a pool text, and nothing came from elsewhere.
    assert d.dialogs == []
    for page in (teacher, ada, bo, eve):
        assert no_img_anywhere(page)
    assert d.errors == []
    assert d.foreign_urls() == []
    assert any(u.startswith(server.ws_base + "/ws/instructor/") for u in d.urls)


def test_quizzes_and_past_results_in_the_lobby(make_pool, server_factory, devices):
    """The teacher adds a quiz file (a bad one shows its problems), makes
    another quiz live (the phones follow), and downloads an old session's CSV."""
    pool_path = make_pool(game_pool(), name="bio.json")
    folder = pool_path.parent
    (folder / "geo.json").write_text(json.dumps(sample_pool(
        title="World <i>geography</i>", session_id="geography")))
    (folder / "broken.json").write_text('{"title": "Broken"}')
    server = server_factory(pool_path, env={"QUIZBOX_POOLS_DIR": str(folder)})
    d = devices(server)
    teacher = d.open("/admin/", PROJECTOR)
    login(teacher)
    ada = d.open("/", PHONE)
    join(ada, "s1", "Ada")

    manage = teacher.locator("#manage")
    manage.locator("summary").click()
    pools = manage.locator("#pools")
    expect(pools.get_by_text("World <i>geography</i>", exact=True)).to_be_visible()   # text, not HTML
    expect(pools.locator("li", has_text="broken.json").first).to_contain_text("not a valid quiz")
    expect(pools.get_by_text("broken.json: questions: missing")).to_be_visible()
    expect(pools.locator("li", has_text="Cell biology").locator(".badge")).to_have_text("live")

    def choose(name, text):
        teacher.set_input_files("#import-file", files=[
            {"name": name, "mimeType": "application/json", "buffer": text.encode()}])
        manage.get_by_role("button", name="Import", exact=True).click()

    choose("bad.json", '{"title": "Bad", "questions": []}')
    expect(manage.locator("#upload-result")).to_contain_text("bad.json: questions")
    expect(manage.get_by_text("1 player", exact=False)).to_be_visible()   # the live session, up to date
    manage.locator("#upload-result").scroll_into_view_if_needed()
    shot(teacher, "teacher-6-quizzes")
    choose("extra.json", json.dumps(sample_pool(title="Extra quiz", session_id="extra")))
    expect(manage.get_by_text("Added “Extra quiz” (extra.json).")).to_be_visible()
    expect(pools.get_by_text("Extra quiz", exact=True)).to_be_visible()
    choose("extra.json", json.dumps(sample_pool(title="Extra quiz, again", session_id="extra")))
    manage.get_by_role("button", name="Replace extra.json").click()
    expect(manage.get_by_text("Replaced “Extra quiz, again” (extra.json).")).to_be_visible()

    # Making another quiz live moves the projector and the phones to it.
    pools.get_by_role("button", name="Make live: World <i>geography</i>").click()
    teacher.locator("#ask").get_by_role("button", name="Switch").click()
    expect(teacher.locator("#title")).to_have_text("World <i>geography</i>", timeout=SLOW)
    expect(teacher.locator("#join-url")).to_have_attribute("title", re.compile(r"sid=geography$"))
    expect(ada.get_by_role("heading", name="Join the quiz")).to_be_visible(timeout=SLOW)
    assert ada.url.endswith("/?sid=geography")

    # The first session is now a past one, with its own CSV.
    teacher.locator("#manage summary").click()
    link = teacher.get_by_role("link", name="CSV of Cell biology")
    expect(link).to_have_attribute("href", "/admin/api/csv?sid=bio101")
    with teacher.expect_download() as download_info:
        link.click()
    assert "Ada" in Path(download_info.value.path()).read_text(encoding="utf-8-sig")

    # While a question runs the manager is out of the way.
    next_step(teacher, "Space")
    expect(teacher.get_by_role("button", name=re.compile("^Reveal now"))).to_be_visible()
    expect(teacher.locator("#manage")).to_be_hidden()
    assert d.dialogs == [] and d.errors == [] and d.foreign_urls() == []


def test_kicked_in_the_lobby_and_let_back_in(server, devices):
    d = devices(server)
    teacher = d.open("/admin/", PROJECTOR)
    login(teacher)
    student = d.open("/", PHONE)
    join(student, "k1", "Kim")
    teacher.get_by_role("button", name="Remove Kim").click()
    expect(teacher.locator("#ask")).to_be_visible()
    teacher.locator("#ask").get_by_role("button", name="Cancel").click()   # changed their mind
    expect(teacher.locator("#players").get_by_text("Kim")).to_be_visible()
    teacher.get_by_role("button", name="Remove Kim").click()
    teacher.locator("#ask").get_by_role("button", name="Remove").click()
    expect(student.get_by_text("You were removed from this quiz")).to_be_visible()
    expect(teacher.locator("#count")).to_have_text("0")

    teacher.locator("#removed-summary").click()
    teacher.get_by_role("button", name="Let back in: Kim").click()
    expect(teacher.locator("#players").get_by_text("Kim")).to_be_visible()
    student.reload()
    expect(student.get_by_text("You're in!")).to_be_visible()
    assert d.dialogs == [] and d.errors == [] and d.foreign_urls() == []


CROWD = ["Ada", "Bo", "Chidi", "Dana", "José María", "李小龙", "Ngozi Okonkwo-Adebayo", "Ola",
         "Maximilian Alexander von Hohenzollern-Si", "Priya", "Quinn", "Rosa", "Sven", "Tomás",
         "Uma", "Viktor", "Wen", "Xavier", "Yusuf", "Zoë", "Amara", "Björn", "Camille",
         "Dmitri", "Eun-ji", "Farah", "Giorgos", "Hana", "Ikaika", "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"]


def fits_the_width(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_crowded_class_with_long_texts_fits(server_factory, devices):
    """30 players, 40-character names, a long prompt and long choices: nothing
    spills sideways at 1280×720 or at 360×640."""
    prompt = ("Which of these events happened first, according to the timeline we drew "
              "together in class last Thursday afternoon?")
    choices = ["The founding of the first university in Bologna, Italy",
               "The signing of the Magna Carta by King John of England",
               "The fall of Constantinople to the Ottoman Empire",
               "The first printed book made with movable type in Europe"]
    pool = sample_pool(title="History of the Mediterranean world, part two", questions=[
        {"prompt": prompt, "choices": choices, "correct": "A",
         "explanation": "Bologna's university dates from 1088; Magna Carta from 1215; "
                        "Constantinople fell in 1453; Gutenberg's Bible was printed around 1455."}])
    server = server_factory(pool)
    cookies = [server.join(f"id{n:02}", name) for n, name in enumerate(CROWD)]
    d = devices(server)
    teacher = d.open("/admin/", PROJECTOR)
    login(teacher)
    expect(teacher.locator("#count")).to_have_text("30")
    student = d.open("/", PHONE)
    join(student, "id99", "Wilhelmina Charlotte Montgomery-Smythe")
    expect(teacher.locator("#count")).to_have_text("31")
    shot(teacher, "teacher-7-crowded-lobby")
    assert fits_the_width(teacher) and fits_the_width(student)

    next_step(teacher, "Space")
    expect(student.get_by_text(prompt)).to_be_visible()
    expect(teacher.get_by_text(prompt)).to_be_visible()
    sockets = [server.student_ws(cookie) for cookie in cookies[:21]]   # one connected phone
    for n, ws in enumerate(sockets[:20]):                              # will not answer, so the
        ws.recv_until("question_open")                                 # question stays open
        ws.send_json({"type": "submit", "question_idx": 0, "answer": "ABCA"[n % 4]})
    student.get_by_role("button", name=re.compile("^C ")).click()
    expect(teacher.locator("#answered")).to_have_text("21 / 31 answered")
    shot(teacher, "teacher-8-crowded-open")
    shot(student, "student-9-long-question")
    assert fits_the_width(teacher) and fits_the_width(student)

    next_step(teacher, "Space")
    expect(student.get_by_text("✗ Not this time")).to_be_visible()
    expect(teacher.get_by_text("Bologna's university dates from 1088", exact=False)).to_be_visible()
    shot(teacher, "teacher-9-crowded-reveal")
    shot(student, "student-10-long-reveal")
    assert fits_the_width(teacher) and fits_the_width(student)

    next_step(teacher, "Space")
    expect(teacher.get_by_role("heading", name="Final results")).to_be_visible()
    expect(teacher.locator("#stage table tr")).to_have_count(32)
    shot(teacher, "teacher-10-crowded-final")
    assert fits_the_width(teacher) and fits_the_width(student)
    for ws in sockets:
        ws.close()
    assert d.dialogs == [] and d.errors == [] and d.foreign_urls() == []
