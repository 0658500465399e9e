#!/usr/bin/env python3
"""Audit every installed Python package for known vulnerabilities; fail if nothing was audited.

`pip-audit` cannot work here: it asks the registry for each pinned version's JSON, which
answers 404, so it skips every package and still reports "No known vulnerabilities found".
This audit uses two sources and says how many packages each one really checked:

1. the local database shipped in the pinned `safety-db` package (PyUp's insecure_full.json,
   no network): every installed distribution is matched against its version ranges;
2. with --pypi, PyPI's project JSON (which answers here), whose `vulnerabilities` list is
   that of the project's latest release: it audits each package installed at that version.

Exit status: 0 clean; 1 a known vulnerability; 2 nothing was audited (no packages found,
or a source's database is empty or unreadable) — a check that audited nothing fails.

    .venv/bin/python .ci/audit_deps.py [--pypi] [--ignore ID ...]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PYPI_JSON = "https://pypi.org/pypi/{name}/json"


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    id: str
    summary: str
    source: str


@dataclass
class Report:
    audited: dict[str, set[str]]  # source -> packages it checked
    findings: list[Finding]

    @property
    def audited_count(self) -> int:
        return len(set().union(*self.audited.values())) if self.audited else 0


def installed_packages() -> dict[str, str]:
    """Every distribution installed for this Python: canonical name -> version."""
    packages = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            packages[canonicalize_name(name)] = dist.version
    return packages


def safety_db_path() -> Path:
    """insecure_full.json of the installed safety-db (its __init__ cannot be imported)."""
    spec = importlib.util.find_spec("safety_db")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("safety-db is not installed (requirements-dev.txt pins it)")
    return Path(next(iter(spec.submodule_search_locations))) / "insecure_full.json"


def load_local_db(path: Path) -> dict[str, list[dict]]:
    """The advisories by canonical package name (the `$meta` entry left out)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {canonicalize_name(k): v for k, v in raw.items() if k != "$meta" and v}


def audit_local(packages: dict[str, str], database: dict[str, list[dict]]) -> Report:
    findings = []
    audited = set()
    if database:
        for name, version in packages.items():
            try:
                parsed = Version(version)
            except InvalidVersion:
                continue  # cannot be compared, so not audited
            audited.add(name)
            for advisory in database.get(name, []):
                if _affected(parsed, advisory.get("specs") or [advisory.get("v", "")]):
                    summary = advisory.get("cve") or advisory.get("advisory", "")[:120]
                    findings.append(
                        Finding(name, version, advisory.get("id", "?"), summary, "safety-db")
                    )
    return Report({"safety-db": audited}, findings)


def _affected(version: Version, specs: Iterable[str]) -> bool:
    for spec in specs:
        try:
            if spec and SpecifierSet(spec, prereleases=True).contains(version):
                return True
        except InvalidSpecifier:
            continue  # a handful of entries (e.g. "<r5238") are not PEP 440
    return False


def fetch_json(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 (fixed https URL)
            return json.load(response)
    except (urllib.error.URLError, TimeoutError, json.JSONDecodeError):
        return None


def audit_pypi(packages: dict[str, str], fetch: Callable[[str], dict | None]) -> Report:
    """PyPI's vulnerabilities of each project's latest release, for packages installed at it."""
    findings = []
    audited = set()
    for name, version in sorted(packages.items()):
        data = fetch(PYPI_JSON.format(name=name))
        if not data or data.get("info", {}).get("version") != version:
            continue  # unknown here, or the list would be another version's
        audited.add(name)
        for vuln in data.get("vulnerabilities") or []:
            if vuln.get("withdrawn"):
                continue
            summary = ", ".join(vuln.get("aliases") or []) or (vuln.get("summary") or "")[:120]
            findings.append(Finding(name, version, vuln.get("id", "?"), summary, "pypi"))
    return Report({"pypi": audited}, findings)


def run(
    packages: dict[str, str],
    database: dict[str, list[dict]],
    fetch: Callable[[str], dict | None] | None = None,
    ignore: Iterable[str] = (),
    out=sys.stdout,
) -> int:
    """Audit, print what was checked and found; the exit status (see the module docstring)."""
    reports = [audit_local(packages, database)]
    if fetch is not None:
        reports.append(audit_pypi(packages, fetch))
    audited = {source: names for r in reports for source, names in r.audited.items()}
    findings = [f for r in reports for f in r.findings if f.id not in set(ignore)]
    report = Report(audited, findings)
    print(
        f"{len(packages)} packages installed; {len(database)} packages in the local database",
        file=out,
    )
    for source, names in audited.items():
        print(f"  {source}: audited {len(names)} packages", file=out)
    if not packages or not database or report.audited_count == 0:
        print(
            "FAIL: nothing was audited; a dependency check that audits nothing proves nothing",
            file=out,
        )
        return 2
    for f in sorted(set(findings), key=lambda f: (f.package, f.id)):
        print(f"VULNERABLE {f.package} {f.version}: {f.id} {f.summary} ({f.source})", file=out)
    if findings:
        return 1
    print(f"OK: {report.audited_count} packages audited, no known vulnerability", file=out)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pypi", action="store_true", help="also ask PyPI (network)")
    parser.add_argument("--db", type=Path, help="a safety-db insecure_full.json to use")
    parser.add_argument("--ignore", action="append", default=[], help="an advisory id accepted")
    args = parser.parse_args(argv)
    try:
        database = load_local_db(args.db or safety_db_path())
    except (OSError, ValueError) as exc:
        print(f"FAIL: cannot read the vulnerability database: {exc}")
        return 2
    return run(installed_packages(), database, fetch_json if args.pypi else None, args.ignore)


if __name__ == "__main__":
    sys.exit(main())
