"""Counting requests against a limit: in this process's memory, or in Redis for all processes.

Both use the sliding window counter of the ``limits`` package: O(1) memory and work per
caller (two counters a window, the previous one weighted by how much of it still overlaps
the sliding window), where a moving window keeps one entry per request."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

import redis.asyncio
from limits import RateLimitItem
from limits.aio.storage import RedisStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter as AsyncSlidingWindow
from limits.errors import StorageError
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter as SlidingWindow

log = logging.getLogger("kiji.ratelimit")


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    remaining: int
    reset_in: float  # seconds until more quota comes back


class Counter(Protocol):
    async def hit(self, item: RateLimitItem, *identifiers: str) -> Verdict: ...

    async def close(self) -> None: ...


class MemoryCounter:
    """Counts in this process only: each server process (``KIJI_WORKERS``) has its own.

    The synchronous storage is used: it does no I/O, so a hit costs a few dict operations,
    where the asynchronous one schedules a task to sweep every key on each hit."""

    def __init__(self) -> None:
        self._storage = MemoryStorage()
        self._limiter = SlidingWindow(self._storage)

    def hit_now(self, item: RateLimitItem, *identifiers: str) -> Verdict:
        allowed = self._limiter.hit(item, *identifiers)
        stats = self._limiter.get_window_stats(item, *identifiers)
        return Verdict(allowed, stats.remaining, stats.reset_time - time.time())

    async def hit(self, item: RateLimitItem, *identifiers: str) -> Verdict:
        return self.hit_now(item, *identifiers)

    async def close(self) -> None:
        self._storage.timer.cancel()


class RedisCounter:
    """Counts in Redis, so every process and machine given the same URL and prefix shares
    one count per caller.

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
        storage = RedisStorage(
            f"async+{url}",
            implementation="redispy",
            key_prefix=prefix,
            wrap_exceptions=True,
            **options,
        )
        self._limiter = AsyncSlidingWindow(storage)
        self._fallback = MemoryCounter()
        self._retry_in = retry_in
        self._down_until = 0.0
        self._down = False

    @property
    def down(self) -> bool:
        return self._down

    async def hit(self, item: RateLimitItem, *identifiers: str) -> Verdict:
        now = time.monotonic()
        if now >= self._down_until:
            try:
                allowed = await self._limiter.hit(item, *identifiers)
                stats = await self._limiter.get_window_stats(item, *identifiers)
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
                return Verdict(allowed, stats.remaining, stats.reset_time - time.time())
        return self._fallback.hit_now(item, *identifiers)

    async def close(self) -> None:
        await self._pool.aclose()
        await self._fallback.close()
