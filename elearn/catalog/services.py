"""The public listing of published courses."""

from __future__ import annotations

from sqlalchemy import Select, and_, func, select

from elearn.content.models import Course, CourseRevision, RevisionLesson
from elearn.core.text import fold, like_pattern
from elearn.extensions import db


def _published() -> Select:
    return (
        select(CourseRevision, Course.slug)
        .join(Course, Course.id == CourseRevision.course_id)
        .where(CourseRevision.state == "published", Course.archived.is_(False))
    )


def catalogue_query(topic: str | None = None, search: str | None = None) -> Select:
    """(revision, slug, lesson count) of published courses; search ignores case and diacritics."""
    lessons = (
        select(func.count(RevisionLesson.id))
        .where(RevisionLesson.revision_id == CourseRevision.id)
        .correlate(CourseRevision)
        .scalar_subquery()
    )
    stmt = _published().add_columns(lessons.label("lesson_count"))
    if topic:
        stmt = stmt.where(CourseRevision.topic == topic)
    if search:
        words = fold(search).split()[:8]
        stmt = stmt.where(
            and_(*(CourseRevision.search_text.like(like_pattern(w), escape="\\") for w in words))
        )
    return stmt.order_by(CourseRevision.title)


def topics_in_use() -> list[str]:
    stmt = (
        _published()
        .with_only_columns(CourseRevision.topic)
        .distinct()
        .order_by(CourseRevision.topic)
    )
    return list(db.session.scalars(stmt))
