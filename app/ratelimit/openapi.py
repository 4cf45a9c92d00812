"""The 429 every operation may answer, in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from app.core.errors import PROBLEM_MEDIA_TYPE
from app.core.openapi import amend, operations

_FIELD_REF = (
    "https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/10/ (structured "
    "fields, not the older RateLimit-Limit/-Remaining/-Reset)"
)
HEADERS: dict[str, Any] = {
    "RateLimit-Policy": {
        "description": f'The caller\'s quota, e.g. `"read";q=600;w=60`: {_FIELD_REF}.',
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": 'What is left of it, e.g. `"read";r=599;t=60` (`t`: seconds until more).',
        "schema": {"type": "string"},
    },
}
TOO_MANY: dict[str, Any] = {
    "description": "The caller's quota is used up (`quota-exceeded`); retry after "
    "`Retry-After` seconds.",
    "headers": {
        "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}},
        **HEADERS,
    },
    "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def _add_429(spec: dict[str, Any]) -> None:
    for _method, op in operations(spec):
        op["responses"].setdefault("429", TOO_MANY)


def document(app: FastAPI) -> None:
    """Add the 429 to every operation of ``app``'s OpenAPI document."""
    amend(app, _add_429)
