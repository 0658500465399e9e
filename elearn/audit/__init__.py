"""Security audit log (S24): who did what, when (UTC), from where; never secrets.

`record` adds the row to the current unit of work: it is kept only if the action is.
`record_refused` is for refused or failed actions (a wrong password, a denied page):
its row is written in its own transaction after the unit ends, so it survives the
rollback of the refused request. `record_denied` is `record_refused` for refused access
to someone else's object, rate-limited per user so that probing ids cannot flood the table.
"""

from __future__ import annotations

import logging

from flask import current_app, has_request_context, request
from limits import parse_many
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import insert

from elearn.audit.models import AuditEvent
from elearn.core.db import keep_on_rollback
from elearn.core.text import clean_line
from elearn.core.time import utcnow
from elearn.extensions import db, limiter

log = logging.getLogger("elearn.audit")


def _row(event: str, user_id: int | None, subject: str, detail: str) -> dict:
    ip = (request.remote_addr or "") if has_request_context() else "cli"
    row = {
        "at": utcnow(),
        "event": event,
        "user_id": user_id,
        "subject": clean_line(subject),
        "ip": ip[:45],
        "detail": clean_line(detail, 500),
    }
    log.info("%s user=%s subject=%r ip=%s %s", event, user_id, row["subject"], ip, row["detail"])
    return row


def record(event: str, user_id: int | None = None, subject: str = "", detail: str = "") -> None:
    """Add an audit row to the current unit of work and mirror it to the log."""
    db.session.add(AuditEvent(**_row(event, user_id, subject, detail)))


def record_refused(
    event: str, user_id: int | None = None, subject: str = "", detail: str = ""
) -> None:
    """Audit a refused or failed action; the row survives the unit's rollback."""
    row = _row(event, user_id, subject, detail)

    def write() -> None:
        with db.engine.begin() as connection:
            connection.execute(insert(AuditEvent), [row])

    keep_on_rollback(write)


def record_denied(event: str, user_id: int | None, subject: str, detail: str = "") -> bool:
    """Audit refused access to another's object, at most AUDIT_DENIED_PER_USER rows per user.

    Returns whether a row was written; beyond the limit only the log line remains.
    """
    ip = (request.remote_addr or "") if has_request_context() else "cli"
    key = str(user_id) if user_id is not None else "ip:" + ip
    strategy = MovingWindowRateLimiter(limiter.storage)
    rules = parse_many(current_app.config["AUDIT_DENIED_PER_USER"])
    if all([strategy.hit(rule, "audit-denied", key) for rule in rules]):
        record_refused(event, user_id, subject, detail)
        return True
    log.info(
        "%s user=%s subject=%r ip=%s (not stored: over the limit)",
        event,
        user_id,
        clean_line(subject),
        ip,
    )
    return False
