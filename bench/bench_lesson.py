#!/usr/bin/env python3
"""Benchmark: the lesson page vs a trivial endpoint, under gunicorn on SQLite.

Builds a throw-away instance (1,000 learners, the 3 shipped courses, their progress),
starts gunicorn on 127.0.0.1, loads both URLs with a fixed number of client threads
for a fixed time, and prints requests/s and latency percentiles, plus the gzip size of
the lesson page with its CSS and JS (what a first visit downloads).

    .venv/bin/python bench/bench_lesson.py [--workers 2] [--threads 8] [--seconds 10]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import random
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from common import PASSWORD, insert_learners, setup_instance, start_gunicorn  # noqa: E402


def prepare(instance: Path, learners: int) -> None:
    env = {**os.environ, "ELEARN_INSTANCE_PATH": str(instance), "ELEARN_ENV": "development"}
    setup_instance(env)
    from sqlalchemy import insert, select

    from elearn import create_app
    from elearn.catalog.models import Course, Lesson
    from elearn.extensions import db
    from elearn.learn.models import Enrollment, LessonCompletion

    with create_app().app_context():
        users = insert_learners("learner", learners)
        courses = list(db.session.scalars(select(Course.id)))
        lessons = {
            c: list(db.session.scalars(select(Lesson.id).where(Lesson.course_id == c)))
            for c in courses
        }
        rng = random.Random(7)
        enrol, done = [], []
        for uid in users:
            for cid in courses:
                if rng.random() < 0.7:
                    enrol.append({"user_id": uid, "course_id": cid})
                    for lid in lessons[cid][: rng.randint(0, len(lessons[cid]))]:
                        done.append({"user_id": uid, "lesson_id": lid})
        db.session.execute(insert(Enrollment), enrol)
        db.session.execute(insert(LessonCompletion), done)
        db.session.commit()
        print(
            f"data: {len(users)} learners, {len(courses)} courses, "
            f"{len(enrol)} enrolments, {len(done)} lesson completions"
        )


class Client:
    """A tiny cookie-keeping HTTP/1.1 client on one keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data, dict(response.headers)


def login(port: int, email: str) -> Client:
    client = Client(port)
    _, page, _ = client.request("GET", "/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
    status, _, _ = client.request(
        "POST", "/login", urlencode({"login": email, "password": PASSWORD, "csrf_token": token})
    )
    assert status == 302, status
    return client


def load(port: int, path: str, email: str, threads: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        client = login(port, email)
        local: list[float] = []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            status, _, _ = client.request("GET", path)
            local.append(time.perf_counter() - start)
            if status != 200:
                errors[0] += 1
        with lock:
            latencies.extend(local)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95)] * 1000,
        "requests": len(latencies),
        "errors": errors[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8765)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp)
        prepare(instance, opts.learners)
        env = {**os.environ, "ELEARN_INSTANCE_PATH": str(instance), "ELEARN_ENV": "development"}
        server = start_gunicorn(env, opts.workers, opts.port)
        try:
            from sqlalchemy import select

            from elearn import create_app
            from elearn.catalog.models import Course, Lesson
            from elearn.extensions import db

            with create_app().app_context():
                course = db.session.scalar(
                    select(Course).where(Course.slug == "thuong-mai-dien-tu")
                )
                lesson = db.session.scalars(
                    select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)
                ).all()[2]
            email = "learner0@bench.vn"
            client = login(opts.port, email)
            client.request("POST", "/courses/thuong-mai-dien-tu/enroll", None)
            lesson_path = f"/courses/{course.slug}/lessons/{lesson.slug}"
            status, html, _ = client.request("GET", lesson_path)
            assert status == 200, status
            css = client.request("GET", "/static/css/elearn.css")[1]
            js = client.request("GET", "/static/js/elearn.js")[1]
            sizes = {
                name: len(gzip.compress(body, 6))
                for name, body in (("html", html), ("css", css), ("js", js))
            }
            print(
                f"gunicorn workers={opts.workers}, client threads={opts.threads}, "
                f"{opts.seconds:.0f}s per URL"
            )
            results = {}
            for name, path in (("trivial /healthz", "/healthz"), ("lesson page", lesson_path)):
                results[name] = r = load(opts.port, path, email, opts.threads, opts.seconds)
                print(
                    f"{name:18} {r['rps']:8.1f} req/s  p50 {r['p50']:6.1f} ms  "
                    f"p95 {r['p95']:6.1f} ms  ({r['requests']} requests, {r['errors']} errors)"
                )
            ratio = results["lesson page"]["rps"] / results["trivial /healthz"]["rps"]
            print(f"lesson/trivial throughput ratio: {ratio:.2f} (target >= 0.25, aim 0.5)")
            total = sum(sizes.values())
            print(
                f"lesson page first visit, gzip: html {sizes['html']} B + css {sizes['css']} B "
                f"+ js {sizes['js']} B = {total / 1024:.1f} KB (target < 50 KB)"
            )
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
