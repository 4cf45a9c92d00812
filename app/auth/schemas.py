"""Wire shapes of API key management."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.auth.principal import Profile, Scope


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=5)]
    profile: Profile = "full"


class KeyOut(BaseModel):
    id: int
    name: str
    scopes: list[Scope]
    profile: Profile
    created_at: datetime


class KeyCreated(KeyOut):
    key: str = Field(description="The secret. Shown this once; only its hash is stored.")


class KeyList(BaseModel):
    items: list[KeyOut]
    next_cursor: str | None = None
