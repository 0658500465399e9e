"""Shared set-up for the benchmark scripts: a throw-away instance, learners, gunicorn."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
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


def start_gunicorn(env: dict[str, str], workers: int, port: int) -> subprocess.Popen:
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
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")
