"""SQL of API keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import orjson
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.auth.models import ApiKey
from app.core.fastdb import FastDB

_BY_PREFIX = "SELECT id, name, secret_hash, scopes, profile FROM api_keys WHERE prefix = :prefix"


def add(
    session: Session,
    *,
    name: str,
    prefix: str,
    secret_hash: str,
    scopes: list[str],
    profile: str,
    now: datetime,
) -> ApiKey:
    key = ApiKey(
        name=name,
        prefix=prefix,
        secret_hash=secret_hash,
        scopes=scopes,
        profile=profile,
        created_at=now,
    )
    session.add(key)
    session.flush()
    return key


def all_keys(session: Session) -> Sequence[ApiKey]:
    return session.scalars(select(ApiKey).order_by(ApiKey.id)).all()


def remove(session: Session, key_id: int) -> bool:
    result = session.execute(delete(ApiKey).where(ApiKey.id == key_id))
    return bool(getattr(result, "rowcount", 0))


async def by_prefix(db: FastDB, prefix: str) -> tuple[int, str, str, list[str], str] | None:
    row = await db.one(_BY_PREFIX, {"prefix": prefix})
    if row is None:
        return None
    scopes = row[3]
    if isinstance(scopes, str | bytes):
        scopes = orjson.loads(scopes)
    return int(row[0]), str(row[1]), str(row[2]), list(scopes), str(row[4])
