"""Sending e-mail with the standard library (SMTP), after the database commit.

Without MAIL_SERVER (development) the message is written to the log instead; in tests
(MAIL_SUPPRESS_SEND) it is kept in `app.extensions["elearn_outbox"]`.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str) -> None:
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if cfg.get("MAIL_SUPPRESS_SEND"):
        current_app.extensions.setdefault("elearn_outbox", []).append(message)
        return
    if not cfg.get("MAIL_SERVER"):
        log.info("MAIL_SERVER is not set; e-mail to %s not sent:\n%s", to, body)
        return
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(message)
