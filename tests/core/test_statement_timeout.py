"""A statement that runs past ``KIJI_STATEMENT_TIMEOUT`` is stopped by the database: a 503
problem, nothing changed, and the connection serves the next request."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.articles import across_repository as across_sql
from app.articles import service as articles
from app.core.config import Settings
from app.core.db import make_engine
from app.core.fastdb import FastDB
from app.core.handlers import database_unavailable, statement_timed_out
from app.main import create_app
from app.search import service as search
from tests.builders import Keys, article, create_key
from tests.conftest import ON_POSTGRES

PROBLEM = "application/problem+json"
LIMIT = 0.3
# Seconds of work for either database (about 5 s of SQLite's here) unless it is stopped.
SLOW = (
    "SELECT pg_sleep(5)"
    if ON_POSTGRES
    else "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 25000000)"
    " SELECT count(*) FROM c"
)


# A write that takes as long: SQLite rolls back the whole transaction when it stops one,
# savepoints included (so leaving the savepoint fails too).
SLOW_WRITE = (
    "UPDATE store_state SET version = version WHERE id = (SELECT 1 FROM pg_sleep(5))"
    if ON_POSTGRES
    else f"UPDATE store_state SET version = version WHERE id = ({SLOW})"
)


def _slow(session: Session) -> None:
    session.execute(text(SLOW))


def _assert_stopped(response: Any, started: float) -> None:
    assert time.monotonic() - started < 3, "the statement was not stopped"
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert body["type"] == "urn:kiji:problem:timeout"
    assert "0.3 s" in body["detail"]


@pytest.fixture
def limited(settings: Settings) -> Settings:
    return settings.model_copy(update={"statement_timeout": LIMIT})


def test_a_read_past_the_limit_is_a_503_and_the_next_one_is_served(
    limited: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = search.search

    def slow_search(session: Session, **kwargs: Any) -> Any:
        _slow(session)
        return real(session, **kwargs)

    with TestClient(create_app(limited), base_url="http://kiji.test") as client:
        monkeypatch.setattr(search, "search", slow_search)
        started = time.monotonic()
        _assert_stopped(client.get("/v1/search", params={"q": "衛星"}), started)
        monkeypatch.setattr(search, "search", real)
        # The connection that was stopped went back to the pool fit for use.
        assert client.get("/v1/search", params={"q": "衛星"}).status_code == 200


def test_a_write_past_the_limit_changes_nothing(
    limited: Settings, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = articles.create_many

    def slow_create(session: Session, *args: Any, **kwargs: Any) -> Any:
        created = real(session, *args, **kwargs)  # the rows are written, then the timeout
        session.execute(text(SLOW_WRITE))  # inside the savepoint `create` opens
        return created

    with TestClient(create_app(limited), base_url="http://kiji.test") as client:
        monkeypatch.setattr(articles, "create_many", slow_create)
        started = time.monotonic()
        response = client.post("/v1/articles", json=article(slug="osoi"), headers=keys.write)
        _assert_stopped(response, started)
        monkeypatch.setattr(articles, "create_many", real)
        assert client.get("/v1/articles/osoi", headers=keys.drafts).status_code == 404
        partner = {
            "Authorization": f"Bearer {create_key(limited.database_url, 'p', ['syndicate'])}"
        }
        assert client.get("/v1/changes", headers=partner).json()["items"] == []
        again = client.post("/v1/articles", json=article(slug="osoi"), headers=keys.write)
        assert again.status_code == 201, again.text


def test_a_fast_request_is_unaffected_by_the_limit(limited: Settings, keys: Keys) -> None:
    with TestClient(create_app(limited), base_url="http://kiji.test") as client:
        created = client.post("/v1/articles", json=article(), headers=keys.write)
        assert created.status_code == 201, created.text
        assert client.get("/v1/articles").status_code == 200


def test_a_fast_read_past_the_limit_is_a_503(
    limited: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list routes read through ``FastDB`` (on SQLite its own connection, on the event
    loop): stopped as well."""

    async def slow_keywords(db: FastDB, _params: Any) -> list[Any]:
        return await db.all(SLOW, {})

    with TestClient(create_app(limited), base_url="http://kiji.test") as client:
        monkeypatch.setattr(across_sql, "keywords", slow_keywords)
        started = time.monotonic()
        _assert_stopped(client.get("/v1/keywords"), started)


# What each database's connection reports for a limit: PostgreSQL's statement_timeout (its
# lock waits count toward it, lock_timeout staying 0), SQLite's busy timeout for the write
# lock (its statements are stopped by the progress handler).
SHOWN = (
    ("SHOW statement_timeout", ((0.25, "250ms"), (30, "30s"), (0, "0")))
    if ON_POSTGRES
    else ("PRAGMA busy_timeout", ((0.25, 250), (30, 30000), (0, 10000)))
)


def test_connections_carry_the_limit_and_writers_wait_as_long(database_url: str) -> None:
    query, cases = SHOWN
    for limit, shown in cases:
        engine = make_engine(database_url, pool_size=1, statement_timeout=limit)
        try:
            with engine.connect() as conn:
                assert conn.execute(text(query)).scalar_one() == shown
                if ON_POSTGRES:
                    assert conn.execute(text("SHOW lock_timeout")).scalar_one() == "0"
        finally:
            engine.dispose()


def _sqlite(code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("interrupted")
    error.sqlite_errorcode = code  # set by sqlite3 itself when SQLite raises it
    return error


@pytest.mark.parametrize(
    ("orig", "timed_out"),
    [
        (psycopg.errors.QueryCanceled(), True),
        (_sqlite(sqlite3.SQLITE_INTERRUPT), True),
        (psycopg.errors.DeadlockDetected(), False),
        (_sqlite(sqlite3.SQLITE_BUSY), False),
        (psycopg.OperationalError("connection refused"), False),
    ],
)
def test_only_a_stopped_statement_is_a_timeout(orig: Exception, timed_out: bool) -> None:
    exc = OperationalError("SELECT 1", {}, orig)
    assert statement_timed_out(exc) is timed_out
    assert statement_timed_out(orig) is timed_out  # raised by a raw connection
    if timed_out:
        assert not database_unavailable(exc)


def _savepoint_lost() -> None:
    try:
        raise OperationalError("UPDATE", {}, _sqlite(sqlite3.SQLITE_INTERRUPT))
    except OperationalError:
        gone = sqlite3.OperationalError("no such savepoint: sa_savepoint_1")
        gone.sqlite_errorcode = sqlite3.SQLITE_ERROR
        raise OperationalError("ROLLBACK TO SAVEPOINT", {}, gone) from None


def test_a_savepoint_lost_to_a_stopped_write_is_a_timeout() -> None:
    with pytest.raises(OperationalError) as caught:
        _savepoint_lost()
    assert statement_timed_out(caught.value)


def test_a_raw_sqlite_busy_error_is_unavailable() -> None:
    busy = _sqlite(sqlite3.SQLITE_BUSY)
    assert database_unavailable(busy)
    assert not database_unavailable(_sqlite(sqlite3.SQLITE_ERROR))


def test_the_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().statement_timeout == 30
    monkeypatch.setenv("KIJI_STATEMENT_TIMEOUT", "2.5")
    assert Settings().statement_timeout == 2.5
    for wrong in ("-1", "100000"):  # PostgreSQL takes at most 2,147,483,647 ms
        monkeypatch.setenv("KIJI_STATEMENT_TIMEOUT", wrong)
        with pytest.raises(ValueError, match="statement_timeout"):
            Settings()
