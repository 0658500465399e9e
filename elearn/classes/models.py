"""Training classes, their courses, trainers, members, sessions, attendance and news."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core.time import UTCDateTime, utcnow
from elearn.extensions import db

MODES = ("online", "in_person", "blended")
SESSION_KINDS = ("in_person", "online")
MEMBER_SOURCES = ("trainer", "code", "roster", "api")
ATTENDANCE_STATUSES = ("present", "absent", "excused")
ATTENDANCE_METHODS = ("qr", "rollcall", "paper", "api")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class TrainingClass(db.Model):
    """A class ("lớp tập huấn"): learners taking some courses together, on a timetable.

    The completion rule: every course of the class completed (when `courses_required`)
    and at least `attendance_percent` of the in-person sessions attended (when set;
    sessions a learner was excused from are left out of the count).
    """

    __tablename__ = "training_classes"
    __table_args__ = (
        CheckConstraint(_in("mode", MODES), name="mode"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("attendance_percent BETWEEN 0 AND 100", name="attendance_percent"),
        CheckConstraint("capacity > 0", name="capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(10), default="blended")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    #: Where the in-person sessions are held (reports count classes by province).
    province_code: Mapped[str | None] = mapped_column(
        ForeignKey("regions.code"), index=True, default=None
    )
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), default=None)
    address: Mapped[str] = mapped_column(String(300), default="")
    #: Most learners the class takes (None: no limit).
    capacity: Mapped[int | None] = mapped_column(Integer, default=None)
    courses_required: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Share of in-person sessions to attend (None: attendance is not part of the rule).
    attendance_percent: Mapped[int | None] = mapped_column(Integer, default=None)
    #: Short code learners type (or follow as a link) to join; None until one is made.
    join_code: Mapped[str | None] = mapped_column(String(12), unique=True, default=None)
    join_open: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ClassCourse(db.Model):
    """A course taken in a class, in the class's order."""

    __tablename__ = "class_courses"
    __table_args__ = (UniqueConstraint("class_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_classes.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ClassTrainer(db.Model):
    """A trainer (or admin) who runs the class; they see and manage it."""

    __tablename__ = "class_trainers"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_classes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ClassMember(db.Model):
    """A learner in a class; `rule_met_at` is set once, when the class rule is first met."""

    __tablename__ = "class_members"
    __table_args__ = (
        UniqueConstraint("class_id", "user_id"),
        CheckConstraint(_in("source", MEMBER_SOURCES), name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_classes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: How they joined: added by a trainer, by the class code, by a roster import, by the API.
    source: Mapped[str] = mapped_column(String(10), default="trainer")
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    rule_met_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class ClassSession(db.Model):
    """One meeting of the timetable: at a place (in person) or by a link (online)."""

    __tablename__ = "class_sessions"
    __table_args__ = (
        CheckConstraint(_in("kind", SESSION_KINDS), name="kind"),
        CheckConstraint("ends_at > starts_at", name="times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("training_classes.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: in_person sessions count toward the attendance part of the class rule.
    kind: Mapped[str] = mapped_column(String(10), default="in_person")
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    topic: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ClassSessionLesson(db.Model):
    """A lesson (its stable key) a session covers."""

    __tablename__ = "class_session_lessons"
    __table_args__ = (UniqueConstraint("session_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))


class Attendance(db.Model):
    """A learner's attendance at a session; one row per (session, learner), however often
    it is recorded (a QR scanned twice, a roll-call tap replayed)."""

    __tablename__ = "class_attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        CheckConstraint(_in("status", ATTENDANCE_STATUSES), name="status"),
        CheckConstraint(_in("method", ATTENDANCE_METHODS), name="method"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    #: When the learner was marked present (the scan, or the tap); None unless present.
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    method: Mapped[str] = mapped_column(String(10))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ClassAnnouncement(db.Model):
    """News from the class's trainer, shown on its learners' dashboards."""

    __tablename__ = "class_announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("training_classes.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
