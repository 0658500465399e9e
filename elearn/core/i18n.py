"""Translations looked up once per request, for templates and hot code paths.

Flask-Babel's gettext walks several context proxies on every call; a page calls it
dozens of times. These functions take the request's translations once (keyed by
Flask-Babel's locale object, so `force_locale` still works) and behave like
flask_babel.gettext / ngettext otherwise.
"""

from __future__ import annotations

from flask import g, has_app_context
from flask_babel import get_translations


def request_translations():
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


def gettext(string: str, **variables) -> str:
    """flask_babel.gettext through the per-request translations (for hot code paths)."""
    if not has_app_context():
        return string % variables if variables else string
    text = request_translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """flask_babel.ngettext through the per-request translations (for hot code paths)."""
    variables.setdefault("num", num)
    if not has_app_context():
        return (singular if num == 1 else plural) % variables
    return request_translations().ungettext(singular, plural, num) % variables
