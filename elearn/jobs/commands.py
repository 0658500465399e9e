"""Commands: `flask jobs worker|list|retry|sweep` and `flask maintenance prune`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from elearn.core.db import unit_of_work
from elearn.extensions import db
from elearn.jobs import queue
from elearn.jobs.models import Job

jobs_cli = AppGroup("jobs", help="Background jobs: the worker, failures and retries.")
maintenance_cli = AppGroup("maintenance", help="Housekeeping.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run what is due now, then exit (cron, tests).")
@click.option(
    "--no-periodic",
    "periodic",
    flag_value=False,
    default=True,
    help="Do not schedule the periodic tasks (extra workers beside the first one).",
)
def worker(burst: bool, periodic: bool) -> None:
    """Run queued jobs (with REDIS_URL) and the periodic tasks."""
    from elearn.jobs.periodic import PERIODIC
    from elearn.jobs.worker import run_with_redis, run_without_redis

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    tasks = ", ".join(f"{t.name} every {t.every // 60} min" for t in PERIODIC)
    url = app.config.get("REDIS_URL")
    if url:
        click.echo(
            f"Working queue {queue.QUEUE_NAME!r}; periodic tasks: {tasks if periodic else 'off'}."
        )
        run_with_redis(app, url, burst=burst, periodic=periodic)
        return
    if not periodic:
        click.echo("REDIS_URL is not set: jobs run in the web processes; nothing to do here.")
        return
    click.echo(
        "REDIS_URL is not set: jobs run in the web processes right after their commit; "
        f"this process runs the periodic tasks ({tasks})."
    )
    try:
        run_without_redis(app, burst=burst)
    except KeyboardInterrupt:
        pass


@jobs_cli.command("list")
@click.option("--failed", is_flag=True, help="Only failed jobs.")
@click.option("--limit", default=50, show_default=True, help="How many, newest first.")
def list_jobs(failed: bool, limit: int) -> None:
    """Show recent jobs: id, state, attempts, created (UTC), name, last error."""
    rows = db.session.scalars(queue.jobs_query(*(["failed"] if failed else [])).limit(limit))
    count = 0
    for row in rows:
        count += 1
        created = row.created_at.strftime("%Y-%m-%d %H:%M:%S")
        line = f"{row.id:>6}  {row.state:<8} {row.attempts:>2}  {created}  {row.name}"
        if row.last_error and row.state == "failed":
            line += f"  {row.last_error.splitlines()[0][:200]}"
        click.echo(line)
    if not count:
        click.echo("No failed jobs." if failed else "No jobs.")


@jobs_cli.command("retry")
@click.argument("job_id", type=int)
def retry(job_id: int) -> None:
    """Queue a failed job again."""
    with unit_of_work():
        queued = queue.retry(job_id)
    if not queued:
        click.echo(f"Job {job_id} is not a failed job.", err=True)
        raise SystemExit(1)
    # Without Redis the job has already run, right after the commit.
    row = db.session.get(Job, job_id, populate_existing=True)
    click.echo(f"Job {job_id} queued again; it is now {row.state if row else 'gone'}.")


@jobs_cli.command("sweep")
def sweep() -> None:
    """Dispatch queued jobs that waited too long again (the worker does this every minute)."""
    with unit_of_work():
        count = queue.sweep()
    minutes = current_app.config["JOB_STALE_MINUTES"]
    click.echo(f"{count} job(s) queued over {minutes} minutes ago dispatched again.")


@maintenance_cli.command("prune")
def prune() -> None:
    """Delete expired sessions and tokens, old audit rows and old finished jobs."""
    from elearn.jobs.retention import prune as prune_rows

    with unit_of_work():
        counts = prune_rows()
    for table, count in counts.items():
        click.echo(f"{table}: {count} deleted")
