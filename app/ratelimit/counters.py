"""Counting requests against a quota: in this process's memory, or in Redis for all processes.

Both use the sliding window counter of the ``limits`` package: two counters per caller (this
fixed window and the one before, weighted by how much of it the sliding window still
covers), so O(1) memory and work per caller, where a moving window keeps one entry per
request. The storages are called directly, with keys made once per policy, because the
strategy objects build the key again and read the window again for each figure they give."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from math import floor, inf
from typing import Any, Protocol

import redis.asyncio
from limits.aio.storage import RedisStorage
from limits.errors import StorageError
from limits.storage import MemoryStorage

log = logging.getLogger("kiji.ratelimit")


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    remaining: int
    reset_in: float  # seconds until more quota comes back


# As the storages' ``get_sliding_window`` gives it: (previous count, seconds until the previous
# window stops counting, current count, seconds until the current one expires).
Window = tuple[int, float, int, float]


def verdict(allowed: bool, quota: int, window_s: int, window: Window) -> Verdict:
    """What is left and when more comes, by the formulas of ``limits``'
    ``SlidingWindowCounterRateLimiter.get_window_stats``."""
    previous, previous_expires_in, current, current_expires_in = window
    weighted = previous * previous_expires_in / window_s + current
    remaining = max(0, quota - floor(weighted))
    if not (previous or current):
        return Verdict(allowed, remaining, 0.0)
    # The weighted previous count drops by one every window_s / previous seconds; the current
    # count starts to weigh less when its window ends.
    previous_reset = previous_expires_in % (window_s / previous) if previous else inf
    current_reset = current_expires_in % window_s if current else inf
    return Verdict(allowed, remaining, min(previous_reset, current_reset))


class Counter(Protocol):
    async def hit(self, key: str, quota: int, window_s: int) -> Verdict: ...

    async def close(self) -> None: ...


class MemoryCounter:
    """Counts in this process only: each server process (``KIJI_WORKERS``) has its own.

    The synchronous storage is used: it does no I/O, so nothing is awaited, where the
    asynchronous one schedules a task to sweep every key on each hit."""

    def __init__(self) -> None:
        self._storage = MemoryStorage()

    def hit_now(self, key: str, quota: int, window_s: int) -> Verdict:
        # Nothing else runs between these two calls (no await), so the window read before
        # the hit plus the hit itself is the window after it.
        before = self._storage.get_sliding_window(key, window_s)
        allowed = self._storage.acquire_sliding_window_entry(key, quota, window_s)
        previous, previous_expires_in, current, current_expires_in = before
        if allowed:
            current += 1
        return verdict(
            allowed, quota, window_s, (previous, previous_expires_in, current, current_expires_in)
        )

    async def hit(self, key: str, quota: int, window_s: int) -> Verdict:
        return self.hit_now(key, quota, window_s)

    async def close(self) -> None:
        self._storage.timer.cancel()


class RedisCounter:
    """Counts in Redis, so every process and machine given the same URL and prefix shares
    one count per caller (two round trips a request: the hit, then the window it left).

    When Redis fails (down, or slower than ``timeout``), requests are neither refused for it
    nor let through unlimited: this process counts in its own memory instead, logs one
    warning, and tries Redis again after ``retry_in`` seconds (so an outage costs one
    timeout per interval, not one per request)."""

    def __init__(
        self,
        url: str,
        *,
        prefix: str,
        timeout: float = 0.5,
        retry_in: float = 5.0,
    ) -> None:
        self._pool = redis.asyncio.ConnectionPool.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        # The pool is ours so that shutdown can close its connections.
        options: dict[str, Any] = {"connection_pool": self._pool}
        self._storage = RedisStorage(
            f"async+{url}",
            implementation="redispy",
            key_prefix=prefix,
            wrap_exceptions=True,
            **options,
        )
        self._fallback = MemoryCounter()
        self._retry_in = retry_in
        self._down_until = 0.0
        self._down = False

    @property
    def down(self) -> bool:
        return self._down

    async def hit(self, key: str, quota: int, window_s: int) -> Verdict:
        now = time.monotonic()
        if now >= self._down_until:
            try:
                allowed = await self._storage.acquire_sliding_window_entry(key, quota, window_s)
                # Read after the hit: it includes the hits of every other process.
                window = await self._storage.get_sliding_window(key, window_s)
            except StorageError as exc:
                if not self._down:
                    log.warning(
                        "Redis for rate limits failed (%s): counting in this process's "
                        "memory, trying Redis again every %.0f s",
                        exc.storage_error,
                        self._retry_in,
                    )
                self._down = True
                self._down_until = now + self._retry_in
            else:
                if self._down:
                    log.warning("Redis for rate limits answers again: counts are shared")
                    self._down = False
                return verdict(allowed, quota, window_s, window)
        return self._fallback.hit_now(key, quota, window_s)

    async def close(self) -> None:
        await self._pool.aclose()
        await self._fallback.close()
