"""Probe: what a RUM index would give PostgreSQL search ranking (not used by Kiji).

Prints numbers; it is not a test. PostgreSQL ranks a search's window by reading each hit's
tsvector from TOAST (about 15 KB an article here); a RUM index keeps the positions in the
index and can order hits by its own rank without reading them. This copies the search
benchmark's PostgreSQL database (`search_bench.py --build-only --databases postgresql`
first) to `kiji_rum_probe`, builds a RUM index on `tsv` there, and for every query of the
query set times, in process, p50 of R runs:
- `kiji`: the SQL of Kiji's first relevance page on `kiji_search_bench` as it stands (GIN,
  the newest 1,000 hits ranked by `ts_rank_cd` with field weights and word tiers);
- `rum`: the first 21 of *all* hits by RUM's distance (`ORDER BY tsv <=> q`), which is what
  the index can order by: fixed weights, no word tiers, no window;
- `hits`: how many articles match (a count from the RUM index).
A query slower than `--timeout` ms is cut off and shown as `>timeout`.

Needs the extension on the server: `apt-get install postgresql-15-rum` (Debian).
Run from the repository root: `.venv/bin/python bench/rum_probe.py [--runs R] [--keep]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import Engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.core.db import make_engine  # noqa: E402
from app.search import expression, repository  # noqa: E402
from app.search.fields import IN_GROUPS  # noqa: E402
from app.search.query import Query, parse  # noqa: E402
from tests.search import corpus  # noqa: E402

SERVER = "host=127.0.0.1 user=postgres"
SOURCE, PROBE = "kiji_search_bench", "kiji_rum_probe"


def p50(fn: Callable[[], Any], runs: int) -> float:
    fn()  # warm-up
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return statistics.median(out)


def first_page(engine: Engine, query: Query, single_chars: bool) -> None:
    """The SQL of Kiji's first relevance page (as ``service.search`` runs it)."""
    groups = IN_GROUPS["all"]
    with Session(engine) as session:
        repository.first_ranked(
            session,
            fts="",
            tsquery=expression.tsquery(query, groups),
            word_tsqueries=expression.word_tsqueries(query, groups),
            filters=repository.Filters(),
            window=1000,
            limit=21,
            loose=expression.loose_tsquery(query, groups),
            negated=bool(query.excluded),
            unranked_within=2000 if single_chars else 0,
        )


def build() -> None:
    with psycopg.connect(f"{SERVER} dbname=postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (SOURCE,)).fetchone():
            sys.exit(f"no database {SOURCE}: run search_bench.py --build-only first")
        if not admin.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'").fetchone():
            sys.exit("the rum extension is not installed: apt-get install postgresql-15-rum")
        admin.execute(f"DROP DATABASE IF EXISTS {PROBE}")
        admin.execute(f"CREATE DATABASE {PROBE} TEMPLATE {SOURCE}")
    with psycopg.connect(f"{SERVER} dbname={PROBE}", autocommit=True) as conn:
        conn.execute("CREATE EXTENSION rum")
        conn.execute("SET maintenance_work_mem = '1GB'")
        started = time.perf_counter()
        conn.execute("CREATE INDEX search_docs_tsv_rum ON search_docs USING rum (tsv)")
        seconds = time.perf_counter() - started
        sizes = conn.execute(
            "SELECT pg_relation_size('search_docs_tsv_rum'), pg_relation_size('ix_search_docs_tsv')"
        ).fetchone()
        assert sizes is not None
        mib = [s / 2**20 for s in sizes]
        print(
            f"RUM index on tsv: built in {seconds:.0f} s, {mib[0]:.0f} MiB (GIN {mib[1]:.0f} MiB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=int, default=2000, help="ms before a query is cut off")
    parser.add_argument("--keep", action="store_true", help=f"keep database {PROBE}")
    args = parser.parse_args()
    build()
    groups = IN_GROUPS["all"]
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{SOURCE}")
    rum = psycopg.connect(f"{SERVER} dbname={PROBE}", autocommit=True)
    rum.execute("SET enable_seqscan = off")
    rum.execute("SET max_parallel_workers_per_gather = 0")
    rum.execute(f"SET statement_timeout = {args.timeout}")
    ranked = (
        "SELECT sort_key FROM search_docs WHERE tsv @@ to_tsquery('simple', %(q)s)"
        " ORDER BY tsv <=> to_tsquery('simple', %(q)s) LIMIT 21"
    )
    counted = "SELECT count(*) FROM search_docs WHERE tsv @@ to_tsquery('simple', %(q)s)"

    def timed_rum(sql: str, ts: str) -> str:
        try:
            return f"{p50(lambda: rum.execute(sql, {'q': ts}).fetchall(), args.runs):.1f}"
        except psycopg.errors.QueryCanceled:
            return f">{args.timeout}"

    print(f"{'class':<15}{'query':<16}{'hits':>8}{'kiji ms':>10}{'rum ms':>10}")
    try:
        for q, kind in corpus.QUERIES:
            query = parse(q)
            ts = expression.tsquery(query, groups)
            single = all(len(t.phrase.tokens) == 1 and t.phrase.prefix for t in query.terms)

            kiji = p50(partial(first_page, engine, query, single), args.runs)
            try:
                count = str(rum.execute(counted, {"q": ts}).fetchone()[0])  # type: ignore[index]
            except psycopg.errors.QueryCanceled:
                count = "?"
            print(f"{kind:<15}{q:<16}{count:>8}{kiji:>10.1f}{timed_rum(ranked, ts):>10}")
    finally:
        rum.close()
        engine.dispose()
        if not args.keep:
            with psycopg.connect(f"{SERVER} dbname=postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PROBE}")


if __name__ == "__main__":
    main()
