"""The dependency audit of CI (.ci/audit_deps.py) really audits, and can fail (issue 7, item 9)."""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "audit_deps.py"


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("_audit_deps_under_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def database(audit):
    return audit.load_local_db(audit.safety_db_path())


def _run(audit, *args, **kwargs) -> tuple[int, str]:
    out = io.StringIO()
    return audit.run(*args, out=out, **kwargs), out.getvalue()


def test_the_local_database_is_shipped_and_not_empty(database):
    assert len(database) > 1000
    assert "flask" in database and "werkzeug" in database


def test_a_known_vulnerable_version_fails(audit, database):
    status, out = _run(audit, {"flask": "0.12", "jinja2": "3.1.6"}, database)
    assert status == 1
    assert "VULNERABLE flask 0.12" in out and "CVE-2018-1000656" in out
    assert "jinja2" not in out.split("VULNERABLE", 1)[1]


def test_an_accepted_advisory_can_be_ignored_by_id(audit, database):
    ids = [f.id for f in audit.audit_local({"flask": "0.12.2"}, database).findings]
    assert ids
    assert _run(audit, {"flask": "0.12.2"}, database, ignore=ids[1:])[0] == 1
    status, out = _run(audit, {"flask": "0.12.2"}, database, ignore=ids)
    assert status == 0, out


def test_auditing_nothing_fails(audit, database):
    assert _run(audit, {}, database)[0] == 2
    status, out = _run(audit, {"flask": "3.1.3"}, {})
    assert status == 2 and "nothing was audited" in out
    # A version that cannot be compared is not counted as audited.
    assert _run(audit, {"flask": "not-a-version"}, database)[0] == 2


def test_pypi_source_audits_only_packages_at_the_latest_release(audit, database):
    documents = {
        "https://pypi.org/pypi/flask/json": {
            "info": {"version": "3.1.3"},
            "vulnerabilities": [{"id": "GHSA-xxxx", "aliases": ["CVE-2099-1"], "withdrawn": None}],
        },
        "https://pypi.org/pypi/jinja2/json": {
            "info": {"version": "3.2.0"},
            "vulnerabilities": [{"id": "GHSA-yyyy", "aliases": [], "withdrawn": None}],
        },
    }
    report = audit.audit_pypi({"flask": "3.1.3", "jinja2": "3.1.6", "x": "1"}, documents.get)
    assert report.audited == {"pypi": {"flask"}}
    assert [(f.package, f.id) for f in report.findings] == [("flask", "GHSA-xxxx")]
    status, out = _run(audit, {"flask": "3.1.3"}, database, fetch=documents.get)
    assert status == 1 and "CVE-2099-1" in out and "pypi: audited 1 packages" in out


def test_the_ci_step_audits_every_installed_package():
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    installed, _rest = result.stdout.split(" packages installed", 1)
    assert f"safety-db: audited {installed} packages" in result.stdout
    assert int(installed) > 50
