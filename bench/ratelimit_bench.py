"""Micro benchmark: what the rate limit layer adds to one request, in process (no HTTP).

Run from the repository root:  .venv/bin/python bench/ratelimit_bench.py [--redis URL]
Calls a bare ASGI app directly, then through the RateLimit layer (anonymous callers by
address; a key caller, known from the layer's memory), and prints microseconds per request
as the best of several rounds (the least disturbed by other processes)."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable

from starlette.types import Message, Receive, Scope, Send

from app.auth.keys import hash_key, new_key
from app.ratelimit.callers import Callers, KeyRow
from app.ratelimit.counters import Counter, MemoryCounter, RedisCounter
from app.ratelimit.middleware import RateLimit
from app.ratelimit.policy import Policies

POLICIES = Policies.from_limits(
    anonymous="1000000000/minute", by_scope={"read": "1000000000/minute"}
)
PREFIX, SECRET = new_key()
ROW: KeyRow = (1, "bench", hash_key(SECRET), ["read"], "full")


async def lookup(prefix: str) -> KeyRow | None:
    return ROW if prefix == PREFIX else None


async def bare(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"a", b"b")]})
    await send({"type": "http.response.body", "body": b"{}"})


async def receive() -> Message:
    return {"type": "http.request", "body": b""}


async def send(message: Message) -> None:
    return None


def scope(headers: list[tuple[bytes, bytes]], ip: str) -> Scope:
    return {
        "type": "http",
        "method": "GET",
        "path": "/v1/articles",
        "headers": headers,
        "client": (ip, 5000),
    }


async def per_request(app: Callable[[Scope, Receive, Send], Awaitable[None]], s: Scope) -> float:
    n = 20_000
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(n):
            await app(s, receive, send)
        best = min(best, (time.perf_counter() - started) / n)
    return best * 1e6


async def main(redis_url: str | None) -> None:
    counters: list[tuple[str, Counter]] = [("memory", MemoryCounter())]
    if redis_url:
        counters.append(("redis", RedisCounter(redis_url, prefix="kiji-bench")))
    anonymous = scope([(b"accept", b"*/*")], "192.0.2.1")
    keyed = scope([(b"authorization", f"Bearer {SECRET}".encode())], "192.0.2.1")
    base = await per_request(bare, anonymous)
    print(f"bare ASGI app                      {base:8.2f} us/request")
    for name, counter in counters:
        layer = RateLimit(bare, callers=Callers(POLICIES, lookup), counter=counter)
        for what, s in (("anonymous", anonymous), ("key", keyed)):
            took = await per_request(layer, s)
            print(f"rate limited, {name:6} {what:9}       {took:8.2f} us (+{took - base:.2f})")
        await counter.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis", help="also measure counting in this Redis")
    asyncio.run(main(parser.parse_args().redis))
