"""What one article contributes to the search index (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.search import segment, words
from app.search.fields import GROUPS, WORD_GROUPS, grouped

# Tables of the index (made by dialect-specific DDL in the migrations, not from the models).
SEARCH_TABLE_PREFIX = "search_"

# Results sort newest first by one integer: the publication second, then the article id, so
# FTS5 can walk its rowids backwards without touching the articles table. Ids must stay
# below 2**24 (16.7 million articles) for the key to be unique.
_ID_BITS = 24


def sort_key(listed_at: datetime, article_id: int) -> int:
    return (int(listed_at.timestamp()) << _ID_BITS) | (article_id & ((1 << _ID_BITS) - 1))


@dataclass(frozen=True, slots=True)
class Entry:
    article_id: int
    sort_key: int
    grams: tuple[str, ...]  # one per group, in GROUPS order
    words: tuple[str, ...]  # one per word group, in WORD_GROUPS order


def entry(doc: Mapping[str, Any], *, article_id: int, key: int) -> Entry:
    """The index entry of a document (an input document or a stored one: the same text gives
    the same entry, which SQLite needs to delete it again)."""
    texts = grouped(doc)
    return Entry(
        article_id,
        key,
        tuple(segment.index_text(texts[g]) for g in GROUPS),
        tuple(words.index_text(texts[g]) for g in WORD_GROUPS),
    )
