"""Shared set-up for the benchmark scripts: a throw-away instance, learners, gunicorn."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
PASSWORD = "benchmark password 2026"


def setup_instance(env: dict[str, str]) -> None:
    """Migrate, load regions and sync the shipped courses, as the README's set-up does."""
    for args in (["db", "upgrade"], ["regions", "load"], ["courses", "sync"]):
        subprocess.run(
            [PY, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    os.environ.update(env)


def insert_learners(prefix: str, count: int) -> list[int]:
    """Insert `count` learners (one shared hash: fast) and return all user ids."""
    from sqlalchemy import insert, select

    from elearn.auth.models import User
    from elearn.auth.passwords import hash_password
    from elearn.extensions import db

    password_hash = hash_password(PASSWORD)
    db.session.execute(
        insert(User),
        [
            {
                "email": f"{prefix}{i}@bench.vn",
                "password_hash": password_hash,
                "full_name": f"Học viên {i}",
                "role": "learner",
                "learner_group": "household",
                "province_code": "14",
                "organisation": "",
                "active": True,
            }
            for i in range(count)
        ],
    )
    return list(db.session.scalars(select(User.id)))


class Gunicorn:
    """A gunicorn master started for a benchmark, and its workers."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    # Older scripts call these on the Popen itself.
    def terminate(self) -> None:
        self.process.terminate()

    def wait(self, timeout: float | None = None) -> int:
        return self.process.wait(timeout=timeout)


def start_gunicorn(env: dict[str, str], workers: int, port: int) -> Gunicorn:
    """Start gunicorn on 127.0.0.1 and wait until it accepts connections."""
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            gunicorn = Gunicorn(server)
            for _ in range(50):
                if len(gunicorn.worker_pids()) == workers:
                    break
                time.sleep(0.1)
            return gunicorn
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def worker_cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


@contextmanager
def pg_database(kind: str, base: str, name: str) -> Iterator[str | None]:
    """A throw-away PostgreSQL database's URL (None for SQLite), dropped afterwards."""
    if kind != "postgresql":
        yield None
        return
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
