"""Tables of the article store: normalised rows for cross-article queries, plus each article's
rendered document, written in the same transaction, for the read path."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base
from app.core.types import BigId, UTCDateTime


class Listed:
    """Copies of the article's listing keys on its child rows, rewritten with every change of
    the article, so cross-article filters and sorts are index range scans on one table."""

    status: Mapped[str] = mapped_column(String(16))
    listed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_status_listed_at_id", "status", "listed_at", "id"),
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
    # The publication time, or the creation time of a draft never published: the sort key of
    # `sort=published_at` (a keyset needs a non-null key).
    listed_at: Mapped[datetime] = mapped_column(UTCDateTime())
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


class ArticleKeyword(Listed, Base):
    __tablename__ = "article_keywords"
    __table_args__ = (
        Index("ix_article_keywords_listed", "keyword_id", "status", "listed_at", "article_id"),
        Index("ix_article_keywords_updated", "keyword_id", "status", "updated_at", "article_id"),
    )

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    keyword_id: Mapped[int] = mapped_column(
        ForeignKey("keywords.id", ondelete="RESTRICT"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    keyword: Mapped[Keyword] = relationship(lazy="raise")


class Host(Base):
    """A citation host (``news.example.jp``): the key that groups citations by publisher."""

    __tablename__ = "hosts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)


class ArticleHost(Listed, Base):
    """The distinct hosts an article cites."""

    __tablename__ = "article_hosts"
    __table_args__ = (
        Index("ix_article_hosts_listed", "host_id", "status", "listed_at", "article_id"),
        Index("ix_article_hosts_updated", "host_id", "status", "updated_at", "article_id"),
    )

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    host_id: Mapped[int] = mapped_column(
        ForeignKey("hosts.id", ondelete="RESTRICT"), primary_key=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Section(Listed, Base):
    __tablename__ = "sections"
    __table_args__ = (
        UniqueConstraint("article_id", "position"),
        # Newest articles first, each article's sections in order: one forward index scan.
        Index(
            "ix_sections_listed",
            "status",
            text("listed_at DESC"),
            text("article_id DESC"),
            "position",
        ),
    )

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


# Newest articles first, then each article's citations in document order.
_NEWEST_FIRST = (text("listed_at DESC"), text("article_id DESC"), "section_position", "position")


class Citation(Listed, Base):
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
        Index("ix_citations_listed", "status", *_NEWEST_FIRST),
        Index("ix_citations_host_listed", "host", "status", *_NEWEST_FIRST),
        Index("ix_citations_publisher_listed", "publisher", "status", *_NEWEST_FIRST),
        Index("ix_citations_host_labels", "host", "status", "publisher"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    section_position: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    publisher: Mapped[str] = mapped_column(String(500))
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
    # Small columns first: SQLite reads a row's columns in order, so anything stored after a
    # 7 KB BLOB costs its overflow pages to reach.
    render_key: Mapped[str] = mapped_column(String(300))
    etag: Mapped[str] = mapped_column(String(64))
    summary_etag: Mapped[str] = mapped_column(String(64))
    last_modified: Mapped[str] = mapped_column(String(40))
    summary: Mapped[bytes] = mapped_column(LargeBinary)
    document: Mapped[bytes] = mapped_column(LargeBinary)


class Change(Base):
    """One row per create, update and delete: the changes feed and its tombstones."""

    __tablename__ = "changes"
    # An article's changes in order: the feed asks whether a change is its article's latest.
    __table_args__ = (Index("ix_changes_article_id_seq", "article_id", "seq"),)

    seq: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    article_id: Mapped[int] = mapped_column(BigId)
    slug: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The article's status as of this change (for a delete: as it was deleted).
    status: Mapped[str] = mapped_column(String(16))


class StoreState(Base):
    """One row: a counter every writing transaction bumps. Readers compare it to know whether
    anything changed since they cached a page; on PostgreSQL the row lock also makes writers
    commit in counter order."""

    __tablename__ = "store_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
