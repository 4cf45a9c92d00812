"""Test databases built by the migrations; a fresh database state for every test.

The suite runs on SQLite by default and on PostgreSQL when ``KIJI_TEST_DATABASE_URL`` names
one. Tests commit for real (the read path uses its own connection, and commit behaviour is
part of what is tested), so isolation comes from a fresh copy of a migrated SQLite file, or
from truncating every table on PostgreSQL, before each test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.core import migrate
from app.core.config import Settings
from app.core.db import make_engine
from app.core.schema import metadata
from app.main import create_app
from tests.builders import Keys, make_keys

TEST_URL = os.environ.get("KIJI_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_URL.startswith("postgresql")


def pytest_report_header() -> str:
    return f"kiji database: {make_url(TEST_URL).render_as_string() if TEST_URL else 'sqlite'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="PostgreSQL behaviour: runs in the PostgreSQL pass")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database at the latest migration: a template file on SQLite, the test database on
    PostgreSQL (emptied down to base first, so a stale schema cannot leak in)."""
    if ON_POSTGRES:
        try:
            migrate.downgrade(TEST_URL, "base")
        except Exception:  # an unversioned leftover schema: drop it all
            engine = make_engine(TEST_URL, pool_size=1)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            engine.dispose()
        migrate.upgrade(TEST_URL)
        return TEST_URL
    path = tmp_path_factory.mktemp("template") / "kiji.db"
    migrate.upgrade(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def database_url(template_db: str, tmp_path: Path) -> str:
    if ON_POSTGRES:
        engine = make_engine(template_db, pool_size=1)
        # store_state holds one row the migrations made; its counter only ever goes up.
        tables = ", ".join(t.name for t in metadata.sorted_tables if t.name != "store_state")
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return template_db
    path = tmp_path / "kiji.db"
    shutil.copyfile(template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, load_samples=False, base_url="http://kiji.test")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://kiji.test") as c:
        yield c


@pytest.fixture
def keys(settings: Settings) -> Keys:
    return make_keys(settings.database_url)


@pytest.fixture
def settings_private(settings: Settings) -> Iterator[TestClient]:
    """A client of an app with public reads turned off."""
    private = settings.model_copy(update={"public_read": False})
    with TestClient(create_app(private), base_url="http://kiji.test") as c:
        yield c
