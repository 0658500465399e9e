"""Domain errors raised by services; the web UI and the API turn them into responses."""

from __future__ import annotations


class ServiceError(Exception):
    """A rule refused the request; `message` is translated and safe to show."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(ServiceError):
    status = 400
    code = "invalid"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class Throttled(ServiceError):
    status = 429
    code = "too_many_requests"
