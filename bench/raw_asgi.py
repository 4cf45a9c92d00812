"""The ceiling: a bare ASGI app answering every request with one article's stored bytes.

Run by serve_bench.py as ``uvicorn raw_asgi:create_app --factory --app-dir bench`` with
``BENCH_DB`` (path of the SQLite file) and ``BENCH_SLUG`` (the article) in the environment.
The bytes are read once at start; no routing, no database, no middleware per request."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import closing
from typing import Any

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

_QUERY = (
    "SELECT r.document, r.etag FROM articles a"
    " JOIN article_renders r ON r.article_id = a.id WHERE a.slug = ?"
)


def load(db: str, slug: str) -> tuple[bytes, str]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        row = conn.execute(_QUERY, (slug,)).fetchone()
    if row is None:
        raise LookupError(f"no article {slug!r} in {db}")
    return bytes(row[0]), str(row[1])


def create_app() -> ASGIApp:
    body, etag = load(os.environ["BENCH_DB"], os.environ["BENCH_SLUG"])
    start: Message = {
        "type": "http.response.start",
        "status": 200,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"etag", etag.encode()),
        ],
    }
    done: Message = {"type": "http.response.body", "body": body}

    async def app(scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await send(start)
        await send(done)

    return app
