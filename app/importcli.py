"""`kiji import` and `kiji export`: the import service and the exporters over files."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import select

from app.articles.models import ArticleRender
from app.core.db import make_engine, make_sessionmaker, unit_of_work
from app.textformat import service
from app.textformat.service import ImportFailed, ImportInput, ImportResult

CHUNK = 500
SUFFIXES = (".txt", ".md", ".markdown", ".json")
out = Console()
err = Console(stderr=True)


def _files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
        else:
            yield path


def _inputs(paths: list[Path], kind: service.Kind | None) -> Iterator[ImportInput]:
    """Inputs read lazily, one file at a time, so memory stays flat however many there are."""
    if [str(p) for p in paths] == ["-"]:
        yield ImportInput("<stdin>", kind or "text", sys.stdin.buffer.read())
        return
    for path in _files(paths):
        chosen = kind or service.kind_for(path.name)
        data = path.read_bytes()
        if chosen == "json":
            try:
                docs = orjson.loads(data)
            except orjson.JSONDecodeError as exc:
                yield ImportInput(str(path), "text", b"")  # reported as invalid below
                err.print(f"{path}:1: not valid JSON: {exc}")
                continue
            for i, doc in enumerate(docs if isinstance(docs, list) else [docs]):
                yield ImportInput(
                    f"{path}[{i}]" if isinstance(docs, list) else str(path), "json", doc
                )
        else:
            yield ImportInput(str(path), chosen, data)


def _report(result: ImportResult) -> None:
    for e in result.errors:
        where = e.get("line") or 1
        pointer = f" ({e['pointer']})" if e.get("pointer") else ""
        err.print(
            f"{result.name}:{where}: {e['message']}{pointer}", highlight=False, soft_wrap=True
        )


def import_command(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or directories (recursive); `-` is stdin.")
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Parse and validate only.")] = False,
    on_conflict: Annotated[
        str, typer.Option(help="When the slug exists: update, skip or fail.")
    ] = "update",
    atomic: Annotated[
        bool,
        typer.Option("--atomic/--no-atomic", help="Any invalid input means nothing is stored."),
    ] = True,
    format: Annotated[
        str | None, typer.Option(help="text, markdown or json (default: by file extension).")
    ] = None,
    chunk: Annotated[int, typer.Option(help="Inputs per batch.", min=1)] = CHUNK,
) -> None:
    """Import articles from template text, Markdown or JSON files."""
    from app.cli import load_settings

    if on_conflict not in ("update", "skip", "fail"):
        raise typer.BadParameter("must be update, skip or fail", param_hint="--on-conflict")
    if format not in (None, "text", "markdown", "json"):
        raise typer.BadParameter("must be text, markdown or json", param_hint="--format")
    settings = load_settings()
    engine = make_engine(settings.database_url, pool_size=1)
    counts: Counter[str] = Counter()
    failed = False
    progress = Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.0f}/s"),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
    )
    total = None if [str(p) for p in paths] == ["-"] else sum(1 for _ in _files(paths))
    writes = make_sessionmaker(engine, write=True)
    try:
        with progress:
            task = progress.add_task("import", total=total, rate=0.0)
            session_cm = unit_of_work(writes)
            session = session_cm.__enter__()
            try:
                for batch in service.chunks(_inputs(paths, format), chunk):  # type: ignore[arg-type]
                    results = service.run(
                        session,
                        batch,
                        dry_run=dry_run,
                        on_conflict=on_conflict,  # type: ignore[arg-type]
                        atomic=False,
                        base_url=settings.base_url.rstrip("/"),
                    )
                    for r in results:
                        counts[r.status] += 1
                        _report(r)
                    progress.advance(task, len(batch))
                    speed = progress.tasks[0].speed or 0.0
                    progress.update(task, rate=speed)
                    if not err.is_terminal:
                        err.print(f"{sum(counts.values())} inputs done", highlight=False)
                    if not atomic:
                        session.commit()
                failed = counts["invalid"] > 0
                if failed and atomic:
                    raise ImportFailed([], dry_run=dry_run)
            except BaseException as exc:
                session_cm.__exit__(type(exc), exc, exc.__traceback__)
                if not isinstance(exc, ImportFailed):
                    raise
            else:
                session_cm.__exit__(None, None, None)
    finally:
        engine.dispose()
    table = Table("status", "inputs", title="dry run" if dry_run else "import")
    for status in ("created", "updated", "unchanged", "skipped", "invalid"):
        table.add_row(status, str(counts[status]))
    out.print(table)
    if failed:
        note = "nothing was stored" if atomic else "the valid inputs were stored"
        err.print(f"{counts['invalid']} invalid input(s); {note}")
        raise typer.Exit(1)


def export_command(
    directory: Annotated[Path, typer.Argument(help="Folder to write one file per article into.")],
    format: Annotated[str, typer.Option(help="text, markdown or json.")] = "text",
) -> None:
    """Write every article (drafts included) to DIRECTORY, one file per article."""
    from app.cli import load_settings

    suffix = {"text": ".txt", "markdown": ".md", "json": ".json"}.get(format)
    if suffix is None:
        raise typer.BadParameter("must be text, markdown or json", param_hint="--format")
    settings = load_settings()
    directory.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url, pool_size=1)
    written = 0
    with engine.connect() as conn:
        rows = conn.execution_options(yield_per=500).execute(
            select(ArticleRender.document).order_by(ArticleRender.article_id)
        )
        for (raw,) in rows:
            doc = orjson.loads(raw)
            kind: Literal["text", "markdown"] | None = None if format == "json" else format  # type: ignore[assignment]
            body = (
                orjson.dumps(doc, option=orjson.OPT_INDENT_2)
                if kind is None
                else service.represent(doc, kind).encode()
            )
            (directory / f"{doc['slug']}{suffix}").write_bytes(body)
            written += 1
    engine.dispose()
    out.print(f"wrote {written} article(s) to {directory}")
