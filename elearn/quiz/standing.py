"""The one rule for where a learner stands in a quiz: which attempt counts, and passed or not.

- The attempt that counts is, by the quiz's `grading` setting, the highest-scoring
  submitted attempt (the earliest of equal scores) or the last submitted one.
- The quiz is passed when the score that counts reaches the quiz's pass mark — the
  current one, from the published revision, as Moodle's gradebook does: lowering a pass
  mark lets learners who reached it pass; raising it can un-pass the quiz, but a course
  completion, once recorded, is never taken away.

Every page, the API, the dashboard, the completion rule and the reports use these
functions; nothing else decides "passed".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import bindparam, func, select, tuple_

from elearn.content.structure import QuizEntry
from elearn.extensions import db
from elearn.quiz.models import QuizAttempt


class _Scored(Protocol):
    number: int
    score: float | None


@dataclass(frozen=True)
class QuizStanding:
    quiz_id: int
    #: Submitted attempts.
    attempts: int
    #: The score that counts (0-100), None before any submitted attempt.
    score: float | None
    passed: bool


def passes(quiz: QuizEntry, score: float | None) -> bool:
    """Whether a score reaches the quiz's pass mark."""
    return score is not None and score >= quiz.pass_mark


def counted_attempt(grading: str, submitted: Sequence[_Scored]) -> _Scored | None:
    """The submitted attempt that counts under `grading` ("highest" or "last")."""
    if not submitted:
        return None
    if grading == "last":
        return max(submitted, key=lambda a: a.number)
    return max(submitted, key=lambda a: (a.score or 0, -a.number))


def standing_from(quiz: QuizEntry, submitted: Sequence[_Scored]) -> QuizStanding:
    """The standing from a list of the learner's submitted attempts."""
    counted = counted_attempt(quiz.grading, submitted)
    score = counted.score if counted is not None else None
    return QuizStanding(quiz.id, len(submitted), score, passes(quiz, score))


# Built once: runs on the lesson page, the course page and the dashboard.
_AGGREGATE = (
    select(
        QuizAttempt.quiz_id,
        func.count(QuizAttempt.id),
        func.max(QuizAttempt.score),
        func.max(QuizAttempt.number),
    )
    .where(
        QuizAttempt.user_id == bindparam("user_id"),
        QuizAttempt.state == "submitted",
        QuizAttempt.quiz_id.in_(bindparam("quiz_ids", expanding=True)),
    )
    .group_by(QuizAttempt.quiz_id)
)


def standings(user_id: int | None, quizzes: Iterable[QuizEntry]) -> dict[int, QuizStanding]:
    """quiz id -> standing for these quizzes, in one query (two when a quiz counts the last
    attempt), whatever the number of attempts."""
    by_id = {quiz.id: quiz for quiz in quizzes}
    if user_id is None or not by_id:
        return {qid: QuizStanding(qid, 0, None, False) for qid in by_id}
    rows = db.session.execute(_AGGREGATE, {"user_id": user_id, "quiz_ids": list(by_id)}).all()
    found = {quiz_id: (count, best, last) for quiz_id, count, best, last in rows}
    need_last = [
        (qid, found[qid][2])
        for qid, quiz in by_id.items()
        if quiz.grading == "last" and qid in found
    ]
    last_scores: dict[int, float | None] = {}
    if need_last:
        last_scores = dict(
            db.session.execute(
                select(QuizAttempt.quiz_id, QuizAttempt.score).where(
                    QuizAttempt.user_id == user_id,
                    tuple_(QuizAttempt.quiz_id, QuizAttempt.number).in_(need_last),
                )
            ).all()
        )
    out: dict[int, QuizStanding] = {}
    for qid, quiz in by_id.items():
        if qid not in found:
            out[qid] = QuizStanding(qid, 0, None, False)
            continue
        count, best, _last = found[qid]
        score = last_scores.get(qid) if quiz.grading == "last" else best
        out[qid] = QuizStanding(qid, count, score, passes(quiz, score))
    return out
