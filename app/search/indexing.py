"""Keeping the index in step with the articles: called by the article service inside the
transaction of every write, so a search never sees a change before it commits, or after it
was rolled back."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.core import workers
from app.search import repository
from app.search import worker as search_worker
from app.search.index import entry, sort_key

Doc = Mapping[str, Any] | BaseModel


@dataclass(slots=True)
class Spent:
    """Time this process spent writing the index (``kiji import`` reports it apart from the
    rest of the import)."""

    seconds: float = 0.0
    articles: int = 0


SPENT = Spent()


def _mapping(doc: Doc) -> Mapping[str, Any]:
    return doc.model_dump() if isinstance(doc, BaseModel) else doc


_DEFERRED = "kiji.search.deferred"
_BATCH = 100

Rows = list[tuple[int, datetime, bytes]]


def defer(session: Session) -> None:
    """From now on, ``add`` in this session only notes which articles to index, and
    ``index_deferred`` indexes them (bulk imports: the store and the index are then written,
    and timed, apart)."""
    session.info.setdefault(_DEFERRED, set())


def add(session: Session, items: Iterable[tuple[int, datetime, Doc]]) -> None:
    """Index published articles: (id, listing time, document)."""
    deferred: set[int] | None = session.info.get(_DEFERRED)
    if deferred is not None:
        deferred.update(i for i, _, _ in items)
        return
    started = time.perf_counter()
    entries = []
    for i, listed_at, doc in items:
        fields = _mapping(doc)
        if fields.get("status", "published") == "published":
            entries.append(entry(fields, article_id=i, key=sort_key(listed_at, i)))
    repository.insert(session, entries)
    SPENT.seconds += time.perf_counter() - started
    SPENT.articles += len(entries)


def drop(session: Session, article_id: int, stored_document: bytes) -> None:
    """Remove an article from the index, if it is there (``stored_document`` is what the
    store held when it was indexed)."""
    started = time.perf_counter()
    key = repository.indexed_key(session, article_id)
    if key is not None:
        old = entry(orjson.loads(stored_document), article_id=article_id, key=key)
        repository.remove(session, old)
    SPENT.seconds += time.perf_counter() - started


def add_stored(
    session: Session,
    batches: Iterable[Rows],
    *,
    processes: int = 0,
    after_batch: Callable[[], None] | None = None,
    only_new: bool = False,
) -> int:
    """Index stored published articles, batch by batch: (id, listing time, stored document).
    With ``processes`` > 0 the text is cut in that many worker processes while this one
    writes; ``after_batch`` runs after each batch's writes (a commit, say); ``only_new``
    leaves alone the articles already in the index. Returns how many were indexed."""
    requests = (
        search_worker.request((i, sort_key(at, i), doc) for i, at, doc in rows)
        for rows in batches
        if rows
    )
    replies: Iterator[bytes] = (
        workers.ordered("app.search.worker", requests, processes=processes)
        if processes > 0
        else map(search_worker.answer, requests)
    )
    done = 0
    # closing: a failed write stops the workers now, not when the traceback is freed.
    stop = contextlib.closing(replies) if isinstance(replies, Generator) else None
    with stop or contextlib.nullcontext():
        for reply in replies:
            started = time.perf_counter()
            entries = search_worker.entries(reply)
            if only_new:
                # Another writer may have indexed an article since it was stored here (a
                # non-atomic import commits its articles before their index).
                present = repository.indexed_ids(session, [e.article_id for e in entries])
                entries = [e for e in entries if e.article_id not in present]
            repository.insert(session, entries, only_new=only_new)
            SPENT.seconds += time.perf_counter() - started
            SPENT.articles += len(entries)
            done += len(entries)
            if after_batch is not None:
                after_batch()
    return done


def index_deferred(
    session: Session,
    rows_of: Callable[[list[int]], Rows],
    *,
    processes: int = 0,
    after_batch: Callable[[], None] | None = None,
) -> int:
    """Index the articles ``add`` noted since ``defer`` (those still published, as stored
    now), and stop deferring; ``rows_of(ids)`` reads them."""
    ids = session.info.pop(_DEFERRED, set())
    return add_ids(session, ids, rows_of, processes=processes, after_batch=after_batch)


def add_ids(
    session: Session,
    ids: Iterable[int],
    rows_of: Callable[[list[int]], Rows],
    *,
    processes: int = 0,
    after_batch: Callable[[], None] | None = None,
) -> int:
    """Index those of ``ids`` that are published and not in the index yet; ``rows_of(ids)``
    reads them."""
    ordered = sorted(ids)
    batches = (rows_of(ordered[n : n + _BATCH]) for n in range(0, len(ordered), _BATCH))
    return add_stored(session, batches, processes=processes, after_batch=after_batch, only_new=True)


def rebuild(session: Session, pages: Callable[[int], Rows], *, processes: int = 0) -> int:
    """Index every published article again; ``pages(after_id)`` pages through them."""
    repository.clear(session)

    def batches() -> Iterable[Rows]:
        after = 0
        while rows := pages(after):
            yield rows
            after = rows[-1][0]

    return add_stored(session, batches(), processes=processes)
