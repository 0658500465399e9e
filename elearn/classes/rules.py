"""Each member's standing in a class and the class completion rule.

The rule: every course of the class completed (when the class requires it) and at least
`attendance_percent` of the class's in-person sessions attended, not counting the sessions
the learner was excused from. `standings` computes every member's figures in a fixed
number of queries, whatever the number of members and sessions (SQL aggregates, no loop
over rows); `refresh_member` records the first time a member meets the rule and announces
it (`class_completed`: the class certificate is issued from there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from elearn.auth.models import User
from elearn.classes.models import (
    Attendance,
    ClassCourse,
    ClassMember,
    ClassSession,
    TrainingClass,
)
from elearn.core.events import class_completed, course_completed
from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.learn.models import Enrollment


@dataclass(frozen=True)
class Standing:
    """A member's figures in a class."""

    user_id: int
    full_name: str
    login: str
    #: Courses of the class the learner completed / in all.
    courses_completed: int
    courses_total: int
    #: Mean progress over the class's courses (a course not yet started counts 0).
    progress_percent: int
    #: In-person sessions attended, excused from, and held or planned in all.
    attended: int
    excused: int
    sessions_total: int
    rule_met: bool
    rule_met_at: datetime | None
    #: Sessions to attend for the rule (None when attendance is not part of it).
    attendance_needed: int | None


def sessions_needed(training_class: TrainingClass, sessions_total: int, excused: int) -> int | None:
    """How many in-person sessions a learner must attend (None: attendance not required)."""
    if training_class.attendance_percent is None:
        return None
    counted = max(sessions_total - excused, 0)
    return math.ceil(counted * training_class.attendance_percent / 100)


def rule_met(
    training_class: TrainingClass,
    *,
    courses_completed: int,
    courses_total: int,
    attended: int,
    excused: int,
    sessions_total: int,
) -> bool:
    """Whether these figures meet the class's rule.

    A class that requires attendance but has no in-person session yet is not met: the
    rule cannot be judged before the timetable exists; nor is a rule with nothing in it.
    """
    if training_class.courses_required and courses_completed < courses_total:
        return False
    if training_class.attendance_percent is not None:
        if sessions_total == 0:
            return False
        needed = sessions_needed(training_class, sessions_total, excused)
        if needed is not None and attended < needed:
            return False
    return not (courses_total == 0 and training_class.attendance_percent is None)


def _class_courses(class_id: int):
    return select(ClassCourse.course_id).where(ClassCourse.class_id == class_id)


def _in_person_sessions(class_id: int):
    return select(ClassSession.id).where(
        ClassSession.class_id == class_id, ClassSession.kind == "in_person"
    )


def _totals(class_id: int) -> tuple[int, int]:
    """(courses in the class, in-person sessions) in one query."""
    row = db.session.execute(
        select(
            select(func.count())
            .select_from(ClassCourse)
            .where(ClassCourse.class_id == class_id)
            .scalar_subquery(),
            select(func.count())
            .select_from(ClassSession)
            .where(ClassSession.class_id == class_id, ClassSession.kind == "in_person")
            .scalar_subquery(),
        )
    ).one()
    return int(row[0]), int(row[1])


def standings(training_class: TrainingClass, user_ids: list[int] | None = None) -> list[Standing]:
    """Every member's standing (or those of `user_ids`), by name; three queries."""
    class_id = training_class.id
    courses_total, sessions_total = _totals(class_id)
    completed = func.sum(case((Enrollment.completed_at.is_not(None), 1), else_=0))
    percent = func.sum(func.coalesce(Enrollment.percent, 0))
    members = (
        select(
            ClassMember.user_id,
            User.full_name,
            User.email,
            User.phone,
            ClassMember.rule_met_at,
            completed.label("completed"),
            percent.label("percent"),
        )
        .join(User, User.id == ClassMember.user_id)
        .outerjoin(
            Enrollment,
            and_(
                Enrollment.user_id == ClassMember.user_id,
                Enrollment.course_id.in_(_class_courses(class_id)),
            ),
        )
        .where(ClassMember.class_id == class_id)
        .group_by(
            ClassMember.user_id, User.full_name, User.email, User.phone, ClassMember.rule_met_at
        )
        .order_by(User.full_name, ClassMember.user_id)
    )
    presence = (
        select(
            Attendance.user_id,
            func.sum(case((Attendance.status == "present", 1), else_=0)),
            func.sum(case((Attendance.status == "excused", 1), else_=0)),
        )
        .where(Attendance.session_id.in_(_in_person_sessions(class_id)))
        .group_by(Attendance.user_id)
    )
    if user_ids is not None:
        members = members.where(ClassMember.user_id.in_(user_ids))
        presence = presence.where(Attendance.user_id.in_(user_ids))
    counts = {row[0]: (int(row[1] or 0), int(row[2] or 0)) for row in db.session.execute(presence)}
    result = []
    for row in db.session.execute(members):
        attended, excused = counts.get(row.user_id, (0, 0))
        done = int(row.completed or 0)
        met = rule_met(
            training_class,
            courses_completed=done,
            courses_total=courses_total,
            attended=attended,
            excused=excused,
            sessions_total=sessions_total,
        )
        standing = Standing(
            user_id=row.user_id,
            full_name=row.full_name,
            login=row.email or row.phone or "",
            courses_completed=done,
            courses_total=courses_total,
            progress_percent=round(int(row.percent or 0) / courses_total) if courses_total else 0,
            attended=attended,
            excused=excused,
            sessions_total=sessions_total,
            rule_met=met or row.rule_met_at is not None,
            rule_met_at=row.rule_met_at,
            attendance_needed=sessions_needed(training_class, sessions_total, excused),
        )
        result.append(standing)
    return result


def refresh_member(training_class: TrainingClass, user_id: int) -> bool:
    """Record the first time the member meets the rule; True when that is now.

    Called in the transaction of every change that can move it (a course completed,
    attendance recorded). The member row is locked first, so two changes at once record
    it once.
    """
    member = db.session.scalar(
        select(ClassMember)
        .where(ClassMember.class_id == training_class.id, ClassMember.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if member is None or member.rule_met_at is not None:
        return False
    found = standings(training_class, [user_id])
    if not found or not found[0].rule_met:
        return False
    member.rule_met_at = utcnow()
    db.session.flush()
    class_completed.send(
        training_class, user_id=user_id, class_id=training_class.id, met_at=member.rule_met_at
    )
    return True


def refresh_class(training_class: TrainingClass) -> int:
    """Check every member who has not met the rule yet (after the timetable or the rule
    changed); returns how many met it now."""
    met = 0
    for standing in standings(training_class):
        if standing.rule_met and standing.rule_met_at is None:
            met += refresh_member(training_class, standing.user_id)
    return met


def describe(training_class: TrainingClass) -> list[str]:
    """The rule in plain words, one line per condition, in the UI language."""
    lines = []
    if training_class.courses_required:
        lines.append(_("Complete every course of the class."))
    if training_class.attendance_percent is not None:
        lines.append(
            _(
                "Attend at least %(percent)d%% of the in-person sessions "
                "(sessions you were excused from are not counted).",
                percent=training_class.attendance_percent,
            )
        )
    if not lines:
        lines.append(_("This class has no completion rule: nobody completes it."))
    return lines


@course_completed.connect
def _on_course_completed(sender: Any, user_id: int, course_id: int, **_: Any) -> None:
    """A course completed may complete the rule of the learner's classes that hold it."""
    classes = db.session.scalars(
        select(TrainingClass)
        .join(ClassMember, ClassMember.class_id == TrainingClass.id)
        .join(ClassCourse, ClassCourse.class_id == TrainingClass.id)
        .where(
            ClassMember.user_id == user_id,
            ClassMember.rule_met_at.is_(None),
            ClassCourse.course_id == course_id,
        )
    ).all()
    for training_class in classes:
        refresh_member(training_class, user_id)
