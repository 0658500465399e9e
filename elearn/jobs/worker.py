"""`flask jobs worker`: runs queued jobs and the periodic tasks.

With REDIS_URL: an RQ worker on the "elearn" queue, and RQ's cron scheduler (rq.cron,
interval jobs) in a thread of the same process, enqueueing `run_periodic(name)` for each
task of `PERIODIC`. The worker is a SimpleWorker that gives every job its own app context:
no fork per job, so no database connection is ever shared between processes, and our jobs
are short. Extra workers for more throughput can run with `--no-periodic`.

Without REDIS_URL: jobs already run in the web processes right after their commit, so the
worker only runs the periodic tasks, in a loop. Cron can do the same instead (README).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.cron import CronScheduler

from elearn.jobs.periodic import PERIODIC, run_periodic
from elearn.jobs.queue import JOB_TIMEOUT, QUEUE_NAME

log = logging.getLogger(__name__)


class AppWorker(SimpleWorker):
    """An RQ worker running each job in this process, inside a fresh app context."""

    def __init__(self, *args: Any, app: Flask, **kwargs: Any) -> None:
        self.app = app
        super().__init__(*args, **kwargs)

    def execute_job(self, job: Any, queue: Queue) -> None:
        with self.app.app_context():
            super().execute_job(job, queue)


def build_cron(connection: Redis) -> CronScheduler:
    """RQ's cron scheduler with every periodic task registered as an interval job."""
    scheduler = CronScheduler(connection=connection)
    for task in PERIODIC:
        scheduler.register(
            run_periodic,
            QUEUE_NAME,
            args=(task.name,),
            interval=task.every,
            job_timeout=JOB_TIMEOUT,
            result_ttl=0,
            name=f"elearn.{task.name}",
        )
    return scheduler


class CronThread(threading.Thread):
    """Runs the cron scheduler's loop beside the worker (signals belong to the main thread)."""

    def __init__(self, scheduler: CronScheduler) -> None:
        super().__init__(name="elearn-cron", daemon=True)
        self.scheduler = scheduler
        self.stopping = threading.Event()

    def run(self) -> None:
        scheduler = self.scheduler
        try:
            scheduler.register_birth()
        except RedisError:
            log.exception("Periodic tasks: Redis is not answering")
        while not self.stopping.is_set():
            try:
                if scheduler.enqueue_jobs():
                    scheduler.save()
                scheduler.heartbeat()
                pause = scheduler.calculate_sleep_interval()
            except RedisError:
                log.exception("Periodic tasks: Redis is not answering; trying again in 10 s")
                pause = 10
            self.stopping.wait(pause)
        try:
            scheduler.register_death()
        except RedisError:
            pass


def run_with_redis(app: Flask, url: str, burst: bool = False, periodic: bool = True) -> None:
    """Work the RQ queue; schedule the periodic tasks (burst: enqueue each once, drain, exit)."""
    # Its own connection: RQ raises the socket timeout to suit its blocking dequeue.
    connection = Redis.from_url(url)
    worker = AppWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection, app=app)
    cron = CronThread(build_cron(connection)) if periodic else None
    if cron is not None:
        if burst:
            cron.scheduler.enqueue_jobs()
        else:
            cron.start()
    try:
        worker.work(burst=burst)
    finally:
        if cron is not None and cron.is_alive():
            cron.stopping.set()
            cron.join(timeout=5)


def run_without_redis(
    app: Flask,
    burst: bool = False,
    stop: threading.Event | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Run each periodic task when due, in this process, until stopped (burst: once each)."""
    stop = stop or threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    due = {task.name: 0.0 for task in PERIODIC}
    try:
        while not stop.is_set():
            for task in PERIODIC:
                if clock() >= due[task.name]:
                    with app.app_context():
                        run_periodic(task.name)
                    due[task.name] = clock() + task.every
            if burst:
                return
            stop.wait(max(0.0, min(due.values()) - clock()))
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
