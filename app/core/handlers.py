"""Exception handlers: every error leaves as ``application/problem+json``."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match

from app.core.errors import PROBLEM_MEDIA_TYPE, KijiError, ServiceUnavailable, problem_body
from app.core.validation import body_errors

log = logging.getLogger("kiji.errors")


def problem_response(status: int, body: bytes, headers: dict[str, str] | None = None) -> Response:
    hdrs = {"cache-control": "no-store", **(headers or {})}
    return Response(body, status, hdrs, media_type=PROBLEM_MEDIA_TYPE)


async def _kiji_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KijiError)
    return problem_response(exc.status, exc.body(), exc.headers)


def _validation_problem(errors: list[dict[str, Any]]) -> tuple[int, bytes]:
    if any(e.get("type") == "json_invalid" for e in errors):
        err = next(e for e in errors if e.get("type") == "json_invalid")
        pos = err["loc"][1] if len(err.get("loc", ())) > 1 else None
        reason = (err.get("ctx") or {}).get("error", "invalid JSON")
        return 400, problem_body(
            400,
            code="malformed-body",
            title="Malformed request body",
            detail=f"the body is not valid JSON: {reason} at character {pos}",
            errors=[{"pointer": "", "message": f"{reason} at character {pos}"}],
        )
    in_body = [e for e in errors if e.get("loc", ("",))[0] == "body"]
    params = [e for e in errors if e.get("loc", ("",))[0] != "body"]
    if params:
        return 400, problem_body(
            400,
            code="invalid-parameter",
            title="Invalid query parameter",
            detail="; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in params),
            errors=[
                {"parameter": str(e["loc"][-1]), "in": str(e["loc"][0]), "message": e["msg"]}
                for e in params
            ],
        )
    entries = body_errors(in_body, strip=1)
    return 422, problem_body(
        422,
        code="validation-error",
        title="Invalid input",
        detail=f"{len(entries)} field(s) are not valid",
        errors=entries,
    )


async def _request_validation(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    status, body = _validation_problem([dict(e) for e in exc.errors()])
    return problem_response(status, body)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    return [
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.routes
        )
    ]


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() != "allow"}
    detail = exc.detail if isinstance(exc.detail, str) else None
    if exc.status_code == 404:
        detail = "no such route"
    elif exc.status_code == 405:
        allowed = _allowed_methods(request)
        headers["allow"] = ", ".join(allowed)
        detail = f"{request.method} is not allowed here; allowed: {headers['allow']}"
    if exc.status_code == 304:
        return Response(status_code=304, headers=headers)
    return problem_response(exc.status_code, problem_body(exc.status_code, detail=detail), headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    request_id = request.scope.get("state", {}).get("request_id", "-")
    log.exception(
        "unhandled error in %s %s [request %s]", request.method, request.url.path, request_id
    )
    body = problem_body(
        500,
        code="internal-error",
        title="Internal error",
        detail="an unexpected error occurred; it has been logged",
        extra={"request_id": request_id},
    )
    return problem_response(500, body, {"x-request-id": request_id})


async def _database_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OperationalError)
    # A lost or refused connection, a server shutting down, a cancelled statement: the
    # database is failing, not the request, and a retry soon may well succeed. (SQLite also
    # reports mistakes in SQL as OperationalError: those stay internal errors.)
    if isinstance(exc.orig, sqlite3.Error) and not exc.connection_invalidated:
        return await _unexpected(request, exc)
    log.warning("database failing in %s %s: %s", request.method, request.url.path, exc.orig)
    error = ServiceUnavailable(
        "the database is unreachable or failing for now; retry after `Retry-After` seconds",
        headers={"retry-after": "1"},
    )
    return problem_response(error.status, error.body(), error.headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(KijiError, _kiji_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(HTTPException, _http_exception)
    app.add_exception_handler(OperationalError, _database_error)
    app.add_exception_handler(Exception, _unexpected)
