"""Courses in the studio: making one, its settings, and the list on the studio home."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from elearn.auth.models import User
from elearn.auth.permissions import is_admin
from elearn.content.models import Course, CourseRevision, Section
from elearn.content.schemas import LANGUAGES, TOPICS
from elearn.core.errors import Conflict, ValidationFailed
from elearn.core.text import fold
from elearn.extensions import db
from elearn.studio.checks import COURSE_SLUG_MAX, clean_slug, clean_text, clean_title
from elearn.studio.drafts import state_of
from elearn.studio.models import CourseStaff

SUMMARY_MAX = 2000
AUDIENCE_MAX = 300
HOURS_MAX = 200


def _choice(value: str | None, allowed: Iterable[str], field: str) -> str:
    if value not in allowed:
        message = _("Please choose one of the options.")
        raise ValidationFailed(message, {field: [message]})
    return value


def create_course(slug: str, title: str, topic: str, language: str, user: User) -> Course:
    """A new studio course: a draft with one empty section, `user` its owner."""
    slug = clean_slug(slug, "slug", COURSE_SLUG_MAX)
    title = clean_title(title)
    topic = _choice(topic, TOPICS, "topic")
    language = _choice(language, LANGUAGES, "language")
    taken = _("A course with the address “%(slug)s” already exists.", slug=slug)
    if db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        raise ValidationFailed(taken, {"slug": [taken]})
    try:
        # A savepoint: a course made at the same moment with the same address loses here
        # (the unique constraint decides) without spoiling the rest of the unit.
        with db.session.begin_nested():
            course = Course(slug=slug, origin="studio", updated_by_id=user.id)
            db.session.add(course)
            db.session.flush()
    except IntegrityError:
        raise ValidationFailed(taken, {"slug": [taken]}) from None
    revision = CourseRevision(
        course_id=course.id,
        number=1,
        state="draft",
        title=title,
        summary="",
        topic=topic,
        audience="",
        estimated_hours=1.0,
        version_label="1.0",
        language=language,
        tools=[],
        search_text=fold(title),
        content_hash="",
        created_by_id=user.id,
    )
    db.session.add(revision)
    db.session.flush()
    db.session.add(Section(revision_id=revision.id, position=1, title=_("Section 1")))
    db.session.add(
        CourseStaff(course_id=course.id, user_id=user.id, role="owner", added_by_id=user.id)
    )
    db.session.flush()
    return course


def update_settings(
    draft: CourseRevision,
    *,
    title: str,
    summary: str,
    topic: str,
    audience: str,
    estimated_hours: float | None,
    tools: list[str],
    language: str,
    allowed_tools: Iterable[str],
) -> None:
    """The course's settings in the draft. `allowed_tools`: the installed tool ids."""
    if draft.state != "draft":
        raise Conflict(_("Only a draft can be changed."))
    problems: dict[str, list[str]] = {}
    values: dict[str, object] = {}
    checks = {
        "title": lambda: clean_title(title),
        "summary": lambda: clean_text(summary, "summary", SUMMARY_MAX),
        "topic": lambda: _choice(topic, TOPICS, "topic"),
        "audience": lambda: clean_text(audience, "audience", AUDIENCE_MAX, multiline=False),
        "language": lambda: _choice(language, LANGUAGES, "language"),
    }
    for name, check in checks.items():
        try:
            values[name] = check()
        except ValidationFailed as exc:
            problems.update(exc.fields)
    if estimated_hours is None or not 0 < estimated_hours <= HOURS_MAX:
        problems["estimated_hours"] = [
            _("A number of hours above 0, at most %(num)d.", num=HOURS_MAX)
        ]
    allowed = list(allowed_tools)
    unknown = [t for t in tools if t not in allowed]
    if unknown:
        problems["tools"] = [_("This tool is not installed: %(tool)s", tool=unknown[0])]
    if problems:
        first = next(iter(problems.values()))[0]
        raise ValidationFailed(first, problems)
    draft.title = values["title"]  # type: ignore[assignment]
    draft.summary = values["summary"]  # type: ignore[assignment]
    draft.topic = values["topic"]  # type: ignore[assignment]
    draft.audience = values["audience"]  # type: ignore[assignment]
    draft.language = values["language"]  # type: ignore[assignment]
    draft.estimated_hours = float(estimated_hours)  # type: ignore[arg-type]
    draft.tools = [t for t in allowed if t in tools]
    db.session.flush()


# --------------------------------------------------------------------------- the list


@dataclass(frozen=True)
class StudioCourse:
    """A course on the studio home: what it is called, its state, the last change."""

    slug: str
    title: str
    origin: str
    module: str | None
    #: "draft", "published", "changed" or "unpublished" (drafts.state_of)
    state: str
    #: The viewer's place on its staff ("owner", "coauthor"), None for an admin who is not.
    role: str | None
    updated_at: datetime
    updated_by: str | None


def studio_courses_query(user: User) -> Select:
    """One row per course the user may open in the studio (admins: every course), the
    last changed first. One query whatever the number of courses."""
    draft, published = aliased(CourseRevision), aliased(CourseRevision)
    editor = aliased(User)
    mine = aliased(CourseStaff)
    latest_title = (
        select(CourseRevision.title)
        .where(CourseRevision.course_id == Course.id)
        .order_by(CourseRevision.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    statement = (
        select(
            Course.slug,
            func.coalesce(draft.title, published.title, latest_title).label("title"),
            Course.origin,
            Course.module,
            draft.id.label("draft_id"),
            published.id.label("published_id"),
            mine.role,
            Course.updated_at,
            editor.full_name.label("updated_by"),
        )
        .outerjoin(draft, and_(draft.course_id == Course.id, draft.state == "draft"))
        .outerjoin(
            published, and_(published.course_id == Course.id, published.state == "published")
        )
        .outerjoin(editor, editor.id == Course.updated_by_id)
        .order_by(Course.updated_at.desc(), Course.id.desc())
    )
    staff_of_user = and_(mine.course_id == Course.id, mine.user_id == user.id)
    if is_admin(user):
        return statement.outerjoin(mine, staff_of_user)
    return statement.join(mine, staff_of_user)


def studio_courses(user: User, limit: int = 500) -> list[StudioCourse]:
    return [
        StudioCourse(
            slug=row.slug,
            title=row.title or row.slug,
            origin=row.origin,
            module=row.module,
            state=state_of(row.draft_id is not None, row.published_id is not None),
            role=row.role,
            updated_at=row.updated_at,
            updated_by=row.updated_by,
        )
        for row in db.session.execute(studio_courses_query(user).limit(limit))
    ]
