"""A short game in each language, through the real pages in Chromium.

For each of en, es, fr, de, pt and ar, a pool with "language" set to it (the
sample pool, plus a number question) is played by a projector (1280x720) and
two phones (360x640) whose browsers ask for English, so that the pool's
language is the one that must win: join, lobby, a question, locked in, the
reveal (right and wrong), a number question, the final results, the end on the
phone with its review, the "Quizzes and past results" panel and the report.
On every screen:
  - no English text leaks on a non-English page: the English strings are
    quizbox.STRINGS_EN's values (cut at their {placeholders}), less those that
    are the same in the page's table ("CSV", "+15 s"), shorter than 4
    characters, or found inside one of its translations ("Question" in
    French); searched for in document.body.innerText, in document.title and in
    the visible elements' aria-label, title, alt and placeholder, with the
    pool's own texts and the players' names taken out first;
  - <html lang> is the pool's language, dir="rtl" for Arabic only, and the
    Arabic pages are mirrored (the phone's brand on the right of its bar, the
    projector's join column on the right, an answer's shape and letter on the
    right of its text);
  - no text overflows its box: an element with text whose overflow is hidden
    has scrollWidth <= clientWidth + 1, and no element reaches beyond the
    viewport's width (the page never scrolls sideways).
At the end the teacher switches the projector to the next language with the
#lang select (?lang=xx), and the page shows that language.

Also: a phone on a pool without "language" follows the phone's own language
(Accept-Language from a French browser gives the French page; a German
projector too); the editor speaks the teacher's language.

Screenshots of every screen, per language and size, go to
test-artifacts/lang-<code>-<device>-<n>-<screen>.png for a person to look at.
"""

import json
import re
import sys
from pathlib import Path

import pytest

from test_pages import (browser, PHONE, PROJECTOR, expect, next_step)  # noqa: E402,F401,F811 (browser: the one Chromium fixture)
from conftest import DEFAULT_PASSWORD, sample_pool  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import quizbox  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LANGUAGES = ("en", "es", "fr", "de", "pt", "ar")
NAMES = {"en": ("Ada Lovelace", "Bo"), "es": ("María José", "Bo"), "fr": ("Élodie Fontaine", "Bo"),
         "de": ("Jürgen Weißmüller", "Bo"), "pt": ("João Conceição", "Bo"), "ar": ("ليلى الحسيني", "Bo")}
NUMBER_QUESTION = {"type": "number", "prompt": "How many chambers has a human heart?",
                   "min": 0, "max": 10, "step": 1, "correct": 4, "tolerance": 0,
                   "explanation": "Two atria and two ventricles."}


def the_pool(language=None):
    pool = sample_pool()
    pool["questions"].append(dict(NUMBER_QUESTION))
    if language:
        pool["language"] = language
    return pool


def pool_texts(pool):
    """Every text of the pool a page may show: these are the teacher's, not ours."""
    texts = [pool["title"], pool.get("session_id", "")]
    for q in pool["questions"]:
        texts += [q["prompt"], q.get("explanation", "")] + list(q.get("choices", [])) + list(q.get("accept", []))
    return [t for t in texts if t]


# What leaks -----------------------------------------------------------------------

# English words the pages' scripts once wrote without a table; watched for too.
HARD_CODED = ("got it right", "median", "correct", "pts")


def as_word(text):
    """A regular expression for text as a whole word (or words)."""
    return (r"\b" if text[0].isalnum() else "") + re.escape(text) + (r"\b" if text[-1].isalnum() else "")


def english_strings(code):
    """The English texts that must not show on a page in this language."""
    if code == "en":
        return []
    table = quizbox.STRINGS[code]
    translations = re.sub(r"\{\w+\}", " ", "\n".join(table.values()))   # {median} is no word of theirs
    pieces = set(HARD_CODED)
    for key, value in quizbox.STRINGS_EN.items():
        if key.startswith("lang.") or table.get(key) == value:
            continue   # language names are the same everywhere; "CSV" is "CSV"
        for piece in re.split(r"\{\w+\}", value):
            piece = piece.strip(" \t.,:;!?…·()“”\"'+-–—→#✓✗")
            if len(piece) >= 4:
                pieces.add(piece)
    # A word the translation uses too ("Question" in French) is not a leak.
    found = [p for p in pieces if not re.search(as_word(p), translations)]
    return sorted(found, key=len, reverse=True)


PAGE_TEXTS = """() => {
    const attrs = [];
    for (const n of document.querySelectorAll('[aria-label], [title], [alt], [placeholder]')) {
        if (!n.checkVisibility() && n.tagName !== 'OPTION') continue;
        for (const a of ['aria-label', 'title', 'alt', 'placeholder'])
            if (n.getAttribute(a)) attrs.push([(n.id ? '#' + n.id : n.tagName.toLowerCase() + '.' + n.className) + '[' + a + ']', n.getAttribute(a)]);
    }
    return {text: document.body.innerText, title: document.title, attrs,
            lang: document.documentElement.getAttribute('lang'), dir: document.documentElement.getAttribute('dir')};
}"""


def leaks(page, code, exclude):
    """English strings found on the page, as 'where: "string" in "…context…"'."""
    strings = english_strings(code)
    if not strings:
        return []
    seen = page.evaluate(PAGE_TEXTS)
    places = [("text", seen["text"]), ("<title>", seen["title"])] + [(where, value) for where, value in seen["attrs"]]
    out = []
    for where, text in places:
        for own in sorted(exclude, key=len, reverse=True):
            text = text.replace(own, " ")
        for s in strings:
            match = re.search(as_word(s), text)
            if match:
                context = " ".join(text[max(0, match.start() - 30):match.end() + 30].split())
                out.append(f'{where}: "{s}" in "…{context}…"')
    return out


# What overflows ------------------------------------------------------------------

OVERFLOWS = """(stageFits) => {
    const out = [], width = document.documentElement.clientWidth;
    const name = (n) => (n.id ? '#' + n.id : n.tagName.toLowerCase() + (n.className && typeof n.className === 'string' ? '.' + n.className.trim().split(/\\s+/).join('.') : ''));
    const scroller = (n) => {   // the nearest ancestor that scrolls sideways: content may reach beyond it
        for (let a = n.parentElement; a; a = a.parentElement) {
            const o = getComputedStyle(a).overflowX;
            if (o === 'auto' || o === 'scroll') return a;
        }
        return null;
    };
    for (const n of document.body.querySelectorAll('*')) {
        if (!n.checkVisibility() || n.closest('svg, option, dialog:not([open])')) continue;
        const r = n.getBoundingClientRect();
        if (!r.width && !r.height) continue;
        const text = [...n.childNodes].filter((c) => c.nodeType === 3).map((c) => c.data).join('').trim();
        const style = getComputedStyle(n);
        const visuallyHidden = n.clientWidth <= 1 || n.clientHeight <= 1;   // .sr-only: for screen readers
        if (text && !visuallyHidden && ['hidden', 'clip'].includes(style.overflowX) && n.scrollWidth > n.clientWidth + 1)
            out.push('cut: ' + name(n) + ' "' + text.slice(0, 40) + '" needs ' + n.scrollWidth + 'px, has ' + n.clientWidth + 'px'
                     + (style.textOverflow === 'ellipsis' ? ' (ellipsis)' : ''));
        if ((r.right > width + 1 || r.left < -1) && style.position !== 'fixed') {
            const s = scroller(n);
            if (s && s.getBoundingClientRect().right <= width + 1 && s.getBoundingClientRect().left >= -1) continue;
            out.push('beyond the viewport: ' + name(n) + (text ? ' "' + text.slice(0, 40) + '"' : '') + ' spans x=' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + width);
        }
    }
    const stage = document.getElementById('stage');   // the projector's: nobody scrolls a projector
    if (stageFits && stage && stage.checkVisibility()) {   // (the quizzes panel below may scroll)
        const bottom = stage.getBoundingClientRect().bottom, below = [...stage.querySelectorAll('*')]
            .filter((n) => !n.closest('#manage') && n.checkVisibility() && n.getBoundingClientRect().bottom > bottom + 1
                           && n.children.length === 0 && n.textContent.trim())
            .map((n) => '"' + n.textContent.trim().slice(0, 30) + '"');
        if (below.length) out.push('below the fold: the stage (' + Math.round(bottom) + 'px) hides ' + below.slice(0, 4).join(', '));
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1)
        out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + 'px wide');
    return out;
}"""


class Checks:
    """Every screen of one language: its problems, by screen, and a screenshot."""

    def __init__(self, code, exclude):
        self.code, self.exclude, self.problems, self.count = code, exclude, [], 0

    def screen(self, page, device, name, code=None, overflow=True, stage_fits=True):
        code = code or self.code
        self.count += 1
        where = f"{code} {device} {name}"
        seen = page.evaluate("() => [document.documentElement.getAttribute('lang'), document.documentElement.getAttribute('dir')]")
        wanted = [code, "rtl" if code in quizbox.RIGHT_TO_LEFT else "ltr"]
        if seen != wanted:
            self.problems.append(f"{where}: <html lang={seen[0]!r} dir={seen[1]!r}>, expected lang={wanted[0]!r} dir={wanted[1]!r}")
        self.problems += [f"{where}: English: {leak}" for leak in leaks(page, code, self.exclude)]
        if overflow:
            self.problems += [f"{where}: {o}" for o in page.evaluate(OVERFLOWS, stage_fits)]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"lang-{self.code}-{device}-{self.count:02}-{name}.png"),
                        animations="disabled")

    def mirrored(self, page, where, script):
        """script answers [left of what should be on the right, left of what should be on the left]."""
        right, left = page.evaluate(script)
        rtl = self.code in quizbox.RIGHT_TO_LEFT
        if rtl and not right > left:
            self.problems.append(f"{self.code} {where}: not mirrored (x={right} should be right of x={left})")
        if not rtl and not right < left:
            self.problems.append(f"{self.code} {where}: mirrored on a left-to-right page")


PHONE_BAR = """() => [document.querySelector('.brand').getBoundingClientRect().left, document.getElementById('who').getBoundingClientRect().left]"""
PROJECTOR_COLUMNS = """() => [document.querySelector('#dashboard aside').getBoundingClientRect().left, document.getElementById('main').getBoundingClientRect().left]"""
ANSWER_SHAPE = """() => { const b = document.querySelector('#answers button');
    return [b.querySelector('.shape').getBoundingClientRect().left, b.querySelector('.text').getBoundingClientRect().left]; }"""


def device(browser, server, viewport, locale="en-US"):
    context = browser.new_context(viewport=viewport, base_url=server.base, locale=locale,
                                  reduced_motion="reduce")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (errors.append("dialog: " + dialog.message), dialog.dismiss()))
    return context, page, errors


def t(code, key, **values):
    """A string of a table, as the page writes it (plurals: "other")."""
    table = quizbox.STRINGS[code]
    text = table.get(key) or table.get(key + ".other") or quizbox.STRINGS_EN[key]
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), text)


# A game in each language ---------------------------------------------------------

@pytest.mark.parametrize("code", LANGUAGES)
def test_a_short_game_in_each_language(code, server_factory, browser, tmp_path):
    pool = the_pool(code)
    (tmp_path / "pools-dir").mkdir()
    server = server_factory(pool, env={"QUIZBOX_POOLS_DIR": str(tmp_path / "pools-dir")})
    ana_name, bo_name = NAMES[code]
    checks = Checks(code, pool_texts(pool) + [ana_name, bo_name])
    expect.set_options(timeout=6_000)
    contexts, errors = [], []

    def open_device(viewport, path):
        context, page, errs = device(browser, server, viewport)
        contexts.append(context)
        errors.append(errs)
        page.goto(path)
        return page

    try:
        play(code, pool, server, checks, open_device, ana_name, bo_name)
    finally:
        for context in contexts:
            context.close()
    problems = checks.problems + [f"{code}: page error: {e}" for errs in errors for e in errs]
    assert not problems, f"{len(problems)} problems on {checks.count} screens in {code}:\n  " + "\n  ".join(problems)


def play(code, pool, server, checks, open_device, ana_name, bo_name):
    teacher = open_device(PROJECTOR, "/admin/")
    expect(teacher.locator("#password")).to_be_visible()
    checks.screen(teacher, "projector", "login")
    teacher.locator("#password").fill(DEFAULT_PASSWORD)
    teacher.locator("#password").press("Enter")
    expect(teacher.locator("#dashboard")).to_be_visible()
    expect(teacher.locator("#primary")).to_contain_text(t(code, "step.start"))

    ana = open_device(PHONE, "/")
    expect(ana.locator("#join-form")).to_be_visible()
    expect(ana.locator("#join h1")).to_have_text(t(code, "join.title"))
    ana.locator("#join-button").click()   # nothing typed: the page says what is missing
    expect(ana.locator("#join-error")).to_have_text(t(code, "join.type_id"))
    checks.screen(ana, "phone", "join")
    ana.locator("#student-id").fill("s1")
    ana.locator("#name").fill(ana_name)
    ana.locator("#join-button").click()
    expect(ana.locator("#lobby")).to_be_visible()
    expect(ana.locator("#who")).to_contain_text(ana_name)
    checks.screen(ana, "phone", "lobby")
    checks.mirrored(ana, "phone bar (brand / who)", PHONE_BAR)

    bo = open_device(PHONE, "/")
    expect(bo.locator("#join-form")).to_be_visible()
    bo.locator("#student-id").fill("s2")
    bo.locator("#name").fill(bo_name)
    bo.locator("#join-button").click()
    expect(bo.locator("#lobby")).to_be_visible()

    expect(teacher.locator("#count")).to_have_text(re.compile("^(2|٢)$"))
    checks.screen(teacher, "projector", "lobby")
    checks.mirrored(teacher, "projector columns (join column / stage)", PROJECTOR_COLUMNS)
    manage = teacher.locator("#manage")
    expect(manage).to_be_visible()
    manage.locator("summary").click()
    expect(teacher.locator("#sessions li").first).to_be_visible()
    checks.screen(teacher, "projector", "quizzes-panel", stage_fits=False)   # a long panel scrolls
    manage.locator("summary").click()

    # Question 1: Ana right (locked in first), Bo wrong.
    next_step(teacher, "Space")
    expect(ana.locator("#prompt")).to_have_text(pool["questions"][0]["prompt"])
    expect(bo.locator("#prompt")).to_have_text(pool["questions"][0]["prompt"])
    checks.screen(ana, "phone", "question")
    checks.mirrored(ana, "answer button (shape / text)", ANSWER_SHAPE)
    ana.locator('#answers button[data-letter="B"]').click()
    expect(ana.locator("#answer-status")).to_have_text(t(code, "q.locked", answer="B"))
    checks.screen(ana, "phone", "locked")
    expect(teacher.locator("#answered")).to_contain_text(re.compile("[1١]"))
    checks.screen(teacher, "projector", "question-open")
    bo.locator('#answers button[data-letter="A"]').click()
    expect(teacher.locator("#primary")).to_contain_text(t(code, "step.next"))
    expect(ana.locator("#reveal")).to_be_visible()
    checks.screen(ana, "phone", "reveal-right")
    checks.screen(teacher, "projector", "reveal")

    # Question 2: Ana wrong, Bo right.
    next_step(teacher, "Space")
    expect(ana.locator("#prompt")).to_have_text(pool["questions"][1]["prompt"])
    teacher.locator("#pause").click()
    expect(ana.locator("#paused")).to_be_visible()
    checks.screen(teacher, "projector", "paused")
    checks.screen(ana, "phone", "paused")
    teacher.locator("#pause").click()
    expect(ana.locator("#paused")).to_be_hidden()
    ana.locator('#answers button[data-letter="C"]').click()
    bo.locator('#answers button[data-letter="A"]').click()
    expect(ana.locator("#reveal")).to_be_visible()
    checks.screen(ana, "phone", "reveal-wrong")

    # Question 3, a poll: both vote.
    next_step(teacher, "Space")
    expect(ana.locator("#prompt")).to_have_text(pool["questions"][2]["prompt"])
    ana.locator('#answers button[data-letter="A"]').click()
    bo.locator('#answers button[data-letter="B"]').click()
    expect(ana.locator("#reveal")).to_be_visible()
    checks.screen(ana, "phone", "reveal-poll")

    # Question 4, a number: Ana answers, Bo does not; the teacher reveals.
    next_step(teacher, "Space")
    expect(ana.locator("#prompt")).to_have_text(pool["questions"][3]["prompt"])
    checks.screen(ana, "phone", "number")
    checks.screen(teacher, "projector", "number-open")
    ana.locator("#number-input").fill("4")
    ana.locator("#send").click()
    expect(ana.locator("#answer-status")).not_to_be_empty()
    next_step(teacher, "Space")
    expect(teacher.locator("#primary")).to_contain_text(t(code, "step.final"))
    expect(ana.locator("#reveal")).to_be_visible()
    checks.screen(teacher, "projector", "number-reveal")
    checks.screen(bo, "phone", "reveal-no-answer")

    # The end.
    next_step(teacher, "Space")
    expect(teacher.locator(".podium")).to_be_visible()
    expect(teacher.locator(".hardest li").first).to_be_visible()
    expect(ana.locator("#review li")).to_have_count(len(pool["questions"]))
    checks.screen(teacher, "projector", "final")
    checks.screen(ana, "phone", "end")
    ana.evaluate("document.getElementById('review').scrollIntoView()")
    checks.screen(ana, "phone", "end-review")

    # The report, in the pool's language.
    report = teacher.context.new_page()
    report.goto("/admin/report")
    expect(report.locator("#students tbody tr").first).to_be_visible()
    checks.screen(report, "projector", "report")
    report.close()

    # The teacher switches the projector to the next language.
    other = LANGUAGES[(LANGUAGES.index(code) + 1) % len(LANGUAGES)]
    teacher.select_option("#lang", other)
    teacher.wait_for_url(re.compile(rf"[?&]lang={other}\b"))
    expect(teacher.locator("html")).to_have_attribute("lang", other)
    expect(teacher.locator(".podium")).to_be_visible()
    expect(teacher.locator("#stage")).to_contain_text(t(other, "final.title"))
    expect(teacher.locator("#lang")).to_have_value(other)
    checks.screen(teacher, "projector", f"switched-to-{other}", code=other)


# The browser's language, where the pool sets none -----------------------------------

def test_without_a_pool_language_each_device_follows_its_browser(server_factory, browser):
    server = server_factory(the_pool())
    checks = Checks("fr", pool_texts(the_pool()) + ["Élodie"])
    phone_context, phone, errors = device(browser, server, PHONE, locale="fr-FR")
    projector_context, projector, errors2 = device(browser, server, PROJECTOR, locale="de-DE")
    arabic_context, arabic, errors3 = device(browser, server, PHONE, locale="ar-EG")
    try:
        phone.goto("/")
        expect(phone.locator("#join h1")).to_have_text(t("fr", "join.title"))
        checks.screen(phone, "phone", "browser-fr-join")
        phone.locator("#student-id").fill("s1")
        phone.locator("#name").fill("Élodie")
        phone.locator("#join-button").click()
        expect(phone.locator("#lobby h1")).to_have_text(t("fr", "lobby.in"))
        projector.goto("/admin/")
        expect(projector.locator("#login h1")).to_have_text(t("de", "login.title"))
        assert projector.locator("html").get_attribute("lang") == "de"
        arabic.goto("/")
        expect(arabic.locator("#join h1")).to_have_text(t("ar", "join.title"))
        assert arabic.locator("html").get_attribute("dir") == "rtl"
    finally:
        for context in (phone_context, projector_context, arabic_context):
            context.close()
    assert not checks.problems + errors + errors2 + errors3, "\n".join(checks.problems + errors + errors2 + errors3)


# The editor, a teacher's page, is English-only for now (README: Languages) --------

@pytest.mark.parametrize("code", ("fr", "ar"))
def test_the_editor_stays_whole_english_and_left_to_right_in_a_quiz_of_another_language(
        code, server_factory, browser, tmp_path):
    """Not translated yet, so it must not be half-mirrored either: an Arabic quiz
    opens an editor that is English, left to right, and fits the screen."""
    folder = tmp_path / "editor-pools"
    folder.mkdir()
    pool = the_pool(code)
    (folder / "pool.json").write_text(json.dumps(pool), encoding="utf-8")
    server = server_factory(folder / "pool.json", env={"QUIZBOX_POOLS_DIR": str(folder)})
    checks = Checks("en", pool_texts(pool))
    context, page, errors = device(browser, server, PROJECTOR)
    try:
        page.goto("/")   # the teacher's cookie first
        status, body, headers = server.json("POST", "/admin/login", json_body={"password": DEFAULT_PASSWORD})
        cookie = headers.get_all("Set-Cookie")[0].split(";", 1)[0].split("=", 1)
        context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": server.base}])
        page.goto("/admin/editor?file=pool.json")
        page.wait_for_load_state("networkidle")
        expect(page.locator("#editor")).to_be_visible()
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("html").get_attribute("dir") == "ltr"
        checks.screen(page, "projector", "editor", overflow=False)   # its list shortens prompts on purpose
    finally:
        context.close()
    assert not checks.problems + errors, f"the editor in a {code} quiz:\n  " + "\n  ".join(checks.problems + errors)
