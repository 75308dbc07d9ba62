"""The quiz editor (/admin/editor) in a real browser, against a real server.

A teacher makes a quiz of every kind of question from scratch in Chromium,
with a picture uploaded from the laptop and one chosen from the box, saves
it, makes it live and a phone plays its first question; then edits it again.
Two pages saving the same file meet the conflict message (nothing is
overwritten); a draft survives a reload, and a save while the network is
down; a problem appears next to its field, in the server's own words.

The server's pools folder is a temporary copy of pools/ (the live quiz is in
it, so /media serves the pictures the editor uploads). Screenshots go to
test-artifacts/editor-*.png for a person to look at. Skipped when
/usr/bin/chromium or Playwright for Python is missing.
"""

import json
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from test_pages import (browser, PHONE, PROJECTOR, Devices, expect, join, login, shot)  # noqa: E402,F401,F811 (browser: the one Chromium fixture)

POOLS = Path(__file__).resolve().parent.parent / "pools"
NARROW = {"width": 820, "height": 700}


@pytest.fixture
def box(tmp_path, server_factory):
    """A server whose pools folder is a copy of pools/ (with media/), the live
    quiz being science.json from that folder."""
    folder = tmp_path / "box"
    folder.mkdir()
    for pool in POOLS.glob("*.json"):
        shutil.copy(pool, folder / pool.name)
    shutil.copytree(POOLS / "media", folder / "media")
    server = server_factory(folder / "science.json", env={"QUIZBOX_POOLS_DIR": str(folder)})
    server.folder = folder
    return server


@pytest.fixture
def devices(browser):
    opened = []

    def make(server):
        opened.append(Watched(browser, server))
        return opened[-1]

    yield make
    for d in opened:
        d.close()
    for d in opened:   # after the test's own checks: nothing from elsewhere, no errors, no CSP refusals
        assert d.foreign_urls() == [], d.foreign_urls()
        assert d.errors == [], d.errors
        assert d.dialogs == [], d.dialogs
        assert d.csp == [], d.csp


class Watched(Devices):
    """Devices, also listening for what the Content-Security-Policy refused."""

    def __init__(self, browser, server):
        super().__init__(browser, server)
        self.csp = []

    def open(self, path, viewport, dark=False):
        page = super().open(path, viewport, dark)
        page.on("console", lambda message: self.csp.append(message.text)
                if "Content Security Policy" in message.text else None)
        return page


def png(width=24, height=16, rgb=(208, 28, 58)):
    """A small, valid PNG picture of one colour."""
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def open_editor(d, path, viewport=PROJECTOR, dark=False):
    """The editor at path, logged in (the page asks for the password itself)."""
    page = d.open(path, viewport, dark)
    login(page)
    expect(page.locator("#editor")).to_be_visible()
    return page


def add_question(page, kind):
    page.get_by_role("button", name="+ Add a question").click()
    page.locator(f'#add-menu button[data-type="{kind}"]').click()
    expect(page.locator("#q-type")).to_have_value(kind)


ANSWERS = ["Answer A", "Answer B", "Answer C", "Answer D"]
ITEMS = ["Item 1", "Item 2", "Item 3", "Item 4"]


def fill_rows(page, labels, texts):
    for label, value in zip(labels, texts):
        page.get_by_label(label, exact=True).fill(value)


def saved_ok(page):
    expect(page.locator("#status")).to_have_text(re.compile(r"^Saved at"))


def prompt_field(page):
    return page.get_by_label("Question", exact=True)


def select_question(page, n):
    page.locator("#qlist li").nth(n - 1).locator("button").click()
    expect(page.locator("#question-h")).to_have_text(re.compile(rf"^Question {n} of"))


def read_pool(server, name):
    return json.loads((server.folder / name).read_text(encoding="utf-8"))


EXPECTED = {
    "title": "Editor test: every kind",
    "time_limit_default": 30,
    "score_fn": "flat",
    "streak_bonus": True,
    "questions": [
        {"prompt": "Which planet looks red?", "image": "red-planet.png",
         "choices": ["Venus", "Mars", "Jupiter"], "correct": "B",
         "explanation": "Iron oxide dust makes Mars red."},
        {"type": "multi", "prompt": "Which numbers are prime?",
         "choices": ["2", "4", "5", "9"], "correct": ["A", "C"]},
        {"type": "text", "prompt": "Name the capital of Italy.", "image": "italy-map.png",
         "accept": ["Rome", "Roma"]},
        {"type": "number", "prompt": "How many minutes in 0.7 hours?",
         "min": 0, "max": 100, "correct": 42, "tolerance": 2},
        {"type": "order", "prompt": "Smallest first:", "choices": ["Ant", "Cat", "Horse"]},
        {"prompt": "Did you like this quiz?", "choices": ["Yes", "No"], "correct": None, "time_limit": 15},
    ],
}


def test_a_quiz_of_every_kind_made_saved_played_and_edited(box, devices):
    server, d = box, devices(box)
    page = open_editor(d, "/admin/editor")
    expect(page.locator("#heading")).to_have_text("Untitled quiz")
    expect(page.locator("#status")).to_contain_text("Not saved yet")

    # Quiz settings: the title first (the page starts there), scoring, streak, time.
    page.get_by_label("Title").fill(EXPECTED["title"])
    expect(page.locator("#file-hint")).to_contain_text("editor-test-every-kind.json")
    page.get_by_label("Same points for every right answer").check()
    page.get_by_label("Streak bonus").check()
    page.get_by_label("Time per question (seconds)").fill("30")
    expect(page.get_by_label("Language")).to_have_value("en")
    shot(page, "editor-1-new-quiz-settings")

    # 1. Single answer, with a picture uploaded from the laptop.
    add_question(page, "choice")
    prompt_field(page).fill("Which planet looks red?")
    fill_rows(page, ANSWERS, ["Venus", "Mars", "Jupiter"])
    page.get_by_role("button", name="Remove answer D").click()
    expect(page.locator("#q-marks-hint")).to_contain_text("this question is a poll")   # nothing ticked yet
    page.get_by_label("B is right").check()
    expect(page.locator("#q-marks-hint")).to_contain_text("Tick more than one")
    page.get_by_label("Explanation (optional)").fill("Iron oxide dust makes Mars red.")
    page.locator("#q-upload").set_input_files({"name": "red planet.png", "mimeType": "image/png", "buffer": png()})
    expect(page.locator("#q-picture-status")).to_have_text("Uploaded as red-planet.png.")
    assert (server.folder / "media" / "red-planet.png").read_bytes() == png()
    page.wait_for_function("() => { const i = document.querySelector('#question-form img.thumb');"
                           " return i && i.complete && i.naturalWidth === 24; }")
    # The preview shows the question as the phone and the projector will.
    phone_preview = page.locator("#pv-phone")
    expect(phone_preview.locator(".ph-prompt")).to_have_text("Which planet looks red?")
    expect(phone_preview.locator(".ph-answer")).to_have_count(3)
    expect(phone_preview.locator(".ph-answer").nth(1)).to_contain_text("Mars")
    expect(page.locator("#pv-projector .pj-choice")).to_have_count(3)
    expect(page.locator("#pv-projector img.pj-img")).to_have_attribute("src", "/media/red-planet.png")
    shot(page, "editor-2-choice-with-picture")

    # 2. Several right answers.
    add_question(page, "multi")
    prompt_field(page).fill("Which numbers are prime?")
    fill_rows(page, ANSWERS, ["2", "4", "5", "9"])
    page.get_by_label("A is right").check()
    page.get_by_label("C is right").check()
    expect(page.locator("#pv-phone")).to_contain_text("Tap every answer that is right")

    # 3. A typed answer, with one of the box's pictures.
    add_question(page, "text")
    prompt_field(page).fill("Name the capital of Italy.")
    page.get_by_label("Accepted answer 1", exact=True).fill("Rome")
    page.get_by_role("button", name="+ Add another accepted answer").click()
    page.get_by_label("Accepted answer 2", exact=True).fill("Roma")
    page.get_by_role("button", name="Choose from the box").click()
    gallery = page.locator("#gallery")
    expect(gallery.get_by_role("button", name="Use red-planet.png")).to_be_visible()
    expect(gallery.get_by_role("button", name="Use italy-map.png")).to_be_visible()
    shot(page, "editor-3-pictures-on-the-box")
    gallery.get_by_role("button", name="Use italy-map.png").click()
    expect(gallery).to_be_hidden()
    expect(page.locator("#pv-phone .ph-input")).to_have_text("Your answer")

    # 4. A number.
    add_question(page, "number")
    prompt_field(page).fill("How many minutes in 0.7 hours?")
    page.get_by_label("Smallest answer").fill("0")
    page.get_by_label("Largest answer").fill("100")
    page.get_by_label("Right answer", exact=True).fill("42")
    page.get_by_label("Tolerance (±) (optional)").fill("2")
    expect(page.locator("#q-number-hint")).to_have_text(
        "Students choose a number from 0 to 100 in steps of 1. Answers from 40 to 44 count as right.")
    expect(page.locator("#pv-projector .pj-note")).to_have_text("Give a number from 0 to 100 on your phone.")
    shot(page, "editor-4-number")

    # 5. Put in order (three items), 6. a poll with its own time.
    add_question(page, "order")
    prompt_field(page).fill("Smallest first:")
    fill_rows(page, ITEMS, ["Cat", "Ant", "Horse"])
    page.get_by_role("button", name="Remove item 4").click()
    page.get_by_role("button", name="Move item 2 up").click()   # Ant before Cat
    expect(page.get_by_label("Item 1", exact=True)).to_have_value("Ant")
    expect(page.locator("#pv-order-note")).to_be_visible()
    add_question(page, "poll")
    prompt_field(page).fill("Did you like this quiz?")
    fill_rows(page, ANSWERS, ["Yes", "No"])
    page.get_by_role("button", name="Remove answer D").click()
    page.get_by_role("button", name="Remove answer C").click()
    page.get_by_label("Time for this question in seconds (optional)").fill("15")
    expect(page.locator("#pv-phone .ring")).to_have_text("15")

    # No problems left (the server says so), and Save writes exactly the contract's format.
    expect(page.locator("#status")).to_have_text("Not saved yet")
    expect(page.locator("#qlist li")).to_have_count(6)
    shot(page, "editor-5-poll-before-saving")
    page.get_by_role("button", name=re.compile("^Save")).click()
    saved_ok(page)
    assert page.url.endswith("/admin/editor?file=editor-test-every-kind.json")
    assert read_pool(server, "editor-test-every-kind.json") == EXPECTED
    assert page.evaluate("localStorage.getItem('quizbox.draft.new')") is None
    expect(page.locator("#download")).to_have_attribute("href", "/admin/api/pools/editor-test-every-kind.json/download")
    expect(page.locator("#gift")).to_have_attribute("href", "/admin/api/pools/editor-test-every-kind.json/gift")
    shot(page, "editor-6-saved")

    # Made live, it plays: a phone joins and answers question 1, its picture shown.
    cookie = server.admin_cookie()
    status, body, _ = server.json("POST", "/admin/api/pools/select",
                                  json_body={"file": "editor-test-every-kind.json"}, cookie=cookie)
    assert status == 200, body
    phone = d.open("/", PHONE)
    join(phone, "s1", "Ada")
    with server.instructor_ws(cookie) as teacher:
        teacher.send_json({"type": "next"})
        teacher.recv_until("question_open")
        expect(phone.get_by_text("Which planet looks red?")).to_be_visible()
        phone.wait_for_function("() => { const i = document.querySelector('img#q-image');"
                                " return i && i.complete && i.naturalWidth === 24; }")
        assert phone.locator("img#q-image").get_attribute("src").startswith("/media/red-planet.png")
        phone.get_by_role("button", name=re.compile("^B Mars")).click()
        expect(phone.locator("#answer-status")).to_have_text("Answer B locked in. Wait for the reveal.")
        shot(phone, "editor-7-phone-plays-it")
    status, _, csv_body = server.request("GET", "/admin/api/csv", cookie=cookie)
    header, row = csv_body.decode("utf-8-sig").splitlines()[:2]
    assert dict(zip(header.split(","), row.split(",")))["q1_answer"] == "B"

    # Edited again: the page says what editing a played quiz does, and the save keeps the rest.
    page.reload()
    expect(page.locator("#played-note")).to_be_visible()
    expect(page.locator("#played-text")).to_have_text(
        "This quiz has been played. The class keeps playing the questions as they were until you "
        "reset it; results already given stay with the old questions.")
    select_question(page, 1)
    prompt_field(page).fill("Which planet is the red one?")
    expect(page.locator("#status")).to_contain_text("Unsaved changes")
    page.keyboard.press("Control+s")
    saved_ok(page)
    edited = read_pool(server, "editor-test-every-kind.json")
    assert edited["questions"][0]["prompt"] == "Which planet is the red one?"
    edited["questions"][0]["prompt"] = EXPECTED["questions"][0]["prompt"]
    assert edited == EXPECTED
    shot(page, "editor-8-played-and-edited")


def test_two_pages_saving_the_same_quiz_never_overwrite_each_other(box, devices):
    server, d = box, devices(box)
    original = read_pool(server, "science.json")
    first = open_editor(d, "/admin/editor?file=science.json")
    second = open_editor(d, "/admin/editor?file=science.json")
    third = open_editor(d, "/admin/editor?file=science.json")

    prompt_field(first).fill("First page's question")
    first.get_by_role("button", name=re.compile("^Save")).click()
    saved_ok(first)

    select_question(second, 2)
    prompt_field(second).fill("Second page's question")
    second.get_by_role("button", name=re.compile("^Save")).click()
    conflict = second.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(second.locator("#conflict-text")).to_have_text(
        "Someone saved science.json on another page or computer while you were editing it. Nothing was "
        "overwritten: your changes are still here, not saved. Open their version, or save yours under another name.")
    expect(second.locator("#status")).to_contain_text("Not saved")
    shot(second, "editor-9-conflict")
    on_disk = read_pool(server, "science.json")
    assert on_disk["questions"][0]["prompt"] == "First page's question"
    assert on_disk["questions"][1]["prompt"] == original["questions"][1]["prompt"]

    # Saved as a copy: a quiz of its own (no session id of the original), with the second page's edit.
    expect(second.get_by_label("File name for your copy")).to_have_value("science-mine.json")
    second.get_by_role("button", name="Save yours as a copy").click()
    saved_ok(second)
    expect(conflict).to_be_hidden()
    assert second.url.endswith("/admin/editor?file=science-mine.json")
    copy = read_pool(server, "science-mine.json")
    assert copy["questions"][1]["prompt"] == "Second page's question"
    assert copy["questions"][0]["prompt"] == original["questions"][0]["prompt"]
    assert "session_id" not in copy
    assert read_pool(server, "science.json") == on_disk

    # The other way out: open their version (the third page's own edit is dropped).
    prompt_field(third).fill("Third page's question")
    third.get_by_role("button", name=re.compile("^Save")).click()
    expect(third.locator("#conflict")).to_be_visible()
    third.get_by_role("button", name="Open their version (your changes are lost)").click()
    expect(third.locator("#conflict")).to_be_hidden()
    expect(prompt_field(third)).to_have_value("First page's question")
    expect(third.locator("#status")).to_have_text("All changes saved")
    assert read_pool(server, "science.json") == on_disk


def test_a_draft_survives_a_reload_and_a_network_outage(box, devices):
    server, d = box, devices(box)
    page = open_editor(d, "/admin/editor?file=science.json")
    before = read_pool(server, "science.json")
    prompt_field(page).fill("Typed, then the tab was closed")
    page.wait_for_function("() => (localStorage.getItem('quizbox.draft.science.json') || '')"
                           ".includes('Typed, then the tab was closed')")

    page.reload()
    offer = page.locator("#draft-offer")
    expect(offer).to_be_visible()
    expect(page.locator("#draft-text")).to_have_text(re.compile(r"^You have unsaved changes from .+\.$"))
    assert page.evaluate("document.getElementById('workspace').inert") is True   # choose first
    expect(prompt_field(page)).to_have_value(before["questions"][0]["prompt"])
    shot(page, "editor-10-draft-offered")
    page.get_by_role("button", name="Restore").click()
    expect(offer).to_be_hidden()
    expect(prompt_field(page)).to_have_value("Typed, then the tab was closed")
    expect(page.locator("#status")).to_contain_text("Unsaved changes")

    # The network goes down: the save says so, and the draft stays.
    page.route("**/admin/api/pools/science.json", lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator("#save-error-text")).to_contain_text("Not saved: the box cannot be reached")
    expect(page.locator("#save-error-text")).to_contain_text("Your changes are kept on this computer")
    shot(page, "editor-11-network-down")
    assert read_pool(server, "science.json") == before
    assert "Typed, then the tab was closed" in page.evaluate("localStorage.getItem('quizbox.draft.science.json')")
    page.unroute("**/admin/api/pools/science.json")
    page.get_by_role("button", name=re.compile("^Save")).click()
    saved_ok(page)
    assert read_pool(server, "science.json")["questions"][0]["prompt"] == "Typed, then the tab was closed"
    assert page.evaluate("localStorage.getItem('quizbox.draft.science.json')") is None

    # Discarding a draft brings back the saved quiz, and forgets the draft.
    prompt_field(page).fill("Not wanted after all")
    page.wait_for_function("() => localStorage.getItem('quizbox.draft.science.json') !== null")
    page.reload()
    page.get_by_role("button", name="Discard").click()
    expect(prompt_field(page)).to_have_value("Typed, then the tab was closed")
    assert page.evaluate("localStorage.getItem('quizbox.draft.science.json')") is None
    page.reload()
    expect(page.locator("#draft-offer")).to_be_hidden()


def test_a_problem_shows_next_to_its_field_in_the_servers_words(box, devices):
    server, d = box, devices(box)
    page = open_editor(d, "/admin/editor?file=science.json")
    add_question(page, "number")   # it comes after the open question (question 1)
    n = 2
    expect(page.locator("#question-h")).to_have_text(f"Question {n} of 9")
    prompt_field(page).fill("Pick a number")
    page.get_by_label("Smallest answer").fill("10")
    page.get_by_label("Largest answer").fill("5")
    page.get_by_label("Right answer", exact=True).fill("12")

    beside_max = page.locator(f'[data-path="questions[{n - 1}].max"] .pmsg')
    expect(beside_max).to_have_text(f"Question {n}: the largest answer 5 must be more than min (10)")
    expect(page.get_by_label("Largest answer")).to_have_attribute("aria-invalid", "true")
    # The words are the server's own, for the very document the form holds.
    document = page.evaluate("poolDoc()")
    status, body, _ = server.json("POST", "/admin/api/pools/validate", json_body={"pool": document},
                                  cookie=server.admin_cookie())
    assert status == 200 and body["ok"] is False
    assert [p["message"] for p in body["problems"]] == [beside_max.inner_text()]
    expect(page.locator("#problems-title")).to_have_text("1 problem to fix before saving")
    expect(page.locator("#status")).to_contain_text("1 problem to fix")
    expect(page.locator("#qlist li").nth(n - 1).locator(".pcount")).to_have_text("1")
    shot(page, "editor-12-problem-next-to-its-field")

    # Saving anyway is refused by the server, and nothing is written.
    before = (server.folder / "science.json").read_bytes()
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator("#problems-title")).to_have_text("Not saved: 1 problem to fix before saving")
    assert (server.folder / "science.json").read_bytes() == before

    # Fixed, the message goes; the dark theme and a narrower window look right too.
    page.get_by_label("Largest answer").fill("50")
    expect(beside_max).to_have_count(0)
    expect(page.locator("#problems")).to_be_hidden()
    dark = open_editor(d, "/admin/editor?file=all-types.json", dark=True)
    select_question(dark, 8)
    shot(dark, "editor-13-dark")
    narrow = open_editor(d, "/admin/editor?file=all-types.json", viewport=NARROW)
    expect(narrow.locator("#qlist li")).to_have_count(10)
    assert narrow.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(narrow, "editor-14-narrow")
