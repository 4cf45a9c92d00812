"""Keeping the index in step with the articles: called by the article service inside the
transaction of every write, so a search never sees a change before it commits, or after it
was rolled back."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.search import repository
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


def add(session: Session, items: Iterable[tuple[int, datetime, Doc]]) -> None:
    """Index published articles: (id, listing time, document)."""
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


def rebuild(
    session: Session,
    batches: Callable[[int], list[tuple[int, datetime, bytes]]],
) -> int:
    """Index every published article again; ``batches(after_id)`` pages through them."""
    repository.clear(session)
    done, after = 0, 0
    while rows := batches(after):
        add(session, ((i, at, orjson.loads(doc)) for i, at, doc in rows))
        done += len(rows)
        after = rows[-1][0]
    return done
