"""SQL of the article write path, in SQLAlchemy Core on the session's connection.

Writes go through Core ``executemany`` rather than ORM units of work: one article is a dozen
rows, and bulk imports write thousands of articles, so per-object ORM bookkeeping would be
most of the cost. Reads that serve clients go through ``reader``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Column, Connection, Date, Table, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.articles.models import (
    Article,
    ArticleHost,
    ArticleKeyword,
    ArticleRender,
    Change,
    Citation,
    Host,
    Keyword,
    Section,
    StoreState,
)
from app.articles.render import Rendered, host_of
from app.articles.schemas import ArticleIn
from app.core.fastdb import timestamp_param
from app.core.types import UTCDateTime

ARTICLES: Table = Article.__table__  # type: ignore[assignment]
KEYWORDS: Table = Keyword.__table__  # type: ignore[assignment]
HOSTS: Table = Host.__table__  # type: ignore[assignment]
HOST_LINKS: Table = ArticleHost.__table__  # type: ignore[assignment]
LINKS: Table = ArticleKeyword.__table__  # type: ignore[assignment]
SECTIONS: Table = Section.__table__  # type: ignore[assignment]
CITATIONS: Table = Citation.__table__  # type: ignore[assignment]
RENDERS: Table = ArticleRender.__table__  # type: ignore[assignment]
STATE: Table = StoreState.__table__  # type: ignore[assignment]
CHANGES: Table = Change.__table__  # type: ignore[assignment]
_ID_CACHE = "kiji.name_ids"


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


@dataclass(frozen=True, slots=True)
class NewArticle:
    slug: str
    data: ArticleIn
    content_hash: str
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class Children:
    """An article's content rows to write, with the listing keys they carry."""

    article_id: int
    data: ArticleIn
    listed_at: datetime
    updated_at: datetime


def _conn(session: Session) -> Connection:
    return session.connection()


_CURRENT = select(
    ARTICLES.c.id,
    ARTICLES.c.slug,
    ARTICLES.c.status,
    ARTICLES.c.version,
    ARTICLES.c.created_at,
    ARTICLES.c.published_at,
    ARTICLES.c.content_hash,
    RENDERS.c.etag,
    RENDERS.c.document,
    RENDERS.c.last_modified,
).join(RENDERS, RENDERS.c.article_id == ARTICLES.c.id)


# Writers hold the writer lock (see ``db.make_sessionmaker``): what they read here stays
# current until they commit, and needs no row locks.


def find_current(session: Session, slug: str) -> Current | None:
    row = _conn(session).execute(_CURRENT.where(ARTICLES.c.slug == slug)).one_or_none()
    return Current(**row._asdict()) if row else None


def find_many(session: Session, slugs: Sequence[str]) -> dict[str, Current]:
    """The existing articles among ``slugs``, by slug."""
    if not slugs:
        return {}
    stmt = _CURRENT.where(ARTICLES.c.slug.in_(list(slugs)))
    return {row.slug: Current(**row._asdict()) for row in _conn(session).execute(stmt)}


def slugs_with_base(session: Session, base: str) -> set[str]:
    like = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "-%"
    rows = _conn(session).execute(
        select(ARTICLES.c.slug).where(
            (ARTICLES.c.slug == base) | ARTICLES.c.slug.like(like, escape="\\")
        )
    )
    return {slug for (slug,) in rows}


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


def insert_articles(session: Session, items: Sequence[NewArticle], *, now: datetime) -> list[int]:
    """Insert the article rows; returns their ids in the order given."""
    rows = [
        _article_values(item.data, item.content_hash)
        | {
            "slug": item.slug,
            "published_at": item.published_at,
            "listed_at": item.published_at or now,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for item in items
    ]
    conn = _conn(session)
    if conn.dialect.name == "sqlite":
        # SQLite gives a new row the largest rowid + 1, so the id of the newest article,
        # once deleted, went to the next one; ids are never reused (a deleted article's
        # tombstone in the changes feed keeps its id). PostgreSQL's sequence never goes
        # back. (The write transaction holds SQLite's write lock from BEGIN IMMEDIATE.)
        newest = func.coalesce(select(func.max(ARTICLES.c.id)).scalar_subquery(), 0)
        deleted = func.coalesce(select(func.max(CHANGES.c.article_id)).scalar_subquery(), 0)
        first = 1 + int(conn.execute(select(func.max(newest, deleted))).scalar_one())
        for n, row in enumerate(rows):
            row["id"] = first + n
    stmt = insert(ARTICLES).returning(ARTICLES.c.id, sort_by_parameter_order=True)
    return [int(i) for i in conn.execute(stmt, rows).scalars()]


def update_article(
    session: Session,
    article_id: int,
    *,
    data: ArticleIn,
    content_hash: str,
    published_at: datetime | None,
    listed_at: datetime,
    version: int,
    now: datetime,
) -> None:
    values = _article_values(data, content_hash) | {
        "published_at": published_at,
        "listed_at": listed_at,
        "updated_at": now,
        "version": version,
    }
    _conn(session).execute(update(ARTICLES).where(ARTICLES.c.id == article_id).values(values))


def delete_children(session: Session, article_id: int) -> None:
    conn = _conn(session)
    conn.execute(delete(CITATIONS).where(CITATIONS.c.article_id == article_id))
    conn.execute(delete(SECTIONS).where(SECTIONS.c.article_id == article_id))
    conn.execute(delete(LINKS).where(LINKS.c.article_id == article_id))
    conn.execute(delete(HOST_LINKS).where(HOST_LINKS.c.article_id == article_id))


def insert_children(session: Session, items: Sequence[Children]) -> None:
    """Keyword and host links, sections and citations of freshly written articles, in bulk."""
    conn = _conn(session)
    keyword_ids = _name_ids(session, KEYWORDS, {k for i in items for k in i.data.keywords})
    hosts = {
        i.article_id: sorted({host_of(c.url) for s in i.data.sections for c in s.citations})
        for i in items
    }
    host_ids = _name_ids(session, HOSTS, {h for names in hosts.values() for h in names})
    links = []
    host_links = []
    sections = []
    citations = []
    for i in items:
        listed = {"status": i.data.status, "listed_at": i.listed_at}
        links += [
            {"article_id": i.article_id, "keyword_id": keyword_ids[k], "position": pos}
            | listed
            | {"updated_at": i.updated_at}
            for pos, k in enumerate(i.data.keywords, start=1)
        ]
        host_links += [
            {"article_id": i.article_id, "host_id": host_ids[h], "updated_at": i.updated_at}
            | listed
            for h in hosts[i.article_id]
        ]
        for s_pos, s in enumerate(i.data.sections, start=1):
            sections.append(
                {
                    "article_id": i.article_id,
                    "position": s_pos,
                    "heading": s.heading,
                    "question": s.question,
                    "answer": s.answer,
                    "intro": s.intro,
                    "body": s.body,
                    "reaction": s.reaction,
                }
                | listed
            )
            citations += [
                {
                    "article_id": i.article_id,
                    "section_position": s_pos,
                    "position": c_pos,
                    "publisher": c.publisher,
                    "url": c.url,
                    "host": host_of(c.url),
                    "published_on": c.published_on,
                    "summary": c.summary,
                    "comment": c.comment,
                }
                | listed
                for c_pos, c in enumerate(s.citations, start=1)
            ]
    for table, rows in (
        (LINKS, links),
        (HOST_LINKS, host_links),
        (SECTIONS, sections),
        (CITATIONS, citations),
    ):
        bulk_insert(conn, table, rows)


def _converter(column: Column[Any], sqlite_: bool) -> Callable[[Any], Any] | None:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return (lambda v: timestamp_param(v, sqlite=True)) if sqlite_ else None
    if isinstance(kind, JSON):
        return _json_text
    if isinstance(kind, Date) and sqlite_:
        return lambda v: v.isoformat() if v is not None else None
    return None


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


@lru_cache(maxsize=64)
def _bulk_statement(
    table: Table, columns: tuple[str, ...], sqlite_: bool
) -> tuple[str, list[Callable[[Any], Any] | None]]:
    marks = ", ".join("?" if sqlite_ else "%s" for _ in columns)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
    return sql, [_converter(table.c[c], sqlite_) for c in columns]


def bulk_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """``executemany`` straight to the driver, values converted as the column types would.

    The bulk path of imports: SQLAlchemy's per-value bind processing costs more than the
    insert itself at a few dozen rows per article."""
    if not rows:
        return
    columns = tuple(rows[0])
    sqlite_ = conn.dialect.name == "sqlite"
    sql, converters = _bulk_statement(table, columns, sqlite_)
    pick = itemgetter(*columns)
    convert = [(i, f) for i, f in enumerate(converters) if f is not None]
    values: list[tuple[Any, ...]] = []
    # The same timestamps recur on every row of a batch: convert each once.
    memo: dict[tuple[int, Any], Any] = {}
    for row in rows:
        picked = pick(row)
        value = list(picked) if len(columns) > 1 else [picked]
        for i, f in convert:
            raw = value[i]
            if raw is None:
                continue
            if isinstance(raw, datetime):
                key = (i, raw)
                if key not in memo:
                    memo[key] = f(raw)
                value[i] = memo[key]
            else:
                value[i] = f(raw)
        values.append(tuple(value))
    if sqlite_:
        conn.exec_driver_sql(sql, values)
        return
    # PostgreSQL: COPY, on the transaction's own connection, is several times faster than
    # an INSERT per row.
    driver = conn.connection.driver_connection
    assert driver is not None
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for v in values:
                copy.write_row(v)
    except conn.dialect.loaded_dbapi.Error as exc:
        # As in _pg_documents: a statement timeout here is a 503 like anywhere else.
        raise DBAPIError.instance(
            statement, None, exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
        ) from exc


def _name_ids(session: Session, table: Table, names: set[str]) -> dict[str, int]:
    """Ids of keyword or host rows by name, creating missing ones."""
    # Names recur across articles: remember their ids for the rest of the transaction.
    cache: dict[str, int] = session.info.setdefault(_ID_CACHE, {}).setdefault(table.name, {})
    missing = sorted(names - cache.keys())
    if missing:
        conn = _conn(session)
        rows = [{"name": n} for n in missing]
        # Concurrent writers may create the same name: let the unique index arbitrate.
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(dialect.insert(table).on_conflict_do_nothing(), rows)
        found = conn.execute(select(table.c.name, table.c.id).where(table.c.name.in_(missing)))
        cache.update({row[0]: row[1] for row in found})
    return {n: cache[n] for n in names}


def forget_cached_ids(session: Session) -> None:
    """After a rollback the cached keyword ids may name rows that no longer exist."""
    session.info.pop(_ID_CACHE, None)


def _render_values(rendered: Rendered) -> dict[str, Any]:
    return {
        "render_key": rendered.key,
        "etag": rendered.etag,
        "document": rendered.document,
        "summary_etag": rendered.summary_etag,
        "summary": rendered.summary,
        "last_modified": rendered.last_modified,
    }


def insert_renders(session: Session, items: Sequence[tuple[int, Rendered]]) -> None:
    rows = [{"article_id": article_id} | _render_values(r) for article_id, r in items]
    bulk_insert(_conn(session), RENDERS, rows)


def update_render(session: Session, article_id: int, rendered: Rendered) -> None:
    _conn(session).execute(
        update(RENDERS).where(RENDERS.c.article_id == article_id).values(_render_values(rendered))
    )


def record_changes(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Rows of ``kind``, ``article_id``, ``slug``, ``version``, ``at``, ``status``.

    Their ``seq`` numbers must become visible in order, or a client of the changes feed that
    reads past a gap would never see the change that later fills it. Writers hold the writer
    lock from their first statement to commit (``db.make_sessionmaker``), so they commit one
    at a time, each drawing numbers above every number already committed."""
    bulk_insert(_conn(session), CHANGES, rows)


def delete_article(session: Session, article_id: int) -> None:
    _conn(session).execute(delete(ARTICLES).where(ARTICLES.c.id == article_id))


def stale_renders(session: Session, key: str, *, limit: int) -> list[tuple[int, bytes]]:
    """Articles whose stored render was made under another render key."""
    rows = _conn(session).execute(
        select(RENDERS.c.article_id, RENDERS.c.document)
        .where(RENDERS.c.render_key != key)
        .order_by(RENDERS.c.article_id)
        .limit(limit)
    )
    return [(article_id, document) for article_id, document in rows]


def has_articles(session: Session) -> bool:
    return _conn(session).execute(select(ARTICLES.c.id).limit(1)).first() is not None


def bump_version(session: Session) -> None:
    """Mark the store as changed (see ``StoreState``)."""
    _conn(session).execute(update(STATE).where(STATE.c.id == 1).values(version=STATE.c.version + 1))


def documents(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, bytes]]:
    """Slug and stored document of each article in ``ids`` that exists."""
    if not ids:
        return {}
    conn = _conn(session)
    if conn.dialect.name == "postgresql":
        return _pg_documents(conn, ids)
    rows = conn.execute(
        select(RENDERS.c.article_id, ARTICLES.c.slug, RENDERS.c.document)
        .join(ARTICLES, ARTICLES.c.id == RENDERS.c.article_id)
        .where(RENDERS.c.article_id.in_(list(ids)))
    )
    return {article_id: (slug, document) for article_id, slug, document in rows}


_PG_DOCUMENTS = (
    "SELECT r.article_id, a.slug, r.document FROM article_renders r"
    " JOIN articles a ON a.id = r.article_id WHERE r.article_id = ANY(%s)"
)


def _pg_documents(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, bytes]]:
    """PostgreSQL: ``documents`` in binary, on the transaction's own connection. As text, a
    bytea comes hex-encoded, twice its size: 20 documents of a search page took 0.9 ms where
    binary takes 0.45. (SQLAlchemy asks for text results; a binary cursor factory for every
    query breaks its reflection.)"""
    driver = conn.connection.driver_connection
    assert driver is not None
    params = ([int(i) for i in ids],)
    try:
        with driver.cursor(binary=True) as cursor:
            cursor.execute(_PG_DOCUMENTS, params)
            return {article_id: (slug, document) for article_id, slug, document in cursor}
    except conn.dialect.loaded_dbapi.Error as exc:
        # As SQLAlchemy raises what the driver raises for its own statements, so that the
        # error handlers tell a failing database (503) from a fault (500) here too.
        raise DBAPIError.instance(
            _PG_DOCUMENTS, params, exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
        ) from exc


def published_documents(
    session: Session, *, after_id: int, limit: int, ids: Sequence[int] | None = None
) -> list[tuple[int, datetime, bytes]]:
    """Published articles by id, from ``after_id`` on (and among ``ids``, if given): id,
    listing time, stored document."""
    query = (
        select(ARTICLES.c.id, ARTICLES.c.listed_at, RENDERS.c.document)
        .join(RENDERS, RENDERS.c.article_id == ARTICLES.c.id)
        .where(ARTICLES.c.status == "published", ARTICLES.c.id > after_id)
        .order_by(ARTICLES.c.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(ARTICLES.c.id.in_(list(ids)))
    rows = _conn(session).execute(query)
    return [(i, listed_at, document) for i, listed_at, document in rows]


def published_count(session: Session) -> int:
    n: int = (
        _conn(session)
        .execute(select(func.count()).select_from(ARTICLES).where(ARTICLES.c.status == "published"))
        .scalar_one()
    )
    return n
