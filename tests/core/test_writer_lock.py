"""Writers take one lock at their first statement and hold it to commit (PostgreSQL's
advisory lock; SQLite's ``BEGIN IMMEDIATE``), so they never deadlock on each other and each
reads what the one before it committed. Readers take none."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from app.core.db import make_engine, make_sessionmaker, unit_of_work

HELD = (
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1263094345"
    " AND objid = 1 AND objsubid = 2 AND granted"
)


@pytest.mark.postgres_only
def test_a_writer_holds_the_lock_from_its_first_statement_until_it_commits(
    database_url: str,
) -> None:
    engine = make_engine(database_url, pool_size=3)
    watcher = make_engine(database_url, pool_size=1)
    try:

        def held() -> int:
            with watcher.connect() as conn:
                return int(conn.execute(text(HELD)).scalar_one())

        with unit_of_work(make_sessionmaker(engine, write=False)) as reader:
            reader.execute(text("SELECT 1"))
            assert held() == 0
        with unit_of_work(make_sessionmaker(engine, write=True)) as writer:
            writer.execute(text("SELECT 1"))
            assert held() == 1
        assert held() == 0
    finally:
        engine.dispose()
        watcher.dispose()


def test_a_second_writer_waits_for_the_first_to_commit(database_url: str) -> None:
    engine = make_engine(database_url, pool_size=3)
    writes = make_sessionmaker(engine, write=True)
    order: list[str] = []
    first_in = threading.Event()

    def second() -> None:
        assert first_in.wait(10)
        with unit_of_work(writes) as session:
            session.execute(text("SELECT 1"))
            order.append("second began")

    thread = threading.Thread(target=second)
    thread.start()
    try:
        with unit_of_work(writes) as session:
            session.execute(text("SELECT 1"))
            first_in.set()
            time.sleep(0.3)
            order.append("first committing")
        thread.join(20)
        assert order == ["first committing", "second began"]
    finally:
        engine.dispose()
