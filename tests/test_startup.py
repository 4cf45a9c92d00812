"""`kiji serve`'s start-up work: done when there is some, and when there is none, done
without waiting for the writer lock (which an atomic `kiji import` holds for its whole run)."""

from __future__ import annotations

import threading
import time

from fastapi.testclient import TestClient
from sqlalchemy import text

from app.core.config import Settings
from app.core.db import make_engine, make_sessionmaker, unit_of_work
from app.startup import Prepared, prepare
from tests.builders import Keys, create


def test_a_store_with_nothing_to_do_starts_while_a_writer_holds_the_lock(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    create(client, keys.write, slug="sude-ni")
    engine = make_engine(settings.database_url, pool_size=2)
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with unit_of_work(make_sessionmaker(engine, write=True)) as session:
            session.execute(text("SELECT 1"))  # the writer lock is taken here
            holding.set()
            release.wait(20)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        assert prepare(engine, settings) == Prepared()
        assert time.monotonic() - started < 5
    finally:
        release.set()
        thread.join(20)
        engine.dispose()


def test_start_up_work_is_done(client: TestClient, keys: Keys, settings: Settings) -> None:
    create(client, keys.write, slug="ikou")
    moved = settings.model_copy(update={"base_url": "https://kiji.example.jp"})
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        assert prepare(engine, moved) == Prepared(rerendered=1)
        assert prepare(engine, moved) == Prepared()
    finally:
        engine.dispose()
    served = client.get("/v1/articles").json()["items"][0]["url"]
    assert served == "https://kiji.example.jp/v1/articles/ikou"


def test_an_empty_embedded_store_gets_the_samples(settings: Settings) -> None:
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        samples = settings.model_copy(update={"load_samples": True})
        done = prepare(engine, samples)
        if settings.is_sqlite:
            assert len(done.samples) >= 3
            assert done.indexed == 0  # indexed as they were written
        else:
            assert done == Prepared()  # samples are for the embedded store only
    finally:
        engine.dispose()
