"""Certificates of course completion."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from elearn.core.text import fold
from elearn.core.time import UTCDateTime, utcnow
from elearn.extensions import db


class Certificate(db.Model):
    """One certificate per course completion, or per training class whose completion rule
    the learner met (course_id None, class_id set), verifiable by its random code."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        UniqueConstraint("user_id", "class_id"),
        CheckConstraint("(course_id IS NULL) <> (class_id IS NULL)", name="course_or_class"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    #: Indexed by the unique constraint on (user_id, course_id).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), default=None
    )
    class_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_classes.id", ondelete="CASCADE"), default=None
    )
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Name and title as they were when issued, so the paper and the page agree.
    learner_name: Mapped[str] = mapped_column(String(120))
    #: The course's title, or the class's name for a class certificate.
    course_title: Mapped[str] = mapped_column(String(200))
    #: learner_name folded by elearn.core.text.fold (lower case, no diacritics), for the
    #: admin search: "nguyen thi hoa" finds "Nguyễn Thị Hoa" with a plain LIKE on any
    #: database. Set with the name (Core inserts set both: see services.issue_certificate).
    learner_name_folded: Mapped[str] = mapped_column(String(120))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_reason: Mapped[str | None] = mapped_column(String(300), default=None)

    @validates("learner_name")
    def _fold_name(self, _key: str, name: str) -> str:
        self.learner_name_folded = fold(name)
        return name
