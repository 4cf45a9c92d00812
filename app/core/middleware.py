"""Pure ASGI middleware: HEAD as GET, request ids, request body limits, NUL in URLs."""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import PROBLEM_MEDIA_TYPE, problem_body

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Takes a sane ``X-Request-ID`` from the client or makes one; logs and 500s quote it.

    Responses of the app carry it; the reads answered in front of the app (``fastpath``:
    stored articles and kept list pages, which cannot fail) do not."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"").decode(
            "latin-1"
        )
        request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        raw_id = request_id.encode()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
                headers.append((b"x-request-id", raw_id))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_id)


class HeadAsGet:
    """Answers HEAD wherever GET is served: the same status and headers, no body (RFC 9110
    9.3.2). FastAPI routes match only the methods they list, so a HEAD would be a 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body" and message.get("body"):
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)


class _BodyTooLarge(Exception):
    """Raised into the app from ``receive`` once the body passes the limit."""


class BodySizeLimit:
    """Caps request bodies per path with a problem+json 413, enforced while the body is read.

    Only a body the app reads is limited: a route that takes none (a DELETE) or a method the
    path does not serve (a 405) answers as it would without a body. When the app first
    reads, a declared ``Content-Length`` over the limit is refused before anything is read;
    a body without one (chunked) is counted as it streams, and the 413 is sent the moment it
    passes the limit, whatever the app then does with the error it gets from ``receive``.
    (Starlette's own limiter answers in plain text, hence this one.)"""

    def __init__(self, app: ASGIApp, *, default: int, per_path: dict[str, int]) -> None:
        self.app = app
        self.default = default
        self.per_path = per_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope["path"], self.default)
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        oversize = declared is not None and declared.isdigit() and int(declared) > limit
        seen = 0
        tripped = False
        started = False

        async def counting_receive() -> Message:
            nonlocal seen, tripped
            if oversize and not tripped:
                tripped = True
                if not started:
                    await _too_large(send, limit, f"the body is {int(declared or 0)} bytes")
                raise _BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit and not tripped:
                    tripped = True
                    if not started:
                        await _too_large(send, limit, f"the body passed {limit} bytes")
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if tripped:
                return  # the 413 has been sent; drop whatever the app answers to its error
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not tripped:
                raise


async def _too_large(send: Send, limit: int, what: str) -> None:
    body = problem_body(
        413,
        code="payload-too-large",
        title="Content too large",
        detail=f"{what}; this route accepts at most {limit} bytes",
        extra={"limit": limit},
    )
    # The body may not have been read: the connection is not kept for another request.
    await _send_problem(send, 413, body, [(b"connection", b"close")])


class RejectNul:
    """A 400 problem for a NUL character (``%00``) in the path or a query parameter, which no
    route accepts: PostgreSQL text cannot hold one, so a lookup with it failed as a 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            at = _nul_at(scope)
            if at is not None:
                await _send_problem(
                    send,
                    400,
                    problem_body(
                        400,
                        code="invalid-parameter",
                        title="Invalid query parameter"
                        if at[0] == "query"
                        else "Invalid parameter",
                        detail=f"{at[1]}: must not contain NUL (%00)",
                        errors=[{"parameter": at[1], "in": at[0], "message": "contains NUL"}],
                    ),
                )
                return
        await self.app(scope, receive, send)


def _nul_at(scope: Scope) -> tuple[str, str] | None:
    """Where a NUL is: ("path", the path) or ("query", the parameter's name)."""
    if "\x00" in scope["path"]:
        return "path", scope["path"].replace("\x00", "%00")
    query: bytes = scope["query_string"]
    if b"%00" not in query and b"\x00" not in query:
        return None
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            return "query", name.replace("\x00", "%00")
    return None


async def _send_problem(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
