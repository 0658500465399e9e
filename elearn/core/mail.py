"""E-mail through Flask-Mailman, configured from the MAIL_* settings.

With MAIL_SERVER set, messages go out by SMTP. Without it, development writes each message
to the log (`LoggingEmailBackend`); production refuses to pretend, so the job that sends
the message fails visibly (`flask jobs list --failed`, /admin/jobs) and no reset link ends
up in a log file. Tests use Flask-Mailman's locmem backend: `app.extensions["mailman"].outbox`.

Mail is sent from background jobs (`elearn.jobs`), never from a view: a slow or failing
SMTP server must not turn a request into an error.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app
from flask_mailman import EmailMessage
from flask_mailman.backends.base import BaseEmailBackend

from elearn.extensions import mail

log = logging.getLogger(__name__)


class MailNotConfigured(RuntimeError):
    """Production has no MAIL_SERVER: the message was not sent."""


class LoggingEmailBackend(BaseEmailBackend):
    """Writes messages to the log instead of sending them (development without MAIL_SERVER)."""

    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        if current_app.config["ENV_NAME"] == "production":
            # The body may hold a reset link: never log it where operators read logs.
            raise MailNotConfigured("MAIL_SERVER is not set: e-mail not sent")
        for message in email_messages:
            # A warning: with no logging set up, Python still prints it to the console.
            log.warning(
                "MAIL_SERVER is not set; e-mail not sent:\n%s",
                message.message().as_bytes().decode("utf-8", "replace"),
            )
        return len(email_messages)


_LOG_BACKEND = f"{__name__}.LoggingEmailBackend"


def init_app(app: Flask) -> None:
    """Map our MAIL_* settings onto Flask-Mailman's and pick the backend."""
    cfg = app.config
    cfg.setdefault("MAIL_DEFAULT_SENDER", cfg["MAIL_FROM"])
    if not cfg.get("MAIL_BACKEND"):
        cfg["MAIL_BACKEND"] = "smtp" if cfg.get("MAIL_SERVER") else _LOG_BACKEND
    mail.init_app(app)


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text message (call it from a job, after the data it mentions exists)."""
    EmailMessage(subject=subject, body=body, to=[to]).send()
