"""Language choice: the user's saved locale, else the session's, else Vietnamese."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, session
from flask_babel import get_locale, get_translations
from flask_login import current_user

# Jinja's own newstyle wrappers (autoescape and %-formatting), as install_gettext_callables uses.
from jinja2.ext import _make_new_gettext, _make_new_ngettext


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


def _translations():
    """The request's translations, looked up once per locale and request: templates call
    gettext dozens of times per page and Flask-Babel's lookup walks several context
    proxies each time. Keyed by Flask-Babel's locale object, so force_locale() works."""
    ctx = g.get("_flask_babel")
    locale = getattr(ctx, "babel_locale", None)
    cached = g.get("_elearn_translations")
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()
    g._elearn_translations = (getattr(g.get("_flask_babel"), "babel_locale", None), translations)
    return translations


def install_template_gettext(app: Flask) -> None:
    """Templates' _() and ngettext() through the per-request translations."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


def render_gettext() -> dict:
    """gettext/ngettext bound to this request's translations, for a template's context:
    Jinja's `_()` resolves "gettext" from the context first, so a page's dozens of
    strings cost no context lookups at all (imported macros fall back to the globals)."""
    translations = _translations()
    return {
        "gettext": _make_new_gettext(translations.ugettext),
        "ngettext": _make_new_ngettext(translations.ungettext),
    }
