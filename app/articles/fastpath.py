"""The hot read: anonymous ``GET /v1/articles/{slug}`` answered in front of the app.

FastAPI's per-request machinery (middleware layers, routing, dependencies) costs more than
serving the stored bytes, so the common case (no key, no query string, JSON wanted) is
answered here with the same visibility and conditional-request rules as the documented
route (``delivery``). Anything else, including every error, goes on to that route."""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from app.articles.delivery import deliver_stored, visible
from app.articles.reader import ArticleReader
from app.auth.principal import anonymous

_PATH = re.compile(r"^/v1/articles/([a-z0-9]+(?:-[a-z0-9]+)*)$")
_JSON_OK = (b"application/json", b"*/*", b"application/*")
_ANON = anonymous(public_read=True)


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

    def _eligible(self, scope: Scope) -> str | None:
        if not self.enabled or scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return None
        if scope["query_string"]:
            return None
        m = _PATH.match(scope["path"])
        if m is None:
            return None
        for name, value in scope["headers"]:
            if name in (b"authorization", b"x-api-key"):
                return None
            if name == b"origin" and self.defer_cross_origin:
                return None
            # Text formats are negotiated by the documented route.
            if name == b"accept" and (b"text/" in value or not any(t in value for t in _JSON_OK)):
                return None
        return m.group(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "the app below the fast path is set when the stack is built"
        slug = self._eligible(scope)
        if slug is None:
            await self.app(scope, receive, send)
            return
        try:
            stored = await self.reader().document(slug)
        except Exception:  # the route below reports it properly (problem+json, logged)
            stored = None
        if stored is None or not visible(stored.status, _ANON):
            await self.app(scope, receive, send)
            return
        inm = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
        d = deliver_stored(stored, _ANON, inm.decode("latin-1") if inm else None)
        body = d.body if d.status == 200 else b""
        headers = [(k.encode(), v.encode()) for k, v in d.headers.items()]
        if d.status == 200:
            headers.append((b"content-type", b"application/json"))
            headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": d.status, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )
