#!/usr/bin/env python3
"""Run every fault drill (SECURITY.md F1-F9) and print one table of the results.

PostgreSQL (throw-away `faults_*` databases on the server at FAULTS_PG, default
postgresql://postgres@127.0.0.1:5432) runs F1-F9; SQLite runs F1-F4 and F6-F9; F5 uses a
private PostgreSQL cluster of its own. Each drill and database runs in its own process
with its own instance and gunicorn (3 workers, 127.0.0.1). The instance is migrated and
seeded once per database kind here; every drill starts from a copy of it. F6 mostly
waits for its quiz's deadline, so it runs beside the others.

    .venv/bin/python bench/faults/run_all.py [--only F1,F5] [--db postgresql|sqlite]
        [--json results.jsonl]

Exit status 1 if any drill failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from drill import PG_BASE, drop_database, fault_databases, seed_template

HERE = Path(__file__).resolve().parent
PY = sys.executable
DRILLS = {
    "F1": ("f1_concurrent_submit.py", ("postgresql", "sqlite")),
    "F2": ("f2_stale_forms.py", ("postgresql", "sqlite")),
    "F3": ("f3_last_lesson_twice.py", ("postgresql", "sqlite")),
    "F4": ("f4_crash_mid_submit.py", ("postgresql", "sqlite")),
    "F5": ("f5_postgres_restart.py", ("postgresql",)),
    "F6": ("f6_timed_quiz.py", ("postgresql", "sqlite")),
    "F7": ("f7_session_expired_mid_quiz.py", ("postgresql", "sqlite")),
    "F8": ("f8_idor_under_load.py", ("postgresql", "sqlite")),
    "F9": ("f9_concurrent_submissions.py", ("postgresql", "sqlite")),
}
#: Drills that mostly sleep run in the background while the others run.
BESIDE = {"F6"}
TIMEOUT = 600


def launch(script: str, kind: str, env: dict[str, str], logs: Path) -> subprocess.Popen:
    log = (logs / f"{script}.{kind}.log").open("wb")
    return subprocess.Popen(
        [PY, str(HERE / script), "--db", kind, "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
    )


def collect(name: str, kind: str, process: subprocess.Popen, logs: Path, script: str) -> dict:
    try:
        out, _ = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    for line in reversed(out.decode("utf-8", "replace").splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    tail = (logs / f"{script}.{kind}.log").read_text(errors="replace")[-2000:]
    return {"drill": name, "database": kind, "workers": 3, "done": "", "checks": {},
            "statuses": {}, "seconds": 0, "notes": [], "passed": False,
            "error": f"no result (exit {process.returncode}): {tail}"}  # fmt: skip


def table(results: list[dict]) -> str:
    lines = [
        "| drill | database | workers | what was done | checked (observed; all must equal "
        "the expected) | requests: statuses | s | result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        checks = "; ".join(f"{name.strip()}: {obs}" for name, (obs, _exp) in r["checks"].items())
        statuses = ", ".join(f"{s}×{n}" for s, n in r["statuses"].items())
        requests = sum(r["statuses"].values())
        lines.append(
            f"| {r['drill']} | {r['database']} | {r['workers']} | {r['done']} | {checks} | "
            f"{requests}: {statuses} | {r['seconds']:.0f} | "
            f"{'PASS' if r['passed'] else 'FAIL'} |"
        )
    return "\n".join(lines)


def details(results: list[dict]) -> str:
    lines = []
    for r in results:
        bad = {n: oe for n, oe in r["checks"].items() if oe[0] != oe[1]}
        for note in r["notes"]:
            lines.append(f"{r['drill']} {r['database']}: {note}")
        for name, (observed, expected) in bad.items():
            lines.append(f"{r['drill']} {r['database']} FAILED {name}: {observed} != {expected}")
        if r.get("error"):
            lines.append(f"{r['drill']} {r['database']} ERROR {r['error']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated drills, e.g. F1,F5")
    parser.add_argument("--db", choices=("postgresql", "sqlite"), action="append")
    parser.add_argument("--json", help="also write the results here, one JSON per line")
    opts = parser.parse_args()
    wanted = [d.strip().upper() for d in opts.only.split(",")] if opts.only else list(DRILLS)
    kinds = opts.db or ["postgresql", "sqlite"]
    plan = [(d, k) for d in wanted for k in DRILLS[d][1] if k in kinds]
    started = time.monotonic()
    logs = Path(tempfile.mkdtemp(prefix="faults_logs_"))
    env = dict(os.environ, FAULTS_DROP_LATER="1")
    existing = fault_databases(PG_BASE) if "postgresql" in kinds else set()
    templates: dict[str, Path] = {}
    results: list[dict] = []
    try:
        for kind in sorted({k for _d, k in plan if not (_d == "F5")}):
            templates[kind] = Path(tempfile.mkdtemp(prefix=f"faults_template_{kind}_"))
            name = seed_template(kind, templates[kind], PG_BASE)
            env[f"FAULTS_TEMPLATE_DIR_{kind.upper()}"] = str(templates[kind])
            if name:
                env["FAULTS_TEMPLATE_PG"] = name
        print(f"templates ready in {time.monotonic() - started:.0f} s", flush=True)
        beside = [(d, k, launch(DRILLS[d][0], k, env, logs)) for d, k in plan if d in BESIDE]
        for drill_name, kind in plan:
            if drill_name in BESIDE:
                continue
            script = DRILLS[drill_name][0]
            result = collect(drill_name, kind, launch(script, kind, env, logs), logs, script)
            results.append(result)
            print(
                f"{drill_name} {kind}: {'PASS' if result['passed'] else 'FAIL'} "
                f"({result['seconds']:.0f} s)",
                flush=True,
            )
        for drill_name, kind, process in beside:
            result = collect(drill_name, kind, process, logs, DRILLS[drill_name][0])
            results.append(result)
            print(f"{drill_name} {kind}: {'PASS' if result['passed'] else 'FAIL'}", flush=True)
    finally:
        if "postgresql" in kinds:
            for name in sorted(fault_databases(PG_BASE) - existing):
                drop_database(name, PG_BASE)
        for path in templates.values():
            shutil.rmtree(path, ignore_errors=True)
    order = {(d, k): i for i, (d, k) in enumerate(plan)}
    results.sort(key=lambda r: order.get((r["drill"], r["database"]), 99))
    print()
    print(table(results))
    print()
    print(details(results))
    print(f"\n{len(results)} runs in {time.monotonic() - started:.0f} s; logs in {logs}")
    if opts.json:
        Path(opts.json).write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
        )
    sys.exit(0 if results and all(r["passed"] for r in results) else 1)


if __name__ == "__main__":
    main()
