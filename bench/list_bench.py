"""List benchmark: first and deep pages of Kiji's lists against Datasette's table JSON.

Run from the repository root:  .venv/bin/python bench/list_bench.py
On the 100,000-article database of serve_bench.py (built if missing), one Kiji worker serves
/v1/articles (newest first, ?keyword=, ?host=), /v1/questions and /v1/citations; wrk loads the
first page and a page 4,000 pages deep of each, then Datasette's JSON of 20 `articles` rows.
Prints a table and PASS/FAIL and writes bench/out/list_bench.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import shutil
import signal
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import builddb
import httpx
import report
import servers
import wrk
from serve_bench import code_version, ensure_datasette
from servers import Server, running

from app.articles import across, reads
from app.articles.reader import ArticleReader
from app.auth.principal import anonymous
from app.core import pagination
from app.core.fastdb import SQLiteFastDB

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
PROJECT_BIN = ROOT / ".venv" / "bin"
PAGE = 20  # items per page: every list's default `limit`

P99_LIMIT_MS = 50.0
# wrk's socket timeout for the Datasette runs: with its default facet suggestions one request
# takes more than wrk's default 2 s, and a run of timeouts alone has no req/s to compare.
DATASETTE_TIMEOUT_S = 60
# One request of the default peer takes over a second and, under 16 connections, waits for
# about 7 s: 10 s would hold hardly any completed request, so that run lasts longer.
DATASETTE_DEFAULTS_S = 30
RETRIES = 2  # re-measure a run disturbed by another process (see report.INTERFERENCE_PCT)
IDLE_WAIT_S = 120  # at most this long before each run for the server and machine to go idle
PEER_RATIO = 3.0
DEEP_RATIO = 0.9
OTHER_BENCHMARKS = ("serve_bench.py", "import_bench.py")

Fetch = Callable[[ArticleReader, str | None], Awaitable[bytes]]
_ANON = anonymous(public_read=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", type=Path, default=OUT / "bench.db", help="SQLite file to (re)use")
    p.add_argument("--count", type=int, default=100_000, help="articles in the database")
    p.add_argument("--rebuild", action="store_true", help="build the database even if it exists")
    p.add_argument("--duration", type=int, default=10, help="seconds per measured wrk run")
    p.add_argument("--warmup", type=int, default=2, help="seconds of wrk warm-up per run (0: none)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--connections", type=int, default=16, help="wrk connections")
    p.add_argument(
        "--deep-pages", type=int, default=4000, help="the deep page follows this many pages"
    )
    p.add_argument(
        "--repeat", type=int, default=15, help="in-process calls per page (median is printed)"
    )
    p.add_argument("--json", type=Path, default=OUT / "list_bench.json", help="results file")
    p.add_argument("--skip-datasette", action="store_true", help="leave out the Datasette runs")
    p.add_argument(
        "--retries",
        type=int,
        default=RETRIES,
        help="times a run disturbed by other processes is measured again",
    )
    p.add_argument(
        "--wait",
        type=int,
        default=1200,
        help="seconds to wait for a running serve_bench/import_bench to finish",
    )
    return p.parse_args(argv)


# --- the lists ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a list: its cursor key (as the app encodes it) and what identifies it in
    the page's JSON (an article id, or slug + positions for questions and citations)."""

    key: list[Any]
    ident: tuple[Any, ...]


@dataclass
class ListSpec:
    key: str  # short name: articles, keyword, host, questions, citations
    label: str
    path: str  # the first page, with the list's filter
    fingerprint: str  # the cursor's query fingerprint
    total: int  # rows in the list
    row_at: Callable[[int], Row]  # the n-th row (1-based), by SQL
    ident: Callable[[dict[str, Any]], tuple[Any, ...]]  # the same identity from a JSON item
    fetch: Fetch  # the app's own page function, uncached, for in-process timings
    deep_page: int = 0
    deep_note: str = ""
    cursor: str = ""
    cursor_key: list[Any] = field(default_factory=list)
    first_row: Row | None = None
    deep_row: Row | None = None
    urls: dict[str, str] = field(default_factory=dict)

    def place(self, deep_pages: int) -> None:
        """The deep page: after ``deep_pages`` pages, or the deepest full page of a short list."""
        wanted = deep_pages + 1
        deepest = self.total // PAGE
        if deepest < 2:
            raise SystemExit(f"{self.label}: {self.total} rows, not two full pages of {PAGE}")
        self.deep_page = min(wanted, deepest)
        after = (self.deep_page - 1) * PAGE
        if self.deep_page < wanted:
            self.deep_note = (
                f"only {self.total:,} rows: the deepest full page, {self.deep_page:,}"
                f" (after row {after:,}), instead of page {wanted:,}"
            )
        else:
            self.deep_note = f"page {self.deep_page:,} (after row {after:,} of {self.total:,})"
        self.first_row = self.row_at(1)
        self.deep_row = self.row_at(after + 1)
        self.cursor_key = self.row_at(after).key
        self.cursor = pagination.encode(self.cursor_key, query=self.fingerprint)
        sep = "&" if "?" in self.path else "?"
        self.urls = {"first": self.path, "deep": f"{self.path}{sep}cursor={self.cursor}"}

    @property
    def after_row(self) -> int:
        return (self.deep_page - 1) * PAGE


def _utc_iso(value: Any) -> str:
    """A stored timestamp as the app writes it into cursors (``as_utc(...).isoformat()``)."""
    at = datetime.fromisoformat(str(value))
    return (at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)).isoformat()


def _one(db: Path, sql: str, params: dict[str, Any]) -> tuple[Any, ...]:
    with builddb.read_only(db) as conn:
        row = conn.execute(sql, params).fetchone()
    if row is None:
        raise SystemExit(f"no row for {sql} {params}")
    return tuple(row)


def _article_row(
    db: Path, table: str, column: str | None, value: int | None
) -> Callable[[int], Row]:
    """Rows of /v1/articles (``table`` articles) or of its keyword/host filters (link table)."""
    key = "id" if table == "articles" else "article_id"
    where = "status = 'published'" + (f" AND {column} = :value" if column else "")
    sql = (
        f"SELECT listed_at, {key} FROM {table} WHERE {where}"
        f" ORDER BY listed_at DESC, {key} DESC LIMIT 1 OFFSET :skip"
    )

    def row_at(n: int) -> Row:
        at, article_id = _one(db, sql, {"value": value, "skip": n - 1})
        return Row([_utc_iso(at), int(article_id)], (int(article_id),))

    return row_at


def _question_row(db: Path) -> Callable[[int], Row]:
    sql = (
        "SELECT s.listed_at, s.article_id, s.position, a.slug FROM sections s"
        " JOIN articles a ON a.id = s.article_id WHERE s.status = 'published'"
        " ORDER BY s.listed_at DESC, s.article_id DESC, s.position LIMIT 1 OFFSET :skip"
    )

    def row_at(n: int) -> Row:
        at, article_id, position, slug = _one(db, sql, {"skip": n - 1})
        return Row([_utc_iso(at), int(article_id), int(position)], (slug, int(position)))

    return row_at


def _citation_row(db: Path) -> Callable[[int], Row]:
    sql = (
        "SELECT c.listed_at, c.article_id, c.section_position, c.position, a.slug"
        " FROM citations c JOIN articles a ON a.id = c.article_id WHERE c.status = 'published'"
        " ORDER BY c.listed_at DESC, c.article_id DESC, c.section_position, c.position"
        " LIMIT 1 OFFSET :skip"
    )

    def row_at(n: int) -> Row:
        at, article_id, section, position, slug = _one(db, sql, {"skip": n - 1})
        key = [_utc_iso(at), int(article_id), int(section), int(position)]
        return Row(key, (slug, int(section), int(position)))

    return row_at


def _count(db: Path, sql: str, params: dict[str, Any] | None = None) -> int:
    return int(_one(db, sql, params or {})[0])


def _most_linked(db: Path, link: str, column: str, names: str) -> tuple[int, str, int]:
    """The keyword (or host) with the most published articles: id, name, article count."""
    sql = (
        f"SELECT l.{column}, n.name, count(*) AS c"
        f" FROM {link} l JOIN {names} n ON n.id = l.{column}"
        f" WHERE l.status = 'published' GROUP BY l.{column} ORDER BY c DESC, l.{column} LIMIT 1"
    )
    ident, name, count = _one(db, sql, {})
    return int(ident), str(name), int(count)


def _summary_page(filters: reads.ListFilters) -> Fetch:
    async def fetch(reader: ArticleReader, cursor: str | None) -> bytes:
        page = await reads.page(
            reader, _ANON, filters=filters, limit=PAGE, cursor=cursor, cache=None
        )
        return page.body

    return fetch


async def _questions(reader: ArticleReader, cursor: str | None) -> bytes:
    page = await across.questions(reader, keyword=None, limit=PAGE, cursor=cursor)
    return page.body


async def _citations(reader: ArticleReader, cursor: str | None) -> bytes:
    page = await across.citations(
        reader, _ANON, host=None, publisher=None, published_after=None, limit=PAGE, cursor=cursor
    )
    return page.body


def _article_ident(item: dict[str, Any]) -> tuple[Any, ...]:
    return (int(item["id"]),)


def _question_ident(item: dict[str, Any]) -> tuple[Any, ...]:
    return (item["article"]["slug"], int(item["position"]))


def _citation_ident(item: dict[str, Any]) -> tuple[Any, ...]:
    return (item["article"]["slug"], int(item["position"]), int(item["citation_position"]))


def list_specs(db: Path, deep_pages: int) -> tuple[list[ListSpec], dict[str, Any]]:
    kw_id, kw, kw_count = _most_linked(db, "article_keywords", "keyword_id", "keywords")
    host_id, host, host_count = _most_linked(db, "article_hosts", "host_id", "hosts")
    published = "WHERE status = 'published'"
    specs = [
        ListSpec(
            "articles",
            "/v1/articles",
            "/v1/articles",
            reads.ListFilters().fingerprint(),
            _count(db, f"SELECT count(*) FROM articles {published}"),
            _article_row(db, "articles", None, None),
            _article_ident,
            _summary_page(reads.ListFilters()),
        ),
        ListSpec(
            "keyword",
            "?keyword=K",
            f"/v1/articles?keyword={quote(kw)}",
            reads.ListFilters(keywords=(kw,)).fingerprint(),
            kw_count,
            _article_row(db, "article_keywords", "keyword_id", kw_id),
            _article_ident,
            _summary_page(reads.ListFilters(keywords=(kw,))),
        ),
        ListSpec(
            "host",
            "?host=H",
            f"/v1/articles?host={quote(host)}",
            reads.ListFilters(host=host).fingerprint(),
            host_count,
            _article_row(db, "article_hosts", "host_id", host_id),
            _article_ident,
            _summary_page(reads.ListFilters(host=host)),
        ),
        ListSpec(
            "questions",
            "/v1/questions",
            "/v1/questions",
            pagination.query_fingerprint(route="questions", keyword=None, q=None),
            _count(db, f"SELECT count(*) FROM sections {published}"),
            _question_row(db),
            _question_ident,
            _questions,
        ),
        ListSpec(
            "citations",
            "/v1/citations",
            "/v1/citations",
            pagination.query_fingerprint(
                route="citations", host=None, publisher=None, published_after=None
            ),
            _count(db, f"SELECT count(*) FROM citations {published}"),
            _citation_row(db),
            _citation_ident,
            _citations,
        ),
    ]
    for s in specs:
        s.place(deep_pages)
    chosen = {
        "keyword": kw,
        "keyword_articles": kw_count,
        "host": host,
        "host_articles": host_count,
    }
    return specs, chosen


# --- checks of one page ---------------------------------------------------------------------


def _verify(spec: ListSpec, which: str, status: int, body: bytes) -> None:
    """200, a full page, and the expected first row; exits on any difference."""
    url = spec.urls[which]
    if status != 200:
        raise SystemExit(f"sanity check failed: GET {url} -> {status}: {body[:300]!r}")
    items = json.loads(body)["items"]
    want = spec.first_row if which == "first" else spec.deep_row
    assert want is not None
    if len(items) != PAGE:
        raise SystemExit(f"sanity check failed: GET {url} -> {len(items)} items, not {PAGE}")
    got = spec.ident(items[0])
    if got != want.ident:
        raise SystemExit(f"sanity check failed: GET {url} starts at {got}, not {want.ident}")


def _fmt_ident(ident: tuple[Any, ...]) -> str:
    return "id " + str(ident[0]) if len(ident) == 1 else " ".join(str(v) for v in ident)


# --- in-process timings (no cache, no HTTP) --------------------------------------------------


def time_in_process(db: Path, specs: list[ListSpec], repeat: int) -> dict[str, Any]:
    """Median ms of the app's own page function per page (no response or page cache), and
    the body it made (compared later with what the server sends)."""

    async def run() -> dict[str, Any]:
        fast = SQLiteFastDB(str(db))
        reader = ArticleReader(fast, sqlite=True)
        out: dict[str, Any] = {}
        try:
            for s in specs:
                for which in ("first", "deep"):
                    cursor = s.cursor if which == "deep" else None
                    started = time.perf_counter()
                    body = await s.fetch(reader, cursor)
                    cold = (time.perf_counter() - started) * 1000
                    times = []
                    for _ in range(repeat):
                        started = time.perf_counter()
                        await s.fetch(reader, cursor)
                        times.append((time.perf_counter() - started) * 1000)
                    _verify(s, which, 200, body)
                    out[f"{s.key}-{which}"] = {
                        "first_call_ms": cold,
                        "median_ms": statistics.median(times),
                        "max_ms": max(times),
                        "body": body,
                    }
        finally:
            fast.close()
        return out

    return asyncio.run(run())


# --- the servers ----------------------------------------------------------------------------


def _others() -> list[str]:
    """Command lines of other benchmark scripts now running."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        # `python bench/serve_bench.py ...`: the script is the interpreter's first argument.
        if any(a.decode(errors="replace").endswith(OTHER_BENCHMARKS) for a in argv[1:2]):
            found.append(" ".join(a.decode(errors="replace") for a in argv if a))
    return found


def wait_for_others(seconds: int) -> bool:
    deadline = time.monotonic() + seconds
    while others := _others():
        if time.monotonic() >= deadline:
            print(f"another benchmark is still running: {others[0]}", file=sys.stderr)
            return False
        print(f"waiting for another benchmark to finish: {others[0]}", flush=True)
        time.sleep(20)
    return True


def _busy_pct(pid: int | None, window: float) -> tuple[float, float]:
    """% of one core the machine was busy during ``window`` seconds, and ``pid``'s share."""
    busy0 = servers.machine_busy_seconds()
    own0 = servers.cpu_seconds(pid) if pid else 0.0
    time.sleep(window)
    busy = servers.machine_busy_seconds() - busy0
    own = (servers.cpu_seconds(pid) if pid else 0.0) - own0
    return busy / window * 100, own / window * 100


def wait_until_idle(pid: int, seconds: int) -> float:
    """Wait until the server has finished what an earlier run left queued (a slow server keeps
    answering requests wrk gave up on) and nothing else keeps the machine busy; returns the
    seconds waited (at most ``seconds``)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        machine, own = _busy_pct(pid, 1.0)
        if own < 5 and machine < report.INTERFERENCE_PCT:
            break
    return time.monotonic() - started


class Runner:
    """wrk runs against one server at a time, each after a warm-up; records report.Run rows.

    Before each run it waits while another benchmark script runs, and a run during which
    other processes took more than report.INTERFERENCE_PCT of a core is measured again (up
    to ``--retries`` times; the last one is kept and flagged in the table's `other %`)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.runs: list[report.Run] = []
        self.remeasured: dict[str, list[float]] = {}

    def measure(
        self,
        srv: Server,
        key: str,
        name: str,
        path: str,
        *,
        kiji: bool,
        timeout: int | None = None,
        seconds: int | None = None,
    ) -> report.Run:
        a = self.args
        load = wrk.Load(srv.base + path, a.threads, a.connections, timeout_s=timeout)
        pid = servers.serving_pid(srv.pid, srv.port)
        for attempt in range(a.retries + 1):
            wait_for_others(a.wait)
            if a.warmup > 0:
                wrk.run(load, a.warmup)
            waited = wait_until_idle(pid, IDLE_WAIT_S)
            if waited > 2:
                print(f"    waited {waited:.0f} s for the server and the machine to be idle")
            run = self._once(srv, key, name, path, load, kiji, seconds or a.duration)
            print(
                f"  {name:<52} {run.result.requests_per_s:>9.0f} req/s"
                f"  p99 {run.result.p99_ms:.2f} ms  (other processes"
                f" {run.other_cpu_pct:.0f}% of a core)"
            )
            if run.other_cpu_pct <= report.INTERFERENCE_PCT or attempt == a.retries:
                break
            self.remeasured.setdefault(key, []).append(run.other_cpu_pct)
            print("    disturbed by another process: measuring it again")
        self.runs.append(run)
        return run

    def _once(
        self,
        srv: Server,
        key: str,
        name: str,
        path: str,
        load: wrk.Load,
        kiji: bool,
        seconds: int,
    ) -> report.Run:
        pid = servers.serving_pid(srv.pid, srv.port)
        cpu0, busy0, wrk0 = _cpu_clocks(pid)
        started = time.perf_counter()
        result, raw = wrk.run(load, seconds)
        wall = time.perf_counter() - started
        cpu1, busy1, wrk1 = _cpu_clocks(pid)
        cpu = cpu1 - cpu0
        # What neither the server nor wrk used: other processes competing for the 2 cores.
        other = (busy1 - busy0) - cpu - (wrk1 - wrk0)
        (OUT / "wrk").mkdir(parents=True, exist_ok=True)
        (OUT / "wrk" / f"list-{key}.txt").write_text(raw)
        per_req = cpu / result.requests * 1e6 if result.requests else None
        return report.Run(key, name, path, result, per_req, kiji, max(other, 0.0) / wall * 100)


def _cpu_clocks(pid: int) -> tuple[float, float, float]:
    """CPU seconds of the server, of the whole machine, and of finished children (wrk)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        servers.cpu_seconds(pid),
        servers.machine_busy_seconds(),
        children.ru_utime + children.ru_stime,
    )


def bench_kiji(
    b: Runner, db: Path, specs: list[ListSpec], in_process: dict[str, Any]
) -> dict[str, Any]:
    port = servers.free_port()
    argv = [str(PROJECT_BIN / "kiji"), "serve", "--port", str(port), "--workers", "1"]
    env = {
        "KIJI_DATABASE_URL": f"sqlite:///{db}",
        "KIJI_LOAD_SAMPLES": "false",
        "KIJI_BASE_URL": servers.BASE_URL,
        # wrk is one client address: the limiter runs (its cost is in the numbers), never refuses.
        "KIJI_RATE_LIMIT_ANONYMOUS": "1000000000/minute",
    }
    srv = Server("Kiji", argv, port, OUT / "logs" / "kiji-list.log", ready_path="/healthz", env=env)
    first_ms: dict[str, float] = {}
    second_ms: dict[str, float] = {}
    same_body: dict[str, bool] = {}
    started = time.perf_counter()
    with running(srv):
        ready_s = time.perf_counter() - started
        pid = servers.serving_pid(srv.pid, port)
        print(f"Kiji on :{port}, one worker, ready in {ready_s:.1f} s ({servers.event_stack(pid)})")
        with httpx.Client(base_url=srv.base, timeout=30) as client:
            client.get("/healthz").raise_for_status()  # opens the connection
            for s in specs:
                for which in ("first", "deep"):
                    key = f"{s.key}-{which}"
                    url = s.urls[which]
                    t0 = time.perf_counter()
                    r = client.get(url)
                    first_ms[key] = (time.perf_counter() - t0) * 1000
                    _verify(s, which, r.status_code, r.content)
                    t0 = time.perf_counter()
                    again = client.get(url)
                    second_ms[key] = (time.perf_counter() - t0) * 1000
                    same_body[key] = r.content == in_process[key]["body"] == again.content
        print(
            "  every URL verified with httpx: 200, 20 items, the expected first row"
            + ("" if all(same_body.values()) else " (some bodies differ: see below)")
        )
        for s in specs:
            name = f"{s.label} first page"
            b.measure(srv, f"{s.key}-first", f"Kiji {name}", s.urls["first"], kiji=True)
            name = f"{s.label} page {s.deep_page:,}"
            b.measure(srv, f"{s.key}-deep", f"Kiji {name}", s.urls["deep"], kiji=True)
        rss = servers.rss_mib(pid)
        print(f"  Kiji serving pid {pid}: RSS {rss:.1f} MiB after the runs")
    return {
        "ready_seconds": ready_s,
        "rss_mib": rss,
        "first_request_ms": first_ms,
        "second_request_ms": second_ms,
        "body_equals_in_process": same_body,
    }


DATASETTE_PATH = "/{db}/articles.json?_size=20&_nocount=1"


def bench_datasette(b: Runner, db: Path, *, suggest_facets: bool) -> dict[str, Any]:
    python = ensure_datasette()
    port = servers.free_port()
    argv = [str(python), str(BENCH / "datasette_launch.py"), str(db), "--host", servers.HOST]
    argv += ["--port", str(port)]
    if not suggest_facets:
        argv += ["--setting", "suggest_facets", "off"]
    tag = "defaults" if suggest_facets else "suggest_facets off"
    key = "datasette" if suggest_facets else "datasette-nosuggest"
    log = OUT / "logs" / f"{key}-list.log"
    srv = Server("Datasette", argv, port, log, "/-/versions.json")
    path = DATASETTE_PATH.format(db=db.stem)
    with running(srv), httpx.Client(base_url=srv.base, timeout=60) as client:
        versions = client.get("/-/versions.json").json()
        version = versions.get("datasette", {}).get("version", "?")
        print(f"Datasette {version} on :{port}, settings: {tag} ({servers.event_stack(srv.pid)})")
        t0 = time.perf_counter()
        r = client.get(path)
        first = (time.perf_counter() - t0) * 1000
        data = r.json()
        rows = data.get("rows", [])
        if r.status_code != 200 or len(rows) != PAGE:
            raise SystemExit(
                f"sanity check failed: GET {path} -> {r.status_code}, {len(rows)} rows"
            )
        # `_nocount=1` is honoured when the page reports no row count.
        counted = data.get("filtered_table_rows_count")
        suggested = [f.get("name") for f in data.get("suggested_facets", [])]
        print(
            f"  GET {path}: 200, {len(rows)} rows, {len(r.content):,} B;"
            f" filtered_table_rows_count={counted}; suggested_facets={suggested}"
        )
        name = f"Datasette {tag}: articles.json 20 rows"
        seconds = max(b.args.duration, DATASETTE_DEFAULTS_S) if suggest_facets else None
        b.measure(srv, key, name, path, kiji=False, timeout=DATASETTE_TIMEOUT_S, seconds=seconds)
    return {
        "version": version,
        "settings": tag,
        "path": path,
        "bytes": len(r.content),
        "first_request_ms": first,
        "filtered_table_rows_count": counted,
        "suggested_facets": suggested,
    }


# --- targets --------------------------------------------------------------------------------


def checks(runs: list[report.Run], specs: list[ListSpec], peer: str | None) -> list[report.Check]:
    by = {r.key: r.result for r in runs}
    out: list[report.Check] = []
    if peer in by:
        assert peer is not None
        peer_rps = by[peer].requests_per_s
        for r in runs:
            if r.kiji:
                value = r.result.requests_per_s / peer_rps if peer_rps else math.inf
                target = f">= {PEER_RATIO:g}x"
                out.append(report.Check(f"{r.key} / Datasette", value, target, value >= PEER_RATIO))
    for s in specs:
        deep, first = by[f"{s.key}-deep"], by[f"{s.key}-first"]
        value = deep.requests_per_s / first.requests_per_s
        target = f">= {DEEP_RATIO:g}x"
        out.append(report.Check(f"{s.key} deep / first page", value, target, value >= DEEP_RATIO))
    for r in runs:
        if r.kiji:
            w = r.result
            ok = w.errors == 0 and w.p99_ms < P99_LIMIT_MS
            out.append(
                report.Check(f"{r.key} p99 ms ({w.errors} errors)", w.p99_ms, "< 50, 0 err", ok)
            )
    return out


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if shutil.which("wrk") is None:
        print(wrk.INSTALL_HINT, file=sys.stderr)
        return 2
    if not wait_for_others(args.wait):
        return 3
    db = args.db.resolve()
    info = builddb.ensure(db, count=args.count, rebuild=args.rebuild)
    verb = "built" if info.built else "reusing"
    print(f"{verb} {db} ({info.count:,} articles)")
    specs, chosen = list_specs(db, args.deep_pages)
    print(
        f"K (most common keyword) = {chosen['keyword']} ({chosen['keyword_articles']:,} articles);"
        f" H (most cited host) = {chosen['host']} ({chosen['host_articles']:,} articles)"
    )
    for s in specs:
        assert s.first_row is not None
        assert s.deep_row is not None
        print(
            f"  {s.label:<14} {s.total:>7,} rows; deep: {s.deep_note};"
            f" first rows {_fmt_ident(s.first_row.ident)} / {_fmt_ident(s.deep_row.ident)}"
        )
    seconds = builddb.warm_cache(db)
    print(
        f"read {db.name} ({db.stat().st_size / 1e9:.2f} GB) into the OS page cache"
        f" in {seconds:.1f} s"
    )

    in_process = time_in_process(db, specs, args.repeat)
    print(
        f"\nIn-process, no cache, no HTTP: the app's own page functions (reads.page, across.*)"
        f" on SQLiteFastDB; median of {args.repeat} calls after a first call"
    )
    for s in specs:
        for which in ("first", "deep"):
            t = in_process[f"{s.key}-{which}"]
            page = "page 1" if which == "first" else f"page {s.deep_page:,}"
            print(
                f"  {s.label:<14} {page:<12} first call {t['first_call_ms']:7.2f} ms"
                f"   median {t['median_ms']:7.2f} ms   max {t['max_ms']:7.2f} ms"
            )

    b = Runner(args)
    version = code_version()
    load1, load5, _ = os.getloadavg()
    print(
        f"\nKiji at {version}; load average before the runs {load1:.2f} (1 min),"
        f" {load5:.2f} (5 min)"
    )
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency"
        f" (+{args.warmup} s warm-up each), {os.cpu_count()} cores shared with wrk;"
        f" Datasette runs add --timeout {DATASETTE_TIMEOUT_S}s, and the one with its default"
        f" settings lasts {max(args.duration, DATASETTE_DEFAULTS_S)} s"
    )
    kiji = bench_kiji(b, db, specs, in_process)
    peers: list[dict[str, Any]] = []
    if not args.skip_datasette:
        peers.append(bench_datasette(b, db, suggest_facets=True))
        peers.append(bench_datasette(b, db, suggest_facets=False))

    first_cells = {k: f"{v:.1f}" for k, v in kiji["first_request_ms"].items()}
    first_cells |= {
        ("datasette" if i == 0 else "datasette-nosuggest"): f"{p['first_request_ms']:.1f}"
        for i, p in enumerate(peers)
    }
    proc_cells = {k: f"{v['median_ms']:.2f}" for k, v in in_process.items()}
    print("\n" + report.table(b.runs, {"first request ms": first_cells, "in-proc ms": proc_cells}))
    print(
        "  first request ms: the first GET of that URL after the server started (httpx, one"
        " sample: Kiji's response cache misses);\n  in-proc ms: median of the app's page"
        " function called in this process without any cache."
    )
    peer = None if args.skip_datasette else "datasette"
    found = checks(b.runs, specs, peer)
    print("\nTargets (the peer is Datasette with its default settings):")
    print("\n".join(c.line() for c in found))
    if len(peers) == 2:
        by = {r.key: r.result.requests_per_s for r in b.runs}
        worst = min(by[f"{s.key}-{w}"] for s in specs for w in ("first", "deep"))
        ratio = worst / by["datasette-nosuggest"] if by["datasette-nosuggest"] else math.inf
        print(
            f"  (not a target) slowest Kiji page / Datasette with suggest_facets off: {ratio:.2f}x"
        )
    for warning in report.interference(b.runs):
        print(warning)
    differ = [k for k, same in kiji["body_equals_in_process"].items() if not same]
    if differ:
        print(f"WARNING: served bodies differ from the in-process page for {', '.join(differ)}")
    print(f"Kiji server RSS after the runs: {kiji['rss_mib']:.1f} MiB")

    record = {
        **report.environment(version, load1, load5, args),
        "database": {"path": str(db), "articles": info.count, **chosen},
        "lists": [
            {
                "key": s.key,
                "rows": s.total,
                "deep_page": s.deep_page,
                "deep_after_row": s.after_row,
                "deep_note": s.deep_note,
                "first_url": s.urls["first"],
                "deep_url": s.urls["deep"],
                "cursor_key": s.cursor_key,
            }
            for s in specs
        ],
        "in_process_ms": {
            k: {n: v for n, v in t.items() if n != "body"} for k, t in in_process.items()
        },
        "kiji": kiji,
        "datasette": peers,
        "runs": [r.as_dict() for r in b.runs],
        "checks": [
            c.as_dict() | ({} if math.isfinite(c.value) else {"value": None}) for c in found
        ],
        "remeasured_other_cpu_pct": b.remeasured,
        "all_pass": all(c.passed for c in found),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
