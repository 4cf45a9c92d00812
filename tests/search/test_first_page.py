"""A ranked search's first page, found in one pass: the same floor and hits as finding the
window's floor first and ranking from it (PostgreSQL does the former; both databases are
checked)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.articles import service as articles
from app.articles.schemas import ArticleIn
from app.core.db import make_engine, make_sessionmaker, unit_of_work
from app.search import expression, repository
from app.search.fields import IN_GROUPS
from app.search.query import parse
from tests.search import corpus

COUNT = 80
TREND = "潮流観測"
# A term common lately: 12 of the newest 20 articles hold it, then only the 6 oldest. With a
# window of 10 the newest rows hold the window; with 15 they do not (the GIN index finds the
# rest); with 30 every hit fits in the window.
TRENDING = {60, 62, 64, 66, 68, 70, 72, 74, 76, 77, 78, 79} | set(range(6))


def _documents() -> list[dict[str, Any]]:
    docs = list(corpus.documents(COUNT))
    for n, doc in enumerate(docs):
        # Published in slug order, an hour apart: the newest rows are the highest n.
        doc["published_at"] = f"2025-03-{1 + n // 24:02d}T{n % 24:02d}:00:00Z"
        if n in TRENDING:
            doc["conclusion"] = [*doc["conclusion"], f"{TREND}の結果が公表された。"]
    return docs


@pytest.fixture
def session(database_url: str) -> Any:
    engine = make_engine(database_url, pool_size=1)
    docs = _documents()
    with unit_of_work(make_sessionmaker(engine, write=True)) as writing:
        articles.create_many(
            writing, [(d["slug"], ArticleIn.model_validate(d)) for d in docs], base_url=""
        )
    with unit_of_work(make_sessionmaker(engine, write=False)) as reading:
        yield reading, docs
    engine.dispose()


def _both_ways(s: Session, q: str, filters: repository.Filters, window: int) -> tuple[Any, Any]:
    query, groups = parse(q), IN_GROUPS["all"]
    args: dict[str, Any] = {
        "fts": expression.fts(query, groups),
        "tsquery": expression.tsquery(query, groups),
        "filters": filters,
        "loose": expression.loose_tsquery(query, groups),
    }
    words = expression.word_tsqueries(query, groups)
    # The two-query way takes each candidate's match and rank as if the query had
    # exclusions ("negated"): from one read copy of its tsvector, tested with @@. The one
    # pass tests a phrase's candidates by their rank where it can (see _pg_tested).
    floor = repository.window_floor(s, window=window, **args)
    ranked = repository.ranked(
        s, word_tsqueries=words, floor=floor, after=None, limit=21, negated=True, **args
    )
    args["negated"] = bool(query.excluded)
    one_pass = repository.first_ranked(s, word_tsqueries=words, window=window, limit=21, **args)
    return (floor, ranked), one_pass


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """PostgreSQL: how many hits each one-pass ranking found, in order."""
    found: list[int] = []
    first_ranked = repository._pg_first_ranked

    def counted(*args: Any) -> Any:
        result = first_ranked(*args)
        found.append(result[0])
        return result

    monkeypatch.setattr(repository, "_pg_first_ranked", counted)
    return found


@pytest.mark.postgres_only
def test_the_trending_term_takes_every_path(session: Any, passes: list[int]) -> None:
    """PostgreSQL: how many hits each pass found (newest rows first when the term is common
    in them, then the GIN index when they hold too few)."""
    s, _ = session
    for window, expected in ((10, [10]), (15, [12, 15]), (30, [12, 18]), (1, [1])):
        passes.clear()
        two, one = _both_ways(s, TREND, repository.Filters(), window)
        assert one == two
        assert passes == expected, window


def test_one_pass_gives_the_floor_and_hits_of_two(session: Any) -> None:
    s, docs = session
    keyword = docs[-1]["keywords"][0]
    queries = [q for q, _ in corpus.QUERIES] + [TREND, f"{TREND} -京都", f'"{TREND}の結果"']
    for q in queries:
        for filters in (repository.Filters(), repository.Filters(keywords=(keyword,))):
            for window in (1, 10, 15, 30, 500):
                two, one = _both_ways(s, q, filters, window)
                assert one == two, (q, filters, window)


def test_one_character_terms_in_most_articles_are_not_ranked(session: Any) -> None:
    """With ``unranked_within``, the first page says "not ranked" exactly when the window's
    hits lie within that many of the newest articles, and is ranked as before otherwise."""
    s, docs = session
    keyword = docs[-1]["keywords"][0]
    outcomes = set()
    for q in [q for q, kind in corpus.QUERIES if kind.startswith("1-char")]:
        for filters in (repository.Filters(), repository.Filters(keywords=(keyword,))):
            for window in (1, 10, 15, 30, 500):
                (floor, ranked), _ = _both_ways(s, q, filters, window)
                query, groups = parse(q), IN_GROUPS["all"]
                one = repository.first_ranked(
                    s,
                    fts=expression.fts(query, groups),
                    tsquery=expression.tsquery(query, groups),
                    word_tsqueries=expression.word_tsqueries(query, groups),
                    filters=filters,
                    loose=expression.loose_tsquery(query, groups),
                    window=window,
                    limit=21,
                    unranked_within=2 * window,
                )
                within = floor is not None and repository.spans_under(s, floor, filters, 2 * window)
                assert one == (floor, None if within else ranked), (q, filters, window)
                outcomes.add(within)
    assert outcomes == {True, False}


@pytest.mark.postgres_only
def test_a_read_copy_of_each_vector_is_the_vector(session: Any) -> None:
    """Exclusions and word ranks read each tsvector once, as ``ts_delete`` of no lexeme."""
    s, _ = session
    same = s.execute(
        text(
            "SELECT bool_and(ts_delete(tsv, ''::text) = tsv AND ts_delete(wsv, ''::text) = wsv)"
            " FROM search_docs"
        )
    ).scalar_one()
    assert same is True


@pytest.mark.postgres_only
def test_a_particle_is_not_ranked_at_all(session: Any, passes: list[int]) -> None:
    """PostgreSQL: の, in every article, takes its floor first and ranks nothing, with or
    without a filter; a window larger than its hits is ranked."""
    s, docs = session
    query, groups = parse("の"), IN_GROUPS["all"]
    keyword = docs[-1]["keywords"][0]
    for filters, window, unranked in (
        (repository.Filters(), 1, True),
        (repository.Filters(), 10, True),
        (repository.Filters(keywords=(keyword,)), 1, True),
        (repository.Filters(), 500, False),
    ):
        passes.clear()
        _, hits = repository.first_ranked(
            s,
            fts=expression.fts(query, groups),
            tsquery=expression.tsquery(query, groups),
            word_tsqueries=expression.word_tsqueries(query, groups),
            filters=filters,
            window=window,
            limit=21,
            unranked_within=2 * window,
        )
        assert (hits is None) == unranked, (filters, window)
        assert len(passes) == (0 if unranked else 1), (filters, window)
