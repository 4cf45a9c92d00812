"""change status for the changes feed

Records, on each row of the changes feed, the article's status as of that change, so the
feed can hide drafts from keys without the `drafts` scope and turn an unpublish into a
tombstone. Rows written before it take their article's current status; a deleted article's
rows count as published, so its tombstone still reaches mirrors. The article index gains
``seq``, so "is this the article's latest change?" is one index probe.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 06:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("changes") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=True))
    op.execute(
        "UPDATE changes SET status = COALESCE("
        "(SELECT a.status FROM articles a WHERE a.id = changes.article_id), 'published')"
    )
    with op.batch_alter_table("changes") as batch:
        batch.alter_column("status", existing_type=sa.String(16), nullable=False)
        batch.drop_index("ix_changes_article_id")
        batch.create_index("ix_changes_article_id_seq", ["article_id", "seq"])


def downgrade() -> None:
    with op.batch_alter_table("changes") as batch:
        batch.drop_index("ix_changes_article_id_seq")
        batch.create_index("ix_changes_article_id", ["article_id"])
        batch.drop_column("status")
