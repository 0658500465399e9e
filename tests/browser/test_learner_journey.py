"""A real browser (Debian's chromium via Playwright): register by phone, enrol, learn, see progress."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from elearn.catalog.models import Course, Lesson
from elearn.extensions import db

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium on this machine: install Debian's package (apt-get install -y chromium)",
)


@pytest.fixture
def live_server(app, courses):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    args = [
        "--headless=new",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
        context.set_default_timeout(15000)
        yield context.new_page()
        context.close()
        browser.close()


def test_new_learner_registers_by_phone_and_completes_two_lessons(app, live_server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server}/register")
    page.fill("#full_name", "Hà Thị Lan")
    page.fill("#login", "0987 654 321")
    page.fill("#password", "trồng chè shan tuyết ở Mộc Châu")
    page.select_option("#learner_group", "household")
    page.select_option("#province_code", "14")
    # The commune list arrives by fetch for this province only.
    page.wait_for_selector("#commune_code option[value='03847']", state="attached")
    page.select_option("#commune_code", "03847")
    page.click("main form button[type=submit]:not([name=action])")
    page.wait_for_url(f"{live_server}/courses")

    page.goto(f"{live_server}/courses/thuong-mai-dien-tu")
    page.click("text=Đăng ký học khóa này")
    page.wait_for_url("**/lessons/**")
    for _ in range(2):
        current = page.url
        page.click("text=Đánh dấu đã học xong")
        page.wait_for_url(lambda url, current=current: url != current)

    page.goto(f"{live_server}/dashboard")
    with app.app_context():
        total = db.session.scalar(
            select(func.count())
            .select_from(Lesson)
            .join(Course)
            .where(Course.slug == "thuong-mai-dien-tu", Lesson.archived.is_(False))
        )
    assert page.locator(".count").first.inner_text() == f"2/{total}"
    page.screenshot(path=str(ARTIFACTS / "dashboard-2-lessons.png"), full_page=True)
