"""Security audit log (S24): who did what, when (UTC), from where; never secrets."""

from __future__ import annotations

import logging

from flask import has_request_context, request

from elearn.audit.models import AuditEvent
from elearn.core.text import clean_line
from elearn.extensions import db

log = logging.getLogger("elearn.audit")


def record(event: str, user_id: int | None = None, subject: str = "", detail: str = "") -> None:
    """Add an audit row to the current transaction and mirror it to the log."""
    ip = (request.remote_addr or "") if has_request_context() else "cli"
    subject = clean_line(subject)
    detail = clean_line(detail, 500)
    db.session.add(AuditEvent(event=event, user_id=user_id, subject=subject, ip=ip, detail=detail))
    log.info("%s user=%s subject=%r ip=%s %s", event, user_id, subject, ip, detail)
