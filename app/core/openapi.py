"""OpenAPI descriptions of the problem responses routes declare."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import PROBLEM_MEDIA_TYPE


class ProblemError(BaseModel):
    pointer: str | None = Field(None, description="JSON Pointer to the field at fault.")
    parameter: str | None = Field(
        None, description="Parameter (query or path; `in` says which) or header at fault."
    )
    line: int | None = Field(None, description="1-based line of the text template at fault.")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["urn:kiji:problem:not-found"])
    title: str
    status: int
    detail: str | None = None
    errors: list[ProblemError] | None = None
    request_id: str | None = None


_WHY: dict[int, str] = {
    400: "Malformed request: bad JSON, an unknown or invalid query parameter, a bad cursor.",
    401: "No API key where one is needed, or a key that is not valid.",
    403: "The API key lacks the scope this needs.",
    404: "No such resource (drafts are invisible without the `drafts` scope).",
    406: "None of the representations in `Accept` can be served.",
    409: "The resource conflicts with an existing one (such as a slug already taken).",
    412: "`If-Match` does not match the current ETag; nothing was changed.",
    413: "The request body is larger than the configured limit; nothing was read further.",
    415: "The request body's media type is not accepted here.",
    422: "The document is not valid; `errors[]` points at each field at fault.",
    503: "The database is unreachable or failing for now (retry after `Retry-After` seconds),"
    " not at the latest migration, or took longer than `KIJI_STATEMENT_TIMEOUT` allows.",
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for the given problem status codes."""
    return {
        code: {
            "model": Problem,
            "description": _WHY.get(code, HTTPStatus(code).phrase),
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for code in codes
    }


_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_FASTAPI_422 = {"$ref": "#/components/schemas/HTTPValidationError"}
NOT_MODIFIED: dict[str, Any] = {
    "description": "Not Modified: `If-None-Match` names the current ETag; no body is sent."
}


def _problem(code: int) -> dict[str, Any]:
    return {"description": _WHY[code], "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}}


def _declare_what_is_sent(method: str, op: dict[str, Any]) -> None:
    """One operation's responses as the server sends them."""
    responses: dict[str, Any] = op["responses"]
    for code, response in responses.items():
        content = response.get("content", {})
        if (
            code.isdigit()
            and int(code) >= 400
            and _PROBLEM_REF in [c.get("schema") for c in content.values()]
        ):
            # FastAPI files a response's model under the route's own media type; problems
            # are only ever sent as problem+json.
            response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}
    if (
        responses.get("422", {}).get("content", {}).get("application/json", {}).get("schema")
        == _FASTAPI_422
    ):
        # FastAPI's own 422 is never sent: a bad parameter is a 400 problem, an invalid body
        # a 422 problem.
        if "requestBody" in op:
            responses["422"] = _problem(422)
        else:
            del responses["422"]
    if op.get("parameters") or "requestBody" in op:
        responses.setdefault("400", _problem(400))
    headers = {p["name"].lower() for p in op.get("parameters", []) if p["in"] == "header"}
    if method == "get" and "if-none-match" in headers:
        responses.setdefault("304", NOT_MODIFIED)
    op["responses"] = dict(sorted(responses.items()))


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (method, operation) of an OpenAPI document."""
    for item in spec.get("paths", {}).values():
        for method, op in item.items():
            if isinstance(op, dict) and "responses" in op:
                yield method, op


def amend(app: FastAPI, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply ``change`` to ``app``'s OpenAPI document, once, when it is first made."""
    make = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = make()
            change(spec)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _say_what_is_sent(spec: dict[str, Any]) -> None:
    for method, op in operations(spec):
        _declare_what_is_sent(method, op)
    schemas = spec.get("components", {}).get("schemas", {})
    if "HTTPValidationError" not in json.dumps(spec["paths"]):
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)


def document(app: FastAPI) -> None:
    """Make ``app``'s OpenAPI document say what the server sends."""
    amend(app, _say_what_is_sent)
