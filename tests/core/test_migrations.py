"""Migrations are the only way the schema is made: up to head and back down."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from app.core import migrate
from app.core.db import make_engine
from app.core.schema import metadata
from app.search.index import SEARCH_TABLE_PREFIX
from tests.conftest import ON_POSTGRES, TEST_URL

SCRATCH_DB = "kiji_migration_test"


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[str]:
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    admin = make_engine(TEST_URL, pool_size=1).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DB}"))
        conn.execute(text(f"CREATE DATABASE {SCRATCH_DB}"))
    yield make_url(TEST_URL).set(database=SCRATCH_DB).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH_DB} WITH (FORCE)"))
    admin.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url, pool_size=1)
    try:
        names = inspect(engine).get_table_names()
        return {n for n in names if not n.startswith(SEARCH_TABLE_PREFIX)}
    finally:
        engine.dispose()


def test_upgrade_to_head_and_back_down(empty_url: str) -> None:
    migrate.upgrade(empty_url)
    assert _tables(empty_url) == {t.name for t in metadata.sorted_tables} | {"alembic_version"}
    engine = make_engine(empty_url, pool_size=1)
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()
    migrate.downgrade(empty_url, "base")
    assert _tables(empty_url) <= {"alembic_version"}
    migrate.upgrade(empty_url)
    assert "articles" in _tables(empty_url)


def test_models_and_migrations_agree(empty_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    migrate.upgrade(empty_url)
    engine = make_engine(empty_url, pool_size=1)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "include_name": lambda name, type_, _: (
                    not (type_ == "table" and name.startswith(SEARCH_TABLE_PREFIX))
                )
            },
        )
        diff = compare_metadata(context, metadata)
        present = {
            ix["name"] for t in metadata.sorted_tables for ix in inspect(conn).get_indexes(t.name)
        }
    engine.dispose()
    # Alembic cannot compare mixed-direction (expression) indexes on SQLite: check by name.
    expression = {
        ix.name
        for t in metadata.sorted_tables
        for ix in t.indexes
        if any(not hasattr(e, "name") for e in ix.expressions)
    }
    assert expression <= present
    diff = [
        d for d in diff if not (d[0] in ("add_index", "remove_index") and d[1].name in expression)
    ]
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wal.db'}"
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
