"""Whose counter a request hits, and under which policy.

A request with a valid API key counts against that key; anything else (no key, or a key that
is not valid) counts against the client's IP address under the anonymous policy, so making up
keys buys no extra quota. The client address is the one the server reports: uvicorn takes it
from ``X-Forwarded-For`` only when the peer is in ``FORWARDED_ALLOW_IPS`` (its default:
127.0.0.1). IPv6 clients are counted per /64, the block one subscriber usually holds.

Which key a secret is, and its name and scopes, come from the database once per ``ttl``
seconds per key, not on every request."""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from starlette.types import Scope

from app.auth.keys import hash_key, prefix_of
from app.ratelimit.policy import (
    Policies,
    Policy,
)

# The row ``app.auth.repository.by_prefix`` reads: id, name, secret hash, scopes, profile.
KeyRow = tuple[int, str, str, list[str], str]
Lookup = Callable[[str], Awaitable[KeyRow | None]]


@dataclass(frozen=True, slots=True)
class Caller:
    partition: str  # whose counter: "key:<id>" or "ip:<address>"
    policy: Policy | None  # None: not limited


def presented_secret(headers: Sequence[tuple[bytes, bytes]]) -> str | None:
    """The key a request presents (``Authorization: Bearer`` first, then ``X-API-Key``);
    a malformed ``Authorization`` presents no valid key, which is what counts here."""
    api_key = None
    for name, value in headers:
        if name == b"authorization":
            scheme, _, secret = value.decode("latin-1").partition(" ")
            return secret.strip() if scheme.lower() == "bearer" else ""
        if name == b"x-api-key":
            api_key = value.decode("latin-1").strip()
    return api_key


def address_partition(host: str) -> str:
    if ":" not in host:
        return f"ip:{host}"
    try:
        address = ipaddress.IPv6Address(host)
    except ValueError:
        return f"ip:{host}"
    if address.ipv4_mapped is not None:
        return f"ip:{address.ipv4_mapped}"
    return f"ip:{ipaddress.IPv6Network((address, 64), strict=False)}"


class Callers:
    def __init__(
        self,
        policies: Policies,
        lookup: Lookup,
        *,
        ttl: float = 60.0,
        max_keys: int = 10_000,
    ) -> None:
        self.policies = policies
        self._lookup = lookup
        self._ttl = ttl
        self._max_keys = max_keys
        # sha256 of a presented secret -> (valid until, the key's caller or None if not valid)
        self._known: dict[str, tuple[float, Caller | None]] = {}
        # Anonymous callers by client address: made once, as most requests are theirs.
        self._by_address = lru_cache(maxsize=8192)(self._address_caller)

    def _address_caller(self, host: str) -> Caller:
        return Caller(address_partition(host), self.policies.anonymous)

    async def identify(self, scope: Scope) -> Caller:
        secret = presented_secret(scope["headers"])
        if secret:
            caller = await self._key_caller(secret)
            if caller is not None:
                return caller
        client = scope.get("client")
        return self._by_address(client[0] if client else "")

    async def _key_caller(self, secret: str) -> Caller | None:
        digest = hash_key(secret)
        now = time.monotonic()
        known = self._known.get(digest)
        if known is not None and known[0] > now:
            return known[1]
        try:
            caller = await self._resolve(secret, digest)
        except Exception:
            # The database is failing: count by address for now (not remembered), and
            # let the route's own key check report the failure.
            return None
        if len(self._known) >= self._max_keys:
            # Dicts keep insertion order: the oldest entry goes first.
            self._known.pop(next(iter(self._known)))
        self._known[digest] = (now + self._ttl, caller)
        return caller

    async def _resolve(self, secret: str, digest: str) -> Caller | None:
        prefix = prefix_of(secret)
        row = await self._lookup(prefix) if prefix else None
        if row is None or not hmac.compare_digest(digest, row[2]):
            return None
        key_id, name, _hash, scopes, profile = row
        return Caller(f"key:{key_id}", self.policies.for_key(name, scopes, profile))
