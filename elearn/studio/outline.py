"""A draft's outline: sections, and the lessons and quizzes in them, added, removed, moved.

Every function takes the draft (from `drafts.ensure_draft`) and flushes. A section is
named by its position (1, 2, …), a lesson by its slug, a quiz by its key; a position
within a section is 1-based. Each move is one small call (`move_lesson(draft, slug,
section_index, position)`), so the up/down buttons and a drag-and-drop both use it.

Positions are unique per revision in the database, and PostgreSQL checks a unique
constraint row by row, so renumbering goes through negative positions first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from elearn.auth.models import User
from elearn.content.models import (
    CourseRevision,
    Lesson,
    Quiz,
    RevisionLesson,
    RevisionQuiz,
    Section,
)
from elearn.content.package import LessonData
from elearn.content.revisions import lesson_version
from elearn.core.errors import Conflict, NotFound, ValidationFailed
from elearn.extensions import db
from elearn.studio.checks import LESSON_SLUG_MAX, QUIZ_KEY_MAX, clean_slug, clean_title
from elearn.studio.sources import compose_source

DIRECTIONS = ("up", "down")


@dataclass
class _Section:
    id: int
    title: str
    #: RevisionLesson / RevisionQuiz row ids, in order.
    lessons: list[int] = field(default_factory=list)
    quizzes: list[int] = field(default_factory=list)


@dataclass
class _Outline:
    sections: list[_Section]
    #: slug -> RevisionLesson id, key -> RevisionQuiz id
    lesson_rows: dict[str, int]
    quiz_rows: dict[str, int]
    #: Positions as stored: row id -> (section id, position)
    lesson_places: dict[int, tuple[int, int]]
    quiz_places: dict[int, tuple[int, int]]
    section_places: dict[int, int]

    def section(self, index: int) -> _Section:
        if not 1 <= index <= len(self.sections):
            raise NotFound(_("No such section."))
        return self.sections[index - 1]

    def where_lesson(self, row: int) -> tuple[int, int]:
        """(section index, position) of a lesson row, both 1-based."""
        for index, section in enumerate(self.sections, start=1):
            if row in section.lessons:
                return index, section.lessons.index(row) + 1
        raise NotFound(_("No such lesson in this course."))

    def where_quiz(self, row: int) -> tuple[int, int]:
        for index, section in enumerate(self.sections, start=1):
            if row in section.quizzes:
                return index, section.quizzes.index(row) + 1
        raise NotFound(_("No such quiz in this course."))


def _check_draft(draft: CourseRevision) -> None:
    if draft.state != "draft":
        raise Conflict(_("Only a draft can be changed."))


def _load(draft: CourseRevision) -> _Outline:
    _check_draft(draft)
    rows = db.session.execute(
        select(Section.id, Section.title, Section.position)
        .where(Section.revision_id == draft.id)
        .order_by(Section.position)
    ).all()
    sections = [_Section(row.id, row.title) for row in rows]
    by_id = {s.id: s for s in sections}
    section_places = {row.id: row.position for row in rows}
    lesson_rows: dict[str, int] = {}
    lesson_places: dict[int, tuple[int, int]] = {}
    for row in db.session.execute(
        select(RevisionLesson.id, RevisionLesson.section_id, RevisionLesson.position, Lesson.slug)
        .join(Lesson, Lesson.id == RevisionLesson.lesson_id)
        .where(RevisionLesson.revision_id == draft.id)
        .order_by(RevisionLesson.position)
    ):
        by_id[row.section_id].lessons.append(row.id)
        lesson_rows[row.slug] = row.id
        lesson_places[row.id] = (row.section_id, row.position)
    quiz_rows: dict[str, int] = {}
    quiz_places: dict[int, tuple[int, int]] = {}
    for row in db.session.execute(
        select(RevisionQuiz.id, RevisionQuiz.section_id, RevisionQuiz.position, Quiz.key)
        .join(Quiz, Quiz.id == RevisionQuiz.quiz_id)
        .where(RevisionQuiz.revision_id == draft.id)
        .order_by(RevisionQuiz.position)
    ):
        by_id[row.section_id].quizzes.append(row.id)
        quiz_rows[row.key] = row.id
        quiz_places[row.id] = (row.section_id, row.position)
    return _Outline(sections, lesson_rows, quiz_rows, lesson_places, quiz_places, section_places)


def _renumber(model, changes: dict[int, dict]) -> None:
    """Give rows new positions (and sections) without ever holding two equal positions."""
    if not changes:
        return
    for row_id, values in changes.items():
        db.session.execute(
            update(model)
            .where(model.id == row_id)
            .values(**values | {"position": -values["position"]})
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(model)
        .where(model.id.in_(list(changes)), model.position < 0)
        .values(position=-model.position)
        .execution_options(synchronize_session=False)
    )


def _save(outline: _Outline) -> None:
    """Store the outline's order: sections 1…n, lessons and quizzes 1…m across sections."""
    section_changes = {
        s.id: {"position": index}
        for index, s in enumerate(outline.sections, start=1)
        if outline.section_places.get(s.id) != index
    }
    lesson_changes: dict[int, dict] = {}
    quiz_changes: dict[int, dict] = {}
    lesson_position = quiz_position = 0
    for section in outline.sections:
        for row in section.lessons:
            lesson_position += 1
            if outline.lesson_places.get(row) != (section.id, lesson_position):
                lesson_changes[row] = {"section_id": section.id, "position": lesson_position}
        for row in section.quizzes:
            quiz_position += 1
            if outline.quiz_places.get(row) != (section.id, quiz_position):
                quiz_changes[row] = {"section_id": section.id, "position": quiz_position}
    _renumber(Section, section_changes)
    _renumber(RevisionLesson, lesson_changes)
    _renumber(RevisionQuiz, quiz_changes)
    db.session.expire_all()


def _insert_at(items: list, item: object, position: int) -> None:
    items.insert(max(0, min(position - 1, len(items))), item)


def _step(
    outline: _Outline, index: int, position: int, direction: str, kind: str
) -> tuple[int, int]:
    """Where one step up or down leads: the neighbour's place, or across into the end of
    the section before (up) or the start of the section after (down)."""
    if direction not in DIRECTIONS:
        raise ValidationFailed(_("Move up or down."))
    count = len(getattr(outline.section(index), kind))
    if direction == "up":
        if position > 1:
            return index, position - 1
        if index > 1:
            return index - 1, len(getattr(outline.section(index - 1), kind)) + 1
        return index, position
    if position < count:
        return index, position + 1
    if index < len(outline.sections):
        return index + 1, 1
    return index, position


# --------------------------------------------------------------------------- sections


def add_section(draft: CourseRevision, title: str) -> int:
    """A new, empty section at the end; returns its position."""
    _check_draft(draft)
    title = clean_title(title)
    position = (
        db.session.scalar(select(func.max(Section.position)).where(Section.revision_id == draft.id))
        or 0
    ) + 1
    db.session.add(Section(revision_id=draft.id, position=position, title=title))
    db.session.flush()
    return position


def rename_section(draft: CourseRevision, index: int, title: str) -> None:
    outline = _load(draft)
    section = outline.section(index)
    title = clean_title(title)
    db.session.execute(
        update(Section)
        .where(Section.id == section.id)
        .values(title=title)
        .execution_options(synchronize_session=False)
    )


def delete_section(draft: CourseRevision, index: int) -> None:
    """Remove an empty section (move or delete its lessons and quizzes first)."""
    outline = _load(draft)
    section = outline.section(index)
    if section.lessons or section.quizzes:
        raise Conflict(
            _("Only an empty section can be deleted: move its lessons and quizzes first.")
        )
    if len(outline.sections) == 1:
        raise Conflict(_("A course needs at least one section."))
    db.session.execute(delete(Section).where(Section.id == section.id))
    outline.sections.remove(section)
    del outline.section_places[section.id]
    _save(outline)


def move_section(draft: CourseRevision, index: int, new_index: int) -> None:
    """Put the section at `new_index` (1-based), with its lessons and quizzes."""
    outline = _load(draft)
    section = outline.section(index)
    outline.sections.remove(section)
    _insert_at(outline.sections, section, new_index)
    _save(outline)


def move_section_step(draft: CourseRevision, index: int, direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ValidationFailed(_("Move up or down."))
    move_section(draft, index, index - 1 if direction == "up" else index + 1)


# --------------------------------------------------------------------------- lessons


def add_lesson(
    draft: CourseRevision,
    slug: str,
    title: str,
    user: User,
    section_index: int | None = None,
) -> None:
    """A new lesson at the end of a section (the last one unless named): its first version
    has the title and no text yet. A slug used before in this course keeps its key, and
    so learners' progress on it."""
    outline = _load(draft)
    slug = clean_slug(slug, "slug", LESSON_SLUG_MAX)
    title = clean_title(title)
    section = outline.section(section_index or len(outline.sections))
    if slug in outline.lesson_rows:
        message = _("This course already has a lesson at the address “%(slug)s”.", slug=slug)
        raise ValidationFailed(message, {"slug": [message]})
    lesson_id = db.session.scalar(
        select(Lesson.id).where(Lesson.course_id == draft.course_id, Lesson.slug == slug)
    )
    if lesson_id is None:
        lesson = Lesson(course_id=draft.course_id, slug=slug)
        db.session.add(lesson)
        db.session.flush()
        lesson_id = lesson.id
    source = compose_source(title, 1, "")
    data = LessonData(slug, title, 1, True, None, None, source)
    version = lesson_version(lesson_id, data, {}, created_by_id=user.id, reuse=False)
    position = (
        db.session.scalar(
            select(func.max(RevisionLesson.position)).where(RevisionLesson.revision_id == draft.id)
        )
        or 0
    ) + 1
    row = RevisionLesson(
        revision_id=draft.id,
        lesson_id=lesson_id,
        version_id=version.id,
        section_id=section.id,
        position=position,
    )
    db.session.add(row)
    db.session.flush()
    outline.lesson_places[row.id] = (section.id, position)
    section.lessons.append(row.id)
    _save(outline)


def delete_lesson(draft: CourseRevision, slug: str) -> None:
    """Take a lesson out of the draft (its versions and learners' progress are kept)."""
    outline = _load(draft)
    row = outline.lesson_rows.get(slug)
    if row is None:
        raise NotFound(_("No such lesson in this course."))
    index, _position = outline.where_lesson(row)
    db.session.execute(delete(RevisionLesson).where(RevisionLesson.id == row))
    outline.section(index).lessons.remove(row)
    _save(outline)


def move_lesson(draft: CourseRevision, lesson_key: str, section_index: int, position: int) -> None:
    """Put the lesson at `position` (1-based) among the lessons of section `section_index`."""
    outline = _load(draft)
    row = outline.lesson_rows.get(lesson_key)
    if row is None:
        raise NotFound(_("No such lesson in this course."))
    target = outline.section(section_index)
    index, _position = outline.where_lesson(row)
    outline.section(index).lessons.remove(row)
    _insert_at(target.lessons, row, position)
    _save(outline)


def move_lesson_step(draft: CourseRevision, lesson_key: str, direction: str) -> None:
    """One step up or down (into the neighbouring section at either end of a section)."""
    outline = _load(draft)
    row = outline.lesson_rows.get(lesson_key)
    if row is None:
        raise NotFound(_("No such lesson in this course."))
    index, position = outline.where_lesson(row)
    move_lesson(draft, lesson_key, *_step(outline, index, position, direction, "lessons"))


# --------------------------------------------------------------------------- quizzes


def add_quiz(draft: CourseRevision, key: str, title: str, section_index: int | None = None) -> None:
    """A new quiz at the end of a section, with the default settings and no items yet
    (publishing asks for them)."""
    outline = _load(draft)
    key = clean_slug(key, "key", QUIZ_KEY_MAX)
    title = clean_title(title)
    section = outline.section(section_index or len(outline.sections))
    if key in outline.quiz_rows:
        message = _("This course already has a quiz with the key “%(key)s”.", key=key)
        raise ValidationFailed(message, {"key": [message]})
    quiz_id = db.session.scalar(
        select(Quiz.id).where(Quiz.course_id == draft.course_id, Quiz.key == key)
    )
    if quiz_id is None:
        quiz = Quiz(course_id=draft.course_id, key=key)
        db.session.add(quiz)
        db.session.flush()
        quiz_id = quiz.id
    position = (
        db.session.scalar(
            select(func.max(RevisionQuiz.position)).where(RevisionQuiz.revision_id == draft.id)
        )
        or 0
    ) + 1
    row = RevisionQuiz(
        revision_id=draft.id,
        quiz_id=quiz_id,
        section_id=section.id,
        position=position,
        title=title,
        pass_mark=70,
        max_attempts=0,
        time_limit_minutes=0,
        shuffle_questions=False,
        shuffle_options=False,
        grading="highest",
        review="full",
        required=True,
        open_after_earlier=False,
        items=[],
    )
    db.session.add(row)
    db.session.flush()
    outline.quiz_places[row.id] = (section.id, position)
    section.quizzes.append(row.id)
    _save(outline)


def delete_quiz(draft: CourseRevision, key: str) -> None:
    """Take a quiz out of the draft (learners' attempts on it are kept)."""
    outline = _load(draft)
    row = outline.quiz_rows.get(key)
    if row is None:
        raise NotFound(_("No such quiz in this course."))
    index, _position = outline.where_quiz(row)
    db.session.execute(delete(RevisionQuiz).where(RevisionQuiz.id == row))
    outline.section(index).quizzes.remove(row)
    _save(outline)


def move_quiz(draft: CourseRevision, quiz_key: str, section_index: int, position: int) -> None:
    """Put the quiz at `position` (1-based) among the quizzes of section `section_index`."""
    outline = _load(draft)
    row = outline.quiz_rows.get(quiz_key)
    if row is None:
        raise NotFound(_("No such quiz in this course."))
    target = outline.section(section_index)
    index, _position = outline.where_quiz(row)
    outline.section(index).quizzes.remove(row)
    _insert_at(target.quizzes, row, position)
    _save(outline)


def move_quiz_step(draft: CourseRevision, quiz_key: str, direction: str) -> None:
    outline = _load(draft)
    row = outline.quiz_rows.get(quiz_key)
    if row is None:
        raise NotFound(_("No such quiz in this course."))
    index, position = outline.where_quiz(row)
    move_quiz(draft, quiz_key, *_step(outline, index, position, direction, "quizzes"))
