"""Fewer bytes on a phone's second visit: fingerprinted static files cached for a year,
a favicon, and ETags so a public page that has not changed costs a 304.

Static URLs carry `?v=<hash of the file>` (url_for adds it). The hashes are computed
once at start-up from the files' bytes, so every worker of a deploy agrees, and a deploy
that changes a file changes its URL: phones never keep week-old CSS or JS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request, send_from_directory, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_login import current_user

#: A URL whose bytes can never change.
IMMUTABLE = "public, max-age=31536000, immutable"
#: A static URL without (or with an outdated) fingerprint: only links from outside the
#: app's own pages (or a page rendered before a deploy) ask for one: a short cache.
SHORT = "public, max-age=300"
#: /favicon.ico is asked for by browsers themselves, without a fingerprint.
FAVICON = "public, max-age=2592000"
#: Pages that are the same for every anonymous visitor (but for the CSRF token of the
#: language form): they may be kept by the visitor's browser and revalidated.
REVALIDATED_PAGES = frozenset(
    {
        "main.index",
        "catalog.index",
        "catalog.course",
        "certificates.verify",
        "certificates.verify_form",
    }
)
#: Hex digits of SHA-256 in a fingerprint: 48 bits, plenty to tell versions apart.
FINGERPRINT_LENGTH = 12


class StaticFingerprints:
    """The content hash of every file under each static folder, by endpoint."""

    def __init__(self, versions: Mapping[str, Mapping[str, str]]) -> None:
        self._versions = versions

    @classmethod
    def scan(cls, folders: Mapping[str, Path]) -> StaticFingerprints:
        """Hash the files of each static folder ({endpoint: folder})."""
        versions: dict[str, dict[str, str]] = {}
        for endpoint, folder in folders.items():
            found = versions.setdefault(endpoint, {})
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file():
                    digest = hashlib.sha256(path.read_bytes()).hexdigest()
                    found[path.relative_to(folder).as_posix()] = digest[:FINGERPRINT_LENGTH]
        return cls(versions)

    def version(self, endpoint: str, filename: str) -> str | None:
        return self._versions.get(endpoint, {}).get(filename)


def static_folders(app: Flask) -> dict[str, Path]:
    """{endpoint: folder} of the app's static files and those of course-module blueprints."""
    folders: dict[str, Path] = {}
    if app.static_folder:
        folders["static"] = Path(app.static_folder)
    for name, blueprint in app.blueprints.items():
        if blueprint.static_folder and blueprint.has_static_folder:
            folders[f"{name}.static"] = Path(blueprint.static_folder)
    return folders


def _is_static(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


class StaticFilesSkipSession(SecureCookieSessionInterface):
    """Flask's cookie session, left untouched by static files and the favicon.

    Flask-Login looks at the session after every request, which would add `Vary: Cookie`
    to a static file: the browser would then ask for the CSS again whenever the session
    cookie was re-signed, for bytes that never depend on it."""

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if _is_static(request.endpoint) or request.endpoint == "favicon":
            return
        super().save_session(app, session, response)


def _static_cache_control(response: Response, prints: StaticFingerprints) -> None:
    filename = (request.view_args or {}).get("filename", "")
    wanted = prints.version(request.endpoint or "", filename)
    fingerprinted = wanted is not None and request.args.get("v") == wanted
    response.headers["Cache-Control"] = IMMUTABLE if fingerprinted else SHORT
    response.headers.pop("Expires", None)


def _page_etag(response: Response) -> str:
    """A hash of the page as this visitor sees it. The signed CSRF token in the page
    changes every second while meaning the same thing (the raw token in the session), so
    the raw token stands in for it: the same visitor gets the same ETag while the page is
    unchanged, and a page kept from another session never revalidates."""
    body = response.get_data()
    signed = g.get("csrf_token")
    if signed:
        body = body.replace(signed.encode(), b"")
    digest = hashlib.sha256(body)
    digest.update(str(session.get("csrf_token", "")).encode())
    return digest.hexdigest()[:32]


def _revalidate(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-cache"
    # Weak: the same page may travel gzipped or not (elearn.web.compression).
    response.set_etag(_page_etag(response), weak=True)
    return response.make_conditional(request)


def register(app: Flask) -> None:
    prints = StaticFingerprints.scan(static_folders(app))
    app.extensions["static_fingerprints"] = prints
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = StaticFilesSkipSession()

    @app.url_defaults
    def fingerprint_static_urls(endpoint: str, values: dict[str, Any]) -> None:
        if _is_static(endpoint) and "v" not in values:
            version = prints.version(endpoint, values.get("filename", ""))
            if version is not None:
                values["v"] = version

    def favicon() -> Response:
        """The site's icon, for browsers that ask /favicon.ico without reading the page."""
        response = send_from_directory(
            current_app.static_folder or "", "favicon.ico", mimetype="image/x-icon"
        )
        response.headers["Cache-Control"] = FAVICON
        response.headers.pop("Expires", None)
        return response

    app.add_url_rule("/favicon.ico", endpoint="favicon", view_func=favicon)

    @app.after_request
    def cache_headers(response: Response) -> Response:
        if _is_static(request.endpoint) and response.status_code in (200, 304):
            _static_cache_control(response, prints)
        elif (
            request.method == "GET"
            and response.status_code == 200
            and request.endpoint in REVALIDATED_PAGES
            and response.mimetype == "text/html"
            and not current_user.is_authenticated
        ):
            return _revalidate(response)
        return response
