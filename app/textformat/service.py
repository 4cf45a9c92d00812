"""Imports: text, Markdown or JSON inputs parsed, validated and stored by slug.

One implementation for `POST /v1/imports` and `kiji import`. The caller's unit of work owns
the transaction: an atomic import that meets an invalid input raises, so nothing is stored;
a non-atomic one keeps each input in its own savepoint."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.articles import repository, service, slugs
from app.articles.schemas import ArticleIn
from app.core.errors import InvalidInput
from app.core.validation import body_errors
from app.textformat.exporter import export
from app.textformat.markdown import parse_markdown, to_markdown
from app.textformat.parser import parse
from app.textformat.result import ParsedArticle

Kind = Literal["text", "markdown", "json"]
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
            "warnings": self.warnings,
            "errors": self.errors,
        }
        if with_document:
            out["document"] = self.document
        return out


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


def kind_for(name: str, default: Kind = "text") -> Kind:
    lower = name.lower()
    if lower.endswith((".md", ".markdown")):
        return "markdown"
    if lower.endswith(".json"):
        return "json"
    if lower.endswith(".txt"):
        return "text"
    return default


def _issues(parsed: ParsedArticle, which: str) -> list[dict[str, Any]]:
    return [{"line": i.line, "message": i.message} for i in getattr(parsed, which)]


def _document(item: ImportInput, result: ImportResult) -> Any:
    """The input as a document to validate, or None (with errors set) when it does not parse."""
    if item.kind == "json":
        return item.payload
    parsed = parse(item.payload) if item.kind == "text" else parse_markdown(_text(item.payload))
    result.warnings = _issues(parsed, "warnings")
    if parsed.document is None:
        result.errors = _issues(parsed, "errors")
        return None
    return dict(parsed.document)


def _text(payload: str | bytes | Any) -> str:
    if isinstance(payload, bytes):
        return payload.decode("utf-8", errors="replace")
    return str(payload)


def _validated(doc: Any, result: ImportResult) -> ArticleIn | None:
    try:
        return ArticleIn.model_validate(doc)
    except ValidationError as exc:
        result.errors = body_errors(exc.errors())
        return None


def _store(
    session: Session,
    data: ArticleIn,
    result: ImportResult,
    *,
    on_conflict: OnConflict,
    base_url: str,
) -> None:
    slug = data.slug or slugs.romanise(data.title)
    current = repository.find_current(session, slug, lock=True)
    if current is None:
        written = service.create(
            session, data=data.model_copy(update={"slug": slug}), base_url=base_url
        )
    elif on_conflict == "skip":
        result.status, result.slug, result.version = "skipped", slug, current.version
        return
    elif on_conflict == "fail":
        result.status, result.slug = "invalid", slug
        result.errors = [{"pointer": "/slug", "message": f"an article {slug!r} already exists"}]
        return
    else:
        written = service.apply(session, current, data, base_url=base_url)
    result.status, result.slug, result.version = written.status, written.slug, written.version


def import_one(
    session: Session,
    item: ImportInput,
    *,
    on_conflict: OnConflict,
    base_url: str,
    keep_document: bool = False,
) -> ImportResult:
    result = ImportResult(item.name, "invalid")
    doc = _document(item, result)
    data = _validated(doc, result) if doc is not None else None
    if data is None:
        return result
    if keep_document:
        result.document = data.model_dump(mode="json", exclude_none=False)
    _store(session, data, result, on_conflict=on_conflict, base_url=base_url)
    return result


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
    results: list[ImportResult] = []
    outer = session.begin_nested() if dry_run else None
    for item in inputs:
        results.append(_one_guarded(session, item, atomic, on_conflict, base_url, dry_run))
    if outer is not None:
        outer.rollback()
    if atomic and any(r.status == "invalid" for r in results):
        raise ImportFailed(results, dry_run=dry_run)
    return results


def _one_guarded(
    session: Session,
    item: ImportInput,
    atomic: bool,
    on_conflict: OnConflict,
    base_url: str,
    dry_run: bool,
) -> ImportResult:
    if atomic:
        return import_one(
            session, item, on_conflict=on_conflict, base_url=base_url, keep_document=dry_run
        )
    savepoint = session.begin_nested()
    result = import_one(
        session, item, on_conflict=on_conflict, base_url=base_url, keep_document=dry_run
    )
    if result.status == "invalid":
        savepoint.rollback()
    else:
        savepoint.commit()
    return result


def chunks(items: Iterable[ImportInput], size: int) -> Iterator[list[ImportInput]]:
    batch: list[ImportInput] = []
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
