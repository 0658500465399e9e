"""Language choice: the user's saved locale, else the session's, else Vietnamese."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, session
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

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
    """_(), gettext() and ngettext() bound to this request's translations, for a template's
    context. They behave as Jinja's newstyle gettext (the translation is trusted, variables
    are escaped, %-formatting) but are plain functions found in the context: Jinja's own
    `_` alias resolves "gettext" and goes through two more context calls per string, and a
    page has dozens of strings. Imported macros fall back to the globals."""
    translations = request_translations()
    ugettext, ungettext = translations.ugettext, translations.ungettext

    @pass_eval_context
    def gettext(eval_ctx, string: str, **variables) -> str:
        text = ugettext(string)
        if eval_ctx.autoescape:
            text = Markup(text)
        # Newstyle gettext always %-formats ("%%" -> "%"); without variables or "%" that
        # is the identity, so skip it.
        return text % variables if variables or "%" in text else text

    @pass_eval_context
    def ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        text = ungettext(singular, plural, num)
        if eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}
