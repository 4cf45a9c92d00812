"""Tables of the article store: normalised rows for cross-article queries, plus each article's
rendered document, written in the same transaction, for the read path."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base
from app.core.types import BigId, UTCDateTime


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_status_published_at_id", "status", "published_at", "id"),
        Index("ix_articles_status_updated_at_id", "status", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    subtitle: Mapped[str] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(35))
    status: Mapped[str] = mapped_column(String(16))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer)
    conclusion: Mapped[list[str]] = mapped_column(JSON)
    key_points: Mapped[list[str]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))

    sections: Mapped[list[Section]] = relationship(
        back_populates="article",
        lazy="raise",
        order_by="Section.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    keyword_links: Mapped[list[ArticleKeyword]] = relationship(
        lazy="raise",
        order_by="ArticleKeyword.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    render: Mapped[ArticleRender] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )


class Keyword(Base):
    __tablename__ = "keywords"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class ArticleKeyword(Base):
    __tablename__ = "article_keywords"
    __table_args__ = (
        Index("ix_article_keywords_keyword_id_article_id", "keyword_id", "article_id"),
    )

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    keyword_id: Mapped[int] = mapped_column(
        ForeignKey("keywords.id", ondelete="RESTRICT"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)
    keyword: Mapped[Keyword] = relationship(lazy="raise")


class Section(Base):
    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("article_id", "position"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(Text)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    intro: Mapped[list[str]] = mapped_column(JSON)
    body: Mapped[list[str]] = mapped_column(JSON)
    reaction: Mapped[str | None] = mapped_column(Text)

    article: Mapped[Article] = relationship(back_populates="sections", lazy="raise")


class Citation(Base):
    __tablename__ = "citations"
    # Keyed by (article, section position) rather than a section id, so a whole article's rows
    # can be inserted in bulk without reading generated ids back first.
    __table_args__ = (
        UniqueConstraint("article_id", "section_position", "position"),
        ForeignKeyConstraint(
            ["article_id", "section_position"],
            ["sections.article_id", "sections.position"],
            ondelete="CASCADE",
        ),
        Index("ix_citations_host_id", "host", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    section_position: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    publisher: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(2048))
    host: Mapped[str] = mapped_column(String(255))
    published_on: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[list[str]] = mapped_column(JSON)
    comment: Mapped[list[str]] = mapped_column(JSON)


class ArticleRender(Base):
    """The article's serialised document and summary, rewritten with every change of it."""

    __tablename__ = "article_renders"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    render_key: Mapped[str] = mapped_column(String(300))
    etag: Mapped[str] = mapped_column(String(64))
    document: Mapped[bytes] = mapped_column(LargeBinary)
    summary_etag: Mapped[str] = mapped_column(String(64))
    summary: Mapped[bytes] = mapped_column(LargeBinary)
    last_modified: Mapped[str] = mapped_column(String(40))


class Change(Base):
    """One row per create, update and delete: the changes feed and its tombstones."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_article_id", "article_id"),)

    seq: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    article_id: Mapped[int] = mapped_column(BigId)
    slug: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
