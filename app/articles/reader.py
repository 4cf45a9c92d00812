"""SQL of the hot article reads: stored renders by slug and keyset pages of summaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.core.fastdb import FastDB

_DOCUMENT = (
    "SELECT a.id, a.status, r.etag, r.last_modified, r.document"
    " FROM articles a JOIN article_renders r ON r.article_id = a.id WHERE a.slug = :slug"
)
_SUMMARY = (
    "SELECT a.id, a.status, r.summary_etag, r.last_modified, r.summary"
    " FROM articles a JOIN article_renders r ON r.article_id = a.id WHERE a.slug = :slug"
)
_PAGE = (
    "SELECT a.id, a.published_at, r.summary, r.summary_etag, a.updated_at"
    " FROM articles a JOIN article_renders r ON r.article_id = a.id"
    " WHERE a.status = 'published' {after}"
    " ORDER BY a.published_at DESC, a.id DESC LIMIT :limit"
)
_AFTER = "AND (a.published_at < :at OR (a.published_at = :at AND a.id < :id))"
_PAGE_FIRST = _PAGE.format(after="")
_PAGE_AFTER = _PAGE.format(after=_AFTER)
# SQLAlchemy's DateTime stores this text form on SQLite; keyset bounds must compare alike.
_SQLITE_TS = "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True, slots=True)
class Stored:
    id: int
    status: str
    etag: str
    last_modified: str
    body: bytes


@dataclass(frozen=True, slots=True)
class PageRow:
    id: int
    published_at: datetime
    summary: bytes
    summary_etag: str
    updated_at: datetime


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


class ArticleReader:
    def __init__(self, db: FastDB, *, sqlite: bool) -> None:
        self._db = db
        self._sqlite = sqlite

    async def document(self, slug: str) -> Stored | None:
        row = await self._db.one(_DOCUMENT, {"slug": slug})
        return Stored(row[0], row[1], row[2], row[3], bytes(row[4])) if row else None

    async def summary(self, slug: str) -> Stored | None:
        row = await self._db.one(_SUMMARY, {"slug": slug})
        return Stored(row[0], row[1], row[2], row[3], bytes(row[4])) if row else None

    def _bound(self, at: datetime) -> Any:
        return at.astimezone(UTC).strftime(_SQLITE_TS) if self._sqlite else at

    async def page(self, *, after: tuple[datetime, int] | None, limit: int) -> list[PageRow]:
        if after is None:
            rows = await self._db.all(_PAGE_FIRST, {"limit": limit})
        else:
            params = {"at": self._bound(after[0]), "id": after[1], "limit": limit}
            rows = await self._db.all(_PAGE_AFTER, params)
        return [
            PageRow(r[0], _as_datetime(r[1]), bytes(r[2]), r[3], _as_datetime(r[4])) for r in rows
        ]
