"""OpenAPI descriptions of the problem responses routes declare."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import PROBLEM_MEDIA_TYPE


class ProblemError(BaseModel):
    pointer: str | None = Field(None, description="JSON Pointer to the field at fault.")
    parameter: str | None = Field(None, description="Query parameter or header at fault.")
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
    " or not at the latest migration.",
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
