"""Keeping the index in step with the articles: called by the article service inside the
transaction of every write, so a search never sees a change before it commits, or after it
was rolled back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from app.search import repository
from app.search.index import entry, sort_key

Doc = Mapping[str, Any]


def add(session: Session, items: Iterable[tuple[int, datetime, Doc]]) -> None:
    """Index published articles: (id, listing time, document)."""
    entries = [
        entry(doc, article_id=i, key=sort_key(listed_at, i))
        for i, listed_at, doc in items
        if doc.get("status", "published") == "published"
    ]
    repository.insert(session, entries)


def drop(session: Session, article_id: int, stored_document: bytes) -> None:
    """Remove an article from the index, if it is there (``stored_document`` is what the
    store held when it was indexed)."""
    key = repository.indexed_key(session, article_id)
    if key is None:
        return
    repository.remove(session, entry(orjson.loads(stored_document), article_id=article_id, key=key))


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
