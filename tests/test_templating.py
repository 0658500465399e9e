"""Template helpers that hot pages lean on: the per-render gettext and the CSRF token memo."""

from __future__ import annotations

import re

from flask import render_template_string
from markupsafe import Markup

TOKEN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def _token(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def test_template_gettext_translates_escapes_variables_and_formats_percent(app):
    with app.test_request_context():
        from flask import session

        session["locale"] = "vi"
        html = render_template_string(
            '{{ _("Courses") }}|{{ _("%(done)d/%(total)d lessons", done=2, total=7) }}'
            '|{{ _("Hello %(name)s", name="<b>") }}|{{ _("100%%") }}'
            '|{{ ngettext("%(num)d minute", "%(num)d minutes", 3) }}'
        )
    courses, lessons, hello, percent, minutes = html.split("|")
    assert courses == "Khóa học"
    assert lessons == "2/7 bài học"
    assert hello == "Hello &lt;b&gt;"  # untranslated string, variable escaped
    assert percent == "100%"  # newstyle gettext always %-formats: "%%" is one "%"
    assert minutes == "3 phút"


def test_template_gettext_returns_markup_only_under_autoescape(app):
    with app.test_request_context():
        template = app.jinja_env.from_string(
            "{% autoescape false %}{{ _(s, x=v) }}{% endautoescape %}"
        )
        assert template.render(s="%(x)s", v="<i>") == "<i>"
        escaped = app.jinja_env.from_string("{{ _(s, x=v) }}").render(s="%(x)s", v="<i>")
        assert escaped == "&lt;i&gt;"
        assert isinstance(Markup(escaped), Markup)


def test_remembered_csrf_token_is_valid_and_per_session(app, learner, auth_client, courses):
    """Pages reuse the signed token of a session's raw token; it must pass CSRF checks, and
    another session must get its own."""
    first, second = auth_client(learner), auth_client(learner)
    page = first.get("/dashboard").text
    again = first.get("/profile").text
    assert _token(page) == _token(again)
    other = _token(second.get("/dashboard").text)
    assert other != _token(page)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = first.post("/language", data={"lang": "en", "csrf_token": other})
        assert refused.status_code == 400
        accepted = first.post("/language", data={"lang": "en", "csrf_token": _token(page)})
        assert accepted.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
