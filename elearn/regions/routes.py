"""JSON list of a province's communes, for the picker on phones."""

from __future__ import annotations

from flask import Blueprint, abort

from elearn.extensions import db
from elearn.regions.services import communes_query, get_province

bp = Blueprint("regions", __name__)


@bp.get("/regions/<code>/communes")
def communes(code: str):
    """Communes, wards and special zones of one province (about 100, never all 3,321)."""
    if get_province(code) is None:
        abort(404)
    rows = db.session.scalars(communes_query(code))
    response = {"province": code, "communes": [{"code": r.code, "name": r.name} for r in rows]}
    return response, 200, {"Cache-Control": "public, max-age=86400"}
