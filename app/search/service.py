"""Search rules: who may search what, paging, and shaping hits into results."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Literal

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

_PROCESSES_FROM = 2000  # articles

Sort = Literal["relevance", "newest"]
Paged = tuple[list[repository.Hit], list[Any] | None]


@dataclass(frozen=True, slots=True)
class Request:
    q: str
    in_: In = "all"
    keywords: tuple[str, ...] = ()
    host: str | None = None
    sort: Sort = "relevance"
    limit: int = 20
    cursor: str | None = None
    # Relevance ranks the newest `window` hits (0: all), then goes on with the older ones
    # newest first: ranking every hit of a word found in most articles costs seconds.
    window: int = 0


@dataclass(frozen=True, slots=True)
class _Search:
    """One query's two orders: each gives a page of hits and the cursor key after it."""

    session: Session
    fts: str
    ts: str
    word_ts: list[str]
    filters: repository.Filters
    loose: str | None = None
    # Every term is one character: a prefix query on the tokens (see ``segment``).
    single_chars: bool = False
    negated: bool = False  # some terms are excluded

    def _newest(self, before: int | None, limit: int) -> list[repository.Hit]:
        return repository.newest(
            self.session,
            fts=self.fts,
            tsquery=self.ts,
            filters=self.filters,
            before=before,
            limit=limit,
            loose=self.loose,
        )

    def newest(self, key: list[Any] | None, limit: int) -> Paged:
        if key is not None and not (len(key) == 1 and isinstance(key[0], int)):
            raise pagination.invalid_cursor()
        hits = self._newest(key[0] if key else None, limit + 1)
        if len(hits) <= limit:
            return hits, None
        return hits[:limit], [hits[limit - 1].sort_key]

    def ranked(self, key: list[Any] | None, limit: int, window: int) -> Paged:
        """Cursor keys: ``[floor, score, sort_key]`` within the window, ``["older", sort_key]``
        after it."""
        if key is not None and len(key) == 2 and key[0] == "older":
            hits, after = self.newest(key[1:], limit)
            return hits, None if after is None else ["older", *after]
        if key is None:
            return self._first_page(limit, window)
        if not (
            len(key) == 3
            and (key[0] is None or isinstance(key[0], int))
            and isinstance(key[1], float | int)
            and isinstance(key[2], int)
        ):
            raise pagination.invalid_cursor()
        floor, last_seen = key[0], (float(key[1]), key[2])
        return self._window_page(self._ranked(floor, last_seen, limit + 1), floor, limit)

    def _first_page(self, limit: int, window: int) -> Paged:
        floor, hits = repository.first_ranked(
            self.session,
            fts=self.fts,
            tsquery=self.ts,
            word_tsqueries=self.word_ts,
            filters=self.filters,
            window=window,
            limit=limit + 1,
            loose=self.loose,
            negated=self.negated,
            unranked_within=2 * window if self.single_chars else 0,
        )
        if hits is None:
            # One-character terms whose newest ``window`` hits lie within the newest
            # ``2 * window`` articles (that pass the filters): particles such as の or は.
            # Such a query is listed newest first, as the older hits are.
            #
            # BM25 gives a term in most articles no weight: FTS5 clamps its IDF to a
            # millionth, and ``ts_rank_cd`` has no IDF at all. What is left is how often a
            # kana repeats, and computing even that reads every occurrence of the character
            # in the store: FTS5 counts the term's articles for its IDF, PostgreSQL re-reads
            # each ranked article's tsvector.
            hits, after = self.newest(None, limit)
            return hits, None if after is None else ["older", *after]
        return self._window_page(hits, floor, limit)

    def _ranked(
        self, floor: int | None, after: tuple[float, int] | None, limit: int
    ) -> list[repository.Hit]:
        return repository.ranked(
            self.session,
            fts=self.fts,
            tsquery=self.ts,
            word_tsqueries=self.word_ts,
            filters=self.filters,
            floor=floor,
            after=after,
            limit=limit,
            loose=self.loose,
            negated=self.negated,
        )

    def _window_page(self, hits: list[repository.Hit], floor: int | None, limit: int) -> Paged:
        """A page of ranked ``hits`` (up to ``limit + 1`` of them), and after the window's
        last one the older hits, newest first."""
        if len(hits) > limit:
            last = hits[limit - 1]
            return hits[:limit], [floor, last.score, last.sort_key]
        if floor is None:
            return hits, None
        # The window ends on this page: the older hits follow, newest first.
        need = limit - len(hits)
        older = self._newest(floor, need + 1)
        page = hits + older[:need]
        if len(older) <= need:
            return page, None
        return page, ["older", page[-1].sort_key if need else floor]


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
    # Word queries only rank; newest first has no use for them.
    word_ts = expression.word_tsqueries(query, groups) if request.sort == "relevance" else []
    loose = expression.loose_tsquery(query, groups)
    single_chars = all(len(t.phrase.tokens) == 1 and t.phrase.prefix for t in query.terms)
    negated = bool(query.excluded)
    search = _Search(session, fts, ts, word_ts, filters, loose, single_chars, negated)
    if request.sort == "newest":
        hits, cursor_key = search.newest(key, request.limit)
    else:
        hits, cursor_key = search.ranked(key, request.limit, request.window)
    next_cursor = None if cursor_key is None else pagination.encode(cursor_key, query=fingerprint)
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


def reindex(session: Session, *, processes: int = 0) -> int:
    """Rebuild the whole index from the stored articles, the text cut in ``processes`` worker
    processes (0: in this one); returns how many were indexed."""
    return indexing.rebuild(
        session, lambda after: articles.published_documents(session, after), processes=processes
    )


def defer_indexing(session: Session) -> None:
    """Bulk writes in this session note what to index; ``index_deferred`` then indexes it."""
    indexing.defer(session)


def index_deferred(
    session: Session, *, processes: int = 0, after_batch: Callable[[], None] | None = None
) -> int:
    """Index what was noted since ``defer_indexing``; returns how many were indexed."""
    return indexing.index_deferred(
        session,
        lambda ids: articles.published_documents_of(session, ids),
        processes=processes,
        after_batch=after_batch,
    )


def indexed_count(session: Session) -> int:
    return repository.count(session)


def is_current(session: Session) -> bool:
    """Whether the index holds exactly the published articles (``ensure_indexed`` would do
    nothing)."""
    return not repository.holds_unpublished(session) and not repository.unindexed_ids(session)


def ensure_indexed(session: Session, *, processes: int = 0) -> int:
    """Bring the index up to the published articles: index the missing ones (an interrupted
    non-atomic import with a deferred index leaves some), or rebuild the whole index when it
    holds articles that are not published (a database restored from elsewhere, say). Returns
    how many were indexed (0: nothing to do)."""
    if repository.holds_unpublished(session):
        # An entry can only be removed with the text it was indexed with, which may be gone.
        return reindex(session, processes=_workers(processes, articles.published_count(session)))
    missing = repository.unindexed_ids(session)
    return indexing.add_ids(
        session,
        missing,
        lambda ids: articles.published_documents_of(session, ids),
        processes=_workers(processes, len(missing)),
    )


def _workers(processes: int, articles: int) -> int:
    # Worker processes take a moment to start: worth it only for many articles.
    return processes if articles > _PROCESSES_FROM else 0
