#!/usr/bin/env python3
"""Benchmark: bytes on the wire and requests of a first and a repeat visit, in Chromium.

For the home page, the catalogue, a course page and a lesson, as a logged-in learner and
(but for the lesson) as a visitor: a first visit with an empty cache, then a repeat visit
in the same browser (a new tab, as a learner coming back later). Bytes are what Chromium
counts as received for each request that went to the network (headers and body, after
compression; DevTools' encodedDataLength); requests answered from the browser's cache are
not counted. Headless Chromium never asks for /favicon.ico, so its cost is printed apart.

By default it builds a throw-away instance of the code in --app-dir (this repository, or
e.g. /work/main for a "before" figure: that directory is only read, with its own .venv),
starts `flask run` on it, creates a learner, and measures. With --base-url it measures a
running server instead (--login/--password: an existing learner).

    .venv/bin/python bench/bench_bytes.py [--app-dir DIR] [--port 5056]
    .venv/bin/python bench/bench_bytes.py --base-url http://127.0.0.1:5055 --login … --password …
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = "thuong-mai-dien-tu"
EMAIL = "bench-bytes@example.vn"
PASSWORD = "benchmark password 2026"
PHONE = {"width": 360, "height": 740}


@contextmanager
def throwaway_server(app_dir: Path, port: int):
    """`flask run` on a fresh SQLite instance of the code in app_dir, with one learner."""
    python = app_dir / ".venv" / "bin" / "python"
    with tempfile.TemporaryDirectory(prefix="bench-bytes-") as tmp:
        env = os.environ | {
            "ELEARN_ENV": "development",
            "ELEARN_INSTANCE_PATH": tmp,
            "DATABASE_URL": f"sqlite:///{tmp}/elearn.sqlite3",
            "ELEARN_MEDIA_DIR": f"{tmp}/media",
            "PYTHONDONTWRITEBYTECODE": "1",  # leave app_dir as it is
        }
        env.pop("ELEARN_COMPRESS", None)
        flask = [str(python), "-m", "flask", "--app", "wsgi"]
        for args in (["db", "upgrade"], ["regions", "load"], ["courses", "sync"],
                     ["users", "create", "--email", EMAIL, "--name", "Lò Thị Mai",
                      "--password", PASSWORD]):  # fmt: skip
            subprocess.run(
                flask + args, cwd=app_dir, env=env, check=True, capture_output=True, text=True
            )
        server = subprocess.Popen(
            flask + ["run", "--port", str(port)],
            cwd=app_dir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=10)


def log_in(context, base: str, login: str, password: str) -> None:
    """Log in through the API request context: it shares the cookies, not the cache."""
    page = context.request.get(f"{base}/login").text()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = context.request.post(
        f"{base}/login",
        form={"login": login, "password": password, "csrf_token": token, "next": ""},
        max_redirects=0,
    )
    assert response.status in (302, 303), f"login failed: {response.status}"


def measure(context, url: str) -> dict:
    """Requests and bytes that went to the network while `url` loaded in a new tab."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sent: dict[str, str] = {}
    cached: set[str] = set()
    received: dict[str, int] = {}
    statuses: dict[str, int] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: sent.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))

    def response(e):
        statuses.setdefault(e["requestId"], e["response"]["status"])
        if e["response"].get("fromDiskCache") or e["response"].get("fromPrefetchCache"):
            cached.add(e["requestId"])

    cdp.on("Network.responseReceived", response)
    # The status on the wire (responseReceived reports a revalidated 304 as the cached 200).
    cdp.on(
        "Network.responseReceivedExtraInfo",
        lambda e: statuses.__setitem__(e["requestId"], e["statusCode"]),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: received.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.close()
    wire = [rid for rid in sent if rid not in cached]
    return {
        "requests": len(wire),
        "bytes": sum(received.get(rid, 0) for rid in wire),
        "detail": [
            (sent[rid].split("/", 3)[-1], statuses.get(rid), received.get(rid, 0)) for rid in wire
        ],
    }


def favicon_cost(base: str) -> tuple[int, int]:
    request = urllib.request.Request(f"{base}/favicon.ico", headers={"Accept-Encoding": "gzip"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, len(response.read()) + len(str(response.headers))
    except urllib.error.HTTPError as error:
        return error.code, len(error.read()) + len(str(error.headers))


def run(base: str, login: str, password: str, verbose: bool) -> None:
    from playwright.sync_api import sync_playwright

    args = ["--headless=new", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=args)
        # Set-up (not measured): enrol, find the first lesson.
        setup = browser.new_context()
        log_in(setup, base, login, password)
        page = setup.new_page()
        page.goto(f"{base}/courses/{COURSE}")
        enrol = page.locator(f"form[action$='/courses/{COURSE}/enroll'] button")
        if enrol.count():
            enrol.first.click()
            page.wait_for_load_state()
        page.goto(f"{base}/courses/{COURSE}")
        lesson = page.locator(f"a[href*='/courses/{COURSE}/lessons/']").first.get_attribute("href")
        setup.close()
        pages = {"home": "/", "catalogue": "/courses", "course": f"/courses/{COURSE}",
                 "lesson": lesson}  # fmt: skip
        print(f"{base}  (Chromium, {PHONE['width']} px; bytes = headers + body on the wire)")
        header = ("who", "page", "first: req", "bytes", "repeat: req", "bytes")
        print("{:9} {:10} {:>10} {:>8}   {:>11} {:>8}".format(*header))
        totals = {}
        for who in ("learner", "visitor"):
            for name, path in pages.items():
                if who == "visitor" and name == "lesson":
                    continue
                context = browser.new_context(viewport=PHONE, locale="vi-VN")
                if who == "learner":
                    log_in(context, base, login, password)
                first = measure(context, base + path)
                repeat = measure(context, base + path)
                context.close()
                for key, value in (("first", first), ("repeat", repeat)):
                    t = totals.setdefault((who, key), [0, 0])
                    t[0] += value["requests"]
                    t[1] += value["bytes"]
                print(f"{who:9} {name:10} {first['requests']:>10} {first['bytes']:>8}   "
                      f"{repeat['requests']:>11} {repeat['bytes']:>8}")  # fmt: skip
                if verbose:
                    for kind, value in (("first", first), ("repeat", repeat)):
                        for url, status, size in value["detail"]:
                            print(f"      {kind:6} {status} {size:>7}  /{url}")
        for who in ("learner", "visitor"):
            f, r = totals[(who, "first")], totals[(who, "repeat")]
            print(f"{who:9} {'total':10} {f[0]:>10} {f[1]:>8}   {r[0]:>11} {r[1]:>8}")
        status, size = favicon_cost(base)
        print(f"/favicon.ico (asked by real browsers on a first visit): {status}, {size} bytes")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--app-dir", type=Path, default=ROOT)
    parser.add_argument("--port", type=int, default=5056)
    parser.add_argument("--base-url")
    parser.add_argument("--login", default=EMAIL)
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every request")
    opts = parser.parse_args()
    if opts.base_url:
        run(opts.base_url.rstrip("/"), opts.login, opts.password, opts.verbose)
        return
    with throwaway_server(opts.app_dir.resolve(), opts.port) as base:
        run(base, opts.login, opts.password, opts.verbose)


if __name__ == "__main__":
    main()
