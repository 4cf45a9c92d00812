"""The hot anonymous reads, answered in front of the app.

FastAPI's per-request machinery (middleware layers, routing, dependency solving) costs more
than serving stored bytes, so the two commonest anonymous reads are answered here:

* ``GET /v1/articles/{slug}`` from the stored render, with the same visibility and
  conditional-request rules as the documented route (``delivery``);
* list pages (``/v1/articles``, ``/v1/questions``...) that the documented routes rendered
  before, while the store's version counter shows no write since.

Anything else, and every error, goes on to the documented routes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.articles.delivery import deliver_stored, visible
from app.articles.negotiation import preferred
from app.articles.pagecache import PageCache
from app.articles.reader import ArticleReader
from app.auth.principal import anonymous
from app.core.http import none_match

_DOCUMENT = re.compile(r"^/v1/articles/([a-z0-9]+(?:-[a-z0-9]+)*)$")
LIST_PATHS = frozenset(
    {"/v1/articles", "/v1/questions", "/v1/citations", "/v1/publishers", "/v1/keywords"}
)
_ANON = anonymous(public_read=True)
_DROP_ON_304 = (b"content-type", b"content-length")


@dataclass(frozen=True, slots=True)
class _Request:
    slug: str | None  # None: a list page
    if_none_match: str | None


@dataclass(frozen=True, slots=True)
class _Response:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str


class ArticleFastPath:
    def __init__(
        self,
        app: ASGIApp | None,
        *,
        reader: Callable[[], ArticleReader],
        public_read: bool,
        defer_cross_origin: bool = False,
    ) -> None:
        self.app: ASGIApp | None = app
        self.reader = reader
        self.enabled = public_read
        # With CORS configured, cross-origin requests go through CORSMiddleware.
        self.defer_cross_origin = defer_cross_origin
        self.lists: PageCache[_Response] = PageCache(max_bytes=32 * 1024 * 1024)

    def _eligible(self, scope: Scope) -> _Request | None:
        if not self.enabled or scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return None
        path = scope["path"]
        if path in LIST_PATHS:
            slug = None
        else:
            if scope["query_string"]:
                return None
            m = _DOCUMENT.match(path)
            if m is None:
                return None
            slug = m.group(1)
        inm = None
        accept: list[str] = []
        for name, value in scope["headers"]:
            if name in (b"authorization", b"x-api-key"):
                return None
            if name == b"origin" and self.defer_cross_origin:
                return None
            if name == b"accept":
                accept.append(value.decode("latin-1"))
            if name == b"if-none-match":
                inm = value.decode("latin-1")
        # Only JSON is answered here, as the route would choose it (q-values included);
        # every other choice, and the 406, is the route's.
        if accept and preferred(", ".join(accept)) != "json":
            return None
        return _Request(slug, inm)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "the app below the fast path is set when the stack is built"
        request = self._eligible(scope)
        sent = False

        async def tracked(message: Message) -> None:
            nonlocal sent
            sent = True
            await send(message)

        try:
            if request is not None and request.slug is not None:
                if await self._document(scope, tracked, request.slug, request.if_none_match):
                    return
            elif request is not None:
                await self._list(scope, receive, tracked, request.if_none_match)
                return
        except Exception:
            # An answer has begun (a list page's route failed, and said so with a 500): a
            # second run of the route would start another.
            if sent:
                raise
            # Else the documented route answers, and reports the error if it meets it too.
        await self.app(scope, receive, send)

    async def _document(self, scope: Scope, send: Send, slug: str, inm: str | None) -> bool:
        reader = self.reader()
        if inm is not None:
            # Revalidation: answer from the validators alone, without reading the body.
            found = await reader.validators(slug)
            if found is None or not visible(found.status, _ANON):
                return False
            if none_match(inm, found.etag):
                d = deliver_stored(found, _ANON, inm)
                await _send(scope, send, 304, _encode(d.headers), b"")
                return True
        stored = await reader.document(slug)
        if stored is None or not visible(stored.status, _ANON):
            return False
        d = deliver_stored(stored, _ANON, inm)
        headers = _encode(d.headers)
        if d.status == 200:
            headers += [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(d.body)).encode()),
            ]
        await _send(scope, send, d.status, headers, d.body if d.status == 200 else b"")
        return True

    async def _list(self, scope: Scope, receive: Receive, send: Send, inm: str | None) -> None:
        assert self.app is not None
        host = next((v for k, v in scope["headers"] if k == b"host"), b"")
        # The Link header of a page names the host it was asked on.
        key = f"{host.decode('latin-1')}{scope['path']}?{scope['query_string'].decode('latin-1')}"
        # The version is read before the page, so a write racing with it can only make the
        # cached page look older than it is, never newer.
        version = await self.reader().store_version()
        cached = self.lists.get(key, version)
        if cached is None:
            cached = await self._render_through(scope, receive, send, key, version)
            if cached is None:
                return
            if inm is None:
                return  # the app already answered
        if inm is not None and none_match(inm, cached.etag):
            headers = [(k, v) for k, v in cached.headers if k not in _DROP_ON_304]
            await _send(scope, send, 304, headers, b"")
            return
        await _send(scope, send, 200, cached.headers, cached.body)

    async def _render_through(
        self, scope: Scope, receive: Receive, send: Send, key: str, version: int
    ) -> _Response | None:
        """Let the documented route answer, keeping its answer if it is a public 200.

        Returns the kept response when the caller must still send it (a conditional request,
        which this path answers itself), else None."""
        assert self.app is not None
        start: Message = {}
        chunks: list[bytes] = []
        conditional = any(k == b"if-none-match" for k, _ in scope["headers"])

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            else:
                chunks.append(message.get("body", b""))
            if not conditional or start.get("status") != 200:
                await send(message)

        # A conditional request is passed on without its condition, so the page is rendered
        # whole and can be kept; this path then answers the condition itself.
        inner = (
            scope
            if not conditional
            else {
                **scope,
                "headers": [(k, v) for k, v in scope["headers"] if k != b"if-none-match"],
            }
        )
        await self.app(inner, receive, capture)
        headers = [(k, v) for k, v in start.get("headers", []) if k != b"x-request-id"]
        cache_control = next((v for k, v in headers if k == b"cache-control"), b"")
        etag = next((v for k, v in headers if k == b"etag"), b"").decode("latin-1")
        if start.get("status") != 200 or not cache_control.startswith(b"public") or not etag:
            if conditional and start.get("status") == 200:  # held back above: send it now
                await send(start)
                await send({"type": "http.response.body", "body": b"".join(chunks)})
            return None
        kept = _Response(headers, b"".join(chunks), etag)
        self.lists.put(key, version, kept, len(kept.body))
        return kept if conditional else None


def _encode(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.encode(), v.encode()) for k, v in headers.items()]


async def _send(
    scope: Scope, send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
