"""Every table, gathered so Alembic and the tests see the whole schema."""

from app.articles import models as _articles
from app.auth import models as _auth
from app.core.db import Base

metadata = Base.metadata

__all__ = ["_articles", "_auth", "metadata"]
