"""`python3 dev.py` stops cleanly: SIGTERM or SIGINT ends the server it started and exits 0.

The set-up steps are replaced by nothing and `flask run` by a sleeping Python child, so
the real signal handling of dev.py is exercised in a few seconds without a server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Stands in for `flask run`, which also leaves quietly on Ctrl+C.
SLEEPER = (
    "import os, signal, sys, time; signal.signal(signal.SIGINT, lambda *a: sys.exit(0)); "
    "print('child', os.getpid(), flush=True); time.sleep(600)"
)
DRIVER = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
sys.argv = ["dev.py"]
import dev
dev.setup = lambda: None
dev.flask = lambda *args: dev.run(sys.executable, "-c", {SLEEPER!r})
dev.main()
"""

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _start_dev():
    """dev.py serving (in its own session, so signals reach only it) and its child's pid."""
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    for line in proc.stdout:
        if line.startswith("child "):
            return proc, int(line.split()[1])
    raise AssertionError(f"the server never started: {proc.stderr.read()}")


@pytest.mark.parametrize(
    ("signum", "target"),
    [
        (signal.SIGTERM, "dev"),  # a supervisor stops dev.py
        (signal.SIGTERM, "group"),  # `kill -- -PGID`, a container or session ending
        (signal.SIGTERM, "child"),  # the server itself is told to stop
        (signal.SIGINT, "group"),  # Ctrl+C in the terminal
    ],
)
def test_dev_py_stops_cleanly(signum, target):
    proc, child = _start_dev()
    try:
        if target == "dev":
            os.kill(proc.pid, signum)
        elif target == "child":
            os.kill(child, signum)
        else:
            os.killpg(proc.pid, signum)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, (proc.returncode, err)
        assert "Step failed" not in out + err and "Traceback" not in err
        assert not _alive(child), "the server outlived dev.py"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if _alive(child):
            os.kill(child, signal.SIGKILL)
