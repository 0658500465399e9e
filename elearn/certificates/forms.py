"""The admin's revoke and reinstate forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField


class ReasonForm(FlaskForm):
    """Revoke or reinstate: a reason, then a second POST with `confirm` set.

    The first POST changes nothing: it shows what will happen and asks to confirm (a
    server-side step, so it works without JavaScript). The service checks the reason.
    """

    reason = StringField(_l("Reason"))
    confirm = HiddenField()
