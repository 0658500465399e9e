"""Background jobs (a transactional outbox over RQ), the periodic tasks and retention.

Features register job functions with `@job("feature.name")` and ask for them with
`enqueue("feature.name", **json_args)` inside their unit of work, both from
`elearn.jobs.queue`. This module stays light: importing the `Job` model imports no RQ.
"""

from __future__ import annotations

from importlib import import_module

from flask import Flask

#: Every module that registers jobs: imported at start-up so a worker knows every name.
JOB_MODULES = (
    "elearn.jobs.queue",
    "elearn.jobs.retention",
    "elearn.auth.jobs",
    "elearn.quiz.jobs",
    "elearn.learn.jobs",
)


def init_app(app: Flask) -> None:
    for module in JOB_MODULES:
        import_module(module)
