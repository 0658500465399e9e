"""The lesson editor's script in a real browser: autosave and the live preview reach the
lesson's own address. The course is made through the studio services (as the studio tests'
fixtures do); everything after that goes through the page."""

from __future__ import annotations

from playwright.sync_api import expect

from elearn.studio import lessons
from tests.browser.conftest import log_in, requires_chromium
from tests.studio.conftest import course_row, new_studio_course

pytestmark = requires_chromium


def test_autosave_and_preview_post_to_the_lessons_address(app, live_server, open_page, make_user):
    # The form's buttons are named "action", so the form's `action` property is those
    # buttons, not its address: the script once posted to ".../lessons/[object RadioNodeList]".
    trainer = make_user("trainer", email="gv@example.vn", full_name="Giảng Viên")
    slug = new_studio_course(app, trainer, lessons=1)
    page = open_page(1280, 800)
    log_in(page, live_server, trainer.email)
    editor = f"{live_server}/studio/courses/{slug}/lessons/bai-1"
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(editor)
    before = int(page.input_value("#lesson-editor input[name=version]"))
    page.fill("#markdown", "## Đóng gói\n\nHút chân không trước khi dán tem.\n")
    expect(page.locator("#live-preview-body h2")).to_have_text("Đóng gói")
    expect(page.locator("#autosave-status")).to_have_text("Đã lưu", timeout=15000)
    assert posts and set(posts) == {editor}
    with app.app_context():
        saved = lessons.lesson_text(course_row(slug), "bai-1")
    assert saved.markdown == "## Đóng gói\n\nHút chân không trước khi dán tem.\n"
    assert saved.version == before + 1
