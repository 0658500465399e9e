"""Load course specs into the database in one transaction, keeping learners' progress.

Lessons keep their identity by (course, slug); a lesson whose file is gone is archived,
never deleted, so completions stay. A course whose module is gone is archived too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from elearn.catalog.models import Course, Lesson, Section
from elearn.core.text import fold
from elearn.core.time import utcnow
from elearn.coursemodules.loader import CourseSpec, Problem, load_all
from elearn.extensions import db
from elearn.quiz.models import Question, Quiz
from elearn.quiz.store import to_data


class SyncFailed(Exception):
    """The course files have problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class SyncReport:
    courses: list[str] = field(default_factory=list)
    lessons_added: int = 0
    lessons_updated: int = 0
    lessons_archived: int = 0
    courses_archived: list[str] = field(default_factory=list)
    questions: int = 0
    quizzes: int = 0


def sync_from_dir(courses_dir: Path) -> SyncReport:
    specs, problems = load_all(courses_dir)
    if problems:
        raise SyncFailed(problems)
    return sync_courses(specs)


def sync_courses(specs: list[CourseSpec]) -> SyncReport:
    """Upsert every course, section and lesson in the caller's unit of work."""
    report = SyncReport()
    if True:
        existing = {c.slug: c for c in db.session.scalars(select(Course))}
        for spec in specs:
            course = existing.get(spec.slug)
            if course is None:
                course = Course(slug=spec.slug)
                db.session.add(course)
            _sync_course(course, spec, report)
            report.courses.append(spec.slug)
        wanted = {s.slug for s in specs}
        for slug, course in existing.items():
            if slug not in wanted and not course.archived:
                course.archived = True
                report.courses_archived.append(slug)
        db.session.flush()
    return report


def _sync_course(course: Course, spec: CourseSpec, report: SyncReport) -> None:
    course.module = spec.module
    course.title = spec.title
    course.summary = spec.summary
    course.topic = spec.topic
    course.audience = spec.audience
    course.estimated_hours = spec.estimated_hours
    course.version = spec.version
    course.language = spec.language
    course.published = spec.published
    course.archived = False
    course.synced_at = utcnow()
    titles = " ".join(lesson.title for lesson in spec.lessons.values())
    course.search_text = fold(f"{spec.title} {spec.summary} {spec.audience} {titles}")
    db.session.flush()

    sections = {
        s.position: s
        for s in db.session.scalars(select(Section).where(Section.course_id == course.id))
    }
    lessons = {
        lesson.slug: lesson
        for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id))
    }
    position = 0
    seen: set[str] = set()
    for index, section_spec in enumerate(spec.sections, start=1):
        section = sections.get(index)
        if section is None:
            section = Section(course_id=course.id, position=index)
            db.session.add(section)
        section.title = section_spec.title
        db.session.flush()
        for slug in section_spec.lessons:
            lesson_spec = spec.lessons[slug]
            position += 1
            seen.add(slug)
            lesson = lessons.get(slug)
            if lesson is None:
                lesson = Lesson(course_id=course.id, slug=slug)
                db.session.add(lesson)
                report.lessons_added += 1
            else:
                report.lessons_updated += 1
            lesson.section_id = section.id
            lesson.position = position
            lesson.title = lesson_spec.title
            lesson.minutes = lesson_spec.minutes
            lesson.required = lesson_spec.required
            lesson.video_url = lesson_spec.video_url
            lesson.video_minutes = lesson_spec.video_minutes
            lesson.body_html = lesson_spec.body_html
            lesson.archived = False
            lesson.updated_at = utcnow()
    for slug, lesson in lessons.items():
        if slug not in seen:
            if not lesson.archived:
                report.lessons_archived += 1
            lesson.archived = True
            lesson.section_id = None
            position += 1
            lesson.position = position
    db.session.flush()
    section_ids = {
        index: section.id
        for index, section in (
            (s.position, s)
            for s in db.session.scalars(select(Section).where(Section.course_id == course.id))
        )
    }
    _sync_questions(course, spec, report)
    _sync_quizzes(course, spec, section_ids, report)
    for index, section in sections.items():
        if index > len(spec.sections):
            db.session.delete(section)
    db.session.flush()


def _sync_questions(course: Course, spec: CourseSpec, report: SyncReport) -> None:
    """Questions keep their identity by name; removed ones are archived."""
    existing = {
        q.name: q
        for q in db.session.scalars(select(Question).where(Question.course_id == course.id))
    }
    seen = set()
    for position, parsed in enumerate(spec.questions):
        seen.add(parsed.name)
        question = existing.get(parsed.name)
        if question is None:
            question = Question(course_id=course.id, name=parsed.name)
            db.session.add(question)
        question.category = parsed.category
        question.qtype = parsed.qtype
        question.position = position
        question.data = to_data(parsed)
        question.archived = False
    for name, question in existing.items():
        if name not in seen:
            question.archived = True
    report.questions += len(spec.questions)
    db.session.flush()


def _sync_quizzes(
    course: Course, spec: CourseSpec, section_ids: dict[int, int], report: SyncReport
) -> None:
    existing = {
        q.key: q for q in db.session.scalars(select(Quiz).where(Quiz.course_id == course.id))
    }
    position = 0
    seen = set()
    for index, section_spec in enumerate(spec.sections, start=1):
        for key in section_spec.quizzes:
            quiz_spec = spec.quizzes[key]
            position += 1
            seen.add(key)
            quiz = existing.get(key)
            if quiz is None:
                quiz = Quiz(course_id=course.id, key=key)
                db.session.add(quiz)
            quiz.section_id = section_ids[index]
            quiz.position = position
            for name in (
                "title", "pass_mark", "max_attempts", "time_limit_minutes", "shuffle_questions",
                "shuffle_options", "grading", "review", "required", "items",
            ):  # fmt: skip
                setattr(quiz, name, getattr(quiz_spec, name))
            quiz.archived = False
    for key, quiz in existing.items():
        if key not in seen:
            quiz.archived = True
            quiz.section_id = None
    report.quizzes += len(seen)
    db.session.flush()
