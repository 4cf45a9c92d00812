"""The changes feed under concurrent writers: a poller never skips a change.

A change whose ``seq`` is drawn before another's but commits after it is the hazard: a poller
that read the later one first would move its cursor past the earlier one for good."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.articles import service
from app.articles.models import Article, ArticleRender
from app.articles.schemas import ArticleIn
from app.core.config import Settings
from app.core.database import Database
from app.core.db import unit_of_work
from tests.builders import article, create_key


def _key(settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_key(settings.database_url, 'p', ['syndicate'])}"}


def _data(title: str, *, tag: str | None = None, status: str = "published") -> ArticleIn:
    """An article; with a ``tag``, one sharing no keyword or citation host with untagged ones,
    so its writer never waits on another writer's new keyword or host rows, only on what
    orders the feed."""
    doc = article(title=title, status=status)
    if tag is not None:
        doc["keywords"] = [f"分類{tag}"]
        for section in doc["sections"]:
            for citation in section["citations"]:
                citation["url"] = citation["url"].replace("://", f"://{tag}.")
    return ArticleIn.model_validate(doc)


def test_a_change_that_commits_late_is_still_delivered(
    client: TestClient, settings: Settings
) -> None:
    partner = _key(settings)
    db = Database.connect(settings.database_url)
    first = db.writes()
    try:
        early = service.create(first, data=_data("先に番号を取る記事は?"), base_url="")
        later_done = threading.Event()

        def later() -> str:
            with unit_of_work(db.writes) as session:
                made = service.create(
                    session, data=_data("後から来る記事は?", tag="later"), base_url=""
                )
            later_done.set()
            return made.slug

        with ThreadPoolExecutor(max_workers=1) as pool:
            late = pool.submit(later)
            time.sleep(0.5)
            # The second writer waits for the first to commit: it cannot commit a higher
            # number while a lower one is still in flight.
            assert not later_done.is_set()
            polled = client.get("/v1/changes", headers=partner).json()
            assert polled["items"] == []
            first.commit()
            late_slug = late.result(timeout=30)
    finally:
        first.close()
        db.close()
    rest = client.get(
        "/v1/changes", params={"cursor": polled["next_cursor"]}, headers=partner
    ).json()
    assert [i["slug"] for i in rest["items"]] == [early.slug, late_slug]


WRITERS = 4
OPS = 12


def _writer(db: Database, n: int) -> None:
    rng = random.Random(n)
    mine: list[str] = []
    for op in range(OPS):
        with unit_of_work(db.writes) as session:
            roll = rng.random()
            if not mine or roll < 0.4:
                status = "draft" if rng.random() < 0.3 else "published"
                title = f"書き手{n}の記事{op}は?"
                mine.append(
                    service.create(
                        session, data=_data(title, tag=f"w{n}", status=status), base_url=""
                    ).slug
                )
            elif roll < 0.85:
                slug = rng.choice(mine)
                status = "draft" if rng.random() < 0.25 else "published"
                service.patch(
                    session,
                    slug=slug,
                    changes={"subtitle": f"版{op}", "status": status},
                    if_match=None,
                    base_url="",
                )
            else:
                service.delete(session, slug=mine.pop(rng.randrange(len(mine))), if_match=None)
            # Hold the transaction open a little: commits land out of start order.
            time.sleep(rng.random() * 0.1)


def _apply(mirror: dict[str, Any], items: list[dict[str, Any]]) -> None:
    for item in items:
        if item["type"] == "delete":
            mirror.pop(item["slug"], None)
        elif "article" in item:
            mirror[item["slug"]] = item["article"]


def test_concurrent_writers_and_a_poller_end_with_equal_stores(
    client: TestClient, settings: Settings
) -> None:
    partner = _key(settings)
    db = Database.connect(settings.database_url)
    mirror: dict[str, Any] = {}
    seqs: list[int] = []
    cursor: str | None = None

    def poll() -> bool:
        nonlocal cursor
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        response = client.get("/v1/changes", params=params, headers=partner)
        assert response.status_code == 200, response.text
        body = response.json()
        seqs.extend(i["seq"] for i in body["items"])
        _apply(mirror, body["items"])
        cursor = body["next_cursor"]
        return "link" in response.headers

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        futures = [pool.submit(_writer, db, n) for n in range(WRITERS)]
        polls = 0
        while not all(f.done() for f in futures):
            poll()
            polls += 1
            time.sleep(0.01)  # stay within the per-key request quota
        for f in futures:
            f.result()
    while poll():
        pass

    with unit_of_work(db.reads) as session:
        rows = session.execute(
            select(Article.slug, ArticleRender.document)
            .join(ArticleRender, ArticleRender.article_id == Article.id)
            .where(Article.status == "published")
        ).all()
    db.close()
    expected = {slug: orjson.loads(document) for slug, document in rows}
    assert polls > 1
    assert seqs == sorted(set(seqs))
    assert expected
    assert mirror == expected
