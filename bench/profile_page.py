#!/usr/bin/env python3
"""Where a page's CPU time goes: call the WSGI app in-process under cProfile.

Builds a throw-away SQLite instance like bench_pages.py (or uses --db postgresql), logs a
learner in, then calls the page N times straight through the WSGI interface (no HTTP
client, no server) and prints the functions that use the most time, and the number of
SQL statements per request.

    .venv/bin/python bench/profile_page.py [--page lesson|course|dashboard|catalogue|healthz|all]
        [--requests 2000] [--sort cumulative|tottime]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

from bench_pages import LESSON_COURSE, prepare
from common import PASSWORD, pg_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", default="lesson")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--learners", type=int, default=1000)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, pg_database(opts.db, opts.pg, "bench_prof") as url:
        env = {**os.environ, "ELEARN_INSTANCE_PATH": tmp, "ELEARN_ENV": "development"}
        if url:
            env["DATABASE_URL"] = url
        prepare(env, opts.learners)
        os.environ.update(env)
        from sqlalchemy import event

        from elearn import create_app
        from elearn.extensions import db

        app = create_app()
        client = app.test_client()
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post(
            "/login",
            data={"login": "learner0@bench.vn", "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302
        course = client.get(f"/courses/{LESSON_COURSE}").text
        lesson = re.findall(rf'href="(/courses/{LESSON_COURSE}/lessons/[^"]+)"', course)[2]
        paths = {
            "lesson": lesson,
            "course": f"/courses/{LESSON_COURSE}",
            "dashboard": "/dashboard",
            "catalogue": "/courses",
            "healthz": "/healthz",
        }
        path = paths.get(opts.page, "/healthz")
        cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "5000",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "HTTP_COOKIE": cookie,
            "REMOTE_ADDR": "127.0.0.1",
        }

        def call() -> None:
            status = []

            def start_response(line, headers):
                status.append(line)
                for name, value in headers:
                    if name == "Set-Cookie" and value.startswith(app.config["SESSION_COOKIE_NAME"]):
                        environ["HTTP_COOKIE"] = value.split(";", 1)[0]

            body = app.wsgi_app(dict(environ), start_response)
            b"".join(body)
            if hasattr(body, "close"):
                body.close()
            assert status[0].startswith("200"), status

        if opts.page == "all":
            # CPU per request of every page, no profiler: a quick before/after check.
            for name, each in paths.items():
                environ["PATH_INFO"] = each
                for _ in range(50):
                    call()
                start = time.process_time()
                for _ in range(opts.requests):
                    call()
                spent = 1000 * (time.process_time() - start) / opts.requests
                print(f"{name:10} {spent:.2f} ms CPU per request")
            return
        for _ in range(50):
            call()
        statements: list[str] = []
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        call()
        print(f"{path}: {len(statements)} SQL statements per request")
        for statement in statements:
            print("   ", " ".join(statement.split())[:140])
        start = time.process_time()
        for _ in range(opts.requests):
            call()
        plain = time.process_time() - start
        print(f"{1000 * plain / opts.requests:.2f} ms CPU per request (no profiler)")
        start = time.process_time()
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(opts.requests):
            call()
        profiler.disable()
        elapsed = time.process_time() - start
        print(f"{1000 * elapsed / opts.requests:.2f} ms CPU per request (under the profiler)")
        stats = pstats.Stats(profiler).sort_stats(opts.sort)
        stats.print_stats(opts.top)
        if os.environ.get("CALLERS"):
            stats.print_callers(os.environ["CALLERS"])


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
