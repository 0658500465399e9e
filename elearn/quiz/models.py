"""Question bank, quizzes, attempts and their saved answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.catalog.models import Course, Section
from elearn.core.time import UTCDateTime, utcnow
from elearn.extensions import db


class Question(db.Model):
    """A question of a course's bank, parsed from GIFT at sync time."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("course_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: The GIFT ::name::, the question's identity across syncs.
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(120), index=True)
    qtype: Mapped[str] = mapped_column(String(16))
    #: Order within the bank files, for fixed quizzes.
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: The parsed question (answers included): never sent to the browser as is.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class Quiz(db.Model):
    """A quiz of a course, with its settings from course.toml."""

    __tablename__ = "quizzes"
    __table_args__ = (
        UniqueConstraint("course_id", "key"),
        CheckConstraint("pass_mark BETWEEN 0 AND 100", name="pass_mark"),
        CheckConstraint("grading IN ('highest', 'last')", name="grading"),
        CheckConstraint("review IN ('score', 'correctness', 'full')", name="review"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("sections.id", ondelete="SET NULL"), index=True, default=None
    )
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    pass_mark: Mapped[int] = mapped_column(Integer, default=70)
    #: 0 means unlimited.
    max_attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: 0 means no time limit.
    time_limit_minutes: Mapped[int] = mapped_column(Integer, default=0)
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=False)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Which attempt counts: the highest score or the last one.
    grading: Mapped[str] = mapped_column(String(8), default="highest")
    #: What the learner sees after submitting: score | correctness | full.
    review: Mapped[str] = mapped_column(String(12), default="full")
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    #: [{"question": name} | {"category": c} | {"category": c, "draw": n}]
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    course: Mapped[Course] = relationship(lazy="raise")
    section: Mapped[Section | None] = relationship(lazy="raise")


class QuizAttempt(db.Model):
    """One attempt: its drawn questions and option order are fixed when it starts."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # A second concurrent start gets an IntegrityError instead of a duplicate attempt.
        UniqueConstraint("user_id", "quiz_id", "number"),
        CheckConstraint("state IN ('open', 'submitted')", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default="open")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Server-side deadline (start + time limit); None without a limit.
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: [{"qid": question id, "order": [option ids] | null}] in the order shown.
    layout: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    #: Percentage 0-100, set once when graded.
    score: Mapped[float | None] = mapped_column(Float, default=None)
    passed: Mapped[bool | None] = mapped_column(Boolean, default=None)
    #: Bumped on every save, so a stale page cannot overwrite newer answers.
    version: Mapped[int] = mapped_column(Integer, default=0)
    #: {"<qid>": {"fraction", "correct", "feedback"}} set when graded.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    quiz: Mapped[Quiz] = relationship(lazy="raise")


class AttemptAnswer(db.Model):
    """The latest saved response to one question of an attempt."""

    __tablename__ = "attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    response: Mapped[Any] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
