"""Retention: delete what nobody needs any more (`flask maintenance prune`, daily from the worker).

- Sessions that ended (absolute limit, idle limit or revoked) more than TOKEN_RETENTION_DAYS
  ago; API tokens expired or revoked, and reset tokens expired or used, as long ago.
- Audit rows older than AUDIT_RETENTION_DAYS (730 by default: two years of security log).
- Done jobs finished more than JOB_RETENTION_DAYS ago. Failed jobs wait for someone to retry
  them, and go only once they are older than the audit retention.

Everything is deleted in one unit of work, so a failed run removes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, delete, or_, select

from elearn import audit
from elearn.audit.models import AuditEvent
from elearn.auth.models import ApiToken, PasswordResetToken, UserSession
from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.jobs.models import Job
from elearn.jobs.queue import job


def _delete(model: Any, *criteria: Any) -> int:
    statement = delete(model).where(or_(*criteria)).execution_options(synchronize_session=False)
    return db.session.execute(statement).rowcount


@job("maintenance.prune")
def prune() -> dict[str, int]:
    """Delete expired credentials, old audit rows and old finished jobs; returns counts."""
    cfg = current_app.config
    now = utcnow()
    tokens_cutoff = now - timedelta(days=cfg["TOKEN_RETENTION_DAYS"])
    audit_cutoff = now - timedelta(days=cfg["AUDIT_RETENTION_DAYS"])
    jobs_cutoff = now - timedelta(days=cfg["JOB_RETENTION_DAYS"])

    # A session also ends idle_minutes after last_seen_at. The column holds one value per
    # setting ever used, so one condition per value keeps the query portable and exact.
    idle_values = db.session.scalars(select(UserSession.idle_minutes).distinct()).all()
    idle_ended = [
        and_(
            UserSession.idle_minutes == minutes,
            UserSession.last_seen_at < tokens_cutoff - timedelta(minutes=minutes),
        )
        for minutes in idle_values
    ]
    counts = {
        "sessions": _delete(
            UserSession,
            UserSession.expires_at < tokens_cutoff,
            UserSession.revoked_at < tokens_cutoff,
            *idle_ended,
        ),
        "api_tokens": _delete(
            ApiToken, ApiToken.expires_at < tokens_cutoff, ApiToken.revoked_at < tokens_cutoff
        ),
        "reset_tokens": _delete(
            PasswordResetToken,
            PasswordResetToken.expires_at < tokens_cutoff,
            PasswordResetToken.used_at < tokens_cutoff,
        ),
        "audit_events": _delete(AuditEvent, AuditEvent.at < audit_cutoff),
        "jobs": _delete(
            Job,
            and_(Job.state == "done", Job.finished_at < jobs_cutoff),
            and_(Job.state == "failed", Job.finished_at < audit_cutoff),
        ),
    }
    audit.record("retention.pruned", None, "", " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts
