"""Read-only quiz queries shared by progress, the dashboard and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, select

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


def pick_counted(grading: str, submitted: list) -> Any:
    """The attempt that counts: the last one, or the highest score (earliest on a tie)."""
    if not submitted:
        return None
    if grading == "last":
        return max(submitted, key=lambda a: a.number)
    return max(submitted, key=lambda a: (a.score or 0, -a.number))


def counted_attempt(quiz: Quiz, submitted: list[QuizAttempt]) -> QuizAttempt | None:
    """The attempt that counts under the quiz's rule."""
    return pick_counted(quiz.grading, submitted)


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
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.course_id == course_id
        )
    )


@dataclass
class QuizStanding:
    """A quiz of a course with whether this learner has passed it (for progress)."""

    id: int
    title: str
    required: bool
    passed: bool


# Built once: the lesson page (the hottest page) reads this on every view.
_STANDINGS = (
    select(
        Quiz.id,
        Quiz.title,
        Quiz.required,
        Quiz.grading,
        QuizAttempt.number,
        QuizAttempt.score,
        QuizAttempt.passed,
    )
    .outerjoin(
        QuizAttempt,
        and_(
            QuizAttempt.quiz_id == Quiz.id,
            QuizAttempt.user_id == bindparam("user_id"),
            QuizAttempt.state == "submitted",
        ),
    )
    .where(Quiz.course_id == bindparam("course_id"), Quiz.archived.is_(False))
    .order_by(Quiz.position, QuizAttempt.number)
)


def quiz_standings(user_id: int, course_id: int) -> list[QuizStanding]:
    """A course's quizzes and which the learner has passed, in one query."""
    rows = db.session.execute(_STANDINGS, {"user_id": user_id, "course_id": course_id}).all()
    standings: dict[int, QuizStanding] = {}
    attempts: dict[int, list] = {}
    grading: dict[int, str] = {}
    for row in rows:
        if row.id not in standings:
            standings[row.id] = QuizStanding(row.id, row.title, row.required, False)
            attempts[row.id] = []
            grading[row.id] = row.grading
        if row.number is not None:
            attempts[row.id].append(row)
    for quiz_id, standing in standings.items():
        counted = pick_counted(grading[quiz_id], attempts[quiz_id])
        standing.passed = bool(counted is not None and counted.passed)
    return list(standings.values())
