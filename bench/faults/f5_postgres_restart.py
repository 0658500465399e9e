#!/usr/bin/env python3
"""F5: PostgreSQL restarted while learners work (a private cluster: never the shared one).

Starts its own PostgreSQL cluster (initdb into a temporary folder, run as the `postgres`
user when started as root, on a free loopback port), runs the app on it with 3 gunicorn
workers, and lets learners work: mark lessons complete, start a quiz, autosave, submit,
again and again. A few seconds in, the cluster is restarted (`pg_ctl restart -m fast`);
the load goes on; gunicorn is never restarted. Every acknowledgement the learners get is
logged (a lesson completion redirected onward, an autosave answered "saved", a submission
redirected to its result) and looked up in the database afterwards.
Pass: while the database is down the app answers 5xx pages without tracebacks (no
dropped connections); after it is back every learner completes a full round again; every
acknowledged write exists. The cluster is stopped and deleted at the end.

    .venv/bin/python bench/faults/f5_postgres_restart.py
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from drill import (
    SLUG,
    Browser,
    Instance,
    Result,
    form_to,
    free_port,
    instance,
    main,
    path_of,
    prepare_learners,
    right_answers,
    run_threads,
)
from sqlalchemy.exc import OperationalError

LEARNERS = 9
QUIZ = "kiem-tra-phan-1"
#: Load before the restart, and after the database is back, in seconds.
BEFORE, AFTER = 5.0, 8.0
#: A learner's rounds are bounded in count as well as in time.
MAX_ROUNDS = 200


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextmanager
def private_cluster() -> Iterator[tuple[str, callable]]:
    """A throw-away PostgreSQL cluster on 127.0.0.1: (base URL, restart function)."""
    bindir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
    home = Path(tempfile.mkdtemp(prefix="faults_pg_"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    data, log = home / "data", home / "server.log"
    port = free_port()
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1"

    def ctl(*args: str) -> None:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), *args]),
            check=True, stdout=subprocess.DEVNULL, timeout=120,
        )  # fmt: skip

    subprocess.run(
        _as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                      "-E", "UTF8", "--no-instructions"]),
        check=True, stdout=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip
    ctl("-o", options, "-w", "start")
    try:
        yield (
            f"postgresql://postgres@127.0.0.1:{port}",
            partial(ctl, "-o", options, "-m", "fast", "-w", "restart"),
        )
    finally:
        try:
            ctl("-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(home, ignore_errors=True)


class Worker:
    """One learner's loop: lessons one by one, then quiz rounds; what was acknowledged."""

    def __init__(self, inst: Instance, email: str, lessons: list[str], quiz_key_url: str):
        self.browser = Browser(inst.port)
        self.browser.login(email)
        self.inst = inst
        self.lessons = list(lessons)
        self.quiz_url = quiz_key_url
        self.acked_lessons: list[str] = []
        self.acked_saves: list[tuple[int, int]] = []
        self.acked_submissions: list[int] = []
        self.answers: dict[int, dict] = {}

    def round(self) -> bool:
        """One step of work; True if every request of it succeeded."""
        b = self.browser
        if self.lessons:
            path = f"/courses/{SLUG}/lessons/{self.lessons[0]}"
            status, page, _ = b.get(path)
            if status != 200:
                return False
            status, _, headers = b.post(f"{path}/complete", form_to(page, "/complete"))
            if status != 302 or "/login" in headers.get("Location", ""):
                return False
            self.acked_lessons.append(self.lessons.pop(0))
            return True
        status, page, _ = b.get(self.quiz_url)
        if status != 200:
            return False
        status, _, headers = b.post(f"{self.quiz_url}/start", form_to(page, "/start"))
        if status != 302:
            return False
        attempt_id = int(path_of(headers["Location"]).rsplit("/", 1)[1])
        status, page, _ = b.get(f"/attempts/{attempt_id}")
        if status != 200:
            return False
        form = form_to(page, "/submit")
        answers = self.answers.get(attempt_id)
        if answers is None:
            try:
                with self.inst.context():
                    answers = self.answers[attempt_id] = right_answers(attempt_id)
            except OperationalError:  # the drill's own read hit the restart: try again
                return False
        status, data = b.autosave(attempt_id, form, answers)
        if status != 200 or not data.get("saved"):
            return False
        self.acked_saves.append((attempt_id, len(answers)))
        status, _, headers = b.submit(attempt_id, form, answers)
        if status != 303 or not headers.get("Location", "").endswith("/review"):
            return False
        self.acked_submissions.append(attempt_id)
        return True


def _work(workers: list[Worker], stop_at: list[float], i: int) -> None:
    for _ in range(MAX_ROUNDS):
        if time.monotonic() >= stop_at[0]:
            return
        if not workers[i].round():
            time.sleep(0.1)  # a person waits a moment before trying again


def run(kind: str) -> Result:
    result = Result("F5", kind)
    with private_cluster() as (base, restart), instance(kind, "f5", pg_base=base) as inst:
        learners = prepare_learners(inst, "f5_", LEARNERS, lessons_done=0)
        from elearn.content import structure

        with inst.context():
            lessons = [lesson.slug for lesson in structure.published(SLUG).lessons]
        server = inst.start()
        master, pids_before = server.process.pid, sorted(server.worker_pids())
        quiz_url = f"/courses/{SLUG}/quizzes/{QUIZ}"
        workers = [Worker(inst, lr.email, lessons, quiz_url) for lr in learners]
        stop_at = [time.monotonic() + 600]  # set properly once the restart is done
        load = threading.Thread(
            target=run_threads, args=(LEARNERS, partial(_work, workers, stop_at)), daemon=True
        )
        load.start()
        time.sleep(BEFORE)
        down_from = time.monotonic()
        restart()
        back_at = time.monotonic()
        stop_at[0] = back_at + AFTER
        load.join(AFTER + 120)
        result.check("load threads finished", load.is_alive(), False)
        # After the load: every learner does one more full round, which must succeed.
        recovered = []
        for w in workers:
            w.lessons = []
            recovered.append(w.round())
        result.check("learners with a full round after the restart", sum(recovered), LEARNERS)
        result.check("gunicorn master not restarted", server.process.poll() is None
                     and server.process.pid == master, True)  # fmt: skip
        log = [entry for w in workers for entry in w.browser.log]
        for w in workers:
            result.statuses.update(w.browser.statuses)
        during = [e for e in log if down_from <= e[0] <= back_at]
        after = [e for e in log if e[0] > back_at]
        result.check("tracebacks in any response body", sum(e[4] for e in log), 0)
        result.check("dropped connections (no response)", result.statuses.get(0, 0), 0)
        errors_after = sum(1 for e in after if e[1] >= 500)
        result.notes.append(
            f"restart took {back_at - down_from:.1f} s; requests during it: {len(during)} "
            f"({sum(1 for e in during if e[1] >= 500)} 5xx); after it: {len(after)} "
            f"({errors_after} 5xx, the first use of a connection that died with the server)"
        )
        result.notes.append(
            f"worker pids before {pids_before}, after {sorted(server.worker_pids())}"
        )
        # Every acknowledgement against the database.
        missing_lessons = missing_saves = missing_submissions = 0
        acked = {"lessons": 0, "saves": 0, "submissions": 0}
        for lr, w in zip(learners, workers, strict=True):
            done = {
                row[0]
                for row in inst.rows(
                    "SELECT l.slug FROM lesson_completions c JOIN lessons l ON l.id = c.lesson_id"
                    " WHERE c.user_id = :u",
                    u=lr.id,
                )
            }
            missing_lessons += sum(1 for slug in w.acked_lessons if slug not in done)
            for attempt_id, count in w.acked_saves:
                stored = inst.scalar(
                    "SELECT count(*) FROM attempt_answers WHERE attempt_id = :a", a=attempt_id
                )
                missing_saves += stored < count
            for attempt_id in w.acked_submissions:
                state = inst.scalar("SELECT state FROM quiz_attempts WHERE id = :a", a=attempt_id)
                missing_submissions += state != "submitted"
            acked["lessons"] += len(w.acked_lessons)
            acked["saves"] += len(w.acked_saves)
            acked["submissions"] += len(w.acked_submissions)
        result.check("acknowledged lesson completions missing (SQL)", missing_lessons, 0)
        result.check("acknowledged autosaves missing (SQL)", missing_saves, 0)
        result.check("acknowledged submissions missing (SQL)", missing_submissions, 0)
        result.notes.append(f"acknowledged: {acked}")
        result.done = (
            f"{LEARNERS} learners working (lessons, quiz start/autosave/submit) on a private "
            f"cluster; pg_ctl restart -m fast after {BEFORE:.0f} s; {AFTER:.0f} s more load"
        )
    return result


if __name__ == "__main__":
    main("F5", run, ("postgresql",))
