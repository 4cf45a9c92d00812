"""Who a request counts against, with keys looked up once per interval, not per request."""

from __future__ import annotations

import asyncio

from app.auth.keys import hash_key, new_key
from app.ratelimit.callers import Callers, KeyRow, presented_secret
from app.ratelimit.policy import Policies

POLICIES = Policies.from_limits(
    anonymous="10/minute", by_scope={"read": "20/minute", "write": "30/minute"}
)


class Directory:
    """Keys by prefix, counting how often it is asked (as the database would be)."""

    def __init__(self) -> None:
        self.rows: dict[str, KeyRow] = {}
        self.asked = 0
        self.failing = False

    def add(self, key_id: int, scopes: list[str]) -> str:
        prefix, secret = new_key()
        self.rows[prefix] = (key_id, f"key {key_id}", hash_key(secret), scopes, "full")
        return secret

    async def lookup(self, prefix: str) -> KeyRow | None:
        self.asked += 1
        if self.failing:
            raise ConnectionError("the database is down")
        return self.rows.get(prefix)


def _scope(headers: dict[str, str], ip: str = "203.0.113.5") -> dict[str, object]:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return {"type": "http", "headers": raw, "client": (ip, 5000)}


def _identify(callers: Callers, headers: dict[str, str], ip: str = "203.0.113.5") -> str:
    caller = asyncio.run(callers.identify(_scope(headers, ip)))
    return f"{caller.partition} {caller.policy.name if caller.policy else None}"


def test_a_valid_key_is_looked_up_once_per_interval() -> None:
    directory = Directory()
    writer = directory.add(7, ["write"])
    callers = Callers(POLICIES, directory.lookup, ttl=60)
    for headers in ({"Authorization": f"Bearer {writer}"}, {"X-API-Key": writer}) * 3:
        assert _identify(callers, headers) == "key:7 write"
    assert directory.asked == 1
    expired = Callers(POLICIES, directory.lookup, ttl=0)
    _identify(expired, {"X-API-Key": writer})
    _identify(expired, {"X-API-Key": writer})
    assert directory.asked == 3


def test_keys_that_are_not_valid_count_by_address() -> None:
    directory = Directory()
    reader = directory.add(3, ["read"])
    prefix = reader.split("_")[1]
    callers = Callers(POLICIES, directory.lookup)
    wrong_secret = f"kiji_{prefix}_{'x' * 43}"
    for headers in (
        {},
        {"X-API-Key": wrong_secret},  # a real prefix with the wrong secret
        {"X-API-Key": "kiji_nosuchprefix_abc"},
        {"X-API-Key": "not-even-shaped-like-a-key"},
        {"Authorization": f"Basic {reader}"},
        {"Authorization": "Bearer "},
    ):
        assert _identify(callers, headers) == "ip:203.0.113.5 anonymous"
    assert _identify(callers, {}, ip="2001:db8::1") == "ip:2001:db8::/64 anonymous"
    # Both made-up keys were looked up once; asking again is answered from memory.
    asked = directory.asked
    _identify(callers, {"X-API-Key": wrong_secret})
    assert directory.asked == asked == 2


def test_a_failing_lookup_counts_by_address_and_is_not_remembered() -> None:
    directory = Directory()
    reader = directory.add(3, ["read"])
    callers = Callers(POLICIES, directory.lookup)
    directory.failing = True
    assert _identify(callers, {"X-API-Key": reader}) == "ip:203.0.113.5 anonymous"
    directory.failing = False
    assert _identify(callers, {"X-API-Key": reader}) == "key:3 read"


def test_the_memory_of_keys_is_bounded() -> None:
    directory = Directory()
    secrets = [directory.add(i, ["read"]) for i in range(5)]
    callers = Callers(POLICIES, directory.lookup, max_keys=3)
    for secret in secrets:
        _identify(callers, {"X-API-Key": secret})
    assert directory.asked == 5
    _identify(callers, {"X-API-Key": secrets[-1]})  # still known
    _identify(callers, {"X-API-Key": secrets[0]})  # the oldest was let go
    assert directory.asked == 6


def test_authorization_wins_over_x_api_key() -> None:
    headers = [(b"x-api-key", b"second"), (b"authorization", b"Bearer  first ")]
    assert presented_secret(headers) == "first"
    assert presented_secret([(b"x-api-key", b" k ")]) == "k"
    assert presented_secret([]) is None
