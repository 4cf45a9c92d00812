"""Probe: what a RUM index would give PostgreSQL search ranking (not used by Kiji).

Prints numbers; it is not a test. PostgreSQL ranks a search's window by reading each hit's
tsvector from TOAST (about 15 KB an article here); a RUM index keeps the positions in the
index and can order hits by its own rank without reading them. This copies the search
benchmark's PostgreSQL database (`search_bench.py --build-only --databases postgresql`
first) to `kiji_rum_probe`, replaces its GIN index on `tsv` with a RUM index, and for every
query of the query set times, in process, p50 of R runs after a warm-up:
- `kiji`: the SQL of Kiji's first relevance page on `kiji_search_bench` as it stands (GIN,
  the newest window of hits ranked by `ts_rank_cd` with field weights and word tiers; a
  particle such as の listed newest first instead);
- `rum`: the first 21 of *all* hits by RUM's distance (`ORDER BY tsv <=> q`), which is what
  the index can order by: fixed weights, no word tiers, no window;
- `hits`: how many articles match (counted with the RUM index).
A RUM query slower than `--timeout` ms is cut off and shown as `>timeout`.

Needs the extension on the server (Debian: `apt-get install postgresql-<major>-rum`), and no
other connection to `kiji_search_bench` while it is copied.
Run from the repository root: `.venv/bin/python bench/rum_probe.py [--runs R] [--keep]`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial

import psycopg
from search_bench import QUERIES, timed  # (which puts the repository root on sys.path)
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.db import make_engine
from app.search import expression, repository
from app.search.fields import IN_GROUPS
from app.search.query import Query, parse

SERVER = "host=127.0.0.1 user=postgres"
SOURCE, PROBE = "kiji_search_bench", "kiji_rum_probe"
GROUPS = IN_GROUPS["all"]


def first_page(engine: Engine, query: Query, window: int) -> None:
    """The SQL of Kiji's first relevance page, as ``service.search`` runs it."""
    ts = expression.tsquery(query, GROUPS)
    loose = expression.loose_tsquery(query, GROUPS)
    single_chars = all(len(t.phrase.tokens) == 1 and t.phrase.prefix for t in query.terms)
    with Session(engine) as session:
        _, hits = repository.first_ranked(
            session,
            fts="",
            tsquery=ts,
            word_tsqueries=expression.word_tsqueries(query, GROUPS),
            filters=repository.Filters(),
            window=window,
            limit=21,
            loose=loose,
            negated=bool(query.excluded),
            unranked_within=2 * window if single_chars else 0,
        )
        if hits is None:  # a particle: listed newest first
            repository.newest(
                session,
                fts="",
                tsquery=ts,
                filters=repository.Filters(),
                before=None,
                limit=21,
                loose=loose,
            )


def build() -> None:
    with psycopg.connect(f"{SERVER} dbname=postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (SOURCE,)).fetchone():
            raise SystemExit(f"no database {SOURCE}: run search_bench.py --build-only first")
        if not admin.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'").fetchone():
            raise SystemExit("the rum extension is not installed: postgresql-<major>-rum")
        admin.execute(f"DROP DATABASE IF EXISTS {PROBE}")
        admin.execute(f"CREATE DATABASE {PROBE} TEMPLATE {SOURCE}")
    with psycopg.connect(f"{SERVER} dbname={PROBE}", autocommit=True) as conn:
        gin = conn.execute("SELECT pg_relation_size('ix_search_docs_tsv_sort_key')").fetchone()
        conn.execute("DROP INDEX ix_search_docs_tsv_sort_key")
        conn.execute("CREATE EXTENSION rum")
        conn.execute("SET maintenance_work_mem = '1GB'")
        started = time.perf_counter()
        conn.execute("CREATE INDEX search_docs_tsv_rum ON search_docs USING rum (tsv)")
        seconds = time.perf_counter() - started
        rum = conn.execute("SELECT pg_relation_size('search_docs_tsv_rum')").fetchone()
        if gin is None or rum is None:
            raise SystemExit("no index sizes")
        print(
            f"RUM index on tsv: built in {seconds:.0f} s, {rum[0] / 2**20:.0f} MiB"
            f" (the GIN index it replaces: {gin[0] / 2**20:.0f} MiB)"
        )


def measure(runs: int, timeout: int) -> None:
    window = Settings().search_rank_window
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{SOURCE}")
    rum = psycopg.connect(f"{SERVER} dbname={PROBE}", autocommit=True)
    try:
        rum.execute("SET enable_seqscan = off")
        rum.execute("SET max_parallel_workers_per_gather = 0")
        rum.execute(f"SET statement_timeout = {timeout}")
        ranked = (
            "SELECT sort_key FROM search_docs WHERE tsv @@ to_tsquery('simple', %(q)s)"
            " ORDER BY tsv <=> to_tsquery('simple', %(q)s) LIMIT 21"
        )
        counted = "SELECT count(*) FROM search_docs WHERE tsv @@ to_tsquery('simple', %(q)s)"

        def rum_ms(ts: str) -> str:
            try:
                ms = timed(lambda: rum.execute(ranked, {"q": ts}).fetchall(), runs)
            except psycopg.errors.QueryCanceled:
                return f">{timeout}"
            return f"{statistics.median(ms):.1f}"

        def hits(ts: str) -> str:
            try:
                row = rum.execute(counted, {"q": ts}).fetchone()
            except psycopg.errors.QueryCanceled:
                return "?"
            return "?" if row is None else str(row[0])

        print(f"{'class':<15}{'query':<16}{'hits':>8}{'kiji ms':>10}{'rum ms':>10}")
        for q, kind in QUERIES:
            query = parse(q)
            ts = expression.tsquery(query, GROUPS)
            kiji = statistics.median(timed(partial(first_page, engine, query, window), runs))
            print(f"{kind:<15}{q:<16}{hits(ts):>8}{kiji:>10.1f}{rum_ms(ts):>10}")
    finally:
        rum.close()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=int, default=2000, help="ms before a RUM query stops")
    parser.add_argument("--keep", action="store_true", help=f"keep database {PROBE}")
    args = parser.parse_args()
    try:
        build()
        measure(args.runs, args.timeout)
    finally:
        if not args.keep:
            with psycopg.connect(f"{SERVER} dbname=postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PROBE}")


if __name__ == "__main__":
    main()
