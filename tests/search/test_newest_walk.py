"""Newest first: the newest rows are tested in turn while the hits are dense enough among them,
else the GIN index's hits are sorted; either way every hit comes, in order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.articles import service as articles
from app.articles.schemas import ArticleIn
from app.auth.principal import anonymous
from app.core.db import make_engine, make_sessionmaker, unit_of_work
from app.search import repository, service
from app.search.schemas import SearchPage
from tests.search import corpus

COUNT = 300
# n: the article's age rank (0 the newest). Each term is planted in the articles listed.
PLANTED = {
    # dense: one in ten, and the oldest of the newest 100 rows
    "潮流観測": {n for n in range(COUNT) if n % 10 == 3} | {99},
    "風穴観測": {n for n in range(COUNT) if n % 50 == 7},  # sparse: one in fifty
    "氷室観測": {2, 9, 17, 33, 41, 58, 76, 90, 280, 285, 290, 299},  # dense lately, then not
    "常設観測": {n for n in range(COUNT) if n % 7},  # in most articles
}
WALK = " AS edge"  # in the newest-first walk's statement
WIRE = "wire.example.com"  # the host some articles cite


def _documents() -> list[dict[str, Any]]:
    docs = list(corpus.documents(COUNT))
    for age, doc in enumerate(docs):
        minutes = COUNT - age  # the newest, age 0, has the latest time
        doc["slug"] = f"walk-{age:03d}"
        doc["published_at"] = f"2025-04-01T{minutes // 60:02d}:{minutes % 60:02d}:00Z"
        for term, ages in PLANTED.items():
            if age in ages:
                doc["conclusion"] = [*doc["conclusion"], f"{term}の記録が残る。"]
        # A second keyword and another cited host for some, for filters that combine.
        if age % 4 == 1 and "温泉" not in doc["keywords"]:
            doc["keywords"] = [*doc["keywords"], "温泉"]
        if age % 3 == 0:
            doc["sections"][0]["citations"][0]["url"] = f"https://{WIRE}/{age}"
    return docs


@pytest.fixture
def loaded(database_url: str) -> Iterator[tuple[Session, list[str]]]:
    engine = make_engine(database_url, pool_size=1)
    docs = _documents()
    with unit_of_work(make_sessionmaker(engine, write=True)) as writing:
        articles.create_many(
            writing, [(d["slug"], ArticleIn.model_validate(d)) for d in docs], base_url=""
        )
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with unit_of_work(make_sessionmaker(engine, write=False)) as reading:
        yield reading, statements
    engine.dispose()


def _pages(
    session: Session,
    q: str,
    limit: int,
    keywords: tuple[str, ...] = (),
    host: str | None = None,
) -> list[str]:
    slugs: list[str] = []
    cursor = None
    while True:
        page = service.search(
            session,
            principal=anonymous(public_read=True),
            request=service.Request(
                q=q, sort="newest", limit=limit, cursor=cursor, keywords=keywords, host=host
            ),
        )
        slugs += [i.slug for i in page.items]
        if page.next_cursor is None:
            return slugs
        cursor = page.next_cursor


@pytest.fixture
def walk_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL walks the newest rows for every query, as it does for one-character
    prefixes, not looking in spans first (see ``test_postgresql_looks_in_spans_first``)."""
    monkeypatch.setattr(repository, "_FIRST_SPAN_ROWS", 0)


@pytest.mark.parametrize("term", sorted(PLANTED))
@pytest.mark.parametrize("limit", [5, 20, 100])
@pytest.mark.parametrize(
    ("first_span", "margin"), [(0, 3), (1, 3), (20, 0.5), (20, 3), (100, 3), (1000, 3)]
)
def test_every_hit_comes_newest_first(
    loaded: tuple[Session, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    term: str,
    limit: int,
    first_span: int,
    margin: float,
) -> None:
    """On PostgreSQL, walking (``first_span`` 0) and spans of every size: the first span
    holds the page, or the wider one does, or all hits are sorted (a ``margin`` of 0.5 makes
    wider spans that fall short); 1000 takes in every row."""
    monkeypatch.setattr(repository, "_FIRST_SPAN_ROWS", first_span)
    monkeypatch.setattr(repository, "_SPAN_MARGIN", margin)
    session, _ = loaded
    assert _pages(session, term, limit) == [f"walk-{n:03d}" for n in sorted(PLANTED[term])]


SPANNED = "span_floor"  # in the statement that sorts the GIN index's hits in a span


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("term", "keyword", "first_span", "span_max", "spans", "sorts"),
    [
        ("常設観測", None, 100, 10_000, 1, 0),  # 86 hits in the newest 101 rows
        ("潮流観測", None, 100, 10_000, 2, 0),  # 11: the wider span (545 rows) holds the page
        ("風穴観測", None, 100, 10_000, 2, 1),  # 2: the wider span's 6 are too few: all sorted
        ("風穴観測", None, 100, 2_000, 1, 1),  # 2: a wider span of 3,000 rows is not tried
        ("潮流観測", None, 1, 10_000, 1, 1),  # none in the newest 2 rows: all sorted
        ("風穴観測", None, 1000, 10_000, 1, 0),  # the span takes in all 300 rows: 6 are all
        # Within a keyword, the hits that pass it count:
        ("常設観測", "造船所", 200, 10_000, 1, 0),  # 25 in the newest 201 rows
        ("常設観測", "造船所", 100, 10_000, 2, 0),  # 17: the wider span (all 300) holds 38
        ("潮流観測", "造船所", 100, 10_000, 2, 1),  # 2, then 6 in all rows: all sorted
        ("風穴観測", "造船所", 100, 10_000, 1, 1),  # none at all
    ],
)
def test_postgresql_looks_in_spans_first(
    loaded: tuple[Session, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    term: str,
    keyword: str | None,
    first_span: int,
    span_max: int,
    spans: int,
    sorts: int,
) -> None:
    """But for a one-character prefix, the first page of 20 comes from the GIN index's hits
    (that pass the filter) among the newest ``first_span`` rows (found in the statement that
    finds the span's bounds), or among as many as their share of hits says hold it, times
    three; else all hits are sorted. No row is walked."""
    monkeypatch.setattr(repository, "_FIRST_SPAN_ROWS", first_span)
    monkeypatch.setattr(repository, "_SPAN_MAX_ROWS", span_max)
    session, statements = loaded
    keywords = () if keyword is None else (keyword,)
    page = _newest_page(session, term, keywords)
    tagged = {n for n, doc in enumerate(_documents()) if keyword in (None, *doc["keywords"])}
    expected = [f"walk-{n:03d}" for n in sorted(PLANTED[term] & tagged)][:20]
    assert [i.slug for i in page.items] == expected
    sorted_ = [s for s in statements if "sort_key + 0 DESC" in s]
    spanned = sum(SPANNED in s for s in sorted_)
    assert (spanned, len(sorted_) - spanned) == (spans, sorts)
    assert not any(WALK in s for s in statements)
    assert not any(s.startswith("SELECT (SELECT sort_key") for s in statements)


@pytest.mark.parametrize("walk", [3, 40, 2000])
@pytest.mark.parametrize("limit", [5, 20])
@pytest.mark.parametrize(("first_span", "margin"), [(0, 3), (1, 3), (20, 0.5), (100, 3)])
def test_every_hit_within_a_keyword_comes_newest_first(
    loaded: tuple[Session, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    walk: int,
    limit: int,
    first_span: int,
    margin: float,
) -> None:
    """SQLite checks the newest ``walk`` hits against the keyword one by one, and lists the
    keyword's articles only when they hold less than a page. PostgreSQL walks
    (``first_span`` 0) or looks in spans, as in ``test_every_hit_comes_newest_first``."""
    monkeypatch.setattr(repository, "_FILTER_WALK_ROWS", walk)
    monkeypatch.setattr(repository, "_FIRST_SPAN_ROWS", first_span)
    monkeypatch.setattr(repository, "_SPAN_MARGIN", margin)
    session, _ = loaded
    docs = _documents()
    tagged = {age for age, doc in enumerate(docs) if "造船所" in doc["keywords"]}
    both = {age for age, doc in enumerate(docs) if {"造船所", "温泉"} <= set(doc["keywords"])}
    wired = {age for age in tagged if age % 3 == 0}  # 造船所, citing WIRE
    assert both
    assert wired
    for term, ages in sorted(PLANTED.items()):
        expected = [f"walk-{n:03d}" for n in sorted(ages & tagged)]
        assert _pages(session, term, limit, ("造船所",)) == expected, term
        expected = [f"walk-{n:03d}" for n in sorted(ages & both)]
        assert _pages(session, term, limit, ("造船所", "温泉")) == expected, term
        expected = [f"walk-{n:03d}" for n in sorted(ages & wired)]
        assert _pages(session, term, limit, ("造船所",), WIRE) == expected, term
    excluded = (PLANTED["常設観測"] - PLANTED["潮流観測"]) & tagged
    expected = [f"walk-{n:03d}" for n in sorted(excluded)]
    assert _pages(session, "常設観測 -潮流観測", limit, ("造船所",)) == expected


@pytest.mark.postgres_only
@pytest.mark.usefixtures("walk_only")
@pytest.mark.parametrize(
    ("term", "walks", "sorts"),
    [
        ("潮流観測", 2, 0),  # 11 in the newest 100: 137 more rows tested hold the rest
        ("風穴観測", 1, 1),  # 2 in the newest 100: too sparse to walk on
        ("氷室観測", 2, 1),  # 8 in the newest 100, then too few in the 244 rows after them
    ],
)
def test_postgresql_walks_only_while_the_hits_are_dense(
    loaded: tuple[Session, list[str]], term: str, walks: int, sorts: int
) -> None:
    """The first page of 20: the newest 100 rows are tested, then as many more as their
    share of hits says will do (up to a cap); else the GIN index's hits are sorted."""
    session, statements = loaded
    page = _newest_page(session, term)
    assert [i.slug for i in page.items] == [f"walk-{n:03d}" for n in sorted(PLANTED[term])][:20]
    walked = [s for s in statements if WALK in s]
    sorted_ = [s for s in statements if "sort_key + 0 DESC" in s]
    assert (len(walked), len(sorted_)) == (walks, sorts)


@pytest.mark.postgres_only
@pytest.mark.usefixtures("walk_only")
@pytest.mark.parametrize(
    ("margin", "spans", "sorts"),
    [
        (1.5, 1, 0),  # the newest 288 rows hold 30 hits: the page is found among them
        (1.01, 1, 0),  # the newest 194 rows hold 21 hits, the last of them the oldest row
        (0.5, 1, 1),  # the newest 97 rows hold 10 hits: too few, so all hits are sorted
        (3, 0, 1),  # a span of 573 rows takes in all 300: all hits are sorted at once
    ],
)
def test_postgresql_sorts_only_the_hits_among_the_newest_rows_when_it_can(
    loaded: tuple[Session, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    margin: float,
    spans: int,
    sorts: int,
) -> None:
    """Not walked on (here by setting the walk's cap to 0), 潮流観測's 11 hits in the newest
    100 rows say the page of 20 lies in the newest 21 * 100 / 11 * ``margin`` rows: only the
    GIN index's hits among them are sorted, unless they are too few for the page."""
    monkeypatch.setattr(repository, "_WALK_MORE_ROWS", 0)
    monkeypatch.setattr(repository, "_SPAN_MARGIN", margin)
    session, statements = loaded
    page = _newest_page(session, "潮流観測")
    expected = [f"walk-{n:03d}" for n in sorted(PLANTED["潮流観測"])]
    assert [i.slug for i in page.items] == expected[:20]
    sorted_ = [s for s in statements if "sort_key + 0 DESC" in s]
    spanned = sum(SPANNED in s for s in sorted_)
    assert (spanned, len(sorted_) - spanned) == (spans, sorts)


@pytest.mark.postgres_only
@pytest.mark.usefixtures("walk_only")
def test_postgresql_gin_index_gives_only_the_hits_in_the_span(
    loaded: tuple[Session, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The span's floor is a condition of the GIN index (which holds ``sort_key + 0``), so it
    gives the span's hits alone: 潮流観測's 30 in the newest 288 rows (of its 31), not all 31
    to be read from the heap and checked against the floor there."""
    monkeypatch.setattr(repository, "_WALK_MORE_ROWS", 0)
    monkeypatch.setattr(repository, "_SPAN_MARGIN", 1.5)
    session, _ = loaded
    ran = _newest_page_statements(session, "潮流観測")
    (spanned,) = [(s, p) for s, p in ran if SPANNED in s]
    plan = _plan(session, *spanned)
    (scan,) = [n for n in plan if n["Node Type"] == "Bitmap Index Scan"]
    assert scan["Index Name"] == "ix_search_docs_tsv_sort_key"
    assert "(sort_key + 0) >=" in scan["Index Cond"]
    assert scan["Actual Rows"] == 30


@pytest.mark.postgres_only
@pytest.mark.usefixtures("walk_only")
@pytest.mark.parametrize(
    ("margin", "later_in_span"),
    [(0.5, False), (1.5, True)],  # 0.5: spans too short, each followed by the whole sort
)
def test_postgresql_pages_found_in_spans_hold_every_hit_newest_first(
    loaded: tuple[Session, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    margin: float,
    later_in_span: bool,
) -> None:
    """Every page of every term, each found in the span below the last page's end when the
    walk is off (and the probe short, so that later pages take spans too): no hit is lost
    or repeated, in order."""
    monkeypatch.setattr(repository, "_WALK_MORE_ROWS", 0)
    monkeypatch.setattr(repository, "_PROBE_ROWS", 20)
    monkeypatch.setattr(repository, "_SPAN_MARGIN", margin)
    session, _ = loaded
    ran, stop = _capture(session)
    try:
        for term in sorted(PLANTED):
            for limit in (5, 20):
                expected = [f"walk-{n:03d}" for n in sorted(PLANTED[term])]
                assert _pages(session, term, limit) == expected
    finally:
        stop()
    searches: list[list[tuple[str, Any]]] = []
    for statement, params in ran:
        if WALK in statement:  # each search starts with its probe (and walks no further)
            searches.append([])
        if searches:
            searches[-1].append((statement, params))
    # Some page after the first was found in its span, with no sort of all hits after it.
    assert later_in_span == any(
        any(SPANNED in s and p.get("before") is not None for s, p in search)
        and not any("sort_key + 0 DESC" in s and SPANNED not in s for s, _ in search)
        for search in searches
    )


@pytest.mark.postgres_only
@pytest.mark.usefixtures("walk_only")
def test_an_article_published_between_the_walks_repeats_no_hit(
    loaded: tuple[Session, list[str]], database_url: str
) -> None:
    """Each walk sees its own snapshot: the second goes on below the oldest row the first
    tested, so a newer article (which moves every row down one) is not counted twice."""
    session, _ = loaded
    doc = _documents()[0] | {"slug": "walk-new", "published_at": "2025-04-02T00:00:00Z"}
    writer = make_engine(database_url, pool_size=1)
    published: list[str] = []

    def publish_after_the_first_walk(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        if WALK in statement and not published:
            published.append(doc["slug"])
            with unit_of_work(make_sessionmaker(writer, write=True)) as w:
                articles.create_many(w, [(doc["slug"], ArticleIn.model_validate(doc))], base_url="")

    bind = session.get_bind()
    event.listen(bind, "after_cursor_execute", publish_after_the_first_walk)
    try:
        page = service.search(
            session,
            principal=anonymous(public_read=True),
            request=service.Request(q="潮流観測", sort="newest", limit=20),
        )
    finally:
        event.remove(bind, "after_cursor_execute", publish_after_the_first_walk)
        writer.dispose()
    assert published
    slugs = [i.slug for i in page.items]
    assert slugs == [f"walk-{n:03d}" for n in sorted(PLANTED["潮流観測"])][:20]


def _plan(session: Session, statement: str, params: Any) -> list[dict[str, Any]]:
    """The nodes of ``statement``'s plan as it ran (``EXPLAIN ANALYZE``)."""
    plan = (
        session.connection()
        .exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params)
        .scalar_one()
    )

    def nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    return list(nodes(plan[0]["Plan"]))


def _tested(session: Session, statement: str, params: Any, alias: str) -> int:
    """How many rows the subquery ``alias`` gave to its filter when ``statement`` ran."""
    (node,) = [n for n in _plan(session, statement, params) if n.get("Alias") == alias]
    return int(node["Actual Rows"] + node.get("Rows Removed by Filter", 0))


def _newest_page(session: Session, term: str, keywords: tuple[str, ...] = ()) -> SearchPage:
    """The first newest-first page of 20."""
    return service.search(
        session,
        principal=anonymous(public_read=True),
        request=service.Request(q=term, sort="newest", limit=20, keywords=keywords),
    )


def _newest_page_statements(session: Session, term: str) -> list[tuple[str, Any]]:
    """The statements (and their parameters) of the first newest-first page of 20."""
    ran, stop = _capture(session)
    try:
        _newest_page(session, term)
    finally:
        stop()
    return ran


def _capture(session: Session) -> tuple[list[tuple[str, Any]], Any]:
    ran: list[tuple[str, Any]] = []
    bind = session.get_bind()

    def keep(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        ran.append((statement, params))

    event.listen(bind, "before_cursor_execute", keep)
    return ran, lambda: event.remove(bind, "before_cursor_execute", keep)


@pytest.mark.postgres_only
@pytest.mark.usefixtures("walk_only")
def test_postgresql_newest_walk_stops_at_the_pages_last_hit(
    loaded: tuple[Session, list[str]],
) -> None:
    """潮流観測: 11 hits in the newest 100 rows; the second walk may test 137 more, but the
    21st hit (age 193) is the 94th of them, and it stops there."""
    session, _ = loaded
    ran = _newest_page_statements(session, "潮流観測")
    walks = [(s, p) for s, p in ran if WALK in s]
    assert [p["rows"] for _, p in walks] == [100, 137]
    assert _tested(session, *walks[1], alias="newest") == 94


@pytest.mark.postgres_only
def test_postgresql_ranked_walk_stops_at_the_windows_last_hit(
    loaded: tuple[Session, list[str]],
) -> None:
    """常設観測 is in six of every seven articles: a window of 50 is found by ranking the
    newest rows in turn, and its 50th hit is the 59th row (age 58), not all 100 walked."""
    session, _ = loaded
    ran, stop = _capture(session)
    try:
        page = service.search(
            session,
            principal=anonymous(public_read=True),
            request=service.Request(q="常設観測", window=50, limit=10),
        )
    finally:
        stop()
    assert len(page.items) == 10
    (first,) = [(s, p) for s, p in ran if s.startswith("WITH w AS MATERIALIZED")]
    assert first[1]["rows"] == 100
    assert _tested(session, *first, alias="tested") == 59
