"""Alembic migrations: the only way Kiji's schema is made or changed."""
