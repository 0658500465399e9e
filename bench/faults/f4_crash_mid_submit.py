#!/usr/bin/env python3
"""F4: a crash in the middle of a submission, then the same submission again.

1. Injected crash (no pytest covers it): gunicorn serves `faulty_wsgi:app`; while its flag
   file exists, the submission raises after writing the answers, the grade, the course
   completion and the certificate, before the commit. Expected: 500 page without a
   traceback, and nothing of it stored.
2. `kill -9` of a gunicorn worker: 12 learners submit all at once; as soon as the first
   answer comes back, one worker is killed (3 sync workers with 11 submissions still
   queued: every worker is in the middle of one then); gunicorn starts a new one.
   Repeated for several rounds; at least one submission must have been cut off.
After each crash every attempt is checked by SQL to be either wholly stored (submitted,
graded, completion, certificate, every answer) or not at all (open, only the autosaved
answers, no grade, no completion, no certificate). Then each learner whose submission got
no redirect posts the same form again. Pass: 0 half-stored attempts; afterwards exactly 1
finished attempt, 1 completion and 1 certificate per learner.

    .venv/bin/python bench/faults/f4_crash_mid_submit.py [--db postgresql|sqlite]
"""

from __future__ import annotations

import os
import signal
import threading
import time
from functools import partial
from typing import Any

from drill import (
    AtTheFinalQuiz,
    Browser,
    Instance,
    Result,
    instance,
    main,
    prepare_learners,
    quiz_id,
    run_threads,
)

INJECTED = 3
ROUNDS = 3
PER_ROUND = 12
OTHER_QUIZZES = ("kiem-tra-phan-1", "kiem-tra-phan-2", "kiem-tra-phan-3")


class Sitting(AtTheFinalQuiz):
    """One learner at the final quiz: an open attempt with half the answers autosaved."""

    def __init__(self, inst: Instance, email: str) -> None:
        super().__init__(inst, email)
        half = dict(list(self.answers.items())[: len(self.answers) // 2])
        status, _ = self.browser.autosave(self.attempt_id, self.form, half)
        assert status == 200, status
        self.autosaved = len(half)
        self.status = 0

    def submit(self) -> int:
        self.status = self.browser.submit(self.attempt_id, dict(self.form), self.answers)[0]
        return self.status


def outcomes(inst: Instance, sittings: list[Sitting]) -> tuple[int, int, int]:
    """(wholly stored, not stored at all, half-stored) among these attempts, by SQL."""
    whole = nothing = half = 0
    for s in sittings:
        state, graded, answers, completed, certificates = inst.rows(
            """SELECT a.state, a.score IS NOT NULL AND a.submitted_at IS NOT NULL,
                 (SELECT count(*) FROM attempt_answers x WHERE x.attempt_id = a.id),
                 (SELECT count(*) FROM enrollments e WHERE e.user_id = a.user_id
                    AND e.completed_at IS NOT NULL),
                 (SELECT count(*) FROM certificates c WHERE c.user_id = a.user_id)
               FROM quiz_attempts a WHERE a.id = :a""",
            a=s.attempt_id,
        )[0]
        if (state, bool(graded), answers, completed, certificates) == (
            "submitted",
            True,
            len(s.answers),
            1,
            1,
        ):
            whole += 1
        elif (state, bool(graded), answers, completed, certificates) == (
            "open",
            False,
            s.autosaved,
            0,
            0,
        ):
            nothing += 1
        else:
            half += 1
    return whole, nothing, half


def wait_for_workers(inst: Instance, count: int = 3, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if len(inst.server.worker_pids()) == count and Browser(inst.port).get("/healthz")[0] == 200:
            return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not replace the killed worker")


def _submit(sittings: list[Sitting], answered: threading.Event, i: int) -> None:
    sittings[i].submit()
    answered.set()


def run(kind: str) -> Result:
    result = Result("F4", kind)
    with instance(kind, "f4") as inst:
        flag = inst.tmp / "fail-submissions"
        inst.env["FAULTS_FAIL_FILE"] = str(flag)
        learners = prepare_learners(
            inst, "f4_", INJECTED + ROUNDS * PER_ROUND, pass_quizzes=OTHER_QUIZZES
        )
        inst.start("faulty_wsgi:app")
        every: list[Sitting] = []

        # 1. The injected crash between the writes and the commit.
        injected = [Sitting(inst, learner.email) for learner in learners[:INJECTED]]
        flag.touch()
        crashed: list[Any] = []
        for s in injected:
            status, page, _ = s.browser.submit(s.attempt_id, dict(s.form), s.answers)
            crashed.append((status, b"Traceback" in page or b"InjectedFault" in page))
        flag.unlink()
        result.check("injected: responses (status, traceback shown)", sorted(set(crashed)),
                     [(500, False)])  # fmt: skip
        result.check("injected: whole/none/half (SQL)", outcomes(inst, injected), (0, INJECTED, 0))
        retried = [s.submit() for s in injected]
        result.check("injected: retries with the same form", sorted(set(retried)), [303])
        every += injected

        # 2. kill -9 of a worker while every worker is busy with a submission.
        killed: list[int] = []
        cut = 0
        half_after_kill = 0
        committed_anyway = 0
        for round_no in range(ROUNDS):
            first = INJECTED + round_no * PER_ROUND
            sittings = [Sitting(inst, lr.email) for lr in learners[first : first + PER_ROUND]]
            victim = inst.server.worker_pids()[round_no % 3]

            answered = threading.Event()

            def kill(pid: int = victim, answered: threading.Event = answered) -> None:
                if answered.wait(60):
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)

            killer = threading.Thread(target=kill, daemon=True)
            killer.start()
            run_threads(PER_ROUND, partial(_submit, sittings, answered))
            killer.join(60)
            wait_for_workers(inst)
            lost = [s for s in sittings if s.status != 303]
            cut += sum(1 for s in sittings if s.status == 0)
            whole, nothing, half = outcomes(inst, sittings)
            half_after_kill += half
            committed_anyway += sum(1 for s in lost if outcomes(inst, [s]) == (1, 0, 0))
            for s in lost:
                s.submit()
            every += sittings

        result.check("workers killed with SIGKILL", len(killed), ROUNDS)
        result.check("kills that cut off a submission in flight > 0", cut > 0, True)
        result.check("half-stored attempts after a kill (SQL)", half_after_kill, 0)
        result.notes.append(
            f"submissions cut off by the kills (no response): {cut}; of the unanswered, "
            f"already committed before the kill: {committed_anyway}"
        )
        for s in every:
            result.statuses.update(s.browser.statuses)
        result.check(
            "final statuses of every learner's submission", sorted({s.status for s in every}),
            [303],
        )  # fmt: skip
        final = quiz_id(inst)
        rows = inst.rows(
            """SELECT u.id,
                 (SELECT count(*) FROM quiz_attempts a WHERE a.user_id = u.id
                    AND a.quiz_id = :q AND a.state = 'submitted'),
                 (SELECT count(*) FROM quiz_attempts a WHERE a.user_id = u.id
                    AND a.quiz_id = :q AND a.score = 100),
                 (SELECT count(*) FROM enrollments e WHERE e.user_id = u.id
                    AND e.completed_at IS NOT NULL),
                 (SELECT count(*) FROM certificates c WHERE c.user_id = u.id)
               FROM users u WHERE u.email LIKE 'f4_%'""",
            q=final,
        )
        result.check("learners", len(rows), len(every))
        for column, name in enumerate(
            ("finished attempts", "graded 100", "completions", "certificates"), start=1
        ):
            result.check(f"{name} per learner (SQL)", sorted({r[column] for r in rows}), [1])
        result.done = (
            f"{INJECTED} submissions crashed by an injected exception before the commit; "
            f"{ROUNDS} rounds of {PER_ROUND} simultaneous submissions with one worker "
            "killed (SIGKILL) when the first answer came back; then the same forms posted again"
        )
    return result


if __name__ == "__main__":
    main("F4", run, ("postgresql", "sqlite"))
