"""Security headers on every response (S22)."""

from __future__ import annotations

from flask import Flask, Response

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        # Videos load only after the learner clicks the placeholder.
        "frame-src https://www.youtube-nocookie.com https://player.vimeo.com",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def register(app: Flask) -> None:
    fixed = [
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if app.config.get("HSTS"):
        fixed.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    # Pages carry personal data and CSRF tokens: never store them in shared caches.
    no_store = ("Cache-Control", "no-store")

    @app.after_request
    def security_headers(response: Response) -> Response:
        """Each header unless the view set its own (one pass over the headers, not one per
        header: this runs on every response)."""
        headers = response.headers
        present = {name.lower() for name in headers.keys()}
        wanted = fixed
        if response.mimetype == "text/html" or response.mimetype == "application/json":
            wanted = [*fixed, no_store]
        headers.extend([pair for pair in wanted if pair[0].lower() not in present])
        return response
