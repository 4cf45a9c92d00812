"""What one article contributes to the search index (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
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


# PostgreSQL's tsvector: positions run to 16,383 (later ones all read as 16,383), a lexeme
# keeps its first 255, and lexemes with their positions take at most 1,048,575 bytes. Past
# either of the first two a phrase further on no longer matches on PostgreSQL, where SQLite
# finds it; past the last PostgreSQL refuses the vector.
POSITIONS_MAX = 16_383
LEXEME_POSITIONS_MAX = 255
VECTOR_BYTES = 1_048_575


def _vector_bytes(texts: Iterable[str]) -> int:
    """The bytes PostgreSQL needs for the lexemes and positions of the tokens of ``texts``
    (space-separated, as ``to_tsvector('simple', ...)`` reads them)."""
    counts = Counter(token for text in texts for token in text.split())
    return sum(
        (len(token.encode()) + 1) // 2 * 2 + 2 + 2 * min(n, LEXEME_POSITIONS_MAX)
        for token, n in counts.items()
    )


def surely_fits(strings: list[str]) -> bool:
    """Whether text that holds no more than ``strings`` fits the limits for certain: each
    character gives at most one token, and a token repeats no more often than its first
    character. Most articles are settled here, without cutting their text."""
    normal = segment.normalise("\n".join(strings))
    if len(normal) + len(strings) + len(GROUPS) > POSITIONS_MAX:
        return False
    return not normal or max(Counter(normal).values()) <= LEXEME_POSITIONS_MAX


def too_large(doc: Mapping[str, Any]) -> str | None:
    """Why an article's text cannot be indexed alike on both databases, or None; such an
    article is refused on both, so that their indexes always hold the same hits."""
    texts = grouped(doc)
    if surely_fits([p for g in GROUPS for p in texts[g]]):
        return None
    # As the repository writes them: a separator after each group's text.
    grams = [f"{segment.index_text(texts[g])} {segment.SEPARATOR}" for g in GROUPS]
    tokens = [t for text in grams for t in text.split()]
    if len(tokens) > POSITIONS_MAX:
        return (
            f"the article's text is too long to index for search: {len(tokens):,} tokens"
            f" where at most {POSITIONS_MAX:,} fit (about as many characters); shorten it"
        )
    # (The separator's own positions may go: no query ever looks for it.)
    counts = Counter(t for t in tokens if t != segment.SEPARATOR)
    token, n = counts.most_common(1)[0] if counts else ("", 0)
    if n > LEXEME_POSITIONS_MAX:
        return (
            f"the article's text repeats {token!r} {n} times: search can index at most"
            f" {LEXEME_POSITIONS_MAX} of one two-character sequence; shorten it"
        )
    word_texts = [f"{words.index_text(texts[g])} {segment.SEPARATOR}" for g in WORD_GROUPS]
    size = max(_vector_bytes(grams), _vector_bytes(word_texts))
    if size > VECTOR_BYTES:
        return (
            f"the article's text is too large to index for search: {size:,} bytes of index"
            f" where at most {VECTOR_BYTES:,} fit; shorten it"
        )
    return None
