"""The class core: membership (enrolments name the class), standings and the class rule."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from elearn.auth.models import User
from elearn.certificates.models import Certificate
from elearn.classes import access, membership, rules
from elearn.classes.models import Attendance, ClassMember, ClassSession, TrainingClass
from elearn.content.models import Course
from elearn.core.errors import Conflict, Forbidden, ValidationFailed
from elearn.core.events import class_completed, course_completed
from elearn.extensions import db
from elearn.learn.models import Enrollment
from tests.conftest import committed


def _add(class_id: int, user_id: int, **kwargs) -> bool:
    def add():
        training_class = db.session.get(TrainingClass, class_id)
        return membership.add_member(training_class, db.session.get(User, user_id), **kwargs)

    return committed(add)


def _complete_course(user_id: int) -> None:
    """Complete the class's course as the completion service would, and announce it."""

    def complete():
        course_id = db.session.scalar(select(Course.id).where(Course.slug == "khoa-kiem-tra"))
        enrollment = db.session.scalar(
            select(Enrollment).where(
                Enrollment.user_id == user_id, Enrollment.course_id == course_id
            )
        )
        from elearn.core.time import utcnow

        enrollment.completed_at = utcnow()
        enrollment.percent = 100
        db.session.flush()
        course_completed.send(enrollment, user_id=user_id, course_id=course_id, completed_at=None)

    committed(complete)


def _attend(class_id: int, user_id: int, statuses: list[str]) -> None:
    def record():
        sessions = db.session.scalars(
            select(ClassSession.id)
            .where(ClassSession.class_id == class_id)
            .order_by(ClassSession.starts_at)
        ).all()
        for session_id, status in zip(sessions, statuses, strict=False):
            db.session.add(
                Attendance(session_id=session_id, user_id=user_id, status=status, method="paper")
            )
        db.session.flush()
        return rules.refresh_member(db.session.get(TrainingClass, class_id), user_id)

    return committed(record)


def test_a_member_is_enrolled_in_the_class_courses_and_the_enrolment_names_the_class(
    app, make_class, learner
):
    class_id = make_class()
    with app.app_context():
        assert _add(class_id, learner.id) is True
        assert _add(class_id, learner.id) is False  # idempotent
        enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
        assert enrollment.class_id == class_id
        assert enrollment.lessons_total > 0  # figures set at enrolment
        assert membership.member_count(class_id) == 1


def test_removing_a_member_keeps_progress_and_forgets_the_class(app, make_class, learner):
    class_id = make_class()
    with app.app_context():
        _add(class_id, learner.id)
        assert committed(
            lambda: membership.remove_member(
                db.session.get(TrainingClass, class_id), learner.id, None
            )
        )
        enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id))
        assert enrollment is not None and enrollment.class_id is None
        assert membership.member_count(class_id) == 0


def test_capacity_refuses_one_more_and_saves_nothing(app, make_class, make_user):
    class_id = make_class(capacity=1)
    first, second = make_user(), make_user()
    with app.app_context():
        _add(class_id, first.id)
        with pytest.raises(Conflict):
            _add(class_id, second.id)
        assert membership.member_count(class_id) == 1
        assert db.session.scalar(select(Enrollment).where(Enrollment.user_id == second.id)) is None


def test_a_deactivated_account_or_a_trainer_cannot_join_by_code(app, make_class, make_user):
    class_id = make_class()
    trainer = make_user("trainer")
    with app.app_context():
        with pytest.raises(ValidationFailed):
            _add(class_id, trainer.id, source="code")
        user = make_user()
        committed(lambda: setattr(db.session.get(User, user.id), "active", False))
        with pytest.raises(ValidationFailed):
            _add(class_id, user.id)


def test_rule_needs_courses_and_attendance_excused_sessions_left_out(app, make_class, learner):
    class_id = make_class(sessions=5, attendance_percent=80)
    met = []

    def receiver(sender, **kwargs):
        met.append(kwargs["user_id"])

    class_completed.connect(receiver, weak=False)
    try:
        with app.app_context():
            _add(class_id, learner.id)
            # 3 of 5 attended, one excused: 80% of 4 = 4 needed -> not met even with the course.
            _attend(class_id, learner.id, ["present", "present", "present", "excused", "absent"])
            _complete_course(learner.id)
            training_class = db.session.get(TrainingClass, class_id)
            (standing,) = rules.standings(training_class)
            assert (standing.attended, standing.excused, standing.sessions_total) == (3, 1, 5)
            assert standing.attendance_needed == 4
            assert standing.courses_completed == 1 and standing.progress_percent == 100
            assert standing.rule_met is False and met == []

            def fix_last():
                row = db.session.scalar(
                    select(Attendance)
                    .join(ClassSession, ClassSession.id == Attendance.session_id)
                    .where(Attendance.user_id == learner.id, Attendance.status == "absent")
                )
                row.status = "present"
                db.session.flush()
                return rules.refresh_member(db.session.get(TrainingClass, class_id), learner.id)

            assert committed(fix_last) is True
            member = db.session.scalar(select(ClassMember))
            assert member.rule_met_at is not None
            assert len(met) == 1
            again = committed(
                lambda: rules.refresh_member(db.session.get(TrainingClass, class_id), learner.id)
            )
            assert again is False  # recorded once
            assert len(met) == 1
    finally:
        class_completed.disconnect(receiver)


def test_completing_the_course_meets_a_course_only_rule(app, make_class, learner):
    class_id = make_class()
    with app.app_context():
        _add(class_id, learner.id)
        _complete_course(learner.id)
        member = db.session.scalar(select(ClassMember))
        assert member.rule_met_at is not None


def test_attendance_rule_without_sessions_is_not_met(app, make_class, learner):
    class_id = make_class(attendance_percent=50, courses_required=False)
    with app.app_context():
        _add(class_id, learner.id)
        (standing,) = rules.standings(db.session.get(TrainingClass, class_id))
        assert standing.rule_met is False


def test_standings_take_a_fixed_number_of_queries(app, make_class, make_user, count_queries):
    class_id = make_class(sessions=3, attendance_percent=60)
    with app.app_context():
        counts = []
        for _ in range(2):
            for _ in range(5):
                _add(class_id, make_user().id)
            training_class = db.session.get(TrainingClass, class_id)
            with count_queries() as statements:
                found = rules.standings(training_class)
            counts.append(len(statements))
        assert len(found) == 10
        assert counts[0] == counts[1] <= 4  # SQLite counts its BEGIN


def test_the_rule_in_plain_words(app, make_class):
    with app.test_request_context(headers={"Accept-Language": "vi"}):
        training_class = db.session.get(TrainingClass, make_class(attendance_percent=80))
        lines = rules.describe(training_class)
        assert len(lines) == 2 and "80%" in lines[1]


def test_only_the_class_trainers_and_admins_manage_it(app, make_class, make_user, learner):
    class_id = make_class()
    other = make_user("trainer")
    admin = make_user("admin")
    with app.test_request_context():
        from elearn.extensions import db as _db

        trainer_id = _db.session.scalar(
            select(TrainingClass.created_by_id).where(TrainingClass.id == class_id)
        )
        trainer = _db.session.get(User, trainer_id)
        assert access.can_manage_class(trainer, class_id)
        assert access.can_manage_class(_db.session.get(User, admin.id), class_id)
        assert not access.can_manage_class(_db.session.get(User, other.id), class_id)
        assert not access.can_manage_class(_db.session.get(User, learner.id), class_id)
        with pytest.raises(Forbidden):
            access.managed_class(_db.session.get(User, other.id), class_id)
        mine = _db.session.scalars(access.managed_classes(trainer)).all()
        assert [c.id for c in mine] == [class_id]
        assert (
            _db.session.scalars(access.managed_classes(_db.session.get(User, other.id))).all() == []
        )


def test_a_class_certificate_has_a_class_and_no_course(app, make_class, learner):
    class_id = make_class()
    with app.app_context():

        def issue():
            db.session.add(
                Certificate(
                    code="ABCDEFGHJKMN",
                    user_id=learner.id,
                    class_id=class_id,
                    learner_name="Lò Thị Mai",
                    course_title="Lớp tập huấn",
                )
            )
            db.session.flush()

        committed(issue)
        assert db.session.scalar(select(Certificate.course_id)) is None
