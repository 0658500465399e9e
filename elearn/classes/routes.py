"""Training classes' pages: the blueprint that every classes views module adds to.

Every route needs a logged-in user. Trainers' pages check that the user manages the
class (elearn.classes.access: 404 for no such class, 403 otherwise); learners' pages
check membership. Views are thin: the rules are in elearn.classes' services.
"""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from elearn.classes import access, nav
from elearn.classes.models import TrainingClass
from elearn.extensions import login_manager

bp = Blueprint("classes", __name__, url_prefix="/classes")


@bp.before_request
def _logged_in_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.app_context_processor
def _class_nav():
    return {"class_tabs": nav.CLASS_TABS, "session_actions": nav.SESSION_ACTIONS}


def user():
    return current_user._get_current_object()


def managed(class_id: int) -> TrainingClass:
    """The class, if the current user manages it (else a 404 or an audited 403)."""
    return access.managed_class(user(), class_id)
