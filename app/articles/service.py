"""Rules of the article store: creating, replacing, patching and deleting articles.

Services never commit: the caller's unit of work (the request or the CLI command) does."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.articles import merge_patch, render, repository, slugs
from app.articles.schemas import ArticleIn, ArticleOut
from app.core.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from app.core.http import match
from app.core.validation import body_errors
from app.search import indexing as search_index

WriteStatus = Literal["created", "updated", "unchanged"]
_SLUG_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class WriteResult:
    status: WriteStatus
    id: int
    slug: str
    version: int
    document: bytes
    etag: str
    last_modified: str


Current = repository.Current


def existing(session: Session, slugs_: list[str]) -> dict[str, Current]:
    """The articles among ``slugs_`` that exist (current until the writer commits)."""
    return repository.find_many(session, slugs_)


def current(session: Session, slug: str) -> Current | None:
    return repository.find_current(session, slug)


def reset_caches(session: Session) -> None:
    """Call after rolling back a savepoint that wrote articles."""
    repository.forget_cached_ids(session)


def _now() -> datetime:
    return datetime.now(UTC)


def content_hash(data: ArticleIn, published_at: datetime | None) -> str:
    """Fingerprint of everything a client controls, so an identical write can be a no-op."""
    content = data.model_dump(mode="json", exclude={"slug", "published_at"})
    content["published_at"] = published_at.isoformat() if published_at else None
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _free_slug(session: Session, title: str) -> str:
    base = slugs.romanise(title)
    taken = repository.slugs_with_base(session, base)
    n = 1
    while slugs.with_suffix(base, n) in taken:
        n += 1
    return slugs.with_suffix(base, n)


def _first_published(data: ArticleIn, previous: datetime | None, now: datetime) -> datetime | None:
    if data.published_at is not None:
        return data.published_at
    if previous is not None:
        return previous
    return now if data.status == "published" else None


def create(session: Session, *, data: ArticleIn, base_url: str) -> WriteResult:
    """Create one article; its slug is romanised from the title (with -2, -3...) if not given."""
    if data.slug is not None and repository.find_current(session, data.slug) is not None:
        raise Conflict(
            f"an article with slug {data.slug!r} already exists",
            errors=[{"pointer": "/slug", "message": "already taken"}],
        )
    for attempt in range(1, _SLUG_ATTEMPTS + 1):
        slug = data.slug or _free_slug(session, data.title)
        try:
            with session.begin_nested():
                [result] = create_many(session, [(slug, data)], base_url=base_url)
            return result
        except IntegrityError as exc:
            repository.forget_cached_ids(session)
            # Writers take turns (the writer lock), so only one that bypassed it could take
            # the slug between our check and our insert: a generated slug moves on to the
            # next suffix, a chosen one is a conflict.
            if data.slug is not None or attempt == _SLUG_ATTEMPTS:
                raise Conflict(f"an article with slug {slug!r} already exists") from exc
    raise AssertionError("unreachable")  # pragma: no cover


def create_many(
    session: Session, items: list[tuple[str, ArticleIn]], *, base_url: str
) -> list[WriteResult]:
    """Create articles under slugs known to be free, in bulk (the import path)."""
    if not items:
        return []
    now = _now()
    new = []
    for slug, data in items:
        published_at = _first_published(data, None, now)
        new.append(
            repository.NewArticle(slug, data, content_hash(data, published_at), published_at)
        )
    repository.bump_version(session)
    ids = repository.insert_articles(session, new, now=now)
    repository.insert_children(
        session,
        [
            repository.Children(i, n.data, n.published_at or now, now)
            for i, n in zip(ids, new, strict=True)
        ],
    )
    results = []
    renders = []
    for article_id, n in zip(ids, new, strict=True):
        server = render.ServerFields(article_id, n.slug, 1, now, now, n.published_at)
        rendered = render.render(n.data, server, base_url=base_url)
        renders.append((article_id, rendered))
        results.append(_result("created", server, rendered))
    repository.insert_renders(session, renders)
    search_index.add(
        session,
        [(i, n.published_at or now, n.data) for i, n in zip(ids, new, strict=True)],
    )
    repository.record_changes(
        session,
        [
            {
                "kind": "create",
                "article_id": i,
                "slug": n.slug,
                "version": 1,
                "at": now,
                "status": n.data.status,
            }
            for i, n in zip(ids, new, strict=True)
        ],
    )
    return results


def _result(status: WriteStatus, server: render.ServerFields, r: render.Rendered) -> WriteResult:
    return WriteResult(
        status, server.id, server.slug, server.version, r.document, r.etag, r.last_modified
    )


def _require(session: Session, slug: str, if_match: str | None) -> repository.Current:
    current = repository.find_current(session, slug)
    if current is None:
        raise NotFound(f"no article with slug {slug!r}")
    if not match(if_match, current.etag):
        raise PreconditionFailed(
            "If-Match does not match the article's current ETag",
            extra={"etag": current.etag},
        )
    return current


def replace(
    session: Session, *, slug: str, data: ArticleIn, if_match: str | None, base_url: str
) -> WriteResult:
    if data.slug is not None and data.slug != slug:
        raise InvalidInput(
            "the slug of an article cannot change",
            errors=[{"pointer": "/slug", "message": f"must be {slug!r} or absent"}],
        )
    current = _require(session, slug, if_match)
    return apply(session, current, data, base_url=base_url)


def apply(
    session: Session, current: repository.Current, data: ArticleIn, *, base_url: str
) -> WriteResult:
    """Make ``current`` hold ``data``; a no-op (``unchanged``) when the content is the same."""
    now = _now()
    published_at = _first_published(data, current.published_at, now)
    digest = content_hash(data, published_at)
    if digest == current.content_hash:
        return WriteResult(
            "unchanged",
            current.id,
            current.slug,
            current.version,
            current.document,
            current.etag,
            current.last_modified,
        )
    version = current.version + 1
    repository.bump_version(session)
    repository.update_article(
        session,
        current.id,
        data=data,
        content_hash=digest,
        published_at=published_at,
        listed_at=published_at or current.created_at,
        version=version,
        now=now,
    )
    search_index.drop(session, current.id, current.document)
    repository.delete_children(session, current.id)
    repository.insert_children(
        session, [repository.Children(current.id, data, published_at or current.created_at, now)]
    )
    server = render.ServerFields(
        current.id, current.slug, version, current.created_at, now, published_at
    )
    rendered = render.render(data, server, base_url=base_url)
    repository.update_render(session, current.id, rendered)
    search_index.add(session, [(current.id, published_at or current.created_at, data)])
    repository.record_changes(
        session,
        [
            {
                "kind": "update",
                "article_id": current.id,
                "slug": current.slug,
                "version": version,
                "at": now,
                "status": data.status,
            }
        ],
    )
    return _result("updated", server, rendered)


def patch(
    session: Session, *, slug: str, changes: Any, if_match: str | None, base_url: str
) -> WriteResult:
    """Apply a JSON Merge Patch (RFC 7396) to the article's client-controlled fields."""
    if not isinstance(changes, dict):
        raise InvalidInput(
            "a merge patch must be a JSON object",
            errors=[{"pointer": "", "message": "must be an object"}],
        )
    current = _require(session, slug, if_match)
    base = render.input_dict(ArticleOut.model_validate_json(current.document))
    merged = merge_patch.apply(base, changes)
    try:
        data = ArticleIn.model_validate(merged)
    except ValidationError as exc:
        raise InvalidInput(
            "the patched article is not valid", errors=body_errors(exc.errors())
        ) from exc
    if data.slug != slug:
        raise InvalidInput(
            "the slug of an article cannot change",
            errors=[{"pointer": "/slug", "message": f"must be {slug!r}"}],
        )
    return apply(session, current, data, base_url=base_url)


def delete(session: Session, *, slug: str, if_match: str | None) -> None:
    current = _require(session, slug, if_match)
    repository.bump_version(session)
    search_index.drop(session, current.id, current.document)
    repository.delete_article(session, current.id)
    repository.record_changes(
        session,
        [
            {
                "kind": "delete",
                "article_id": current.id,
                "slug": current.slug,
                "version": current.version + 1,
                "at": _now(),
                "status": current.status,
            }
        ],
    )


def is_empty(session: Session) -> bool:
    return not repository.has_articles(session)


def has_stale_renders(session: Session, *, base_url: str) -> bool:
    """Whether ``rerender_stale`` has anything to do."""
    return bool(repository.stale_renders(session, render.render_key(base_url), limit=1))


def rerender_stale(session: Session, *, base_url: str, batch: int = 500) -> int:
    """Rebuild renders made by an older renderer or for another base URL; returns how many."""
    key = render.render_key(base_url)
    done = 0
    while rows := repository.stale_renders(session, key, limit=batch):
        if not done:
            repository.bump_version(session)
        for article_id, stored in rows:
            doc = ArticleOut.model_validate_json(stored)
            server = render.ServerFields(
                article_id, doc.slug, doc.version, doc.created_at, doc.updated_at, doc.published_at
            )
            fresh = render.render(render.as_input(doc), server, base_url=base_url)
            repository.update_render(session, article_id, fresh)
        done += len(rows)
    return done


def documents(session: Session, ids: list[int]) -> dict[int, tuple[str, bytes]]:
    """Slug and stored document (JSON) of each existing article in ``ids``."""
    return repository.documents(session, ids)


def published_documents(session: Session, after_id: int) -> list[tuple[int, datetime, bytes]]:
    """The next published articles after ``after_id``: id, listing time, stored document."""
    return repository.published_documents(session, after_id=after_id, limit=200)


def published_documents_of(session: Session, ids: list[int]) -> list[tuple[int, datetime, bytes]]:
    """The articles of ``ids`` that are published: id, listing time, stored document."""
    return repository.published_documents(session, after_id=0, limit=len(ids), ids=ids)


def published_count(session: Session) -> int:
    return repository.published_count(session)
