"""Quiz attempts and their saved answers (quizzes and questions are content: elearn.content)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core.time import UTCDateTime, utcnow
from elearn.extensions import db


class QuizAttempt(db.Model):
    """One attempt: its drawn question versions and option order are fixed when it starts."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # A second concurrent start gets an IntegrityError instead of a duplicate attempt.
        UniqueConstraint("user_id", "quiz_id", "number"),
        CheckConstraint("state IN ('open', 'submitted')", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The quiz's stable key: attempts count across revisions.
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    #: The revision whose settings the attempt was started under (its time limit).
    revision_id: Mapped[int] = mapped_column(ForeignKey("course_revisions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default="open")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Server-side deadline (start + time limit); None without a limit.
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: [{"qid": question version id, "order": [option ids] | null, "tokens": {id: token}}]
    #: in the order shown.
    layout: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    #: Percentage 0-100, set once when graded. Whether it passes is decided by
    #: elearn.quiz.standing against the quiz's current pass mark.
    score: Mapped[float | None] = mapped_column(Float, default=None)
    #: Bumped on every save, so a stale page cannot overwrite newer answers.
    version: Mapped[int] = mapped_column(Integer, default=0)
    #: {"<qid>": {"fraction", "correct", "feedback"}} set when graded.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class AttemptAnswer(db.Model):
    """The latest saved response to one question (version) of an attempt."""

    __tablename__ = "attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("question_versions.id", ondelete="CASCADE")
    )
    response: Mapped[Any] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
