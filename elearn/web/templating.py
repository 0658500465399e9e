"""Template globals and filters."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g, has_request_context, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from elearn.auth.identity import display_phone
from elearn.auth.permissions import can_use_studio, is_admin
from elearn.content.render import scrollable_tables
from elearn.core import formats
from elearn.core.time import configured_zone
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


#: Signed CSRF tokens remembered per process, by the session's raw token.
CSRF_MEMO_SIZE = 20000


def memoised_csrf_token(app: Flask):
    """Templates' csrf_token(), remembering the signed form of each session's raw token.

    Flask-WTF signs the raw token (kept in the session) with an HMAC on every request
    that renders a form; with WTF_CSRF_TIME_LIMIT = None a signed token never expires,
    so the one made for a raw token stays valid as long as the session keeps that raw
    token. Signing once per raw token and process saves the HMAC on every page."""
    memo: dict[str, str] = {}
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")

    def csrf_token() -> str:
        if app.config.get("WTF_CSRF_TIME_LIMIT") is not None or not has_request_context():
            return generate_csrf()
        raw = session.get(field)
        signed = memo.get(raw) if raw else None
        if signed is None:
            signed = generate_csrf()
            raw = session.get(field)
            if raw and len(memo) < CSRF_MEMO_SIZE:
                memo[raw] = signed
        else:
            # Where Flask-WTF keeps this request's token: forms and generate_csrf() in the
            # same request then give the one on the page (the ETag leaves it out).
            setattr(g, field, signed)
        return signed

    return csrf_token


def register(app: Flask) -> None:
    app.jinja_env.globals["url_for"] = memoised_url_for(app)
    csrf_token = memoised_csrf_token(app)
    # Flask-WTF puts its own in the globals and in a context processor: replace both.
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.context_processor
    def inject() -> dict:
        return render_gettext() | {
            "current_locale": current_locale,
            "csrf_token": csrf_token,
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
            "can_use_studio": can_use_studio,
        }

    @app.template_filter("scrollable_tables")
    def _scrollable_tables(html: str) -> str:
        return scrollable_tables(html, lambda n: _("Table %(n)d (scrolls sideways)", n=n))

    # Dates and numbers through elearn.core.formats, in the request's language and the
    # configured zone, so pages, the certificate PDF and exports agree.
    @app.template_filter("datetime")
    def _datetime(value: datetime | None, fmt: str = "short") -> str:
        """ "short": to the minute ("2/12/2026 03:44"); "medium": with seconds."""
        seconds = fmt == "medium"
        return formats.format_datetime(value, current_locale(), configured_zone(), seconds=seconds)

    @app.template_filter("date")
    def _date(value: datetime | None) -> str:
        return formats.format_date(value, current_locale(), configured_zone())

    @app.template_filter("number")
    def _number(value: float | None, decimals: int = 1) -> str:
        """At most `decimals` decimals, as people write them: "2,5" (vi), "2.5" (en)."""
        return formats.format_number(value, current_locale(), decimals)

    @app.template_filter("cert_code")
    def _cert_code(value: str) -> str:
        from elearn.certificates.codes import format_code

        return format_code(value)

    @app.template_filter("score")
    def _score(value: float | None) -> str:
        """A percentage score as people write it: 87,5 in Vietnamese, 87.5 in English."""
        return formats.format_number(value, current_locale(), 1)

    @app.template_filter("phone")
    def _phone(value: str | None) -> str:
        return display_phone(value) if value else ""
