#!/usr/bin/env python3
"""Benchmark: password hashing under attack, and the reset request's two paths.

Runs the production configuration (scrypt N=2^17, Redis for limits and jobs) under
gunicorn with 3 workers on a throw-away SQLite instance and a throw-away redis-server
(Debian's `redis-server`, on a free port; nothing is written to disk). Two figures:

1. /healthz latency (wrk, median and 99th percentile) alone, then while 6 threads keep
   asking for API tokens for one account with its right password; how many tokens were
   issued and how many requests were refused (429) before any hash ran.
2. POST /forgot-password for an account that exists and for one that does not, alternated
   (each from its own X-Forwarded-For address, so the per-address limit stays out of it):
   the median time of each.

    .venv/bin/python bench/bench_auth.py [--seconds 10] [--resets 40]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import PASSWORD, Client, setup_instance, start_gunicorn  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk_latency(port: int, seconds: int) -> tuple[str, str, str]:
    """(median, 99th percentile, requests/s) of GET /healthz as wrk reports them."""
    out = subprocess.run(
        ["wrk", "-t1", "-c4", f"-d{seconds}s", "--latency", f"http://127.0.0.1:{port}/healthz"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Latency Distribution" not in out or " 0 requests in" in out:
        raise RuntimeError("wrk measured nothing:\n" + out)
    median = re.search(r"50%\s+(\S+)", out).group(1)
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    rate = re.search(r"Requests/sec:\s+(\S+)", out).group(1)
    return median, p99, rate


def mint_tokens(port: int, stop: threading.Event, statuses: list[int]) -> None:
    body = json.dumps({"login": "an@bench.vn", "password": PASSWORD})
    while not stop.is_set():
        client = Client(port)
        client.conn.request(
            "POST", "/api/v1/auth/token", body=body, headers={"Content-Type": "application/json"}
        )
        response = client.conn.getresponse()
        response.read()
        statuses.append(response.status)


def reset_request(port: int, login: str, address: str) -> float:
    """Seconds for one POST /forgot-password (after a GET for the session and CSRF token)."""
    client = Client(port)
    client.conn.request("GET", "/forgot-password", headers={"X-Forwarded-For": address})
    response = client.conn.getresponse()
    page = response.read().decode()
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        client.cookies[name] = rest.split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    from urllib.parse import urlencode

    body = urlencode({"csrf_token": token, "login": login})
    headers = {
        "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items()),
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-For": address,
    }
    started = time.perf_counter()
    client.conn.request("POST", "/forgot-password", body=body, headers=headers)
    response = client.conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    assert response.status == 200, response.status
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--resets", type=int, default=40)
    opts = parser.parse_args()
    if not shutil.which("redis-server") or not shutil.which("wrk"):
        sys.exit("needs redis-server and wrk (apt-get install redis-server wrk)")
    with tempfile.TemporaryDirectory() as tmp:
        redis_port, port = free_port(), free_port()
        redis = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no",
             "--dir", tmp],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            env = {
                **os.environ,
                "ELEARN_ENV": "production",
                "SECRET_KEY": "bench-" + "k" * 40,
                "ELEARN_INSTANCE_PATH": tmp,
                "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                "ELEARN_BASE_URL": "http://127.0.0.1",
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "PROXY_FIX_X_FOR": "1",
            }
            setup_instance(env)
            from elearn import create_app
            from elearn.auth.services import Profile, register_user
            from elearn.core.db import unit_of_work

            with create_app().app_context(), unit_of_work():
                register_user("an@bench.vn", PASSWORD, Profile("An"), require_details=False)
            server = start_gunicorn(env, 3, port)
            try:
                # Every worker must have loaded the app before anything is timed.
                for _ in range(30):
                    Client(port).request("GET", "/healthz")
                alone = wrk_latency(port, opts.seconds)
                stop, statuses = threading.Event(), []
                threads = [
                    threading.Thread(target=mint_tokens, args=(port, stop, statuses))
                    for _ in range(6)
                ]
                for thread in threads:
                    thread.start()
                time.sleep(1)
                attacked = wrk_latency(port, opts.seconds)
                stop.set()
                for thread in threads:
                    thread.join()
                print(f"/healthz alone:               median {alone[0]}, p99 {alone[1]}, "
                      f"{alone[2]} req/s")  # fmt: skip
                print(f"/healthz, 6 threads minting:  median {attacked[0]}, p99 {attacked[1]}, "
                      f"{attacked[2]} req/s")  # fmt: skip
                print(f"token requests: {len(statuses)}, issued (201): {statuses.count(201)}, "
                      f"refused before hashing (429): {statuses.count(429)}")  # fmt: skip
                known, unknown = [], []
                for i in range(opts.resets):
                    known.append(reset_request(port, "an@bench.vn", f"10.0.{i}.1"))
                    unknown.append(reset_request(port, f"khong{i}@bench.vn", f"10.1.{i}.1"))
                print(
                    f"POST /forgot-password ({opts.resets} each): known median "
                    f"{statistics.median(known) * 1000:.1f} ms, unknown median "
                    f"{statistics.median(unknown) * 1000:.1f} ms"
                )
            finally:
                server.stop()
        finally:
            redis.terminate()
            redis.wait(timeout=10)


if __name__ == "__main__":
    main()
