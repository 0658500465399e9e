"""`wsgi:app` with a fault switch, for F4's injected crash (gunicorn faulty_wsgi:app).

While the file named by FAULTS_FAIL_FILE exists, issuing a certificate raises right after
its row is written: by then the submission has written the answers, the grade, the
course completion and the certificate, and nothing has been committed. The request must
end as a 500 with all of it rolled back.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from elearn.certificates import services
from wsgi import app

__all__ = ["app"]

_FLAG = Path(os.environ.get("FAULTS_FAIL_FILE", "/nonexistent/faults-flag"))
_issue = services.issue_certificate


class InjectedFault(RuntimeError):
    """The crash F4 injects between the writes of a submission and its commit."""


def _issue_then_fail(user_id: int, course_id: int) -> bool:
    issued = _issue(user_id, course_id)
    if _FLAG.exists():
        raise InjectedFault("F4: injected crash after the writes, before the commit")
    return issued


def _patch(module: Any) -> None:
    # The course_completed receiver looks the function up in its module at call time.
    module.issue_certificate = _issue_then_fail


_patch(services)
