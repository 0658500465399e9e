"""Read-only quiz queries shared by progress, the dashboard and the API."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from elearn.extensions import db
from elearn.quiz.models import Certificate, Quiz, QuizAttempt


def course_quizzes(course_ids: Iterable[int]) -> list[Quiz]:
    """Current quizzes of these courses, in course order."""
    ids = list(course_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Quiz)
            .where(Quiz.course_id.in_(ids), Quiz.archived.is_(False))
            .order_by(Quiz.course_id, Quiz.position)
        )
    )


def counted_attempt(quiz: Quiz, submitted: list[QuizAttempt]) -> QuizAttempt | None:
    """The attempt that counts under the quiz's rule: highest score, or the last one."""
    if not submitted:
        return None
    if quiz.grading == "last":
        return max(submitted, key=lambda a: a.number)
    return max(submitted, key=lambda a: (a.score or 0, -a.number))


def submitted_attempts(user_id: int, quiz_ids: Iterable[int]) -> dict[int, list[QuizAttempt]]:
    ids = list(quiz_ids)
    by_quiz: dict[int, list[QuizAttempt]] = {qid: [] for qid in ids}
    if not ids:
        return by_quiz
    for attempt in db.session.scalars(
        select(QuizAttempt).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.quiz_id.in_(ids),
            QuizAttempt.state == "submitted",
        )
    ):
        by_quiz[attempt.quiz_id].append(attempt)
    return by_quiz


def passed_quiz_ids(user_id: int, quizzes: list[Quiz]) -> set[int]:
    """Quizzes whose counted attempt passed."""
    attempts = submitted_attempts(user_id, [q.id for q in quizzes])
    passed = set()
    for quiz in quizzes:
        counted = counted_attempt(quiz, attempts[quiz.id])
        if counted is not None and counted.passed:
            passed.add(quiz.id)
    return passed


def certificate_for(user_id: int, course_id: int) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(Certificate.user_id == user_id, Certificate.course_id == course_id)
    )
