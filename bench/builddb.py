"""Build (or reuse) the benchmark SQLite database through Kiji's own service layer."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import generate
from servers import BASE_URL

import migrations
from app.articles import service
from app.articles.schemas import ArticleIn
from app.core.db import make_engine, make_sessionmaker, unit_of_work
from app.core.migrate import upgrade

_BENCH = Path(__file__).resolve().parent


def fingerprint() -> str:
    """Digest of what a built database depends on: the migrations (edited in place before a
    release) and the article generator. A database built under another one is rebuilt."""
    h = hashlib.sha256()
    sources = sorted(Path(migrations.__file__).parent.glob("versions/*.py"))
    sources += [_BENCH / "generate.py", _BENCH / "corpus.py"]
    for source in sources:
        h.update(source.name.encode() + b"\0" + source.read_bytes())
    return h.hexdigest()[:16]


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def _meta(path: Path) -> dict[str, object]:
    try:
        data = json.loads(_meta_path(path).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True, slots=True)
class BuildInfo:
    path: Path
    count: int
    built: bool
    seconds: float

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


@contextmanager
def _ro(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection that is closed (not merely committed) when the block ends."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        yield conn


# The read-only connection, for the other benchmark scripts' own queries.
read_only = _ro


def existing_count(path: Path) -> int | None:
    """How many articles the database at ``path`` holds, or None if it is not a usable one."""
    if not path.exists():
        return None
    try:
        with _ro(path) as conn:
            row = conn.execute(
                "SELECT count(*) FROM articles a JOIN article_renders r ON r.article_id = a.id"
            ).fetchone()
    except sqlite3.Error:
        return None
    return int(row[0]) if row else None


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def build(path: Path, *, count: int, batch: int = 500, seed: int = 20240601) -> BuildInfo:
    """Create ``count`` articles in a fresh database, then move it to ``path``."""
    partial = path.with_name(path.name + ".partial")
    _remove(partial)
    url = f"sqlite:///{partial.resolve()}"
    upgrade(url)
    engine = make_engine(url, pool_size=1)
    writes = make_sessionmaker(engine, write=True)
    started = time.perf_counter()
    try:
        for first in range(1, count + 1, batch):
            last = min(first + batch, count + 1)
            with unit_of_work(writes) as session:
                docs = [
                    ArticleIn.model_validate(generate.article(n, seed=seed))
                    for n in range(first, last)
                ]
                # The import path's bulk create: the slugs are known to be free.
                service.create_many(session, [(d.slug or "", d) for d in docs], base_url=BASE_URL)
            done = last - 1
            if done % (batch * 20) == 0 or done == count:
                elapsed = time.perf_counter() - started
                print(
                    f"  {done:>7,} articles  {elapsed:7.1f} s  {done / elapsed:6.0f}/s", flush=True
                )
    finally:
        engine.dispose()
    seconds = time.perf_counter() - started
    with closing(sqlite3.connect(partial)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _remove(path)
    os.replace(partial, path)
    _remove(partial)
    meta = {"count": count, "seed": seed, "fingerprint": fingerprint(), "build_seconds": seconds}
    _meta_path(path).write_text(json.dumps(meta) + "\n")
    return BuildInfo(path, count, True, seconds)


def ensure(path: Path, *, count: int, rebuild: bool) -> BuildInfo:
    have = existing_count(path)
    built_under = _meta(path).get("fingerprint")
    current = fingerprint()
    if not rebuild and have == count and built_under == current:
        seconds = _meta(path).get("build_seconds")
        return BuildInfo(path, count, False, float(seconds) if isinstance(seconds, float) else 0.0)
    if rebuild:
        reason = "--rebuild"
    elif have != count:
        reason = f"found {have} articles, want {count}"
    elif built_under is None:
        reason = "no build record"
    else:
        reason = f"migrations or generator changed ({built_under} -> {current})"
    print(f"building {count:,} articles into {path} ({reason})", flush=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return build(path, count=count)


def warm_cache(path: Path, *, chunk: int = 16 * 1024 * 1024) -> float:
    """Read the whole file once so random reads hit the OS page cache; returns seconds taken.

    Run right before the random-access runs: idle page cache can be reclaimed within minutes
    on the benchmark machines (kdamond), and a cold cache turns (c) into a disk benchmark."""
    started = time.perf_counter()
    buf = bytearray(chunk)
    with path.open("rb", buffering=0) as f:
        while f.readinto(buf):
            pass
    return time.perf_counter() - started


@dataclass(frozen=True, slots=True)
class Sample:
    """One article whose stored document is closest to the average size."""

    id: int
    slug: str
    size: int


@dataclass(frozen=True, slots=True)
class Sizes:
    avg: float
    min: int
    max: int
    summary_avg: float


def sizes(path: Path) -> Sizes:
    with _ro(path) as conn:
        row = conn.execute(
            "SELECT avg(length(document)), min(length(document)), max(length(document)),"
            " avg(length(summary)) FROM article_renders"
        ).fetchone()
    return Sizes(float(row[0]), int(row[1]), int(row[2]), float(row[3]))


def typical(path: Path, avg: float) -> Sample:
    with _ro(path) as conn:
        row = conn.execute(
            "SELECT a.id, a.slug, length(r.document) FROM articles a"
            " JOIN article_renders r ON r.article_id = a.id"
            " ORDER BY abs(length(r.document) - :avg), a.id LIMIT 1",
            {"avg": avg},
        ).fetchone()
    return Sample(int(row[0]), str(row[1]), int(row[2]))


def id_range(path: Path) -> tuple[int, int]:
    with _ro(path) as conn:
        row = conn.execute(
            "SELECT min(article_id), max(article_id) FROM article_renders"
        ).fetchone()
    return int(row[0]), int(row[1])


def sort_key_at(path: Path, row_number: int) -> tuple[datetime, int]:
    """The sort key (time, id) of the ``row_number``-th published article, newest first, as
    ``GET /v1/articles`` orders it: by ``listed_at`` where the schema has that column (the
    listing key since migration 0002), else by ``published_at``."""
    with _ro(path) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(articles)")}
        key = "listed_at" if "listed_at" in columns else "published_at"
        row = conn.execute(
            f"SELECT {key}, id FROM articles WHERE status = 'published'"
            f" ORDER BY {key} DESC, id DESC LIMIT 1 OFFSET :skip",
            {"skip": row_number - 1},
        ).fetchone()
    at = datetime.fromisoformat(str(row[0]))
    return (at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)), int(row[1])
