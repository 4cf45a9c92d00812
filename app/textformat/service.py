"""Imports: text, Markdown or JSON inputs parsed, validated and stored by slug.

One implementation for `POST /v1/imports` and `kiji import`. The caller's unit of work owns
the transaction: an atomic import that meets an invalid input raises, so nothing is stored;
a non-atomic one keeps each input in its own savepoint."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.articles import service, slugs
from app.articles.schemas import ArticleIn
from app.core.errors import InvalidInput
from app.core.validation import body_errors
from app.textformat.exporter import export
from app.textformat.markdown import to_markdown
from app.textformat.worker import Kind, Parsed, parse_input

T = TypeVar("T")
OnConflict = Literal["update", "skip", "fail"]
Status = Literal["created", "updated", "unchanged", "skipped", "invalid"]


@dataclass(frozen=True, slots=True)
class ImportInput:
    name: str
    kind: Kind
    payload: str | bytes | Any


@dataclass(slots=True)
class ImportResult:
    name: str
    status: Status
    slug: str | None = None
    version: int | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    document: dict[str, Any] | None = None

    def as_dict(self, *, with_document: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "status": self.status,
            "slug": self.slug,
            "version": self.version,
            "warnings": [_issue(i) for i in self.warnings],
            "errors": [_issue(i) for i in self.errors],
        }
        if with_document:
            out["document"] = self.document
        return out


def _issue(issue: dict[str, Any]) -> dict[str, Any]:
    """One shape for every warning and error, whichever input it is about: the template's
    ``line``, the JSON document's ``pointer`` (the other null), and the ``message``."""
    return {
        "line": issue.get("line"),
        "pointer": issue.get("pointer"),
        "message": issue["message"],
    }


class ImportFailed(InvalidInput):
    """An atomic import met invalid input: nothing was stored."""

    title = "Import failed"

    def __init__(self, results: list[ImportResult], *, dry_run: bool) -> None:
        invalid = [r.name for r in results if r.status == "invalid"]
        super().__init__(
            f"{len(invalid)} of {len(results)} input(s) are invalid; nothing was stored",
            extra={
                "dry_run": dry_run,
                "results": [r.as_dict(with_document=dry_run) for r in results],
            },
        )
        self.results = results


def _validated(doc: Any, result: ImportResult) -> ArticleIn | None:
    try:
        return ArticleIn.model_validate(doc)
    except ValidationError as exc:
        result.errors = body_errors(exc.errors())
        return None


@dataclass(slots=True)
class Prepared:
    """An input parsed and validated, ready to store (made without a database, so it can be
    made in another process)."""

    result: ImportResult
    data: ArticleIn | None
    slug: str = ""


def prepare(item: ImportInput, *, keep_document: bool) -> Prepared:
    """Parse and validate one input (no database work)."""
    return validate(parse_input(item.name, item.kind, item.payload), keep_document=keep_document)


def validate(parsed: Parsed, *, keep_document: bool) -> Prepared:
    """Validate a parsed input into an article document, or record why it is invalid."""
    result = ImportResult(parsed.name, "invalid", warnings=parsed.warnings, errors=parsed.errors)
    if parsed.errors:
        return Prepared(result, None)
    data = _validated(parsed.document, result)
    if data is None:
        return Prepared(result, None)
    if keep_document:
        result.document = data.model_dump(mode="json")
    return Prepared(result, data, data.slug or parsed.slug or slugs.romanise(data.title))


class _Batch:
    """Stores prepared inputs in order; new articles are buffered and created in bulk."""

    def __init__(self, session: Session, *, on_conflict: OnConflict, base_url: str) -> None:
        self.session = session
        self.on_conflict = on_conflict
        self.base_url = base_url
        self.pending: list[Prepared] = []
        self.known: dict[str, service.Current] = {}
        self.stale: set[str] = set()  # written in this batch: re-read before another write

    def lookup(self, slugs_: list[str]) -> None:
        self.known = service.existing(self.session, slugs_)

    def store(self, p: Prepared) -> None:
        assert p.data is not None
        if any(q.slug == p.slug for q in self.pending):
            self.flush()  # the same slug twice in one batch: the later one sees the first
        if p.slug in self.stale:
            self.stale.discard(p.slug)
            found = service.current(self.session, p.slug)
            if found is not None:
                self.known[p.slug] = found
        current = self.known.get(p.slug)
        if current is None:
            self.pending.append(p)
            return
        if self.on_conflict == "skip":
            p.result.status, p.result.slug, p.result.version = "skipped", p.slug, current.version
        elif self.on_conflict == "fail":
            p.result.status, p.result.slug = "invalid", p.slug
            p.result.errors = [
                {"pointer": "/slug", "message": f"an article {p.slug!r} already exists"}
            ]
        else:
            written = service.apply(self.session, current, p.data, base_url=self.base_url)
            self._written(p, written)
            self._refresh(p.slug)

    def flush(self) -> None:
        if not self.pending:
            return
        items = [(p.slug, p.data) for p in self.pending if p.data is not None]
        for p, written in zip(
            self.pending,
            service.create_many(self.session, items, base_url=self.base_url),
            strict=True,
        ):
            self._written(p, written)
            self._refresh(p.slug)
        self.pending = []

    def _written(self, p: Prepared, written: service.WriteResult) -> None:
        p.result.status, p.result.slug, p.result.version = (
            written.status,
            written.slug,
            written.version,
        )

    def _refresh(self, slug: str) -> None:
        self.stale.add(slug)


def run(
    session: Session,
    inputs: Iterable[ImportInput],
    *,
    dry_run: bool = False,
    on_conflict: OnConflict = "update",
    atomic: bool = True,
    base_url: str = "",
) -> list[ImportResult]:
    """Import every input; see the module docstring for the transaction rules."""
    prepared = [prepare(item, keep_document=dry_run) for item in inputs]
    return store(
        session,
        prepared,
        dry_run=dry_run,
        on_conflict=on_conflict,
        atomic=atomic,
        base_url=base_url,
    )


def store(
    session: Session,
    prepared: list[Prepared],
    *,
    dry_run: bool = False,
    on_conflict: OnConflict = "update",
    atomic: bool = True,
    base_url: str = "",
) -> list[ImportResult]:
    """Store prepared inputs, in order; the results of every input, invalid ones included."""
    valid = [p for p in prepared if p.data is not None]
    outer = session.begin_nested() if dry_run else None
    try:
        if atomic or dry_run:
            _store_all(session, valid, on_conflict=on_conflict, base_url=base_url)
        else:
            _store_each_safely(session, valid, on_conflict=on_conflict, base_url=base_url)
    finally:
        if outer is not None:
            outer.rollback()
            service.reset_caches(session)
    results = [p.result for p in prepared]
    if atomic and any(r.status == "invalid" for r in results):
        raise ImportFailed(results, dry_run=dry_run)
    return results


def _store_all(
    session: Session, valid: list[Prepared], *, on_conflict: OnConflict, base_url: str
) -> None:
    batch = _Batch(session, on_conflict=on_conflict, base_url=base_url)
    batch.lookup([p.slug for p in valid])
    for p in valid:
        batch.store(p)
    batch.flush()


def _store_each_safely(
    session: Session, valid: list[Prepared], *, on_conflict: OnConflict, base_url: str
) -> None:
    """Non-atomic: try the whole batch in one savepoint; if the database refuses it (a slug
    taken by a concurrent writer, say), redo it one input per savepoint so only the inputs
    at fault fail."""
    try:
        with session.begin_nested():
            _store_all(session, valid, on_conflict=on_conflict, base_url=base_url)
        return
    except IntegrityError:
        service.reset_caches(session)
    for p in valid:
        p.result.status = "invalid"
        try:
            with session.begin_nested():
                _store_all(session, [p], on_conflict=on_conflict, base_url=base_url)
        except IntegrityError as exc:
            service.reset_caches(session)
            p.result.status = "invalid"
            p.result.errors = [{"pointer": "/slug", "message": f"not stored: {exc.orig}"}]


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def represent(document: dict[str, Any], kind: Literal["text", "markdown"]) -> str:
    """The stored document in the editorial text template or in Markdown."""
    return export(document) if kind == "text" else to_markdown(document)
