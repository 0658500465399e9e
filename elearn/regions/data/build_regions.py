#!/usr/bin/env python3
"""Regenerate regions.csv from the vietnamadminunits package (MIT).

This is a one-off build tool, NOT part of the application: nothing in the app
imports it (the ``data`` directory is deliberately not a Python package).
Standard library only.

Usage::

    pip download --no-deps -d /tmp/vau vietnamadminunits==1.0.4
    python -m zipfile -e /tmp/vau/vietnamadminunits-1.0.4-py3-none-any.whl /tmp/vau/unpacked
    python elearn/regions/data/build_regions.py /tmp/vau/unpacked

The argument may be either the unpacked wheel root (the directory that holds
``vietnamadminunits/`` and ``vietnamadminunits-<version>.dist-info/``) or the
``vietnamadminunits`` package directory itself.  The output defaults to
``regions.csv`` next to this script; use ``-o`` to write elsewhere.

Source: table ``admin_units`` (the 34-province, two-tier dataset in force since
1 July 2025) in ``vietnamadminunits/data/dataset.db`` (SQLite).  One row there
is one commune-level unit, with its province repeated on every row.  Columns
used: ``provinceCode`` (2-digit NSO code), ``province`` (full name with prefix),
``wardCode`` (5-digit NSO code), ``ward`` (full name with prefix) and
``wardType`` (used only as a cross-check, see below).

Output columns: ``code,name,kind,parent_code``
  * province rows: kind ``city`` ("Thành phố ...") or ``province`` ("Tỉnh ..."),
    empty parent_code;
  * commune-level rows: kind ``ward`` ("Phường ..."), ``commune`` ("Xã ...") or
    ``special_zone`` ("Đặc khu ..."), parent_code = province code.
Rows are sorted by province code; each province row is followed by its
commune-level units sorted by commune code.

``kind`` is taken from the prefix of the full official name, not from the
package's ``wardType`` column: in package version 1.0.4 four records have a
``wardType`` that contradicts their full name (codes 10543, 11848, 31213,
31299), and the full names agree with the NSO list (Official Letter
1027/CTK-CSCL of 25 June 2025).  The script reports every such disagreement.
"""

import argparse
import csv
import sqlite3
import sys
import unicodedata
from collections import Counter
from pathlib import Path

EXPECTED_PROVINCES = 34
EXPECTED_COMMUNES = 3321

PROVINCE_PREFIXES = (("Thành phố ", "city"), ("Tỉnh ", "province"))
COMMUNE_PREFIXES = (("Phường ", "ward"), ("Xã ", "commune"), ("Đặc khu ", "special_zone"))
WARD_TYPE_KIND = {"Phường": "ward", "Xã": "commune", "Đặc khu": "special_zone"}


def nfc(text):
    return unicodedata.normalize("NFC", (text or "").strip())


def kind_from_name(name, prefixes):
    for prefix, kind in prefixes:
        if name.startswith(prefix) and len(name) > len(prefix):
            return kind
    raise ValueError(f"unrecognised administrative prefix in name: {name!r}")


def find_package_dir(path):
    path = Path(path)
    for candidate in (path, path / "vietnamadminunits"):
        if (candidate / "data" / "dataset.db").is_file():
            return candidate
    sys.exit(f"error: no vietnamadminunits/data/dataset.db under {path}")


def package_version(pkg_dir):
    for meta in sorted(pkg_dir.parent.glob("vietnamadminunits-*.dist-info/METADATA")):
        for line in meta.read_text(encoding="utf-8").splitlines():
            if line.startswith("Version:"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def load_rows(db_path):
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT provinceCode, province, wardCode, ward, wardType FROM admin_units"
        ).fetchall()
    finally:
        conn.close()


def build(source_rows):
    """Return (rows, warnings); raise ValueError on inconsistent source data."""
    provinces = {}
    communes = {}
    warnings = []
    for p_code, p_name, c_code, c_name, c_type in source_rows:
        p_code, p_name = nfc(p_code), nfc(p_name)
        c_code, c_name, c_type = nfc(c_code), nfc(c_name), nfc(c_type)
        if not (len(p_code) == 2 and p_code.isdigit()):
            raise ValueError(f"bad province code {p_code!r}")
        if not (len(c_code) == 5 and c_code.isdigit()):
            raise ValueError(f"bad commune code {c_code!r}")
        if provinces.setdefault(p_code, p_name) != p_name:
            raise ValueError(f"province {p_code} has two names: {provinces[p_code]!r} / {p_name!r}")
        if c_code in communes:
            raise ValueError(f"duplicate commune code {c_code}")
        kind = kind_from_name(c_name, COMMUNE_PREFIXES)
        if WARD_TYPE_KIND.get(c_type) != kind:
            warnings.append(
                f"{c_code} {c_name!r}: package wardType {c_type!r} disagrees with the "
                f"name prefix; using kind {kind!r} from the name"
            )
        communes[c_code] = (c_name, kind, p_code)

    rows = []
    for p_code in sorted(provinces):
        p_name = provinces[p_code]
        rows.append((p_code, p_name, kind_from_name(p_name, PROVINCE_PREFIXES), ""))
        for c_code in sorted(c for c, v in communes.items() if v[2] == p_code):
            c_name, kind, parent = communes[c_code]
            rows.append((c_code, c_name, kind, parent))
    return rows, warnings


def validate(rows):
    codes = [r[0] for r in rows]
    dupes = [c for c, n in Counter(codes).items() if n > 1]
    if dupes:
        raise ValueError(f"duplicate codes: {dupes}")
    province_codes = {r[0] for r in rows if r[3] == ""}
    orphans = [r[0] for r in rows if r[3] and r[3] not in province_codes]
    if orphans:
        raise ValueError(f"rows whose parent does not exist: {orphans}")
    empty = [r[0] for r in rows if not r[1]]
    if empty:
        raise ValueError(f"rows with an empty name: {empty}")
    return Counter(r[2] for r in rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "package_path", help="unpacked vietnamadminunits wheel (or its package dir)"
    )
    parser.add_argument(
        "-o",
        "--output",
        default=str(Path(__file__).with_name("regions.csv")),
        help="CSV to write (default: regions.csv next to this script)",
    )
    args = parser.parse_args(argv)

    pkg_dir = find_package_dir(args.package_path)
    version = package_version(pkg_dir)
    rows, warnings = build(load_rows(pkg_dir / "data" / "dataset.db"))
    kinds = validate(rows)

    with open(args.output, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("code", "name", "kind", "parent_code"))
        writer.writerows(rows)

    n_prov = kinds["province"] + kinds["city"]
    n_comm = kinds["commune"] + kinds["ward"] + kinds["special_zone"]
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(f"vietnamadminunits {version}: wrote {len(rows)} rows to {args.output}")
    print(f"  provinces: {n_prov} (province {kinds['province']}, city {kinds['city']})")
    print(
        f"  commune-level: {n_comm} (commune {kinds['commune']}, ward {kinds['ward']}, "
        f"special_zone {kinds['special_zone']})"
    )
    if (n_prov, n_comm) != (EXPECTED_PROVINCES, EXPECTED_COMMUNES):
        print(
            f"warning: expected {EXPECTED_PROVINCES} provinces and {EXPECTED_COMMUNES} "
            "commune-level units (situation of 1 July 2025)",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
