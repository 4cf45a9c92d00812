"""Engine, declarative base and the unit of work every request and CLI command shares."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, create_engine, make_url
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


WRITE_OPTION = "kiji_write"


def _sqlite_pragmas(busy_ms: int) -> Callable[[Any, ConnectionPoolEntry], None]:
    def configure(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # WAL lets readers run while one writer commits; foreign keys are off by default in
        # SQLite. isolation_level=None hands transaction control to SQLAlchemy's "begin" event
        # below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    return configure


def _sqlite_begin(conn: Any) -> None:
    # A writer takes the write lock up front so concurrent writers queue on busy_timeout instead
    # of failing with SQLITE_BUSY when a deferred read transaction tries to upgrade.
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


# Kiji's writer lock: an advisory lock in the two-key space ("KIJI", 1), which no single
# 64-bit key can name.
_PG_WRITE_LOCK = "SELECT pg_advisory_xact_lock(1263094345, 1)"


def _pg_begin(conn: Any) -> None:
    """PostgreSQL writers take one lock up front, held to commit, as SQLite's do with
    ``BEGIN IMMEDIATE``: each then reads what the one before it committed. With locks taken
    row by row as the writes went, If-Match was checked against a render read before the row
    lock was granted (PostgreSQL re-reads only the locked row), concurrent PATCHes were lost,
    imports and PUTs deadlocked on the ``store_state`` row, and concurrent imports of one new
    slug failed on its unique index."""
    if conn.get_execution_options().get(WRITE_OPTION, False):
        conn.exec_driver_sql(_PG_WRITE_LOCK)


def _json_dumps(value: Any) -> str:
    # JSON columns hold lists of paragraphs: orjson is several times faster than json.dumps
    # and, like Kiji's responses, keeps Japanese unescaped.
    return orjson.dumps(value).decode()


def make_engine(
    url: str, *, pool_size: int = 20, ping_after: float = 1.0, statement_timeout: float = 0
) -> Engine:
    """An engine for ``url`` with the settings Kiji relies on (WAL and foreign keys on SQLite;
    on PostgreSQL, connections idle ``ping_after`` seconds are tested before use). A statement
    running longer than ``statement_timeout`` seconds (0: no limit) is stopped with an
    ``OperationalError`` (see ``handlers.statement_timed_out``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False},
            pool_size=pool_size,
            max_overflow=pool_size,
            json_serializer=_json_dumps,
            json_deserializer=orjson.loads,
        )
        # A writer waits for the write lock as long as PostgreSQL's would wait for the writer
        # lock: the statement timeout, when there is one.
        busy_ms = max(1, round(statement_timeout * 1000)) if statement_timeout > 0 else 10_000
        event.listen(engine, "connect", _sqlite_pragmas(busy_ms))
        event.listen(engine, "begin", _sqlite_begin)
        if statement_timeout > 0:
            _sqlite_deadline(engine, statement_timeout)
        return engine
    # The pool must cover every threadpool token, or sync routes can deadlock on checkout.
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
    )
    event.listen(engine, "connect", _pg_session(statement_timeout))
    event.listen(engine, "begin", _pg_begin)
    _ping_when_idle(engine, ping_after)
    return engine


def _pg_session(statement_timeout: float) -> Callable[[Any, ConnectionPoolEntry], None]:
    def configure(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Timestamps come back in UTC whatever the server's or the client's (PGTZ) time zone:
        # in Asia/Tokyo, 9999-12-31T23:59:59Z reads as year 10000, which Python cannot hold.
        dbapi_connection.autocommit = True
        dbapi_connection.execute("SET TIME ZONE 'UTC'")
        # The server stops the statement itself, even once the client has gone. Set when 0
        # too, over any default of the role or database: commands have no limit.
        ms = max(1, round(statement_timeout * 1000)) if statement_timeout > 0 else 0
        dbapi_connection.execute(f"SET statement_timeout = {ms}")
        dbapi_connection.autocommit = False

    return configure


_DEADLINE = "kiji_deadline"
# SQLite calls the handler every this many virtual machine steps: often enough to stop within
# a millisecond or so, rarely enough to cost nothing measurable (a step is some nanoseconds).
SQLITE_PROGRESS_STEPS = 100_000


def _sqlite_deadline(engine: Engine, seconds: float) -> None:
    """Statements on SQLite stop, as "interrupted", once they have run ``seconds``: SQLite
    has no statement timeout of its own, but a progress handler that answers true aborts the
    statement. The time counts from the statement's start to its last row fetched, the
    caller's time between fetches included. (Waiting for the write lock is ``busy_timeout``'s,
    not counted here.)"""

    def connected(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        deadline = [math.inf]
        record.info[_DEADLINE] = deadline
        dbapi_connection.set_progress_handler(
            lambda: time.monotonic() > deadline[0], SQLITE_PROGRESS_STEPS
        )

    def starting(conn: Any, *_args: Any) -> None:
        conn.connection.info[_DEADLINE][0] = time.monotonic() + seconds

    event.listen(engine, "connect", connected)
    event.listen(engine, "before_cursor_execute", starting)


_USED_AT = "kiji_used_at"


def _ping_when_idle(engine: Engine, ping_after: float) -> None:
    """Test a pooled connection with a round trip before handing it out, as
    ``pool_pre_ping`` does, but only if it has lain idle ``ping_after`` seconds or more: one
    handed back that recently was alive then, and the ping was a fifth of a search's
    PostgreSQL round trips. A dead one is replaced, with every connection made before it (the
    pool retries on InvalidatePoolError); a server that goes away within the interval fails
    the requests in flight with a 503, and SQLAlchemy then discards every pooled connection
    older than the failure."""

    def connected(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_USED_AT] = time.monotonic()

    def checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_USED_AT, 0.0) < ping_after:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            # As pool_pre_ping does: every connection made before this one is suspect too
            # (the server restarted, say), so the pool drops them all.
            raise InvalidatePoolError(f"a pooled connection is gone: {exc}") from exc

    def checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_USED_AT] = time.monotonic()

    event.listen(engine, "connect", connected)
    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)


def make_sessionmaker(engine: Engine, *, write: bool) -> sessionmaker[Session]:
    """Sessions for reading, or for writing (which take the writer lock at BEGIN). A reading
    session sees one snapshot throughout, as SQLite's transactions do: on PostgreSQL's default
    READ COMMITTED, a search found its hits in one statement and read their documents in the
    next, after one had become a draft, and showed the draft to anyone."""
    bind: Engine = engine
    if write:
        bind = engine.execution_options(**{WRITE_OPTION: True})
    elif engine.dialect.name == "postgresql":
        bind = engine.execution_options(isolation_level="REPEATABLE READ")
    return sessionmaker(bind, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit when the block ends cleanly, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
