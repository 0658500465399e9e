#!/usr/bin/env python3
"""F8: learner B posts to learner A's attempt while A is working on it (IDOR under load).

4 learners A work on the final quiz (10 autosaves each, then submit) while 4 learners B,
each logged in with a quiz page of their own (a valid CSRF token), hammer A's attempt
ids: autosave and plain save with wrong answers, submit, the attempt page, the result;
after A finished, A's result page and certificate PDF.
Pass: every request of B to A's things answered 403 or 404; A's attempts exactly as A
left them (SQL: submitted, graded 100, version = A's acknowledged saves plus the submit's
own save, A's answers);
B's own attempts untouched; no 500.

    .venv/bin/python bench/faults/f8_idor_under_load.py [--db postgresql|sqlite]
"""

from __future__ import annotations

from functools import partial

from drill import (
    FINAL,
    AtTheFinalQuiz,
    Browser,
    Instance,
    Result,
    instance,
    main,
    prepare_learners,
    run_threads,
    stored_answers,
    wrong_answers,
)

PAIRS = 4
SAVES = 10
PROBES = 12
OTHER_QUIZZES = ("kiem-tra-phan-1", "kiem-tra-phan-2", "kiem-tra-phan-3")


class Owner(AtTheFinalQuiz):
    def __init__(self, inst: Instance, email: str) -> None:
        super().__init__(inst, email)
        self.acked_saves = 0
        self.submitted = 0

    def work(self) -> None:
        for _ in range(SAVES):
            if self.browser.autosave(self.attempt_id, self.form, self.answers)[0] == 200:
                self.acked_saves += 1
        self.submitted = self.browser.submit(self.attempt_id, self.form, self.answers)[0]


class Intruder:
    def __init__(self, inst: Instance, email: str) -> None:
        self.browser = Browser(inst.port)
        self.browser.login(email)
        self.own_attempt = self.browser.start_quiz(FINAL)
        self.form = self.browser.attempt_form(self.own_attempt)
        with inst.context():
            self.wrong = wrong_answers(self.own_attempt)
        self.statuses: list[int] = []

    def probe(self, targets: list[int]) -> None:
        b = self.browser
        for i in range(PROBES):
            target = targets[i % len(targets)]
            fields = list(self.form.items()) + [(f"q-{qid}", "x") for qid in range(1, 4)]
            self.statuses.append(b.autosave(target, dict(self.form), self.wrong)[0])
            self.statuses.append(b.post(f"/attempts/{target}/save", fields)[0])
            self.statuses.append(b.post(f"/attempts/{target}/submit", list(self.form.items()))[0])
            self.statuses.append(b.get(f"/attempts/{target}")[0])

    def probe_results(self, targets: list[int], codes: list[str]) -> None:
        for target in targets:
            self.statuses.append(self.browser.get(f"/attempts/{target}/review")[0])
        for code in codes:
            self.statuses.append(self.browser.get(f"/certificates/{code}.pdf")[0])


def _act(owners: list[Owner], intruders: list[Intruder], targets: list[int], i: int) -> None:
    if i < len(owners):
        owners[i].work()
    else:
        intruders[i - len(owners)].probe(targets)


def run(kind: str) -> Result:
    result = Result("F8", kind)
    with instance(kind, "f8") as inst:
        learners = prepare_learners(inst, "f8_", 2 * PAIRS, pass_quizzes=OTHER_QUIZZES)
        inst.start()
        owners = [Owner(inst, lr.email) for lr in learners[:PAIRS]]
        intruders = [Intruder(inst, lr.email) for lr in learners[PAIRS:]]
        targets = [o.attempt_id for o in owners]
        own_before = {i.own_attempt: stored_answers(inst, i.own_attempt) for i in intruders}
        run_threads(2 * PAIRS, partial(_act, owners, intruders, targets))
        codes = [
            row[0]
            for row in inst.rows(
                "SELECT code FROM certificates WHERE user_id IN (SELECT user_id FROM "
                "quiz_attempts WHERE id IN (" + ",".join(map(str, targets)) + "))"
            )
        ]
        for intruder in intruders:
            intruder.probe_results(targets, codes)
        probes = [s for i in intruders for s in i.statuses]
        result.check(
            "B's requests to A's things answered other than 403/404",
            sorted(set(probes) - {403, 404}),
            [],
        )
        result.notes.append(
            f"{len(probes)} requests by B to A's attempts and certificates: "
            f"statuses {sorted(set(probes))}"
        )
        result.check("owners' submissions", sorted({o.submitted for o in owners}), [303])
        rows = []
        for o in owners:
            state, score, version = inst.rows(
                "SELECT state, score, version FROM quiz_attempts WHERE id = :a", a=o.attempt_id
            )[0]
            # The web submit saves the answers it carries first (one more version), then
            # grades: B's posts must have added none.
            rows.append(
                (state, score, version == o.acked_saves + 1,
                 set(stored_answers(inst, o.attempt_id)) == {int(k) for k in o.answers})
            )  # fmt: skip
        result.check(
            "A's attempts: state, score, version = A's saves + the submit's, A's answers (SQL)",
            sorted(set(rows)),
            [("submitted", 100.0, True, True)],
        )
        result.check("certificates of A (SQL)", len(codes), PAIRS)
        own_after = {a: stored_answers(inst, a) for a in own_before}
        result.check("B's own attempts untouched (SQL)", own_after == own_before, True)
        for b in [o.browser for o in owners] + [i.browser for i in intruders]:
            result.statuses.update(b.statuses)
        result.check("5xx responses", sum(n for st, n in result.statuses.items() if st >= 500), 0)
        result.done = (
            f"{PAIRS} learners A save x{SAVES} and submit while {PAIRS} learners B post "
            f"{PROBES}x(autosave, save, submit, page) to A's attempts, then A's result + PDF"
        )
    return result


if __name__ == "__main__":
    main("F8", run, ("postgresql", "sqlite"))
