"""Enrolment: who is in which course. Other features (quizzes) check it from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, select

from elearn.auth.models import User
from elearn.certificates.models import Certificate
from elearn.content import structure
from elearn.content.models import Course, CourseRevision, Lesson
from elearn.content.structure import CourseStructure
from elearn.core.db import insert_ignore, read
from elearn.extensions import db
from elearn.learn.models import Enrollment, LessonCompletion

_ENROLLMENT = select(Enrollment).where(
    Enrollment.user_id == bindparam("user_id"), Enrollment.course_id == bindparam("course_id")
)
_DONE = (
    select(LessonCompletion.lesson_id)
    .join(Lesson, Lesson.id == LessonCompletion.lesson_id)
    .where(
        LessonCompletion.user_id == bindparam("user_id"),
        Lesson.course_id == bindparam("course_id"),
    )
)


def get_enrollment(user_id: int, course_id: int) -> Enrollment | None:
    return db.session.scalar(_ENROLLMENT, {"user_id": user_id, "course_id": course_id})


def is_enrolled(user_id: int, course_id: int) -> bool:
    return get_enrollment(user_id, course_id) is not None


def lock_enrollment(user_id: int, course_id: int) -> Enrollment | None:
    """The enrolment row, locked until the unit ends: completion checks queue here."""
    return db.session.scalar(
        _ENROLLMENT.with_for_update().execution_options(populate_existing=True),
        {"user_id": user_id, "course_id": course_id},
    )


def enroll(user: User, course_id: int) -> tuple[Enrollment, bool]:
    """Enrol (idempotent); returns the enrolment and whether it was created now.

    The learner's province, commune and group are recorded as they are today.
    """
    created = insert_ignore(
        Enrollment,
        {
            "user_id": user.id,
            "course_id": course_id,
            "province_code": user.province_code,
            "commune_code": user.commune_code,
            "learner_group": user.learner_group,
        },
        ["user_id", "course_id"],
    )
    enrollment = get_enrollment(user.id, course_id)
    assert enrollment is not None
    return enrollment, created


def completed_lesson_ids(user_id: int, course_id: int) -> set[int]:
    """Stable ids of the lessons of a course this learner completed (any revision)."""
    return set(read(_DONE, {"user_id": user_id, "course_id": course_id}).scalars())


_STATE_COLUMNS = (
    Enrollment.id.label("enrollment_id"),
    Enrollment.completed_at,
    Enrollment.lessons_done,
    Enrollment.lessons_total,
    Enrollment.percent,
    Certificate.code.label("certificate_code"),
    Certificate.issued_at.label("certificate_issued_at"),
    Certificate.revoked_at.label("certificate_revoked_at"),
    Certificate.revoked_reason.label("certificate_revoked_reason"),
    Lesson.id.label("lesson_id"),
)

# Built once: the enrolment, its certificate and its completed lessons in one query.
_ENROLLED_AND_DONE = (
    select(*_STATE_COLUMNS)
    .select_from(Enrollment)
    .outerjoin(
        Certificate,
        and_(
            Certificate.user_id == Enrollment.user_id,
            Certificate.course_id == Enrollment.course_id,
        ),
    )
    .outerjoin(LessonCompletion, LessonCompletion.user_id == Enrollment.user_id)
    .outerjoin(
        Lesson,
        and_(Lesson.id == LessonCompletion.lesson_id, Lesson.course_id == Enrollment.course_id),
    )
    .where(
        Enrollment.user_id == bindparam("user_id"), Enrollment.course_id == bindparam("course_id")
    )
)


@dataclass(frozen=True)
class EnrolmentState:
    """Whether a learner is enrolled, completed, which lessons they did, and the stored
    figures (kept by elearn.learn.completion in the transaction of every change)."""

    enrollment_id: int
    completed_at: datetime | None
    done_ids: frozenset[int]
    lessons_done: int = 0
    lessons_total: int = 0
    percent: int = 0
    #: The learner's certificate for this course, if issued.
    certificate_code: str | None = None
    certificate_issued_at: datetime | None = None
    certificate_revoked_at: datetime | None = None
    certificate_revoked_reason: str | None = None


def _state(rows: list) -> EnrolmentState:
    first = rows[0]
    return EnrolmentState(
        first.enrollment_id,
        first.completed_at,
        frozenset(r.lesson_id for r in rows if r.lesson_id is not None),
        first.lessons_done,
        first.lessons_total,
        first.percent,
        first.certificate_code,
        first.certificate_issued_at,
        first.certificate_revoked_at,
        first.certificate_revoked_reason,
    )


def enrolment_state(user_id: int, course_id: int) -> EnrolmentState | None:
    """The enrolment and its completed lessons in one query; None when not enrolled."""
    rows = read(_ENROLLED_AND_DONE, {"user_id": user_id, "course_id": course_id}).all()
    return _state(rows) if rows else None


# Built once: the lesson and course pages' first query. The visible course's published
# revision by its address, with this learner's enrolment and completions (as above).
_PUBLISHED_WITH_STATE = (
    select(
        *structure.PUBLISHED_REVISION_COLUMNS,
        *_STATE_COLUMNS,
    )
    .select_from(Course)
    .join(
        CourseRevision,
        and_(CourseRevision.course_id == Course.id, CourseRevision.state == "published"),
    )
    .outerjoin(
        Enrollment,
        and_(Enrollment.course_id == Course.id, Enrollment.user_id == bindparam("user_id")),
    )
    .outerjoin(
        Certificate,
        and_(Certificate.user_id == Enrollment.user_id, Certificate.course_id == Course.id),
    )
    .outerjoin(LessonCompletion, LessonCompletion.user_id == Enrollment.user_id)
    .outerjoin(Lesson, and_(Lesson.id == LessonCompletion.lesson_id, Lesson.course_id == Course.id))
    .where(Course.slug == bindparam("slug"), Course.archived.is_(False))
)


def published_with_state(
    slug: str, user_id: int
) -> tuple[CourseStructure | None, EnrolmentState | None]:
    """The published structure of a visible course and this learner's enrolment state, in
    one query (what `structure.published` and `enrolment_state` give in two)."""
    rows = read(_PUBLISHED_WITH_STATE, {"slug": slug, "user_id": user_id}).all()
    if not rows:
        return None, None
    first = rows[0]
    course = structure.published_from(first.revision_id, first.revision_hash)
    return course, (_state(rows) if first.enrollment_id is not None else None)
