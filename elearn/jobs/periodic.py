"""The periodic tasks, one table for both ways of running them (see `elearn.jobs.worker`).

Each task is a registered job run directly, without a `jobs` row while it succeeds (a
row every minute would bury the ones that matter). A failure is written as a `failed` job,
so it shows in `flask jobs list --failed` and on /admin/jobs and can be retried.
Every task is safe to run twice at once (two workers both scheduling): closing attempts
and pruning are idempotent, and a job dispatched twice by two sweeps runs once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from elearn.core.db import unit_of_work
from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.jobs.models import Job
from elearn.jobs.queue import describe, registered

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    """A registered job to run every `every` seconds."""

    name: str
    every: int


PERIODIC = (
    Periodic("quiz.close_expired_attempts", 5 * 60),
    Periodic("jobs.sweep", 60),
    Periodic("maintenance.prune", 24 * 3600),
)


def run_periodic(name: str) -> str:
    """Run one periodic task now in its own unit of work; a failure becomes a failed job."""
    started = utcnow()
    try:
        with unit_of_work():
            result = registered(name)()
    except Exception as exc:
        log.exception("Periodic task %s failed", name)
        with unit_of_work():
            db.session.add(
                Job(
                    name=name,
                    args={},
                    state="failed",
                    attempts=1,
                    last_error=describe(exc),
                    created_at=started,
                    started_at=started,
                    finished_at=utcnow(),
                )
            )
        return "failed"
    log.info("Periodic task %s done: %s", name, result)
    return "done"
