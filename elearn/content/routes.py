"""Serving stored images and attachments by their content hash."""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_file

from elearn.content import media
from elearn.content.models import Asset
from elearn.content.uploads.variants import is_variant
from elearn.extensions import db

bp = Blueprint("content", __name__)


@bp.get("/media/<digest>/<name>")
def asset(digest: str, name: str):
    """An asset: the same URL always has the same bytes, so it is cached for a year.

    The type is the one checked when it was stored (the Asset row), never guessed from
    the name. Only an image variant, re-encoded by the app, is shown inline; everything
    else (documents, uploaded originals, a package's files) is sent as a download (S21)."""
    if not media.SHA256_RE.match(digest) or not media.NAME_RE.match(name):
        abort(404)
    row = db.session.get(Asset, digest)
    path = media.storage().path(digest) if row is not None else None
    if row is None or path is None:
        abort(404)
    inline = media.shown_inline(row.media_type) and is_variant(digest)
    response: Response = send_file(
        path,
        mimetype=row.media_type,
        as_attachment=not inline,
        download_name=name,
        max_age=365 * 24 * 3600,
        conditional=True,
        etag=digest,
    )
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Whatever the bytes, they are never run as a page.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
