"""Absolute links for e-mails and commands, built from ELEARN_BASE_URL.

`url_for(..., _external=True)` takes the host from the request's Host header, so a
password-reset link built that way can be pointed at an attacker's site (SECURITY.md).
These links use the configured base URL instead, and work outside a request (jobs, CLI).
"""

from __future__ import annotations

from typing import Any

from flask import current_app


class BaseUrlMissing(RuntimeError):
    """ELEARN_BASE_URL is not configured (production must set it)."""


def external_url(endpoint: str, _base: str | None = None, **values: Any) -> str:
    """ELEARN_BASE_URL (or `_base`) followed by the path of `endpoint`, like url_for's."""
    base = (_base or current_app.config.get("ELEARN_BASE_URL") or "").rstrip("/")
    if not base:
        raise BaseUrlMissing("ELEARN_BASE_URL is not set: cannot build links for e-mails")
    current_app.inject_url_defaults(endpoint, values)
    # Only the path is built here, so the host given to bind() plays no part.
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base + path
