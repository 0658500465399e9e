"""gzip for text responses when the client accepts it (a lesson page: 10.8 KB → 3.9 KB).

Done in the app so it works behind gunicorn alone; a proxy in front (nginx `gzip on`)
may do it instead: a response that already has a Content-Encoding is left alone, and
ELEARN_COMPRESS=0 turns this off. Images, PDFs and zips are compressed already.

BREACH (guessing a secret in a compressed page from its size, with attacker-chosen text
reflected beside it) needs the victim's cookie on many cross-site requests: the session
cookie is SameSite=Lax, so image or script requests from another site come without it, and
the page they get holds a fresh visitor's CSRF token, not the victim's.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",
        "text/plain",
        "text/csv",
        "application/javascript",
        "application/json",
        "application/xml",
        "image/svg+xml",
    }
)
#: Below this, gzip's header and the Content-Encoding line cost more than they save.
MIN_BYTES = 500
#: zlib's default trade-off: level 9 saves ~1 % more for twice the CPU.
LEVEL = 6


def _accepts_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


def compress(response: Response) -> Response:
    """Gzip `response` in place if it is worth it and the client takes it."""
    if (
        response.mimetype not in COMPRESSIBLE
        or response.status_code != 200
        or request.method == "HEAD"
        or "Content-Encoding" in response.headers
        # A stream (an export, say) is not held back to be compressed whole.
        or (response.is_streamed and not response.direct_passthrough)
    ):
        return response
    response.vary.add("Accept-Encoding")
    if not _accepts_gzip():
        return response
    # Static files come as a file wrapper: read them (they are small text files).
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(data, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        # Another representation of the same content: a strong validator would lie.
        response.set_etag(etag, weak=True)
    return response


def register(app: Flask) -> None:
    if not app.config.get("COMPRESS", True):
        return

    @app.after_request
    def gzip_response(response: Response) -> Response:
        return compress(response)
