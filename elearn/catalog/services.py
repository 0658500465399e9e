"""Queries over published courses: catalogue, outline, lessons."""

from __future__ import annotations

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import defer, selectinload

from elearn.catalog.models import Course, Lesson, Section
from elearn.core.text import fold, like_pattern
from elearn.extensions import db


def visible_courses() -> Select[tuple[Course]]:
    return select(Course).where(Course.published.is_(True), Course.archived.is_(False))


def lesson_count_subquery():
    return (
        select(func.count(Lesson.id))
        .where(Lesson.course_id == Course.id, Lesson.archived.is_(False))
        .correlate(Course)
        .scalar_subquery()
    )


def catalogue_query(topic: str | None = None, search: str | None = None) -> Select:
    """Published courses with their lesson count; search ignores case and diacritics."""
    stmt = visible_courses().add_columns(lesson_count_subquery().label("lesson_count"))
    if topic:
        stmt = stmt.where(Course.topic == topic)
    if search:
        words = fold(search).split()[:8]
        stmt = stmt.where(
            and_(*(Course.search_text.like(like_pattern(w), escape="\\") for w in words))
        )
    return stmt.order_by(Course.title)


def topics_in_use() -> list[str]:
    stmt = visible_courses().with_only_columns(Course.topic).distinct().order_by(Course.topic)
    return list(db.session.scalars(stmt))


def course_outline(slug: str) -> Course | None:
    """A visible course with its sections and their (non-archived) lessons loaded."""
    stmt = (
        visible_courses()
        .where(Course.slug == slug)
        .options(selectinload(Course.sections).selectinload(Section.lessons))
    )
    return db.session.scalar(stmt)


def course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(visible_courses().where(Course.slug == slug))


def lesson_by_id(lesson_id: int) -> Lesson | None:
    stmt = (
        select(Lesson)
        .join(Course)
        .where(
            Lesson.id == lesson_id,
            Lesson.archived.is_(False),
            Course.published.is_(True),
            Course.archived.is_(False),
        )
        .options(selectinload(Lesson.course))
    )
    return db.session.scalar(stmt)


def lesson_by_slug(course_id: int, slug: str) -> Lesson | None:
    stmt = select(Lesson).where(
        Lesson.course_id == course_id, Lesson.slug == slug, Lesson.archived.is_(False)
    )
    return db.session.scalar(stmt)


def course_lessons(course_id: int) -> list[Lesson]:
    """The course's current lessons in order (bodies not needed for navigation)."""
    stmt = (
        select(Lesson)
        .where(Lesson.course_id == course_id, Lesson.archived.is_(False))
        .order_by(Lesson.position)
        .options(defer(Lesson.body_html))
    )
    return list(db.session.scalars(stmt))


def course_by_id(course_id: int) -> Course | None:
    return db.session.get(Course, course_id)
