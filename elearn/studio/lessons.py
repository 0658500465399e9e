"""Lesson texts in the studio: save as a new version, never over someone else's work.

Each save that changes something makes a new `LessonVersion` (number + 1, who, when) and
points the draft at it. Optimistic locking: the editor sends the version number it loaded
(`base_version`); when the draft's version of the lesson is another one, someone saved in
between, and `LessonConflict` carries their text (and who and when) while nothing is
saved. Submitting exactly the text that is already there is not a conflict (an autosave
retried after a lost answer), and saves nothing. The check runs after `ensure_draft` has
locked the course row, so two saves of one lesson cannot both pass it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from elearn.auth.models import User
from elearn.content.models import Course, CourseRevision, Lesson, LessonVersion, RevisionLesson
from elearn.content.package import LessonData, asset_reference, render_lesson
from elearn.content.render import links
from elearn.content.revisions import lesson_version
from elearn.core.errors import Conflict, NotFound, ValidationFailed
from elearn.extensions import db
from elearn.studio.assets import links_for
from elearn.studio.checks import clean_markdown, clean_minutes, clean_title
from elearn.studio.drafts import ensure_draft, working_revision
from elearn.studio.sources import compose_source, split_source


@dataclass(frozen=True)
class LessonText:
    """A lesson as the editor shows it: one version's title, minutes and Markdown."""

    slug: str
    title: str
    minutes: int
    markdown: str
    #: The version number (what the editor sends back as `base_version`).
    version: int
    version_id: int
    required: bool
    video_url: str | None
    saved_at: datetime
    #: Who saved the version (None: it came from a package).
    saved_by: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "markdown": self.markdown,
            "minutes": self.minutes,
            "version": self.version,
            "by": self.saved_by,
            "at": self.saved_at.isoformat(),
        }


class LessonConflict(Conflict):
    """Someone saved the lesson after the editor loaded it; `theirs` is what they saved."""

    code = "edit_conflict"

    def __init__(self, theirs: LessonText) -> None:
        super().__init__(
            _("Someone else saved this lesson after you opened it. Nothing of yours was "
              "lost or saved: compare both texts, merge them, then save again.")
        )  # fmt: skip
        self.theirs = theirs


def _text(slug: str, version: LessonVersion, by: str | None) -> LessonText:
    return LessonText(
        slug=slug,
        title=version.title,
        minutes=version.minutes,
        markdown=split_source(version.source),
        version=version.number,
        version_id=version.id,
        required=version.required,
        video_url=version.video_url,
        saved_at=version.created_at,
        saved_by=by,
    )


def _in_revision(revision_id: int, slug: str) -> tuple[RevisionLesson, LessonVersion, str | None]:
    row = db.session.execute(
        select(RevisionLesson, LessonVersion, User.full_name)
        .join(Lesson, Lesson.id == RevisionLesson.lesson_id)
        .join(LessonVersion, LessonVersion.id == RevisionLesson.version_id)
        .outerjoin(User, User.id == LessonVersion.created_by_id)
        .where(RevisionLesson.revision_id == revision_id, Lesson.slug == slug)
    ).first()
    if row is None:
        raise NotFound(_("No such lesson in this course."))
    return row[0], row[1], row[2]


def lesson_text(course: Course, lesson_slug: str) -> LessonText:
    """The lesson as the studio shows it: the draft's version, else the published one."""
    revision = working_revision(course)
    if revision is None:
        raise NotFound(_("No such lesson in this course."))
    _row, version, by = _in_revision(revision.id, lesson_slug)
    return _text(lesson_slug, version, by)


def _unchanged(version: LessonVersion, title: str, minutes: int, markdown: str) -> bool:
    return (
        version.title == title
        and version.minutes == minutes
        and split_source(version.source) == markdown
    )


def save_lesson(
    course: Course,
    lesson_slug: str,
    title: str,
    markdown: str,
    minutes: int,
    base_version: int,
    user: User,
) -> LessonVersion:
    """Save the lesson to the draft: a new version when something changed, else the
    current one. Raises LessonConflict (saving nothing) when `base_version` is stale."""
    title = clean_title(title)
    markdown = clean_markdown(markdown)
    minutes = clean_minutes(minutes)
    if isinstance(base_version, bool) or not isinstance(base_version, int) or base_version < 0:
        raise ValidationFailed(_("This page is out of date. Please reload it."))
    current = working_revision(course)
    if current is not None:
        _row, version, _by = _in_revision(current.id, lesson_slug)
        if _unchanged(version, title, minutes, markdown):
            return version  # nothing to save: no draft made, no version, no conflict
    draft = ensure_draft(course, user)
    row, version, by = _in_revision(draft.id, lesson_slug)
    if _unchanged(version, title, minutes, markdown):
        return version
    if version.number != base_version:
        raise LessonConflict(_text(lesson_slug, version, by))
    source = compose_source(
        title, minutes, markdown, version.required, version.video_url, version.video_minutes
    )
    used, pictures = links_for(draft.id, _referenced(markdown))
    data = LessonData(
        slug=lesson_slug,
        title=title,
        minutes=minutes,
        required=version.required,
        video_url=version.video_url,
        video_minutes=version.video_minutes,
        source=source,
        assets=tuple(sorted(used)),
    )
    new = lesson_version(row.lesson_id, data, used, pictures, created_by_id=user.id, reuse=False)
    row.version_id = new.id
    db.session.flush()
    return new


@dataclass(frozen=True)
class HistoryEntry:
    """One saved version of a lesson."""

    number: int
    title: str
    minutes: int
    saved_at: datetime
    saved_by: str | None
    #: The version the draft (or, without a draft, the published revision) shows.
    current: bool
    #: The version learners see now.
    published: bool


def lesson_history(course: Course, lesson_slug: str) -> list[HistoryEntry]:
    """Every version of the lesson, newest first, with who saved it and when."""
    lesson_id = db.session.scalar(
        select(Lesson.id).where(Lesson.course_id == course.id, Lesson.slug == lesson_slug)
    )
    if lesson_id is None:
        raise NotFound(_("No such lesson in this course."))
    shown = dict(
        db.session.execute(
            select(CourseRevision.state, RevisionLesson.version_id)
            .join(RevisionLesson, RevisionLesson.revision_id == CourseRevision.id)
            .where(
                CourseRevision.course_id == course.id,
                CourseRevision.state.in_(("draft", "published")),
                RevisionLesson.lesson_id == lesson_id,
            )
        ).all()
    )
    current = shown.get("draft", shown.get("published"))
    return [
        HistoryEntry(
            number=version.number,
            title=version.title,
            minutes=version.minutes,
            saved_at=version.created_at,
            saved_by=name,
            current=version.id == current,
            published=version.id == shown.get("published"),
        )
        for version, name in db.session.execute(
            select(LessonVersion, User.full_name)
            .outerjoin(User, User.id == LessonVersion.created_by_id)
            .where(LessonVersion.lesson_id == lesson_id)
            .order_by(LessonVersion.number.desc())
        )
    ]


def version_text(course: Course, lesson_slug: str, number: int) -> LessonText:
    """One saved version of the lesson (for the history's view and restore)."""
    row = db.session.execute(
        select(LessonVersion, User.full_name)
        .join(Lesson, Lesson.id == LessonVersion.lesson_id)
        .outerjoin(User, User.id == LessonVersion.created_by_id)
        .where(
            Lesson.course_id == course.id,
            Lesson.slug == lesson_slug,
            LessonVersion.number == number,
        )
    ).first()
    if row is None:
        raise NotFound(_("No such version of this lesson."))
    return _text(lesson_slug, row[0], row[1])


def restore_lesson_version(
    course: Course, lesson_slug: str, number: int, base_version: int, user: User
) -> LessonVersion:
    """Make an old version's text the newest version (by save_lesson's rules: a stale
    `base_version` is a conflict)."""
    old = version_text(course, lesson_slug, number)
    return save_lesson(
        course, lesson_slug, old.title, old.markdown, old.minutes, base_version, user
    )


def preview_html(course: Course, title: str, markdown: str) -> str:
    """The Markdown as learners would get it: the same renderer and sanitiser, the
    course's images resolved."""
    revision = working_revision(course)
    urls, pictures = links_for(revision.id, _referenced(markdown)) if revision else ({}, {})
    source = compose_source(title or "-", 1, markdown)
    return render_lesson(LessonData("", title, 1, True, None, None, source), urls, pictures)


def _referenced(markdown: str) -> set[str]:
    """The asset names the Markdown links (assets/<name>)."""
    names = (asset_reference(url) for _line, url in links(markdown))
    return {name for name in names if name is not None}
