"""Course staff: the owner invites co-authors (existing trainer accounts) and removes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import aliased

from elearn import audit
from elearn.auth.models import User
from elearn.auth.services import find_by_login
from elearn.content.models import Course
from elearn.core.db import insert_ignore
from elearn.core.errors import Conflict, NotFound, ValidationFailed
from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.studio.models import CourseStaff


@dataclass(frozen=True)
class StaffMember:
    user_id: int
    name: str
    email: str | None
    phone: str | None
    role: str
    added_at: datetime
    added_by: str | None


def course_staff(course: Course) -> list[StaffMember]:
    """The owner first, then co-authors in the order they were added."""
    adder = aliased(User)
    rows = db.session.execute(
        select(CourseStaff, User.full_name, User.email, User.phone, adder.full_name)
        .join(User, User.id == CourseStaff.user_id)
        .outerjoin(adder, adder.id == CourseStaff.added_by_id)
        .where(CourseStaff.course_id == course.id)
        .order_by((CourseStaff.role == "owner").desc(), CourseStaff.added_at, CourseStaff.id)
    ).all()
    return [
        StaffMember(staff.user_id, name, email, phone, staff.role, staff.added_at, added_by)
        for staff, name, email, phone, added_by in rows
    ]


def invite_coauthor(course: Course, login: str, actor: User) -> User:
    """Add the trainer with this e-mail or phone number (written any usual way) as a
    co-author. Audited."""
    user = find_by_login(login or "")
    if user is None or not user.active or user.role != "trainer":
        message = _("There is no trainer account with this e-mail address or phone number.")
        raise ValidationFailed(message, {"login": [message]})
    added = insert_ignore(
        CourseStaff,
        {
            "course_id": course.id,
            "user_id": user.id,
            "role": "coauthor",
            "added_at": utcnow(),
            "added_by_id": actor.id,
        },
        ["course_id", "user_id"],
    )
    if not added:
        message = _("%(name)s already edits this course.", name=user.full_name)
        raise ValidationFailed(message, {"login": [message]})
    audit.record("studio.staff_added", actor.id, f"course {course.slug}", f"user={user.id}")
    return user


def remove_coauthor(course: Course, user_id: int, actor: User) -> None:
    """Take a co-author off the course (the owner stays). Audited."""
    role = db.session.scalar(
        select(CourseStaff.role).where(
            CourseStaff.course_id == course.id, CourseStaff.user_id == user_id
        )
    )
    if role is None:
        raise NotFound(_("This person does not edit this course."))
    if role == "owner":
        raise Conflict(_("The course's owner cannot be removed."))
    db.session.execute(
        delete(CourseStaff).where(
            CourseStaff.course_id == course.id, CourseStaff.user_id == user_id
        )
    )
    audit.record("studio.staff_removed", actor.id, f"course {course.slug}", f"user={user_id}")
