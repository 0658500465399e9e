"""Courses as loaded from the course modules: course, section, lesson."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.core.time import UTCDateTime, utcnow
from elearn.extensions import db


class Course(db.Model):
    """A course; its content comes from a module under courses/ via `flask courses sync`."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: Folder (Python package) name of the course module.
    module: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(32), index=True)
    audience: Mapped[str] = mapped_column(String(300), default="")
    estimated_hours: Mapped[float] = mapped_column(Float, default=0)
    version: Mapped[str] = mapped_column(String(32), default="")
    language: Mapped[str] = mapped_column(String(5), default="vi")
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    #: True when the module folder has gone; progress is kept.
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Title, summary and lesson titles, lower-case, without diacritics.
    search_text: Mapped[str] = mapped_column(Text, default="")
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sections: Mapped[list[Section]] = relationship(
        back_populates="course", order_by="Section.position", lazy="raise"
    )
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course", order_by="Lesson.position", lazy="raise"
    )


class Section(db.Model):
    """An ordered group of lessons within a course."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("course_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))

    course: Mapped[Course] = relationship(back_populates="sections", lazy="raise")
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="section", order_by="Lesson.position", lazy="raise"
    )


class Lesson(db.Model):
    """A lesson; its slug is its identity across syncs, so progress survives edits."""

    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("sections.id", ondelete="SET NULL"), index=True, default=None
    )
    slug: Mapped[str] = mapped_column(String(120))
    #: Order within the course (across sections).
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer, default=5)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    video_url: Mapped[str | None] = mapped_column(String(300), default=None)
    video_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    #: Sanitised HTML, rendered once at sync time.
    body_html: Mapped[str] = mapped_column(Text, default="")
    #: True when the lesson file was removed; completions are kept.
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    course: Mapped[Course] = relationship(back_populates="lessons", lazy="raise")
    section: Mapped[Section | None] = relationship(back_populates="lessons", lazy="raise")
