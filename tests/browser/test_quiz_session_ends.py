"""A real browser: the session ends mid-quiz (logged out in another tab); the answers typed
since are kept on the phone, and after logging in again they are put back and saved."""

from __future__ import annotations

from sqlalchemy import select

from elearn.extensions import db
from elearn.quiz import attempts as services
from elearn.quiz.models import QuizAttempt
from tests.browser.conftest import ARTIFACTS, answer_question, requires_chromium
from tests.test_quiz import right_answers

PASSWORD = "trồng chè shan tuyết ở Mộc Châu"
pytestmark = requires_chromium
_answer = answer_question


def _log_in(page, email: str) -> None:
    page.fill("#login", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")


def test_session_ends_mid_quiz_and_nothing_typed_is_lost(app, live_server, page, make_user):
    ARTIFACTS.mkdir(exist_ok=True)
    make_user(email="mai@example.vn", password=PASSWORD, full_name="Lò Thị Mai")
    page.goto(f"{live_server}/login")
    _log_in(page, "mai@example.vn")
    page.wait_for_url(f"{live_server}/dashboard")
    course = f"{live_server}/courses/quan-ly-san-xuat-chat-luong"
    page.goto(course)
    page.click("text=Đăng ký học khóa này")
    page.wait_for_url("**/lessons/**")
    page.goto(f"{course}/quizzes/kiem-tra-phan-1")
    page.click("text=Bắt đầu làm bài")
    page.wait_for_url("**/attempts/*")
    attempt_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    answers = list(right_answers(app, attempt_id).items())
    first, rest = answers[0], answers[1:]
    _answer(page, *first)
    page.wait_for_selector("text=Đã lưu tất cả câu trả lời")

    # Logged out in another tab: the session ends server-side.
    other = page.context.new_page()
    other.goto(f"{live_server}/dashboard")
    if other.locator("details.menu > summary").is_visible():  # a phone: open the menu first
        other.click("details.menu > summary")
    other.click("text=Đăng xuất")
    other.wait_for_load_state()
    other.close()

    # The learner keeps typing: autosave gets a 401 and says so, the answers stay here.
    for qid, value in rest:
        _answer(page, qid, value)
    status = page.locator(".autosave-status")
    status.locator("text=Bạn đã bị đăng xuất").wait_for()
    assert "câu trả lời vẫn được giữ trên điện thoại này" in status.inner_text()
    page.screenshot(path=str(ARTIFACTS / "quiz-logged-out.png"), full_page=True)
    # Submitting now does not leave the page (that would lose the answers).
    page.click("text=Nộp bài để chấm điểm")
    status.locator("text=Bạn đã bị đăng xuất").wait_for()
    assert page.url.endswith(f"/attempts/{attempt_id}")
    with app.app_context():
        assert len(services.saved_responses(attempt_id)) == 1

    # Log in again: back on the same attempt, the kept answers put back and saved.
    status.locator("text=Đăng nhập lại").click()
    page.wait_for_url("**/login**")
    _log_in(page, "mai@example.vn")
    page.wait_for_url(f"**/attempts/{attempt_id}")
    page.wait_for_selector("text=đã được khôi phục và lưu lại")
    page.screenshot(path=str(ARTIFACTS / "quiz-answers-restored.png"), full_page=True)
    with app.app_context():
        assert len(services.saved_responses(attempt_id)) == len(answers)
    page.click("text=Nộp bài để chấm điểm")
    page.wait_for_url("**/review")
    assert "Điểm của bạn: 100" in page.inner_text("main")
    with app.app_context():
        state = db.session.scalar(select(QuizAttempt.state).where(QuizAttempt.id == attempt_id))
        assert state == "submitted"
