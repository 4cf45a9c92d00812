"""Every list query is an index range scan: no full scan of articles or citations.

PostgreSQL is asked with sequential scans disabled, so a `Seq Scan` in the plan means no
index can serve the query; SQLite's planner is asked directly (a bare `SCAN t`, without an
index, is a full table scan)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from sqlalchemy import Connection, Engine, text

from app.articles import across_repository as across
from app.articles.listing import SORTS, ListQuery, shape_of, sql_for
from app.core.db import make_engine
from tests.conftest import ON_POSTGRES

WATCHED = {"articles", "citations"}
AT = datetime(2025, 1, 1, tzinfo=UTC)


def _params(sql: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in set(re.findall(r":(\w+)", sql)):
        if name in ("at", "k_at", "published_after", "published_before", "updated_after"):
            values[name] = AT if ON_POSTGRES else "2025-01-01 00:00:00.000000"
        elif name in ("status",):
            values[name] = "published"
        elif name == "host" and "c.host" not in sql:
            values[name] = 1  # a host id
        elif name in ("q", "host", "publisher", "k_name") or re.fullmatch(r"h\d+", name):
            values[name] = "x"
        else:
            values[name] = 1
    if "published_after" in values and "c.published_on" in sql:
        values["published_after"] = "2025-01-01" if not ON_POSTGRES else AT.date()
    return values


def _article_queries() -> Iterator[tuple[str, str]]:
    for sort, keywords, host, dates, after in itertools.product(
        SORTS, (0, 1, 2), (False, True), (False, True), (False, True)
    ):
        q = ListQuery(
            sort=sort,
            keyword_ids=tuple(range(1, keywords + 1)),
            host_id=1 if host else None,
            published_after=AT if dates else None,
            updated_after=AT if dates else None,
            after=(AT, 5) if after else None,
        )
        yield f"articles {shape_of(q)}", sql_for(shape_of(q))


def _across_queries() -> Iterator[tuple[str, str]]:
    for keyword, after in itertools.product((False, True), repeat=2):
        yield (
            f"questions k={keyword} after={after}",
            across.questions_sql(keyword=keyword, after=after),
        )
    for host, publisher, published_after, after in itertools.product((False, True), repeat=4):
        yield (
            f"citations host={host} publisher={publisher} after={after}",
            across.citations_sql(
                host=host, publisher=publisher, published_after=published_after, after=after
            ),
        )
    for after in (False, True):
        yield f"keywords after={after}", across.keywords_sql(after=after)
        yield f"publishers after={after}", across.publishers_sql(after=after)
    yield "labels", across.labels_sql(3)


QUERIES = [*_article_queries(), *_across_queries()]


def _full_scans_postgres(conn: Connection, sql: str) -> list[str]:
    conn.execute(text("SET LOCAL enable_seqscan = off"))
    plan = conn.execute(text(f"EXPLAIN (FORMAT JSON) {sql}"), _params(sql)).scalar_one()
    nodes = plan if isinstance(plan, list) else orjson.loads(plan)

    def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield node
        for child in node.get("Plans", []):
            yield from walk(child)

    found = [
        f"Seq Scan on {n['Relation Name']}"
        for n in walk(nodes[0]["Plan"])
        if n["Node Type"] == "Seq Scan" and n.get("Relation Name") in WATCHED
    ]
    conds = " ".join(str(n.get("Index Cond", "")) for n in walk(nodes[0]["Plan"]))
    if _keyset(sql) and not re.search(r"(listed_at|updated_at) [<>]=? ", conds):
        found.append(f"the cursor is not an index range: {conds}")
    return found


def _keyset(sql: str) -> bool:
    """Does the query continue after a cursor (so a deep page must seek, not scan)?"""
    return ":at" in sql or ":k_at" in sql


def _aliases(sql: str) -> dict[str, str]:
    return {alias: table for table, alias in re.findall(r"\b(\w+) (\w+)(?= |$)", sql)}


def _full_scans_sqlite(conn: Connection, sql: str) -> list[str]:
    rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", _params(sql)).fetchall()
    aliases = _aliases(sql)
    bad = []
    details = " ".join(str(r[-1]) for r in rows)
    if _keyset(sql) and not re.search(r"(listed_at|updated_at)[<>]", details):
        bad.append(f"the cursor is not an index range: {details}")
    for row in rows:
        detail = str(row[-1])
        m = re.match(r"SCAN (\w+)$", detail)
        if m and aliases.get(m.group(1), m.group(1)) in WATCHED:
            bad.append(detail)
    return bad


@pytest.fixture(scope="module")
def engine(template_db: str) -> Iterator[Engine]:
    url = template_db if ON_POSTGRES else f"sqlite:///{template_db}"
    engine = make_engine(url, pool_size=1)
    yield engine
    engine.dispose()


@pytest.mark.parametrize(("name", "sql"), QUERIES, ids=[n for n, _ in QUERIES])
def test_list_queries_use_indexes(engine: Engine, name: str, sql: str) -> None:
    with engine.begin() as conn:
        scans = _full_scans_postgres(conn, sql) if ON_POSTGRES else _full_scans_sqlite(conn, sql)
    assert scans == [], f"{name}: {scans}\n{sql}"
