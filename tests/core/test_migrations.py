"""Migrations are the only way the schema is made: up to head and back down."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from app.core import migrate
from app.core.config import Settings
from app.core.db import make_engine
from app.core.schema import metadata
from app.main import create_app
from app.search.index import SEARCH_TABLE_PREFIX
from tests.builders import article, create, make_keys
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


def _search_indexes(url: str) -> dict[str, int]:
    """The indexes of ``search_docs`` that are valid, by name: their oids."""
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT c.relname, c.oid FROM pg_index i"
                    " JOIN pg_class c ON c.oid = i.indexrelid"
                    " WHERE i.indrelid = 'search_docs'::regclass AND i.indisvalid"
                )
            )
            return dict(rows.all())
    finally:
        engine.dispose()


@pytest.mark.postgres_only
def test_the_search_index_the_readme_builds_beforehand_is_kept(empty_url: str) -> None:
    """README: a large store builds migration 0006's index with CREATE INDEX CONCURRENTLY
    before upgrading (which would hold up writes while it builds); the upgrade keeps it, and
    a downgrade puts the old index back."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    (line,) = [x for x in readme.splitlines() if "CREATE INDEX CONCURRENTLY" in x]
    statements = [s.strip() for s in line.strip("`").split(";") if s.strip()]
    migrate.upgrade(empty_url, "0005")
    engine = make_engine(empty_url, pool_size=1).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()
    built = _search_indexes(empty_url)["ix_search_docs_tsv_sort_key"]
    migrate.upgrade(empty_url)
    after = _search_indexes(empty_url)
    assert after["ix_search_docs_tsv_sort_key"] == built
    assert "ix_search_docs_tsv" not in after
    migrate.downgrade(empty_url, "0005")
    after = _search_indexes(empty_url)
    assert "ix_search_docs_tsv" in after
    assert "ix_search_docs_tsv_sort_key" not in after


def test_listing_times_with_three_digit_years_are_repaired(empty_url: str) -> None:
    """0007: rows the bulk path wrote as '448-03-14 ...' on SQLite read back once upgraded.
    (On PostgreSQL, where times are not text, the migration does nothing.)"""
    migrate.upgrade(empty_url)
    settings = Settings(database_url=empty_url, load_samples=False)
    keys = make_keys(empty_url)
    with TestClient(create_app(settings)) as client:
        create(client, keys.write, slug="kodai", published_at="0448-03-14T08:16:31Z")
        create(client, keys.write, slug="ima", published_at="2025-03-14T08:16:31Z")
    tables = ("article_keywords", "article_hosts", "sections", "citations")
    engine = make_engine(empty_url, pool_size=1)
    if not ON_POSTGRES:
        with engine.begin() as conn:
            for table in tables:
                # What the bulk path wrote before the fix.
                conn.execute(
                    text(
                        f"UPDATE {table} SET listed_at = substr(listed_at, 2)"
                        " WHERE listed_at LIKE '0%'"
                    )
                )
    migrate.downgrade(empty_url, "0006")
    migrate.upgrade(empty_url)
    with engine.connect() as conn:
        for table in tables:
            n = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            assert n > 0, table
    engine.dispose()
    with TestClient(create_app(settings)) as client:
        keyword = article()["keywords"][0]
        slugs = [i["slug"] for i in client.get(f"/v1/articles?keyword={keyword}").json()["items"]]
        assert slugs == ["ima", "kodai"]
        for url in ("/v1/questions", "/v1/citations"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.json()["items"][-1]["article"]["slug"] == "kodai", url
