"""Learning: enrolling, completing lessons, and what the learner's pages show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, select

from elearn.auth.models import User
from elearn.certificates.models import Certificate
from elearn.certificates.services import CertificateBrief
from elearn.content import structure as content
from elearn.content.structure import CourseStructure, LessonEntry
from elearn.core.db import insert_ignore, read
from elearn.core.errors import Forbidden
from elearn.core.events import lesson_completed
from elearn.extensions import db
from elearn.learn import completion
from elearn.learn.enrolment import (
    EnrolmentState,
    completed_lesson_ids,
    enroll,
    enrolment_state,
    get_enrollment,
)
from elearn.learn.models import Enrollment, LessonCompletion
from elearn.learn.progress import NextAction, Progress, build_progress, next_action
from elearn.quiz import standing


def enroll_in_course(user: User, course: CourseStructure) -> tuple[Enrollment, bool]:
    """Enrol (idempotent) and set the enrolment's figures."""
    enrollment, created = enroll(user, course.course_id)
    if created:
        completion.refresh(user.id, course)
    return enrollment, created


@dataclass(frozen=True)
class LessonDone:
    #: When the lesson was first completed.
    completed_at: datetime
    #: True when this completion completed the course.
    course_completed: bool


def complete_lesson(user_id: int, course: CourseStructure, lesson: LessonEntry) -> LessonDone:
    """Mark a lesson complete (idempotent); the completion rule is checked in the same
    transaction. Refused unless enrolled."""
    enrollment = get_enrollment(user_id, course.course_id)
    if enrollment is None:
        raise Forbidden(_("Enrol in the course first."))
    was_completed = enrollment.completed_at is not None
    new = insert_ignore(
        LessonCompletion, {"user_id": user_id, "lesson_id": lesson.id}, ["user_id", "lesson_id"]
    )
    if new:
        # learn.completion refreshes the figures and records the completion when due.
        lesson_completed.send(lesson.id, user_id=user_id, course_id=course.course_id)
    completed_at = db.session.scalar(
        select(LessonCompletion.completed_at).where(
            LessonCompletion.user_id == user_id, LessonCompletion.lesson_id == lesson.id
        )
    )
    assert completed_at is not None
    return LessonDone(completed_at, not was_completed and enrollment.completed_at is not None)


@dataclass
class CourseView:
    """What the course page needs about one learner in one course (None: not enrolled)."""

    course: CourseStructure
    progress: Progress | None
    certificate: CertificateBrief | None
    action: NextAction | None


def progress_in(user_id: int, course: CourseStructure, enrollment: Enrollment) -> Progress:
    return build_progress(
        course,
        completed_lesson_ids(user_id, course.course_id),
        standing.standings(user_id, course.quizzes),
        enrollment.completed_at,
    )


_LOOK_UP = object()


def course_view(
    user_id: int | None, course: CourseStructure, state: EnrolmentState | None | object = _LOOK_UP
) -> CourseView:
    """The course page's view; `state` when the caller already has it
    (`enrolment.published_with_state`), else it is looked up."""
    if state is _LOOK_UP:
        state = enrolment_state(user_id, course.course_id) if user_id is not None else None
    if state is None:
        return CourseView(course, None, None, None)
    progress = build_progress(
        course,
        set(state.done_ids),
        standing.standings(user_id, course.quizzes),
        state.completed_at,
    )
    certificate = None
    if state.certificate_code is not None and state.certificate_issued_at is not None:
        certificate = CertificateBrief(
            course.course_id,
            state.certificate_code,
            state.certificate_issued_at,
            state.certificate_revoked_at,
            state.certificate_revoked_reason,
        )
    return CourseView(course, progress, certificate, next_action(progress))


@dataclass
class LessonPage:
    """Everything the lesson page needs. Its progress bar shows the enrolment's stored
    figures (those reports count), so the page needs no quiz query."""

    course: CourseStructure
    lesson: LessonEntry
    html: str
    progress: EnrolmentState
    index: int
    previous: LessonEntry | None = None
    next: LessonEntry | None = None

    @property
    def is_done(self) -> bool:
        return self.lesson.id in self.progress.done_ids


def lesson_page(
    user_id: int,
    course: CourseStructure,
    lesson: LessonEntry,
    state: EnrolmentState | None | object = _LOOK_UP,
) -> LessonPage:
    """The lesson with its neighbours and the learner's progress; Forbidden unless enrolled.
    `state` when the caller already has it (`enrolment.published_with_state`)."""
    if state is _LOOK_UP:
        state = enrolment_state(user_id, course.course_id)
    if state is None:
        raise Forbidden(_("Enrol in the course to read its lessons."))
    lessons = course.lessons
    index = lessons.index(lesson)
    return LessonPage(
        course=course,
        lesson=lesson,
        html=content.lesson_html(lesson.version_id),
        progress=state,
        index=index,
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
    )


@dataclass
class DashboardEntry:
    course: CourseStructure
    progress: Progress
    action: NextAction
    certificate: CertificateBrief | None = None


# Built once: the dashboard and /me/progress run these for every learner. The
# enrolments come with their certificates (at most one per course) and their course's
# visible published revision in one query; enrolments in hidden courses drop out.
_MY_ENROLLMENTS = (
    content.published_revision_join(
        select(
            Enrollment.course_id,
            Enrollment.completed_at,
            Certificate.code,
            Certificate.issued_at,
            Certificate.revoked_at,
            Certificate.revoked_reason,
            *content.PUBLISHED_REVISION_COLUMNS,
        ).outerjoin(
            Certificate,
            and_(
                Certificate.user_id == Enrollment.user_id,
                Certificate.course_id == Enrollment.course_id,
            ),
        ),
        Enrollment.course_id,
    )
    .where(Enrollment.user_id == bindparam("user_id"))
    .order_by(Enrollment.enrolled_at.desc(), Enrollment.id.desc())
)
_MY_COMPLETIONS = select(LessonCompletion.lesson_id).where(
    LessonCompletion.user_id == bindparam("user_id")
)


def dashboard(user_id: int) -> list[DashboardEntry]:
    """Every enrolled course with progress and certificate; query count independent of data."""
    enrollments = read(_MY_ENROLLMENTS, {"user_id": user_id}).all()
    if not enrollments:
        return []
    structures = {
        e.course_id: content.published_from(e.revision_id, e.revision_hash) for e in enrollments
    }
    done = set(read(_MY_COMPLETIONS, {"user_id": user_id}).scalars())
    quizzes = [q for s in structures.values() for q in s.quizzes]
    standings = standing.standings(user_id, quizzes)
    entries = []
    for e in enrollments:
        course = structures[e.course_id]
        progress = build_progress(course, done, standings, e.completed_at)
        certificate = (
            CertificateBrief(e.course_id, e.code, e.issued_at, e.revoked_at, e.revoked_reason)
            if e.code
            else None
        )
        entries.append(DashboardEntry(course, progress, next_action(progress), certificate))
    return entries
