"""Counting requests against a quota: in this process's memory, or in Redis for all processes.

Both use the sliding window counter of the ``limits`` package: two counters per caller (this
fixed window and the one before, weighted by how much of it the sliding window still
covers), so O(1) memory and work per caller, where a moving window keeps one entry per
request. Redis is counted by ``limits``' storage, called directly with keys made once per
policy, because the strategy objects build the key again and read the window again for each
figure they give; memory is counted here, by the same formulas (see ``MemoryCounter``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from math import floor, inf
from typing import Any, NamedTuple, Protocol

import redis.asyncio
from limits.aio.storage import RedisStorage
from limits.errors import StorageError

log = logging.getLogger("kiji.ratelimit")


class Verdict(NamedTuple):  # a tuple: made on every request, at a fifth of a dataclass's cost
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

    The same sliding window counter as ``limits``' storages (windows aligned on multiples of
    their length since the epoch), kept in one dict entry per caller. ``limits``' own memory
    storage is not used: it takes a lock per call and starts a new timer thread every 10 ms
    while requests arrive; without it the served fast path's CPU per request fell from 96 to
    79 µs (bench/serve_bench.py). Entries of callers gone quiet for two windows are swept
    out once per ``sweep_every`` seconds, so memory follows the callers of the last windows."""

    def __init__(
        self, *, clock: Callable[[], float] = time.time, sweep_every: float = 60.0
    ) -> None:
        self._clock = clock
        self._sweep_every = sweep_every
        self._sweep_at = clock() + sweep_every
        # key -> [number of its current window, hits in it, hits in the window before,
        # the window's length in seconds]
        self._entries: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def hit_now(self, key: str, quota: int, window_s: int) -> Verdict:
        now = self._clock()
        if now >= self._sweep_at:
            self._sweep(now)
        number = int(now // window_s)
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = [number, 0, 0, window_s]
        elif entry[0] < number:
            # The window moved on: its count becomes the one before, if it was the last one.
            entry[2] = entry[1] if entry[0] == number - 1 else 0
            entry[1] = 0
            entry[0] = number
        elif entry[0] > number:
            # The clock stepped back: count on in the window already begun, not from zero.
            number = entry[0]
        _, current, previous, _ = entry
        into = max(0.0, now - number * window_s)
        previous_expires_in = (window_s - into) if previous else 0.0
        allowed = floor(previous * previous_expires_in / window_s + current) + 1 <= quota
        if allowed:
            current = entry[1] = current + 1
        # The current window's count stops counting at the end of the next window.
        window = (previous, previous_expires_in, current, 2 * window_s - into)
        return verdict(allowed, quota, window_s, window)

    def _sweep(self, now: float) -> None:
        self._sweep_at = now + self._sweep_every
        # An entry whose window (of its own length) ended a whole window ago weighs nothing.
        stale = [key for key, entry in self._entries.items() if now >= (entry[0] + 2) * entry[3]]
        for key in stale:
            del self._entries[key]

    async def hit(self, key: str, quota: int, window_s: int) -> Verdict:
        return self.hit_now(key, quota, window_s)

    async def close(self) -> None:
        self._entries.clear()


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
