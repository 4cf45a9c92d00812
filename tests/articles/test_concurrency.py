"""Concurrent writers: generated slugs stay unique, versions never go backwards."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from app.articles import service
from app.articles.models import Article, Change
from app.articles.schemas import ArticleIn
from app.articles.slugs import romanise
from app.core.config import Settings
from app.core.database import Database
from app.core.db import unit_of_work
from tests.builders import article


def test_concurrent_creates_of_one_title_get_distinct_slugs(settings: Settings) -> None:
    db = Database.connect(settings.database_url)
    data = ArticleIn.model_validate(article(title="同時に書かれた記事?"))

    def write(_: int) -> str:
        with unit_of_work(db.writes) as session:
            return service.create(session, data=data, base_url="").slug

    with ThreadPoolExecutor(max_workers=6) as pool:
        slugs = list(pool.map(write, range(12)))
    base = romanise("同時に書かれた記事?")
    assert sorted(slugs) == sorted([base] + [f"{base}-{n}" for n in range(2, 13)])
    db.close()


def test_concurrent_patches_each_bump_the_version_once(settings: Settings) -> None:
    db = Database.connect(settings.database_url)
    with unit_of_work(db.writes) as session:
        slug = service.create(session, data=ArticleIn.model_validate(article()), base_url="").slug

    def patch(n: int) -> int:
        with unit_of_work(db.writes) as session:
            return service.patch(
                session, slug=slug, changes={"subtitle": f"版{n}"}, if_match=None, base_url=""
            ).version

    with ThreadPoolExecutor(max_workers=6) as pool:
        versions = list(pool.map(patch, range(10)))
    assert sorted(versions) == list(range(2, 12))
    with unit_of_work(db.reads) as session:
        assert session.scalars(select(Article.version)).one() == 11
        changes = session.scalars(select(Change.version).order_by(Change.seq)).all()
        assert list(changes) == list(range(1, 12))
    db.close()
