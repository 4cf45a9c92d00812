"""What a feed page says about itself (its name, identity and links), beside its items."""

from __future__ import annotations

from dataclasses import dataclass

# Atom needs a feed-level author unless every entry has one, and articles carry no author.
AUTHOR = "Kiji"


@dataclass(frozen=True, slots=True)
class FeedMeta:
    title: str
    description: str
    feed_url: str  # the feed's identity: its first page, with its filters, without a cursor
    self_url: str  # this page
    next_url: str | None
    docs_url: str  # what the `_kiji` extension means
    language: str = "ja"
