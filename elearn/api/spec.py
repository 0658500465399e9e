"""Validation of API requests and responses by their schemas, and the OpenAPI document made of them.

Views are decorated with `api.validate(resp=Response(...))` and take their body as a
`json: <model>` (or the query string as `query: <model>`) parameter; spectree validates
both and serialises the response through its model. Only decorated views are in the
document (strict mode); spectree's own documentation pages are not served at all (they
load their JavaScript from a CDN, and the product must work offline).
"""

from __future__ import annotations

import copy
from functools import cache, partial
from typing import Any

from flask import Request, current_app
from flask_babel import gettext as _
from pydantic import ValidationError
from spectree import SecurityScheme, SecuritySchemeData, SpecTree
from spectree.plugins.flask_plugin import FlaskPlugin

from elearn.api.auth import ApiError
from elearn.api.schemas import Error

#: Per-operation security of the views that need a bearer token.
BEARER = {"bearerAuth": []}

DESCRIPTION = """\
JSON API of the OCOP e-learning platform; it calls the same services as the web pages.

Get a token from `POST /api/v1/auth/token` and send it as `Authorization: Bearer <token>`.
Every error is `{"error": {"code", "message", "fields"?}}`: a 4xx for the caller's mistakes,
a 5xx for the server's. Text fields say what they hold (`x-content`): `sanitised-html` is
safe to insert as markup, `plain-text` must be shown as text.
"""


#: Request bodies spectree cannot describe (files, plain text), by operation id; the views
#: read them themselves (elearn.api.studio).
RAW_BODIES: dict[str, dict[str, Any]] = {}
#: Success responses that are files, not JSON: operation id -> (status, media type).
FILE_RESPONSES: dict[str, tuple[str, str]] = {}


def raw_body(operation_id: str, content: dict[str, Any], required: bool = True) -> None:
    """Document the request body of a view that reads it itself."""
    RAW_BODIES[operation_id] = {"required": required, "content": content}


def file_response(operation_id: str, status: str, media_type: str) -> None:
    """Document a success response whose body is a file of `media_type`."""
    FILE_RESPONSES[operation_id] = (status, media_type)


class ResponseNotInContract(RuntimeError):
    """A view built a body its response schema refuses: the client gets a 500, not the body."""


class _Plugin(FlaskPlugin):
    def get_func_operation_id(self, func: Any, path: str, method: str) -> str:
        return func.__name__  # the endpoint's name: token, courses, save_answers, …


def _reject_invalid_request(
    spec: SpecTree,
    req: Request,
    resp: Any,
    error: Exception | None,
    instance: Any,
    model_adapter: Any,
) -> None:
    """Before the view: a body that is not a JSON object, or values its schema refuses, are 400s."""
    metadata = spec.get_function_metadata(current_app.view_functions[req.endpoint])
    if metadata is not None and metadata.json is not None and not _json_object_or_nothing(req):
        raise ApiError(400, "malformed_json", _("The request body must be a JSON object."))
    if isinstance(error, ValidationError):
        raise ApiError(
            400,
            "invalid",
            _("The request could not be understood. Please check what you entered."),
            fields=fields_of(error),
        )


def _json_object_or_nothing(req: Request) -> bool:
    # spectree skips JSON validation of form posts and reads anything else that is not
    # JSON as {}: both would reach the view as if nothing had been sent.
    if req.mimetype in FlaskPlugin.FORM_MIMETYPE:
        return False
    return not req.get_data() or isinstance(req.get_json(silent=True), dict)


def fields_of(error: ValidationError) -> dict[str, list[str]]:
    """pydantic's errors by where they are: "login", "answers.12", …"""
    fields: dict[str, list[str]] = {}
    for item in error.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in item["loc"]) or "body"
        messages = fields.setdefault(where, [])
        if item["msg"] not in messages:
            messages.append(item["msg"])
    return fields


def _refuse_invalid_response(
    req: Request, resp: Any, error: Exception | None, instance: Any, model_adapter: Any
) -> None:
    """After the view: a body its schema refuses never leaves (spectree would send its errors)."""
    if error is not None:
        raise ResponseNotInContract(f"{req.method} {req.path}: {error}")


def make_spectree() -> SpecTree:
    """A SpecTree configured for this API (one per process: `api`; tests build their own)."""
    spec = SpecTree(
        backend=_Plugin,
        mode="strict",
        title="elearn API",
        version="1",
        description=DESCRIPTION,
        page_templates={},
        security_schemes=[
            SecurityScheme(name="bearerAuth", data=SecuritySchemeData(type="http", scheme="bearer"))
        ],
        after=_refuse_invalid_response,
        validation_error_status=400,
        validation_error_model=Error,
        naming_strategy=lambda model: model.__name__,
        nested_naming_strategy=lambda _parent, child: child,
    )
    # The hook asks the instance whether the view takes a JSON body.
    spec.before = partial(_reject_invalid_request, spec)
    return spec


api = make_spectree()


def openapi_document(server_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of API v1, its paths relative to `server_url`."""
    return _document() | {"servers": [{"url": server_url}]}


@cache
def _document() -> dict[str, Any]:
    # Built once per process, from the routes of the first app that asks: they never change.
    document = copy.deepcopy(api.spec)
    document.pop("tags", None)
    document.pop("security", None)
    for item in document["paths"].values():
        for operation in item.values():
            _finish_operation(operation, document["components"]["schemas"])
    return document


def _finish_operation(operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    """What spectree cannot say: which bodies are optional, where 400 is possible, 5xx."""
    operation.pop("tags", None)
    if not operation.get("description"):
        operation.pop("description", None)
    operation_id = operation.get("operationId", "")
    if operation_id in RAW_BODIES:
        operation["requestBody"] = copy.deepcopy(RAW_BODIES[operation_id])
    if operation_id in FILE_RESPONSES:
        status, media_type = FILE_RESPONSES[operation_id]
        operation["responses"][status]["content"] = {
            media_type: {"schema": {"contentMediaType": media_type}}
        }
    body = operation.get("requestBody")
    if body is not None and operation_id not in RAW_BODIES:
        model = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        body["required"] = bool(schemas[model].get("required"))
    parameters = operation.get("parameters", [])
    for parameter in parameters:
        if not parameter.get("description"):
            parameter.pop("description", None)
    queries = [p for p in parameters if p["in"] == "query"]
    responses = operation["responses"]
    if body is None and not queries:
        # spectree adds its validation-error status everywhere; without a body or a query
        # there is nothing to validate.
        responses.pop("400", None)
    responses["default"] = {
        "description": "Any other status: 500 for a failure on the server, 503 when it is busy",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
