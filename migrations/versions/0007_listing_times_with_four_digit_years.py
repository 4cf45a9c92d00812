"""listing times with four-digit years

On SQLite, the bulk write path stored the listing time of keyword and host links, sections
and citations with strftime's %Y, which writes year 448 as "448": such rows sorted after
every later year and could not be read back (a 500 on the lists that walk them). Those rows
take their article's listing time again, which the ORM always wrote as "0448-...".
PostgreSQL stores timestamps, not text: nothing to do there.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 02:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("article_keywords", "article_hosts", "sections", "citations")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        op.execute(
            f"UPDATE {table} SET listed_at ="  # noqa: S608 - fixed table names
            f" (SELECT a.listed_at FROM articles a WHERE a.id = {table}.article_id)"
            " WHERE listed_at NOT GLOB '[0-9][0-9][0-9][0-9]-*'"
        )


def downgrade() -> None:
    # The repaired form is the one every reader expects: nothing to undo.
    pass
