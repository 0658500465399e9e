"""Language choice: the user's saved locale, else the session's, else Vietnamese."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, session
from flask_babel import get_locale
from flask_login import current_user

# Jinja's own newstyle wrappers (autoescape and %-formatting), as install_gettext_callables uses.
from jinja2.ext import _make_new_gettext, _make_new_ngettext

from elearn.core.i18n import request_translations


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def install_template_gettext(app: Flask) -> None:
    """Templates' _() and ngettext() through the per-request translations."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def render_gettext() -> dict:
    """gettext/ngettext bound to this request's translations, for a template's context:
    Jinja's `_()` resolves "gettext" from the context first, so a page's dozens of
    strings cost no context lookups at all (imported macros fall back to the globals)."""
    translations = request_translations()
    return {
        "gettext": _make_new_gettext(translations.ugettext),
        "ngettext": _make_new_ngettext(translations.ungettext),
    }
