#!/usr/bin/env python3
"""Benchmark: quiz submission latency with 50 concurrent learners (gunicorn, PostgreSQL).

Creates a throw-away PostgreSQL database, loads the shipped courses, creates the learners
(enrolled, lessons done), starts gunicorn with 4 workers on 127.0.0.1, and lets every
learner loop for a fixed time through the API: start an attempt at a section quiz, save
the answers, submit. Prints the latency of submissions (and of saves) and the error count.

    .venv/bin/python bench/bench_quiz.py [--learners 50] [--workers 4] [--seconds 20]
        [--pg postgresql://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import tempfile
import threading
import time

from common import PASSWORD, insert_learners, setup_instance, start_gunicorn  # noqa: E402


def psql(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def prepare(env: dict[str, str], learners: int) -> None:
    setup_instance(env)
    from sqlalchemy import insert

    from elearn import create_app
    from elearn.content import structure
    from elearn.core.db import unit_of_work
    from elearn.extensions import db
    from elearn.learn.models import Enrollment, LessonCompletion

    with create_app().app_context(), unit_of_work():
        users = insert_learners("quiz", learners)
        course = structure.published("thuong-mai-dien-tu")
        lessons = [lesson.id for lesson in course.lessons]
        db.session.execute(
            insert(Enrollment),
            [
                {
                    "user_id": u,
                    "course_id": course.course_id,
                    "lessons_done": len(course.required_lessons),
                    "lessons_total": len(course.required_lessons),
                    "quizzes_total": len(course.required_quizzes),
                }
                for u in users
            ],
        )
        db.session.execute(
            insert(LessonCompletion),
            [{"user_id": u, "lesson_id": lid} for u in users for lid in lessons],
        )


class Api:
    def __init__(self, port: int) -> None:
        self.port = port
        self.token = ""

    def call(self, method: str, path: str, body: object | None = None) -> tuple[int, dict, float]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        start = time.perf_counter()
        conn.request(
            method,
            f"/api/v1{path}",
            body=None if body is None else json.dumps(body),
            headers=headers,
        )
        response = conn.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - start
        conn.close()
        return response.status, (json.loads(data) if data else {}), elapsed


def answer_everything(questions: list[dict]) -> dict[str, object]:
    """Plausible answers of the right shape (the score does not matter here)."""
    answers: dict[str, object] = {}
    for q in questions:
        options = q["options"]
        if q["type"] == "single":
            answers[str(q["id"])] = options[0]["id"]
        elif q["type"] == "multi":
            answers[str(q["id"])] = [options[0]["id"]]
        elif q["type"] == "truefalse":
            answers[str(q["id"])] = True
        elif q["type"] == "short":
            answers[str(q["id"])] = "OCOP"
        elif q["type"] == "numeric":
            answers[str(q["id"])] = 42
        elif q["type"] == "matching":
            answers[str(q["id"])] = {
                left["id"]: options["right"][0]["id"] for left in options["left"]
            }
    return answers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    opts = parser.parse_args()
    dbname = f"elearn_bench_{os.getpid()}"
    psql(opts.pg, f'CREATE DATABASE "{dbname}"')
    server = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "ELEARN_INSTANCE_PATH": tmp,
                "ELEARN_ENV": "development",
                "DATABASE_URL": f"{opts.pg}/{dbname}",
                "PASSWORD_HASH_METHOD": "scrypt:16384:8:1",
            }
            prepare(env, opts.learners)
            server = start_gunicorn(env, opts.workers, opts.port)
            probe = Api(opts.port)
            outline = probe.call("GET", "/courses/thuong-mai-dien-tu")[1]
            quiz_id = outline["sections"][0]["quizzes"][0]["id"]
            clients = []
            for i in range(opts.learners):
                api = Api(opts.port)
                status, body, _ = api.call(
                    "POST", "/auth/token", {"login": f"quiz{i}@bench.vn", "password": PASSWORD}
                )
                assert status == 201, (status, body)
                api.token = body["token"]
                clients.append(api)
            submits: list[float] = []
            saves: list[float] = []
            errors: list[int] = []
            lock = threading.Lock()
            barrier = threading.Barrier(len(clients))
            deadline_box: list[float] = []

            def learner(api: Api) -> None:
                barrier.wait()
                if not deadline_box:
                    deadline_box.append(time.monotonic() + opts.seconds)
                local_s, local_v, local_e = [], [], []
                while time.monotonic() < deadline_box[0]:
                    status, attempt, _ = api.call("POST", f"/quizzes/{quiz_id}/attempts")
                    if status not in (200, 201):
                        local_e.append(status)
                        continue
                    answers = answer_everything(attempt["questions"])
                    status, _, elapsed = api.call(
                        "PUT", f"/attempts/{attempt['attempt_id']}/answers", {"answers": answers}
                    )
                    (local_v.append(elapsed) if status == 200 else local_e.append(status))
                    status, _, elapsed = api.call(
                        "POST", f"/attempts/{attempt['attempt_id']}/submission"
                    )
                    (local_s.append(elapsed) if status == 200 else local_e.append(status))
                with lock:
                    submits.extend(local_s)
                    saves.extend(local_v)
                    errors.extend(local_e)

            threads = [threading.Thread(target=learner, args=(c,)) for c in clients]
            started = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - started

            def line(name: str, values: list[float]) -> str:
                values = sorted(values)
                return (
                    f"{name:11} n={len(values):5}  p50 {statistics.median(values) * 1000:7.1f} ms  "
                    f"p95 {values[int(len(values) * 0.95)] * 1000:7.1f} ms  "
                    f"max {values[-1] * 1000:7.1f} ms"
                )

            print(
                f"PostgreSQL, gunicorn workers={opts.workers}, "
                f"{opts.learners} concurrent learners, "
                f"{elapsed:.0f}s"
            )
            print(line("submission", submits))
            print(line("save", saves))
            print(
                f"submissions/s {len(submits) / elapsed:.1f}; "
                f"errors: {len(errors)} {sorted(set(errors))}"
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        psql(opts.pg, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


if __name__ == "__main__":
    main()
