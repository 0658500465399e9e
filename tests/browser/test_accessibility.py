"""Accessibility in a real browser: axe-core on every HTML page of every role, at a phone's
360 px and at desktop width, plus the keyboard and screen-reader details axe cannot judge
(focus after a failed submit, the language switch, the skip link, contrast of the focus ring).

axe-core is vendored (tests/vendor/axe-core, MPL-2.0) and injected into each page: nothing
is downloaded at test time. The page list is built from the app's url_map, so a new GET
route is walked automatically (or must be listed in NOT_HTML).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from elearn.auth.models import User
from elearn.extensions import db
from tests.browser.conftest import log_in, requires_chromium
from tests.conftest import committed, login_client

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "artifacts"
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
#: axe impacts that fail the test.
FAILING = ("serious", "critical")

pytestmark = requires_chromium

#: GET endpoints that answer with something other than an HTML page.
NOT_HTML = {
    "static",
    "favicon",
    "main.healthz",
    "regions.communes",
    "content.asset",
    "certificates.download",
    # studio downloads (GIFT, .xlsx, package .zip)
    "studio.export_questions",
    "studio.export_quiz",
    "studio.questions_template",
    "studio.export_course",
}
COURSE = "quan-ly-san-xuat-chat-luong"
#: A lesson with wide tables (they scroll sideways on a phone).
TABLE_LESSON = "ve-sinh-co-so-san-xuat-nho"
QUIZ = "kiem-tra-phan-1"


def _new_page(browser, viewport="phone"):
    # The CSP allows no inline script: the injected axe would be refused without the bypass.
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="vi-VN", bypass_csp=True)
    context.set_default_timeout(15000)
    return context, context.new_page()


_log_in = log_in


@pytest.fixture
def world(app, courses, make_user):
    """Users of each role and a learner with an open attempt, a graded attempt and a
    certificate, so that every page has real arguments."""
    from sqlalchemy import select

    from elearn.auth.services import create_reset_token
    from elearn.certificates.models import Certificate
    from elearn.content.sync import sync_from_dir
    from tests.test_quiz import FIXTURES, SLUG, form_data, right_answers

    users = {
        role: make_user(role, email=f"{role}@example.vn")
        for role in ("learner", "trainer", "admin")
    }
    learner = users["learner"]
    client = login_client(app, learner)
    with app.app_context():
        committed(sync_from_dir, FIXTURES)
    # A certificate: the small test course, passed with right answers.
    client.post(f"/courses/{SLUG}/enroll")
    for lesson in ("bai-mot", "bai-hai"):
        client.post(f"/courses/{SLUG}/lessons/{lesson}/complete")
    for key in ("kiem-tra-nhanh", "cuoi-khoa"):
        attempt_id = _start(client, SLUG, key)
        client.post(
            f"/attempts/{attempt_id}/submit", data=form_data(right_answers(app, attempt_id), 0)
        )
    # On the shipped course: one graded attempt and one left open.
    client.post(f"/courses/{COURSE}/enroll")
    finished = _start(client, COURSE, QUIZ)
    client.post(f"/attempts/{finished}/submit", data=form_data(right_answers(app, finished), 0))
    open_attempt = _start(client, COURSE, QUIZ)
    with app.app_context():
        code = db.session.scalar(select(Certificate.code))
        token = committed(create_reset_token, db.session.get(User, learner.id))
    assert code, "the learner should hold a certificate"
    # A studio course the trainer owns (a draft with written lessons and a quiz), so every
    # studio page is checked with real content, not only as a refusal.
    from elearn.content.models import Question
    from elearn.content.revisions import add_questions_to_revision
    from elearn.quiz.importing import preview_gift
    from elearn.studio import drafts, outline
    from tests.studio.conftest import attached, course_row, new_studio_course

    studio = new_studio_course(app, users["trainer"], slug="khoa-studio")
    with app.app_context():
        draft = committed(drafts.ensure_draft, course_row(studio), attached(users["trainer"]))
        committed(outline.add_quiz, draft, "kiem-tra", "Kiểm tra")
        preview = preview_gift("::cau-mot:: Sản phẩm OCOP có tối đa mấy sao? {#5}\n", {}, "chung")
        assert preview.ok, preview.problems
        committed(add_questions_to_revision, draft, preview.questions)
        question_id = db.session.scalar(select(Question.id).where(Question.name == "cau-mot"))
    studio_args = {
        "slug": studio,
        "lesson_slug": "bai-1",
        "key": "kiem-tra",
        "number": 1,
        "question_id": question_id,
    }
    return {
        "users": users,
        "args": {
            "slug": COURSE,
            "lesson_slug": TABLE_LESSON,
            "key": QUIZ,
            "attempt_id": open_attempt,
            "code": code,
            "token": token,
        },
        "per_endpoint": {"quiz.review": {"attempt_id": finished}},
        "studio": studio_args,
    }


def _start(client, slug: str, key: str) -> int:
    started = client.post(f"/courses/{slug}/quizzes/{key}/start", data={"confirm": "1"})
    assert started.status_code == 302, started.status_code
    return int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def html_pages(app, world) -> list[tuple[str, str]]:
    """(endpoint, path) of every GET route that answers with HTML, with real arguments."""
    pages = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        endpoint = rule.endpoint
        if "GET" not in rule.methods or endpoint in NOT_HTML:
            continue
        if endpoint.startswith("api.") or endpoint.endswith(".static"):
            continue
        args = world["studio"] if endpoint.startswith("studio.") else world["args"]
        values = {name: args[name] for name in rule.arguments}
        values |= {
            k: v for k, v in world["per_endpoint"].get(endpoint, {}).items() if k in rule.arguments
        }
        pages.append((endpoint, rule.build(values, append_unknown=False)[1]))
    return pages


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    return [v for v in found if v["impact"] in FAILING]


def _check_both_widths(page, label: str, problems: list[str]) -> None:
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        for v in axe_violations(page):
            problems.append(
                f"{label} [{name}]: {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}"
            )


@pytest.mark.parametrize("role", ["anonymous", "learner", "trainer", "admin"])
def test_axe_finds_nothing_serious_on_any_page(app, live_server, world, browser, role):
    context, page = _new_page(browser)
    if role != "anonymous":
        _log_in(page, live_server, world["users"][role].email)
    problems: list[str] = []
    seen: set[str] = set()
    for endpoint, path in html_pages(app, world):
        response = page.goto(live_server + path)
        assert response is not None and response.status < 500, (role, path)
        assert response.headers["content-type"].startswith("text/html"), (
            f"{endpoint} does not answer with HTML: add it to NOT_HTML"
        )
        landed = page.url.split("?")[0]
        if landed in seen:  # e.g. every login-only page sends a visitor to the same login page
            continue
        seen.add(landed)
        _check_both_widths(page, f"{role} {endpoint} {path}", problems)
    # A form after a failed submit: the error summary and the invalid fields.
    form = "/password" if role != "anonymous" else "/login"
    page.goto(live_server + form)
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error")
    _check_both_widths(page, f"{role} {form} after a failed submit", problems)
    context.close()
    assert not problems, "\n".join(problems)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two CSS colours written rgb(r, g, b)."""
    la, lb = (_luminance(tuple(int(x) for x in re.findall(r"\d+", c)[:3])) for c in (a, b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def test_contrast_helper_knows_the_old_focus_ring_was_too_faint():
    assert round(contrast("rgb(240, 180, 0)", "rgb(255, 255, 255)"), 2) == 1.87
    assert round(contrast("rgb(159, 176, 164)", "rgb(255, 255, 255)"), 2) == 2.28


def _outline(page, selector: str) -> tuple[str, str]:
    return page.eval_on_selector(
        selector,
        """el => { const s = getComputedStyle(el);
                   return [s.outlineStyle, s.outlineColor]; }""",
    )


def _background(page, selector: str) -> str:
    """The colour behind an element: the first ancestor with an opaque background."""
    return page.eval_on_selector(
        selector,
        """el => { for (let e = el.parentElement; e; e = e.parentElement) {
                     const c = getComputedStyle(e).backgroundColor;
                     if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; }
                   return 'rgb(255, 255, 255)'; }""",
    )


def test_focus_ring_and_field_borders_reach_3_to_1(live_server, browser):
    context, page = _new_page(browser)
    page.goto(f"{live_server}/login")
    for selector in ("main a[href$='/register']", "#login", "main button[type=submit]",
                     "header.site a.brand", "#lang"):  # fmt: skip
        page.focus(selector)
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # keyboard focus: :focus-visible applies
        style, colour = _outline(page, selector)
        behind = _background(page, selector)
        assert style != "none", selector
        assert contrast(colour, behind) >= 3, (selector, colour, behind)
        assert contrast(colour, "rgb(255, 255, 255)") >= 3 or selector.startswith(
            ("header", "#lang")
        )
    border = page.eval_on_selector("#login", "el => getComputedStyle(el).borderTopColor")
    for behind in (
        "rgb(255, 255, 255)",
        page.evaluate("getComputedStyle(document.body).backgroundColor"),
    ):
        assert contrast(border, behind) >= 3, (border, behind)
    context.close()


def test_skip_link_is_the_first_stop_and_lands_on_main(live_server, browser):
    context, page = _new_page(browser)
    page.goto(f"{live_server}/courses")
    page.keyboard.press("Tab")
    first = page.evaluate(
        "[document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]"
    )
    assert first == ["Chuyển đến nội dung chính", "#main"]
    assert page.eval_on_selector("a.skip-link", "el => el.getBoundingClientRect().height") > 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    context.close()


def test_language_select_waits_for_the_button(live_server, browser):
    context, page = _new_page(browser)
    page.goto(f"{live_server}/courses")
    page.focus("#lang")
    page.keyboard.press("ArrowDown")  # chromium changes a closed select's value on arrow keys
    assert page.eval_on_selector("#lang", "el => el.value") == "en"
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert page.evaluate("document.activeElement.id") == "lang"
    button = page.locator("form.lang button[type=submit]")
    assert button.is_visible()
    with page.expect_navigation():
        button.click()
    assert page.evaluate("document.documentElement.lang") == "en"
    context.close()


def test_after_a_failed_submit_focus_moves_to_an_error_summary(live_server, world, browser):
    context, page = _new_page(browser)
    _log_in(page, live_server, world["users"]["learner"].email)
    page.goto(f"{live_server}/password")
    page.fill("#new_password", "ngắn")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.className") == "error-summary"
    summary = page.locator(".error-summary")
    targets = summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert targets == ["#current_password"]
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.id") == "current_password"
    # Each field names its error or its hint.
    for field, words in (("current_password", "mật khẩu"), ("new_password", "8")):
        described = page.eval_on_selector(f"#{field}", "el => el.getAttribute('aria-describedby')")
        assert described, field
        assert words in " ".join(page.inner_text(f"#{i}") for i in described.split()).lower()
    page.screenshot(path=str(_artifacts() / "error-summary.png"), full_page=True)
    context.close()


def _artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def test_wide_lesson_tables_are_focusable_named_regions(live_server, world, browser):
    context, page = _new_page(browser)
    _log_in(page, live_server, world["users"]["learner"].email)
    page.goto(f"{live_server}/courses/{COURSE}/lessons/{TABLE_LESSON}")
    regions = page.locator(".lesson-body .table-scroll")
    assert regions.count() >= 1
    for i in range(regions.count()):
        region = regions.nth(i)
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("aria-label")
        assert region.locator("table").count() == 1
    # On a phone the table is wider than the screen: the keyboard can reach and scroll it.
    region = regions.first
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    region.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    style, colour = _outline(page, ".lesson-body .table-scroll")
    assert (
        style != "none" and contrast(colour, _background(page, ".lesson-body .table-scroll")) >= 3
    )
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.lesson-body .table-scroll').scrollLeft > 0")
    context.close()


def test_each_quiz_question_group_is_named_by_its_text(live_server, world, browser):
    context, page = _new_page(browser)
    _log_in(page, live_server, world["users"]["learner"].email)
    page.goto(f"{live_server}/attempts/{world['args']['attempt_id']}")
    questions = page.locator("fieldset.question")
    assert questions.count() >= 2
    for i in range(questions.count()):
        text = questions.nth(i).locator(".question-text").inner_text().split("\n")[0][:40]
        # Playwright computes the accessible name as a screen reader would.
        named = page.get_by_role("group", name=re.compile(re.escape(text.strip())))
        assert named.count() == 1, text
    context.close()
