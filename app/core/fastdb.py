"""Row reads for the hot read paths, without ORM or Session overhead.

On SQLite the queries are sub-millisecond index lookups, so they run inline on the event loop
through one dedicated connection (a thread hop would cost more than the query). On PostgreSQL
they run in the thread pool on the engine's connection pool. SQL uses ``:name`` parameters,
which both ``sqlite3`` and SQLAlchemy ``text()`` understand."""

from __future__ import annotations

import math
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from anyio import to_thread
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from app.core.db import SQLITE_PROGRESS_STEPS

Row = Sequence[Any]


class FastDB(ABC):
    @abstractmethod
    async def one(self, sql: str, params: Mapping[str, Any]) -> Row | None: ...

    @abstractmethod
    async def all(self, sql: str, params: Mapping[str, Any]) -> list[Row]: ...

    @abstractmethod
    def close(self) -> None: ...


class SQLiteFastDB(FastDB):
    def __init__(self, path: str, *, statement_timeout: float = 0) -> None:
        # Only the event loop's thread uses it; autocommit mode so every read sees the latest
        # committed state (WAL readers never block on the writer).
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA query_only=1")
        self._conn.execute("PRAGMA busy_timeout=10000")
        # A page cache larger than the 2 MB default (a hot article's pages stay in it).
        self._conn.execute("PRAGMA cache_size=-16384")
        # As the engine's statements (db._sqlite_deadline): on the event loop, a runaway read
        # would hold up every request.
        self._limit = statement_timeout
        self._deadline = math.inf
        if statement_timeout > 0:
            self._conn.set_progress_handler(
                lambda: time.monotonic() > self._deadline, SQLITE_PROGRESS_STEPS
            )

    def _start(self) -> None:
        if self._limit > 0:
            self._deadline = time.monotonic() + self._limit

    async def one(self, sql: str, params: Mapping[str, Any]) -> Row | None:
        self._start()
        row: Row | None = self._conn.execute(sql, params).fetchone()
        return row

    async def all(self, sql: str, params: Mapping[str, Any]) -> list[Row]:
        self._start()
        return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self._conn.close()


class PooledFastDB(FastDB):
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _one(self, sql: str, params: Mapping[str, Any]) -> Row | None:
        with self._engine.connect() as conn:
            return conn.execute(text(sql), params).fetchone()

    def _all(self, sql: str, params: Mapping[str, Any]) -> list[Row]:
        with self._engine.connect() as conn:
            return list(conn.execute(text(sql), params).fetchall())

    async def one(self, sql: str, params: Mapping[str, Any]) -> Row | None:
        return await to_thread.run_sync(self._one, sql, params)

    async def all(self, sql: str, params: Mapping[str, Any]) -> list[Row]:
        return await to_thread.run_sync(self._all, sql, params)

    def close(self) -> None:
        """The engine owns the connections."""


def make_fastdb(engine: Engine, *, statement_timeout: float = 0) -> FastDB:
    url = make_url(str(engine.url))
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return SQLiteFastDB(url.database or "", statement_timeout=statement_timeout)
    return PooledFastDB(engine)


def timestamp_param(value: datetime, *, sqlite: bool) -> Any:
    """A datetime as a raw query parameter comparing correctly with stored values."""
    if not sqlite:
        return value
    # The text form SQLAlchemy's DateTime stores on SQLite, "0448-03-14 08:16:31.000000":
    # strftime's %Y would write that year as 448, which sorts after 2026.
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def as_utc(value: Any) -> datetime:
    """A stored timestamp (text on SQLite, timestamptz on PostgreSQL) as an aware datetime."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def as_json(value: Any) -> Any:
    """A JSON column's value (text on SQLite, already decoded on PostgreSQL)."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value
