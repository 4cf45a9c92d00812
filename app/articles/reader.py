"""SQL of the hot article reads: stored renders by slug and keyset pages of summaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.articles import listing
from app.articles.listing import ListQuery
from app.core.fastdb import FastDB, as_utc, timestamp_param

_DOCUMENT = (
    "SELECT a.id, a.status, r.etag, r.last_modified, r.document"
    " FROM articles a JOIN article_renders r ON r.article_id = a.id WHERE a.slug = :slug"
)
_VALIDATORS = (
    "SELECT a.id, a.status, r.etag, r.last_modified"
    " FROM articles a JOIN article_renders r ON r.article_id = a.id WHERE a.slug = :slug"
)
_SUMMARY = (
    "SELECT a.id, a.status, r.summary_etag, r.last_modified, r.summary"
    " FROM articles a JOIN article_renders r ON r.article_id = a.id WHERE a.slug = :slug"
)


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
    sort_key: datetime
    summary: bytes
    summary_etag: str
    updated_at: datetime


_as_datetime = as_utc


class ArticleReader:
    def __init__(self, db: FastDB, *, sqlite: bool) -> None:
        self._db = db
        self._sqlite = sqlite

    async def document(self, slug: str) -> Stored | None:
        row = await self._db.one(_DOCUMENT, {"slug": slug})
        return Stored(row[0], row[1], row[2], row[3], bytes(row[4])) if row else None

    async def validators(self, slug: str) -> Stored | None:
        """The document's status, ETag and Last-Modified without its body (for revalidation)."""
        row = await self._db.one(_VALIDATORS, {"slug": slug})
        return Stored(row[0], row[1], row[2], row[3], b"") if row else None

    async def summary(self, slug: str) -> Stored | None:
        row = await self._db.one(_SUMMARY, {"slug": slug})
        return Stored(row[0], row[1], row[2], row[3], bytes(row[4])) if row else None

    def _bound(self, at: datetime) -> Any:
        return timestamp_param(at, sqlite=self._sqlite)

    @property
    def db(self) -> FastDB:
        return self._db

    @property
    def sqlite(self) -> bool:
        return self._sqlite

    async def page(self, q: ListQuery, *, limit: int) -> list[PageRow]:
        params: dict[str, Any] = {"status": q.status, "limit": limit, "host": q.host_id}
        params |= {f"kw{n}": kid for n, kid in enumerate(q.keyword_ids)}
        for name in ("published_after", "published_before", "updated_after"):
            value = getattr(q, name)
            if value is not None:
                params[name] = self._bound(value)
        if q.after is not None:
            params |= {"at": self._bound(q.after[0]), "id": q.after[1]}
        rows = await self._db.all(listing.sql_for(listing.shape_of(q)), params)
        return [
            PageRow(r[0], _as_datetime(r[1]), bytes(r[2]), r[3], _as_datetime(r[4])) for r in rows
        ]

    async def last_change(self) -> datetime | None:
        """When the newest write to the store happened (the last entry of the changes feed,
        deletions included); None before the first."""
        row = await self._db.one("SELECT at FROM changes ORDER BY seq DESC LIMIT 1", {})
        return as_utc(row[0]) if row else None

    async def store_version(self) -> int:
        """The counter every writing transaction bumps (see ``StoreState``)."""
        row = await self._db.one("SELECT version FROM store_state WHERE id = 1", {})
        return int(row[0]) if row else 0

    async def ids_by_name(self, table: str, names: list[str]) -> dict[str, int]:
        """Keyword or host ids by name (``table``: ``keywords`` or ``hosts``)."""
        if table not in ("keywords", "hosts") or not names:
            return {}
        marks = ", ".join(f":n{i}" for i in range(len(names)))
        rows = await self._db.all(
            f"SELECT name, id FROM {table} WHERE name IN ({marks})",
            {f"n{i}": n for i, n in enumerate(names)},
        )
        return {str(r[0]): int(r[1]) for r in rows}
