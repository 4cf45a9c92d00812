"""``create_app(settings)``: the FastAPI application with its routers, handlers and middleware."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from app import __version__, docs
from app.api import v1
from app.articles.fastpath import ArticleFastPath
from app.articles.reader import ArticleReader
from app.auth import repository as key_repository
from app.core import handlers, openapi
from app.core.config import Settings
from app.core.database import Database
from app.core.middleware import BodySizeLimit, HeadAsGet, RejectNul, RequestIdMiddleware
from app.core.state import AppState
from app.ops import router as ops
from app.ratelimit import openapi as ratelimit_openapi
from app.ratelimit import wiring as ratelimit
from app.ratelimit.middleware import send_refusal

DESCRIPTION = """\
Kiji serves Japanese news-curation articles as structured JSON: the article, its Q&A headings,
its bullet summaries and its source citations.

Errors are `application/problem+json` (RFC 9457). Reads send strong `ETag`s and honour
`If-None-Match`; writes honour `If-Match`. Lists page with opaque cursors (`next_cursor` and
`Link: rel="next"`). Keys go in `Authorization: Bearer <key>` or `X-API-Key`.

Every response carries `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers-10):
per key, or per client address without one; past the quota, 429 with `Retry-After`.
"""


class KijiApp(FastAPI):
    """FastAPI with the hot anonymous reads answered in front of it (see ``fastpath``)."""

    fast_path: ArticleFastPath | None = None
    # What an HTTP request meets first: the rate limits in front of the fast path, when on.
    front: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.front is not None and scope["type"] == "http":
            await self.front(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def _behind_fast_path(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    logging.getLogger("kiji").setLevel(settings.log_level_number)
    db = Database.connect(settings.database_url, statement_timeout=settings.statement_timeout)
    state = AppState(settings, db, ArticleReader(db.fast, sqlite=settings.is_sqlite))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if rate_limit is not None:
            await rate_limit.counter.close()
        db.close()

    app = KijiApp(
        title="Kiji",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.kiji = state
    handlers.install(app)
    app.include_router(v1)
    app.include_router(ops)
    docs.install(app)
    # Outermost: the common anonymous read skips every layer below (see fastpath).
    app.fast_path = ArticleFastPath(
        app._behind_fast_path,
        reader=lambda: state.articles,
        public_read=settings.public_read,
        defer_cross_origin=bool(settings.cors_origins),
    )
    cors: dict[str, Any] = {
        "allow_origins": settings.cors_origins,
        "allow_methods": ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
        "allow_headers": [
            "Authorization",
            "X-API-Key",
            "Content-Type",
            "If-Match",
            "If-None-Match",
        ],
        "expose_headers": [
            *("ETag", "Link", "Location", "Last-Modified", "X-Request-ID"),
            *("RateLimit", "RateLimit-Policy", "Retry-After"),
        ],
    }
    rate_limit = ratelimit.layer(
        app.fast_path,
        settings,
        lookup=lambda prefix: key_repository.by_prefix(db.fast, prefix),
        # The 429 is sent in front of the CORS layer, so it gets the CORS fields itself.
        refusal=CORSMiddleware(send_refusal, **cors) if settings.cors_origins else None,
    )
    app.front = rate_limit or app.fast_path
    openapi.document(app)
    if rate_limit is not None:
        ratelimit_openapi.document(app)
    app.add_middleware(
        BodySizeLimit,
        default=settings.max_body_bytes,
        per_path={"/v1/imports": settings.max_import_bytes},
    )
    app.add_middleware(RejectNul)
    app.add_middleware(HeadAsGet)
    app.add_middleware(RequestIdMiddleware)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, **cors)
    return app


def served_app() -> FastAPI:
    """``create_app()`` for a serving process (``kiji serve``, each of its workers).

    Moves everything built so far (modules, the app, its routes and schemas: some 140,000
    objects) out of the garbage collector's sight: they live as long as the process, and a
    full collection walking them paused a request for 70 ms now and then."""
    app = create_app()
    gc.collect()
    gc.freeze()
    return app
