"""Fixtures for training classes: a class over the small test course, with a trainer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from elearn.classes.models import ClassCourse, ClassSession, ClassTrainer, TrainingClass
from elearn.content.models import Course
from elearn.core.db import unit_of_work
from elearn.extensions import db


@pytest.fixture
def class_trainer(make_user):
    return make_user("trainer", email="lop.giangvien@example.vn", full_name="Hà Văn Tùng")


@pytest.fixture
def make_class(app: Flask, quiz_course, class_trainer) -> Callable[..., int]:
    """make_class(name=..., attendance_percent=..., sessions=n, trainer=user, **fields) ->
    the id of a class over the test course "khoa-kiem-tra", run by `class_trainer` (or
    `trainer`), with `sessions` in-person sessions one day apart from 2026-12-01 08:00 UTC."""

    def make(
        name: str = "Lớp tập huấn xã Mộc Châu",
        *,
        sessions: int = 0,
        trainer=None,
        course_slugs: tuple[str, ...] = ("khoa-kiem-tra",),
        **fields,
    ) -> int:
        trainer = trainer or class_trainer
        with app.app_context(), unit_of_work():
            values = {
                "mode": "blended",
                "starts_on": date(2026, 12, 1),
                "ends_on": date(2026, 12, 31),
                "province_code": None,
            }
            values.update(fields)
            training_class = TrainingClass(name=name, created_by_id=trainer.id, **values)
            db.session.add(training_class)
            db.session.flush()
            for position, slug in enumerate(course_slugs):
                course_id = db.session.scalar(select(Course.id).where(Course.slug == slug))
                db.session.add(
                    ClassCourse(class_id=training_class.id, course_id=course_id, position=position)
                )
            db.session.add(ClassTrainer(class_id=training_class.id, user_id=trainer.id))
            start = datetime(2026, 12, 1, 8, tzinfo=UTC)
            for n in range(sessions):
                db.session.add(
                    ClassSession(
                        class_id=training_class.id,
                        starts_at=start + timedelta(days=n),
                        ends_at=start + timedelta(days=n, hours=3),
                        kind="in_person",
                        place="Hội trường UBND xã",
                        topic=f"Buổi {n + 1}",
                    )
                )
            db.session.flush()
            return training_class.id

    return make
