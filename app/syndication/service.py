"""Syndication rules: feed pages of published summaries, and one article in a standard format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

import orjson

from app.articles import reads
from app.articles.pagecache import PageCache
from app.articles.reader import ArticleReader
from app.articles.render import canonical_url
from app.articles.schemas import ArticleOut, ArticleSummary
from app.auth.principal import Principal
from app.core.http import etag_for
from app.syndication import atom, html, jsonfeed, jsonld, ninjs
from app.syndication.feedmeta import FeedMeta
from app.syndication.view import ArticleView, from_document, from_summary

FeedKind = Literal["json", "atom"]
Representation = Literal["html", "jsonld", "ninjs"]
DEFAULT_LIMIT = 20


@dataclass(frozen=True, slots=True)
class FeedQuery:
    keywords: tuple[str, ...] = ()
    host: str | None = None
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None

    def url(self, base: str, *, cursor: str | None) -> str:
        params: list[tuple[str, str | int]] = [("keyword", k) for k in self.keywords]
        if self.host:
            params.append(("host", self.host))
        if self.limit != DEFAULT_LIMIT:
            params.append(("limit", self.limit))
        if cursor:
            params.append(("cursor", cursor))
        return f"{base}?{urlencode(params)}" if params else base


@dataclass(frozen=True, slots=True)
class FeedPage:
    body: bytes
    etag: str
    last_modified: str | None
    next_url: str | None


async def feed_page(
    reader: ArticleReader,
    principal: Principal,
    *,
    kind: FeedKind,
    query: FeedQuery,
    base_url: str,
    cache: PageCache[Any] | None = None,
) -> FeedPage:
    """A page of the summary feed; kept in ``cache`` while nothing has been written since."""

    async def make() -> FeedPage:
        return await _feed_page(reader, principal, kind=kind, query=query, base_url=base_url)

    if cache is None:
        return await make()
    made: FeedPage = await cache.get_or_make(
        f"feed|{kind}|{base_url}|{query!r}",
        version=await reader.store_version(),
        make=make,
        size=lambda p: len(p.body),
    )
    return made


def _title(query: FeedQuery) -> str:
    filters = []
    if query.keywords:
        filters.append(f"キーワード: {'、'.join(query.keywords)}")
    if query.host:
        filters.append(f"出典: {query.host}")
    return "Kiji 記事の要約" + (f"（{' / '.join(filters)}）" if filters else "")


async def _feed_page(
    reader: ArticleReader,
    principal: Principal,
    *,
    kind: FeedKind,
    query: FeedQuery,
    base_url: str,
) -> FeedPage:
    # The same listing as `GET /v1/articles` (published, newest first), so its cursors and
    # filters behave alike.
    page = await reads.page(
        reader,
        principal,
        filters=reads.ListFilters(keywords=query.keywords, host=query.host),
        limit=query.limit,
        cursor=query.cursor,
    )
    views = [
        from_summary(ArticleSummary.model_validate(item))
        for item in orjson.loads(page.body)["items"]
    ]
    base = f"{base_url}/v1/feeds/summaries.{kind}"
    meta = FeedMeta(
        title=_title(query),
        description="公開済み記事の要約（Q&A見出し、ポイント、出典）を新しい順に",
        feed_url=query.url(base, cursor=None),
        self_url=query.url(base, cursor=query.cursor),
        next_url=query.url(base, cursor=page.next_cursor) if page.next_cursor else None,
        docs_url=f"{base_url}/docs",
    )
    body = orjson.dumps(jsonfeed.feed(views, meta)) if kind == "json" else atom.feed(views, meta)
    return FeedPage(body, etag_for(body, prefix=f"{kind}-"), page.last_modified, meta.next_url)


async def represent(
    reader: ArticleReader,
    principal: Principal,
    slug: str,
    kind: Representation,
    *,
    base_url: str,
    cache: PageCache[Any] | None = None,
) -> reads.Part:
    """The article as an HTML page, JSON-LD or ninjs; summary-only keys get it made from the
    summary projection (ninjs says so with ``representationType: partial``).

    Made once per stored render (its ETag names its exact bytes) and kept in ``cache``."""
    summary_only = principal.profile == "summary"
    if summary_only:
        stored = await reads.summary(reader, principal, slug)
    else:
        stored = await reads.visible_document(reader, principal, slug)

    async def make() -> reads.Part:
        view: ArticleView
        if summary_only:
            view = from_summary(ArticleSummary.model_validate_json(stored.body))
        else:
            doc = ArticleOut.model_validate_json(stored.body)
            view = from_document(doc, url=canonical_url(base_url, doc.slug))
        body = render(view, kind)
        return reads.Part(body, etag_for(body, prefix=f"{kind}-"), stored.last_modified)

    if cache is None:
        return await make()
    part: reads.Part = await cache.get_or_make(
        f"representation|{kind}|{base_url}|{stored.etag}",
        version=0,  # the key names the stored render, so it never goes stale
        make=make,
        size=lambda p: len(p.body),
    )
    return part


def render(view: ArticleView, kind: Representation) -> bytes:
    if kind == "html":
        return html.page(view, jsonld=jsonld.news_article(view)).encode()
    return orjson.dumps(jsonld.news_article(view) if kind == "jsonld" else ninjs.ninjs(view))
