"""`kiji import` and `kiji export`: the import service and the exporters over files."""

from __future__ import annotations

import os
import time
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
from app.core import workers
from app.core.db import make_engine, make_sessionmaker, unit_of_work
from app.search import indexing as search_index
from app.search import service as search
from app.textformat import service, worker
from app.textformat.service import ImportResult

CHUNK = 250
SUFFIXES = (".txt", ".md", ".markdown", ".json")
out = Console()
err = Console(stderr=True)


def _files(paths: list[Path]) -> Iterator[Path]:
    """The files to import, in name order, walked lazily: one directory's listing is held at
    a time, so memory stays flat however many files there are."""
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for root, dirs, names in os.walk(path):
            dirs.sort()
            for name in sorted(names):
                if Path(name).suffix in SUFFIXES:
                    yield Path(root) / name


def _sources(paths: list[Path], kind: worker.Kind | None) -> Iterator[worker.Source]:
    if [str(p) for p in paths] == ["-"]:
        yield ("-", kind)
        return
    for path in _files(paths):
        yield (str(path), kind)


def _parsed_batches(
    sources: Iterator[worker.Source], *, chunk: int, jobs: int
) -> Iterator[list[worker.Parsed]]:
    """Parsed batches in input order. With jobs > 0, a worker process (``python -m
    app.textformat.worker``, light imports only) reads, parses and romanises ahead while this
    process validates and stores."""
    batches = service.chunks(sources, chunk)
    if jobs <= 0:
        for batch in batches:
            yield worker.parse_files(batch)
        return
    requests = (orjson.dumps(batch) for batch in batches)
    for line in workers.ordered("app.textformat.worker", requests, processes=jobs):
        yield [worker.from_dict(d) for d in orjson.loads(line)]


def _report(result: ImportResult) -> None:
    for e in result.errors:
        where = e.get("line") or 1
        pointer = f" ({e['pointer']})" if e.get("pointer") else ""
        err.print(
            f"{result.name}:{where}: {e['message']}{pointer}", highlight=False, soft_wrap=True
        )


class _Rollback(Exception):
    """An atomic import met invalid input: undo everything."""


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
    jobs: Annotated[
        int,
        typer.Option(help="1: a worker process parses ahead of the store; 0: none.", min=0, max=1),
    ] = 1,
    defer_index: Annotated[
        bool | None,
        typer.Option(
            "--defer-index/--inline-index",
            help=(
                "Write the search index after every input is stored, its text cut in worker"
                " processes (faster), or with each chunk. Default: deferred when atomic (still"
                " one transaction); inline with --no-atomic, where deferring means the"
                " articles become searchable only at the end."
            ),
        ),
    ] = None,
    index_jobs: Annotated[
        int, typer.Option(help="Worker processes that cut text for a deferred index.", min=0)
    ] = 1,
) -> None:
    """Import articles from template text, Markdown or JSON files."""
    from app.cli import load_settings

    if on_conflict not in ("update", "skip", "fail"):
        raise typer.BadParameter("must be update, skip or fail", param_hint="--on-conflict")
    if format not in (None, "text", "markdown", "json"):
        raise typer.BadParameter("must be text, markdown or json", param_hint="--format")
    settings = load_settings()
    stdin = [str(p) for p in paths] == ["-"]
    # Counting walks the tree once more: only worth it for a progress bar on a terminal.
    total = sum(1 for _ in _files(paths)) if err.is_terminal and not stdin else None
    batches = _parsed_batches(
        _sources(paths, format),  # type: ignore[arg-type]
        chunk=chunk,
        jobs=0 if stdin else jobs,
    )
    counts: Counter[str] = Counter()
    progress = Progress(
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.0f}/s"),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
    )
    deferred = (atomic if defer_index is None else defer_index) and not dry_run
    engine = make_engine(settings.database_url, pool_size=1)
    started = time.perf_counter()
    indexed_before = search_index.SPENT.seconds
    index_seconds = 0.0
    try:
        with progress, unit_of_work(make_sessionmaker(engine, write=True)) as session:
            if deferred:
                search.defer_indexing(session)
            task = progress.add_task("import", total=total, rate=0.0)
            for parsed in batches:
                prepared = [service.validate(p, keep_document=dry_run) for p in parsed]
                results = service.store(
                    session,
                    prepared,
                    dry_run=dry_run,
                    on_conflict=on_conflict,  # type: ignore[arg-type]
                    atomic=False,
                    base_url=settings.public_base_url,
                )
                for r in results:
                    counts[r.status] += 1
                    _report(r)
                progress.advance(task, len(prepared))
                progress.update(task, rate=progress.tasks[0].speed or 0.0)
                if not err.is_terminal:
                    err.print(f"{sum(counts.values())} inputs done", highlight=False)
                if not atomic:
                    session.commit()
            if atomic and counts["invalid"]:
                raise _Rollback
            if deferred:
                stored_at = time.perf_counter()
                if not err.is_terminal:
                    err.print("writing the search index", highlight=False)
                search.index_deferred(
                    session,
                    processes=index_jobs,
                    after_batch=None if atomic else session.commit,
                )
                index_seconds = time.perf_counter() - stored_at
    except _Rollback:
        pass
    finally:
        engine.dispose()
    table = Table("status", "inputs", title="dry run" if dry_run else "import")
    for status in ("created", "updated", "unchanged", "skipped", "invalid"):
        table.add_row(status, str(counts[status]))
    out.print(table)
    seconds = time.perf_counter() - started
    done = sum(counts.values())
    # The search index share is reported apart: it is most of the cost of a bulk import.
    if dry_run or (atomic and counts["invalid"]):
        out.print(f"{done} inputs checked in {seconds:.1f} s, none stored", highlight=False)
    else:
        if deferred:
            indexing = f"then the search index in {index_seconds:.1f} s"
            store_seconds = seconds - index_seconds
        else:
            spent = search_index.SPENT.seconds - indexed_before
            indexing = f"of which search indexing {spent:.1f} s"
            store_seconds = seconds
        out.print(
            f"{done} inputs stored in {store_seconds:.1f} s"
            f" ({done / store_seconds if store_seconds else 0:.0f}/s), {indexing}",
            highlight=False,
        )
    if counts["invalid"]:
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
