"""One error tree, rendered by one handler as RFC 9457 ``application/problem+json``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import orjson

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "urn:kiji:problem:"


def problem_body(
    status: int,
    *,
    code: str | None = None,
    title: str | None = None,
    detail: str | None = None,
    errors: Sequence[Mapping[str, Any]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> bytes:
    """Serialise a problem document; ``code`` None means the generic ``about:blank`` type."""
    doc: dict[str, Any] = {
        "type": f"{PROBLEM_BASE}{code}" if code else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        doc["detail"] = detail
    if errors:
        doc["errors"] = list(errors)
    if extra:
        doc.update(extra)
    return orjson.dumps(doc)


class KijiError(Exception):
    """Base of every expected failure; each subclass fixes the HTTP status and problem type."""

    status: int = 500
    code: str = "internal-error"
    title: str = "Internal error"

    def __init__(
        self,
        detail: str = "",
        *,
        errors: Sequence[Mapping[str, Any]] | None = None,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = list(errors or [])
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})

    def body(self) -> bytes:
        return problem_body(
            self.status,
            code=self.code,
            title=self.title,
            detail=self.detail,
            errors=self.errors,
            extra=self.extra,
        )


class BadRequest(KijiError):
    status, code, title = 400, "bad-request", "Bad request"


class MalformedBody(KijiError):
    status, code, title = 400, "malformed-body", "Malformed request body"


class InvalidParameter(KijiError):
    status, code, title = 400, "invalid-parameter", "Invalid query parameter"


class Unauthorized(KijiError):
    status, code, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="kiji"'})
        super().__init__(detail, **kwargs)


class Forbidden(KijiError):
    status, code, title = 403, "forbidden", "Not allowed"


class NotFound(KijiError):
    status, code, title = 404, "not-found", "Not found"


class NotAcceptable(KijiError):
    status, code, title = 406, "not-acceptable", "Not acceptable"


class Conflict(KijiError):
    status, code, title = 409, "conflict", "Conflict"


class PreconditionFailed(KijiError):
    status, code, title = 412, "precondition-failed", "Precondition failed"


class PayloadTooLarge(KijiError):
    status, code, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaType(KijiError):
    status, code, title = 415, "unsupported-media-type", "Unsupported media type"


class InvalidInput(KijiError):
    status, code, title = 422, "validation-error", "Invalid input"


class ServiceUnavailable(KijiError):
    status, code, title = 503, "unavailable", "Service unavailable"


class StatementTimeout(KijiError):
    status, code, title = 503, "timeout", "Statement timeout"
