"""Rules of the changes feed: what a caller sees of each change, and where it resumes.

Every create, update and delete gets a ``seq``; a page lists changes after its cursor,
oldest first. A change carries its ``article`` (the summary projection for summary-only
keys, else the full document) while it is the article's latest change: an older one says
what happened and when, and a later item carries the article's newer state, so a client that
applies items in order ends up with the current articles. Without the ``drafts`` scope a key
sees published articles only: an article that stops being published (unpublished, or deleted
as a draft) comes as a ``delete``. The cursor is always returned, also when the client is
caught up, so it can come back for what is written next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import orjson

from app.auth.principal import Principal
from app.core import pagination
from app.core.fastdb import FastDB
from app.core.http import etag_for
from app.syndication import changes_repository as sql
from app.syndication.changes_repository import ChangeRow

QUERY = pagination.query_fingerprint(route="changes")


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    etag: str
    next_cursor: str
    more: bool = False
    # When the page's newest change happened (None: no change on it).
    last_change: datetime | None = None


def encode_cursor(seq: int) -> str:
    return pagination.encode([seq], query=QUERY)


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    key = pagination.decode(cursor, query=QUERY)
    if len(key) != 1 or not isinstance(key[0], int) or isinstance(key[0], bool) or key[0] < 0:
        raise pagination.invalid_cursor()
    return key[0]


def _item(row: ChangeRow, *, drafts: bool) -> bytes:
    # Without `drafts`, leaving the published set is what the client must act on.
    kind = row.kind if drafts or row.status == "published" else "delete"
    head = {"seq": row.seq, "type": kind, "slug": row.slug, "version": row.version, "at": row.at}
    encoded = orjson.dumps(head, option=orjson.OPT_UTC_Z)
    if kind == "delete" or row.render is None:
        return encoded
    # The stored render is already JSON: splice it in rather than parse and re-encode it.
    return b"".join((encoded[:-1], b',"article":', row.render, b"}"))


async def page(db: FastDB, principal: Principal, *, cursor: str | None, limit: int) -> Page:
    after = decode_cursor(cursor)
    drafts = principal.sees_drafts
    # Read before the page: every seq up to it is final (see changes_repository), so a page
    # that comes back short has seen all of them and the cursor may move past hidden ones.
    top = await sql.last_seq(db)
    rows = await sql.page(
        db,
        after=after,
        limit=limit + 1,
        drafts=drafts,
        summary=principal.profile == "summary",
    )
    more = len(rows) > limit
    rows = rows[:limit]
    reached = rows[-1].seq if rows else after
    next_cursor = encode_cursor(reached if more else max(reached, top))
    body = b"".join(
        (
            b'{"items":[',
            b",".join(_item(r, drafts=drafts) for r in rows),
            b'],"next_cursor":',
            orjson.dumps(next_cursor),
            b"}",
        )
    )
    newest = rows[-1].at if rows else None  # oldest first
    return Page(body, etag_for(body), next_cursor, more, newest)
