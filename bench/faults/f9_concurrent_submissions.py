#!/usr/bin/env python3
"""F9: 200 learners submit at the same moment (SQLite with WAL and busy_timeout, 3 workers).

200 learners log in, open the first section's quiz and wait with their page; then all
200 press "submit" together (one thread each, released by a barrier). Each submission
writes the answers, the grade and the learner's progress figures.
Pass: 0 "database is locked" errors in the server log, every response a redirect to the
result, and exact counts by SQL: 200 graded attempts (score 100), 200 enrolments with the
quiz counted as passed. Runs on PostgreSQL too, for comparison.

    .venv/bin/python bench/faults/f9_concurrent_submissions.py [--db sqlite|postgresql]
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from drill import (
    Browser,
    Instance,
    Result,
    instance,
    main,
    prepare_learners,
    quiz_id,
    right_answers,
    run_threads,
    worker_cpu_seconds,
)

LEARNERS = 200
QUIZ = "kiem-tra-phan-1"


class Sitting:
    def __init__(self, inst: Instance, email: str) -> None:
        self.browser = Browser(inst.port)
        self.browser.login(email)
        self.attempt_id = self.browser.start_quiz(QUIZ)
        self.form = self.browser.attempt_form(self.attempt_id)
        self.browser.close()
        self.answers: dict = {}
        self.status = 0
        self.location = ""


def _submit(sittings: list[Sitting], i: int) -> None:
    s = sittings[i]
    s.status, _, headers = s.browser.submit(s.attempt_id, s.form, s.answers)
    s.location = headers.get("Location", "")


def run(kind: str) -> Result:
    result = Result("F9", kind)
    with instance(kind, "f9") as inst:
        learners = prepare_learners(inst, "f9_", LEARNERS, lessons_done=0)
        inst.start()
        with ThreadPoolExecutor(4) as pool:
            sittings = list(pool.map(lambda lr: Sitting(inst, lr.email), learners))
        with inst.context():
            for s in sittings:
                s.answers = right_answers(s.attempt_id)
        pids = inst.server.worker_pids()
        cpu = worker_cpu_seconds(pids)
        started = time.monotonic()
        run_threads(LEARNERS, partial(_submit, sittings), timeout=300)
        elapsed = time.monotonic() - started
        cpu = worker_cpu_seconds(pids) - cpu
        for s in sittings:
            result.statuses.update(s.browser.statuses)
        submit_statuses = sorted({s.status for s in sittings})
        result.check("submission statuses", submit_statuses, [303])
        result.check(
            "redirected to the result",
            sum(s.location.endswith(f"/attempts/{s.attempt_id}/review") for s in sittings),
            LEARNERS,
        )
        log = inst.log_text()
        result.check('"database is locked" in the server log', log.count("database is locked"), 0)
        quiz = quiz_id(inst, QUIZ)
        result.check(
            "graded attempts, score 100 (SQL)",
            inst.scalar(
                "SELECT count(*) FROM quiz_attempts WHERE quiz_id = :q AND state = 'submitted'"
                " AND score = 100",
                q=quiz,
            ),
            LEARNERS,
        )
        result.check(
            "attempts in all (SQL)",
            inst.scalar("SELECT count(*) FROM quiz_attempts WHERE quiz_id = :q", q=quiz),
            LEARNERS,
        )
        result.check(
            "enrolments counting the quiz passed (SQL)",
            inst.scalar("SELECT count(*) FROM enrollments WHERE quizzes_passed = 1"),
            LEARNERS,
        )
        result.check("tracebacks in the server log", log.count("Traceback (most recent"), 0)
        result.notes.append(
            f"{LEARNERS} simultaneous submissions done in {elapsed:.1f} s "
            f"({LEARNERS / elapsed:.1f}/s), gunicorn workers' CPU "
            f"{1000 * cpu / LEARNERS:.0f} ms per submission"
        )
        result.done = f"{LEARNERS} learners press submit at once (1 thread each, a barrier)"
    return result


if __name__ == "__main__":
    main("F9", run, ("sqlite", "postgresql"))
