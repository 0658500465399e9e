"""Template globals and filters."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, has_request_context, request
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from elearn.auth.identity import display_phone
from elearn.auth.permissions import is_admin
from elearn.content.render import scrollable_tables
from elearn.modules import tool_context
from elearn.web.forms import EmptyForm
from elearn.web.i18n import current_locale, render_gettext
from elearn.web.labels import LEARNER_GROUP_LABELS, PRODUCT_GROUP_LABELS, ROLE_LABELS, TOPIC_LABELS

#: URLs remembered per process (routes never change after start-up); beyond this many
#: distinct URLs, new ones are simply built each time.
URL_MEMO_SIZE = 20000


def memoised_url_for(app: Flask):
    """Templates' url_for, remembering internal URLs: a page builds a dozen and Flask's
    url_for is one of the costliest calls of a page. Relative endpoints (".x"), external
    URLs, anchors and calls outside a request go to Flask's own url_for."""
    build = app.url_for
    memo: dict[tuple, str] = {}

    def url_for(endpoint: str, **values):
        if endpoint[:1] == "." or not has_request_context() or any(k[:1] == "_" for k in values):
            return build(endpoint, **values)
        try:
            key = (request.script_root, endpoint, *sorted(values.items()))
            url = memo.get(key)
        except TypeError:  # unhashable values: nothing to remember
            return build(endpoint, **values)
        if url is None:
            url = build(endpoint, **values)
            if len(memo) < URL_MEMO_SIZE:
                memo[key] = url
        return url

    return url_for


def register(app: Flask) -> None:
    app.jinja_env.globals["url_for"] = memoised_url_for(app)

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

    @app.template_filter("scrollable_tables")
    def _scrollable_tables(html: str) -> str:
        return scrollable_tables(html, lambda n: _("Table %(n)d (scrolls sideways)", n=n))

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
