"""Search benchmark: quality and speed of `/v1/search` on 100,000 articles.

Prints numbers; it is not a test. It builds (once, then reuses) a database of N full-size
template articles (`template_corpus.py`, ~1,900 characters each) with the search quality
probes of `tests/search/corpus.py` planted in them (word-boundary pairs such as 京都/東京都,
ASCII and mixed terms in both widths, long words, rare words), through Kiji's own service
layer, so the index is built as imports build it. Beside the articles it keeps each one's
normalised text in a plain table: the `LIKE '%q%'` scan that other content APIs run.

Then, for the query set (every class of the issue, >= 40 queries):
- recall: the hit set of every query against the `LIKE` ground truth (must be 100 %);
- precision: for every word-boundary pair, true word matches above boundary-crossing ones in
  the top 10 (checked with the analyser on the returned articles);
- speed over HTTP against `kiji serve` with one worker: p50/p95 per class for
  `sort=relevance` and `sort=newest`, and the `LIKE` scan's p95 in the same run;
- index size and the indexing cost per imported article.
On SQLite, then on PostgreSQL (database `kiji_search_bench`); `--databases` picks.

Run from the repository root: `.venv/bin/python bench/search_bench.py` (see bench/README.md).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import template_corpus
from servers import BASE_URL, Server, free_port, get, running

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.articles import service  # noqa: E402
from app.articles.schemas import ArticleIn  # noqa: E402
from app.core.db import make_engine, make_sessionmaker, unit_of_work  # noqa: E402
from app.core.migrate import upgrade  # noqa: E402
from app.search import indexing, repository  # noqa: E402
from app.search.fields import pieces  # noqa: E402
from app.search.query import parse as parse_query  # noqa: E402
from app.search.segment import normalise  # noqa: E402
from tests.search import corpus  # noqa: E402

OUT = ROOT / "bench" / "out"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_DB = "kiji_search_bench"
BATCH = 1000
START = datetime(2023, 1, 1, tzinfo=UTC)


# The template articles never say 政府, and say 担い手不足 where the test corpus says
# 担い手が不足: as the query set has them, both "common" classes would time a query with no
# hit at all. These terms, in 97 % and 56 % of the articles, stand in for them.
COMMON_HERE = {"政府": "住民", "担い手が不足": "担い手不足"}
QUERIES = tuple((COMMON_HERE.get(q, q), kind) for q, kind in corpus.QUERIES)


def documents(count: int, seed: int = 11) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for n, base in enumerate(itertools.islice(template_corpus.documents(), count)):
        doc: dict[str, Any] = json.loads(json.dumps(base))
        doc["slug"] = f"s{n}"
        at = START + timedelta(seconds=n * 900 + rng.randrange(900))
        doc["published_at"] = at.isoformat()
        corpus.plant(doc, corpus.probes(rng), rng)
        yield doc


def like_text(doc: dict[str, Any]) -> str:
    return "\n".join(normalise(p.text) for p in pieces(doc))


class Timed:
    """Wraps the index writer to add up the time spent indexing during a build."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._add = indexing.add

    def __call__(self, session: Any, items: Any) -> None:
        started = time.perf_counter()
        self._add(session, items)
        self.seconds += time.perf_counter() - started


def build(url: str, count: int, like_path: Path | None) -> dict[str, float]:
    """Load ``count`` articles through the service layer; the LIKE table goes to SQLite."""
    upgrade(url)
    engine = make_engine(url, pool_size=1)
    timed = Timed()
    setattr(indexing, "add", timed)  # noqa: B010 - measure the indexing share of the build
    like = sqlite3.connect(like_path) if like_path else None
    if like:
        like.execute("CREATE TABLE IF NOT EXISTS like_docs (slug TEXT, listed_at TEXT, body TEXT)")
    started = time.perf_counter()
    try:
        docs = documents(count)
        while batch := list(itertools.islice(docs, BATCH)):
            with unit_of_work(make_sessionmaker(engine, write=True)) as session:
                service.create_many(
                    session,
                    [(d["slug"], ArticleIn.model_validate(d)) for d in batch],
                    base_url=BASE_URL,
                )
            if like:
                like.executemany(
                    "INSERT INTO like_docs VALUES (?, ?, ?)",
                    [(d["slug"], d["published_at"], like_text(d)) for d in batch],
                )
                like.commit()
            done = int(batch[0]["slug"][1:]) + len(batch)
            if done % 10000 == 0:
                print(f"  {done} articles, {time.perf_counter() - started:.0f} s", flush=True)
    finally:
        setattr(indexing, "add", timed._add)  # noqa: B010
    seconds = time.perf_counter() - started
    if like:
        like.execute("CREATE INDEX IF NOT EXISTS like_docs_listed ON like_docs (listed_at)")
        like.commit()
        like.close()
    engine.dispose()
    return {"seconds": seconds, "index_seconds": timed.seconds, "count": count}


def _pg_url() -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_DB


def _sqlite_schema() -> bytes:
    """The schema the migrations give an SQLite database: a migration that changes only
    PostgreSQL leaves it, and so the SQLite database, as it was."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "schema.db"
        upgrade(f"sqlite:///{path}")
        with sqlite3.connect(path) as conn:
            rows = conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name != 'alembic_version'"
                " ORDER BY type, name"
            ).fetchall()
        conn.close()
    # A table Alembic rebuilt lists its constraints in no fixed order: each statement's
    # lines are compared as a set.
    return json.dumps(
        [
            (kind, name, sorted(line.strip(" ,") for line in (sql or "").splitlines()))
            for kind, name, sql in rows
        ]
    ).encode()


def fingerprint(database: str) -> str:
    """Digest of what a built database depends on: the code that makes index entries, the
    corpus, and the schema (SQLite's as built; for PostgreSQL, the migrations)."""
    h = hashlib.sha256()
    search = ROOT / "app" / "search"
    sources = [search / f for f in ("segment.py", "words.py", "fields.py", "index.py")]
    sources += [ROOT / "tests" / "search" / "corpus.py", Path(template_corpus.__file__)]
    if database == "postgresql":
        sources += sorted((ROOT / "migrations" / "versions").glob("*.py"))
    for source in sources:
        h.update(source.name.encode() + b"\0" + source.read_bytes())
    if database == "sqlite":
        h.update(_sqlite_schema())
    return h.hexdigest()[:16]


def ensure(count: int, databases: list[str], rebuild: bool) -> dict[str, Any]:
    OUT.mkdir(exist_ok=True)
    meta_path = OUT / f"search-{count}.meta.json"
    meta: dict[str, Any] = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    db = OUT / f"search-{count}.db"
    like = OUT / f"search-{count}-like.db"
    current = {d: fingerprint(d) for d in databases}
    if "sqlite" in databases and (
        rebuild or meta.get("sqlite", {}).get("fingerprint") != current["sqlite"] or not db.exists()
    ):
        for p in (db, like, Path(f"{db}-wal"), Path(f"{db}-shm")):
            p.unlink(missing_ok=True)
        print(f"building {db.name} ...", flush=True)
        built = build(f"sqlite:///{db}", count, like)
        # Re-read: a build of the other database may have finished meanwhile.
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        meta["sqlite"] = built | {"fingerprint": current["sqlite"]}
        meta_path.write_text(json.dumps(meta))
    if "postgresql" in databases and (
        rebuild or meta.get("postgresql", {}).get("fingerprint") != current["postgresql"]
    ):
        admin = make_engine(PG_ADMIN, pool_size=1).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {PG_DB}"))
        admin.dispose()
        print(f"building PostgreSQL {PG_DB} ...", flush=True)
        built = build(_pg_url(), count, None)
        # What autovacuum does after a bulk load when it is on (as it is by default; this
        # machine's server runs with it off): statistics for the planner, and the visibility
        # map, without which an index-only scan visits the heap for every row.
        pg = make_engine(_pg_url(), pool_size=1).execution_options(isolation_level="AUTOCOMMIT")
        with pg.connect() as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
        pg.dispose()
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        meta["postgresql"] = built | {"fingerprint": current["postgresql"]}
        meta_path.write_text(json.dumps(meta))
    return meta


def like_sql(q: str) -> tuple[str, list[str]]:
    """The LIKE scan of a query: every term as a substring, excluded terms not."""
    parsed = parse_query(q)
    where = ["body LIKE ?"] * len(parsed.terms) + ["body NOT LIKE ?"] * len(parsed.excluded)
    args = [f"%{t.text}%" for t in (*parsed.terms, *parsed.excluded)]
    return " AND ".join(where), args


def truth(like: sqlite3.Connection, q: str) -> set[str]:
    where, args = like_sql(q)
    return {s for (s,) in like.execute(f"SELECT slug FROM like_docs WHERE {where}", args)}


def all_hits(url: str, q: str) -> set[str]:
    engine = make_engine(url, pool_size=1)
    parsed = parse_query(q)
    from app.search import expression
    from app.search.fields import IN_GROUPS

    groups = IN_GROUPS["all"]
    with unit_of_work(make_sessionmaker(engine, write=False)) as session:
        hits = repository.newest(
            session,
            fts=expression.fts(parsed, groups),
            tsquery=expression.tsquery(parsed, groups),
            filters=repository.Filters(),
            before=None,
            limit=10**7,
        )
        slugs: dict[int, str] = dict(session.execute(text("SELECT id, slug FROM articles")).all())
    engine.dispose()
    return {slugs[h.article_id] for h in hits}


def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _like_page(conn: sqlite3.Connection, page: str, total: str, args: list[str]) -> list[Any]:
    return [*conn.execute(page, args).fetchall(), conn.execute(total, args).fetchone()]


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def http_search(base: str, q: str, sort: str, keyword: str | None = None) -> dict[str, Any]:
    params = {"q": q, "sort": sort} | ({"keyword": keyword} if keyword else {})
    url = f"{base}/v1/search?" + urllib.parse.urlencode(params)
    status, _, body = get(url)
    assert status == 200, (status, body[:300])
    result: dict[str, Any] = json.loads(body)
    return result


def precision(base: str) -> list[tuple[str, bool, str]]:
    rows = []
    for word, _, _ in corpus.PAIRS:
        items = http_search(base, word, "relevance")["items"][:10]
        flags = []
        for item in items:
            _, _, body = get(f"{base}/v1/articles/{item['slug']}")
            flags.append(corpus.as_word(json.loads(body), word))
        ok = flags == sorted(flags, reverse=True)
        rows.append((word, ok, "".join("W" if f else "x" for f in flags)))
    return rows


# Searches within one keyword (in about a tenth of the articles), as a frontend's topic page
# runs them: the engine must not look up the keyword's articles one by one.
FILTER_KEYWORD = "防災"
FILTERED = ("地域", "中国", "米", "辺野古", "安全保障条約", "京都 -東京都")


def filtered(base: str, runs: int) -> None:
    print(f"with keyword={FILTER_KEYWORD}: {'query':<14}{'relevance p50/p95 ms':>22}{'newest':>18}")
    for q in FILTERED:
        cells = []
        for sort in ("relevance", "newest"):
            ms = timed(partial(http_search, base, q, sort, FILTER_KEYWORD), runs)
            cells.append(f"{statistics.median(ms):>9.1f} /{p95(ms):>7.1f}")
        print(f"{'':<22}{q:<14}{cells[0]:>22}{cells[1]:>18}")


def measure(
    name: str, url: str, like: sqlite3.Connection, runs: int, *, filtered_only: bool = False
) -> dict[str, Any]:
    print(f"\n== {name}")
    env = {
        "KIJI_DATABASE_URL": url,
        "KIJI_WORKERS": "1",
        "KIJI_LOAD_SAMPLES": "false",
        "KIJI_BASE_URL": BASE_URL,
        "KIJI_RATE_LIMIT_ANONYMOUS": "off",
        "KIJI_LOG_LEVEL": "warning",
    }
    port = free_port()
    server = Server(
        "kiji",
        [str(ROOT / ".venv" / "bin" / "kiji"), "serve", "--port", str(port)],
        port,
        OUT / f"search-serve-{name}.log",
        ready_path="/healthz",
        env=env,
    )
    recall: dict[str, list[int]] = {}
    speed: dict[str, dict[str, list[float]]] = {}
    with running(server):
        if filtered_only:
            filtered(server.base, runs)
            return {}
        for q, kind in QUERIES:
            expected = truth(like, q)
            found = all_hits(url, q)
            ok, total = recall.setdefault(kind.split()[0], [0, 0])
            recall[kind.split()[0]] = [ok + (found == expected), total + 1]
            if found != expected:
                missed, extra = len(expected - found), len(found - expected)
                print(f"  RECALL MISS {q!r}: {missed} missed, {extra} extra")
            for sort in ("relevance", "newest"):
                ms = timed(partial(http_search, server.base, q, sort), runs)
                speed.setdefault(kind, {}).setdefault(sort, []).extend(ms)
            where, args = like_sql(q)
            # As WordPress (?search=, with its found-rows total) and Strapi ($containsi, with
            # its pagination total) run it: the newest page of 20, and the count of all hits.
            page = f"SELECT slug FROM like_docs WHERE {where} ORDER BY listed_at DESC LIMIT 20"
            count = f"SELECT count(*) FROM like_docs WHERE {where}"
            like_ms = timed(partial(_like_page, like, page, count, args), runs)
            speed[kind].setdefault("like", []).extend(like_ms)
        prec = precision(server.base)
        filtered(server.base, runs)
    print(
        f"{'class':<18}{'queries':>8}{'recall':>8}  {'relevance p50/p95 ms':>22}"
        f"  {'newest p50/p95 ms':>20}  {'LIKE p95 ms':>12}  {'LIKE/relevance':>15}"
    )
    print("(LIKE: the newest 20 hits and the count of all, as WordPress and Strapi search)")
    for kind, by in speed.items():
        n = sum(1 for _, k in QUERIES if k == kind)
        ok, total = recall[kind.split()[0]]
        rel, new, lk = by["relevance"], by["newest"], by["like"]
        print(
            f"{kind:<18}{n:>8}{ok / total:>8.0%}  "
            f"{statistics.median(rel):>10.1f} /{p95(rel):>9.1f}  "
            f"{statistics.median(new):>9.1f} /{p95(new):>8.1f}  "
            f"{p95(lk):>12.1f}  {p95(lk) / p95(rel):>14.1f}x"
        )
    good = sum(ok for _, ok, _ in prec)
    print(f"precision: {good}/{len(prec)} boundary pairs rank true words first in the top 10")
    for word, ok, flags in prec:
        if not ok:
            print(f"  {word}: {flags} (W = true word, x = crossing only)")
    return {"recall": recall, "speed": speed, "precision": prec}


def indexing_cost(url: str, sample: int = 2000) -> tuple[float, float]:
    """Milliseconds per article to make index entries and to write them, on ``sample``
    articles (the build's own share is measured with whatever else ran beside it)."""
    from app.search.index import entry

    docs = [ArticleIn.model_validate(d).model_dump() for d in documents(sample, seed=99)]
    started = time.perf_counter()
    entries = [entry(d, article_id=10**6 + i, key=10**6 + i) for i, d in enumerate(docs)]
    make = time.perf_counter() - started
    if url.startswith("sqlite"):
        # A fresh database, without foreign key checks: the entries belong to no article.
        scratch = OUT / "search-cost.db"
        scratch.unlink(missing_ok=True)
        upgrade(f"sqlite:///{scratch}")
        engine = create_engine(f"sqlite:///{scratch}")
    else:
        engine = make_engine(url, pool_size=1)
    with Session(engine) as session:
        if not url.startswith("sqlite"):
            session.execute(text("SET LOCAL session_replication_role = replica"))
        started = time.perf_counter()
        repository.insert(session, entries)
        session.flush()
        write = time.perf_counter() - started
        session.rollback()
    if not url.startswith("sqlite"):
        # The rolled-back rows stay as dead tuples until a vacuum, and this server runs
        # without autovacuum: each run reported the index some 40 MiB larger than the last.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM search_docs"))
    engine.dispose()
    return make / sample * 1000, write / sample * 1000


def index_size(url: str) -> float:
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        if url.startswith("sqlite"):
            size = conn.execute(
                text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_%'")
            ).scalar_one()
        else:
            size = conn.execute(text("SELECT pg_total_relation_size('search_docs')")).scalar_one()
    engine.dispose()
    return float(size) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="sqlite, postgresql or both"
    )
    parser.add_argument("--build-only", action="store_true", help="build, do not measure")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--filtered-only", action="store_true", help="only the searches within a keyword"
    )
    args = parser.parse_args()
    rev = os.popen("git rev-parse --short HEAD").read().strip()
    load = os.getloadavg()
    print(
        f"search_bench {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, code {rev}, "
        f"load {load[0]:.2f}/{load[1]:.2f}, {os.cpu_count()} cores"
    )
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    meta = ensure(args.articles, databases, args.rebuild)
    if args.build_only:
        return
    like = sqlite3.connect(OUT / f"search-{args.articles}-like.db")
    db = OUT / f"search-{args.articles}.db"
    targets = [("sqlite", f"sqlite:///{db}"), ("postgresql", _pg_url())]
    targets = [(name, url) for name, url in targets if name in databases]
    for name, url in targets:
        built = meta[name]
        per = built["index_seconds"] / built["count"] * 1000
        size = index_size(url)  # before the sample's rolled-back writes
        make_ms, write_ms = indexing_cost(url)
        print(
            f"\n{name}: indexing {make_ms + write_ms:.2f} ms per article on a sample "
            f"({make_ms:.2f} segmenting, {write_ms:.2f} writing)"
        )
        print(
            f"{name}: {built['count']} articles built in {built['seconds']:.0f} s "
            f"({built['count'] / built['seconds']:.0f}/s); indexing {per:.2f} ms per article "
            f"({built['index_seconds'] / built['seconds']:.0%} of the build); "
            f"index {size:.0f} MiB"
        )
        measure(name, url, like, args.runs, filtered_only=args.filtered_only)
    if os.environ.get("KEEP") is None:
        like.close()


if __name__ == "__main__":
    main()
