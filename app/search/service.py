"""Search rules: who may search what, paging, and shaping hits into results."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import orjson
from sqlalchemy.orm import Session

from app.articles import service as articles
from app.auth.principal import Principal
from app.core import pagination
from app.core.errors import Forbidden
from app.search import expression, indexing, repository
from app.search.fields import IN_GROUPS, SUMMARY_GROUPS, Group, In
from app.search.query import Query, parse
from app.search.schemas import SearchHit, SearchPage
from app.search.snippet import best

Sort = Literal["relevance", "newest"]


@dataclass(frozen=True, slots=True)
class Request:
    q: str
    in_: In = "all"
    keywords: tuple[str, ...] = ()
    host: str | None = None
    sort: Sort = "relevance"
    limit: int = 20
    cursor: str | None = None


def groups_for(principal: Principal, in_: In) -> frozenset[Group]:
    """The field groups searched: those asked for, within what the caller may read."""
    asked = IN_GROUPS[in_]
    if principal.profile != "summary":
        return asked
    allowed = asked & SUMMARY_GROUPS
    if not allowed:
        raise Forbidden("a summary-only key cannot search body text; use in=questions|summaries")
    return allowed


def search(session: Session, *, principal: Principal, request: Request) -> SearchPage:
    query = parse(request.q)
    groups = groups_for(principal, request.in_)
    fingerprint = pagination.query_fingerprint(
        route="search",
        q=[[t.text for t in query.terms], [t.text for t in query.excluded]],
        groups=sorted(groups),
        keywords=request.keywords,
        host=request.host,
        sort=request.sort,
    )
    key = pagination.decode(request.cursor, query=fingerprint) if request.cursor else None
    filters = repository.Filters(request.keywords, request.host)
    fts, ts = expression.fts(query, groups), expression.tsquery(query, groups)
    if request.sort == "newest":
        if key is not None and not (len(key) == 1 and isinstance(key[0], int)):
            raise pagination.invalid_cursor()
        hits = repository.newest(
            session,
            fts=fts,
            tsquery=ts,
            filters=filters,
            before=key[0] if key else None,
            limit=request.limit + 1,
        )
    else:
        if key is not None and not (
            len(key) == 2 and isinstance(key[0], float | int) and isinstance(key[1], int)
        ):
            raise pagination.invalid_cursor()
        hits = repository.ranked(
            session,
            fts=fts,
            tsquery=ts,
            word_tsqueries=expression.word_tsqueries(query, groups),
            filters=filters,
            after=(float(key[0]), key[1]) if key else None,
            limit=request.limit + 1,
        )
    more = len(hits) > request.limit
    hits = hits[: request.limit]
    next_cursor = None
    if more:
        last = hits[-1]
        cursor_key = [last.sort_key] if request.sort == "newest" else [last.score, last.sort_key]
        next_cursor = pagination.encode(cursor_key, query=fingerprint)
    return SearchPage(items=_results(session, hits, query, groups), next_cursor=next_cursor)


def _results(
    session: Session, hits: list[repository.Hit], query: Query, groups: Collection[Group]
) -> list[SearchHit]:
    docs = articles.documents(session, [h.article_id for h in hits])
    items = []
    for hit in hits:
        if hit.article_id not in docs:
            continue
        slug, stored = docs[hit.article_id]
        doc = orjson.loads(stored)
        snip = best(doc, query.terms, groups)
        items.append(
            SearchHit(
                slug=slug,
                title=doc["title"],
                position=snip.position,
                field=snip.field,
                score=round(hit.score, 6) if hit.score is not None else 0.0,
                snippet=snip.text,
                highlights=snip.highlights,
                snippet_html=snip.html,
            )
        )
    return items


def reindex(session: Session) -> int:
    """Rebuild the whole index from the stored articles; returns how many were indexed."""
    return indexing.rebuild(session, lambda after: articles.published_documents(session, after))


def indexed_count(session: Session) -> int:
    return repository.count(session)


def ensure_indexed(session: Session) -> int:
    """Rebuild the index when it does not hold every published article (a database that was
    upgraded to the search migration, say); returns how many were indexed (0: nothing to do)."""
    if indexed_count(session) == articles.published_count(session):
        return 0
    return reindex(session)
