#!/usr/bin/env python3
"""One-command set-up for a fresh machine with only Python 3.11+.

    python3 dev.py          set up (virtualenv, requirements, database, regions, courses,
                            demo accounts) and start the app at http://127.0.0.1:5000
    python3 dev.py test     set up and run the test suite (extra arguments go to pytest)
    python3 dev.py setup    set up only

Every step can run again safely: an existing virtualenv, database and accounts are reused.
Ctrl+C or SIGTERM stops the step or server that is running and exits 0.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


class Stopped(Exception):
    """SIGTERM or SIGINT asked dev.py to stop: not a failure."""


#: The step running now, so a stop signal can end it too.
_CHILDREN: list[subprocess.Popen] = []
_STOP = {"requested": False}


def _stop(signum: int, frame: object) -> None:
    _STOP["requested"] = True
    for child in _CHILDREN:
        if child.poll() is None:
            child.terminate()


def call(*args: str | Path, env: dict[str, str] | None = None) -> int:
    """Run a step to its end; its exit code. Raises Stopped if dev.py was told to stop."""
    if _STOP["requested"]:
        raise Stopped
    child = subprocess.Popen([str(a) for a in args], cwd=ROOT, env=env)
    _CHILDREN.append(child)
    try:
        if _STOP["requested"]:  # the signal came while the step was starting
            child.terminate()
        returncode = child.wait()
    finally:
        _CHILDREN.remove(child)
    # A server stopped by a signal (Ctrl+C, a supervisor's SIGTERM) ended as asked.
    if _STOP["requested"] or returncode in (-signal.SIGTERM, -signal.SIGINT):
        raise Stopped
    return returncode


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    returncode = call(*args, env=env)
    if returncode:
        raise subprocess.CalledProcessError(returncode, [str(a) for a in args])


def ensure_venv(requirements: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may run on an older python3)
        sys.exit("elearn needs Python 3.11 or newer.")
    if not PY.exists():
        print(f"Creating virtualenv in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    stamp = VENV / f".installed-{requirements}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    run(PY, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", requirements)
    stamp.write_text(digest)


def flask(*args: str) -> None:
    run(PY, "-m", "flask", "--app", "wsgi", *args)


def setup() -> None:
    ensure_venv("requirements.txt")
    flask("db", "upgrade")
    flask("regions", "load")
    flask("courses", "sync")
    flask("demo")


def serve() -> None:
    setup()
    print("\nelearn is running at http://127.0.0.1:5000  (Ctrl+C to stop)\n", flush=True)
    flask("run", "--host", "127.0.0.1", "--port", "5000")


def test(pytest_args: list[str]) -> None:
    ensure_venv("requirements-dev.txt")
    result = subprocess.run([str(PY), "-m", "pytest", *pytest_args], cwd=ROOT)
    sys.exit(result.returncode)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "serve"
    commands = {"serve": serve, "setup": setup, "test": lambda: test(sys.argv[2:])}
    if command not in commands:
        sys.exit(__doc__)
    if command != "test":  # pytest reports its own interruption (and must not exit 0)
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    try:
        commands[command]()
    except Stopped:
        sys.exit(0)
    except subprocess.CalledProcessError as exc:
        sys.exit(f"\nStep failed (exit {exc.returncode}): {' '.join(map(str, exc.cmd))}")


if __name__ == "__main__":
    main()
