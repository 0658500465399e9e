"""A learner's enrolments and lesson completions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core.time import UTCDateTime, utcnow
from elearn.extensions import db


class Enrollment(db.Model):
    """A learner's place in a course, with the progress figures reports count.

    The figures are kept up to date in the same transaction as the change that moves
    them (a lesson completed, a quiz graded, a new revision published). completed_at is
    set once, when the completion rule is met, and never undone. The learner's province,
    commune and group are those at the time of enrolment: reports count a learner where
    they were when they studied.
    """

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: Required lessons of the published revision done / in all.
    lessons_done: Mapped[int] = mapped_column(Integer, default=0)
    lessons_total: Mapped[int] = mapped_column(Integer, default=0)
    #: Required quizzes passed / in all.
    quizzes_passed: Mapped[int] = mapped_column(Integer, default=0)
    quizzes_total: Mapped[int] = mapped_column(Integer, default=0)
    percent: Mapped[int] = mapped_column(Integer, default=0)
    #: When the figures last moved (a lesson done, a quiz graded).
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: Snapshot of the learner at enrolment, for reports by region and group.
    province_code: Mapped[str | None] = mapped_column(
        ForeignKey("regions.code"), index=True, default=None
    )
    commune_code: Mapped[str | None] = mapped_column(
        ForeignKey("regions.code"), index=True, default=None
    )
    learner_group: Mapped[str | None] = mapped_column(String(32), default=None)
    #: The training class the learner took this course in (the latest one that holds it),
    #: None when they enrolled on their own.
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_classes.id", ondelete="SET NULL"), index=True, default=None
    )


class LessonCompletion(db.Model):
    """One row per (learner, lesson key), however often "mark as complete" is pressed."""

    __tablename__ = "lesson_completions"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
