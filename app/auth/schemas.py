"""Wire shapes of API key management."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.auth.principal import SUMMARY_SCOPES, Profile, Scope


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True,
            min_length=1,
            max_length=100,
            pattern=r"^[^\x00-\x1f\x7f\u2028\u2029]+$",
        ),
        Field(description="One line of text, without control characters."),
    ]
    scopes: Annotated[list[Scope], Field(min_length=1, max_length=5)]
    profile: Profile = Field(
        "full",
        description="`summary`: every article comes back as its summary projection, never "
        "full text; such a key may hold only `read`, `drafts` and `syndicate`.",
    )

    @model_validator(mode="after")
    def _summary_keys_only_read(self) -> KeyIn:
        if self.profile == "summary":
            writing = sorted(set(self.scopes) - SUMMARY_SCOPES)
            if writing:
                raise ValueError(
                    f"a summary-only key cannot hold {', '.join(writing)}: "
                    "writes answer with the full document"
                )
        return self


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
