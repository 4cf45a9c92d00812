"""Rebuilding the index: `kiji search reindex` and the check `kiji serve` runs at start."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.articles import service as articles
from app.articles.schemas import ArticleIn
from app.cli import cli
from app.core.config import Settings
from app.core.db import make_engine, make_sessionmaker, unit_of_work
from app.search import repository, service
from tests.builders import Keys, article


def _hits(client: TestClient, q: str) -> int:
    return len(client.get("/v1/search", params={"q": q}).json()["items"])


def _wipe(url: str) -> None:
    engine = make_engine(url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=True)) as session:
        repository.clear(session)
    engine.dispose()


def _store_unindexed(session: Session, docs: list[dict[str, Any]]) -> None:
    """Store ``docs`` with their index deferred, as `kiji import --defer-index` does."""
    service.defer_indexing(session)
    articles.create_many(
        session, [(d["slug"], ArticleIn.model_validate(d)) for d in docs], base_url=""
    )


def test_reindex_rebuilds_a_lost_index(
    client: TestClient, keys: Keys, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(3):
        doc = article(slug=f"r{i}", title=f"再索引の記事{i}")
        assert client.post("/v1/articles", json=doc, headers=keys.write).status_code == 201
    draft = article(slug="d", title="再索引の下書き", status="draft")
    assert client.post("/v1/articles", json=draft, headers=keys.write).status_code == 201
    assert _hits(client, "再索引") == 3
    _wipe(settings.database_url)
    assert _hits(client, "再索引") == 0
    monkeypatch.setenv("KIJI_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(cli, ["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "indexed 3 published articles" in result.output
    assert _hits(client, "再索引") == 3
    # Reindexing twice gives the same index (the old entries are removed first).
    assert CliRunner().invoke(cli, ["search", "reindex"]).exit_code == 0
    assert _hits(client, "再索引") == 3


def test_ensure_indexed_only_rebuilds_when_articles_are_missing(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    assert client.post("/v1/articles", json=article(), headers=keys.write).status_code == 201
    engine = make_engine(settings.database_url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=True)) as session:
        assert service.ensure_indexed(session) == 0
        repository.clear(session)
        assert service.ensure_indexed(session) == 1
        assert service.indexed_count(session) == 1
    engine.dispose()


def test_ensure_indexed_indexes_only_the_missing_articles(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    """What an interrupted `kiji import --no-atomic --defer-index` leaves: articles stored and
    committed, never indexed."""
    first = client.post("/v1/articles", json=article(slug="first"), headers=keys.write)
    assert first.status_code == 201
    engine = make_engine(settings.database_url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=True)) as session:
        _store_unindexed(
            session, [article(slug=f"cut{i}", title=f"中断した取り込み{i}") for i in range(3)]
        )
    assert _hits(client, "中断した取り込み") == 0
    with unit_of_work(make_sessionmaker(engine, write=True)) as session:
        assert service.ensure_indexed(session) == 3
    with unit_of_work(make_sessionmaker(engine, write=True)) as session:
        assert service.ensure_indexed(session) == 0
        assert service.indexed_count(session) == 4
    engine.dispose()
    assert _hits(client, "中断した取り込み") == 3


def test_ensure_indexed_rebuilds_an_index_that_holds_unpublished_articles(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    for i in range(2):
        doc = article(slug=f"s{i}", title=f"取り残された索引{i}")
        assert client.post("/v1/articles", json=doc, headers=keys.write).status_code == 201
    engine = make_engine(settings.database_url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=True)) as session:
        # Unpublished behind the service's back (a restored backup, say), and one article
        # never indexed: the counts agree, the articles do not.
        session.execute(text("UPDATE articles SET status = 'draft' WHERE slug = 's1'"))
        _store_unindexed(session, [article(slug="s2", title="取り残された索引2")])
    with unit_of_work(make_sessionmaker(engine, write=True)) as session:
        assert service.indexed_count(session) == 2
        assert service.ensure_indexed(session) == 2
    engine.dispose()
    found = client.get("/v1/search", params={"q": "取り残された索引"}).json()["items"]
    assert {i["slug"] for i in found} == {"s0", "s2"}


def test_a_deferred_index_skips_articles_another_writer_indexed_meanwhile(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    """`kiji import --no-atomic --defer-index` commits articles before their index: an update
    by the server in between indexes the article itself, and the import must not index it
    twice (nor fail on the duplicate)."""
    engine = make_engine(settings.database_url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=True)) as session:
        _store_unindexed(
            session, [article(slug=f"late{i}", title=f"遅れて索引{i}") for i in range(3)]
        )
        session.commit()
        assert _hits(client, "遅れて索引") == 0  # stored, not yet indexed
        patch = client.patch(
            "/v1/articles/late1",
            json={"title": "遅れて索引、その後に更新"},
            headers={**keys.write, "content-type": "application/merge-patch+json"},
        )
        assert patch.status_code == 200, patch.text
        assert _hits(client, "その後に更新") == 1
        assert service.index_deferred(session, processes=1, after_batch=session.commit) == 2
        assert service.indexed_count(session) == 3
    engine.dispose()
    assert _hits(client, "遅れて索引") == 3
    assert _hits(client, "その後に更新") == 1
