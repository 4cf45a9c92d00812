"""Rendered list pages kept in memory while the store has not changed.

Every request still reads the store's version (one primary-key row), so a page is never
served after any write has committed; what the cache saves is re-running the listing query
and re-assembling the page for the requests in between."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class _Entry(Generic[P]):
    version: int
    size: int
    page: P


class PageCache(Generic[P]):
    def __init__(self, *, max_bytes: int = 32 * 1024 * 1024) -> None:
        self._entries: OrderedDict[str, _Entry[P]] = OrderedDict()
        self._bytes = 0
        self._max = max_bytes

    async def get_or_make(
        self,
        key: str,
        *,
        version: int,
        make: Callable[[], Awaitable[P]],
        size: Callable[[P], int],
    ) -> P:
        entry = self._entries.get(key)
        if entry is not None and entry.version == version:
            self._entries.move_to_end(key)
            return entry.page
        page = await make()
        self._put(key, _Entry(version, size(page), page))
        return page

    def get(self, key: str, version: int) -> P | None:
        entry = self._entries.get(key)
        if entry is None or entry.version != version:
            return None
        self._entries.move_to_end(key)
        return entry.page

    def put(self, key: str, version: int, page: P, size: int) -> None:
        self._put(key, _Entry(version, size, page))

    def _put(self, key: str, entry: _Entry[P]) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old.size
        if entry.size > self._max:
            return
        self._entries[key] = entry
        self._bytes += entry.size
        while self._bytes > self._max:
            _, evicted = self._entries.popitem(last=False)
            self._bytes -= evicted.size

    def __len__(self) -> int:
        return len(self._entries)
