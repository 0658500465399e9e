"""Background jobs: register by name, enqueue with the unit of work, dispatch, run, retry.

`enqueue` is a transactional outbox: the `jobs` row is written in the unit of work that
asks for the job, and dispatch is registered with `after_commit`, so a job exists only if
that work commits, and nothing runs for work that rolled back.

Dispatch: with REDIS_URL set, the RQ queue receives only the row's id (`flask jobs
worker` runs it); without it (the embedded default), the job runs in this process right
after the commit, in a fresh app context. Either way `run_job` claims the row (queued →
running), runs the function in its own unit of work that also marks the row done, and on
an exception records `failed` with the error in a transaction of its own.

If the push to Redis fails after the commit, the row stays `queued`; `sweep`, run every
minute by the worker, dispatches queued rows older than JOB_STALE_MINUTES again. A job
dispatched twice runs once: only a `queued` row can be claimed, and the RQ job id is
derived from the row id.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from flask import current_app
from redis import Redis
from rq import Queue
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job as RQJob
from rq.job import JobStatus
from sqlalchemy import Select, select, update
from sqlalchemy.exc import StatementError

from elearn import audit
from elearn.core.db import after_commit, current_unit, unit_of_work
from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.jobs.models import Job

log = logging.getLogger(__name__)

QUEUE_NAME = "elearn"
#: RQ stops a job that runs longer than this many seconds.
JOB_TIMEOUT = 600
#: A row still `running` this long after it started belongs to a worker that died.
RUNNING_STALE = timedelta(hours=1)
INTERRUPTED = "Interrupted: the process running this job stopped before it finished."
#: RQ states in which the job will still run: pushing it again would only duplicate it.
_WAITING_IN_RQ = {
    JobStatus.QUEUED,
    JobStatus.STARTED,
    JobStatus.DEFERRED,
    JobStatus.SCHEDULED,
    JobStatus.CREATED,
    JobStatus.READY_TO_ENQUEUE,
    JobStatus.RATE_LIMITED,
}
_URL_CREDENTIALS = re.compile(r"(\w+://)[^\s/@]+@")

JobFunction = Callable[..., Any]
F = TypeVar("F", bound=JobFunction)
_registry: dict[str, JobFunction] = {}


class UnknownJob(LookupError):
    """No job function is registered under this name."""


def job(name: str) -> Callable[[F], F]:
    """Register the decorated function as the job `name`; it takes JSON-able keyword args."""

    def register(fn: F) -> F:
        known = _registry.get(name)
        if known is not None and _qualified(known) != _qualified(fn):
            raise ValueError(f"job {name!r} is already registered to {_qualified(known)}")
        _registry[name] = fn
        return fn

    return register


def _qualified(fn: JobFunction) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def registered(name: str) -> JobFunction:
    """The function registered as `name`; raises UnknownJob."""
    try:
        return _registry[name]
    except KeyError:
        raise UnknownJob(f"no job registered as {name!r}") from None


def enqueue(name: str, **kwargs: Any) -> Job:
    """Add the job to the current unit of work; it is dispatched once the unit commits.

    Arguments must be JSON values and never secrets (the row and Redis keep them).
    """
    if current_unit() is None:
        raise RuntimeError("enqueue() needs an open unit of work (request, command or job)")
    registered(name)  # fail in the code that asked, not later in a worker
    args = json.loads(json.dumps(kwargs))  # TypeError now for values JSON cannot carry
    row = Job(name=name, args=args, state="queued", attempts=0, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    after_commit(partial(dispatch, row.id))
    return row


def dispatch(job_id: int) -> None:
    """Hand a committed job to Redis, or run it here; never raises into the caller."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        if app.config.get("REDIS_URL"):
            push(job_id)
        else:
            # A fresh app context: its own session, whatever the caller's holds.
            with app.app_context():
                run_job(job_id)
    except Exception:
        log.exception("Job %s was not dispatched; it stays queued for the sweep", job_id)


def redis_connection() -> Redis:
    """The app's connection for pushing jobs (short timeouts: a request is waiting)."""
    url = current_app.config["REDIS_URL"]
    cached = current_app.extensions.get("elearn_jobs_redis")
    if cached is None or cached[0] != url:
        connection = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        cached = current_app.extensions["elearn_jobs_redis"] = (url, connection)
    return cached[1]


def rq_job_id(job_id: int) -> str:
    return f"elearn-job-{job_id}"


def push(job_id: int) -> bool:
    """Put the job on the RQ queue unless it is waiting there already; True if pushed."""
    connection = redis_connection()
    queue = Queue(QUEUE_NAME, connection=connection)
    for _ in range(3):
        try:
            queue.enqueue(
                run_job,
                job_id,
                job_id=rq_job_id(job_id),
                unique=True,
                job_timeout=JOB_TIMEOUT,
                result_ttl=0,  # the jobs table is the record; RQ forgets finished jobs
                failure_ttl=7 * 24 * 3600,
            )
            return True
        except DuplicateJobError:
            try:
                earlier = RQJob.fetch(rq_job_id(job_id), connection=connection)
            except NoSuchJobError:
                continue  # it finished in between: push again
            if earlier.get_status(refresh=False) in _WAITING_IN_RQ:
                return False
            earlier.delete()  # a dead RQ record (worker killed): replace it
    return False


def run_job(job_id: int) -> str:
    """Run one recorded job in its own unit of work; returns its state afterwards.

    Called by the RQ worker, by in-process dispatch and by the sweep. Only a `queued` row
    is claimed, so a second dispatch of the same job does nothing ("skipped").
    """
    if current_unit() is not None:
        raise RuntimeError("run_job() opens its own unit of work; call it outside one")
    with unit_of_work():
        claimed = db.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == "queued")
            .values(
                state="running", attempts=Job.attempts + 1, started_at=utcnow(), finished_at=None
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        row = db.session.get(Job, job_id, populate_existing=True) if claimed else None
        name, args = (row.name, dict(row.args)) if row is not None else ("", {})
    if not claimed:
        return "skipped"
    try:
        with unit_of_work() as unit:
            result = registered(name)(**args)
            _finish(job_id, "done")
        if unit.doomed:
            raise RuntimeError("the job discarded its work")
    except Exception as exc:
        log.exception("Job %s (%s) failed", job_id, name)
        # The job's unit has rolled back; the failure is written in a unit of its own.
        with unit_of_work():
            _finish(job_id, "failed", describe(exc))
        return "failed"
    log.info("Job %s (%s) done: %s", job_id, name, result)
    return "done"


def _finish(job_id: int, state: str, error: str | None = None) -> None:
    values: dict[str, Any] = {"state": state, "finished_at": utcnow()}
    if error is not None:
        values["last_error"] = error
    db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == "running")
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def describe(exc: BaseException) -> str:
    """Type, message and the line that raised it, without SQL parameters or URL passwords."""
    shown: BaseException = exc
    if isinstance(exc, StatementError) and exc.orig is not None:
        shown = exc.orig  # the driver's message; SQLAlchemy's adds the statement's values
    message = _URL_CREDENTIALS.sub(r"\1***@", str(shown)).strip()
    frames = traceback.extract_tb(exc.__traceback__)
    where = ""
    if frames:
        last = frames[-1]
        where = f" (at {Path(last.filename).name}:{last.lineno} in {last.name})"
    return f"{type(exc).__name__}: {message}{where}"[:2000]


def retry(job_id: int, actor_id: int | None = None) -> bool:
    """Queue a failed job again (dispatched after the commit); False if it is not failed."""
    again = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == "failed")
        .values(state="queued", started_at=None, finished_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not again:
        return False
    audit.record("job.retried", actor_id, f"job {job_id}")
    after_commit(partial(dispatch, job_id))
    return True


@job("jobs.sweep")
def sweep() -> int:
    """Dispatch again queued jobs older than JOB_STALE_MINUTES; fail rows stuck running."""
    now = utcnow()
    stale = now - timedelta(minutes=current_app.config["JOB_STALE_MINUTES"])
    ids = list(
        db.session.scalars(
            select(Job.id)
            .where(Job.state == "queued", Job.created_at < stale)
            .order_by(Job.id)
            .limit(500)
        )
    )
    db.session.execute(
        update(Job)
        .where(Job.state == "running", Job.started_at < now - RUNNING_STALE)
        .values(state="failed", finished_at=now, last_error=INTERRUPTED)
        .execution_options(synchronize_session=False)
    )
    for job_id in ids:
        after_commit(partial(dispatch, job_id))
    return len(ids)


def jobs_query(*states: str) -> Select[tuple[Job]]:
    """Jobs in these states (all when none given), newest first."""
    query = select(Job).order_by(Job.created_at.desc(), Job.id.desc())
    if states:
        query = query.where(Job.state.in_(states))
    return query
