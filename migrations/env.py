"""Alembic environment: runs migrations on the connection or URL that Kiji hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from app.core.db import make_engine
from app.core.schema import metadata
from app.search.index import SEARCH_TABLE_PREFIX

config = context.config


def _include_name(name: str | None, type_: str, parents: object) -> bool:
    # The search index is made by raw DDL per dialect (FTS5 / tsvector), not from the models.
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_TABLE_PREFIX))


def _run(connection: Connection) -> None:
    context.configure(
        include_name=_include_name,
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "", pool_size=1)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `kiji db upgrade`")
run_migrations_online()
