"""create article store and api keys

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-26 02:46:49.695082
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table('api_keys',
    sa.Column('id', ID, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('profile', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_keys_prefix'))
    )
    op.create_table('articles',
    sa.Column('id', ID, nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('subtitle', sa.Text(), nullable=False),
    sa.Column('lead', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=35), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('conclusion', sa.JSON(), nullable=False),
    sa.Column('key_points', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('slug', name=op.f('uq_articles_slug'))
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index('ix_articles_status_published_at_id', ['status', 'published_at', 'id'], unique=False)
        batch_op.create_index('ix_articles_status_updated_at_id', ['status', 'updated_at', 'id'], unique=False)

    op.create_table('changes',
    sa.Column('seq', ID, nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('article_id', ID, nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_changes'))
    )
    with op.batch_alter_table('changes', schema=None) as batch_op:
        batch_op.create_index('ix_changes_article_id', ['article_id'], unique=False)

    op.create_table('keywords',
    sa.Column('id', ID, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_keywords')),
    sa.UniqueConstraint('name', name=op.f('uq_keywords_name'))
    )
    op.create_table('article_keywords',
    sa.Column('article_id', ID, nullable=False),
    sa.Column('keyword_id', ID, nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_keywords_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['keyword_id'], ['keywords.id'], name=op.f('fk_article_keywords_keyword_id_keywords'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('article_id', 'keyword_id', name=op.f('pk_article_keywords'))
    )
    with op.batch_alter_table('article_keywords', schema=None) as batch_op:
        batch_op.create_index('ix_article_keywords_keyword_id_article_id', ['keyword_id', 'article_id'], unique=False)

    op.create_table('article_renders',
    sa.Column('article_id', ID, nullable=False),
    sa.Column('render_key', sa.String(length=300), nullable=False),
    sa.Column('etag', sa.String(length=64), nullable=False),
    sa.Column('summary_etag', sa.String(length=64), nullable=False),
    sa.Column('last_modified', sa.String(length=40), nullable=False),
    sa.Column('summary', sa.LargeBinary(), nullable=False),
    sa.Column('document', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_renders_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', name=op.f('pk_article_renders'))
    )
    op.create_table('sections',
    sa.Column('id', ID, nullable=False),
    sa.Column('article_id', ID, nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('heading', sa.Text(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('intro', sa.JSON(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('reaction', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_sections_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sections')),
    sa.UniqueConstraint('article_id', 'position', name=op.f('uq_sections_article_id_position'))
    )
    op.create_table('citations',
    sa.Column('id', ID, nullable=False),
    sa.Column('article_id', ID, nullable=False),
    sa.Column('section_position', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('publisher', sa.Text(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('comment', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['article_id', 'section_position'], ['sections.article_id', 'sections.position'], name=op.f('fk_citations_article_id_sections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_citations_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citations')),
    sa.UniqueConstraint('article_id', 'section_position', 'position', name=op.f('uq_citations_article_id_section_position_position'))
    )
    with op.batch_alter_table('citations', schema=None) as batch_op:
        batch_op.create_index('ix_citations_host_id', ['host', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('citations', schema=None) as batch_op:
        batch_op.drop_index('ix_citations_host_id')

    op.drop_table('citations')
    op.drop_table('sections')
    op.drop_table('article_renders')
    with op.batch_alter_table('article_keywords', schema=None) as batch_op:
        batch_op.drop_index('ix_article_keywords_keyword_id_article_id')

    op.drop_table('article_keywords')
    op.drop_table('keywords')
    with op.batch_alter_table('changes', schema=None) as batch_op:
        batch_op.drop_index('ix_changes_article_id')

    op.drop_table('changes')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index('ix_articles_status_updated_at_id')
        batch_op.drop_index('ix_articles_status_published_at_id')

    op.drop_table('articles')
    op.drop_table('api_keys')
