"""Read rules: what a caller may see of an article, served from stored renders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson

from app.articles.listing import ListQuery, Sort
from app.articles.pagecache import PageCache
from app.articles.reader import ArticleReader, Stored
from app.articles.schemas import ArticleSummary
from app.auth.principal import Principal
from app.core import pagination
from app.core.errors import Forbidden, InvalidParameter, NotFound, Unauthorized
from app.core.http import etag_for, http_date
from app.textformat import service as textformat


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
        {**c, "position": s["position"], "citation_position": c["position"]}
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


SUMMARY_FIELDS = tuple(ArticleSummary.model_fields)


@dataclass(frozen=True)
class ListFilters:
    """`GET /v1/articles` filters, as given (names, not ids)."""

    keywords: tuple[str, ...] = ()
    host: str | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None
    updated_after: datetime | None = None
    status: Literal["published", "draft"] = "published"
    sort: Sort = "-published_at"
    fields: tuple[str, ...] | None = None

    def fingerprint(self) -> str:
        def iso(d: datetime | None) -> str | None:
            return d.isoformat() if d else None

        return pagination.query_fingerprint(
            route="articles",
            sort=self.sort,
            status=self.status,
            keywords=sorted(set(self.keywords)),
            host=self.host,
            published_after=iso(self.published_after),
            published_before=iso(self.published_before),
            updated_after=iso(self.updated_after),
        )


# The cursor fingerprint of the default listing (newest published first, no filters).
PAGE_QUERY = ListFilters().fingerprint()


def check_fields(fields: tuple[str, ...] | None) -> None:
    unknown = [f for f in fields or () if f not in SUMMARY_FIELDS]
    if unknown:
        raise InvalidParameter(
            f"unknown field(s) in `fields`: {', '.join(unknown)}",
            errors=[{"parameter": "fields", "message": f"unknown field {f!r}"} for f in unknown],
            extra={"allowed": list(SUMMARY_FIELDS)},
        )


def _decode_after(cursor: str | None, query: str) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    key = pagination.decode(cursor, query=query)
    try:
        return (datetime.fromisoformat(key[0]), int(key[1]))
    except (IndexError, TypeError, ValueError) as exc:
        raise pagination.invalid_cursor() from exc


async def page(
    reader: ArticleReader,
    principal: Principal,
    *,
    filters: ListFilters,
    limit: int,
    cursor: str | None,
    cache: PageCache[Any] | None = None,
) -> Page:
    """A page of summaries, in the asked order, assembled from stored summary bytes (or the
    same page from ``cache`` when nothing has been written since it was made)."""
    if filters.status == "draft" and not principal.sees_drafts:
        if principal.anonymous:
            raise Unauthorized("listing drafts needs an API key with the `drafts` scope")
        raise Forbidden("listing drafts needs the `drafts` scope")
    check_fields(filters.fields)
    if cache is None:
        return await _page(reader, filters=filters, limit=limit, cursor=cursor)
    made: Page = await cache.get_or_make(
        f"articles|{filters!r}|{limit}|{cursor}",
        version=await reader.store_version(),
        make=lambda: _page(reader, filters=filters, limit=limit, cursor=cursor),
        size=lambda p: len(p.body),
    )
    return made


async def _page(
    reader: ArticleReader, *, filters: ListFilters, limit: int, cursor: str | None
) -> Page:
    query = filters.fingerprint()
    after = _decode_after(cursor, query)
    names = list(dict.fromkeys(filters.keywords))
    keyword_ids = await reader.ids_by_name("keywords", names) if names else {}
    host_ids = await reader.ids_by_name("hosts", [filters.host]) if filters.host else {}
    unknown_name = len(keyword_ids) < len(names) or (filters.host and not host_ids)
    rows = (
        []
        if unknown_name
        else await reader.page(
            ListQuery(
                status=filters.status,
                sort=filters.sort,
                keyword_ids=tuple(keyword_ids[n] for n in names),
                host_id=host_ids.get(filters.host) if filters.host else None,
                published_after=filters.published_after,
                published_before=filters.published_before,
                updated_after=filters.updated_after,
                after=after,
            ),
            limit=limit + 1,
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (
        pagination.encode([rows[-1].sort_key.isoformat(), rows[-1].id], query=query)
        if more
        else None
    )
    items = [r.summary for r in rows]
    if filters.fields is not None:
        wanted = filters.fields
        items = [
            orjson.dumps({k: v for k, v in orjson.loads(i).items() if k in wanted}) for i in items
        ]
    body = b"".join(
        (b'{"items":[', b",".join(items), b'],"next_cursor":', orjson.dumps(next_cursor), b"}")
    )
    newest = max((r.updated_at for r in rows), default=None)
    # The page is a pure function of its summaries (each with a strong ETag), the field
    # selection and its cursor, so hashing those is as strong as hashing the ~100 KB body.
    validators = [
        *(r.summary_etag for r in rows),
        next_cursor or "",
        ",".join(filters.fields or ()),
    ]
    etag = etag_for(",".join(validators).encode())
    return Page(body, etag, http_date(newest) if newest else None, next_cursor)
