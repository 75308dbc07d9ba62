"""After the bell in a real browser (Debian's chromium, driven by Playwright): the
report page of a finished game, on a screen and printed to an A4 PDF; the report
file --export-dir writes, opened from file:// with no server; the end of the game
on the projector (podium, the hardest questions) and on each phone (its review);
and a join with a class list (the phone asks for the id alone, then greets the
student by the list's name).

Screenshots go to test-artifacts/report-*.png and end-*.png for a person to look at,
and the printed report to test-artifacts/report-a4.pdf.
Skipped when /usr/bin/chromium or Playwright for Python is missing."""

import re

import pytest

from test_pages import (browser, devices, ARTIFACTS, PHONE, PROJECTOR, Devices, expect, login,  # noqa: E402,F401,F811 (browser: the one Chromium fixture)
                        next_step, shot)
from test_after_bell import (HTML_NAME, get_json, play_every_type, run_export_game,  # noqa: E402
                             set_roster, write_types_pools)

# A4 in PostScript points, and the width the report's @page{size:A4;margin:12mm}
# leaves for content, in CSS px (96 per inch).
A4_POINTS = (595.28, 841.89)
A4_CONTENT_PX = (210 - 2 * 12) / 25.4 * 96        # 703.0
NAMES = {"ann": "Ann", "ben": "Ben Ærø", "cat": "<img src=x onerror=alert(1)>Cat 🦊", "dan": "Dan",
         "eve": "Evangeline Montgomery-Smythe"}


def full_shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), animations="disabled", full_page=True)


def fits_the_width(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def media_boxes(pdf):
    """[(width, height)] of every page's /MediaBox, in points, from the PDF's bytes."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def page_count(pdf):
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


SPILLS = """(limit) => {
    // Every element of the page whose right edge goes past the printable width,
    // and every table wider than the box it is in (a column cut off on paper).
    const out = [];
    for (const n of document.querySelectorAll('main *')) {
        const r = n.getBoundingClientRect();
        if (r.width && getComputedStyle(n).display !== 'none' && r.right > limit + 0.5)
            out.push((n.id || n.tagName.toLowerCase() + '.' + n.className) + ' ends at ' + Math.round(r.right)
                     + ': ' + n.textContent.slice(0, 40));
    }
    for (const t of document.querySelectorAll('table')) {
        if (t.scrollWidth > t.parentElement.clientWidth + 0.5)
            out.push('table#' + t.id + ' is ' + t.scrollWidth + ' px wide in ' + t.parentElement.clientWidth);
    }
    if (document.documentElement.scrollWidth > limit + 0.5)
        out.push('the page is ' + document.documentElement.scrollWidth + ' px wide');
    return out.slice(0, 20);
}"""


BROKEN_WORDS = """(limit) => {
    // Words wider than the table cell they are in: the browser has to break them
    // mid-word ("Powerhous|e", an id "0071|23"), letter by letter in a narrow column.
    const canvas = document.createElement('canvas').getContext('2d'), out = [];
    for (const cell of document.querySelectorAll('#questions th, #questions td, #students th, #students td')) {
        const style = getComputedStyle(cell);
        const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node; (node = walker.nextNode());) {
            canvas.font = getComputedStyle(node.parentElement).font;
            for (const word of node.textContent.split(/\\s+|(?<=-)/).filter(Boolean)) {
                const width = canvas.measureText(word).width;
                if (word.length > 1 && width > room + limit) out.push(word + ' (' + Math.round(width) + ' px in ' + Math.round(room) + ')');
            }
        }
    }
    return out;
}"""


def check_rendered_report(page, report):
    """The report's parts, as the page shows them, against the report's own numbers."""
    expect(page.locator("#title")).to_have_text(report["title"])
    cards = page.locator("#cards .card")
    expect(cards).to_have_count(6)
    summary = report["summary"]
    expect(cards.nth(0).locator("b")).to_have_text(str(summary["players"]))
    expect(cards.nth(1).locator("b")).to_have_text(str(summary["absent"]))
    expect(cards.nth(5).locator("b")).to_have_text(f"{summary['played']} / {summary['question_count']}")
    # The spread of totals: an inline SVG drawn by the page, one bar per bin.
    svg = page.locator("#chart svg")
    expect(svg).to_be_visible()
    bars = svg.locator("rect")
    expect(bars).to_have_count(len(summary["histogram"]))
    heights = bars.evaluate_all("(rects) => rects.map((r) => parseFloat(r.getAttribute('height')))")
    filled = [h > 0 for h in heights]
    assert filled == [b["count"] > 0 for b in summary["histogram"]], heights
    box = svg.bounding_box()
    assert box["width"] > 200 and box["height"] > 40, box
    # The questions to go over: one item per flagged question, with its sentence.
    flagged = [q for q in report["questions"] if q["flag"]]
    flags = page.locator("#flags li")
    expect(flags).to_have_count(max(1, len(flagged)))
    for item, q in zip(flags.all(), flagged):
        expect(item).to_contain_text(q["prompt"])
        expect(item).to_contain_text(q["flag"])
    # The tables: a row per played question, a row per student.
    rows = page.locator("#questions tbody tr")
    expect(rows).to_have_count(len(report["questions"]))
    for row, q in zip(rows.all(), report["questions"]):
        expect(row.locator("td").nth(0)).to_have_text(str(q["question_idx"] + 1))
        expect(row.locator("td").nth(1)).to_have_text(q["prompt"])
        share = q["correct_share"]
        expect(row.locator("td").nth(3)).to_have_text("–" if share is None else f"{round(100 * share)}%")
    students = page.locator("#students tbody tr")
    expect(students).to_have_count(len(report["students"]))
    for row, s in zip(students.all(), report["students"]):
        expect(row.locator("td").nth(1)).to_have_text(s["name"])
        expect(row.locator("td").nth(2)).to_have_text(s["student_id"])
        expect(row.locator("td").nth(0)).to_have_text("" if s["rank"] is None else str(s["rank"]))
    heads = page.locator("#students thead th")
    expect(heads).to_have_count(6 + len(report["questions"]))


# The report page ##############################################################

def test_report_page_on_screen_and_on_a4(server_factory, devices, tmp_path):
    pool_path = write_types_pools(tmp_path)
    server = server_factory(pool_path, env={"QUIZBOX_POOLS_DIR": str(pool_path.parent)})
    admin = server.admin_cookie()
    play_every_type(server, admin, NAMES)
    report = get_json(server, admin, "/admin/api/report")
    assert [q["question_idx"] for q in report["questions"] if q["flag"]] == [0, 3, 4, 5]
    d = devices(server)

    page = d.open("/admin/", PROJECTOR)
    login(page)
    expect(page.get_by_role("heading", name="Final results")).to_be_visible()
    page.goto("/admin/report")
    check_rendered_report(page, report)
    flags = page.locator("#flags")
    expect(flags).to_contain_text("Most of the class chose C (“Ribosome”); the answer is B.")
    expect(flags).to_contain_text("Most of the class answered 9; the answer is 7.5.")
    expect(page.locator("#students tbody tr").nth(0)).to_contain_text("Ann")
    expect(page.locator("#xlsx")).to_have_attribute("href", "/admin/api/xlsx?sid=after-bell")
    assert fits_the_width(page)
    shot(page, "report-1-projector")
    full_shot(page, "report-1-projector-full")

    page.set_viewport_size(PHONE)
    expect(page.locator("#chart svg")).to_be_visible()
    assert fits_the_width(page), "the report scrolls sideways on a phone"
    shot(page, "report-2-phone")
    full_shot(page, "report-2-phone-full")

    # Printed by Chromium to PDF: every page A4.
    page.set_viewport_size(PROJECTOR)
    pdf = page.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report-a4.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF-")
    boxes = media_boxes(pdf)
    assert boxes and len(boxes) == page_count(pdf), (boxes, page_count(pdf))
    for width, height in boxes:
        assert abs(width - A4_POINTS[0]) < 1.5 and abs(height - A4_POINTS[1]) < 1.5, boxes
    # The print stylesheet at the printable width of A4: the buttons gone, nothing cut.
    page.set_viewport_size({"width": int(A4_CONTENT_PX), "height": 1000})
    page.emulate_media(media="print")
    expect(page.locator(".tools")).to_be_hidden()
    spills = page.evaluate(SPILLS, int(A4_CONTENT_PX))
    assert spills == [], spills
    full_shot(page, "report-3-print")
    page.emulate_media(media="screen")

    assert page.locator("main img").count() == 0    # a name is text, never HTML
    # A past session's report: ?sid= after another quiz went live.
    status, body, _ = server.json("POST", "/admin/api/pools/select", json_body={"file": "other.json"},
                                  cookie=admin)
    assert status == 200, body
    page.set_viewport_size(PROJECTOR)
    page.goto("/admin/report?sid=after-bell")
    check_rendered_report(page, report)
    expect(page.locator("#subtitle")).to_contain_text("after-bell")
    page.goto("/admin/report")
    expect(page.locator("#title")).to_have_text("Another quiz")
    expect(page.locator("#chart")).to_contain_text("No totals yet")

    # Without the admin cookie: a sentence, not a broken page.
    stranger = d.open("/admin/report", PROJECTOR)
    expect(stranger.locator("#error")).to_contain_text("/admin/")
    assert d.dialogs == [] and d.errors == [] and d.foreign_urls() == []


def test_report_tables_break_lines_between_words(server_factory, devices, tmp_path):
    """On a phone the tables scroll sideways inside their frame; on A4 they fit the page.
    Either way a prompt, a name or a student id is never broken in the middle of a word."""
    pool_path = write_types_pools(tmp_path)
    server = server_factory(pool_path)
    admin = server.admin_cookie()
    play_every_type(server, admin, NAMES)
    d = devices(server)
    page = d.open("/admin/", PHONE)
    login(page)
    page.goto("/admin/report")
    expect(page.locator("#students tbody tr")).to_have_count(5)
    on_phone = page.evaluate(BROKEN_WORDS, 0.5)
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": int(A4_CONTENT_PX), "height": 1000})
    page.emulate_media(media="print")
    on_paper = page.evaluate(BROKEN_WORDS, 0.5)
    spills = page.evaluate(SPILLS, int(A4_CONTENT_PX))
    assert (on_phone, on_paper, spills) == ([], [], []), \
        f"broken on a 360 px phone (page {height} px tall): {on_phone[:8]}; on A4: {on_paper[:8]}; cut: {spills}"


def test_exported_report_opens_from_a_file_with_no_server(server_factory, browser, tmp_path):
    server, admin, folder, paths = run_export_game(server_factory, tmp_path)
    report = get_json(server, admin, "/admin/api/report")
    server.stop()                       # the file must not need it
    context = browser.new_context(viewport=PROJECTOR)
    try:
        page = context.new_page()
        urls, errors = [], []
        page.on("request", lambda request: urls.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(paths["-report.html"].as_uri())
        check_rendered_report(page, report)
        absent = page.locator("#students tbody tr", has_text="Absent Abe")
        expect(absent.locator(".tag")).to_have_text("absent")
        expect(page.locator("#students")).to_contain_text("Zoë 🦊")
        expect(page.locator("#students")).to_contain_text(HTML_NAME)    # as text
        assert page.locator("#students b, main img").count() == 0
        expect(page.locator("#students")).to_contain_text("007123")
        expect(page.locator("#xlsx")).to_be_hidden()     # no server to download from
        expect(page.locator("#csv")).to_be_hidden()
        shot(page, "report-4-exported-file")
        page.set_viewport_size(PHONE)
        assert fits_the_width(page)
        shot(page, "report-5-exported-file-phone")
        assert errors == []
        assert [u for u in urls if not u.startswith(("file://", "data:"))] == []
    finally:
        context.close()


# The end of the game #########################################################

CELL = ["Nucleus", "Mitochondrion", "Ribosome", "Golgi"]
END_POOL = {
    "title": "The end of the game", "session_id": "the-end", "time_limit_default": 60,
    "score_fn": "speed",
    "questions": [
        {"prompt": "Which part of the cell is called its powerhouse?", "choices": CELL, "correct": "B"},
        {"type": "text", "prompt": "Capital of France?", "accept": ["Paris"]},
        {"type": "number", "prompt": "How many days are there in one week?", "min": 0, "max": 20,
         "correct": 7},
        {"prompt": "Did you like it?", "choices": ["Yes", "No"], "correct": None},
        {"type": "multi", "prompt": "Which of these planets are gas giants, made mostly of hydrogen?",
         "choices": ["Jupiter", "Mars", "Saturn", "Venus"], "correct": ["A", "C"]},
    ]}


UNSEEN = """(nodes) => nodes.flatMap((n) => {
    // Elements not on the screen, under another element at their middle, or past
    // the bottom of the card they are in.
    const r = n.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    const what = n.textContent.trim().slice(0, 50);
    if (r.bottom > window.innerHeight || r.right > window.innerWidth || r.top < 0)
        return [what + ' (off the screen)'];
    const hit = document.elementFromPoint(x, y);
    if (!n.contains(hit))
        return [what + ' (under ' + (hit ? hit.closest('[id]').id || hit.tagName : 'nothing') + ')'];
    const card = n.closest('.card'), b = card && card.getBoundingClientRect();
    if (b && r.bottom > b.bottom + 1) return [what + ' (past the bottom of its card)'];
    return [];
})"""


def join_page(page, student_id, name):
    expect(page.locator("#student-id")).to_be_visible()
    page.locator("#student-id").fill(student_id)
    page.locator("#name").fill(name)
    page.locator("#join-button").click()
    expect(page.locator("#lobby")).to_be_visible()


def answer(page, kind, value):
    """Answer the open question the way a student does on the phone."""
    expect(page.locator("#question")).to_be_visible()
    if kind == "choice":
        page.locator(f'#answers button[data-letter="{value}"]').click()
    elif kind == "multi":
        for letter in value:
            page.locator(f'#answers button[data-letter="{letter}"]').click()
        page.locator("#send").click()
    elif kind == "text":
        page.locator("#text-answer").fill(value)
        page.locator("#send").click()
    else:
        page.locator("#number-input").fill(value)
        page.locator("#send").click()
    expect(page.locator("#answer-status")).to_contain_text("locked in")


def test_the_end_on_the_projector_and_each_phone(server_factory, devices):
    server = server_factory(END_POOL)
    d = devices(server)
    teacher = d.open("/admin/", PROJECTOR)
    login(teacher)
    phones = {"s1": d.open("/", PHONE), "s2": d.open("/", PHONE, dark=True), "s3": d.open("/", PHONE)}
    names = {"s1": "Ada", "s2": "Bo Ærø", "s3": "Cy 🦊"}
    for student_id, phone in phones.items():
        join_page(phone, student_id, names[student_id])
    expect(teacher.locator("#count")).to_have_text("3")

    # right: s1 everything; Q1 s2, s3 wrong (1/3); Q2 s3 right too (2/3); Q3 1/3; Q5 1/3.
    plan = [("choice", {"s1": "B", "s2": "C", "s3": "C"}),
            ("text", {"s1": "paris", "s2": "Lyon", "s3": "Paris"}),
            ("number", {"s1": "7", "s2": "8", "s3": "3"}),
            ("choice", {"s1": "A", "s2": "B", "s3": "A"}),
            ("multi", {"s1": "AC", "s2": "A", "s3": "AB"})]
    for n, (kind, answers) in enumerate(plan, 1):
        next_step(teacher, "Space")
        expect(teacher.locator("#progress")).to_contain_text(f"{n} ")
        for student_id, value in answers.items():
            answer(phones[student_id], kind, value)
        last = n == len(plan)
        expect(teacher.get_by_role("button", name="Show final results" if last else "Next question")
               ).to_be_visible()
    next_step(teacher, "Space")

    # The projector: the podium, then the three hardest questions with their answers.
    expect(teacher.get_by_role("heading", name="Final results")).to_be_visible()
    podium = teacher.locator(".podium")
    expect(podium.locator(".p1")).to_contain_text("Ada")
    expect(teacher.get_by_role("heading", name="To go over: the hardest questions")).to_be_visible()
    hardest = teacher.locator("ol.hardest li")
    expect(hardest).to_have_count(3)
    prompts = [q["prompt"] for q in END_POOL["questions"]]
    expected = [(f"1. {prompts[0]}", "B: Mitochondrion", "1 / 3"),
                (f"3. {prompts[2]}", "7", "1 / 3"),
                (f"5. {prompts[4]}", "A: Jupiter, C: Saturn", "1 / 3")]
    for item, (prompt, right, count) in zip(hardest.all(), expected):
        expect(item).to_contain_text(prompt)
        expect(item).to_contain_text(right)
        expect(item.locator(".n")).to_have_text(count)
    expect(teacher.locator("#stage")).not_to_contain_text("Capital of France?")   # 2 of 3 right
    assert fits_the_width(teacher)
    # Shown means seen: each hardest question on the screen as it comes up, nothing over it
    # (once "Quizzes and past results", which the end screen also holds, is in place).
    expect(teacher.locator("#manage summary")).to_be_visible()
    hidden = hardest.evaluate_all(UNSEEN)
    shot(teacher, "end-1-projector-final")
    teacher.emulate_media(color_scheme="dark")
    shot(teacher, "end-1-projector-final-dark")
    teacher.emulate_media(color_scheme="light")

    # Each phone: its own review, every question, its answer and the right one.
    review_of = {
        "s1": [("You: B: Mitochondrion ✓", "Answer: B: Mitochondrion"),
               ("You: “paris” ✓", "Answer: “Paris”"),
               ("You: 7 ✓", "Answer: 7"),
               ("You: A: Yes", None),
               ("You: A: Jupiter, C: Saturn ✓", "Answer: A: Jupiter, C: Saturn")],
        "s2": [("You: C: Ribosome ✗", "Answer: B: Mitochondrion"),
               ("You: “Lyon” ✗", "Answer: “Paris”"),
               ("You: 8 ✗", "Answer: 7"),
               ("You: B: No", None),
               ("You: A: Jupiter ✗", "Answer: A: Jupiter, C: Saturn")],
        "s3": [("You: C: Ribosome ✗", "Answer: B: Mitochondrion"),
               ("You: “Paris” ✓", "Answer: “Paris”"),
               ("You: 3 ✗", "Answer: 7"),
               ("You: A: Yes", None),
               ("You: A: Jupiter, B: Mars ✗", "Answer: A: Jupiter, C: Saturn")],
    }
    for student_id, phone in phones.items():
        expect(phone.locator("#ended")).to_be_visible()
        expect(phone.locator("#review-h")).to_be_visible()
        items = phone.locator("#review li")
        expect(items).to_have_count(5)
        for n, (item, (yours, right)) in enumerate(zip(items.all(), review_of[student_id]), 1):
            expect(item.locator("p").first).to_have_text(f"{n}. {END_POOL['questions'][n - 1]['prompt']}")
            expect(item).to_contain_text(yours)
            if right is None:      # a poll: no right answer, no points
                expect(item).not_to_contain_text("Answer:")
                expect(item).not_to_have_class(re.compile(r"\b(right|wrong)\b"))
            else:
                expect(item).to_contain_text(right)
                expect(item).to_contain_text(re.compile(r"\+\d[\d,]* points"))
                expect(item).to_have_class(re.compile(r"\bright\b" if "✓" in yours else r"\bwrong\b"))
        assert fits_the_width(phone), student_id
        shot(phone, f"end-2-phone-{student_id}")
        full_shot(phone, f"end-2-phone-{student_id}-full")
    expect(phones["s1"].locator("#ended-rank")).to_have_text("#1")
    expect(phones["s1"].locator("#ended-correct")).to_have_text("4 / 4")
    # The review is the phone's own: nobody else's answer shows.
    expect(phones["s1"].locator("#review")).not_to_contain_text("Lyon")
    assert d.dialogs == [] and d.errors == [] and d.foreign_urls() == []
    # The final card's links can be reached and clicked (scrolled to, if need be).
    covered = []
    for link in teacher.locator("#stage .final a").all():
        link.scroll_into_view_if_needed()
        covered += link.evaluate(f"(n) => ({UNSEEN})([n])")
    assert (hidden, covered) == ([], []), \
        f"on the projector's final screen, not seen at 1280x720: {hidden}; under something else: {covered}"


# A join with a class list ####################################################

def test_join_with_a_class_list(server, devices):
    d = devices(server)
    teacher = d.open("/admin/", PROJECTOR)
    login(teacher)
    manage = teacher.locator("#manage")
    manage.locator("summary").click()
    form = teacher.locator("#roster-form")
    expect(form).to_be_visible()
    expect(teacher.locator("#roster-status")).to_contain_text("No class list")

    # A bad list: its line is named, and nothing is loaded.
    teacher.locator("#roster-text").fill("student_id;name\n007123;Zoë 🦊\n007123;Zed\n")
    form.get_by_role("button", name="Use this class list").click()
    expect(teacher.locator("#roster-result")).to_contain_text("Lines 2 and 3 both have student id 007123.")
    expect(teacher.locator("#roster-status")).to_contain_text("No class list")
    # A good one, pasted from a spreadsheet export (semicolons, a header).
    teacher.locator("#roster-text").fill("student_id;name\n007123;Zoë 🦊\n00042;Ann Lee\n5;Bob\n")
    form.get_by_role("button", name="Use this class list").click()
    expect(teacher.locator("#roster-result")).to_contain_text("Class list loaded: 3 students.")
    expect(teacher.locator("#roster-status")).to_contain_text("3 students, 0 joined")
    teacher.locator("#roster-form").scroll_into_view_if_needed()
    shot(teacher, "end-3-teacher-class-list")

    # The phone asks for the id alone.
    phone = d.open("/", PHONE)
    expect(phone.locator("#student-id")).to_be_visible()
    expect(phone.locator("#name")).to_be_hidden()
    expect(phone.locator("#name-label")).to_be_hidden()
    shot(phone, "end-4-phone-join-id-only")
    phone.locator("#student-id").fill("7123")           # the zeros forgotten: not on the list
    phone.locator("#join-button").click()
    expect(phone.locator("#join-error")).to_contain_text("not on the class list")
    shot(phone, "end-5-phone-not-on-list")
    phone.locator("#student-id").fill("007123")
    phone.locator("#join-button").click()
    expect(phone.locator("#lobby")).to_be_visible()
    expect(phone.locator("#lobby-name")).to_have_text("Zoë 🦊")
    shot(phone, "end-6-phone-greeted")
    expect(teacher.locator("#players")).to_contain_text("Zoë 🦊")
    expect(teacher.locator("#count")).to_have_text("1")
    shot(teacher, "end-7-teacher-lobby-class-list")

    # Reloaded, the phone is still in, under the list's name.
    phone.reload()
    expect(phone.locator("#lobby-name")).to_have_text("Zoë 🦊")
    admin = server.admin_cookie()
    assert get_json(server, admin, "/admin/api/roster")["students"][0]["joined"] is True
    assert set_roster(server, admin, "")[0] == 200
    # Without a list, a new phone asks for a name again.
    other = d.open("/", PHONE)
    expect(other.locator("#name")).to_be_visible()
    assert d.dialogs == [] and d.errors == [] and d.foreign_urls() == []


def test_the_class_list_line_follows_the_joins(server, devices):
    """The teacher's "Class list: N students, K joined" counts a student who joins
    while the page is open, as the player list beside it does."""
    admin = server.admin_cookie()
    assert set_roster(server, admin, "007123;Zoë 🦊\n00042;Ann Lee\n5;Bob\n")[0] == 200
    d = devices(server)
    teacher = d.open("/admin/", PROJECTOR)
    login(teacher)
    teacher.locator("#manage summary").click()
    expect(teacher.locator("#roster-status")).to_contain_text("3 students, 0 joined")
    teacher.wait_for_timeout(1500)    # opening the box reloads it: let that finish first
    server.join("00042", "")
    expect(teacher.locator("#players")).to_contain_text("Ann Lee")
    expect(teacher.locator("#roster-status")).to_contain_text("3 students, 1 joined")
