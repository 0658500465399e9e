"""Bearer-token authentication, API errors and their bodies."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request
from flask_babel import gettext as _

from elearn.api.schemas import Error, ErrorDetail
from elearn.auth.models import User
from elearn.auth.services import user_for_token
from elearn.core.errors import ServiceError


class ApiError(ServiceError):
    """A refusal by the API layer itself (no token, no such lesson, a malformed body)."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message, fields)
        self.status = status
        self.code = code


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    """The body of an error response, through its schema."""
    detail = ErrorDetail(code=code, message=message, fields=fields or None)
    return Error(error=detail).model_dump(mode="json")


def current_api_user() -> User:
    return g.api_user


def token_required(view: Callable) -> Callable:
    """Require `Authorization: Bearer <token>`; 401 otherwise."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        user = user_for_token(token.strip()) if scheme.lower() == "bearer" and token else None
        if user is None:
            body = error_body("unauthorized", _("A valid API token is required."))
            return body, 401, {"WWW-Authenticate": 'Bearer realm="elearn"'}
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper
