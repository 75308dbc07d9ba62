import re
import test_pages_report as T
from test_pages_report import browser, devices  # fixtures

def test_scratch(server_factory, devices):
    server = server_factory(T.END_POOL)
    d = devices(server)
    teacher = d.open("/admin/", T.PROJECTOR)
    T.login(teacher)
    phone = d.open("/", T.PHONE)
    T.join_page(phone, "s1", "Ada")
    plan = [("choice", "C"), ("text", "Lyon"), ("number", "8"), ("choice", "A"), ("multi", "AB")]
    for n, (kind, value) in enumerate(plan, 1):
        T.next_step(teacher, "Space")
        T.answer(phone, kind, value)
        T.expect(teacher.get_by_role("button", name="Show final results" if n == 5 else "Next question")).to_be_visible()
    T.next_step(teacher, "Space")
    T.expect(teacher.get_by_role("heading", name="Final results")).to_be_visible()
    print(teacher.evaluate("""() => {
      const out = [];
      for (const a of document.querySelectorAll('#stage .final a, #stage .final button')) {
        const r = a.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        out.push([a.textContent, Math.round(r.top), Math.round(r.bottom), hit ? (hit.id || hit.tagName + '.' + hit.className + ':' + hit.textContent.slice(0, 30)) : null, a.contains(hit)]);
      }
      const s = document.getElementById('stage');
      const f = document.querySelector('#stage .final').getBoundingClientRect();
      const left = document.querySelector('#stage .final > .card').getBoundingClientRect();
      return {out, stage: [s.clientHeight, s.scrollHeight], final: [f.top, f.bottom], leftcard: [left.top, left.bottom, document.querySelector('#stage .final > .card').scrollHeight]};
    }"""))
    teacher.screenshot(path="/tmp/final-empty.png")
    teacher.add_style_tag(content="#stage > .final{flex:none}")
    teacher.locator("#stage .final a", has_text="Report").scroll_into_view_if_needed()
    print(teacher.evaluate("""() => [...document.querySelectorAll('#stage .final a, #stage .hardest li')].map((a) => { const r = a.getBoundingClientRect(); const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); return [a.textContent.slice(0, 20), Math.round(r.top), a.contains(hit)]; })"""))
    teacher.screenshot(path="/tmp/final-fixed.png")
