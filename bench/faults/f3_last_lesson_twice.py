#!/usr/bin/env python3
"""F3: the last lesson completed from two sessions (two phones) at the same moment.

20 trials, one learner each: every quiz passed and every lesson but the last done; two
separate logins open the last lesson and press "Mark as complete" together.
Pass: per learner 1 completion row for the lesson, 1 course completion, 1 certificate;
every response a redirect, no 500.

    .venv/bin/python bench/faults/f3_last_lesson_twice.py [--db postgresql|sqlite]
"""

from __future__ import annotations

from functools import partial

from drill import (
    SLUG,
    Browser,
    Result,
    form_to,
    instance,
    last_lesson_slug,
    main,
    prepare_learners,
    run_threads,
    tracebacks_in,
)

TRIALS = 20
QUIZZES = ("kiem-tra-phan-1", "kiem-tra-phan-2", "kiem-tra-phan-3", "kiem-tra-cuoi-khoa")


def _press(phones: list[Browser], path: str, forms: list[dict], results: list, i: int) -> None:
    results[i] = phones[i].post(path, forms[i])[0]


def run(kind: str) -> Result:
    result = Result("F3", kind)
    with instance(kind, "f3") as inst:
        learners = prepare_learners(
            inst, "f3_", TRIALS, skip_last_lesson=True, pass_quizzes=QUIZZES
        )
        last = last_lesson_slug(inst)
        result.check(
            "course completions before (SQL)",
            inst.scalar("SELECT count(*) FROM enrollments WHERE completed_at IS NOT NULL"),
            0,
        )
        inst.start()
        path = f"/courses/{SLUG}/lessons/{last}"
        completions = []
        browsers = []
        for learner in learners:
            phones = [Browser(inst.port), Browser(inst.port)]
            forms = []
            for phone in phones:
                phone.login(learner.email)
                status, page, _ = phone.get(path)
                assert status == 200, status
                forms.append(form_to(page, f"{path}/complete"))
            statuses = [0, 0]
            run_threads(2, partial(_press, phones, f"{path}/complete", forms, statuses))
            completions.append(statuses)
            browsers += phones
        for b in browsers:
            result.statuses.update(b.statuses)
        flat = sorted({s for pair in completions for s in pair})
        result.check("statuses of the 2x20 completions", flat, [302])
        rows = inst.rows(
            """SELECT u.id,
                 (SELECT count(*) FROM lesson_completions c JOIN lessons l ON l.id = c.lesson_id
                    WHERE c.user_id = u.id AND l.slug = :last),
                 (SELECT count(*) FROM enrollments e WHERE e.user_id = u.id
                    AND e.completed_at IS NOT NULL),
                 (SELECT count(*) FROM certificates c WHERE c.user_id = u.id)
               FROM users u WHERE u.email LIKE 'f3_%' ORDER BY u.id""",
            last=last,
        )
        result.check("trials", len(rows), TRIALS)
        for column, name in enumerate(
            ("last-lesson completion rows", "course completions", "certificates"), start=1
        ):
            result.check(f"{name} per learner (SQL)", sorted({r[column] for r in rows}), [1])
        result.check("5xx responses", sum(n for s, n in result.statuses.items() if s >= 500), 0)
        result.check("tracebacks in the server log", tracebacks_in(inst), 0)
        result.done = f"{TRIALS} trials: the last lesson ({last}) completed from 2 sessions at once"
    return result


if __name__ == "__main__":
    main("F3", run, ("postgresql", "sqlite"))
