"""The app's log: one JSON object per line, with the request id, every control character escaped.

A log line written as plain text can be forged: a request path holding CR/LF (or NUL, or
a Unicode line separator) ends the real line and plants a fake one, such as
`/courses/%0a2026-… INFO elearn.audit login.succeeded`. As JSON lines, whatever a
request carries stays inside one string of one line. Each request has an id: the
client's `X-Request-ID` when it is well-formed (a proxy's or the app's), else a new one;
it is on every line logged during the request and in the response's `X-Request-ID`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_WELL_FORMED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
# json.dumps escapes C0 controls (U+0000–U+001F) but, with ensure_ascii=False, leaves DEL,
# the C1 controls (NEL U+0085 ends a line in some viewers), the line and paragraph
# separators and the bidi/format characters (which can make a line read backwards).
_UNESCAPED = re.compile(
    "[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
# Fields of a LogRecord itself; anything else on a record came through `extra=`.
_RECORD_FIELDS = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
}


def json_line(fields: dict[str, Any]) -> str:
    """One line of JSON whose every control and format character is escaped."""
    text = json.dumps(fields, ensure_ascii=False, default=str)
    return _UNESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class JsonLinesFormatter(logging.Formatter):
    """time (UTC, ISO-8601), level, logger, message, request_id, method, path, exception."""

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context():
            fields["request_id"] = g.get("request_id")
            fields["method"] = request.method
            fields["path"] = request.path
        fields.update(
            (key, value) for key, value in record.__dict__.items() if key not in _RECORD_FIELDS
        )
        if record.exc_info:
            fields["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            fields["stack"] = self.formatStack(record.stack_info)
        return json_line(fields)


class JsonLinesHandler(logging.StreamHandler):
    """The app's handler: JSON lines on standard error (gunicorn and systemd collect it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.setFormatter(JsonLinesFormatter())


def init_app(app: Flask) -> None:
    """Put the JSON-lines handler on the `elearn` logger (Flask's app.logger) and give each
    request an id, before every other hook so that even a refused request has one."""
    logger = logging.getLogger(app.import_name)
    for handler in list(logger.handlers):
        if isinstance(handler, JsonLinesHandler):
            logger.removeHandler(handler)
    # With a handler in place, Flask does not add its plain-text default one.
    logger.addHandler(JsonLinesHandler())
    logger.setLevel(app.config["LOG_LEVEL"])
    # Records still propagate (pytest's caplog listens on the root logger). In the web process
    # nothing configures the root logger; `flask db upgrade` does (alembic's fileConfig), so
    # there they are also written as plain text. Messages never hold raw request text: the
    # path is a field, and the audit log escapes what it quotes (elearn.core.text.clean_line).
    app.before_request_funcs.setdefault(None, []).insert(0, _assign_request_id)
    app.after_request(_send_request_id)


def request_id_from(header: str | None) -> str:
    """The client's id when it is well-formed, else a new random one."""
    if header and _WELL_FORMED_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def _assign_request_id() -> None:
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))


def _send_request_id(response: Response) -> Response:
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response
