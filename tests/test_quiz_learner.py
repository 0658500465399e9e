"""Issue 7, "never lose a learner's answers": the session ending mid-quiz, quizzes that open
after what comes before them, confirming a submission with unanswered questions, numbers
written the Vietnamese way."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.extensions import db
from elearn.quiz import attempts as services
from elearn.quiz.models import QuizAttempt
from tests.test_quiz import form_data, right_answers

QUALITY = "quan-ly-san-xuat-chat-luong"


def _start(client, slug: str, key: str, **data) -> int:
    started = client.post(f"/courses/{slug}/quizzes/{key}/start", data=data)
    assert started.status_code == 302, started.get_data(as_text=True)
    return int(started.headers["Location"].rsplit("/", 1)[1])


def _question_named(app, attempt_id: int, name: str) -> int:
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        return next(q.id for q in services.attempt_questions(attempt) if q.parsed.name == name)


# --------------------------------------------------------------------------- item 13


def test_a_year_typed_the_vietnamese_way_is_right_and_shown_so(app, courses, learner_client):
    client = learner_client
    client.post(f"/courses/{QUALITY}/enroll")
    attempt_id = _start(client, QUALITY, "kiem-tra-phan-1")
    answers = right_answers(app, attempt_id)
    year = _question_named(app, attempt_id, "p1-nam-globalgap")
    answers[str(year)] = "1.997"
    submitted = client.post(f"/attempts/{attempt_id}/submit", data=form_data(answers))
    assert submitted.status_code == 303
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.result[str(year)]["correct"] is True
        assert attempt.score == 100
    review = client.get(f"/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "<strong>Câu trả lời của bạn:</strong> 1.997</p>" in review
    assert "<strong>Đáp án đúng:</strong> 1.997</p>" in review


@pytest.mark.parametrize("typed", ["1,000.5", "19.97.0"])
def test_a_number_that_fits_no_rule_is_refused_not_marked_wrong(
    app, courses, learner_client, typed
):
    client = learner_client
    client.post(f"/courses/{QUALITY}/enroll")
    attempt_id = _start(client, QUALITY, "kiem-tra-phan-1")
    year = _question_named(app, attempt_id, "p1-nam-globalgap")
    refused = client.post(
        f"/attempts/{attempt_id}/save",
        data=form_data({str(year): typed}),
        headers={"X-Requested-With": "fetch"},
    )
    assert refused.status_code == 400
    assert "phải là một số" in refused.json["error"]["message"]
    with app.app_context():
        assert (
            db.session.scalar(select(QuizAttempt.state).where(QuizAttempt.id == attempt_id))
            == "open"
        )
