"""Quiz jobs: closing timed attempts nobody submitted (every 5 minutes from the worker)."""

from __future__ import annotations

from elearn.jobs.queue import job
from elearn.quiz.attempts import close_expired_attempts


@job("quiz.close_expired_attempts")
def close_expired() -> int:
    """Grade and close every open attempt past its deadline and grace."""
    return close_expired_attempts()
