"""API key rules: issuing, listing, revoking and checking keys."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from sqlalchemy.orm import Session

from app.auth import keys, repository
from app.auth.principal import Principal, Profile, expand
from app.auth.schemas import KeyCreated, KeyIn, KeyOut
from app.core.errors import NotFound, Unauthorized
from app.core.fastdb import FastDB


def create(session: Session, *, data: KeyIn) -> KeyCreated:
    prefix, secret = keys.new_key()
    row = repository.add(
        session,
        name=data.name,
        prefix=prefix,
        secret_hash=keys.hash_key(secret),
        scopes=sorted(set(data.scopes)),
        profile=data.profile,
        now=datetime.now(UTC),
    )
    return KeyCreated.model_validate(
        {**KeyOut.model_validate(row, from_attributes=True).model_dump(), "key": secret}
    )


def list_keys(session: Session) -> list[KeyOut]:
    return [KeyOut.model_validate(k, from_attributes=True) for k in repository.all_keys(session)]


def revoke(session: Session, *, key_id: int) -> None:
    if not repository.remove(session, key_id):
        raise NotFound(f"no API key with id {key_id}")


async def authenticate(db: FastDB, secret: str) -> Principal:
    """The principal behind ``secret``; a key that is not ours is a 401, never anonymous."""
    prefix = keys.prefix_of(secret)
    row = await repository.by_prefix(db, prefix) if prefix else None
    if row is None or not keys.verify(secret, row[2]):
        raise Unauthorized("the API key is not valid")
    key_id, name, _hash, scopes, profile = row
    kind = cast(Profile, profile)
    return Principal(key_id, name, expand(scopes, kind), kind)
