"""The OpenAPI document as a contract: every API response a test receives must fit it.

The session app's test clients hand each response under /api/v1/ to a `ContractChecker`,
which validates it with openapi-core against the document the app serves; conftest fails
the test that received one that does not fit. Error responses are checked too: those of a
documented operation by their status, the others (unknown route, wrong method) against the
Error schema.
"""

from __future__ import annotations

import gzip
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_schema_validator import OAS31Validator
from werkzeug.test import TestResponse
from werkzeug.wrappers import Request, Response

PREFIX = "/api/v1/"
DOCUMENT_PATH = "/api/v1/openapi.json"


def served_document(app: Flask) -> dict[str, Any]:
    """The document as the app serves it (with a plain client: this one is not checked)."""
    response = FlaskClient(app, app.response_class).get(DOCUMENT_PATH)
    assert response.status_code == 200, response.status
    return response.json


class _AnsweredRequest(WerkzeugOpenAPIRequest):
    """A request the app has answered: its body is read already, and responses do not need it."""

    @property
    def body(self) -> bytes:
        return b""


class ContractChecker:
    """Validates API responses against an OpenAPI document and keeps the failures."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        # Paths are matched on the path alone: the document's server is the configured base
        # URL (TestingConfig's is deliberately not the test client's host).
        self.openapi = OpenAPI.from_dict({**document, "servers": [{"url": "/"}]})
        self.error_schema = OAS31Validator(
            {"$ref": "#/components/schemas/Error", "components": document["components"]}
        )
        self.failures: list[str] = []

    def check(self, request: Request, response: TestResponse) -> None:
        if not request.path.startswith(PREFIX) or request.path == DOCUMENT_PATH:
            return
        if request.method in ("HEAD", "OPTIONS"):
            return  # answered by Flask itself, not by a view
        problems = self.problems(request, response)
        if problems:
            where = f"{request.method} {request.full_path.rstrip('?')} → {response.status}"
            self.failures.append(f"{where}: " + "; ".join(problems))

    def problems(self, request: Request, response: Response) -> list[str]:
        response = _decoded(response)
        errors = list(
            self.openapi.iter_response_errors(
                _AnsweredRequest(request), WerkzeugOpenAPIResponse(response)
            )
        )
        if len(errors) == 1 and isinstance(errors[0], PathNotFound | OperationNotFound):
            return self._undocumented(response)
        return [_describe(error) for error in errors]

    def _undocumented(self, response: Response) -> list[str]:
        """An unknown route or method: it must still be an error with the Error body."""
        if response.status_code < 400:
            return ["a success from an operation the document does not have"]
        if response.mimetype != "application/json":
            return [f"an error as {response.mimetype}, not application/json"]
        return [
            f"{'/'.join(map(str, e.absolute_path)) or 'body'}: {e.message}"
            for e in self.error_schema.iter_errors(response.json)
        ]


def _decoded(response: Response) -> Response:
    """The response as the client reads it: a gzipped body (elearn.web.compression) unpacked."""
    if response.headers.get("Content-Encoding") != "gzip":
        return response
    headers = [
        (k, v) for k, v in response.headers if k not in ("Content-Encoding", "Content-Length")
    ]
    return Response(gzip.decompress(response.get_data()), response.status, headers)


def _describe(error: Exception) -> str:
    details = getattr(error, "details", None)
    if details and details.get("schema_errors"):
        return "; ".join(
            f"{'/'.join(map(str, item['path'])) or 'body'}: {item['message']}"
            for item in details["schema_errors"]
        )
    return str(error)


def checking_client_class(checker: ContractChecker) -> type[FlaskClient]:
    """A test client class that hands every response to `checker`."""

    class ContractCheckingClient(FlaskClient):
        def open(self, *args: Any, **kwargs: Any) -> TestResponse:
            response = super().open(*args, **kwargs)
            checker.check(response.request, response)
            return response

    return ContractCheckingClient
