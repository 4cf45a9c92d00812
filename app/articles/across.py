"""Read rules of the cross-article lists: questions, citations, publishers and keywords.

Lists cover published articles. Pages are keyset pages with tamper-evident cursors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from anyio import to_thread
from sqlalchemy.orm import Session, sessionmaker

from app.articles import across_repository as sql
from app.articles.pagecache import PageCache
from app.articles.reader import ArticleReader
from app.auth.principal import Principal
from app.core import pagination
from app.core.db import unit_of_work
from app.core.fastdb import as_json, as_utc, timestamp_param
from app.core.http import etag_for

STATUS = "published"


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    etag: str
    next_cursor: str | None


def _page(items: list[dict[str, Any]], next_cursor: str | None) -> Page:
    body = orjson.dumps({"items": items, "next_cursor": next_cursor})
    return Page(body, etag_for(body), next_cursor)


def _key(cursor: str | None, query: str, size: int) -> list[Any] | None:
    if not cursor:
        return None
    key = pagination.decode(cursor, query=query)
    if len(key) != size:
        raise pagination.invalid_cursor()
    return key


def _newest_params(
    key: list[Any] | None, tail: tuple[str, ...], reader: ArticleReader
) -> dict[str, Any]:
    if key is None:
        return {}
    try:
        at = datetime.fromisoformat(key[0])
        values = [int(v) for v in key[1:]]
    except (TypeError, ValueError) as exc:
        raise pagination.invalid_cursor() from exc
    params: dict[str, Any] = {"k_at": timestamp_param(at, sqlite=reader.sqlite)}
    params["k_article"] = values[0]
    params |= {f"k_{name}": v for name, v in zip(tail, values[1:], strict=True)}
    return params


async def cached(
    reader: ArticleReader,
    cache: PageCache[Any] | None,
    key: str,
    make: Callable[[], Awaitable[Page]],
) -> Page:
    """``make()``, or the page it made before if nothing has been written since."""
    if cache is None:
        return await make()
    page: Page = await cache.get_or_make(
        key, version=await reader.store_version(), make=make, size=lambda p: len(p.body)
    )
    return page


async def searched_questions(
    sessions: sessionmaker[Session], *, keyword: str | None, q: str, limit: int, cursor: str | None
) -> Page:
    """``/questions?q=``: matching is the search engine's (see ``app.search.questions``)."""
    from app.search.questions import questions as search_questions

    def run() -> tuple[list[dict[str, Any]], str | None]:
        with unit_of_work(sessions) as session:
            return search_questions(session, q=q, keyword=keyword, limit=limit, cursor=cursor)

    items, next_cursor = await to_thread.run_sync(run)
    return _page(items, next_cursor)


async def questions(
    reader: ArticleReader, *, keyword: str | None, limit: int, cursor: str | None
) -> Page:
    query = pagination.query_fingerprint(route="questions", keyword=keyword, q=None)
    params: dict[str, Any] = {"status": STATUS, "limit": limit + 1}
    params |= _newest_params(_key(cursor, query, 3), ("position",), reader)
    if keyword is not None:
        keyword_id = await sql.keyword_id(reader.db, keyword)
        if keyword_id is None:
            return _page([], None)
        params["keyword"] = keyword_id
    rows = await sql.questions(reader.db, params)
    more, rows = len(rows) > limit, rows[:limit]
    items = [
        {
            "question": r[0],
            "answer": r[1],
            "heading": r[2],
            "position": r[3],
            "article": {"slug": r[4], "title": r[5]},
        }
        for r in rows
    ]
    last = rows[-1] if rows else None
    next_cursor = (
        pagination.encode([as_utc(last[6]).isoformat(), last[7], last[3]], query=query)
        if more and last
        else None
    )
    return _page(items, next_cursor)


def _date(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


async def citations(
    reader: ArticleReader,
    principal: Principal,
    *,
    host: str | None,
    publisher: str | None,
    published_after: date | None,
    limit: int,
    cursor: str | None,
) -> Page:
    query = pagination.query_fingerprint(
        route="citations", host=host, publisher=publisher, published_after=_date(published_after)
    )
    params: dict[str, Any] = {"status": STATUS, "limit": limit + 1}
    params |= _newest_params(_key(cursor, query, 4), ("section_position", "position"), reader)
    if host is not None:
        params["host"] = host
    if publisher is not None:
        params["publisher"] = publisher
    if published_after is not None:
        params["published_after"] = (
            published_after.isoformat() if reader.sqlite else published_after
        )
    rows = await sql.citations(reader.db, params)
    more, rows = len(rows) > limit, rows[:limit]
    items = []
    for r in rows:
        item: dict[str, Any] = {
            "publisher": r[0],
            "url": r[1],
            "host": r[2],
            "published_on": _date(r[3]),
            "summary": as_json(r[4]),
            "position": r[6],
            "citation_position": r[7],
            "article": {"slug": r[8], "title": r[9]},
        }
        if principal.profile != "summary":
            item["comment"] = as_json(r[5])
        items.append(item)
    last = rows[-1] if rows else None
    next_cursor = (
        pagination.encode([as_utc(last[10]).isoformat(), last[11], last[6], last[7]], query=query)
        if more and last
        else None
    )
    return _page(items, next_cursor)


def _name_key(cursor: str | None, query: str) -> dict[str, Any]:
    key = _key(cursor, query, 1)
    if key is None:
        return {}
    if not isinstance(key[0], str):
        raise pagination.invalid_cursor()
    return {"k_name": key[0]}


async def keywords(reader: ArticleReader, *, limit: int, cursor: str | None) -> Page:
    query = pagination.query_fingerprint(route="keywords")
    params: dict[str, Any] = {"status": STATUS, "limit": limit + 1} | _name_key(cursor, query)
    rows = await sql.keywords(reader.db, params)
    more, rows = len(rows) > limit, rows[:limit]
    items = [{"keyword": r[1], "article_count": int(r[2])} for r in rows]
    next_cursor = pagination.encode([rows[-1][1]], query=query) if more and rows else None
    return _page(items, next_cursor)


async def publishers(reader: ArticleReader, *, limit: int, cursor: str | None) -> Page:
    query = pagination.query_fingerprint(route="publishers")
    params: dict[str, Any] = {"status": STATUS, "limit": limit + 1} | _name_key(cursor, query)
    rows = await sql.publishers(reader.db, params)
    more, rows = len(rows) > limit, rows[:limit]
    labels = await sql.labels(reader.db, STATUS, [r[1] for r in rows])
    items = [
        {
            "host": r[1],
            "labels": labels.get(r[1], []),
            "citation_count": int(r[3]),
            "article_count": int(r[2]),
        }
        for r in rows
    ]
    next_cursor = pagination.encode([rows[-1][1]], query=query) if more and rows else None
    return _page(items, next_cursor)
