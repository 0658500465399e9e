"""The read side of content: a published revision's structure, cached per process.

A published revision never changes (edits make a new revision), so its structure —
sections, lessons, quizzes and their settings — is loaded once per process and kept,
keyed by revision id and content hash. Which revision is published for a course is one
indexed lookup per request, so every process, on every machine, sees a publish at once:
nothing needs invalidating across processes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, select

from elearn.content.models import (
    Course,
    CourseRevision,
    Lesson,
    LessonVersion,
    Quiz,
    RevisionLesson,
    RevisionQuiz,
    Section,
)
from elearn.content.schemas import QUIZ_SETTINGS
from elearn.core.db import read
from elearn.extensions import db

CACHE_SIZE = 256


@dataclass(frozen=True)
class LessonEntry:
    """A lesson as a revision places it; `id` is the stable lesson key."""

    id: int
    slug: str
    title: str
    minutes: int
    required: bool
    #: 1, 2, … across the course.
    position: int
    #: The section's position (1, 2, …).
    section: int
    version_id: int
    video_url: str | None
    video_minutes: int | None


@dataclass(frozen=True)
class QuizEntry:
    """A quiz with the settings of one revision; `id` is the stable quiz key."""

    id: int
    key: str
    title: str
    required: bool
    position: int
    section: int
    pass_mark: int
    max_attempts: int
    time_limit_minutes: int
    shuffle_questions: bool
    shuffle_options: bool
    grading: str
    review: str
    items: tuple[Any, ...]
    #: Opens only once the required lessons and quizzes before it are done.
    open_after_earlier: bool = False


@dataclass(frozen=True)
class SectionEntry:
    position: int
    title: str
    lessons: tuple[LessonEntry, ...]
    quizzes: tuple[QuizEntry, ...]


@dataclass(frozen=True)
class CourseStructure:
    """Everything about a revision that pages need, except lesson bodies."""

    course_id: int
    slug: str
    revision_id: int
    revision_number: int
    state: str
    title: str
    summary: str
    topic: str
    audience: str
    estimated_hours: float
    language: str
    tools: tuple[str, ...]
    published_at: datetime | None
    sections: tuple[SectionEntry, ...]
    lessons: tuple[LessonEntry, ...] = ()
    quizzes: tuple[QuizEntry, ...] = ()
    lesson_by_slug: dict[str, LessonEntry] = field(default_factory=dict, compare=False)
    lesson_by_id: dict[int, LessonEntry] = field(default_factory=dict, compare=False)
    quiz_by_key: dict[str, QuizEntry] = field(default_factory=dict, compare=False)
    quiz_by_id: dict[int, QuizEntry] = field(default_factory=dict, compare=False)
    #: Presentation fragments derived from this revision only (e.g. the rendered course
    #: outline per language): they live and die with the cached structure.
    fragments: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def required_lessons(self) -> tuple[LessonEntry, ...]:
        return tuple(lesson for lesson in self.lessons if lesson.required)

    @property
    def required_quizzes(self) -> tuple[QuizEntry, ...]:
        return tuple(quiz for quiz in self.quizzes if quiz.required)

    @property
    def total_minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


class _Cache:
    """A small thread-safe LRU of structures keyed by (revision id, content hash)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_structures = _Cache(CACHE_SIZE)
_bodies = _Cache(4 * CACHE_SIZE)


def clear_caches() -> None:
    """Forget cached structures (tests reuse ids after emptying tables)."""
    _structures.clear()
    _bodies.clear()


# Built once: this runs on every page that shows a course.
_PUBLISHED_BY_SLUG = (
    select(CourseRevision.id, CourseRevision.content_hash)
    .join(Course, Course.id == CourseRevision.course_id)
    .where(
        Course.slug == bindparam("slug"),
        Course.archived.is_(False),
        CourseRevision.state == "published",
    )
)


def published(slug: str) -> CourseStructure | None:
    """The published structure of a visible course, or None."""
    row = read(_PUBLISHED_BY_SLUG, {"slug": slug}).first()
    if row is None:
        return None
    return _structure(row[0], row[1])


_PUBLISHED_FOR_COURSES = (
    select(CourseRevision.course_id, CourseRevision.id, CourseRevision.content_hash)
    .join(Course, Course.id == CourseRevision.course_id)
    .where(
        CourseRevision.course_id.in_(bindparam("course_ids", expanding=True)),
        Course.archived.is_(False),
        CourseRevision.state == "published",
    )
)


def published_for_courses(course_ids: Iterable[int]) -> dict[int, CourseStructure]:
    """course id -> published structure, for the visible ones among `course_ids`."""
    ids = list(course_ids)
    if not ids:
        return {}
    rows = read(_PUBLISHED_FOR_COURSES, {"course_ids": ids}).all()
    return {course_id: _structure(rid, digest) for course_id, rid, digest in rows}


#: The columns that name a course's visible published revision, for callers that join them
#: into their own query (saving a round trip) and then call `published_from(...)`.
PUBLISHED_REVISION_COLUMNS = (
    CourseRevision.id.label("revision_id"),
    CourseRevision.content_hash.label("revision_hash"),
)


def published_revision_join(statement: Select, course_id: Any) -> Select:
    """`statement` joined to the visible published revision of the course `course_id`."""
    return statement.join(Course, and_(Course.id == course_id, Course.archived.is_(False))).join(
        CourseRevision,
        and_(CourseRevision.course_id == Course.id, CourseRevision.state == "published"),
    )


def published_from(revision_id: int, digest: str) -> CourseStructure:
    """The structure of a published revision found by `published_revision_join`."""
    return _structure(revision_id, digest)


def for_revision(revision_id: int) -> CourseStructure | None:
    """Any revision's structure (drafts are not cached: they change)."""
    row = db.session.execute(
        select(CourseRevision.state, CourseRevision.content_hash).where(
            CourseRevision.id == revision_id
        )
    ).first()
    if row is None:
        return None
    if row.state == "draft":
        return _load(revision_id)
    return _structure(revision_id, row.content_hash)


def _structure(revision_id: int, digest: str) -> CourseStructure:
    key = (revision_id, digest)
    cached = _structures.get(key)
    if cached is None:
        cached = _load(revision_id)
        _structures.put(key, cached)
    return cached


def _load(revision_id: int) -> CourseStructure:
    revision, slug = db.session.execute(
        select(CourseRevision, Course.slug)
        .join(Course, Course.id == CourseRevision.course_id)
        .where(CourseRevision.id == revision_id)
    ).one()
    sections = list(
        db.session.execute(
            select(Section.id, Section.position, Section.title)
            .where(Section.revision_id == revision_id)
            .order_by(Section.position)
        )
    )
    position_of = {s.id: s.position for s in sections}
    lessons = tuple(
        LessonEntry(
            id=row.lesson_id,
            slug=row.slug,
            title=row.title,
            minutes=row.minutes,
            required=row.required,
            position=row.position,
            section=position_of[row.section_id],
            version_id=row.version_id,
            video_url=row.video_url,
            video_minutes=row.video_minutes,
        )
        for row in db.session.execute(
            select(
                RevisionLesson.lesson_id,
                RevisionLesson.position,
                RevisionLesson.section_id,
                RevisionLesson.version_id,
                Lesson.slug,
                LessonVersion.title,
                LessonVersion.minutes,
                LessonVersion.required,
                LessonVersion.video_url,
                LessonVersion.video_minutes,
            )
            .join(Lesson, Lesson.id == RevisionLesson.lesson_id)
            .join(LessonVersion, LessonVersion.id == RevisionLesson.version_id)
            .where(RevisionLesson.revision_id == revision_id)
            .order_by(RevisionLesson.position)
        )
    )
    quizzes = tuple(
        QuizEntry(
            id=quiz_id,
            key=key,
            position=rq.position,
            section=position_of[rq.section_id],
            items=tuple(dict(i) for i in rq.items),
            **{name: getattr(rq, name) for name in QUIZ_SETTINGS},
        )
        for quiz_id, key, rq in db.session.execute(
            select(Quiz.id, Quiz.key, RevisionQuiz)
            .join(Quiz, Quiz.id == RevisionQuiz.quiz_id)
            .where(RevisionQuiz.revision_id == revision_id)
            .order_by(RevisionQuiz.position)
        )
    )
    return CourseStructure(
        course_id=revision.course_id,
        slug=slug,
        revision_id=revision.id,
        revision_number=revision.number,
        state=revision.state,
        title=revision.title,
        summary=revision.summary,
        topic=revision.topic,
        audience=revision.audience,
        estimated_hours=revision.estimated_hours,
        language=revision.language,
        tools=tuple(revision.tools or ()),
        published_at=revision.published_at,
        sections=tuple(
            SectionEntry(
                position=s.position,
                title=s.title,
                lessons=tuple(entry for entry in lessons if entry.section == s.position),
                quizzes=tuple(entry for entry in quizzes if entry.section == s.position),
            )
            for s in sections
        ),
        lessons=lessons,
        quizzes=quizzes,
        lesson_by_slug={entry.slug: entry for entry in lessons},
        lesson_by_id={entry.id: entry for entry in lessons},
        quiz_by_key={entry.key: entry for entry in quizzes},
        quiz_by_id={entry.id: entry for entry in quizzes},
    )


_BODY = select(LessonVersion.body_html).where(LessonVersion.id == bindparam("version_id"))


def lesson_html(version_id: int) -> str:
    """A lesson version's sanitised HTML (versions never change, so it is cached)."""
    key = (version_id,)
    body = _bodies.get(key)
    if body is None:
        body = read(_BODY, {"version_id": version_id}).scalar_one()
        _bodies.put(key, body)
    return body


def published_lesson(lesson_id: int) -> tuple[CourseStructure, LessonEntry] | None:
    """A lesson of a published course by its stable id, with its course."""
    course_id = db.session.scalar(select(Lesson.course_id).where(Lesson.id == lesson_id))
    if course_id is None:
        return None
    course = published_for_courses([course_id]).get(course_id)
    if course is None or lesson_id not in course.lesson_by_id:
        return None
    return course, course.lesson_by_id[lesson_id]
