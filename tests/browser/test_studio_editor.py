"""The lesson editor's script in a real browser: autosave and the live preview reach the
lesson's own address. The course is made through the studio services (as the studio tests'
fixtures do); everything after that goes through the page."""

from __future__ import annotations

from playwright.sync_api import expect

from elearn.studio import lessons
from tests.browser.conftest import log_in, requires_chromium
from tests.studio.conftest import course_row, new_studio_course
from tests.studio.test_editor import small_png

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


def test_an_uploaded_picture_is_inserted_as_a_paragraph_of_its_own(
    app, live_server, open_page, make_user
):
    # On the line right after a list item or a paragraph, Markdown makes the picture part
    # of it: the picture sat inside the list's last item.
    trainer = make_user("trainer", email="gv@example.vn", full_name="Giảng Viên")
    slug = new_studio_course(app, trainer, lessons=1)
    page = open_page(1280, 800)
    log_in(page, live_server, trainer.email)
    page.goto(f"{live_server}/studio/courses/{slug}/lessons/bai-1")
    text = "Chuẩn bị hộp.\n\n- Hộp giấy\n- Tem OCOP\n"
    page.fill("#markdown", text)
    for cursor in (len(text), len("Chuẩn bị hộp.")):
        page.eval_on_selector("#markdown", "(box, at) => box.setSelectionRange(at, at)", cursor)
        page.set_input_files("#upload-file", files=[{
            "name": f"hop-{cursor}.png", "mimeType": "image/png", "buffer": small_png(),
        }])  # fmt: skip
        page.click("#upload-button")
        expect(page.locator("#upload-status")).to_have_text(
            "Đã tải lên và chèn vào bài tại vị trí con trỏ."
        )
        page.eval_on_selector("#upload-status", "status => { status.textContent = ''; }")
    markdown = page.input_value("#markdown")
    first, second = (f"![hop-{n}](assets/hop-{n}-" for n in (len(text), len("Chuẩn bị hộp.")))
    assert markdown.startswith(f"Chuẩn bị hộp.\n\n{second}")
    assert f".png)\n\n- Hộp giấy\n- Tem OCOP\n\n{first}" in markdown
    assert markdown.endswith(".png)\n")
    expect(page.locator("#live-preview-body img")).to_have_count(2)
    assert page.locator("#live-preview-body li img").count() == 0
    expect(page.locator("#autosave-status")).to_have_text("Đã lưu", timeout=15000)
