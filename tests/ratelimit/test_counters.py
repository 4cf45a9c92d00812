"""The in-memory counter: its figures are those of the ``limits`` strategy it stands for."""

from __future__ import annotations

import time

import pytest
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from app.ratelimit.counters import MemoryCounter, verdict


def test_memory_counts_refuse_past_the_quota_and_keep_callers_apart() -> None:
    counter = MemoryCounter()
    answers = [counter.hit_now("a", 3, 3600) for _ in range(5)]
    assert [(v.allowed, v.remaining) for v in answers] == [
        (True, 2),
        (True, 1),
        (True, 0),
        (False, 0),
        (False, 0),
    ]
    assert all(0 < v.reset_in <= 2 * 3600 for v in answers)
    assert counter.hit_now("b", 3, 3600).remaining == 2


@pytest.mark.parametrize(
    "window",
    [
        (0, 0.0, 0, 70.0),
        (0, 0.0, 4, 95.0),
        (6, 12.5, 2, 75.0),
        (10, 59.0, 0, 61.0),
        (3, 1.0, 9, 60.0),
    ],
)
def test_the_verdict_formula_is_the_strategy_s(window: tuple[int, float, int, float]) -> None:
    class Fixed(MemoryStorage):
        def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
            return window

    strategy = SlidingWindowCounterRateLimiter(Fixed())
    item = parse("10/minute")
    stats = strategy.get_window_stats(item, "k")
    ours = verdict(True, 10, 60, window)
    assert ours.remaining == stats.remaining
    assert ours.reset_in == pytest.approx(stats.reset_time - time.time(), abs=0.05)


def test_a_hit_s_verdict_matches_the_strategy_on_the_same_storage() -> None:
    counter = MemoryCounter()
    item = parse("5/minute")
    strategy = SlidingWindowCounterRateLimiter(counter._storage)
    for _ in range(3):
        ours = counter.hit_now(item.key_for("k"), 5, 60)
    stats = strategy.get_window_stats(item, "k")
    assert ours.remaining == stats.remaining == 2
    assert ours.reset_in == pytest.approx(stats.reset_time - time.time(), abs=0.05)
