"""listing keys on child rows for cross-article queries

Copies each article's status and sort keys onto its keyword links, sections and citations,
and adds the hosts an article cites, so every cross-article filter and sort is an index range
scan on one table. Existing rows are backfilled from their article.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 02:52:05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)
LISTED = ("status", "listed_at")


def _from_article(table: str, columns: Sequence[str]) -> None:
    sets = ", ".join(
        f"{c} = (SELECT a.{c} FROM articles a WHERE a.id = {table}.article_id)" for c in columns
    )
    op.execute(f"UPDATE {table} SET {sets}")


def _add_listing(table: str, columns: Sequence[str]) -> None:
    with op.batch_alter_table(table) as batch:
        for c in columns:
            kind = TS if c.endswith("_at") else sa.String(16)
            batch.add_column(sa.Column(c, kind, nullable=True))
    _from_article(table, columns)
    with op.batch_alter_table(table) as batch:
        for c in columns:
            kind = TS if c.endswith("_at") else sa.String(16)
            batch.alter_column(c, existing_type=kind, nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("listed_at", TS, nullable=True))
    op.execute("UPDATE articles SET listed_at = COALESCE(published_at, created_at)")
    with op.batch_alter_table("articles") as batch:
        batch.alter_column("listed_at", existing_type=TS, nullable=False)
        batch.drop_index("ix_articles_status_published_at_id")
        batch.create_index("ix_articles_status_listed_at_id", ["status", "listed_at", "id"])

    _add_listing("article_keywords", (*LISTED, "updated_at"))
    with op.batch_alter_table("article_keywords") as batch:
        batch.drop_index("ix_article_keywords_keyword_id_article_id")
        batch.create_index(
            "ix_article_keywords_listed", ["keyword_id", "status", "listed_at", "article_id"]
        )
        batch.create_index(
            "ix_article_keywords_updated", ["keyword_id", "status", "updated_at", "article_id"]
        )

    _add_listing("sections", LISTED)
    newest: list[str | sa.TextClause] = [sa.text("listed_at DESC"), sa.text("article_id DESC")]
    op.create_index("ix_sections_listed", "sections", ["status", *newest, "position"])

    _add_listing("citations", LISTED)
    tail: list[str | sa.TextClause] = ["status", *newest, "section_position", "position"]
    with op.batch_alter_table("citations") as batch:
        batch.alter_column(
            "publisher", existing_type=sa.Text(), type_=sa.String(500), existing_nullable=False
        )
        batch.drop_index("ix_citations_host_id")
        batch.create_index("ix_citations_host_labels", ["host", "status", "publisher"])
    # Mixed-direction indexes (newest articles first, their rows in document order).
    op.create_index("ix_citations_listed", "citations", tail)
    op.create_index("ix_citations_host_listed", "citations", ["host", *tail])
    op.create_index("ix_citations_publisher_listed", "citations", ["publisher", *tail])

    op.create_table(
        "hosts",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hosts")),
        sa.UniqueConstraint("name", name=op.f("uq_hosts_name")),
    )
    op.create_table(
        "article_hosts",
        sa.Column("article_id", ID, nullable=False),
        sa.Column("host_id", ID, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("listed_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_hosts_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["host_id"], ["hosts.id"], name=op.f("fk_article_hosts_host_id_hosts"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("article_id", "host_id", name=op.f("pk_article_hosts")),
    )
    op.create_index(
        "ix_article_hosts_listed", "article_hosts", ["host_id", "status", "listed_at", "article_id"]
    )
    op.create_index(
        "ix_article_hosts_updated", "article_hosts", ["host_id", "status", "updated_at", "article_id"]
    )
    op.execute("INSERT INTO hosts (name) SELECT DISTINCT host FROM citations")
    op.execute(
        "INSERT INTO article_hosts (article_id, host_id, updated_at, status, listed_at)"
        " SELECT DISTINCT c.article_id, h.id, a.updated_at, a.status, a.listed_at"
        " FROM citations c JOIN hosts h ON h.name = c.host JOIN articles a ON a.id = c.article_id"
    )


def downgrade() -> None:
    op.drop_index("ix_article_hosts_updated", "article_hosts")
    op.drop_index("ix_article_hosts_listed", "article_hosts")
    op.drop_table("article_hosts")
    op.drop_table("hosts")
    op.drop_index("ix_citations_publisher_listed", "citations")
    op.drop_index("ix_citations_host_listed", "citations")
    op.drop_index("ix_citations_listed", "citations")
    op.drop_index("ix_sections_listed", "sections")
    with op.batch_alter_table("citations") as batch:
        batch.drop_index("ix_citations_host_labels")
        batch.create_index("ix_citations_host_id", ["host", "id"])
        batch.alter_column(
            "publisher", existing_type=sa.String(500), type_=sa.Text(), existing_nullable=False
        )
        batch.drop_column("listed_at")
        batch.drop_column("status")
    with op.batch_alter_table("sections") as batch:
        batch.drop_column("listed_at")
        batch.drop_column("status")
    with op.batch_alter_table("article_keywords") as batch:
        batch.drop_index("ix_article_keywords_updated")
        batch.drop_index("ix_article_keywords_listed")
        batch.create_index("ix_article_keywords_keyword_id_article_id", ["keyword_id", "article_id"])
        batch.drop_column("updated_at")
        batch.drop_column("listed_at")
        batch.drop_column("status")
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_status_listed_at_id")
        batch.create_index("ix_articles_status_published_at_id", ["status", "published_at", "id"])
        batch.drop_column("listed_at")
