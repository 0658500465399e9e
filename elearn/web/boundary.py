"""The web request as a unit of work: one commit at the end, or none.

A request opens a unit before any view runs. When the response is ready, the unit
commits if the response is a success or a redirect (status < 400) and rolls back
otherwise, so a refused form loses nothing that was already saved and saves nothing
half-done. An exception rolls back. Deferred work (mail, jobs) runs only after the commit.

Safe methods (GET, HEAD, OPTIONS) change no business state. Two writes may happen on
them: refreshing a session's last-seen time (at most once a minute, in its own short
transaction after the unit, see `elearn.auth.sessions`) and closing a timed quiz attempt
whose deadline has passed (`elearn.quiz.attempts.finalize_if_expired`), committed here.
If such a commit fails (SQLite busy), the page is still served: nothing the learner did
is lost, and the attempt is closed on the next look or by the scheduled job.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from sqlalchemy.exc import DBAPIError

from elearn.core.db import begin_unit, current_unit, end_unit

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def register(app: Flask) -> None:
    @app.before_request
    def _open_unit() -> None:
        begin_unit(write=request.method not in SAFE_METHODS)

    @app.after_request
    def _close_unit(response: Response) -> Response:
        if current_unit() is None:
            return response
        try:
            end_unit(commit=response.status_code < 400)
        except DBAPIError:
            if request.method in SAFE_METHODS:
                log.warning("Commit of a %s request failed; page served anyway", request.method)
                return response
            log.exception("Commit failed; answered 503")  # method and path: see elearn.web.logs
            from elearn.web.errors import busy_response

            return busy_response()
        return response

    @app.teardown_request
    def _drop_unit(exc: BaseException | None) -> None:
        # after_request does not run when an exception escapes (PROPAGATE_EXCEPTIONS).
        if current_unit() is not None:
            end_unit(commit=False)
