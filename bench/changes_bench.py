"""Micro benchmark: one page of the changes feed at the start, middle and end of a long feed.

Run from the repository root:
    .venv/bin/python bench/changes_bench.py [--articles 5000] [--url postgresql+psycopg://...]
Without --url it builds a scratch SQLite file; a PostgreSQL URL must name an empty, scratch
database (it is migrated and filled). It writes the articles in bulk, then changes a fifth of
them, unpublishes and deletes a few, and times ``changes_service.page`` (what the route
runs) for each kind of key, printing milliseconds per page as the best of several rounds."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import generate

from app.articles import service
from app.articles.schemas import ArticleIn
from app.auth.principal import Principal, expand
from app.core import migrate
from app.core.database import Database
from app.core.db import unit_of_work
from app.syndication import changes_service

BASE = "http://kiji.test"
KEYS = {
    "full": Principal(1, "full", expand(["syndicate"])),
    "summary": Principal(2, "summary", expand(["syndicate"], "summary"), "summary"),
    "drafts": Principal(3, "drafts", expand(["syndicate", "drafts"])),
}


def fill(db: Database, n: int) -> int:
    batch = 500
    for start in range(0, n, batch):
        docs = [
            ArticleIn.model_validate(generate.article(i))
            for i in range(start + 1, min(n, start + batch) + 1)
        ]
        with unit_of_work(db.writes) as session:
            service.create_many(session, [(d.slug or "", d) for d in docs], base_url=BASE)
    with unit_of_work(db.writes) as session:
        for i in range(1, n + 1, 5):
            status = "draft" if i % 50 == 1 else "published"
            service.patch(
                session,
                slug=generate.slug_for(i),
                changes={"subtitle": "改訂", "status": status},
                if_match=None,
                base_url=BASE,
            )
        for i in range(2, n + 1, 100):
            service.delete(session, slug=generate.slug_for(i), if_match=None)
    return n + len(range(1, n + 1, 5)) + len(range(2, n + 1, 100))


async def timed(db: Database, who: str, cursor: str | None, limit: int) -> tuple[float, int]:
    best = float("inf")
    size = 0
    for _ in range(7):
        started = time.perf_counter()
        page = await changes_service.page(db.fast, KEYS[who], cursor=cursor, limit=limit)
        best = min(best, time.perf_counter() - started)
        size = len(page.body)
    return best * 1000, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--url", help="a scratch PostgreSQL database (default: SQLite file)")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'changes.db'}"
    migrate.upgrade(url)
    db = Database.connect(url)
    started = time.perf_counter()
    total = fill(db, args.articles)
    seconds = time.perf_counter() - started
    print(f"{db.engine.dialect.name}: {total} changes written in {seconds:.1f} s")
    for depth in (0, total // 2, total - args.limit // 2):
        cursor = changes_service.encode_cursor(depth) if depth else None
        for who in KEYS:
            ms, size = asyncio.run(timed(db, who, cursor, args.limit))
            print(f"  after seq {depth:>6}  {who:<8} {ms:7.2f} ms  {size / 1024:8.1f} KiB")
    db.close()


if __name__ == "__main__":
    main()
