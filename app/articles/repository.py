"""SQL of the article write path. Reads that serve clients go through ``reader``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.articles.models import (
    Article,
    ArticleKeyword,
    ArticleRender,
    Change,
    Citation,
    Keyword,
    Section,
)
from app.articles.render import Rendered, host_of
from app.articles.schemas import ArticleIn


@dataclass(frozen=True, slots=True)
class Current:
    """What a write needs to know of an existing article."""

    id: int
    slug: str
    status: str
    version: int
    created_at: datetime
    published_at: datetime | None
    content_hash: str
    etag: str
    document: bytes
    last_modified: str


def find_current(session: Session, slug: str, *, lock: bool = False) -> Current | None:
    stmt = (
        select(
            Article.id,
            Article.slug,
            Article.status,
            Article.version,
            Article.created_at,
            Article.published_at,
            Article.content_hash,
            ArticleRender.etag,
            ArticleRender.document,
            ArticleRender.last_modified,
        )
        .join(ArticleRender, ArticleRender.article_id == Article.id)
        .where(Article.slug == slug)
    )
    if lock:
        # PostgreSQL: serialise writers of one article (SQLite already holds the write lock).
        stmt = stmt.with_for_update(of=Article)
    row = session.execute(stmt).one_or_none()
    return Current(**row._asdict()) if row else None


def lock_slug_base(session: Session, base: str) -> None:
    """PostgreSQL: writers generating slugs from the same base take turns until commit, so each
    sees the slugs the others made. (SQLite writers are already serialised.)"""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(base, 0))))


def slugs_with_base(session: Session, base: str) -> set[str]:
    like = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "-%"
    rows = session.scalars(
        select(Article.slug).where((Article.slug == base) | Article.slug.like(like, escape="\\"))
    )
    return set(rows)


def _article_values(data: ArticleIn, content_hash: str) -> dict[str, Any]:
    return {
        "title": data.title,
        "subtitle": data.subtitle,
        "lead": data.lead,
        "language": data.language,
        "status": data.status,
        "conclusion": data.conclusion,
        "key_points": data.key_points,
        "content_hash": content_hash,
    }


def insert_article(
    session: Session,
    *,
    slug: str,
    data: ArticleIn,
    content_hash: str,
    published_at: datetime | None,
    now: datetime,
) -> int:
    values = _article_values(data, content_hash) | {
        "slug": slug,
        "published_at": published_at,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    return int(session.execute(insert(Article).returning(Article.id), values).scalar_one())


def update_article(
    session: Session,
    article_id: int,
    *,
    data: ArticleIn,
    content_hash: str,
    published_at: datetime | None,
    version: int,
    now: datetime,
) -> None:
    values = _article_values(data, content_hash) | {
        "published_at": published_at,
        "updated_at": now,
        "version": version,
    }
    session.execute(update(Article).where(Article.id == article_id).values(values))


def replace_children(session: Session, article_id: int, data: ArticleIn, *, fresh: bool) -> None:
    """Write the keyword links, sections and citations of an article, dropping any old ones."""
    if not fresh:
        session.execute(delete(Section).where(Section.article_id == article_id))
        session.execute(delete(ArticleKeyword).where(ArticleKeyword.article_id == article_id))
    _link_keywords(session, article_id, data.keywords)
    section_rows = [
        {
            "article_id": article_id,
            "position": pos,
            "heading": s.heading,
            "question": s.question,
            "answer": s.answer,
            "intro": s.intro,
            "body": s.body,
            "reaction": s.reaction,
        }
        for pos, s in enumerate(data.sections, start=1)
    ]
    ids = session.scalars(
        insert(Section).returning(Section.id, sort_by_parameter_order=True), section_rows
    ).all()
    citation_rows = [
        {
            "article_id": article_id,
            "section_id": section_id,
            "section_position": s_pos,
            "position": c_pos,
            "publisher": c.publisher,
            "url": c.url,
            "host": host_of(c.url),
            "published_on": c.published_on,
            "summary": c.summary,
            "comment": c.comment,
        }
        for s_pos, (section_id, s) in enumerate(zip(ids, data.sections, strict=True), start=1)
        for c_pos, c in enumerate(s.citations, start=1)
    ]
    if citation_rows:
        session.execute(insert(Citation), citation_rows)


def _link_keywords(session: Session, article_id: int, names: Sequence[str]) -> None:
    if not names:
        return
    dialect = session.get_bind().dialect.name
    rows = [{"name": n} for n in names]
    # Concurrent writers may create the same keyword: let the unique index arbitrate.
    if dialect == "postgresql":
        session.execute(postgresql.insert(Keyword).on_conflict_do_nothing(), rows)
    else:
        session.execute(sqlite.insert(Keyword).on_conflict_do_nothing(), rows)
    found = session.execute(select(Keyword.name, Keyword.id).where(Keyword.name.in_(names)))
    ids = {row[0]: row[1] for row in found}
    session.execute(
        insert(ArticleKeyword),
        [
            {"article_id": article_id, "keyword_id": ids[n], "position": pos}
            for pos, n in enumerate(names, start=1)
        ],
    )


def save_render(session: Session, article_id: int, rendered: Rendered, *, fresh: bool) -> None:
    values = {
        "render_key": rendered.key,
        "etag": rendered.etag,
        "document": rendered.document,
        "summary_etag": rendered.summary_etag,
        "summary": rendered.summary,
        "last_modified": rendered.last_modified,
    }
    if fresh:
        session.execute(insert(ArticleRender).values(article_id=article_id, **values))
    else:
        session.execute(
            update(ArticleRender).where(ArticleRender.article_id == article_id).values(values)
        )


def record_change(
    session: Session, *, kind: str, article_id: int, slug: str, version: int, at: datetime
) -> None:
    session.execute(
        insert(Change).values(kind=kind, article_id=article_id, slug=slug, version=version, at=at)
    )


def delete_article(session: Session, article_id: int) -> None:
    session.execute(delete(Article).where(Article.id == article_id))


def stale_renders(session: Session, key: str, *, limit: int) -> list[tuple[int, bytes]]:
    """Articles whose stored render was made under another render key."""
    rows = session.execute(
        select(ArticleRender.article_id, ArticleRender.document)
        .where(ArticleRender.render_key != key)
        .order_by(ArticleRender.article_id)
        .limit(limit)
    )
    return [(article_id, document) for article_id, document in rows]


def has_articles(session: Session) -> bool:
    return session.scalars(select(Article.id).limit(1)).first() is not None
