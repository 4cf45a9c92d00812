"""SQL of the changes feed: rows of ``changes`` in ``seq`` order, each with its article's
stored render when it is that article's latest change.

Why a client paging by ``seq`` never skips a change: every transaction that records changes
takes the ``store_state`` row lock before drawing a ``seq`` and holds it to commit (see
``app.articles.repository.record_changes``; SQLite writers hold the database write lock
from ``BEGIN``). Writers that record changes therefore commit one at a time, in ``seq``
order, so any snapshot of ``changes`` holds every ``seq`` up to its highest one that will
ever commit: numbers missing below it belong to rolled-back transactions and never appear.
A page read in one statement (one snapshot) and resumed after its last ``seq`` cannot leap
over a change that commits later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.fastdb import FastDB, as_utc

# A change carries its article's render only while it is the article's latest change (a
# later one, further on in the feed, carries the newer state) and, for keys that may not see
# drafts, only when it left the article published. "Latest" is asked of ``article_id``
# rather than the article's version: SQLite may give a deleted article's id to a new one.
# The render is looked up by key for each row of the page: joined instead, PostgreSQL hashed
# the whole render table for every page.
_PAGE = """
SELECT c.seq, c.kind, c.slug, c.version, c.at, c.status,
  CASE WHEN c.kind <> 'delete'{published_render}
    AND NOT EXISTS (SELECT 1 FROM changes n WHERE n.article_id = c.article_id AND n.seq > c.seq)
  THEN (SELECT r.{column} FROM article_renders r WHERE r.article_id = c.article_id) END
FROM changes c
WHERE c.seq > :after{published_rows}
ORDER BY c.seq
LIMIT :limit
"""
# Without `drafts`, a change that left the article a draft is shown only when the article was
# published before (the partner must drop its copy); a draft never published stays unseen.
_PUBLISHED_ROWS = """
  AND (c.status = 'published' OR EXISTS (
    SELECT 1 FROM changes p
    WHERE p.article_id = c.article_id AND p.slug = c.slug AND p.seq < c.seq
      AND p.status = 'published'))"""
_QUERIES = {
    (drafts, summary): _PAGE.format(
        column="summary" if summary else "document",
        published_render="" if drafts else " AND c.status = 'published'",
        published_rows="" if drafts else _PUBLISHED_ROWS,
    )
    for drafts in (False, True)
    for summary in (False, True)
}


@dataclass(frozen=True, slots=True)
class ChangeRow:
    seq: int
    kind: str
    slug: str
    version: int
    at: datetime
    status: str
    render: bytes | None


def _row(r: Sequence[Any]) -> ChangeRow:
    return ChangeRow(
        int(r[0]),
        str(r[1]),
        str(r[2]),
        int(r[3]),
        as_utc(r[4]),
        str(r[5]),
        bytes(r[6]) if r[6] is not None else None,
    )


async def page(
    db: FastDB, *, after: int, limit: int, drafts: bool, summary: bool
) -> list[ChangeRow]:
    """Up to ``limit`` changes after ``after``, oldest first, with the summary or the full
    document as render; drafts only when ``drafts``."""
    rows = await db.all(_QUERIES[(drafts, summary)], {"after": after, "limit": limit})
    return [_row(r) for r in rows]


async def last_seq(db: FastDB) -> int:
    row = await db.one("SELECT MAX(seq) FROM changes", {})
    return int(row[0]) if row and row[0] is not None else 0
