#!/usr/bin/env python3
"""F2: a stale form re-submitted after finishing (Back button), and a stale page mid-attempt.

After finishing: the page as first loaded (old version, other answers) is posted again to
"submit", to "save" and through the autosave. Mid-attempt: two tabs of one attempt; one
saves, the other (still on the old version) saves, autosaves and submits other answers.
Pass: every stale post refused with the friendly (Vietnamese) message, no 500, and the
stored answers, score and state unchanged by SQL.

    .venv/bin/python bench/faults/f2_stale_forms.py [--db postgresql|sqlite]
"""

from __future__ import annotations

from drill import (
    FINAL,
    Browser,
    Result,
    flash_messages,
    in_vietnamese,
    instance,
    main,
    prepare_learners,
    right_answers,
    stored_answers,
    tracebacks_in,
    wrong_answers,
)

SUBMITTED = "This attempt was already submitted; here is its result."
CLOSED = "This attempt has already been submitted; its answers cannot change."
STALE = (
    "This page is out of date (the answers were changed in another window). "
    "Reload it to see the saved answers."
)
OTHER_QUIZZES = ("kiem-tra-phan-1", "kiem-tra-phan-2", "kiem-tra-phan-3")


def attempt_row(inst, attempt_id: int) -> tuple:
    return tuple(
        inst.rows(
            "SELECT state, score, submitted_at, version FROM quiz_attempts WHERE id = :a",
            a=attempt_id,
        )[0]
    )


def run(kind: str) -> Result:
    result = Result("F2", kind)
    with instance(kind, "f2") as inst:
        first, second = prepare_learners(inst, "f2_", 2, pass_quizzes=OTHER_QUIZZES)
        inst.start()
        submitted, closed, stale = (in_vietnamese(inst, m) for m in (SUBMITTED, CLOSED, STALE))

        # After finishing: the Back button brings back the page as it was first loaded.
        browser = Browser(inst.port)
        browser.login(first.email)
        attempt_id = browser.start_quiz(FINAL)
        old_page = browser.attempt_form(attempt_id)
        with inst.context():
            right, wrong = right_answers(attempt_id), wrong_answers(attempt_id)
        current = dict(old_page)
        browser.autosave(attempt_id, current, right)
        status, _, headers = browser.submit(attempt_id, current, right)
        result.check("finishing submit", status, 303)
        before = (attempt_row(inst, attempt_id), stored_answers(inst, attempt_id))
        status, _, headers = browser.submit(attempt_id, dict(old_page), wrong)
        landed = browser.landing(status, headers)
        result.check("stale submit after finishing: status", status, 303)
        result.check("  ... lands on the result page", landed[2], f"/attempts/{attempt_id}/review")
        result.check("  ... says (1)", submitted in flash_messages(landed[1]), True)
        status, _, headers = browser.post(
            f"/attempts/{attempt_id}/save",
            list(old_page.items()) + [(k, v) for k, v in _fields(wrong)],
        )
        landed = browser.landing(status, headers)
        result.check("stale save after finishing: status", status, 303)
        result.check("  ... says (2)", closed in flash_messages(landed[1]), True)
        status, data = browser.autosave(attempt_id, dict(old_page), wrong)
        result.check("stale autosave after finishing", (status, _message(data)), (409, closed))
        after = (attempt_row(inst, attempt_id), stored_answers(inst, attempt_id))
        result.check("attempt row and answers unchanged (SQL)", after == before, True)
        result.check("answers stored (SQL)", len(after[1]), len(right))

        # Mid-attempt: two tabs; the second saves, the first is now out of date.
        tab1 = Browser(inst.port)
        tab1.login(second.email)
        attempt_id = tab1.start_quiz(FINAL)
        tab2 = Browser(inst.port, tab1.cookies)
        page1, page2 = tab1.attempt_form(attempt_id), tab2.attempt_form(attempt_id)
        with inst.context():
            right, wrong = right_answers(attempt_id), wrong_answers(attempt_id)
        result.check("tab 2 autosave", tab2.autosave(attempt_id, page2, right)[0], 200)
        before = (attempt_row(inst, attempt_id), stored_answers(inst, attempt_id))
        status, data = tab1.autosave(attempt_id, dict(page1), wrong)
        result.check("stale tab autosave", (status, _message(data)), (409, stale))
        status, _, headers = tab1.post(
            f"/attempts/{attempt_id}/save", list(page1.items()) + _fields(wrong)
        )
        landed = tab1.landing(status, headers)
        result.check("stale tab save: status", status, 303)
        result.check("  ... says (3)", stale in flash_messages(landed[1]), True)
        status, _, headers = tab1.submit(attempt_id, dict(page1), wrong)
        landed = tab1.landing(status, headers)
        result.check("stale tab submit: status", status, 303)
        result.check("  ... back on the attempt page", landed[2], f"/attempts/{attempt_id}")
        result.check("  ... says (4)", flash_messages(landed[1]), [stale])
        after = (attempt_row(inst, attempt_id), stored_answers(inst, attempt_id))
        result.check("attempt still open, answers unchanged (SQL)", after == before, True)
        result.check("state (SQL)", after[0][0], "open")
        status, _, _ = tab2.submit(attempt_id, page2, right)
        result.check("tab 2 submit", status, 303)
        final = attempt_row(inst, attempt_id)
        result.check("tab 2's answers graded (SQL)", (final[0], final[1]), ("submitted", 100.0))

        for b in (browser, tab1, tab2):
            result.statuses.update(b.statuses)
        result.check("5xx responses", sum(n for s, n in result.statuses.items() if s >= 500), 0)
        result.check("tracebacks in the server log", tracebacks_in(inst), 0)
        result.done = (
            "finished attempt: stale submit, save and autosave; open attempt: "
            "stale tab's autosave, save and submit after the other tab saved"
        )
    return result


def _fields(answers):
    from drill import form_fields

    return form_fields(answers)


def _message(data: dict) -> str:
    return (data.get("error") or {}).get("message", "")


if __name__ == "__main__":
    main("F2", run, ("postgresql", "sqlite"))
