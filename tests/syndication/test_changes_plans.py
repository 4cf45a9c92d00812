"""A page of the changes feed costs the same however long the feed is: it seeks to the
cursor and looks each render up by key, never scanning ``changes`` or ``article_renders``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, text

from app.core.db import make_engine
from app.syndication.changes_repository import _QUERIES
from tests.conftest import ON_POSTGRES

PARAMS = {"after": 5, "limit": 101}


@pytest.fixture(scope="module")
def engine(template_db: str) -> Iterator[Engine]:
    engine = make_engine(template_db if ON_POSTGRES else f"sqlite:///{template_db}", pool_size=1)
    yield engine
    engine.dispose()


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _walk(child)


def _scans_postgres(engine: Engine, sql: str) -> list[str]:
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = conn.execute(text(f"EXPLAIN (FORMAT JSON) {sql}"), PARAMS).scalar_one()
    nodes = plan if isinstance(plan, list) else orjson.loads(plan)
    # A bitmap heap scan rechecks an index range (on a near-empty table the planner likes it).
    return [
        f"{n['Node Type']} on {n['Relation Name']}"
        for n in _walk(nodes[0]["Plan"])
        if n.get("Relation Name") in ("changes", "article_renders")
        and "Index Cond" not in n
        and "Recheck Cond" not in n
    ]


def _scans_sqlite(engine: Engine, sql: str) -> list[str]:
    with engine.begin() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", PARAMS).fetchall()
    return [str(r[-1]) for r in rows if str(r[-1]).startswith("SCAN")]


@pytest.mark.parametrize(("view", "sql"), list(_QUERIES.items()), ids=str)
def test_feed_pages_seek_and_look_up(engine: Engine, view: tuple[bool, bool], sql: str) -> None:
    scans = _scans_postgres(engine, sql) if ON_POSTGRES else _scans_sqlite(engine, sql)
    assert scans == [], f"drafts, summary = {view}: {scans}"
