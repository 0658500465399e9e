"""Drafts: every studio edit goes to the course's draft revision, published as a whole.

`ensure_draft` is called first by every edit: it records who changed the course and when
(that UPDATE also locks the course row on PostgreSQL, so two edits of one course never
interleave; SQLite serialises writers anyway), and on the first edit after a publish it
clones the published revision: the same sections, the same lesson and question *versions*,
the same quiz settings and assets, copied with a handful of INSERT … SELECT statements,
nothing re-parsed. `publish_draft` checks the draft with the very validator of
`flask courses validate` (the draft written as package files and read back) and, when
clean, publishes it (`revisions.publish`): progress points at stable lesson keys and
attempts at the question versions they drew, so both survive. `reset_to_package` brings
a module's course back to the package on disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, insert, literal, select
from sqlalchemy.orm import aliased

from elearn import audit
from elearn.auth.models import User
from elearn.content.models import (
    Course,
    CourseRevision,
    RevisionAsset,
    RevisionLesson,
    RevisionQuestion,
    RevisionQuiz,
    Section,
)
from elearn.content.package import (
    PackageError,
    content_hash,
    files_from_folder,
    read_files,
    write_files,
)
from elearn.content.revisions import (
    create_revision,
    draft_revision,
    package_of,
    publish,
    published_revision,
)
from elearn.content.schemas import QUIZ_SETTINGS
from elearn.content.sync import known_tools as tools_in
from elearn.content.sync import package_sources
from elearn.core.errors import Conflict, NotFound, ValidationFailed
from elearn.core.text import fold
from elearn.core.time import utcnow
from elearn.extensions import db


def course_by_slug(slug: str) -> Course:
    """The course at this address, or NotFound."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise NotFound(_("No such course."))
    return course


def working_revision(course: Course) -> CourseRevision | None:
    """What the studio shows: the draft, else the published revision, else the latest one."""
    return db.session.scalar(
        select(CourseRevision)
        .where(CourseRevision.course_id == course.id)
        .order_by(
            (CourseRevision.state == "draft").desc(),
            (CourseRevision.state == "published").desc(),
            CourseRevision.number.desc(),
        )
        .limit(1)
    )


def touch(course: Course, user: User) -> None:
    """Record the change (who, when) now: the UPDATE also locks the course row until the
    unit of work ends, so concurrent edits of one course queue instead of interleaving."""
    user_id = user.id  # read first: loading it must not flush half of the change
    course.updated_at = utcnow()
    course.updated_by_id = user_id
    db.session.flush()


def ensure_draft(course: Course, user: User) -> CourseRevision:
    """The course's draft, made from the published revision on the first edit after a
    publish. The first browser edit of a module's course makes it a studio course, so
    `flask courses sync` leaves it alone from then on."""
    if course.origin == "package":
        course.origin = "studio"
    touch(course, user)
    draft = draft_revision(course.id)
    if draft is not None:
        return draft
    source = published_revision(course.id) or working_revision(course)
    if source is None:
        raise NotFound(_("This course has no content to edit."))
    return _clone(course, source, user)


def _clone(course: Course, source: CourseRevision, user: User) -> CourseRevision:
    number = (
        db.session.scalar(
            select(func.max(CourseRevision.number)).where(CourseRevision.course_id == course.id)
        )
        or 0
    ) + 1
    draft = CourseRevision(
        course_id=course.id,
        number=number,
        state="draft",
        title=source.title,
        summary=source.summary,
        topic=source.topic,
        audience=source.audience,
        estimated_hours=source.estimated_hours,
        version_label=source.version_label,
        language=source.language,
        tools=list(source.tools or []),
        search_text=source.search_text,
        content_hash=source.content_hash,
        created_by_id=user.id,
    )
    db.session.add(draft)
    db.session.flush()
    here = literal(draft.id)
    db.session.execute(
        insert(Section).from_select(
            ["revision_id", "position", "title"],
            select(here, Section.position, Section.title).where(Section.revision_id == source.id),
        )
    )
    # A copied row's section is the draft's section at the same position.
    old, new = aliased(Section), aliased(Section)
    same_place = and_(new.revision_id == draft.id, new.position == old.position)
    lessons = (
        select(
            here,
            RevisionLesson.lesson_id,
            RevisionLesson.version_id,
            new.id,
            RevisionLesson.position,
        )
        .select_from(RevisionLesson)
        .join(old, old.id == RevisionLesson.section_id)
        .join(new, same_place)
        .where(RevisionLesson.revision_id == source.id)
    )
    db.session.execute(
        insert(RevisionLesson).from_select(
            ["revision_id", "lesson_id", "version_id", "section_id", "position"], lessons
        )
    )
    quiz_columns = ["quiz_id", "position", "items", *QUIZ_SETTINGS]
    quizzes = (
        select(here, new.id, *(getattr(RevisionQuiz, name) for name in quiz_columns))
        .select_from(RevisionQuiz)
        .join(old, old.id == RevisionQuiz.section_id)
        .join(new, same_place)
        .where(RevisionQuiz.revision_id == source.id)
    )
    db.session.execute(
        insert(RevisionQuiz).from_select(["revision_id", "section_id", *quiz_columns], quizzes)
    )
    db.session.execute(
        insert(RevisionQuestion).from_select(
            ["revision_id", "question_id", "version_id", "bank", "position"],
            select(
                here,
                RevisionQuestion.question_id,
                RevisionQuestion.version_id,
                RevisionQuestion.bank,
                RevisionQuestion.position,
            ).where(RevisionQuestion.revision_id == source.id),
        )
    )
    db.session.execute(
        insert(RevisionAsset).from_select(
            ["revision_id", "path", "sha256"],
            select(here, RevisionAsset.path, RevisionAsset.sha256).where(
                RevisionAsset.revision_id == source.id
            ),
        )
    )
    return draft


def discard_draft(course: Course, user: User) -> None:
    """Throw the draft away; learners keep seeing the published revision. Versions saved
    in the draft stay in each lesson's history."""
    touch(course, user)
    draft = draft_revision(course.id)
    if draft is None:
        raise Conflict(_("There is no draft to discard."))
    others = db.session.scalar(
        select(func.count())
        .select_from(CourseRevision)
        .where(CourseRevision.course_id == course.id, CourseRevision.id != draft.id)
    )
    if not others:
        raise Conflict(
            _("This course has never been published: its draft is all there is, so it cannot "
              "be discarded.")
        )  # fmt: skip
    db.session.execute(delete(CourseRevision).where(CourseRevision.id == draft.id))
    db.session.expire_all()


# --------------------------------------------------------------------------- publishing


@dataclass(frozen=True)
class DraftProblem:
    """One thing the validator found in the draft, and where to fix it.

    `place` is "settings", "section" (key: its position), "lesson" (key: slug), "quiz"
    (key: quiz key), "question" (key: the bank, `line` in it) or "" (nowhere to link).
    """

    path: str
    line: int
    message: str
    place: str
    key: str


def validator_tools() -> set[str]:
    """The tool ids a course may show: those of the modules `courses validate` knows."""
    return tools_in(Path(current_app.config["ELEARN_COURSES_DIR"]))


def draft_problems(
    draft: CourseRevision, known_tools: set[str] | None = None
) -> list[DraftProblem]:
    """Everything `flask courses validate` would say about the draft written as a package."""
    files = write_files(package_of(draft))
    try:
        read_files(files, "", validator_tools() if known_tools is None else known_tools)
    except PackageError as exc:
        manifest = files.get("course.toml", b"").decode("utf-8", "replace")
        return [
            _locate(p.path, p.line, p.message, manifest)
            for p in sorted(exc.problems, key=lambda p: (p.path, p.line))
        ]
    return []


_QUOTED = re.compile(r"(lesson|quiz) '([^']+)'")


def _locate(path: str, line: int, message: str, manifest: str) -> DraftProblem:
    if path.startswith("lessons/") and path.endswith(".md"):
        return DraftProblem(path, line, message, "lesson", path[len("lessons/") : -len(".md")])
    if path.startswith("questions/") and path.endswith(".gift"):
        return DraftProblem(path, line, message, "question", path[len("questions/") : -5])
    if path == "course.toml":
        if message.startswith("section "):
            headers = [
                n
                for n, text in enumerate(manifest.splitlines(), start=1)
                if text.strip() == "[[sections]]"
            ]
            index = sum(1 for n in headers if n <= line)
            return DraftProblem(path, line, message, "section", str(max(index, 1)))
        quoted = _QUOTED.search(message)
        if quoted:
            return DraftProblem(path, line, message, quoted.group(1), quoted.group(2))
        return DraftProblem(path, line, message, "settings", "")
    return DraftProblem(path, line, message, "", "")


class DraftHasProblems(ValidationFailed):
    """The draft cannot be published as it is; `problems` says what to fix where."""

    code = "draft_has_problems"
    status = 422

    def __init__(self, problems: list[DraftProblem]) -> None:
        super().__init__(
            _(
                "The draft cannot be published yet: %(count)d problem(s) to fix.",
                count=len(problems),
            )
        )
        self.problems = problems


def publish_draft(
    course: Course, user: User, known_tools: set[str] | None = None
) -> CourseRevision:
    """Check the whole draft and make it the published revision, in the caller's unit."""
    touch(course, user)
    draft = draft_revision(course.id)
    if draft is None:
        raise Conflict(_("There are no unpublished changes to publish."))
    problems = draft_problems(draft, known_tools)
    if problems:
        raise DraftHasProblems(problems)
    package = package_of(draft)
    titles = " ".join(package.lessons[slug].title for slug in package.lesson_order)
    draft.content_hash = content_hash(package)
    draft.search_text = fold(f"{draft.title} {draft.summary} {draft.audience} {titles}")
    db.session.flush()
    publish(draft, by_id=user.id)
    return draft


# --------------------------------------------------------------------------- the package


def reset_to_package(
    course: Course, user: User, courses_dir: Path | None = None
) -> tuple[CourseRevision, bool]:
    """Make the module's package on disk the published revision again (a new revision
    unless it already is), drop the draft, and give the course back to `courses sync`.

    Returns the published revision and whether a new one was made. Audited.
    """
    if course.module is None:
        raise Conflict(_("This course does not come from a course module."))
    directory = courses_dir or Path(current_app.config["ELEARN_COURSES_DIR"])
    sources, _problems = package_sources(directory)
    source = next((s for s in sources if s.module == course.module), None)
    if source is None:
        raise NotFound(_("The course module “%(module)s” is not installed.", module=course.module))
    try:
        package = read_files(files_from_folder(source.path), source.label, tools_in(directory))
    except PackageError as exc:
        raise ValidationFailed(
            _("The package on disk has problems; run “flask courses validate”: %(first)s",
              first=str(exc.problems[0]))
        ) from None  # fmt: skip
    if package.slug != course.slug:
        raise Conflict(
            _("The module now ships the course “%(slug)s”, not this one.", slug=package.slug)
        )
    touch(course, user)
    draft = draft_revision(course.id)
    if draft is not None:
        db.session.execute(delete(CourseRevision).where(CourseRevision.id == draft.id))
    course.origin = "package"
    db.session.flush()
    current = published_revision(course.id)
    created = current is None or current.content_hash != content_hash(package)
    if created:
        current = create_revision(course, package, state="published", created_by_id=user.id)
    audit.record(
        "studio.reset_to_package",
        user.id,
        f"course {course.slug}",
        f"revision={current.number} new={created} discarded_draft={draft is not None}",
    )
    return current, created


# --------------------------------------------------------------------------- states


def state_of(has_draft: bool, has_published: bool) -> str:
    """ "draft" (never published), "published", "changed" (published, with unpublished
    changes) or "unpublished" (taken out of the catalogue, no draft)."""
    if has_draft:
        return "changed" if has_published else "draft"
    return "published" if has_published else "unpublished"


def revision_summary(course: Course) -> dict[str, Any]:
    """The course's draft and published revisions, for the editor's header."""
    draft = draft_revision(course.id)
    published = published_revision(course.id)
    return {
        "draft": draft,
        "published": published,
        "state": state_of(draft is not None, published is not None),
    }
