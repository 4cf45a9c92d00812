"""Who is calling, and what they may do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["read", "drafts", "write", "syndicate", "admin"]
Profile = Literal["full", "summary"]
SCOPES: tuple[Scope, ...] = ("read", "drafts", "write", "syndicate", "admin")

# A writer must see what it writes (drafts included); a syndication partner pulls the feeds
# of what it may read (published content, unless the key also has `drafts`); an admin may do
# everything.
_IMPLIES: dict[str, frozenset[str]] = {
    "read": frozenset({"read"}),
    "drafts": frozenset({"drafts", "read"}),
    "write": frozenset({"write", "drafts", "read"}),
    "syndicate": frozenset({"syndicate", "read"}),
    "admin": frozenset(SCOPES),
}
# Write responses and merge patches carry the full document, so a summary-only key cannot
# hold a scope that writes.
SUMMARY_SCOPES: frozenset[Scope] = frozenset({"read", "drafts", "syndicate"})


def expand(scopes: list[str] | frozenset[str], profile: Profile = "full") -> frozenset[str]:
    out: set[str] = set()
    for s in scopes:
        out |= _IMPLIES.get(s, frozenset())
    if profile == "summary":
        # Keys stored before summary keys were limited (see KeyIn) keep only what reads.
        out &= SUMMARY_SCOPES
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Principal:
    key_id: int | None
    name: str
    scopes: frozenset[str]
    profile: Profile = "full"

    @property
    def anonymous(self) -> bool:
        return self.key_id is None

    def can(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def sees_drafts(self) -> bool:
        return "drafts" in self.scopes


def anonymous(*, public_read: bool) -> Principal:
    return Principal(None, "anonymous", frozenset({"read"}) if public_read else frozenset())
