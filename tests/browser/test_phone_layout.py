"""A phone screen used well: compact header, the enrol button on the first screen,
lesson tables that scroll visibly, a countdown that stays in sight. Screenshots are saved
to tests/artifacts/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from elearn.content.models import Quiz
from elearn.extensions import db
from tests.browser.conftest import ARTIFACTS, log_in, requires_chromium
from tests.conftest import PASSWORD, committed

pytestmark = requires_chromium

QUIZ_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "quiz_courses"
#: At most 15% of the screen height; 568 px screens get the same one-row header.
HEADER_LIMIT = {740: 111, 568: 85}


_log_in = log_in


def _header_height(page) -> float:
    return page.locator("header.site").bounding_box()["height"]


@pytest.mark.parametrize("role", ["learner", "admin"])
@pytest.mark.parametrize(("width", "height"), [(360, 740), (320, 568)])
def test_header_is_compact_on_phones(live_server, open_page, make_user, role, width, height):
    ARTIFACTS.mkdir(exist_ok=True)
    user = make_user(role, email=f"{role}@example.vn")
    page = open_page(width, height)
    _log_in(page, live_server, user.email)
    for path in ("/dashboard", "/courses/thuong-mai-dien-tu", "/profile"):
        page.goto(f"{live_server}{path}")
        measured = _header_height(page)
        print(f"header {role} {width}x{height} {path}: {measured:.0f} px")
        assert measured <= HEADER_LIMIT[height], (path, measured)
    page.screenshot(path=str(ARTIFACTS / f"header-{role}-{width}x{height}.png"))

    # The links are in the menu, opened by keyboard; admins' extra links are inside it.
    nav = page.locator("header.site nav")
    assert not nav.is_visible()
    page.focus("details.menu > summary")
    page.keyboard.press("Enter")
    assert nav.is_visible()
    links = nav.inner_text()
    assert "Việc học của tôi" in links and "Đăng xuất" in links
    assert ("Tác vụ" in links) == (role == "admin")
    page.screenshot(path=str(ARTIFACTS / f"header-menu-{role}-{width}x{height}.png"))
    page.keyboard.press("Escape")
    assert not nav.is_visible()
    # A tap outside the open menu closes it too.
    page.click("details.menu > summary")
    assert nav.is_visible()
    page.mouse.click(3, height - 3)  # the page margin: nothing there to press
    assert not nav.is_visible()


def test_menu_works_without_javascript_and_sits_in_the_row_on_wide_screens(
    live_server, open_page, make_user
):
    make_user("admin", email="admin@example.vn")
    page = open_page(360, 740, javascript=False)
    _log_in(page, live_server, "admin@example.vn")
    nav = page.locator("header.site nav")
    assert not nav.is_visible()
    page.click("details.menu > summary")
    assert nav.is_visible() and "Tác vụ" in nav.inner_text()
    page.screenshot(path=str(ARTIFACTS / "header-menu-no-js-360x740.png"))

    wide = open_page(1024, 768)
    _log_in(wide, live_server, "admin@example.vn")
    assert wide.locator("header.site nav").is_visible()
    assert not wide.locator("details.menu > summary").is_visible()
    assert _header_height(wide) <= 0.15 * 768
    wide.screenshot(path=str(ARTIFACTS / "header-admin-1024x768.png"))


def test_enrol_button_is_on_the_first_screen(live_server, open_page, make_user, courses):
    make_user(email="lan@example.vn")
    page = open_page(360, 740)
    _log_in(page, live_server, "lan@example.vn")
    for spec in courses:
        page.goto(f"{live_server}/courses/{spec.slug}")
        box = page.get_by_role("button", name="Đăng ký học khóa này").bounding_box()
        print(f"enrol button {spec.slug} 360x740: bottom at {box['y'] + box['height']:.0f} px")
        page.screenshot(path=str(ARTIFACTS / f"course-{spec.slug}-360x740.png"))
        assert box["y"] + box["height"] <= 740, spec.slug


def test_wide_lesson_table_scrolls_visibly(live_server, open_page, make_user):
    make_user(email="lan@example.vn")
    page = open_page(320, 568)
    _log_in(page, live_server, "lan@example.vn")
    slug = "thuong-hieu-cau-chuyen-san-pham"
    page.goto(f"{live_server}/courses/{slug}")
    page.get_by_role("button", name="Đăng ký học khóa này").click()
    page.wait_for_url("**/lessons/**")
    page.goto(f"{live_server}/courses/{slug}/lessons/thiet-ke-bao-bi")
    # The packaging table has four columns: too wide for 320 px, so its region (the focusable
    # .table-scroll box around it) scrolls on its own...
    table = page.locator(".lesson-body table").nth(1)
    assert table.evaluate("t => t.rows[0].cells.length") == 4
    box = page.locator(".lesson-body .table-scroll").nth(1)
    assert box.evaluate("b => b.contains(document.querySelectorAll('.lesson-body table')[1])")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    # ...and says so: a hint above it and an edge shadow (a background that stays put).
    hint = page.locator(".lesson-body .table-hint").first
    assert "Vuốt bảng sang ngang" in hint.inner_text()
    assert box.evaluate("b => b.previousElementSibling.className") == "table-hint"
    assert "local" in box.evaluate("b => getComputedStyle(b).backgroundAttachment")
    hint.evaluate("h => h.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(ARTIFACTS / "lesson-table-320x568.png"))
    # Scrolled to its end, the last column is entirely visible.
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    edge = box.bounding_box()
    last = table.locator("th").last.bounding_box()
    assert last["x"] + last["width"] <= edge["x"] + edge["width"] + 1
    page.screenshot(path=str(ARTIFACTS / "lesson-table-scrolled-320x568.png"))


def test_quiz_countdown_stays_in_sight_while_scrolling(app, live_server, open_page, make_user):
    from elearn.content.sync import sync_from_dir

    with app.app_context():
        committed(sync_from_dir, QUIZ_FIXTURES)
        final = db.session.scalar(select(Quiz.id).where(Quiz.key == "cuoi-khoa"))
    user = make_user(email="lan@example.vn")
    api = app.test_client()
    token = api.post("/api/v1/auth/token", json={"login": user.email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json['token']}"}
    assert api.post("/api/v1/courses/khoa-kiem-tra/enrollment", headers=headers).status_code == 201
    outline = api.get("/api/v1/courses/khoa-kiem-tra", headers=headers).json
    for section in outline["sections"]:
        for lesson in section["lessons"]:
            api.post(f"/api/v1/lessons/{lesson['id']}/completion", headers=headers)
    started = api.post(f"/api/v1/quizzes/{final}/attempts", headers=headers).json
    assert started["deadline"] is not None

    page = open_page(360, 740)
    _log_in(page, live_server, user.email)
    page.goto(f"{live_server}/attempts/{started['attempt_id']}")
    page.wait_for_selector(".deadline:has-text('Thời gian còn lại')")
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate("() => window.scrollY") > 740  # the page really did scroll
    box = page.locator(".deadline").bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 740
    page.screenshot(path=str(ARTIFACTS / "quiz-countdown-scrolled-360x740.png"))
