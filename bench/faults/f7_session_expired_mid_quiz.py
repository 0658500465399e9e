#!/usr/bin/env python3
"""F7: the session (and with it the CSRF token) expires in the middle of a long quiz.

Each learner starts the final quiz and the page autosaves half of the answers. Then the
session passes its idle limit (its last-seen time is moved back 3 hours in the database:
the server's own check ends it). The page's next autosave and the "submit" press (with
every answer) meet the expired session. The learner logs in again from where the login
page sends them, and posts the old page's form once more (its CSRF token is from before
the login). Today's behaviour is the bar: the answers autosaved before the session ended
are still stored, the attempt is still open and resumes after the login with those
answers shown, and can then be finished; nothing answers 500.

    .venv/bin/python bench/faults/f7_session_expired_mid_quiz.py [--db postgresql|sqlite]
"""

from __future__ import annotations

from datetime import timedelta

from drill import (
    FINAL,
    PASSWORD,
    Browser,
    Instance,
    Result,
    form_fields,
    form_to,
    instance,
    main,
    path_of,
    prepare_learners,
    right_answers,
    shown_on,
    stored_answers,
)

LEARNERS = 3
OTHER_QUIZZES = ("kiem-tra-phan-1", "kiem-tra-phan-2", "kiem-tra-phan-3")


def end_sessions_by_idleness(inst: Instance, user_id: int) -> None:
    """Move the learner's sessions' last-seen time back past the idle limit."""
    from sqlalchemy import update

    from elearn.auth.models import UserSession
    from elearn.core.db import unit_of_work
    from elearn.core.time import utcnow

    with inst.app.app_context(), unit_of_work():
        from elearn.extensions import db

        db.session.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id)
            .values(last_seen_at=utcnow() - timedelta(hours=3))
        )


def run(kind: str) -> Result:
    result = Result("F7", kind)
    with instance(kind, "f7") as inst:
        learners = prepare_learners(inst, "f7_", LEARNERS, pass_quizzes=OTHER_QUIZZES)
        inst.start()
        seen: dict[str, set] = {"expired autosave": set(), "expired submit": set(),
                                "old token after login": set()}  # fmt: skip
        preserved = resumed = shown_ok = finished = 0
        for learner in learners:
            b = Browser(inst.port)
            b.login(learner.email)
            attempt_id = b.start_quiz(FINAL)
            page_form = b.attempt_form(attempt_id)
            with inst.context():
                answers = right_answers(attempt_id)
            early = dict(list(answers.items())[: len(answers) // 2])
            assert b.autosave(attempt_id, page_form, early)[0] == 200
            saved = stored_answers(inst, attempt_id)

            end_sessions_by_idleness(inst, learner.id)
            status, data = b.autosave(attempt_id, dict(page_form), answers)
            seen["expired autosave"].add(status)
            status, _, headers = b.submit(attempt_id, dict(page_form), answers)
            seen["expired submit"].add(status)
            state = inst.scalar("SELECT state FROM quiz_attempts WHERE id = :a", a=attempt_id)
            preserved += stored_answers(inst, attempt_id) == saved and state == "open"

            # Log in again where the login page sends the learner.
            login_path = path_of(headers.get("Location", "/login"))
            _, page, _ = b.get(login_path)
            status, _, headers = b.post(
                login_path, {**form_to(page, ""), "login": learner.email, "password": PASSWORD}
            )
            status, page, path = b.landing(status, headers)
            resumed += (status, path) == (200, f"/attempts/{attempt_id}")
            if status == 200 and path == f"/attempts/{attempt_id}":
                shown_ok += shown_on(page, "/submit") == set(form_fields(early))
            # The old page (token from before the login) autosaves once more.
            status, _ = b.autosave(attempt_id, dict(page_form), answers)
            seen["old token after login"].add(status)
            if status != 200:
                result.check(
                    f"refused old-token save kept the answers ({attempt_id})",
                    stored_answers(inst, attempt_id) == saved,
                    True,
                )
            fresh = b.attempt_form(attempt_id)
            b.autosave(attempt_id, fresh, answers)
            status, _, _ = b.submit(attempt_id, fresh, answers)
            score = inst.scalar("SELECT score FROM quiz_attempts WHERE id = :a", a=attempt_id)
            finished += (status, score) == (303, 100)
            result.statuses.update(b.statuses)

        for name, statuses in seen.items():
            result.notes.append(f"{name}: {sorted(statuses)}")
        result.check("autosaved answers still stored, attempt open (SQL)", preserved, LEARNERS)
        result.check("re-login lands on the attempt", resumed, LEARNERS)
        result.check("resumed page shows the saved answers", shown_ok, LEARNERS)
        result.check("finished after re-login, graded 100 (SQL)", finished, LEARNERS)
        result.check("5xx responses", sum(n for st, n in result.statuses.items() if st >= 500), 0)
        result.done = (
            f"{LEARNERS} learners: half the answers autosaved, session idle-expired, "
            "autosave + submit on the dead session, re-login, old-token save, finish"
        )
    return result


if __name__ == "__main__":
    main("F7", run, ("postgresql", "sqlite"))
