#!/usr/bin/env python3
"""F6: a timed quiz submitted inside the grace period, after it, and never.

The final quiz's time limit is set to 1 minute in the throw-away database (its published
revision's settings) and the grace to 20 s (QUIZ_GRACE_SECONDS). Six learners start it
and autosave half of their answers at once; then, by the server's deadline:
- "inside": 2 submit every answer 10 s after the deadline (inside the grace);
- "after": 2 try to autosave and then submit every answer 3 s after the grace;
- "never": 2 close the browser; `flask quizzes close-expired` (the cron job) runs after
  the grace.
Pass (SQL): inside → graded on every answer, submitted after the deadline; after → the
late autosave refused (409), the attempt finished at the deadline with only the answers
saved before it; never → still open until the job, then finished at the deadline with
the answers saved before it. Only the server's clock decides (deadline from the
database); no 500.

    .venv/bin/python bench/faults/f6_timed_quiz.py [--db postgresql|sqlite]
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from drill import (
    AtTheFinalQuiz,
    Instance,
    Result,
    instance,
    main,
    prepare_learners,
    quiz_id,
    stored_answers,
)

GRACE = 20
OTHER_QUIZZES = ("kiem-tra-phan-1", "kiem-tra-phan-2", "kiem-tra-phan-3")
CASES = ("inside", "inside", "after", "after", "never", "never")


def attempt_info(inst: Instance, attempt_id: int) -> tuple:
    """(state, score, submitted_at, deadline) as the app reads them (UTC-aware)."""
    from elearn.extensions import db
    from elearn.quiz.models import QuizAttempt

    with inst.context():
        a = db.session.get(QuizAttempt, attempt_id)
        return a.state, a.score, a.submitted_at, a.deadline


def sleep_until(moment: datetime) -> None:
    wait = (moment - datetime.now(UTC)).total_seconds()
    if wait > 0:
        time.sleep(min(wait, 120))


class Sitting(AtTheFinalQuiz):
    def __init__(self, inst: Instance, case: str, email: str) -> None:
        super().__init__(inst, email)
        self.case = case
        self.early = dict(list(self.answers.items())[: len(self.answers) // 2])
        self.deadline = attempt_info(inst, self.attempt_id)[3]
        self.early_save = self.browser.autosave(self.attempt_id, self.form, self.early)[0]


def run(kind: str) -> Result:
    result = Result("F6", kind)
    with instance(kind, "f6", extra={"QUIZ_GRACE_SECONDS": str(GRACE)}) as inst:
        learners = prepare_learners(inst, "f6_", len(CASES), pass_quizzes=OTHER_QUIZZES)
        inst.execute(
            "UPDATE revision_quizzes SET time_limit_minutes = 1 WHERE quiz_id = :q",
            q=quiz_id(inst),
        )
        inst.start()
        grace = timedelta(seconds=GRACE)
        sittings = [Sitting(inst, case, lr.email) for case, lr in zip(CASES, learners, strict=True)]
        result.check("early autosaves", sorted({s.early_save for s in sittings}), [200])
        result.check(
            "deadline = start + 1 minute (SQL)",
            all(s.deadline is not None for s in sittings),
            True,
        )
        by_case = {case: [s for s in sittings if s.case == case] for case in set(CASES)}

        for s in by_case["inside"]:
            sleep_until(s.deadline + grace / 2)
            status, _, headers = s.browser.submit(s.attempt_id, s.form, s.answers)
            result.check(f"inside {s.attempt_id}: submit", status, 303)
        late_saves = []
        for s in by_case["after"]:
            sleep_until(s.deadline + grace + timedelta(seconds=3))
            late_saves.append(s.browser.autosave(s.attempt_id, dict(s.form), s.answers)[0])
            status, _, headers = s.browser.submit(s.attempt_id, s.form, s.answers)
            result.check(f"after {s.attempt_id}: submit", status, 303)
        result.check("after: late autosaves", sorted(set(late_saves)), [409])
        sleep_until(max(s.deadline for s in sittings) + grace + timedelta(seconds=1))
        result.check(
            "never: still open before the job (SQL)",
            [attempt_info(inst, s.attempt_id)[0] for s in by_case["never"]],
            ["open", "open"],
        )
        output = inst.flask("quizzes", "close-expired")
        result.check("close-expired says", output.split(" ", 1)[0], "2")

        for s in sittings:
            state, score, submitted_at, deadline = attempt_info(inst, s.attempt_id)
            stored = set(stored_answers(inst, s.attempt_id))
            if s.case == "inside":
                wanted = {int(k) for k in s.answers}
                expected = ("submitted", 100.0, True, len(wanted), True)
                on_time = deadline < submitted_at <= deadline + grace
            else:
                wanted = {int(k) for k in s.early}
                expected = ("submitted", score, True, len(wanted), True)
                on_time = submitted_at == deadline and score < 100
            result.check(
                f"{s.case} {s.attempt_id}: state, score, in time, answers, the right ones (SQL)",
                (state, score, on_time, len(stored), stored == wanted),
                expected,
            )
        for s in sittings:
            result.statuses.update(s.browser.statuses)
        result.check("5xx responses", sum(n for st, n in result.statuses.items() if st >= 500), 0)
        result.done = (
            "time limit 1 min, grace 20 s: 2 submit inside the grace, 2 save+submit after "
            "it, 2 never (closed by `flask quizzes close-expired`)"
        )
    return result


if __name__ == "__main__":
    main("F6", run, ("postgresql", "sqlite"))
