"""Who may do what in the studio: predicates used by views, templates and the API alike.

- Trainers and administrators use the studio (`can_use_studio`); learners do not.
- A course is edited by its staff (its owner and co-authors, `CourseStaff`) and by every
  administrator. A course that comes from a course module under `courses/` (origin
  "package", or one an administrator has since edited in the browser: it still names its
  module) is edited only by administrators: its text is reviewed with the module's code.
- The owner (and administrators) invite and remove co-authors.
- Only administrators reset a module's course to its package.

Each `require_*` raises `Forbidden` with a translated message and audits the refusal
(rate-limited per user, like other refused access); views turn it into a 403.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from elearn import audit
from elearn.auth.permissions import can_use_studio, is_admin
from elearn.content.models import Course
from elearn.core.errors import Forbidden
from elearn.extensions import db
from elearn.studio.models import CourseStaff


def staff_role(user_id: int, course_id: int) -> str | None:
    """ "owner", "coauthor", or None when the user is not on the course's staff."""
    return db.session.scalar(
        select(CourseStaff.role).where(
            CourseStaff.course_id == course_id, CourseStaff.user_id == user_id
        )
    )


def from_module(course: Course) -> bool:
    """A course shipped by a course module (even after an administrator edited it)."""
    return course.origin == "package" or course.module is not None


def can_edit_course(user: Any, course: Course, role: str | None = None) -> bool:
    """May `user` change this course's draft? (`role`: their staff role, when known.)"""
    if is_admin(user):
        return True
    if not can_use_studio(user) or from_module(course):
        return False
    if role is None:
        role = staff_role(user.id, course.id)
    return role is not None


def can_manage_staff(user: Any, course: Course, role: str | None = None) -> bool:
    """May `user` invite and remove co-authors? The owner and administrators."""
    if is_admin(user):
        return True
    if not can_use_studio(user) or from_module(course):
        return False
    if role is None:
        role = staff_role(user.id, course.id)
    return role == "owner"


def can_reset_to_package(user: Any, course: Course) -> bool:
    """Administrators, for a course that comes from a course module."""
    return is_admin(user) and course.module is not None


def _refuse(user: Any, course: Course, action: str, message: str) -> None:
    audit.record_denied("studio.denied", getattr(user, "id", None), f"course {course.slug}", action)
    raise Forbidden(message)


def require_studio(user: Any) -> None:
    """Trainers and administrators only."""
    if not can_use_studio(user):
        audit.record_denied("studio.denied", getattr(user, "id", None), "studio", "")
        raise Forbidden(_("The studio is for trainers and administrators."))


def require_editor(user: Any, course: Course, action: str = "edit") -> None:
    """Refuse unless `user` may edit the course."""
    if can_edit_course(user, course):
        return
    if not can_use_studio(user):
        _refuse(user, course, action, _("The studio is for trainers and administrators."))
    if from_module(course):
        _refuse(
            user,
            course,
            action,
            _("Courses that come with a course module are edited only by administrators."),
        )
    _refuse(user, course, action, _("You are not on this course's staff, so you cannot edit it."))


def require_staff_manager(user: Any, course: Course) -> None:
    """Refuse unless `user` may invite and remove co-authors."""
    if not can_manage_staff(user, course):
        _refuse(
            user,
            course,
            "staff",
            _("Only the course's owner and administrators can change who edits it."),
        )


def require_reset(user: Any, course: Course) -> None:
    """Refuse unless `user` may reset the course to its module's package."""
    if not can_reset_to_package(user, course):
        _refuse(user, course, "reset", _("Only administrators can reset a course to its package."))
