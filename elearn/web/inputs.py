"""What the boundary refuses before any view runs: NUL bytes, oversized or deep JSON, huge ids.

PostgreSQL refuses NUL bytes in text (`psycopg.DataError`) and integers beyond its column
types ("integer out of range"); Python's JSON parser recurses once per nesting level. Left
to the views, each is an unauthenticated 500 on any route that reaches a query. One check
here covers every route, present and future: the path, the query string, form fields and
JSON bodies are refused with a clear 400 (413 for a JSON body that is too large), and the
`int` converter of every `<int:...>` rule is bounded, so a larger id is a plain 404.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, ValidationError

#: The largest id of an `<int:...>` rule: ids are PostgreSQL `integer` columns.
MAX_ID = 2**31 - 1

# Strings (with their escapes) are removed before counting brackets, so "[[[" in a
# string does not count as nesting.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


class BoundedIntConverter(IntegerConverter):
    """Flask's `int` converter, bounded to 0 … MAX_ID: a larger id matches no rule (404).

    The bound is in the regex, not only in `to_python`: werkzeug answers a value refused by
    `to_python` with 405 when a rule for another method has the same path.
    """

    # 0 … 2147483647 (= MAX_ID): up to 9 digits, or 10 digits no greater, digit by digit.
    regex = (
        r"(?:\d{1,9}|0\d{9}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}"
        r"|21474[0-7]\d{4}|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])"
    )

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("min", 0)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        # Python refuses int() of more than 4,300 digits with a ValueError: bail out early.
        if len(value.lstrip("-")) > len(str(self.max)):
            raise ValidationError()
        return super().to_python(value)


class BadInput(BadRequest):
    """A 400 whose message is shown as it is; in JSON with its code and the fields at fault."""

    elearn_message = True

    def __init__(
        self, message: str, code: str = "bad_request", fields: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.elearn_code = code
        self.elearn_fields = {name: [message] for name in fields or []} or None


def install_converter(app: Flask) -> None:
    """Replace Flask's `int` converter app-wide; call before any rule is added."""
    app.url_map.converters["int"] = BoundedIntConverter


def register(app: Flask) -> None:
    """Check every request before the other hooks (sessions, CSRF, the unit of work) run."""
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
    app.before_request_funcs[None].insert(0, apply_body_limit)


def large_body(setting: str) -> Any:
    """Let a view's requests be larger than MAX_CONTENT_LENGTH: up to `setting` MB.

    The limit is set on the request before anything reads its body (the hook below runs
    first of all), so only the views marked so accept more; beyond it, 413.
    """

    def mark(view: Any) -> Any:
        view.elearn_body_limit = setting
        return view

    return mark


def apply_body_limit() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    setting = getattr(view, "elearn_body_limit", None)
    if setting is not None:
        request.max_content_length = int(current_app.config[setting]) * 1024 * 1024


def check_request() -> None:
    """Refuse NUL bytes anywhere a request carries text, and JSON bodies too large or deep."""
    if "\x00" in request.path:
        raise _nul_refused()
    for key, value in request.args.items(multi=True):
        if _has_nul(key) or _has_nul(value):
            raise _nul_refused(key)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.is_json:
        _check_json_body()
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            if _has_nul(key) or _has_nul(value):
                raise _nul_refused(key)
        for key, upload in request.files.items(multi=True):
            if _has_nul(key) or _has_nul(upload.filename or ""):
                raise _nul_refused(key)


def _has_nul(value: Any) -> bool:
    return isinstance(value, str) and "\x00" in value


def _nul_refused(field: str | None = None) -> BadInput:
    """The refusal, naming the field at fault (as the API's validation errors do)."""
    message = _(
        "What you sent contains a character that is not allowed (a null byte). "
        "Please check what you entered."
    )
    return BadInput(message, "invalid", [field] if field else None)


def _check_json_body() -> None:
    data = request.get_data(cache=True)
    if len(data) > current_app.config["JSON_MAX_BYTES"]:
        raise RequestEntityTooLarge()
    if json_depth(data) > current_app.config["JSON_MAX_DEPTH"]:
        raise BadInput(_("What you sent is nested too deeply."))
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        for key, value in body.items():
            if _has_nul(key) or _json_has_nul(value):
                raise _nul_refused(key)
    elif _json_has_nul(body):
        raise _nul_refused("body")


def json_depth(data: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (without parsing it)."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub(b"", data)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _json_has_nul(value: Any) -> bool:
    # The depth is bounded already, so this recursion is too.
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _json_has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(v) for v in value)
    return False
