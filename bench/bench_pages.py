#!/usr/bin/env python3
"""Benchmark: the learner's pages against /healthz, with wrk, under gunicorn.

Builds a throw-away instance (SQLite file, or a throw-away PostgreSQL database with
--db postgresql), 1,000 learners enrolled in the three shipped courses with progress,
starts gunicorn with 2 workers, logs one learner in (before anything is timed), then
runs wrk (Debian's package: `apt-get install wrk`) against each page in turn, interleaved
with /healthz, for several repetitions. For each page it prints throughput, the ratio to
/healthz measured in the same repetition (min / median / max), and the CPU time the
gunicorn workers spent per request (from /proc, so wrk's own CPU is not counted), plus
the gzip size of a first visit to a lesson.

    .venv/bin/python bench/bench_pages.py [--db sqlite|postgresql] [--seconds 5] [--reps 5]
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from common import (  # noqa: E402
    PASSWORD,
    Client,
    insert_learners,
    pg_database,
    setup_instance,
    start_gunicorn,
    worker_cpu_seconds,
)

LESSON_COURSE = "thuong-mai-dien-tu"


def prepare(env: dict[str, str], learners: int) -> None:
    """Learners, enrolments with figures, lesson completions and a few quiz attempts."""
    setup_instance(env)
    from sqlalchemy import insert, select

    from elearn import create_app
    from elearn.content import structure
    from elearn.content.models import Course
    from elearn.core.db import unit_of_work
    from elearn.extensions import db
    from elearn.learn.models import Enrollment, LessonCompletion

    with create_app().app_context(), unit_of_work():
        users = insert_learners("learner", learners)
        courses = [structure.published(slug) for slug in db.session.scalars(select(Course.slug))]
        rng = random.Random(7)
        enrol, done = [], []
        for uid in users:
            for course in courses:
                if uid != users[0] and rng.random() >= 0.7:
                    continue
                count = rng.randint(0, len(course.lessons))
                required = sum(1 for lesson in course.lessons[:count] if lesson.required)
                enrol.append(
                    {
                        "user_id": uid,
                        "course_id": course.course_id,
                        "lessons_done": required,
                        "lessons_total": len(course.required_lessons),
                        "quizzes_total": len(course.required_quizzes),
                        "percent": 0,
                        "province_code": "14",
                        "learner_group": "household",
                    }
                )
                done += [
                    {"user_id": uid, "lesson_id": lesson.id} for lesson in course.lessons[:count]
                ]
        db.session.execute(insert(Enrollment), enrol)
        db.session.execute(insert(LessonCompletion), done)
        print(
            f"data: {len(users)} learners, {len(courses)} courses, "
            f"{len(enrol)} enrolments, {len(done)} lesson completions"
        )


def login(port: int, email: str) -> Client:
    client = Client(port)
    _, page, _ = client.request("GET", "/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
    status, _, _ = client.request(
        "POST", "/login", urlencode({"login": email, "password": PASSWORD, "csrf_token": token})
    )
    assert status == 302, status
    return client


def wrk(port: int, path: str, cookie: str, seconds: float, connections: int) -> tuple:
    """Requests per second wrk measured (non-2xx responses make it fail loudly)."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "-H", f"Cookie: {cookie}",
         f"http://127.0.0.1:{port}{path}"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    if "Non-2xx" in out:
        raise RuntimeError(f"{path}: errors under load:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rate, int(re.search(r"(\d+) requests in", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8765)
    opts = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    with tempfile.TemporaryDirectory() as tmp, pg_database(opts.db, opts.pg, "bench_pages") as url:
        instance = Path(tmp)
        env = {**os.environ, "ELEARN_INSTANCE_PATH": str(instance), "ELEARN_ENV": "development"}
        if url:
            env["DATABASE_URL"] = url
        prepare(env, opts.learners)
        server = start_gunicorn(env, opts.workers, opts.port)
        try:
            client = login(opts.port, "learner0@bench.vn")
            status, course_page, _ = client.request("GET", f"/courses/{LESSON_COURSE}")
            lesson = re.findall(
                rf'href="(/courses/{LESSON_COURSE}/lessons/[^"]+)"', course_page.decode()
            )[2]
            pages = {
                "lesson": lesson,
                "course": f"/courses/{LESSON_COURSE}",
                "dashboard": "/dashboard",
                "catalogue": "/courses",
            }
            for path in pages.values():
                status, body, _ = client.request("GET", path)
                assert status == 200, (path, status)
            _, html, _ = client.request("GET", lesson)
            css = client.request("GET", "/static/css/elearn.css")[1]
            js = client.request("GET", "/static/js/elearn.js")[1]
            sizes = [len(gzip.compress(body, 6)) for body in (html, css, js)]
            # Taken after the first pages, as a browser would keep it: the session cookie
            # then holds the CSRF token, so no page has to set a new cookie under load.
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            ratios: dict[str, list[float]] = {name: [] for name in pages}
            rps: dict[str, list[float]] = {name: [] for name in [*pages, "healthz"]}
            cpu: dict[str, list[float]] = {name: [] for name in [*pages, "healthz"]}
            pids = server.worker_pids()
            for _rep in range(opts.reps):
                for name, path in [("healthz", "/healthz"), *pages.items()]:
                    before = worker_cpu_seconds(pids)
                    rate, count = wrk(opts.port, path, cookie, opts.seconds, opts.connections)
                    cpu[name].append(1000 * (worker_cpu_seconds(pids) - before) / count)
                    rps[name].append(rate)
                for name in pages:
                    ratios[name].append(rps[name][-1] / rps["healthz"][-1])
                time.sleep(0.2)
            print(
                f"\n{opts.db}, gunicorn {opts.workers} sync workers, wrk 1 thread "
                f"{opts.connections} connections, {opts.seconds:g}s x {opts.reps} reps"
            )
            print(f"{'page':10} {'req/s (median)':>15} {'ratio to /healthz min/med/max':>32} "
                  f"{'CPU ms/request':>15}")  # fmt: skip
            for name in ["healthz", *pages]:
                r = ratios.get(name)
                span = f"{min(r):.2f} / {statistics.median(r):.2f} / {max(r):.2f}" if r else "1"
                print(
                    f"{name:10} {statistics.median(rps[name]):15.1f} {span:>32} "
                    f"{statistics.median(cpu[name]):15.2f}"
                )
            print(
                f"\nlesson page first visit, gzip: html {sizes[0]} B + css {sizes[1]} B "
                f"+ js {sizes[2]} B = {sum(sizes) / 1024:.1f} KB"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
