"""Search quality on a generated corpus: recall against the substring truth for every query
class, and true words above boundary-crossing matches for every word-boundary pair."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from app.articles import service as articles
from app.articles.schemas import ArticleIn
from app.auth.principal import Principal, anonymous
from app.core.db import make_engine, make_sessionmaker, unit_of_work
from app.core.migrate import upgrade
from app.search import service
from tests.search import corpus

SIZE = 240


def _load(url: str) -> list[dict[str, Any]]:
    docs = list(corpus.documents(SIZE))
    engine = make_engine(url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=True)) as session:
        articles.create_many(
            session,
            [(d["slug"], ArticleIn.model_validate(d)) for d in docs],
            base_url="",
        )
    engine.dispose()
    return docs


def _principal() -> Principal:
    return anonymous(public_read=True)


def _all_hits(
    session: Session, q: str, sort: service.Sort = "newest", window: int = 0
) -> list[str]:
    slugs: list[str] = []
    cursor = None
    while True:
        page = service.search(
            session,
            principal=_principal(),
            request=service.Request(q=q, sort=sort, limit=100, cursor=cursor, window=window),
        )
        slugs += [i.slug for i in page.items]
        if page.next_cursor is None:
            return slugs
        cursor = page.next_cursor


@pytest.fixture
def loaded(database_url: str) -> tuple[str, list[dict[str, Any]]]:
    return database_url, _load(database_url)


def test_query_set_covers_every_class() -> None:
    classes = {c.split()[0] for _, c in corpus.QUERIES}
    assert len(corpus.QUERIES) >= 40
    assert sum(c == "boundary" for _, c in corpus.QUERIES) >= 15
    assert {"1-char", "2-char", "long", "ascii", "mixed", "rare", "boundary"} <= classes


def test_recall_is_the_substring_truth_for_every_query(
    loaded: tuple[str, list[dict[str, Any]]],
) -> None:
    url, docs = loaded
    engine = make_engine(url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=False)) as session:
        for q, kind in corpus.QUERIES:
            truth = {d["slug"] for d in docs if corpus.matches(d, q)}
            found = _all_hits(session, q)
            assert len(found) == len(set(found)), q
            assert set(found) == truth, (q, kind, sorted(set(found) ^ truth)[:5])
            if kind != "rare":
                assert truth, f"the corpus plants nothing for {q!r}"
    engine.dispose()


def test_true_words_rank_above_boundary_crossing_matches(
    loaded: tuple[str, list[dict[str, Any]]],
) -> None:
    url, docs = loaded
    by_slug = {d["slug"]: d for d in docs}
    engine = make_engine(url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=False)) as session:
        for word, _, _ in corpus.PAIRS:
            ranked = _all_hits(session, word, sort="relevance")
            true = [corpus.as_word(by_slug[s], word) for s in ranked]
            assert any(true), word  # the corpus holds both kinds
            assert not all(true), word
            top = true[:10]
            # No crossing-only article above a true word match in the top 10 ...
            assert top == sorted(top, reverse=True), (word, top)
            # ... and over the whole ranking as well.
            assert true == sorted(true, reverse=True), word
    engine.dispose()


@pytest.mark.postgres_only
def test_sqlite_and_postgresql_return_identical_hit_sets(
    loaded: tuple[str, list[dict[str, Any]]], tmp_path: Any
) -> None:
    pg_url, _ = loaded
    sqlite_url = f"sqlite:///{tmp_path / 'same.db'}"
    upgrade(sqlite_url)
    _load(sqlite_url)
    engines = [make_engine(u, pool_size=1) for u in (pg_url, sqlite_url)]
    with (
        unit_of_work(make_sessionmaker(engines[0], write=False)) as pg,
        unit_of_work(make_sessionmaker(engines[1], write=False)) as lite,
    ):
        for q, _ in corpus.QUERIES:
            assert sorted(_all_hits(pg, q)) == sorted(_all_hits(lite, q)), q
            assert _all_hits(pg, q) == _all_hits(lite, q), q  # newest first: same order too
            # Relevance with a rank window: the same hits, the same ones in the window, and
            # the same older ones after it, newest first.
            ranked = [_all_hits(s, q, "relevance", window=30) for s in (pg, lite)]
            assert sorted(ranked[0]) == sorted(ranked[1]), q
            assert set(ranked[0][:30]) == set(ranked[1][:30]), q
            assert ranked[0][30:] == ranked[1][30:], q
    for engine in engines:
        engine.dispose()


@pytest.mark.postgres_only
def test_postgresql_search_settings_hold_for_each_transaction_and_are_made_once(
    loaded: tuple[str, list[dict[str, Any]]],
) -> None:
    """The planner settings are SET LOCAL: made by a search's first query, kept for its
    others, and made again in the next transaction on the same connection."""
    url, _ = loaded
    engine = make_engine(url, pool_size=1)
    made: list[str] = []
    event.listen(
        engine,
        "before_cursor_execute",
        lambda _c, _cur, statement, *_: (
            made.append(statement) if "set_config" in statement else None
        ),
    )
    shown = "SELECT current_setting('enable_seqscan')"
    try:
        for _ in range(2):
            with unit_of_work(make_sessionmaker(engine, write=False)) as session:
                assert session.execute(text(shown)).scalar_one() == "on"
                before = len(made)
                _all_hits(session, "地域", "relevance", window=30)  # floor, ranked, older hits
                assert len(made) == before + 1
                assert session.execute(text(shown)).scalar_one() == "off"
    finally:
        engine.dispose()
