"""A database that is down or drops connections: 503 problems, and a pool that recovers."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from app.articles import across
from app.articles import service as articles
from app.core.config import Settings
from app.core.db import make_engine
from app.core.handlers import database_unavailable
from app.main import create_app
from tests.conftest import TEST_URL

PROBLEM = "application/problem+json"
UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"


@pytest.mark.parametrize(
    "path", ["/v1/articles", "/v1/articles/some-slug", "/v1/search?q=衛星", "/v1/keywords"]
)
def test_an_unreachable_database_is_a_503_problem_to_retry(path: str) -> None:
    with TestClient(create_app(Settings(database_url=UNREACHABLE))) as client:
        response = client.get(path)
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["retry-after"] == "1"
    assert response.json()["type"] == "urn:kiji:problem:unavailable"


def _failing(error: Exception) -> Callable[..., Any]:
    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise error

    return fail


def test_a_connection_lost_mid_request_is_a_503(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    lost = OperationalError("SELECT", {}, Exception("server closed the connection"))
    lost.connection_invalidated = True
    monkeypatch.setattr(across, "keywords", _failing(lost))
    with TestClient(create_app(settings)) as client:
        response = client.get("/v1/keywords")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM


def test_a_mistake_in_sql_is_still_an_internal_error(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite reports a bad statement as OperationalError too: not the database's fault."""
    mistake = OperationalError("SELEC", {}, sqlite3.OperationalError('near "SELEC"'))
    monkeypatch.setattr(across, "keywords", _failing(mistake))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/v1/keywords")
    assert response.status_code == 500
    assert response.json()["type"] == "urn:kiji:problem:internal-error"
    assert response.headers["connection"] == "close"


def _sqlite(message: str, code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # set by sqlite3 itself when SQLite raises it
    return error


@pytest.mark.parametrize(
    ("orig", "unavailable"),
    [
        (psycopg.OperationalError("connection refused"), True),  # no SQLSTATE: unreachable
        (psycopg.errors.AdminShutdown(), True),
        (psycopg.errors.ConnectionFailure(), True),
        (psycopg.errors.TooManyConnections(), True),
        (psycopg.errors.SerializationFailure(), True),
        (psycopg.errors.DeadlockDetected(), True),
        (psycopg.errors.QueryCanceled(), False),  # a timeout: its own 503 (test_statement_timeout)
        (psycopg.errors.ProgramLimitExceeded(), False),
        (_sqlite("database is locked", sqlite3.SQLITE_BUSY), True),
        (_sqlite("disk I/O error", sqlite3.SQLITE_IOERR_READ), True),
        (_sqlite("unable to open database file", sqlite3.SQLITE_CANTOPEN), True),
        (_sqlite("no such table: x", sqlite3.SQLITE_ERROR), False),
    ],
)
def test_only_a_failing_database_is_unavailable(orig: Exception, unavailable: bool) -> None:
    assert database_unavailable(OperationalError("SELECT 1", {}, orig)) is unavailable


def test_a_pool_with_no_connection_to_spare_is_unavailable() -> None:
    assert database_unavailable(PoolTimeout("QueuePool limit of size 20 overflow 20 reached"))


def test_every_v1_operation_documents_the_503(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    v1 = [
        (path, method) for path, item in paths.items() if path.startswith("/v1/") for method in item
    ]
    assert v1
    assert all("503" in paths[path][method]["responses"] for path, method in v1)
    assert "503" not in paths["/healthz"]["get"]["responses"]


def _pid(conn: Any) -> int:
    pid: int = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    return pid


def _backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return _pid(conn)


def _terminate(pid: int) -> None:
    admin = make_engine(TEST_URL, pool_size=1)
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            deadline = time.monotonic() + 10
            gone = "SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = :pid"
            while not conn.execute(text(gone), {"pid": pid}).scalar_one():
                assert time.monotonic() < deadline, "the backend outlived its termination"
                time.sleep(0.02)
                # A transaction sees one snapshot of pg_stat_activity: a backend that was
                # still exiting at the first look would be seen there until the deadline.
                conn.execute(text("SELECT pg_stat_clear_snapshot()"))
    finally:
        admin.dispose()


def _counting_pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    pings: list[int] = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(1)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return pings


@pytest.mark.postgres_only
def test_a_connection_handed_back_recently_is_reused_without_a_ping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = make_engine(TEST_URL, pool_size=1, ping_after=3600)
    pings = _counting_pings(engine, monkeypatch)
    try:
        assert _backend(engine) == _backend(engine) == _backend(engine)
        assert pings == []
    finally:
        engine.dispose()


@pytest.mark.postgres_only
def test_an_idle_connection_the_server_dropped_is_replaced_before_use() -> None:
    engine = make_engine(TEST_URL, pool_size=1, ping_after=0)
    try:
        first = _backend(engine)
        _terminate(first)
        # Found dead by the ping, not by a failed statement: this raises nothing.
        second = _backend(engine)
        assert second != first
        assert _backend(engine) == second
    finally:
        engine.dispose()


@pytest.mark.postgres_only
def test_a_connection_dropped_within_the_interval_fails_once_then_the_pool_recovers() -> None:
    engine = make_engine(TEST_URL, pool_size=1, ping_after=3600)
    try:
        _terminate(_backend(engine))
        with pytest.raises(OperationalError) as failed, engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        assert failed.value.connection_invalidated
        assert _backend(engine) > 0
    finally:
        engine.dispose()


@pytest.mark.postgres_only
def test_a_dead_connection_found_by_a_ping_retires_the_whole_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As after a server restart: the first ping that fails replaces every pooled
    connection, so the others are not handed out (or pinged) one by one."""
    engine = make_engine(TEST_URL, pool_size=2, ping_after=0)
    failed: list[int] = []
    ping = engine.dialect.do_ping

    def watched(dbapi_connection: Any) -> bool:
        try:
            return ping(dbapi_connection)
        except Exception:
            failed.append(1)
            raise

    monkeypatch.setattr(engine.dialect, "do_ping", watched)
    try:
        with engine.connect() as a, engine.connect() as b:
            old = {_pid(a), _pid(b)}
        for pid in old:
            _terminate(pid)
        with engine.connect() as a, engine.connect() as b:
            assert {_pid(a), _pid(b)}.isdisjoint(old)
        assert failed == [1]
    finally:
        engine.dispose()


@pytest.mark.postgres_only
def test_a_connection_lost_while_reading_search_documents_is_a_database_failure(
    database_url: str,
) -> None:
    """``documents`` reads through the driver's own (binary) cursor; a server that drops
    the connection there still raises SQLAlchemy's OperationalError, which is a 503."""
    engine = make_engine(database_url, pool_size=1)
    session = Session(engine)
    try:
        _terminate(_pid(session.connection()))
        with pytest.raises(OperationalError) as failed:
            articles.documents(session, [1, 2, 3])
    finally:
        session.invalidate()  # (a rollback on the dropped connection would fail too)
        engine.dispose()
    assert isinstance(failed.value.orig, psycopg.OperationalError)
    assert database_unavailable(failed.value)
