"""Opaque, tamper-evident keyset cursors.

A cursor carries the sort key of the last row served plus a fingerprint of the query it
belongs to, signed with a keyed hash; one that was altered, belongs to another query, or is
garbage is rejected as a 400 rather than turning into a wrong page. (The hash guards against
accident, not against a forger: its key is no secret, so what a cursor holds is checked.)"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import orjson

from app.core.errors import InvalidParameter

_KEY = b"kiji-cursor-v1"
_SIG_BYTES = 12


def _sign(payload: bytes) -> bytes:
    return hmac.new(_KEY, payload, hashlib.blake2b).digest()[:_SIG_BYTES]


def query_fingerprint(**parts: Any) -> str:
    """A short digest of the query a cursor belongs to (sort order and filters)."""
    raw = orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(raw, digest_size=6).hexdigest()


def encode(key: list[Any], *, query: str) -> str:
    payload = orjson.dumps({"k": key, "q": query})
    return base64.urlsafe_b64encode(_sign(payload) + payload).rstrip(b"=").decode()


def invalid_cursor() -> InvalidParameter:
    return InvalidParameter(
        "the cursor is invalid or belongs to another query; start again without it",
        errors=[{"parameter": "cursor", "message": "invalid cursor"}],
    )


def decode(cursor: str, *, query: str) -> list[Any]:
    """The key inside ``cursor``; raises ``InvalidParameter`` for any cursor not made by us for
    this same query."""
    invalid = invalid_cursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (ValueError, TypeError) as exc:
        raise invalid from exc
    sig, payload = raw[:_SIG_BYTES], raw[_SIG_BYTES:]
    if len(sig) != _SIG_BYTES or not hmac.compare_digest(sig, _sign(payload)):
        raise invalid
    try:
        body = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise invalid from exc
    if not isinstance(body, dict) or body.get("q") != query or not isinstance(body.get("k"), list):
        raise invalid
    key: list[Any] = body["k"]
    # The signing key is in the source, so a cursor can be forged: its values are checked as
    # a parameter's would be before any reaches the database (PostgreSQL text cannot hold
    # NUL, neither database an integer beyond 64 bits).
    if not all(_storable(v) for v in key):
        raise invalid
    return key


def _storable(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return True
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return isinstance(value, list) and all(_storable(v) for v in value)
