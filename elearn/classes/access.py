"""Who may see and manage which class: predicates for views, templates and the API alike.

Trainers and administrators create classes. A class is managed by its trainers (the
`ClassTrainer` rows; whoever creates it is one) and by every administrator. Learners see
the classes they are members of. Refusals raise `NotFound` or `Forbidden` with a
translated message and are audited (rate-limited per user).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, exists, select

from elearn import audit
from elearn.auth.permissions import can_use_studio, is_admin
from elearn.classes.models import ClassMember, ClassTrainer, TrainingClass
from elearn.core.errors import Forbidden, NotFound
from elearn.extensions import db


def can_create_class(user: Any) -> bool:
    """Trainers and administrators."""
    return can_use_studio(user)


def is_class_trainer(user_id: int, class_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(ClassTrainer.class_id == class_id, ClassTrainer.user_id == user_id)
            )
        )
    )


def is_member(user_id: int, class_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(exists().where(ClassMember.class_id == class_id, ClassMember.user_id == user_id))
        )
    )


def can_manage_class(user: Any, class_id: int) -> bool:
    """The class's trainers and every administrator."""
    if is_admin(user):
        return True
    if not can_use_studio(user):
        return False
    return is_class_trainer(user.id, class_id)


def managed_classes(user: Any) -> Select[tuple[TrainingClass]]:
    """The classes `user` manages (all of them for an administrator), newest first."""
    query = select(TrainingClass).order_by(TrainingClass.starts_on.desc(), TrainingClass.id.desc())
    if not is_admin(user):
        query = query.where(
            TrainingClass.id.in_(
                select(ClassTrainer.class_id).where(ClassTrainer.user_id == user.id)
            )
        )
    return query


def get_class(class_id: int) -> TrainingClass:
    training_class = db.session.get(TrainingClass, class_id)
    if training_class is None:
        raise NotFound(_("There is no such class."))
    return training_class


def require_create(user: Any) -> None:
    if not can_create_class(user):
        audit.record_denied("classes.denied", getattr(user, "id", None), "classes", "create")
        raise Forbidden(_("Classes are run by trainers and administrators."))


def managed_class(user: Any, class_id: int) -> TrainingClass:
    """The class, if `user` manages it; else NotFound (no such class) or Forbidden."""
    training_class = get_class(class_id)
    if not can_manage_class(user, class_id):
        audit.record_denied("classes.denied", getattr(user, "id", None), f"class {class_id}")
        raise Forbidden(_("Only the class's trainers and administrators can do this."))
    return training_class
