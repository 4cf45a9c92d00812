"""Import benchmark: `kiji import` of N template articles into an empty database.

Prints numbers; it is not a test. For each size N it writes N article texts in the
editorial template (`template_corpus.py`, exported with `app.textformat.export`) under
`bench/out/import-N/`, in subfolders of 1,000, checks on a sample that they import back
to the same documents, then times the real CLI (`kiji import --no-atomic FOLDER`) on
SQLite and PostgreSQL, each into a freshly migrated empty database, measuring the peak
RSS of the import (the kiji process and the worker processes it starts). At 10,000 it
also times the default atomic import (one transaction) and the import with no worker
process on SQLite. Finally it splits the per-article cost of 2,000 of the files
in-process: read+parse, validate, romanise and store.

Run from the repository root: `.venv/bin/python bench/import_bench.py` (see bench/README.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import template_corpus
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.articles import slugs
from app.articles.schemas import ArticleIn
from app.core.db import make_engine, make_sessionmaker, unit_of_work
from app.importcli import CHUNK
from app.search import service as search_service
from app.textformat import export, parse
from app.textformat import service as import_service

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
LOGS = OUT / "import-logs"
KIJI = ROOT / ".venv" / "bin" / "kiji"
TIME = Path("/usr/bin/time")
SHARD = 1_000
SEED = 20250601
DEFAULT_SIZES = (10_000, 100_000)
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/kiji_import_bench"

TARGET_RATE = {"sqlite": 1_000.0, "postgresql": 500.0}  # articles/s
TARGET_RSS_MB = 300.0  # at the largest size, 100,000
RSS_TARGET_AT = 100_000


# --- the corpus on disk --------------------------------------------------------------------


def fingerprint() -> str:
    """What the files depend on: the generator, its pools and the exporter."""
    h = hashlib.sha256()
    for source in (
        BENCH / "template_corpus.py",
        ROOT / "app" / "textformat" / "exporter.py",
        ROOT / "app" / "textformat" / "markers.py",
        ROOT / "app" / "textformat" / "title.py",
    ):
        h.update(source.name.encode() + b"\0" + source.read_bytes())
    h.update(str(SEED).encode())
    return h.hexdigest()[:16]


def folder_for(n: int) -> Path:
    return OUT / f"import-{n}"


def manifest_for(n: int) -> Path:
    # Beside the folder, not in it: `kiji import` would read a .json file there as input.
    return OUT / f"import-{n}.manifest.json"


def file_for(folder: Path, i: int) -> Path:
    """Article i (0-based) of a set: `import-N/000/000001.txt`, 1,000 per subfolder."""
    return folder / f"{i // SHARD:03d}" / f"{i + 1:06d}.txt"


def sample_indices(n: int, count: int) -> list[int]:
    count = min(count, n)
    return sorted({(k * n) // count for k in range(count)} | {n - 1})


@dataclass
class CorpusInfo:
    count: int
    folder: str
    fingerprint: str
    generated: bool
    seconds: float
    bytes_total: int
    bytes_min: int
    bytes_max: int
    verified_documents: int
    verified_texts: int

    @property
    def mean_kb(self) -> float:
        return self.bytes_total / self.count / 1000


def _verify_document(doc: Any, text_: str, where: str) -> None:
    parsed = parse(text_)
    if parsed.errors:
        raise SystemExit(f"{where}: the generated text does not import: {parsed.errors[:3]}")
    if parsed.document is None or parsed.document != doc:
        diff = [k for k in doc if doc[k] != (parsed.document or {}).get(k)]
        raise SystemExit(f"{where}: imports as another document (fields {diff})")
    if export(parsed.document) != text_:
        raise SystemExit(f"{where}: export(parse(text)) is not the text")


def _verify_text(path: Path) -> None:
    text_ = path.read_text(encoding="utf-8")
    parsed = parse(text_)
    if parsed.document is None:
        raise SystemExit(f"{path}: the text does not import: {parsed.errors[:3]}")
    if export(parsed.document) != text_:
        raise SystemExit(f"{path}: export(parse(text)) is not the text")


def ensure_corpus(n: int, *, keep: bool, verify: int) -> CorpusInfo:
    """Write the N files (or reuse them with --keep when generated the same way)."""
    folder, manifest = folder_for(n), manifest_for(n)
    print_ = _printer()
    if keep and manifest.exists() and folder.is_dir():
        meta = json.loads(manifest.read_text())
        if meta.get("fingerprint") == fingerprint() and meta.get("count") == n:
            started = time.perf_counter()
            picks = sample_indices(n, verify)
            for i in picks:
                _verify_text(file_for(folder, i))
            meta.update(generated=False, verified_documents=0, verified_texts=len(picks))
            meta["seconds"] = round(time.perf_counter() - started, 2)
            print_(f"reusing {folder} ({n:,} files; {len(picks)} re-checked: round-trip)")
            return CorpusInfo(**meta)
        print_(f"{folder}: made by another generator or size; generating again")
    partial = folder.with_name(folder.name + ".partial")
    for stale in (partial, folder):
        if stale.exists():
            shutil.rmtree(stale)
    manifest.unlink(missing_ok=True)
    checked = set(sample_indices(n, verify))
    started = time.perf_counter()
    sizes: list[int] = []
    for i, doc in enumerate(islice(template_corpus.documents(SEED), n)):
        body = export(doc)
        path = file_for(partial, i)
        if i % SHARD == 0:
            path.parent.mkdir(parents=True)
        data = body.encode()
        path.write_bytes(data)
        sizes.append(len(data))
        if i in checked:
            _verify_document(doc, body, f"article {i + 1}")
        if (i + 1) % 10_000 == 0:
            print_(f"  generated {i + 1:,} / {n:,}")
    partial.rename(folder)
    info = CorpusInfo(
        count=n,
        folder=str(folder),
        fingerprint=fingerprint(),
        generated=True,
        seconds=round(time.perf_counter() - started, 2),
        bytes_total=sum(sizes),
        bytes_min=min(sizes),
        bytes_max=max(sizes),
        verified_documents=len(checked),
        verified_texts=len(checked),
    )
    manifest.write_text(json.dumps(asdict(info), indent=2))
    print_(
        f"generated {folder} in {info.seconds:.1f} s: {n:,} files, mean {info.mean_kb:.2f} KB "
        f"(min {info.bytes_min:,} B, max {info.bytes_max:,} B); {len(checked)} checked: "
        "parse(text).document == doc and export(parse(text)) == text"
    )
    return info


def warm_page_cache(folder: Path) -> float:
    """Read every file once so that the timed import does not measure the disk."""
    started = time.perf_counter()
    for path in folder.rglob("*.txt"):
        path.read_bytes()
    return time.perf_counter() - started


# --- databases -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    backend: str  # "sqlite" or "postgresql"
    url: str


def sqlite_target(n: int) -> Target:
    return Target("sqlite", f"sqlite:///{OUT / f'import-{n}.db'}")


def reset_database(target: Target) -> None:
    """An empty database: the SQLite file (and its -wal/-shm) deleted, or the PostgreSQL
    database dropped and created again."""
    url = make_url(target.url)
    if target.backend == "sqlite":
        assert url.database
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(url.database + suffix).unlink(missing_ok=True)
        return
    name = url.database
    if not name or not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"not a plain PostgreSQL database name: {name!r}")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {name}"))
    finally:
        admin.dispose()


def kiji_env(target: Target) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIJI_")}
    env["KIJI_DATABASE_URL"] = target.url
    return env


def upgrade(target: Target, log: Path) -> None:
    with log.open("wb") as out:
        rc = subprocess.run(
            [str(KIJI), "db", "upgrade"],
            cwd=ROOT,
            env=kiji_env(target),
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        ).returncode
    if rc != 0:
        raise SystemExit(f"kiji db upgrade failed ({rc}); see {log}")


def count_articles(target: Target) -> int:
    engine = create_engine(target.url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM articles")).scalar_one())
    finally:
        engine.dispose()


def server_version(target: Target) -> str:
    engine = create_engine(target.url)
    try:
        with engine.connect() as conn:
            query = (
                "SELECT sqlite_version()" if target.backend == "sqlite" else "SHOW server_version"
            )
            return str(conn.execute(text(query)).scalar_one())
    finally:
        engine.dispose()


def postgres_reachable(url: str) -> str | None:
    """None when the server answers, else why not."""
    engine = create_engine(make_url(url).set(database="postgres"))
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return str(exc).splitlines()[0]
    finally:
        engine.dispose()
    return None


# --- one timed import ----------------------------------------------------------------------


@dataclass
class Run:
    backend: str
    count: int
    atomic: bool
    jobs: str  # the --jobs given, or "default" (the CLI's own choice)
    seconds: float
    rate: float  # articles per second, search indexing included
    index_s: float  # of the seconds, the search index written after the store (CLI's report)
    store_rate: float  # parse + validate + store: the rate without the search indexing
    rss_mb: float  # peak of the summed RSS of kiji and the processes it starts (sampled)
    pss_mb: float  # the same with PSS: shared pages counted once
    main_rss_mb: float  # peak RSS (VmHWM) of the kiji process itself
    worker_rss_mb: float  # largest peak RSS of one worker process (0: none)
    workers: int  # processes kiji starts to parse ahead (--jobs)
    helpers: int  # other processes it starts (a multiprocessing resource tracker)
    main_cpu_s: float  # user + system of the kiji process itself: the store, mostly
    user_s: float  # user + system: kiji and every process it starts
    system_s: float
    postgres_cpu_s: float  # CPU of the PostgreSQL server processes during the run (sampled)
    other_cores: float  # cores kept busy on average by everything else on the machine
    waited_s: float  # waited for a quiet machine before the run
    created: int
    stored: int
    command: str
    log: str
    checks: dict[str, bool] = field(default_factory=dict)

    @property
    def mode(self) -> str:
        mode = "atomic" if self.atomic else "no-atomic"
        return mode if self.jobs == "default" else f"{mode} j{self.jobs}"


def _parse_time_v(report: str) -> tuple[float, float]:
    """(user s, system s) of the command and its waited-for descendants, `/usr/bin/time -v`."""

    def value(label: str) -> float:
        match = re.search(rf"^\s*{re.escape(label)}: ([0-9.]+)\s*$", report, re.MULTILINE)
        if match is None:
            raise SystemExit(f"no {label!r} in the /usr/bin/time report:\n{report}")
        return float(match[1])

    return value("User time (seconds)"), value("System time (seconds)")


def _children_by_parent() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            raw = stat.read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and brackets, so split after ")"
        ppid = int(raw[raw.rindex(")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(stat.parent.name))
    return tree


def _descendants(root: int) -> list[int]:
    tree = _children_by_parent()
    found: list[int] = []
    level = list(tree.get(root, []))
    while level:  # breadth first: the root's children come first
        found += level
        level = [child for pid in level for child in tree.get(pid, [])]
    return found


def _memory_kib(pid: int) -> tuple[int, int] | None:
    """(VmRSS, VmHWM) of a live process, in KiB."""
    try:
        fields = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        )
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
    except (OSError, KeyError, ValueError):
        return None


def _pss_kib(pid: int) -> int:
    """Proportional set size: shared pages (the interpreter, libraries) split between the
    processes that map them, so a sum over processes counts them once."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a live process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _is_worker(pid: int) -> bool:
    """A worker process, rather than a helper such as multiprocessing's resource tracker."""
    try:
        return b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


@dataclass
class Memory:
    tree_peak_mb: float = 0.0
    tree_pss_peak_mb: float = 0.0
    main_peak_mb: float = 0.0
    main_cpu_s: float = 0.0
    worker_peak_mb: float = 0.0
    workers: int = 0
    helpers: int = 0


def watch_memory(
    proc: subprocess.Popen[bytes], *, wrapped: bool, postgres: dict[int, float]
) -> Memory:
    """Sample the memory of the kiji process and of every process it starts until it exits.

    The kiji process is `proc` itself, or its child when /usr/bin/time wraps it (time's own
    few hundred KB are left out). The tree figures are the largest sums seen at one sample:
    VmRSS every 0.1 s, PSS every 0.5 s; per process, VmHWM is the kernel's own peak.
    `postgres` gets the CPU seconds of each PostgreSQL server process seen (every 0.5 s: the
    backend serving the import exits with it, so it is read while it runs).
    """
    main = 0
    known: list[int] = []
    peaks: dict[int, int] = {}
    workers: set[int] = set()
    tree_peak = tree_pss = 0
    main_cpu = 0.0
    tick = 0
    while proc.poll() is None:
        if tick % 5 == 0:  # rescan the tree twice a second: workers start early and stay
            known = _descendants(proc.pid) if wrapped else [proc.pid, *_descendants(proc.pid)]
            if not main and known:
                # wrapped: time's only child; descendants are listed children first
                main = known[0] if wrapped else proc.pid
            workers |= {pid for pid in known if pid != main and _is_worker(pid)}
            tree_pss = max(tree_pss, sum(_pss_kib(pid) for pid in known))
            postgres.update(_postgres_cpu())
        tick += 1
        total = 0
        for pid in known:
            memory = _memory_kib(pid)
            if memory is not None:
                total += memory[0]
                peaks[pid] = max(peaks.get(pid, 0), memory[1])
        tree_peak = max(tree_peak, total)
        main_cpu = _cpu_s(main) or main_cpu if main else 0.0
        time.sleep(0.1)
    return Memory(
        tree_peak_mb=tree_peak * 1024 / 1e6,
        tree_pss_peak_mb=tree_pss * 1024 / 1e6,
        main_peak_mb=peaks.get(main, 0) * 1024 / 1e6,
        main_cpu_s=main_cpu,
        worker_peak_mb=max((peaks[p] for p in workers if p in peaks), default=0) * 1024 / 1e6,
        workers=len(workers),
        helpers=len(set(peaks) - workers - {main}),
    )


def _busy_s() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores), /proc/stat."""
    first = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in first[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _postgres_cpu() -> dict[int, float]:
    """CPU seconds of each PostgreSQL server process."""
    found: dict[int, float] = {}
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() != "postgres":
                continue
        except OSError:
            continue
        cpu = _cpu_s(int(comm.parent.name))
        if cpu is not None:
            found[int(comm.parent.name)] = cpu
    return found


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def wait_until_quiet(limit_s: float, *, busy_cores: float = 0.25) -> float:
    """Wait (at most `limit_s`) until the rest of the machine keeps fewer than `busy_cores`
    cores busy over 3 s, so that a run does not share the 2 cores; returns the seconds waited."""
    started = time.perf_counter()
    told = False
    while True:
        busy0, own0 = _busy_s(), _own_cpu()
        time.sleep(3)
        if (_busy_s() - busy0 - (_own_cpu() - own0)) / 3 < busy_cores:
            return time.perf_counter() - started
        waited = time.perf_counter() - started
        if waited >= limit_s:
            print(f"  the machine is still busy after {waited:.0f} s; running anyway", flush=True)
            return waited
        if not told:
            print("  waiting for the machine to be quiet ...", flush=True)
            told = True


def timed_import(
    target: Target,
    folder: Path,
    count: int,
    *,
    atomic: bool,
    jobs: int | None = None,
    tag: str = "",
    quiet_s: float = 0.0,
) -> Run:
    mode = ("atomic" if atomic else "no-atomic") + ("" if jobs is None else f"-jobs{jobs}")
    log = LOGS / f"import-{target.backend}-{count}-{mode}{tag}.log"
    LOGS.mkdir(parents=True, exist_ok=True)
    reset_database(target)
    upgrade(target, log.with_suffix(".upgrade.log"))
    warm_page_cache(folder)
    waited = wait_until_quiet(quiet_s) if quiet_s > 0 else 0.0
    argv = [
        str(KIJI),
        "import",
        *([] if atomic else ["--no-atomic"]),
        *([] if jobs is None else ["--jobs", str(jobs)]),
        # The store first, then the search index in bulk: the two are timed apart.
        "--defer-index",
        str(folder),
    ]
    time_report = log.with_suffix(".time")
    use_time = TIME.exists()
    wrapped = [str(TIME), "-v", "-o", str(time_report), *argv] if use_time else argv
    with log.open("wb") as out:
        busy0, pg0, own0 = _busy_s(), _postgres_cpu(), _own_cpu()
        started = time.perf_counter()
        proc = subprocess.Popen(wrapped, cwd=ROOT, env=kiji_env(target), stdout=out, stderr=out)
        pg1: dict[int, float] = {}
        memory = watch_memory(proc, wrapped=use_time, postgres=pg1)
        rc = proc.wait()
        seconds = time.perf_counter() - started
        pg1.update(_postgres_cpu())
        busy, own = _busy_s() - busy0, _own_cpu() - own0
    postgres_s = sum(cpu - pg0.get(pid, 0.0) for pid, cpu in pg1.items())
    logged = log.read_text(encoding="utf-8", errors="replace")
    if rc != 0:
        tail = "\n".join(logged.splitlines()[-20:])
        raise SystemExit(f"kiji import exited {rc} ({target.backend}, {count:,}); {log}:\n{tail}")
    user_s, system_s = (
        _parse_time_v(time_report.read_text()) if use_time else (float("nan"), float("nan"))
    )
    others = busy - (user_s + system_s) - postgres_s - own
    indexing = re.search(r"then the search index in ([0-9.]+) s", logged)
    index_s = float(indexing[1]) if indexing else 0.0
    match = re.search(r"created\s*\W\s*(\d+)", logged)
    created = int(match[1]) if match else -1
    stored = count_articles(target)
    if created != count or stored != count:
        raise SystemExit(
            f"{target.backend} {count:,}: the CLI reports {created} created and the database "
            f"holds {stored} articles, not {count}; see {log}"
        )
    return Run(
        backend=target.backend,
        count=count,
        atomic=atomic,
        jobs="default" if jobs is None else str(jobs),
        seconds=round(seconds, 2),
        rate=round(count / seconds, 1),
        index_s=round(index_s, 2),
        store_rate=round(count / (seconds - index_s), 1),
        rss_mb=round(memory.tree_peak_mb, 1),
        pss_mb=round(memory.tree_pss_peak_mb, 1),
        main_rss_mb=round(memory.main_peak_mb, 1),
        worker_rss_mb=round(memory.worker_peak_mb, 1),
        workers=memory.workers,
        helpers=memory.helpers,
        main_cpu_s=round(memory.main_cpu_s, 2),
        postgres_cpu_s=round(postgres_s, 2),
        other_cores=round(max(others, 0.0) / seconds, 2),
        waited_s=round(waited, 1),
        user_s=user_s,
        system_s=system_s,
        created=created,
        stored=stored,
        command=f"KIJI_DATABASE_URL={target.url} {' '.join(argv)}",
        log=str(log),
    )


def judge(run: Run) -> None:
    # The targets are for parse + validate + store; search indexing is measured apart.
    run.checks["rate"] = run.store_rate >= TARGET_RATE[run.backend]
    if run.count >= RSS_TARGET_AT:
        run.checks["rss"] = run.rss_mb <= TARGET_RSS_MB


@dataclass(frozen=True)
class CliJobs:
    default: str  # the --jobs default as the help states it; "-" when there is no --jobs
    none: int | None  # the --jobs value that runs no worker process, when the help says


def cli_jobs() -> CliJobs:
    """What `kiji import --help` says about --jobs (its meaning has changed between versions:
    once "1: none", now "0: none")."""
    shown = subprocess.run(
        [str(KIJI), "import", "--help"],
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "300", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    line = next((ln for ln in shown.splitlines() if "--jobs" in ln), None)
    if line is None:
        return CliJobs("-", None)
    default = re.search(r"\[default: (\d+)\]", line)
    none = re.search(r"(\d+): none", line)
    return CliJobs(default[1] if default else "?", int(none[1]) if none else None)


# --- per-article cost, in-process ----------------------------------------------------------


@dataclass
class Split:
    backend: str
    files: int
    read_parse_us: float
    validate_us: float
    romanise_us: float
    prepare_us: float  # service.prepare in the second pass: the three parts as the CLI runs them
    store_us: float  # without the search index writes (index_us)
    index_us: float
    total_us: float


def _clear_romanise_cache() -> None:
    """Start cold, as a fresh `kiji import` process does (the phrase cache is per process)."""
    for name in ("_romanise_phrase", "romanise"):
        clear: Callable[[], None] | None = getattr(getattr(slugs, name, None), "cache_clear", None)
        if clear is not None:
            clear()


def measure_split(target: Target, paths: list[Path]) -> Split:
    """The parts timed one by one over the files; then the same files prepared and stored as
    the CLI does it in one process (`service.prepare`, then `service.store` in chunks of CHUNK
    with one commit each) into an empty database: store is that store-and-commit time, and
    total the whole second pass."""
    slugs.romanise("辞書の読み込み")  # pykakasi loads its dictionaries on first use (once)
    _clear_romanise_cache()
    t_parse = t_validate = t_romanise = 0.0
    clock = time.perf_counter
    for path in paths:
        t0 = clock()
        parsed = parse(path.read_bytes())
        t1 = clock()
        assert parsed.document is not None, path
        data = ArticleIn.model_validate(dict(parsed.document))
        t2 = clock()
        slugs.romanise(data.title)
        t3 = clock()
        t_parse += t1 - t0
        t_validate += t2 - t1
        t_romanise += t3 - t2

    reset_database(target)
    LOGS.mkdir(parents=True, exist_ok=True)
    upgrade(target, LOGS / f"split-{target.backend}.upgrade.log")
    _clear_romanise_cache()
    engine = make_engine(target.url, pool_size=1)
    t_store = t_prepare = t_index = 0.0
    try:
        with unit_of_work(make_sessionmaker(engine, write=True)) as session:
            started = clock()
            search_service.defer_indexing(session)  # the index is timed apart, below
            for batch in import_service.chunks(paths, CHUNK):
                t0 = clock()
                prepared = [
                    import_service.prepare(
                        import_service.ImportInput(str(path), "text", path.read_bytes()),
                        keep_document=False,
                    )
                    for path in batch
                ]
                t_prepare += clock() - t0
                t0 = clock()
                results = import_service.store(session, prepared, atomic=False)
                session.commit()
                t_store += clock() - t0
                bad = [r for r in results if r.status != "created"]
                if bad:
                    raise SystemExit(f"in-process import: {bad[0]}")
            t0 = clock()
            search_service.index_deferred(session, processes=0, after_batch=session.commit)
            t_index = clock() - t0
            total = clock() - started
    finally:
        engine.dispose()
    n = len(paths)
    return Split(
        backend=target.backend,
        files=n,
        read_parse_us=round(t_parse / n * 1e6, 1),
        validate_us=round(t_validate / n * 1e6, 1),
        romanise_us=round(t_romanise / n * 1e6, 1),
        prepare_us=round(t_prepare / n * 1e6, 1),
        store_us=round(t_store / n * 1e6, 1),
        index_us=round(t_index / n * 1e6, 1),
        total_us=round(total / n * 1e6, 1),
    )


# --- output --------------------------------------------------------------------------------


def _printer() -> Callable[[str], None]:
    def print_(line: str) -> None:
        print(line, flush=True)

    return print_


def _verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("PASS" if ok else "FAIL")


def print_table(runs: list[Run]) -> None:
    header = (
        f"{'database':<11}{'N':>8} {'mode':<13}{'seconds':>8}{'art/s':>7}{'index s':>8}"
        f"{'excl.':>7}"
        f"{'CPU s':>12}{'RSS MB':>8}{'PSS MB':>8}{'kiji MB':>8}{'workers':>9}{'other':>7}  "
        f"{'rate':<5}{'RSS':<4}"
    )
    print(header)
    print("-" * len(header))
    for r in runs:
        cpu = f"{r.main_cpu_s:.0f}/{r.user_s + r.system_s:.0f}"
        cpu += f"/{r.postgres_cpu_s:.0f}" if r.backend == "postgresql" else ""
        workers = f"{r.workers}x{r.worker_rss_mb:.0f}" if r.workers else "-"
        print(
            f"{r.backend:<11}{r.count:>8,} {r.mode:<13}{r.seconds:>8.1f}{r.rate:>7,.0f}"
            f"{r.index_s:>8.1f}{r.store_rate:>7,.0f}"
            f"{cpu:>12}{r.rss_mb:>8.0f}{r.pss_mb:>8.0f}{r.main_rss_mb:>8.0f}{workers:>9}"
            f"{r.other_cores:>7.2f}  "
            f"{_verdict(r.checks.get('rate')):<5}{_verdict(r.checks.get('rss')):<4}"
        )
    print(
        f"targets: SQLite >= {TARGET_RATE['sqlite']:,.0f} articles/s, PostgreSQL >= "
        f"{TARGET_RATE['postgresql']:,.0f} articles/s, peak RSS <= {TARGET_RSS_MB:.0f} MB "
        f"at {RSS_TARGET_AT:,} (checked on RSS MB)"
    )
    for note in (
        "mode jN: --jobs N (else the CLI's default)",
        "the CLI runs with --defer-index: it stores every input, then writes the search index "
        "in bulk (text cut in worker processes)",
        "art/s: the whole import; index s: the CLI's time for the search index, after the "
        "store; excl.: articles/s of the store alone (parse + validate + store: what the rate "
        "target is for)",
        "CPU s: the kiji process / kiji and its workers [/ the PostgreSQL server] (user + system)",
        "RSS MB, PSS MB: largest sum over kiji and every process it starts (RSS sampled every "
        "0.1 s, PSS every 0.5 s)",
        "kiji MB: the kiji process's own peak; workers: count x the largest worker's peak; "
        "MB = 10^6 bytes",
        "other: cores kept busy on average by anything else during the run (of 2; /proc/stat)",
    ):
        print(note)


def print_split(splits: list[Split]) -> None:
    print()
    print("per-article cost, in-process (microseconds per article)")
    header = (
        f"{'database':<11}{'files':>7}{'read+parse':>12}{'validate':>10}{'romanise':>10}"
        f"{'prepare':>9}{'store':>9}{'index':>9}{'total':>9}"
    )
    print(header)
    print("-" * len(header))
    for s in splits:
        print(
            f"{s.backend:<11}{s.files:>7,}{s.read_parse_us:>12,.0f}{s.validate_us:>10,.0f}"
            f"{s.romanise_us:>10,.0f}{s.prepare_us:>9,.0f}{s.store_us:>9,.0f}"
            f"{s.index_us:>9,.0f}{s.total_us:>9,.0f}"
        )
    print(
        "(read+parse, validate, romanise: timed one by one; prepare = service.prepare of the "
        "same files, which does those three,\n and store = service.store + commit, in chunks "
        "of CHUNK (250) into an empty database, with the index deferred;\n index = the "
        "deferred index written after, text cut in this process;\n"
        " total = prepare + store + index in one process; romanise "
        "starts with a cold phrase cache, as in a fresh process)"
    )


_STARTUP_PROBE = """
import json, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6
t0 = time.perf_counter()
import app.cli
t1 = time.perf_counter()
r1 = rss()
from app.articles import slugs
slugs.romanise("辞書の読み込み")
t2 = time.perf_counter()
print(json.dumps({"import_app_s": t1 - t0, "rss_after_import_mb": r1,
                  "kakasi_load_s": t2 - t1, "rss_after_kakasi_mb": rss()}))
"""


def startup_profile() -> dict[str, float]:
    """Fixed costs of a fresh `kiji import` process: importing the app (the CLI's start-up)
    and pykakasi's first conversion (it loads its dictionaries), with the RSS after each."""
    python = ROOT / ".venv" / "bin" / "python"
    started = time.perf_counter()
    out = subprocess.run(
        [str(python), "-c", _STARTUP_PROBE], cwd=ROOT, capture_output=True, check=True
    ).stdout
    probe: dict[str, float] = {k: round(v, 3) for k, v in json.loads(out).items()}
    probe["process_s"] = round(time.perf_counter() - started, 3)
    return probe


def print_startup(probe: dict[str, float]) -> None:
    print(
        f"fixed cost of a fresh process: interpreter + `import app.cli` "
        f"{probe['import_app_s']:.2f} s (RSS {probe['rss_after_import_mb']:.0f} MB), pykakasi "
        f"dictionaries {probe['kakasi_load_s']:.2f} s (RSS then "
        f"{probe['rss_after_kakasi_mb']:.0f} MB); whole probe {probe['process_s']:.2f} s"
    )


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


def git_state() -> str:
    """The commit measured, and whether app/ or migrations/ differed from it."""
    dirty = _git("status", "--porcelain", "--", "app", "migrations")
    return f"commit {_git('rev-parse', '--short', 'HEAD')}" + (
        " with local changes in app/ or migrations/" if dirty else ""
    )


def code_fingerprint() -> str:
    """Changes when the code under app/ or migrations/ does (committed or not): compared
    before and after the runs, since other work may go on in the same tree meanwhile."""
    h = hashlib.sha256()
    for part in (
        _git("rev-parse", "HEAD:app", "HEAD:migrations"),
        _git("diff", "HEAD", "--", "app", "migrations"),
        _git("ls-files", "--others", "--exclude-standard", "--", "app", "migrations"),
    ):
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:16]


# --- main ----------------------------------------------------------------------------------


def _sizes(value: str) -> list[int]:
    sizes = [int(v.replace("_", "")) for v in value.split(",") if v.strip()]
    if not sizes or any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError("a comma-separated list of positive counts")
    return sizes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--sizes", type=_sizes, default=list(DEFAULT_SIZES), help="e.g. 10000,100000")
    ap.add_argument("--keep", action="store_true", help="reuse generated folders")
    ap.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    ap.add_argument("--pg-url", default=PG_URL, help="PostgreSQL database to drop and recreate")
    ap.add_argument("--verify", type=int, default=200, help="files checked to round-trip")
    ap.add_argument("--split-files", type=int, default=2_000, help="files of the cost split")
    ap.add_argument(
        "--atomic-at",
        type=int,
        default=10_000,
        help="size at which the default atomic import is also timed on SQLite (0: never)",
    )
    ap.add_argument(
        "--single-at",
        type=int,
        default=10_000,
        help="size at which the import with no worker process is also timed on SQLite (0: never)",
    )
    ap.add_argument(
        "--repeat", type=int, default=1, help="times each import is run (each is a table row)"
    )
    ap.add_argument(
        "--quiet-wait",
        type=float,
        default=600,
        help="before each run wait up to this many seconds for the machine to be idle (0: no)",
    )
    ap.add_argument("--json", type=Path, default=OUT / "import_bench.json")
    args = ap.parse_args(argv)

    backends = [b.strip() for b in args.databases.split(",") if b.strip()]
    if unknown := set(backends) - {"sqlite", "postgresql"}:
        ap.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    if not KIJI.exists():
        ap.error(f"{KIJI} is missing: install the project into .venv first")
    if "postgresql" in backends and (why := postgres_reachable(args.pg_url)):
        ap.error(f"PostgreSQL is not reachable at {args.pg_url}: {why}")
    if not TIME.exists():
        print("/usr/bin/time is missing: peak RSS is polled from /proc/<pid>/status VmHWM")

    jobs = cli_jobs()
    code_at_start, code_fp = git_state(), code_fingerprint()
    print(
        f"kiji import --jobs default: {jobs.default} (no worker: --jobs {jobs.none}); "
        f"{code_at_start}"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    sizes = sorted(args.sizes)
    corpora = {n: ensure_corpus(n, keep=args.keep, verify=args.verify) for n in sizes}

    runs: list[Run] = []
    versions: dict[str, str] = {}
    for n in sizes:
        folder = folder_for(n)
        targets = [
            sqlite_target(n) if b == "sqlite" else Target("postgresql", args.pg_url)
            for b in backends
        ]
        for target in targets:
            # (atomic, jobs): the usual run last, so its database is the one left behind
            modes: list[tuple[bool, int | None]] = []
            if target.backend == "sqlite" and n == args.atomic_at:
                modes.append((True, None))
            if target.backend == "sqlite" and n == args.single_at and jobs.none is not None:
                modes.append((False, jobs.none))
            modes.append((False, None))
            repeats = max(args.repeat, 1)
            for (atomic, n_jobs), k in [(m, k) for m in modes for k in range(1, repeats + 1)]:
                what = f"{target.backend} {n:,} {'atomic' if atomic else 'no-atomic'}"
                what += "" if n_jobs is None else f" --jobs {n_jobs}"
                print(f"importing {what} ...", flush=True)
                tag = f"-{k}" if repeats > 1 else ""
                run = timed_import(
                    target, folder, n, atomic=atomic, jobs=n_jobs, tag=tag, quiet_s=args.quiet_wait
                )
                judge(run)
                runs.append(run)
                print(
                    f"  {run.seconds:.1f} s, {run.rate:,.0f} articles/s, peak RSS "
                    f"{run.rss_mb:.1f} MB (PSS {run.pss_mb:.1f} MB; kiji {run.main_rss_mb:.1f} "
                    f"MB, {run.workers} worker(s) up to {run.worker_rss_mb:.1f} MB); log {run.log}",
                    flush=True,
                )
            versions[target.backend] = server_version(target)

    print("measuring the fixed start-up cost ...")
    if args.quiet_wait > 0:
        wait_until_quiet(args.quiet_wait)
    startup = startup_profile()
    split_source = folder_for(sizes[0])
    split_paths = sorted(split_source.rglob("*.txt"))[: args.split_files]
    splits: list[Split] = []
    for b in backends:
        target = (
            Target("sqlite", f"sqlite:///{OUT / 'import-split.db'}")
            if b == "sqlite"
            else Target("postgresql", args.pg_url)
        )
        print(f"measuring the per-article split on {len(split_paths):,} files ({b}) ...")
        if args.quiet_wait > 0:
            wait_until_quiet(args.quiet_wait)
        splits.append(measure_split(target, split_paths))

    code_changed = code_fingerprint() != code_fp
    print()
    if code_changed:
        print(
            f"WARNING: app/ or migrations/ changed during the runs ({code_at_start} at the start, "
            f"{git_state()} at the end): the rows may measure different code"
        )
    print_table(runs)
    print_split(splits)
    print_startup(startup)
    for n, info in corpora.items():
        print(
            f"corpus {n:,}: mean {info.mean_kb:.2f} KB per file "
            f"(min {info.bytes_min:,} B, max {info.bytes_max:,} B)"
        )

    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "databases": versions,
        },
        "code": {
            "at_start": code_at_start,
            "at_end": git_state(),
            "changed_during_runs": code_changed,
        },
        "cli_jobs": asdict(jobs),
        "targets": {
            "articles_per_s": TARGET_RATE,
            "peak_rss_mb": TARGET_RSS_MB,
            "rss_target_at": RSS_TARGET_AT,
        },
        "corpora": [asdict(c) for c in corpora.values()],
        "runs": [{**asdict(r), "mode": r.mode} for r in runs],
        "split_us_per_article": [asdict(s) for s in splits],
        "startup": startup,
        "all_pass": all(all(r.checks.values()) for r in runs),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
