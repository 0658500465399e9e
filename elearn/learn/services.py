"""Enrolment, lesson completion, the course completion rule and progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.orm import defer, joinedload

from elearn.catalog.models import Course, Lesson
from elearn.dbutil import insert_ignore
from elearn.errors import Forbidden
from elearn.extensions import db
from elearn.learn.models import Enrollment, LessonCompletion
from elearn.timeutil import utcnow


@dataclass
class Progress:
    """Where a learner stands in a course."""

    lessons_total: int
    lessons_done: int
    done_ids: set[int] = field(default_factory=set)
    next_lesson: Lesson | None = None
    completed_at: datetime | None = None

    @property
    def percent(self) -> int:
        if self.lessons_total == 0:
            return 0
        return int(100 * self.lessons_done / self.lessons_total)

    @property
    def lessons_left(self) -> int:
        return self.lessons_total - self.lessons_done

    def remaining_text(self) -> str:
        """What is left, in plain words ("2 lessons to go")."""
        if self.completed_at:
            return _("Course completed.")
        return ngettext("%(num)d lesson to go.", "%(num)d lessons to go.", self.lessons_left)


def completion_rule_text(required_lessons: int) -> str:
    """The completion rule of a course, stated plainly."""
    return ngettext(
        "Complete the %(num)d required lesson.",
        "Complete all %(num)d required lessons.",
        required_lessons,
    )


def build_progress(
    lessons: list[Lesson], done_ids: set[int], enrollment: Enrollment | None
) -> Progress:
    """Progress from a course's ordered (non-archived) lessons and the completed ids."""
    required = [lesson for lesson in lessons if lesson.required]
    done = {lesson.id for lesson in lessons if lesson.id in done_ids}
    next_lesson = next((lesson for lesson in lessons if lesson.id not in done), None)
    return Progress(
        lessons_total=len(required),
        lessons_done=sum(1 for lesson in required if lesson.id in done),
        done_ids=done,
        next_lesson=next_lesson or (lessons[-1] if lessons else None),
        completed_at=enrollment.completed_at if enrollment else None,
    )


def get_enrollment(user_id: int, course_id: int) -> Enrollment | None:
    return db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id == course_id)
    )


def enroll(user_id: int, course: Course) -> tuple[Enrollment, bool]:
    """Enrol (idempotent); returns the enrolment and whether it was created now."""
    created = insert_ignore(
        Enrollment, {"user_id": user_id, "course_id": course.id}, ["user_id", "course_id"]
    )
    db.session.commit()
    enrollment = get_enrollment(user_id, course.id)
    assert enrollment is not None
    return enrollment, created


def completed_lesson_ids(user_id: int, course_id: int) -> set[int]:
    stmt = (
        select(LessonCompletion.lesson_id)
        .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
        .where(LessonCompletion.user_id == user_id, Lesson.course_id == course_id)
    )
    return set(db.session.scalars(stmt))


def complete_lesson(user_id: int, lesson: Lesson) -> datetime:
    """Mark a lesson complete (idempotent) and record the course completion when due.

    Returns when the lesson was (first) completed. Refused unless enrolled.
    """
    if get_enrollment(user_id, lesson.course_id) is None:
        raise Forbidden(_("Enrol in the course first."))
    insert_ignore(
        LessonCompletion, {"user_id": user_id, "lesson_id": lesson.id}, ["user_id", "lesson_id"]
    )
    db.session.flush()
    check_course_completion(user_id, lesson.course_id)
    db.session.commit()
    completed_at = db.session.scalar(
        select(LessonCompletion.completed_at).where(
            LessonCompletion.user_id == user_id, LessonCompletion.lesson_id == lesson.id
        )
    )
    assert completed_at is not None
    return completed_at


def check_course_completion(user_id: int, course_id: int) -> bool:
    """Record the completion once the rule is met; never undone. True if recorded now."""
    lessons = list(
        db.session.scalars(
            select(Lesson)
            .where(Lesson.course_id == course_id, Lesson.archived.is_(False))
            .options(defer(Lesson.body_html))
        )
    )
    progress = build_progress(lessons, completed_lesson_ids(user_id, course_id), None)
    if progress.lessons_total == 0 or progress.lessons_done < progress.lessons_total:
        return False
    # The WHERE completed_at IS NULL makes the first writer win under concurrency.
    result = db.session.execute(
        update(Enrollment)
        .where(
            Enrollment.user_id == user_id,
            Enrollment.course_id == course_id,
            Enrollment.completed_at.is_(None),
        )
        .values(completed_at=utcnow())
    )
    return bool(result.rowcount)


@dataclass
class LessonPage:
    """Everything the lesson page needs, loaded in two queries."""

    course: Course
    lesson: Lesson | None
    enrollment: Enrollment | None
    #: The course's lessons in order, without bodies, for navigation and progress.
    outline: list = field(default_factory=list)
    done_ids: set[int] = field(default_factory=set)


# Built once: the lesson page is the hottest page, and building statements costs more
# than running them. Values arrive as bound parameters.
_LESSON_PAGE = (
    select(Course, Lesson, Enrollment)
    .outerjoin(
        Lesson,
        and_(
            Lesson.course_id == Course.id,
            Lesson.slug == bindparam("lesson_slug"),
            Lesson.archived.is_(False),
        ),
    )
    .outerjoin(
        Enrollment,
        and_(Enrollment.course_id == Course.id, Enrollment.user_id == bindparam("user_id")),
    )
    .where(
        Course.slug == bindparam("course_slug"),
        Course.published.is_(True),
        Course.archived.is_(False),
    )
)
_OUTLINE_WITH_DONE = (
    select(
        Lesson.id,
        Lesson.slug,
        Lesson.title,
        Lesson.position,
        Lesson.required,
        LessonCompletion.id.label("completion_id"),
    )
    .outerjoin(
        LessonCompletion,
        and_(
            LessonCompletion.lesson_id == Lesson.id,
            LessonCompletion.user_id == bindparam("user_id"),
        ),
    )
    .where(Lesson.course_id == bindparam("course_id"), Lesson.archived.is_(False))
    .order_by(Lesson.position)
)


def lesson_page(user_id: int, course_slug: str, lesson_slug: str) -> LessonPage | None:
    """Course, lesson and the learner's enrolment in one query; outline and completions in one."""
    row = db.session.execute(
        _LESSON_PAGE,
        {"user_id": user_id, "course_slug": course_slug, "lesson_slug": lesson_slug},
    ).first()
    if row is None:
        return None
    course, lesson, enrollment = row
    page = LessonPage(course, lesson, enrollment)
    if lesson is None or enrollment is None:
        return page
    rows = db.session.execute(
        _OUTLINE_WITH_DONE, {"user_id": user_id, "course_id": course.id}
    ).all()
    page.outline = rows
    page.done_ids = {r.id for r in rows if r.completion_id is not None}
    return page


@dataclass
class DashboardEntry:
    course: Course
    enrollment: Enrollment
    progress: Progress


def dashboard(user_id: int) -> list[DashboardEntry]:
    """Every enrolled course with progress, in three queries whatever the data size."""
    enrollments = list(
        db.session.scalars(
            select(Enrollment)
            .join(Course)
            .where(Enrollment.user_id == user_id, Course.archived.is_(False))
            .options(joinedload(Enrollment.course))
            .order_by(Enrollment.enrolled_at.desc())
        )
    )
    if not enrollments:
        return []
    course_ids = [e.course_id for e in enrollments]
    lessons_by_course: dict[int, list[Lesson]] = {cid: [] for cid in course_ids}
    for lesson in db.session.scalars(
        select(Lesson)
        .where(Lesson.course_id.in_(course_ids), Lesson.archived.is_(False))
        .order_by(Lesson.position)
        .options(defer(Lesson.body_html))
    ):
        lessons_by_course[lesson.course_id].append(lesson)
    done = set(
        db.session.scalars(
            select(LessonCompletion.lesson_id)
            .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
            .where(LessonCompletion.user_id == user_id, Lesson.course_id.in_(course_ids))
        )
    )
    return [
        DashboardEntry(e.course, e, build_progress(lessons_by_course[e.course_id], done, e))
        for e in enrollments
    ]
