"""Queries over the regions table and loading it from the shipped CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Select, func, select

from elearn.core.text import fold
from elearn.extensions import db
from elearn.regions.models import COMMUNE_KINDS, PROVINCE_KINDS, Region

DATA_FILE = Path(__file__).parent / "data" / "regions.csv"


def provinces_query() -> Select[tuple[Region]]:
    return select(Region).where(Region.kind.in_(PROVINCE_KINDS)).order_by(Region.name_folded)


def communes_query(province_code: str) -> Select[tuple[Region]]:
    return (
        select(Region)
        .where(Region.parent_code == province_code, Region.kind.in_(COMMUNE_KINDS))
        .order_by(Region.name_folded)
    )


def get_province(code: str | None) -> Region | None:
    if not code:
        return None
    region = db.session.get(Region, code)
    return region if region is not None and region.is_province else None


def commune_in_province(commune_code: str, province_code: str) -> bool:
    region = db.session.get(Region, commune_code)
    return region is not None and region.parent_code == province_code and not region.is_province


def load_regions(path: Path = DATA_FILE) -> int:
    """Insert or update every region from the CSV; idempotent. Returns the row count.

    Units that left the list are kept: people's profiles may still point at them.
    """
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    existing = {r.code: r for r in db.session.scalars(select(Region))}
    # Provinces first, so communes' parents exist when foreign keys are checked.
    provinces = [r for r in rows if not r["parent_code"]]
    communes = [r for r in rows if r["parent_code"]]
    for batch in (provinces, communes):
        for row in batch:
            region = existing.get(row["code"]) or Region(code=row["code"])
            region.name = row["name"]
            region.kind = row["kind"]
            region.parent_code = row["parent_code"] or None
            region.name_folded = fold(row["name"])
            db.session.add(region)
        db.session.flush()
    db.session.flush()
    return db.session.scalar(select(func.count()).select_from(Region)) or 0
