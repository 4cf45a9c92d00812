"""Serving benchmark: Kiji against a raw ASGI ceiling and Datasette on 100,000 articles.

Run from the repository root:  .venv/bin/python bench/serve_bench.py
Prints a table and PASS/FAIL ratios and writes bench/out/serve_bench.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import builddb
import report
import servers
import wrk
from servers import Server, running

from app.articles.reads import PAGE_QUERY
from app.core import pagination

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
PROJECT_BIN = ROOT / ".venv" / "bin"
DATASETTE_VENV = OUT / ".venv-datasette"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", type=Path, default=OUT / "bench.db", help="SQLite file to (re)use")
    p.add_argument("--count", type=int, default=100_000, help="articles in the database")
    p.add_argument("--rebuild", action="store_true", help="build the database even if it exists")
    p.add_argument("--duration", type=int, default=10, help="seconds per measured wrk run")
    p.add_argument("--warmup", type=int, default=2, help="seconds of wrk warm-up per run (0: none)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--connections", type=int, default=64, help="wrk connections")
    p.add_argument("--json", type=Path, default=OUT / "serve_bench.json", help="results file")
    p.add_argument(
        "--deep-row", type=int, default=80_000, help="the deep page starts after this row"
    )
    p.add_argument("--skip-datasette", action="store_true", help="leave out run (e)")
    return p.parse_args(argv)


def ensure_datasette() -> Path:
    """The Python of a venv of Datasette's own (with uvloop + httptools), made if missing."""
    python = DATASETTE_VENV / "bin" / "python"
    probe = [str(python), "-c", "import datasette, uvloop, httptools"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    print(f"installing datasette into {DATASETTE_VENV} (a venv of its own)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", "datasette", "uvicorn[standard]"]
    subprocess.run(pip, check=True, timeout=600)
    return python


def code_version() -> str:
    """The commit being measured, with "+dirty" when app/ has uncommitted changes."""
    git = ["git", "-C", str(ROOT)]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "app", "migrations"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.runs: list[report.Run] = []

    def load(self, path: str, **kw: Any) -> wrk.Load:
        return wrk.Load(path, threads=self.args.threads, connections=self.args.connections, **kw)

    def measure(self, srv: Server, key: str, name: str, load: wrk.Load, *, kiji: bool) -> None:
        url = srv.base + load.url
        full = wrk.Load(url, load.threads, load.connections, load.script, load.headers)
        if self.args.warmup > 0:
            wrk.run(full, self.args.warmup)
        pid = servers.serving_pid(srv.pid, srv.port)
        cpu_before, busy_before, wrk_before = _cpu_clocks(pid)
        started = time.perf_counter()
        result, raw = wrk.run(full, self.args.duration)
        wall = time.perf_counter() - started
        cpu_after, busy_after, wrk_after = _cpu_clocks(pid)
        cpu = cpu_after - cpu_before
        # What neither the server nor wrk used: other processes competing for the 2 cores.
        other = (busy_after - busy_before) - cpu - (wrk_after - wrk_before)
        (OUT / "wrk").mkdir(parents=True, exist_ok=True)
        (OUT / "wrk" / f"{key}.txt").write_text(raw)
        per_req = cpu / result.requests * 1e6 if result.requests else None
        other_pct = max(other, 0.0) / wall * 100
        run = report.Run(key, name, load.url, result, per_req, kiji, other_pct)
        self.runs.append(run)
        print(
            f"  {name:<52} {result.requests_per_s:>9.0f} req/s  p99 {result.p99_ms:.2f} ms"
            f"  (other processes {other_pct:.0f}% of a core)"
        )


def _cpu_clocks(pid: int) -> tuple[float, float, float]:
    """CPU seconds of the server, of the whole machine, and of finished children (wrk)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        servers.cpu_seconds(pid),
        servers.machine_busy_seconds(),
        children.ru_utime + children.ru_stime,
    )


def warm(db: Path) -> None:
    seconds = builddb.warm_cache(db)
    size = db.stat().st_size / 1e9
    print(f"  read {db.name} ({size:.2f} GB) into the OS page cache in {seconds:.1f} s")


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise SystemExit(f"sanity check failed: {what}")


def _items(body: bytes) -> int:
    return len(json.loads(body)["items"])


def _first_id(body: bytes) -> int:
    return int(json.loads(body)["items"][0]["id"])


def bench_raw(b: Bench, db: Path, sample: builddb.Sample) -> None:
    port = servers.free_port()
    argv = [str(PROJECT_BIN / "python"), "-m", "uvicorn", "raw_asgi:create_app", "--factory"]
    argv += ["--app-dir", str(BENCH), "--host", servers.HOST, "--port", str(port)]
    argv += ["--workers", "1", "--no-access-log", "--loop", "uvloop", "--http", "httptools"]
    argv += ["--lifespan", "off", "--log-level", "warning"]
    env = {"BENCH_DB": str(db), "BENCH_SLUG": sample.slug}
    srv = Server("raw ASGI", argv, port, OUT / "logs" / "raw.log", env=env)
    with running(srv):
        print(f"(a) raw ASGI on :{port} ({servers.event_stack(srv.pid)})")
        b.measure(srv, "a", "(a) raw ASGI, one article's bytes", b.load("/"), kiji=False)


def bench_kiji(b: Bench, db: Path, sample: builddb.Sample, lua: Path) -> dict[str, Any]:
    port = servers.free_port()
    argv = [str(PROJECT_BIN / "kiji"), "serve", "--port", str(port), "--workers", "1"]
    env = {
        "KIJI_DATABASE_URL": f"sqlite:///{db}",
        "KIJI_LOAD_SAMPLES": "false",
        "KIJI_BASE_URL": servers.BASE_URL,
        # wrk is one client address: the limiter runs (its cost is in the numbers), never refuses.
        "KIJI_RATE_LIMIT_ANONYMOUS": "1000000000/minute",
    }
    srv = Server("Kiji", argv, port, OUT / "logs" / "kiji.log", ready_path="/healthz", env=env)
    started = time.perf_counter()
    with running(srv):
        ready_s = time.perf_counter() - started
        pid = servers.serving_pid(srv.pid, port)
        print(f"(b-d) Kiji on :{port}, ready in {ready_s:.1f} s ({servers.event_stack(pid)})")
        one = f"/v1/articles/{sample.slug}"
        status, headers, body = servers.get(srv.base + one)
        _check(status == 200 and len(body) == sample.size, f"GET {one} -> {status}")
        etag = headers["etag"]
        status, _, _ = servers.get(srv.base + one, {"If-None-Match": etag})
        _check(status == 304, f"If-None-Match -> {status}")
        deep_row = b.args.deep_row
        at, last_id = builddb.sort_key_at(db, deep_row)
        cursor = pagination.encode([at.isoformat(), last_id], query=PAGE_QUERY)
        deep = f"/v1/articles?cursor={cursor}"
        status, _, body = servers.get(srv.base + deep)
        _check(status == 200 and _items(body) == 20, f"deep page -> {status}")
        _, next_id = builddb.sort_key_at(db, deep_row + 1)
        _check(
            _first_id(body) == next_id, f"deep page starts at id {_first_id(body)}, not {next_id}"
        )
        print(f"  deep cursor after row {deep_row:,}: published_at {at.isoformat()}, id {last_id}")
        status, _, body = servers.get(srv.base + "/v1/articles")
        _check(status == 200 and _items(body) == 20, f"first page -> {status}")
        list_bytes = len(body)

        b.measure(srv, "b", f"(b) Kiji GET {one}", b.load(one), kiji=True)
        inm = b.load(one, headers=(f"If-None-Match: {etag}",))
        b.measure(srv, "b-304", "(b-304) same, If-None-Match -> 304", inm, kiji=True)
        rnd = b.load("/v1/articles/", script=lua)
        warm(db)
        b.measure(srv, "c", f"(c) Kiji GET random slug of {b.args.count:,}", rnd, kiji=True)
        first = b.load("/v1/articles")
        b.measure(srv, "d-first", "(d-first) Kiji GET /v1/articles (page 1)", first, kiji=True)
        b.measure(
            srv,
            "d-deep",
            f"(d-deep) Kiji page {deep_row // 20 + 1} (cursor after row {deep_row:,})",
            b.load(deep),
            kiji=True,
        )
        rss = servers.rss_mib(pid)
        print(f"  Kiji serving pid {pid}: RSS {rss:.1f} MiB after the runs")
    return {
        "ready_seconds": ready_s,
        "rss_mib": rss,
        "pid": pid,
        "list_page_bytes": list_bytes,
        "deep_cursor_path": deep,
        "etag": etag,
    }


def bench_datasette(b: Bench, db: Path, lo: int, hi: int) -> str:
    python = ensure_datasette()
    port = servers.free_port()
    argv = [str(python), str(BENCH / "datasette_launch.py"), str(db), "--host", servers.HOST]
    argv += ["--port", str(port), "--setting", "suggest_facets", "off"]
    srv = Server("Datasette", argv, port, OUT / "logs" / "datasette.log", "/-/versions.json")
    table = f"/{db.stem}/article_renders"
    lua = wrk.random_path_script(
        OUT / "datasette_random.lua", fmt=table + "/%d.json", low=lo, high=hi
    )
    with running(srv):
        print(f"(e) Datasette on :{port} ({servers.event_stack(srv.pid)})")
        warm(db)
        status, _, body = servers.get(f"{srv.base}{table}/{lo}.json")
        _check(status == 200 and len(json.loads(body)["rows"]) == 1, f"row JSON -> {status}")
        name = "(e) Datasette row JSON, random article_renders row"
        b.measure(srv, "e", name, b.load(table + "/", script=lua), kiji=False)
    return f"{table}/<article_id>.json"


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    # SystemExit unwinds through the `finally` blocks that stop the servers.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if shutil.which("wrk") is None:
        print(wrk.INSTALL_HINT, file=sys.stderr)
        return 2
    db = args.db.resolve()
    if not 0 < args.deep_row <= args.count - 20:
        print("--deep-row must leave a full page of 20 after it", file=sys.stderr)
        return 2
    info = builddb.ensure(db, count=args.count, rebuild=args.rebuild)
    if info.built:
        print(f"built {info.count:,} articles in {info.seconds:.1f} s ({info.rate:.0f} articles/s)")
    else:
        print(
            f"reusing {db} ({info.count:,} articles, built in {info.seconds:.1f} s,"
            f" {info.rate:.0f} articles/s; --rebuild to make it again)"
        )
    sizes = builddb.sizes(db)
    sample = builddb.typical(db, sizes.avg)
    lo, hi = builddb.id_range(db)
    print(
        f"served document: avg {sizes.avg:,.0f} B (min {sizes.min:,}, max {sizes.max:,});"
        f" summary avg {sizes.summary_avg:,.0f} B; single-article runs use {sample.slug}"
        f" ({sample.size:,} B)"
    )
    lua = wrk.random_path_script(
        OUT / "kiji_random.lua", fmt="/v1/articles/bench-%06d", low=1, high=args.count
    )
    b = Bench(args)
    version = code_version()
    load1, load5, _ = os.getloadavg()
    print(
        f"Kiji at {version}; load average before the runs {load1:.2f} (1 min), {load5:.2f} (5 min)"
    )
    print(
        f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration:g}s --latency"
        f" (+{args.warmup:g} s warm-up each), {os.cpu_count()} cores shared with wrk"
    )
    bench_raw(b, db, sample)
    kiji = bench_kiji(b, db, sample, lua)
    datasette_path = None if args.skip_datasette else bench_datasette(b, db, lo, hi)

    checks = report.checks(b.runs, kiji["rss_mib"])
    print("\n" + report.table(b.runs))
    print("\nTargets:")
    print("\n".join(c.line() for c in checks))
    for warning in report.interference(b.runs):
        print(warning)
    record = {
        **report.environment(version, load1, load5, args),
        "database": {
            "path": str(db),
            "articles": info.count,
            "built": info.built,
            "build_seconds": info.seconds,
            "articles_per_s": info.rate,
            "document_avg_bytes": sizes.avg,
            "document_min_bytes": sizes.min,
            "document_max_bytes": sizes.max,
            "summary_avg_bytes": sizes.summary_avg,
            "sample_slug": sample.slug,
            "sample_bytes": sample.size,
        },
        "kiji": kiji,
        "datasette_path": datasette_path,
        "runs": [r.as_dict() for r in b.runs],
        "checks": [c.as_dict() for c in checks],
        "all_pass": all(c.passed for c in checks),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
