"""A real browser (Debian's chromium via Playwright): register, learn, pass, verify."""

from __future__ import annotations

from elearn.content import structure
from tests.browser.conftest import ARTIFACTS, answer_question, log_in, requires_chromium
from tests.test_quiz import right_answers

pytestmark = requires_chromium
PASSWORD = "trồng chè shan tuyết ở Mộc Châu"


def test_new_learner_registers_by_phone_and_completes_two_lessons(app, live_server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server}/register")
    page.fill("#full_name", "Hà Thị Lan")
    page.fill("#login", "0987 654 321")
    page.fill("#password", PASSWORD)
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
        total = len(structure.published("thuong-mai-dien-tu").lessons)
    assert page.locator(".count").first.inner_text() == f"2/{total}"
    page.screenshot(path=str(ARTIFACTS / "dashboard-2-lessons.png"), full_page=True)


def _answer_in_browser(page, app, attempt_id: int) -> None:
    """Fill the attempt page with the right answers (looked up on the server side)."""
    for qid, value in right_answers(app, attempt_id).items():
        answer_question(page, qid, value)


def test_learner_passes_the_course_and_verifies_the_certificate(app, live_server, page, make_user):
    make_user(email="lan@example.vn", password=PASSWORD, full_name="Hà Thị Lan")
    log_in(page, live_server, "lan@example.vn", PASSWORD)
    course_url = f"{live_server}/courses/thuong-mai-dien-tu"
    page.goto(course_url)
    page.click("text=Đăng ký học khóa này")
    page.wait_for_url("**/lessons/**")
    with app.app_context():
        final_key = structure.published("thuong-mai-dien-tu").quizzes[-1].key
    # Follow the course as the app leads: lessons, each section's check, the final quiz.
    quizzes_taken = []
    for _step in range(40):
        if "/lessons/" in page.url:
            current = page.url
            page.click("text=Đánh dấu đã học xong")
            page.wait_for_url(lambda url, current=current: url != current)
        elif "/quizzes/" in page.url:
            key = page.url.rstrip("/").rsplit("/", 1)[1]
            page.click("main form button[type=submit]")
            if key == final_key:
                # Timed, with few attempts: the learner confirms before the clock starts.
                page.click("text=Vâng, bắt đầu ngay")
            page.wait_for_url("**/attempts/*")
            attempt_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
            _answer_in_browser(page, app, attempt_id)
            if key == final_key:
                # The autosave has stored the answers without any button being pressed.
                page.wait_for_selector("text=Đã lưu tất cả câu trả lời")
                page.screenshot(path=str(ARTIFACTS / "final-quiz-attempt.png"))
            page.click("text=Nộp bài để chấm điểm")
            page.wait_for_url("**/review")
            assert "Điểm của bạn: 100" in page.inner_text("main"), key
            quizzes_taken.append(key)
            if key == final_key:
                break
            page.goto(course_url)
        else:
            page.locator("main a.button").first.click()
            page.wait_for_load_state()
    assert len(quizzes_taken) == 4 and quizzes_taken[-1] == final_key
    page.screenshot(path=str(ARTIFACTS / "final-quiz-review.png"), full_page=True)

    page.goto(f"{live_server}/dashboard")
    with page.expect_download() as info:
        page.click("text=Tải chứng nhận (PDF)")
    download = info.value
    target = ARTIFACTS / "certificate.pdf"
    download.save_as(str(target))
    assert target.read_bytes().startswith(b"%PDF")
    code = download.suggested_filename.removeprefix("chung-nhan-").removesuffix(".pdf")
    page.goto(f"{live_server}/verify/{code}")
    assert "Chứng nhận hợp lệ" in page.inner_text("main")
    assert "Hà Thị Lan" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "verify-valid.png"), full_page=True)
