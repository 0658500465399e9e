"""Read-only quiz queries shared by progress, the dashboard and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, select, tuple_

from elearn.certificates.models import Certificate
from elearn.extensions import db
from elearn.quiz.models import Quiz, QuizAttempt


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


def certificate_for(user_id: int, course_id: int) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.course_id == course_id
        )
    )


@dataclass
class QuizStanding:
    """A quiz of a course and whether this learner has passed it (for progress)."""

    id: int
    course_id: int
    section_id: int | None
    key: str
    title: str
    required: bool
    passed: bool


def quiz_standings(user_id: int | None, course_ids: Iterable[int]) -> list[QuizStanding]:
    """Quizzes of these courses and which the learner passed, whatever the attempt count.

    Aggregated in SQL: "highest" quizzes are passed when any submitted attempt passed (the
    highest-scoring one then passed too); "last" quizzes look up their last attempt in one
    more query, made only when such a quiz has attempts.
    """
    ids = list(course_ids)
    if not ids:
        return []
    any_passed = func.max(case((QuizAttempt.passed.is_(True), 1), else_=0))
    rows = db.session.execute(
        select(Quiz, any_passed.label("any_passed"), func.max(QuizAttempt.number).label("last"))
        .outerjoin(
            QuizAttempt,
            and_(
                QuizAttempt.quiz_id == Quiz.id,
                QuizAttempt.user_id == (user_id or 0),
                QuizAttempt.state == "submitted",
            ),
        )
        .where(Quiz.course_id.in_(ids), Quiz.archived.is_(False))
        .group_by(Quiz.id)
        .order_by(Quiz.course_id, Quiz.position)
    ).all()
    last_needed = [(quiz.id, last) for quiz, _any, last in rows if quiz.grading == "last" and last]
    last_passed: dict[int, bool] = {}
    if last_needed:
        last_passed = {
            quiz_id: bool(passed)
            for quiz_id, passed in db.session.execute(
                select(QuizAttempt.quiz_id, QuizAttempt.passed).where(
                    QuizAttempt.user_id == user_id,
                    tuple_(QuizAttempt.quiz_id, QuizAttempt.number).in_(last_needed),
                )
            )
        }
    return [
        QuizStanding(
            id=quiz.id,
            course_id=quiz.course_id,
            section_id=quiz.section_id,
            key=quiz.key,
            title=quiz.title,
            required=quiz.required,
            passed=last_passed.get(quiz.id, False) if quiz.grading == "last" else bool(anyp),
        )
        for quiz, anyp, _last in rows
    ]
