"""Exception handlers: every error leaves as ``application/problem+json``."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match

from app.core.errors import (
    PROBLEM_MEDIA_TYPE,
    KijiError,
    ServiceUnavailable,
    StatementTimeout,
    problem_body,
)
from app.core.state import app_state
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
            title="Invalid query parameter"
            if all(e["loc"][0] == "query" for e in params)
            else "Invalid parameter",
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
    # An error no handler took is raised on after this answer, and the server then drops
    # the connection: a client that kept it alive for its next request lost that request.
    return problem_response(500, body, {"x-request-id": request_id, "connection": "close"})


# PostgreSQL error classes and codes of a database that is failing for now, not of the request
# (see https://www.postgresql.org/docs/current/errcodes-appendix.html): connection exceptions,
# insufficient resources, shutdowns, and lost serialisation, deadlock or lock races.
_PG_UNAVAILABLE_CLASSES = ("08", "53")
_PG_UNAVAILABLE = frozenset({"57P01", "57P02", "57P03", "40001", "40P01", "55P03"})
_PG_QUERY_CANCELED = "57014"
# SQLite's: busy or locked past the busy timeout, an I/O error, a file it cannot open.
_SQLITE_UNAVAILABLE = frozenset(
    {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN}
)


def _sqlite_code(error: sqlite3.Error) -> int:
    return int(getattr(error, "sqlite_errorcode", 0)) & 0xFF


def _interrupted(error: BaseException) -> bool:
    orig = error.orig if isinstance(error, OperationalError) else error
    if isinstance(orig, sqlite3.Error):
        return _sqlite_code(orig) == sqlite3.SQLITE_INTERRUPT
    return isinstance(orig, Exception) and getattr(orig, "sqlstate", None) == _PG_QUERY_CANCELED


def statement_timed_out(exc: Exception) -> bool:
    """Whether ``exc`` says a statement was stopped for running too long (the engine's
    ``statement_timeout``): PostgreSQL's query_canceled, SQLite's interrupt, from SQLAlchemy
    or from a raw connection. The error it caused counts too: an interrupted write rolls back
    SQLite's whole transaction, so leaving a savepoint then fails with "no such savepoint"."""
    seen: set[int] = set()
    error: BaseException | None = exc
    while error is not None and id(error) not in seen:
        if _interrupted(error):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def database_unavailable(exc: Exception) -> bool:
    """Whether ``exc`` says the database is unreachable or failing for now, so that a retry
    soon may succeed; anything else (a bad statement, a value past a limit) is an internal
    error."""
    if isinstance(exc, PoolTimeout):
        return True
    if isinstance(exc, sqlite3.OperationalError):  # from the fast reads' raw connection
        return _sqlite_code(exc) in _SQLITE_UNAVAILABLE
    if not isinstance(exc, OperationalError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    if isinstance(orig, sqlite3.Error):
        return _sqlite_code(orig) in _SQLITE_UNAVAILABLE
    code = getattr(orig, "sqlstate", None)
    if code is None:
        # No code: the driver could not reach the server at all.
        return True
    return code.startswith(_PG_UNAVAILABLE_CLASSES) or code in _PG_UNAVAILABLE


async def _database_error(request: Request, exc: Exception) -> Response:
    if statement_timed_out(exc):
        limit = app_state(request).settings.statement_timeout
        log.warning(
            "statement stopped after %s s in %s %s", limit, request.method, request.url.path
        )
        timeout = StatementTimeout(
            f"a database statement ran or waited longer than the {limit:g} s this server"
            " allows and was stopped; nothing was changed",
            headers={"retry-after": "5"},
        )
        return problem_response(timeout.status, timeout.body(), timeout.headers)
    if not database_unavailable(exc):
        return await _unexpected(request, exc)
    cause = getattr(exc, "orig", exc)
    log.warning("database failing in %s %s: %s", request.method, request.url.path, cause)
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
    app.add_exception_handler(sqlite3.OperationalError, _database_error)
    app.add_exception_handler(PoolTimeout, _database_error)
    app.add_exception_handler(Exception, _unexpected)
