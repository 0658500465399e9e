"""Bearer-token authentication and JSON helpers for the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request
from flask_babel import gettext as _

from elearn.auth.models import User
from elearn.auth.services import user_for_token
from elearn.core.errors import ServiceError


class ApiError(ServiceError):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return body


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 ApiError for anything else."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "malformed_json", _("The request body must be a JSON object."))
    return data


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
