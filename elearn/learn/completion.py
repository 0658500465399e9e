"""Keeping an enrolment's figures true and recording the course completion, once.

`refresh` is called in the transaction of every change that can move a learner's
figures (a lesson completed, a quiz graded, enrolling) and by the job that follows a
publish. It locks the enrolment row first, so two changes at the same moment (the last
two lessons completed from two phones) are checked one after the other: the second sees
the first's lesson and records the completion. On SQLite the writing transaction already
holds the database's write lock (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from elearn.content import structure as content
from elearn.content.structure import CourseStructure
from elearn.core.events import attempt_graded, course_completed, lesson_completed
from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.learn.enrolment import completed_lesson_ids, lock_enrollment
from elearn.learn.models import Enrollment
from elearn.learn.progress import Progress, build_progress
from elearn.quiz import standing


def refresh(user_id: int, course: CourseStructure) -> Progress | None:
    """Recompute and store the learner's figures; record the completion when the rule is met.

    Returns the progress, or None when the learner is not enrolled.
    """
    enrollment = lock_enrollment(user_id, course.course_id)
    if enrollment is None:
        return None
    progress = build_progress(
        course,
        completed_lesson_ids(user_id, course.course_id),
        standing.standings(user_id, course.quizzes),
        enrollment.completed_at,
    )
    now = utcnow()
    newly_completed = enrollment.completed_at is None and progress.rule_met
    if newly_completed:
        enrollment.completed_at = now
        progress.completed_at = now
    figures = {
        "lessons_done": progress.lessons_done,
        "lessons_total": progress.lessons_total,
        "quizzes_passed": progress.quizzes_passed,
        "quizzes_total": progress.quizzes_total,
        "percent": progress.percent,
    }
    if any(getattr(enrollment, name) != value for name, value in figures.items()):
        for name, value in figures.items():
            setattr(enrollment, name, value)
        enrollment.progress_at = now
    db.session.flush()
    if newly_completed:
        course_completed.send(
            enrollment, user_id=user_id, course_id=course.course_id, completed_at=now
        )
    return progress


def refresh_course(course_id: int) -> int:
    """Refresh every enrolment of a course (after a publish); returns how many."""
    course = content.published_for_courses([course_id]).get(course_id)
    if course is None:
        return 0
    user_ids = list(
        db.session.scalars(select(Enrollment.user_id).where(Enrollment.course_id == course_id))
    )
    for user_id in user_ids:
        refresh(user_id, course)
    return len(user_ids)


@lesson_completed.connect
def _on_lesson_completed(sender: Any, user_id: int, course_id: int, **_: Any) -> None:
    course = content.published_for_courses([course_id]).get(course_id)
    if course is not None:
        refresh(user_id, course)


@attempt_graded.connect
def _on_attempt_graded(
    sender: Any, user_id: int, course_id: int, passed_before: bool, passed_now: bool, **_: Any
) -> None:
    # Only a change of "passed" can move the figures or complete the course.
    if passed_before == passed_now:
        return
    course = content.published_for_courses([course_id]).get(course_id)
    if course is not None:
        refresh(user_id, course)
