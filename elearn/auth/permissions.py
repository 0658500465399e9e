"""Who may do what: predicates and decorators shared by views and templates."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from elearn.auth.models import User


def is_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role == "admin")


def can_use_studio(user: Any) -> bool:
    """Trainers and admins write courses in the studio; learners do not."""
    return bool(getattr(user, "is_authenticated", False) and user.role in ("trainer", "admin"))


def can_download_certificate(user: User, owner_id: int) -> bool:
    return user.id == owner_id or user.role == "admin"


def admin_required(view: Callable) -> Callable:
    """Admins only: anonymous users go to the login page, others get 403."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        if not current_user.is_authenticated:
            from elearn.extensions import login_manager

            return login_manager.unauthorized()
        if not is_admin(current_user):
            from elearn import audit

            audit.record_refused("authz.denied", current_user.id, view.__name__)
            abort(403)
        return view(*args, **kwargs)

    return wrapper
