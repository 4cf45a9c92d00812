"""HTTP details shared by routes: entity tags, dates, cache policy and links."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

PUBLIC_CACHE = "public, max-age=60, stale-while-revalidate=300"
PRIVATE_CACHE = "private, max-age=60"
NO_STORE = "private, no-store"
VARY = "Accept, Authorization, X-API-Key"


def etag_for(body: bytes, *, prefix: str = "") -> str:
    """A strong entity tag derived from the exact bytes of a representation."""
    digest = hashlib.blake2b(body, digest_size=12).hexdigest()
    return f'"{prefix}{digest}"'


def http_date(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def parse_http_date(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _tags(header: str) -> list[str]:
    return [t.strip() for t in header.split(",") if t.strip()]


def none_match(header: str | None, etag: str) -> bool:
    """True when ``If-None-Match`` matches (weak comparison, RFC 9110 section 13.1.2)."""
    if not header:
        return False
    bare = etag.removeprefix("W/")
    if header == bare:  # the one tag a revalidating cache sends: no list to split
        return True
    return any(t == "*" or t.removeprefix("W/") == bare for t in _tags(header))


def match(header: str | None, etag: str | None) -> bool:
    """True when ``If-Match`` holds (strong comparison, RFC 9110 section 13.1.1)."""
    if header is None:
        return True
    tags = _tags(header)
    if "*" in tags:
        return etag is not None
    return etag is not None and not etag.startswith("W/") and etag in tags


def not_modified_since(header: str | None, last_modified: datetime) -> bool:
    if not header:
        return False
    since = parse_http_date(header)
    return since is not None and last_modified.replace(microsecond=0) <= since
