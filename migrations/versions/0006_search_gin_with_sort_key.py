"""search index: the GIN index also holds each row's sort key (PostgreSQL)

A newest-first page of a term too sparse to find by walking the newest rows is looked for
among the hits from some sort key on. With the sort key beside the lexemes in one GIN index
the index gives only those hits: before, it gave every hit, and each was read from the heap
to be checked against the key (ＬＮＧ, 7,190 hits in 100,000 articles: 3.7 -> 0.8 ms for the
newest page's rows).

The key is indexed as ``sort_key + 0``, the form the search queries compare: the btree index
on ``sort_key`` cannot answer that form, so the planner cannot trade this index for a walk
down the sort key that reads each row's tsvector. ``btree_gin`` (shipped with PostgreSQL,
trusted: a database owner may create it) gives GIN its operators on integers. SQLite is
unchanged: FTS5 rowids already are the sort keys.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 21:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    # IF NOT EXISTS: a large store may build it beforehand with CREATE INDEX CONCURRENTLY
    # (which cannot run in the migration's transaction), so that writes are not held up.
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_search_docs_tsv_sort_key"
        " ON search_docs USING gin (tsv, (sort_key + 0))"
    )
    op.execute("DROP INDEX ix_search_docs_tsv")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE INDEX ix_search_docs_tsv ON search_docs USING gin (tsv)")
    op.execute("DROP INDEX ix_search_docs_tsv_sort_key")
    # The extension stays: something else in the database may have come to use it.
