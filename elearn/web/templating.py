"""Template globals and filters."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, request
from flask_babel import format_date, format_datetime, format_decimal
from flask_login import current_user

from elearn.auth.identity import display_phone
from elearn.auth.permissions import is_admin
from elearn.modules import tool_context
from elearn.web.forms import EmptyForm
from elearn.web.i18n import current_locale, render_gettext
from elearn.web.labels import LEARNER_GROUP_LABELS, PRODUCT_GROUP_LABELS, ROLE_LABELS, TOPIC_LABELS


def register(app: Flask) -> None:
    @app.context_processor
    def inject() -> dict:
        return render_gettext() | {
            "current_locale": current_locale,
            "empty_form": EmptyForm,
            "TOPIC_LABELS": TOPIC_LABELS,
            "LEARNER_GROUP_LABELS": LEARNER_GROUP_LABELS,
            "PRODUCT_GROUP_LABELS": PRODUCT_GROUP_LABELS,
            "ROLE_LABELS": ROLE_LABELS,
            # Resolved once per render: templates read it a dozen times per page.
            "current_user": current_user._get_current_object(),
            "request_path": lambda: request.full_path.rstrip("?"),
            "tool_context": tool_context,
            "is_admin": is_admin,
        }

    @app.template_filter("datetime")
    def _datetime(value: datetime | None, fmt: str = "medium") -> str:
        return format_datetime(value, fmt) if value else ""

    @app.template_filter("date")
    def _date(value: datetime | None, fmt: str = "long") -> str:
        return format_date(value, fmt) if value else ""

    @app.template_filter("cert_code")
    def _cert_code(value: str) -> str:
        from elearn.certificates.codes import format_code

        return format_code(value)

    @app.template_filter("score")
    def _score(value: float | None) -> str:
        """A percentage score as people write it: 87,5 in Vietnamese, 87.5 in English."""
        return format_decimal(value or 0, format="#,##0.#")

    @app.template_filter("phone")
    def _phone(value: str | None) -> str:
        return display_phone(value) if value else ""
