"""Error pages (HTML) and error bodies (JSON under /api/) without internals."""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

log = logging.getLogger(__name__)


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Please check what you entered."),
        401: _("Please log in first."),
        403: _("You do not have permission to see this page."),
        404: _("We could not find that page."),
        405: _("That action is not allowed here."),
        409: _("That conflicts with what is already saved."),
        413: _("What you sent is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Please try again in a moment."),
        503: _("The service is busy or under maintenance. Please try again shortly."),
    }


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(
    status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
):
    if wants_json():
        error: dict = {"code": code, "message": message}
        if fields:
            error["fields"] = fields
        return {"error": error}, status
    return render_template("errors/error.html", status=status, message=message), status


def busy_response():
    """The database was too busy to save the change (SQLite lock timeout, lost connection)."""
    response = error_response(503, "busy", _messages()[503])
    return current_app.make_response(response)


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        if isinstance(exc, SecurityError):
            # The Host header is not in TRUSTED_HOSTS: Flask could not build a URL adapter,
            # so the page is a plain one with no links.
            message = _("This address is not served here. Check the address you typed.")
            if wants_json():
                return error_response(400, "untrusted_host", message)
            return render_template("errors/bad_host.html", message=message), 400
        status = exc.code or 500
        message = _messages().get(status) or exc.name
        code = (exc.name or "error").lower().replace(" ", "_")
        if exc.description and getattr(exc, "elearn_message", False):
            message = exc.description
            code = getattr(exc, "elearn_code", code)
        return error_response(status, code, message, getattr(exc, "elearn_fields", None))

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return handle_http(exc)
        # The method and path are fields of the JSON line (elearn.web.logs), escaped there;
        # never in the message, which another handler might write as plain text.
        log.exception("Unhandled error")
        if app.config.get("PROPAGATE_EXCEPTIONS"):
            raise exc
        return error_response(500, "internal_error", _messages()[500])

    app.register_error_handler(InternalServerError, handle_http)
