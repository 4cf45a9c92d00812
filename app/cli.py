"""The ``kiji`` command: serve, import, export, db, keys."""

from __future__ import annotations

import os
import time
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from app.core import migrate
from app.core.config import Settings
from app.core.db import make_engine, make_sessionmaker, unit_of_work
from app.importcli import export_command, import_command
from app.mirror import mirror_command

cli = typer.Typer(
    help="Kiji: a structured-content API for Japanese news articles.", no_args_is_help=True
)
db_cli = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
keys_cli = typer.Typer(help="API keys.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.command("import")(import_command)
cli.command("export")(export_command)
cli.command("mirror")(mirror_command)
cli.add_typer(keys_cli, name="keys")
search_cli = typer.Typer(help="The full-text search index.", no_args_is_help=True)
cli.add_typer(search_cli, name="search")
out = Console()
err = Console(stderr=True)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment; a bad one stops the command with a message naming it."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    except ValidationError as exc:
        for e in exc.errors():
            name = "KIJI_" + "_".join(str(p) for p in e["loc"]).upper()
            err.print(f"[red]invalid setting {name}[/red]: {e['msg']} (got {e.get('input')!r})")
        raise typer.Exit(2) from None


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (KIJI_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (KIJI_PORT).")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (KIJI_WORKERS).")] = None,
) -> None:
    """Run the API. On SQLite, migrates the database and loads samples into an empty one."""
    import uvicorn

    from app.startup import prepare

    settings = load_settings(host=host, port=port, workers=workers)
    url = settings.database_url
    base = settings.public_base_url
    if settings.is_sqlite:
        migrate.upgrade(url)
    engine = make_engine(url, pool_size=2)
    current = migrate.current_revision(engine)
    if current != migrate.head_revision():
        err.print(
            f"[yellow]the database is at {current!r}, not the latest migration: "
            "run `kiji db upgrade`[/yellow]"
        )
    done = prepare(engine, settings)
    engine.dispose()
    if done.samples:
        out.print(f"loaded {len(done.samples)} sample articles: {', '.join(done.samples)}")
    if done.rerendered:
        out.print(f"re-rendered {done.rerendered} stored articles")
    if done.indexed:
        out.print(f"indexed {done.indexed} published articles for search")
    # Worker processes build their app from the environment, so pass the choices on there.
    os.environ.update(
        {
            "KIJI_HOST": settings.host,
            "KIJI_PORT": str(settings.port),
            "KIJI_WORKERS": str(settings.workers),
        }
    )
    out.print(f"Kiji is serving on [bold]{base}[/bold]  (docs: {base}/docs)")
    uvicorn.run(
        "app.main:served_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        access_log=False,
        log_level=settings.log_level.lower(),
    )


@search_cli.command("reindex")
def search_reindex(
    jobs: Annotated[
        int, typer.Option(help="Worker processes that cut the text (0: this process).", min=0)
    ] = max(1, os.cpu_count() or 1),
) -> None:
    """Rebuild the search index from the stored articles (after an upgrade of the segmenter)."""
    from app.search import service as search

    settings = load_settings()
    engine = make_engine(settings.database_url, pool_size=1)
    started = time.perf_counter()
    with unit_of_work(make_sessionmaker(engine, write=True)) as session:
        done = search.reindex(session, processes=jobs)
    engine.dispose()
    out.print(f"indexed {done} published articles in {time.perf_counter() - started:.1f} s")


@db_cli.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Migrate the database up to REVISION (default: the latest)."""
    settings = load_settings()
    migrate.upgrade(settings.database_url, revision)
    out.print(f"database at {revision}")


@db_cli.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision (`base` empties it).")],
) -> None:
    """Migrate the database down to REVISION."""
    settings = load_settings()
    migrate.downgrade(settings.database_url, revision)
    out.print(f"database at {revision}")


@db_cli.command("current")
def db_current() -> None:
    """Print the database's migration and the latest one."""
    settings = load_settings()
    engine = make_engine(settings.database_url, pool_size=1)
    out.print(f"current: {migrate.current_revision(engine)}  latest: {migrate.head_revision()}")
    engine.dispose()


@keys_cli.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="Who or what the key is for.")],
    scope: Annotated[
        list[str],
        typer.Option(help="A scope: read, drafts, write, syndicate or admin (repeatable)."),
    ],
    profile: Annotated[
        str,
        typer.Option(help="`full`, or `summary` for summary-only (read, drafts, syndicate)."),
    ] = "full",
) -> None:
    """Issue a key and print its secret (shown only this once)."""
    from app.auth import service
    from app.auth.schemas import KeyIn

    settings = load_settings()
    try:
        data = KeyIn.model_validate({"name": name, "scopes": scope, "profile": profile})
    except ValidationError as exc:
        for e in exc.errors():
            err.print(f"[red]invalid {'.'.join(map(str, e['loc'])) or 'key'}[/red]: {e['msg']}")
        raise typer.Exit(2) from None
    engine = make_engine(settings.database_url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=True)) as session:
        created = service.create(session, data=data)
    engine.dispose()
    err.print(
        f"key {created.id} ({created.name}; {', '.join(created.scopes)}); "
        "store it now, it is not shown again:"
    )
    print(created.key)


@keys_cli.command("list")
def keys_list() -> None:
    """List keys (never their secrets)."""
    from app.auth import service

    settings = load_settings()
    engine = make_engine(settings.database_url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=False)) as session:
        keys = service.list_keys(session)
    engine.dispose()
    table = Table("id", "name", "scopes", "profile", "created")
    for k in keys:
        table.add_row(str(k.id), k.name, ", ".join(k.scopes), k.profile, k.created_at.isoformat())
    out.print(table)


@keys_cli.command("delete")
def keys_delete(key_id: Annotated[int, typer.Argument(help="The key's id.")]) -> None:
    """Revoke a key."""
    from app.auth import service
    from app.core.errors import NotFound

    settings = load_settings()
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        with unit_of_work(make_sessionmaker(engine, write=True)) as session:
            service.revoke(session, key_id=key_id)
    except NotFound as exc:
        err.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    out.print(f"key {key_id} revoked")


def main() -> None:
    cli(prog_name="kiji")


if __name__ == "__main__":
    main()
