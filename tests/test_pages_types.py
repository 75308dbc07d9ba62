"""Every question type, played through the real pages in Chromium.

The pool pools/all-types.json (with its pictures in pools/media/) is copied to
a temporary folder and served by a real quizbox. A projector (1280×720) and two
phones (360×640) play all ten questions: the first phone answers each one right,
the way a student would (tapping letters, toggling several, typing with odd case
and accents, moving a slider, tapping items in order with an undo), the second
answers wrongly, partly right, or not at all. Checked on what the pages show:
pictures load and leave the answers on the phone's screen, a typed answer never
shows on the projector before the reveal, each type's reveal on both screens,
and the CSV holds every answer as sent.

Screenshots go to test-artifacts/types-*.png for a person to look at.
Skipped when /usr/bin/chromium or Playwright for Python is missing.
"""

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from test_pages import (browser, PHONE, PROJECTOR, Devices, expect, join, login, next_step,  # noqa: E402,F401,F811 (browser: the one Chromium fixture)
                        shot)

POOL_DIR = Path(__file__).resolve().parent.parent / "pools"
POOL = json.loads((POOL_DIR / "all-types.json").read_text(encoding="utf-8"))
QUESTIONS = POOL["questions"]
TITLE_SHOT = "types-q{n:02}-{kind}-{who}-{step}"


@pytest.fixture
def pool_copy(tmp_path):
    """pools/all-types.json and pools/media/ copied side by side into a fresh folder."""
    folder = tmp_path / "pool"
    folder.mkdir()
    shutil.copy(POOL_DIR / "all-types.json", folder / "all-types.json")
    shutil.copytree(POOL_DIR / "media", folder / "media")
    return folder / "all-types.json"


def image_loaded(page, timeout=5_000):
    """The question's picture is shown, has loaded, and is not broken."""
    image = page.locator("img#q-image")
    expect(image).to_be_visible()
    page.wait_for_function("() => { const i = document.querySelector('img#q-image');"
                           " return i && i.complete; }", timeout=timeout)
    size = page.evaluate("() => { const i = document.querySelector('img#q-image');"
                         " return [i.naturalWidth, i.naturalHeight, i.getAttribute('src')]; }")
    assert size[0] > 0 and size[1] > 0, f"picture {size[2]} did not load: {size}"
    assert size[2].startswith("/media/"), f"picture served from elsewhere: {size[2]}"
    return size


def bottoms_outside(page, selector):
    """The controls matching selector that do not fit on the phone's screen without
    scrolling, as (text, bottom in px) pairs; [] when all of them fit."""
    return page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
        .filter((n) => n.offsetParent !== null)
        .map((n) => [n.id || n.dataset.letter || n.textContent.trim(),
                     Math.round(n.getBoundingClientRect().bottom + window.scrollY),
                     Math.round(n.getBoundingClientRect().right + window.scrollX)])
        .filter(([, bottom, right]) => bottom > window.innerHeight || right > window.innerWidth)""",
                         selector)


def fits_the_width(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def projector_overlaps(teacher):
    """What on the projector's open question spills out of its place: a choice tile
    or the picture beyond the stage's visible part, or over a row of controls below it."""
    return teacher.evaluate("""() => {
        const stage = document.getElementById('stage').getBoundingClientRect();
        const controls = document.querySelector('#stage .qlayout ~ .controls');
        const bottom = controls ? controls.getBoundingClientRect().top : stage.bottom;
        const below = controls ? 'over the controls' : 'below the stage';
        const out = [];
        for (const n of document.querySelectorAll('#stage .qlayout > *, #stage .choices .choice')) {
            const r = n.getBoundingClientRect(), name = n.id || n.className;
            if (r.right > stage.right + 1) out.push(name + ' ends at x=' + Math.round(r.right) + ' > ' + Math.round(stage.right));
            if (r.bottom > bottom + 1) out.push(name + ' ends at y=' + Math.round(r.bottom) + ', ' + below + ' at y=' + Math.round(bottom));
        }
        return out;
    }""")


def projector_text(teacher):
    return teacher.evaluate("document.body.innerText").casefold()


def bar_labels(teacher):
    return teacher.locator("#bars .bar").evaluate_all("(bars) => bars.map((b) => b.getAttribute('aria-label'))")


def test_every_question_type_on_the_phones_and_the_projector(server_factory, browser, pool_copy):
    server = server_factory(pool_copy)
    d = Devices(browser, server)
    try:
        play(server, d)
    finally:
        d.close()


def play(server, d):
    layout_problems = []   # collected, so that one run reports every screen that does not fit
    teacher = d.open("/admin/", PROJECTOR)
    login(teacher)
    expect(teacher.locator("#title")).to_have_text(POOL["title"])
    ada = d.open("/", PHONE)
    join(ada, "s1", "Ada")
    bo = d.open("/", PHONE, dark=True)
    join(bo, "s2", "Bo")
    expect(teacher.locator("#count")).to_have_text("2")
    sent = {"s1": {}, "s2": {}}    # question number (1-based) → the answer as the phone sent it

    def open_question(n, via="Space"):
        """Move the class on to question n (1-based) and wait for every screen."""
        question = QUESTIONS[n - 1]
        if via == "Space":
            next_step(teacher, "Space")
        else:
            teacher.get_by_role("button", name=re.compile("^Next question")).click()
        expect(teacher.locator("#progress")).to_have_text(f"Question {n} of {len(QUESTIONS)}")
        expect(teacher.locator("#stage .prompt")).to_have_text(question["prompt"])
        expect(teacher.get_by_role("button", name=re.compile("^Reveal now"))).to_be_visible()
        for phone in (ada, bo):
            expect(phone.locator("#prompt")).to_have_text(question["prompt"])
            expect(phone.locator("#question-number")).to_have_text(f"Question {n} of {len(QUESTIONS)}")
        kind = question.get("type", "choice")
        if "image" in question:
            for page in (teacher, ada, bo):
                image_loaded(page)
        else:
            expect(ada.locator("#q-image")).to_be_hidden()
            expect(teacher.locator("img#q-image")).to_have_count(0)
        # On the phone, before anything is tapped: the whole answer UI on one screen.
        controls = {"choice": "#answers button", "multi": "#answers button, #send",
                    "order": "#answers button, #undo, #send", "text": "#text-answer, #send",
                    "number": "#number-slider, #number-input, #send"}[kind]
        outside = bottoms_outside(ada, controls)
        if outside:
            layout_problems.append(f"q{n} ({kind}{', picture' if 'image' in question else ''}): "
                                   f"below or beside the 360x640 screen: {outside}")
        if not fits_the_width(ada):
            layout_problems.append(f"q{n} ({kind}): the phone page scrolls sideways")
        if ada.evaluate("window.scrollY") != 0:
            layout_problems.append(f"q{n} ({kind}): the phone opens the question scrolled down")
        spills = projector_overlaps(teacher)
        if spills:
            layout_problems.append(f"q{n} ({kind}{', picture' if 'image' in question else ''}) "
                                   f"on the projector: {spills}")
        shot(ada, TITLE_SHOT.format(n=n, kind=kind, who="phone", step="1-open"))
        return question, kind

    def locked_in(phone, shown, n, kind, who="phone"):
        expect(phone.locator("#answer-status")).to_have_text(f"Answer {shown} locked in. Wait for the reveal.")
        outside = bottoms_outside(phone, "#answer-status")
        if outside:
            layout_problems.append(f"q{n} ({kind}): 'locked in' is below the phone's screen: {outside}")
        shot(phone, TITLE_SHOT.format(n=n, kind=kind, who=who, step="2-locked"))

    def answered_count(k):
        expect(teacher.locator("#answered")).to_have_text(f"{k} / 2 answered")

    def reveal(n, kind, bo_answers):
        """Bo's answer (or none, when the teacher reveals) closes the question."""
        shot(teacher, TITLE_SHOT.format(n=n, kind=kind, who="projector", step="1-open"))
        if bo_answers is None:
            next_step(teacher, "Space")          # Reveal now
        else:
            bo_answers()                          # everyone has answered: it closes by itself
        last = n == len(QUESTIONS)
        expect(teacher.get_by_role("button", name="Show final results" if last else "Next question")
               ).to_be_visible()
        question = QUESTIONS[n - 1]
        if question.get("explanation"):
            expect(teacher.locator("#stage .explanation")).to_have_text(question["explanation"])
        assert fits_the_width(teacher)
        hidden = teacher.evaluate("""() => {   // in the stage's scrolled-away part, out of sight
            const stage = document.getElementById('stage').getBoundingClientRect();
            return [...document.querySelectorAll('#stage .explanation, #stage .reveal-grid')]
                .filter((n) => n.getBoundingClientRect().bottom > stage.bottom + 1)
                .map((n) => n.id || n.className);
        }""")
        if hidden:
            layout_problems.append(f"q{n} ({kind}) on the projector's reveal: {hidden} "
                                   "below the stage, out of sight")

    def phone_reveal(phone, verdict, yours, n, kind, who):
        expect(phone.locator("#verdict-text")).to_have_text(verdict)
        expect(phone.locator("#reveal-yours")).to_have_text(yours)
        top = phone.evaluate("document.getElementById('verdict').getBoundingClientRect().top")
        if top < 0:
            layout_problems.append(f"q{n} ({kind}): {who}'s reveal opens scrolled down, the verdict "
                                   f"starts {-round(top)}px above the screen")
        shot(phone, TITLE_SHOT.format(n=n, kind=kind, who=who, step="3-reveal"))

    # Q1, a poll: each taps a letter; both answered, so it closes by itself.
    n = 1
    question, kind = open_question(n)
    ada.get_by_role("button", name=re.compile("^C By ship")).click()
    locked_in(ada, "C", n, kind)
    sent["s1"][n] = "C"
    expect(teacher.locator("#bars .bar").nth(2)).to_have_attribute("aria-label", "C: 1")

    def bo_votes():
        bo.get_by_role("button", name=re.compile("^A By plane")).click()
        sent["s2"][1] = "A"
    reveal(n, kind, bo_votes)
    assert bar_labels(teacher) == ["A: 1", "B: 0", "C: 1", "D: 0"]   # a poll marks nothing
    expect(teacher.locator("#stage .explanation")).to_be_visible()
    shot(teacher, TITLE_SHOT.format(n=n, kind=kind, who="projector", step="2-reveal"))
    expect(ada.locator("#verdict-text")).to_have_text("Thanks for voting!")
    expect(ada.locator("#verdict-gain")).to_have_text("You voted C")
    expect(bo.locator("#verdict-gain")).to_have_text("You voted A")
    shot(ada, TITLE_SHOT.format(n=n, kind=kind, who="phone", step="3-reveal"))

    # Q2, a choice with a picture: Ada taps A; Bo does not answer, the teacher reveals.
    n = 2
    question, kind = open_question(n)
    ada.get_by_role("button", name=re.compile("^A Piet Mondrian")).click()
    locked_in(ada, "A", n, kind)
    sent["s1"][n] = "A"
    answered_count(1)
    reveal(n, kind, None)
    assert bar_labels(teacher) == ["A: 1 (correct)", "B: 0", "C: 0", "D: 0"]
    shot(teacher, TITLE_SHOT.format(n=n, kind=kind, who="projector", step="2-reveal"))
    phone_reveal(ada, "✓ Correct!", "You chose A.", n, kind, "phone")
    expect(ada.locator("#verdict-gain")).to_have_text(re.compile(r"^\+\d{3,4} points$"))
    phone_reveal(bo, "No answer", "", n, kind, "phone2")

    # Q3, a plain choice (no "type" in the pool): Ada right, Bo wrong.
    n = 3
    question, kind = open_question(n, via="button")
    ada.get_by_role("button", name=re.compile("^B Peru")).click()
    locked_in(ada, "B", n, kind)
    sent["s1"][n] = "B"

    def bo_mexico():
        bo.get_by_role("button", name=re.compile("^A Mexico")).click()
        sent["s2"][3] = "A"
    reveal(n, kind, bo_mexico)
    assert bar_labels(teacher) == ["A: 1", "B: 1 (correct)", "C: 0", "D: 0"]
    shot(teacher, TITLE_SHOT.format(n=n, kind=kind, who="projector", step="2-reveal"))
    phone_reveal(ada, "✓ Correct!", "You chose B.", n, kind, "phone")
    phone_reveal(bo, "✗ Not this time", "You chose A.", n, kind, "phone2")
    expect(bo.locator("#verdict-gain")).to_have_text("+0 points")

    # Q4, a choice with two right letters: Ada taps one of them (C), Bo a wrong one.
    n = 4
    question, kind = open_question(n)
    ada.get_by_role("button", name=re.compile("^C Switzerland")).click()
    locked_in(ada, "C", n, kind)
    sent["s1"][n] = "C"

    def bo_austria():
        bo.get_by_role("button", name=re.compile("^B Austria")).click()
        sent["s2"][4] = "B"
    reveal(n, kind, bo_austria)
    assert bar_labels(teacher) == ["A: 0 (correct)", "B: 1", "C: 1 (correct)", "D: 0"]
    shot(teacher, TITLE_SHOT.format(n=n, kind=kind, who="projector", step="2-reveal"))
    phone_reveal(ada, "✓ Correct!", "You chose C.", n, kind, "phone")
    expect(ada.locator("#reveal-chip .chip")).to_have_count(2)   # both right answers shown
    phone_reveal(bo, "✗ Not this time", "You chose B.", n, kind, "phone2")

    # Q5, multi: Ada toggles A, B, C, D, then C off again, and sends ABD; Bo sends AB (partly right).
    n = 5
    question, kind = open_question(n)
    expect(ada.locator("#send")).to_be_disabled()
    for letter in "ABCD":
        ada.locator(f'#answers button[data-letter="{letter}"]').click()
    ada.locator('#answers button[data-letter="C"]').click()
    for letter, on in zip("ABCD", (True, True, False, True)):
        button = ada.locator(f'#answers button[data-letter="{letter}"]')
        expect(button).to_have_attribute("aria-pressed", str(on).lower())
        if on:
            expect(button).to_have_class(re.compile(r"\bpicked\b"))
        else:
            expect(button).not_to_have_class(re.compile(r"\bpicked\b"))
    expect(ada.locator("#send")).to_be_enabled()
    shot(ada, TITLE_SHOT.format(n=n, kind=kind, who="phone", step="1b-picked"))
    ada.locator("#send").click()
    locked_in(ada, "ABD", n, kind)
    sent["s1"][n] = "ABD"
    expect(teacher.locator("#bars .bar").nth(3)).to_have_attribute("aria-label", "D: 1")

    def bo_partly():
        bo.locator('#answers button[data-letter="B"]').click()
        bo.locator('#answers button[data-letter="A"]').click()
        bo.get_by_role("button", name="Send answer").click()
        sent["s2"][5] = "AB"
    reveal(n, kind, bo_partly)
    assert bar_labels(teacher) == ["A: 2 (correct)", "B: 2 (correct)", "C: 0", "D: 1 (correct)"]
    expect(teacher.locator("#bars .bar.right")).to_have_count(3)
    shot(teacher, TITLE_SHOT.format(n=n, kind=kind, who="projector", step="2-reveal"))
    phone_reveal(ada, "✓ Correct!", "You chose A, B, D.", n, kind, "phone")
    phone_reveal(bo, "Partly right", "You chose A, B.", n, kind, "phone2")
    expect(bo.locator("#verdict-gain")).to_have_text(re.compile(r"^\+[1-9]\d* points$"))

    # Q6, text with a picture: odd case, an accent and spaces; the projector never shows it while open.
    n = 6
    question, kind = open_question(n)
    box = ada.locator("#text-answer")
    expect(ada.locator("#counter")).to_have_text("0 / 40")
    expect(ada.locator("#send")).to_be_disabled()
    box.press_sequentially("  rÓMA  ")
    expect(ada.locator("#counter")).to_have_text("8 / 40")
    expect(ada.locator("#send")).to_be_enabled()
    shot(ada, TITLE_SHOT.format(n=n, kind=kind, who="phone", step="1b-typed"))
    ada.locator("#send").click()
    locked_in(ada, "rÓMA", n, kind)
    sent["s1"][n] = "rÓMA"
    answered_count(1)
    seen = projector_text(teacher)
    for word in ("róma", "roma", "rome"):
        assert word not in seen, f"the projector shows {word!r} while the question is open"
    expect(teacher.locator("#stage")).to_contain_text("Type the answer on your phone.")

    def bo_milan():
        bo.locator("#text-answer").fill("Milan")
        bo.locator("#text-answer").press("Enter")   # Enter sends, as on a phone keyboard
        sent["s2"][6] = "Milan"
    reveal(n, kind, bo_milan)
    words = teacher.locator("#stage .words li")
    expect(words).to_have_count(2)
    expect(words.filter(has_text="rÓMA")).to_have_class(re.compile(r"\bright\b"))
    expect(words.filter(has_text="rÓMA").locator(".n")).to_have_text("1")
    expect(words.filter(has_text="Milan")).not_to_have_class(re.compile(r"\bright\b"))
    expect(teacher.locator("#stage .big-answer")).to_contain_text("Rome")
    expect(teacher.locator("#stage")).to_contain_text("Roma")
    expect(teacher.locator("#stage")).to_contain_text("1 of 2 got it right")
    shot(teacher, TITLE_SHOT.format(n=n, kind=kind, who="projector", step="2-reveal"))
    phone_reveal(ada, "✓ Correct!", "You answered “rÓMA”.", n, kind, "phone")
    phone_reveal(bo, "✗ Not this time", "You answered “Milan”.", n, kind, "phone2")

    # Q7, text: doubled spaces inside and an accent; Bo types but never sends.
    n = 7
    question, kind = open_question(n)
    ada.locator("#text-answer").press_sequentially(" tHe   nîle ")
    expect(ada.locator("#counter")).to_have_text("12 / 40")
    ada.get_by_role("button", name="Send answer").click()
    locked_in(ada, "tHe nîle", n, kind)
    sent["s1"][n] = "tHe nîle"
    bo.locator("#text-answer").fill("Congo")            # typed, not sent: not an answer
    answered_count(1)
    seen = projector_text(teacher)
    for word in ("nîle", "nile", "congo"):
        assert word not in seen, f"the projector shows {word!r} while the question is open"
    reveal(n, kind, None)
    words = teacher.locator("#stage .words li")
    expect(words).to_have_count(1)
    expect(words.first).to_contain_text("tHe nîle")
    expect(words.first).to_have_class(re.compile(r"\bright\b"))
    expect(teacher.locator("#stage")).to_contain_text("1 of 1 got it right")
    shot(teacher, TITLE_SHOT.format(n=n, kind=kind, who="projector", step="2-reveal"))
    phone_reveal(ada, "✓ Correct!", "You answered “tHe nîle”.", n, kind, "phone")
    phone_reveal(bo, "No answer", "", n, kind, "phone2")

    # Q8, number with a picture: Ada moves the slider with the keyboard; Bo types 3.
    n = 8
    question, kind = open_question(n)
    expect(ada.locator("#number-value")).to_have_text("5")           # starts in the middle
    slider = ada.locator("#number-slider")
    slider.focus()
    slider.press("End")
    expect(ada.locator("#number-value")).to_have_text("10")
    for _ in range(22):
        slider.press("ArrowLeft")
    expect(ada.locator("#number-value")).to_have_text("7.8")
    expect(ada.locator("#number-input")).to_have_value("7.8")
    size = ada.locator("#number-value").evaluate("(n) => parseFloat(getComputedStyle(n).fontSize)")
    assert size >= 40, f"the chosen number is shown at {size}px, not large"
    shot(ada, TITLE_SHOT.format(n=n, kind=kind, who="phone", step="1b-slid"))
    ada.get_by_role("button", name="Send answer").click()
    locked_in(ada, "7.8", n, kind)
    sent["s1"][n] = "7.8"
    answered_count(1)
    assert "7.8" not in projector_text(teacher)

    def bo_three():
        bo.locator("#number-input").fill("3")
        expect(bo.locator("#number-value")).to_have_text("3")
        bo.get_by_role("button", name="Send answer").click()
        sent["s2"][8] = "3"
    reveal(n, kind, bo_three)
    expect(teacher.locator("#stage .big-answer")).to_have_text("7.8 ± 0.3")
    spread = teacher.locator("#stage .spread > div")
    expect(spread).to_have_count(10)
    expect(teacher.locator("#stage .spread > div.right")).to_have_count(1)
    assert spread.evaluate_all("(bars) => bars.map((b) => b.offsetHeight > 20)").count(True) == 2
    expect(teacher.locator("#stage .spread-axis")).to_contain_text("median")
    expect(teacher.locator("#stage")).to_contain_text("1 of 2 got it right")
    shot(teacher, TITLE_SHOT.format(n=n, kind=kind, who="projector", step="2-reveal"))
    phone_reveal(ada, "✓ Correct!", "You answered 7.8.", n, kind, "phone")
    phone_reveal(bo, "✗ Not this time", "You answered 3.", n, kind, "phone2")

    # Q9, order: the phone shows the items shuffled; Ada taps them north to south, with one undo.
    n = 9
    question, kind = open_question(n)
    buttons = ada.locator("#answers button")
    expect(buttons).to_have_count(4)
    letter_of = dict(zip(buttons.locator(".text").all_inner_texts(),
                         buttons.evaluate_all("(bs) => bs.map((b) => b.dataset.letter)")))
    assert sorted(letter_of) == sorted(question["choices"])
    right = "".join(letter_of[item] for item in question["choices"])
    assert right != "ABCD", "the order question is shown already in the right order"
    expect(ada.locator("#send")).to_be_disabled()
    if ada.locator("#undo").is_enabled():   # nothing to undo yet
        layout_problems.append(f"q{n} (order): '↶ Undo' is enabled before anything is picked")

    def tap(phone, letter):
        phone.locator(f'#answers button[data-letter="{letter}"]').click()

    for letter in right[:3]:
        tap(ada, letter)
    expect(ada.locator(f'#answers button[data-letter="{right[2]}"] .pos')).to_have_text("3")
    ada.locator("#undo").click()
    expect(ada.locator(f'#answers button[data-letter="{right[2]}"]')).not_to_have_class(re.compile(r"\bplaced\b"))
    expect(ada.locator("#order-line .chip")).to_have_count(2)
    tap(ada, right[2])
    tap(ada, right[3])
    expect(ada.locator("#order-line .chip")).to_have_count(4)
    expect(ada.locator("#order-line")).to_contain_text(re.compile(r"1\.\s*Oslo.*2\.\s*Paris.*3\.\s*Madrid.*4\.\s*Cairo"))
    expect(ada.locator("#send")).to_be_enabled()
    shot(ada, TITLE_SHOT.format(n=n, kind=kind, who="phone", step="1b-ordered"))
    ada.get_by_role("button", name="Send this order").click()
    locked_in(ada, right, n, kind)
    sent["s1"][n] = right

    def bo_reversed():
        for letter in reversed(right):
            tap(bo, letter)
        bo.locator("#send").click()
        sent["s2"][9] = right[::-1]
    reveal(n, kind, bo_reversed)
    expect(teacher.locator("#stage")).to_contain_text("1 of 2 got it right")
    chips = teacher.locator("#stage .chips .choice .text")
    expect(chips).to_have_text(question["choices"])
    shot(teacher, TITLE_SHOT.format(n=n, kind=kind, who="projector", step="2-reveal"))
    phone_reveal(ada, "✓ Correct!", "Your order: " + " → ".join(right), n, kind, "phone")
    expect(ada.locator("#reveal-chip .chip")).to_have_text(
        [re.compile(rf"{k}\.\s*{item}") for k, item in enumerate(question["choices"], 1)])
    phone_reveal(bo, "✗ Not this time", "Your order: " + " → ".join(right[::-1]), n, kind, "phone2")

    # Q10, number with a picture, the last question: Ada types 5; Bo does not answer.
    n = 10
    question, kind = open_question(n)
    ada.locator("#number-input").fill("5")
    expect(ada.locator("#number-value")).to_have_text("5")
    expect(ada.locator("#number-slider")).to_have_value("5")
    ada.get_by_role("button", name="Send answer").click()
    locked_in(ada, "5", n, kind)
    sent["s1"][n] = "5"
    answered_count(1)
    reveal(n, kind, None)
    expect(teacher.locator("#stage .big-answer")).to_have_text("5")
    expect(teacher.locator("#stage .spread > div")).to_have_count(10)
    expect(teacher.locator("#stage")).to_contain_text("1 of 1 got it right")
    shot(teacher, TITLE_SHOT.format(n=n, kind=kind, who="projector", step="2-reveal"))
    phone_reveal(ada, "✓ Correct!", "You answered 5.", n, kind, "phone")
    phone_reveal(bo, "No answer", "", n, kind, "phone2")

    # The end: final results, then the CSV holds every answer as sent.
    next_step(teacher, "Space")
    expect(teacher.get_by_role("heading", name="Final results")).to_be_visible()
    expect(teacher.locator(".podium .p1")).to_contain_text("Ada")
    shot(teacher, "types-q11-end-projector")
    spills = teacher.evaluate("""() => {   // the final screen's cards must not run under what follows
        const final = document.querySelector('#stage .final'), after = final.nextElementSibling;
        if (!after || after.offsetParent === null) return [];
        const limit = after.getBoundingClientRect().top;
        return [...final.querySelectorAll('.card > *')].filter((n) => n.getBoundingClientRect().bottom > limit + 1)
            .map((n) => n.tagName.toLowerCase() + '.' + n.className + ' ends at y=' + Math.round(n.getBoundingClientRect().bottom)
                 + ', under #' + after.id + ' at y=' + Math.round(limit));
    }""")
    if spills:
        layout_problems.append(f"final results on the projector: {spills}")
    expect(ada.locator("#ended-answered")).to_have_text("10")
    expect(ada.locator("#ended-correct")).to_have_text("9 / 9")
    expect(bo.locator("#ended-answered")).to_have_text("7")
    expect(bo.locator("#ended-correct")).to_have_text("0 / 9")
    shot(ada, "types-q11-end-phone")

    response = teacher.context.request.get("/admin/api/csv")
    assert response.status == 200
    rows = {row["student_id"]: row for row in csv.DictReader(io.StringIO(response.body().decode("utf-8-sig")))}
    assert set(rows) == {"s1", "s2"}
    for n in range(1, len(QUESTIONS) + 1):
        poll = QUESTIONS[n - 1].get("correct", "") is None
        ada_row, bo_row = rows["s1"], rows["s2"]
        assert ada_row[f"q{n}_answer"] == sent["s1"][n], (n, ada_row[f"q{n}_answer"], sent["s1"][n])
        assert bo_row[f"q{n}_answer"] == sent["s2"].get(n, ""), (n, bo_row[f"q{n}_answer"])
        if poll:
            assert ada_row[f"q{n}_score"] == "0" and bo_row[f"q{n}_score"] == "0"
        else:
            assert ada_row[f"q{n}_correct"] == "1" and int(ada_row[f"q{n}_score"]) > 0, (n, ada_row)
            assert bo_row[f"q{n}_correct"] == "0", (n, bo_row)
    assert int(rows["s2"]["q5_score"]) > 0          # AB of ABD: partly right, some points
    assert int(rows["s2"]["q3_score"]) == 0
    assert rows["s1"]["rank"] == "1" and rows["s2"]["rank"] == "2"

    assert d.dialogs == []
    assert d.errors == []
    assert d.foreign_urls() == []
    assert any("/media/" in u for u in d.urls)
    assert not layout_problems, "\n".join(layout_problems)
