"""The studio end to end in a real browser (Debian's chromium via Playwright), on a touch
phone and on a desktop screen: a trainer writes a course with a picture and a quiz imported
from GIFT (two errors first, fixed from the preview), tries it as a learner, publishes; a
learner completes it; a co-author's stale save meets the conflict view and merges by hand.
Everything goes through the pages; the database is only read, to prove what was (not)
saved. Screenshots of each step go to tests/artifacts/studio-journey-<size>-*.png."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from elearn.content.models import Course, Question
from elearn.extensions import db
from elearn.quiz.models import QuizAttempt
from tests.browser.conftest import ARTIFACTS, log_in, requires_chromium

pytestmark = requires_chromium

SIZES = {
    "phone": {"width": 390, "height": 844, "mobile": True},
    "desktop": {"width": 1280, "height": 800, "mobile": False},
}
SLUG = "che-shan-tuyet"
TITLE = "Chè Shan tuyết: từ nương chè đến sản phẩm OCOP"
LESSON = "thu-hai-che"
QUIZ = "kiem-tra-cuoi"
CATEGORY = "che-co-ban"
LESSON_TEXT = (
    "## Thu hái đúng lúc\n\n"
    "Hái **một tôm hai lá** vào buổi sáng, khi sương đã tan.\n\n"
    "- Dùng giỏ tre thoáng khí\n- Không nén chặt búp chè\n"
)
#: Two errors: no right answer (line 5) and an answer list never closed (line 7).
GIFT_TWO_ERRORS = f"""$CATEGORY: {CATEGORY}

::sao:: Sản phẩm OCOP được xếp hạng cao nhất mấy sao? {{=5 sao ~3 sao ~4 sao}}

::chu-the:: Ai có thể là chủ thể OCOP? {{~Chỉ doanh nghiệp lớn ~Chỉ cơ quan nhà nước}}

::hai-che:: Nên hái chè Shan tuyết vào lúc nào? {{=Buổi sáng khi sương đã tan ~Giữa trưa

::bao-bi:: Bao bì sản phẩm OCOP phải ghi hạn sử dụng. {{T}}
"""
FIXES = {
    "{~Chỉ doanh nghiệp lớn ~Chỉ cơ quan nhà nước}": (
        "{=Hợp tác xã, doanh nghiệp và hộ sản xuất ~Chỉ doanh nghiệp lớn ~Chỉ cơ quan nhà nước}"
    ),
    "~Giữa trưa\n": "~Giữa trưa}\n",
}
#: The right answer's label to each question, by a piece of the question's text.
RIGHT = {
    "mấy sao": "5 sao",
    "chủ thể OCOP": "Hợp tác xã, doanh nghiệp và hộ sản xuất",
    "hái chè": "Buổi sáng khi sương đã tan",
    "hạn sử dụng": "Đúng",
}
OWNER_EDIT = "Giá bán lẻ gợi ý: 120.000 đồng một hộp 100 g."
COAUTHOR_EDIT = "Bảo quản nơi khô ráo, tránh ánh nắng trực tiếp."


def _png() -> bytes:
    """A small picture of a tea hill, made here (nothing is downloaded)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), (200, 230, 250))
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 200), (160, 60), (320, 200)], fill=(60, 140, 70))
    for row in range(5):
        draw.line([(20, 190 - row * 25), (300, 190 - row * 25)], fill=(30, 100, 40), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class Shots:
    """Numbered full-page screenshots of one run: studio-journey-<size>-<nn>-<step>.png."""

    def __init__(self, size: str) -> None:
        self.size, self.count = size, 0
        ARTIFACTS.mkdir(exist_ok=True)
        for old in ARTIFACTS.glob(f"studio-journey-{size}-*.png"):
            old.unlink()

    def __call__(self, page, step: str) -> None:
        self.count += 1
        name = f"studio-journey-{self.size}-{self.count:02d}-{step}.png"
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def _wait_saved(page, after: int) -> int:
    """Wait for the autosave of a change made on `after`: a newer version and "Đã lưu"."""
    page.wait_for_function(
        """after => document.querySelector("#lesson-editor input[name=version]").value > after
                 && document.getElementById("autosave-status").textContent === "Đã lưu" """,
        arg=after,
        timeout=20000,
    )
    return _version(page)


def _version(page) -> int:
    return int(page.input_value("#lesson-editor input[name=version]"))


def _append(page, line: str) -> None:
    """Type a paragraph at the end of the lesson's Markdown (an input event, as typing)."""
    text = page.input_value("#markdown")
    page.fill("#markdown", text.rstrip("\n") + "\n\n" + line + "\n")


def _answer_right(page) -> None:
    """Choose the right answer of every question shown, by its label."""
    questions = page.locator("fieldset.question")
    assert questions.count() == len(RIGHT)
    for i in range(questions.count()):
        box = questions.nth(i)
        text = box.locator(".question-text").inner_text()
        (label,) = [answer for piece, answer in RIGHT.items() if piece in text]
        box.get_by_label(label, exact=True).check()


def _image_loaded(page, scope: str) -> None:
    """A picture in `scope` has arrived and been decoded (not a broken image)."""
    page.wait_for_function(
        """scope => { const img = document.querySelector(scope + " img");
                      return img && img.complete && img.naturalWidth > 0; }""",
        arg=scope,
    )


def _count(app, statement) -> int:
    with app.app_context():
        value = db.session.scalar(statement)
        db.session.remove()
        return value


@pytest.mark.parametrize("size", list(SIZES))
def test_a_trainer_builds_and_publishes_a_course_a_learner_completes_it(
    app, live_server, open_page, make_user, size
):
    shot = Shots(size)
    screen = SIZES[size]
    owner = make_user("trainer", email="chu@example.vn", full_name="Trần Thị Chủ")
    coauthor = make_user("trainer", email="dongtacgia@example.vn", full_name="Lê Văn Đồng")
    learner = make_user("learner", email="hocvien@example.vn", full_name="Lò Thị Mai")
    page = open_page(**screen)

    # 1. A new course.
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server}/studio")
    page.click("text=Khóa học mới")
    page.fill("#title", TITLE)
    page.fill("#slug", SLUG)
    page.select_option("#topic", "ocop-criteria")
    shot(page, "new-course")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/studio/courses/{SLUG}")
    course_url = page.url

    # 2. A lesson: Markdown autosaved, a picture uploaded into it, the live preview.
    page.click("#add-lesson > summary")
    page.fill("#lesson-title", "Thu hái chè")
    page.fill("#lesson-slug", LESSON)
    page.click("#add-lesson button[type=submit]")
    page.wait_for_url(f"**/lessons/{LESSON}")
    version = _version(page)
    page.fill("#markdown", LESSON_TEXT)
    version = _wait_saved(page, version)
    page.focus("#markdown")
    page.keyboard.press("Control+End")
    page.set_input_files(
        "#upload-file", files=[{"name": "Đồi chè.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.click("#upload-button")
    expect(page.locator("#upload-status")).to_have_text(
        "Đã tải lên và chèn vào bài tại vị trí con trỏ."
    )
    snippet = re.search(
        r"!\[Đồi chè\]\(assets/doi-che-[\w-]+\.png\)", page.input_value("#markdown")
    )
    assert snippet, page.input_value("#markdown")
    assert page.input_value("#markdown").startswith(LESSON_TEXT)
    version = _wait_saved(page, version)
    page.wait_for_selector("#live-preview-body picture img")
    _image_loaded(page, "#live-preview-body")
    assert "một tôm hai lá" in page.inner_text("#live-preview-body")
    shot(page, "lesson-editor")

    # 3. A quiz, its questions imported from GIFT: two errors listed, fixed, saved.
    page.goto(course_url)
    page.click("#add-quiz > summary")
    page.fill("#quiz-title", "Kiểm tra cuối khóa")
    page.fill("#quiz-key", QUIZ)
    page.click("#add-quiz button[type=submit]")
    page.wait_for_selector(f"#quiz-{QUIZ}")
    page.goto(f"{course_url}/questions")
    page.click("main a:has-text('Nhập câu hỏi')")
    page.fill("#text", GIFT_TWO_ERRORS)
    page.click("button[value=preview]")
    problems = page.locator("#problems li")
    expect(problems).to_have_count(2)
    assert problems.nth(0).inner_text().startswith("Dòng 5:")
    assert problems.nth(1).inner_text().startswith("Dòng 7:")
    assert page.locator("text=Lưu tất cả").count() == 0
    shot(page, "import-two-errors")
    course_id = _count(app, select(Course.id).where(Course.slug == SLUG))
    assert _count(app, select(func.count(Question.id)).where(Question.course_id == course_id)) == 0
    # The pasted text is still in the box: the trainer corrects it there.
    pasted = page.input_value("#text")
    assert pasted.replace("\r\n", "\n") == GIFT_TWO_ERRORS
    for wrong, right in FIXES.items():
        pasted = pasted.replace(wrong, right)
    page.fill("#text", pasted)
    page.click("button[value=preview]")
    expect(page.locator("#preview")).to_contain_text("Có thể lưu 4 câu hỏi")
    assert page.locator("#problems").count() == 0
    shot(page, "import-clean")
    page.click("text=Lưu tất cả")
    page.wait_for_url("**/questions")
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu: 4 câu mới")
    assert _count(app, select(func.count(Question.id)).where(Question.course_id == course_id)) == 4
    page.goto(course_url)
    page.click(f"#quiz-{QUIZ} a:has-text('Kiểm tra cuối khóa')")
    page.select_option("#category", CATEGORY)
    page.click("text=Thêm lượt rút này")
    expect(page.locator("#items ol.studio-items")).to_contain_text(
        f"Mọi câu hỏi của nhóm “{CATEGORY}” (4)"
    )
    shot(page, "quiz-items")

    # 4. Preview as a learner: the saved lesson with its picture; the quiz, graded and
    # forgotten.
    page.goto(f"{course_url}/lessons/{LESSON}")
    page.click("text=Xem trước như học viên")
    page.wait_for_url("**/preview")
    _image_loaded(page, "article.lesson .lesson-body")
    shot(page, "lesson-preview")
    page.goto(course_url)
    page.click(f"#quiz-{QUIZ} >> text=Làm thử như học viên")
    expect(page.locator("#preview-banner")).to_be_visible()
    _answer_right(page)
    page.click("text=Chấm bản xem trước này")
    expect(page.locator("#preview-result")).to_contain_text("100")
    shot(page, "quiz-preview")
    assert _count(app, select(func.count(QuizAttempt.id))) == 0

    # 5. Publish: the check finds the missing summary; the link leads to the settings.
    page.goto(course_url)
    page.click("text=Xuất bản…")
    problems = page.locator("#problems li")
    expect(problems).to_have_count(1)
    expect(problems).to_contain_text("Khóa học cần có phần tóm tắt.")
    shot(page, "publish-problems")
    problems.locator("a").click()
    page.wait_for_url("**#settings")
    if page.locator("#settings").get_attribute("open") is None:
        page.click("#settings > summary")
    page.fill("#summary", "Trồng, hái và chế biến chè Shan tuyết đạt chuẩn OCOP.")
    page.click("#settings button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu cài đặt vào bản nháp.")
    page.click("text=Xuất bản…")
    shot(page, "publish-check")
    page.click("text=Xuất bản ngay")
    expect(page.locator(".flash-success")).to_contain_text("Đã xuất bản")

    # 6. A learner finds it, enrols, reads, passes the quiz: the course is completed.
    student = open_page(**screen)
    log_in(student, live_server, learner.email)
    student.goto(f"{live_server}/courses")
    student.click(f"ul.courses a:has-text('{TITLE}')")
    student.click("text=Đăng ký học khóa này")
    student.wait_for_url(f"**/lessons/{LESSON}")
    _image_loaded(student, ".lesson-body")
    shot(student, "learner-lesson")
    student.click("text=Đánh dấu đã học xong")
    student.wait_for_url(f"**/quizzes/{QUIZ}")
    student.click("text=Bắt đầu làm bài")
    student.wait_for_url("**/attempts/*")
    _answer_right(student)
    student.click("text=Nộp bài để chấm điểm")
    student.wait_for_url("**/review")
    expect(student.locator("main")).to_contain_text("Điểm của bạn: 100")
    student.goto(f"{live_server}/courses/{SLUG}")
    expect(student.locator(".progress-card")).to_contain_text("Hoàn thành ngày")
    shot(student, "learner-completed")

    # 7. Two editors on one lesson: the stale save is refused and merged by hand.
    page.goto(f"{course_url}/staff")
    page.fill("#login", coauthor.email)
    page.click("main form button:has-text('Thêm')")
    expect(page.locator(".flash-success")).to_contain_text("Lê Văn Đồng")
    other = open_page(**screen)
    log_in(other, live_server, coauthor.email)
    editor_url = f"{course_url}/lessons/{LESSON}"
    page.goto(editor_url)
    other.goto(editor_url)
    start = _version(page)
    assert _version(other) == start
    _append(page, OWNER_EDIT)
    _wait_saved(page, start)
    _append(other, COAUTHOR_EDIT)
    panel = other.locator("#conflict-panel")
    expect(panel).to_be_visible(timeout=20000)
    theirs = other.input_value("#conflict-theirs")
    mine = other.input_value("#markdown")
    assert OWNER_EDIT in theirs and COAUTHOR_EDIT not in theirs
    assert COAUTHOR_EDIT in mine and OWNER_EDIT not in mine
    expect(other.locator("#autosave-status")).to_contain_text("Chưa lưu")
    # Who saved, and when in Vietnam's time (as the pages show it), not a UTC timestamp.
    who = other.inner_text("#conflict-who")
    assert who.startswith("Trần Thị Chủ · Thu hái chè · ") and "+00:00" not in who
    assert re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4} \d\d:\d\d:\d\d", who.rsplit(" · ", 1)[1])
    shot(other, "conflict")
    # The co-author takes the owner's text and adds theirs to it, then saves.
    other.fill("#markdown", theirs.rstrip("\n") + "\n\n" + COAUTHOR_EDIT + "\n")
    other.click("#conflict-keep-mine")
    expect(panel).to_be_hidden()
    expect(other.locator("#autosave-status")).to_have_text("Đã lưu", timeout=20000)
    page.reload()
    final = page.input_value("#markdown")
    assert OWNER_EDIT in final and COAUTHOR_EDIT in final and snippet.group(0) in final
    page.goto(f"{editor_url}/history")
    history = page.inner_text("main")
    assert "Trần Thị Chủ" in history and "Lê Văn Đồng" in history
    shot(page, "history")
