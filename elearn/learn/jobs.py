"""Learning jobs: bringing every enrolment's figures up to date after a publish."""

from __future__ import annotations

from elearn.core.events import revision_published
from elearn.jobs.queue import enqueue, job
from elearn.learn.completion import refresh_course


@job("learn.refresh_course")
def refresh_enrolments(course_id: int) -> int:
    """Recompute the figures (and completions) of every enrolment in a course."""
    return refresh_course(course_id)


@revision_published.connect
def _on_revision_published(sender, course_id: int, **_kwargs) -> None:
    # A new revision can add or remove required lessons and quizzes, or change a pass
    # mark: the stored figures of everyone enrolled must follow. Many learners: a job.
    enqueue("learn.refresh_course", course_id=course_id)
