"""The format of API key secrets: random, shown once, stored as a hash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_PREFIX_BYTES = 6
_SECRET_BYTES = 32


def new_key() -> tuple[str, str]:
    """A fresh ``(prefix, key)``; the prefix is the public lookup handle inside the key."""
    prefix = base64.b32encode(secrets.token_bytes(_PREFIX_BYTES)).decode().rstrip("=").lower()
    return prefix, f"kiji_{prefix}_{secrets.token_urlsafe(_SECRET_BYTES)}"


def prefix_of(key: str) -> str | None:
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "kiji" or not parts[1]:
        return None
    return parts[1]


def hash_key(key: str) -> str:
    # Keys carry 256 random bits, so a fast hash is enough: no dictionary to guess from.
    return hashlib.sha256(key.encode()).hexdigest()


def verify(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_key(key), stored_hash)
