"""`flask quizzes …`: quiz housekeeping."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from elearn.core.cli import transactional

quizzes_cli = AppGroup("quizzes", help="Quiz housekeeping.")


@quizzes_cli.command("close-expired")
@transactional
def close_expired() -> None:
    """Grade every timed attempt whose deadline has passed (run it from cron)."""
    from elearn.quiz.attempts import close_expired_attempts

    click.echo(f"{close_expired_attempts()} expired attempt(s) graded and closed.")
