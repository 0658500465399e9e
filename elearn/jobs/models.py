"""The jobs table: a transactional outbox and the record of every background job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from elearn.core.time import UTCDateTime, utcnow
from elearn.extensions import db

JOB_STATES = ("queued", "running", "done", "failed")


class Job(db.Model):
    """One run of a registered job function: written with the work that asked for it."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        # The sweep, the admin page and retention all select by state and age.
        Index("ix_jobs_state_created_at", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Registered name, e.g. "auth.send_password_reset" (see `elearn.jobs.queue.job`).
    name: Mapped[str] = mapped_column(String(100))
    #: Keyword arguments, JSON; ids and the like, never a secret.
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    #: How many times a run was started (a retry adds one).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: The last failure: exception type, message and where it was raised; no traceback locals.
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.name} {self.state}>"
