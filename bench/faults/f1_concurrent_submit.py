#!/usr/bin/env python3
"""F1: the same attempt submitted 20 times at once (threads, one cookie, the same form).

Each learner has every lesson done and the other quizzes passed, so the submission of
the final quiz (right answers) completes the course. Pass: per learner exactly 1
finished attempt, 1 grade, 1 completion, 1 certificate; every response 2xx/3xx or 409.

    .venv/bin/python bench/faults/f1_concurrent_submit.py [--db postgresql|sqlite]
"""

from __future__ import annotations

from functools import partial

from drill import (
    FINAL,
    Browser,
    Result,
    instance,
    main,
    merge_statuses,
    prepare_learners,
    quiz_id,
    right_answers,
    run_threads,
    tracebacks_in,
)

LEARNERS = 5
CONCURRENT = 20
OTHER_QUIZZES = ("kiem-tra-phan-1", "kiem-tra-phan-2", "kiem-tra-phan-3")


def _press_submit(tabs: list[Browser], attempt_id: int, hidden, answers, i: int) -> None:
    tabs[i].submit(attempt_id, hidden, answers)


def run(kind: str) -> Result:
    result = Result("F1", kind)
    with instance(kind, "f1") as inst:
        learners = prepare_learners(inst, "f1_", LEARNERS, pass_quizzes=OTHER_QUIZZES)
        inst.start()
        browsers: list[Browser] = []
        for learner in learners:
            browser = Browser(inst.port)
            browser.login(learner.email)
            attempt_id = browser.start_quiz(FINAL)
            hidden = browser.attempt_form(attempt_id)
            with inst.context():
                answers = right_answers(attempt_id)
            # 20 tabs of one browser: the same cookie, the same form, pressed together.
            tabs = [Browser(inst.port, browser.cookies) for _ in range(CONCURRENT)]
            run_threads(CONCURRENT, partial(_press_submit, tabs, attempt_id, hidden, answers))
            browsers += [browser, *tabs]
        merge_statuses(result, browsers)
        result.done = (
            f"{LEARNERS} learners x {CONCURRENT} simultaneous submits of one attempt "
            f"of {FINAL!r} (right answers, completes the course)"
        )
        bad = {s: n for s, n in result.statuses.items() if not (200 <= s < 400 or s == 409)}
        result.check("responses not 2xx/3xx/409", bad, {})
        final = quiz_id(inst)
        per_learner = inst.rows(
            f"""SELECT u.id,
                  (SELECT count(*) FROM quiz_attempts a WHERE a.user_id = u.id
                     AND a.quiz_id = {final}),
                  (SELECT count(*) FROM quiz_attempts a WHERE a.user_id = u.id
                     AND a.quiz_id = {final} AND a.state = 'submitted'),
                  (SELECT count(*) FROM quiz_attempts a WHERE a.user_id = u.id
                     AND a.quiz_id = {final} AND a.score IS NOT NULL),
                  (SELECT count(*) FROM enrollments e WHERE e.user_id = u.id
                     AND e.completed_at IS NOT NULL),
                  (SELECT count(*) FROM certificates c WHERE c.user_id = u.id)
                FROM users u WHERE u.email LIKE 'f1_%' ORDER BY u.id"""
        )
        result.check("learners", len(per_learner), LEARNERS)
        for column, name in enumerate(
            ("attempts", "finished attempts", "grades", "completions", "certificates"), start=1
        ):
            counts = sorted({row[column] for row in per_learner})
            result.check(f"{name} per learner (SQL)", counts, [1])
        result.check("tracebacks in the server log", tracebacks_in(inst), 0)
    return result


if __name__ == "__main__":
    main("F1", run, ("postgresql", "sqlite"))
