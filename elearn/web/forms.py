"""Form helpers shared by every feature: the CSRF-only form, service errors, safe redirects."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for
from flask_wtf import FlaskForm

from elearn.core.errors import ServiceError


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for POST-only buttons (log out, enrol, complete)."""


def apply_errors(form: FlaskForm, error: ServiceError) -> None:
    """Show a service's per-field messages on the matching form fields."""
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + list(messages)
        else:
            form.form_errors.extend(messages)


def add_missing_errors(form: FlaskForm, fields: dict[str, list[str]]) -> None:
    """Add a service's messages to the fields the form's own validators found no fault in.

    The form stops a submission at its first checks; this lets every problem show at once.
    """
    for name, messages in fields.items():
        field = getattr(form, name, None)
        if field is not None and not field.errors:
            field.errors = list(messages)


def safe_next(default_endpoint: str = "learn.dashboard") -> str:
    """The ?next= target when it is a local path, else the default page.

    A control or invisible character is refused: CR/LF cannot go in a Location header
    (werkzeug raises), and browsers drop tabs and newlines from URLs, so "/\t/evil.example"
    would lead to //evil.example.
    """
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    if (
        target.isprintable()
        and target.startswith("/")
        and not target.startswith("//")
        and not parts.netloc
        and not parts.scheme
        and "\\" not in target
    ):
        return target
    return url_for(default_endpoint)
