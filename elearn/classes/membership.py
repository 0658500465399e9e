"""Putting learners in a class and taking them out.

A member is enrolled in every course of the class, and the enrolment records the class
(`Enrollment.class_id`: the latest class that holds the course). Adding is idempotent:
the same person added twice (by the trainer, then by the class code) is one member.
Removing a member keeps their enrolments and progress (they studied; reports count it)
but forgets the class on them.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from elearn import audit
from elearn.auth.models import User
from elearn.classes.models import ClassCourse, ClassMember, TrainingClass
from elearn.content import structure
from elearn.core.db import insert_ignore
from elearn.core.errors import Conflict, ValidationFailed
from elearn.extensions import db
from elearn.learn.models import Enrollment
from elearn.learn.services import enroll_in_course


def course_ids(class_id: int) -> list[int]:
    """The class's courses, in the class's order."""
    return list(
        db.session.scalars(
            select(ClassCourse.course_id)
            .where(ClassCourse.class_id == class_id)
            .order_by(ClassCourse.position, ClassCourse.id)
        )
    )


def member_count(class_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(ClassMember).where(ClassMember.class_id == class_id)
    )


def check_room(training_class: TrainingClass, adding: int) -> None:
    """Refuse when `adding` more learners would pass the class's capacity."""
    if training_class.capacity is None:
        return
    if member_count(training_class.id) + adding > training_class.capacity:
        raise Conflict(
            _(
                "The class is full: it takes at most %(capacity)d learners.",
                capacity=training_class.capacity,
            )
        )


def add_member(
    training_class: TrainingClass,
    user: User,
    *,
    source: str = "trainer",
    actor_id: int | None = None,
    check_capacity: bool = True,
) -> bool:
    """Put `user` in the class and enrol them in its courses; True if they were not in it.

    A roster import checks the capacity once for all its rows (check_capacity=False).
    """
    if user.role != "learner" and source != "trainer":
        raise ValidationFailed(_("Only learners' accounts can join a class."))
    if not user.active:
        raise ValidationFailed(_("This account is deactivated."))
    if check_capacity and not _is_member(training_class.id, user.id):
        check_room(training_class, 1)
    created = insert_ignore(
        ClassMember,
        {
            "class_id": training_class.id,
            "user_id": user.id,
            "source": source,
            "added_by_id": actor_id,
        },
        ["class_id", "user_id"],
    )
    enrol_in_courses(training_class, user)
    if created:
        audit.record(
            "classes.member_added",
            actor_id,
            f"class {training_class.id}",
            f"user {user.id} {source}",
        )
    return created


def enrol_in_courses(training_class: TrainingClass, user: User) -> None:
    """Enrol the member in each published course of the class; the enrolments name the
    class. (A course unpublished since the class was made is enrolled when it is back.)"""
    ids = course_ids(training_class.id)
    published = structure.published_for_courses(ids)
    for course_id in ids:
        if course_id in published:
            enroll_in_course(user, published[course_id])
    if ids:
        db.session.execute(
            update(Enrollment)
            .where(Enrollment.user_id == user.id, Enrollment.course_id.in_(ids))
            .values(class_id=training_class.id)
        )


def _is_member(class_id: int, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(ClassMember.id).where(
                ClassMember.class_id == class_id, ClassMember.user_id == user_id
            )
        )
        is not None
    )


def remove_member(training_class: TrainingClass, user_id: int, actor_id: int | None) -> bool:
    """Take a learner out of the class; True if they were in it. Their progress stays."""
    removed = db.session.execute(
        delete(ClassMember).where(
            ClassMember.class_id == training_class.id, ClassMember.user_id == user_id
        )
    ).rowcount
    if removed:
        db.session.execute(
            update(Enrollment)
            .where(Enrollment.user_id == user_id, Enrollment.class_id == training_class.id)
            .values(class_id=None)
        )
        audit.record(
            "classes.member_removed", actor_id, f"class {training_class.id}", f"user {user_id}"
        )
    return bool(removed)
