"""Read rules: what a caller may see of an article, served from stored renders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson

from app.articles.reader import ArticleReader, Stored
from app.auth.principal import Principal
from app.core import pagination
from app.core.errors import Forbidden, NotFound
from app.core.http import etag_for, http_date
from app.textformat import service as textformat

PAGE_QUERY = pagination.query_fingerprint(route="articles", sort="-published_at")


async def visible_document(reader: ArticleReader, principal: Principal, slug: str) -> Stored:
    """The representation this caller gets at ``/articles/{slug}``: the full document, or the
    summary projection for summary-only keys."""
    if principal.profile == "summary":
        stored = await reader.summary(slug)
    else:
        stored = await reader.document(slug)
    return _visible(stored, principal, slug)


def _visible(stored: Stored | None, principal: Principal, slug: str) -> Stored:
    if stored is None or not (stored.status == "published" or principal.sees_drafts):
        raise NotFound(f"no article with slug {slug!r}")
    return stored


async def summary(reader: ArticleReader, principal: Principal, slug: str) -> Stored:
    return _visible(await reader.summary(slug), principal, slug)


@dataclass(frozen=True, slots=True)
class Part:
    body: bytes
    etag: str
    last_modified: str


def _part(stored: Stored, value: Any) -> Part:
    body = orjson.dumps(value)
    return Part(body, etag_for(body), stored.last_modified)


def _listing(items: list[Any]) -> dict[str, Any]:
    return {"items": items, "next_cursor": None}


async def _full_document(reader: ArticleReader, principal: Principal, slug: str) -> Stored:
    if principal.profile == "summary":
        raise Forbidden("a summary-only key cannot read an article's sections")
    return _visible(await reader.document(slug), principal, slug)


async def sections(reader: ArticleReader, principal: Principal, slug: str) -> Part:
    stored = await _full_document(reader, principal, slug)
    return _part(stored, _listing(orjson.loads(stored.body)["sections"]))


async def section(reader: ArticleReader, principal: Principal, slug: str, position: int) -> Part:
    stored = await _full_document(reader, principal, slug)
    found = orjson.loads(stored.body)["sections"]
    if not 1 <= position <= len(found):
        raise NotFound(f"article {slug!r} has no section {position} (it has {len(found)})")
    return _part(stored, found[position - 1])


async def faq(reader: ArticleReader, principal: Principal, slug: str) -> Part:
    stored = await summary(reader, principal, slug)
    return _part(stored, _listing(orjson.loads(stored.body)["faq"]))


async def citations(reader: ArticleReader, principal: Principal, slug: str) -> Part:
    if principal.profile == "summary":
        # The projection's citations carry no editor comment.
        stored = await summary(reader, principal, slug)
        return _part(stored, _listing(orjson.loads(stored.body)["citations"]))
    stored = _visible(await reader.document(slug), principal, slug)
    items = [
        {"section": s["position"], **c}
        for s in orjson.loads(stored.body)["sections"]
        for c in s["citations"]
    ]
    return _part(stored, _listing(items))


async def as_template(
    reader: ArticleReader, principal: Principal, slug: str, kind: Literal["text", "markdown"]
) -> Part:
    """The article in the editorial text template or Markdown; both carry full text."""
    if principal.profile == "summary":
        raise Forbidden(f"a summary-only key cannot read the {kind} export, which has full text")
    stored = _visible(await reader.document(slug), principal, slug)
    body = textformat.represent(orjson.loads(stored.body), kind).encode()
    return Part(body, etag_for(body, prefix=f"{kind}-"), stored.last_modified)


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    etag: str
    last_modified: str | None
    next_cursor: str | None


async def page(reader: ArticleReader, *, limit: int, cursor: str | None) -> Page:
    """A page of published summaries, newest first, assembled from stored summary bytes."""
    after: tuple[datetime, int] | None = None
    if cursor:
        key = pagination.decode(cursor, query=PAGE_QUERY)
        try:
            after = (datetime.fromisoformat(key[0]), int(key[1]))
        except (IndexError, TypeError, ValueError) as exc:
            raise pagination.invalid_cursor() from exc
    rows = await reader.page(after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (
        pagination.encode([rows[-1].published_at.isoformat(), rows[-1].id], query=PAGE_QUERY)
        if more
        else None
    )
    body = b"".join(
        (
            b'{"items":[',
            b",".join(r.summary for r in rows),
            b'],"next_cursor":',
            orjson.dumps(next_cursor),
            b"}",
        )
    )
    newest = max((r.updated_at for r in rows), default=None)
    # The page is a pure function of its summaries (each with a strong ETag) and its cursor,
    # so hashing those is as strong as hashing the ~100 KB body, and cheaper.
    validators = ",".join([*(r.summary_etag for r in rows), next_cursor or ""]).encode()
    return Page(body, etag_for(validators), http_date(newest) if newest else None, next_cursor)
