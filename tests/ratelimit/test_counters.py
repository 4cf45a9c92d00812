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


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# Seconds between hits: bursts, gaps inside a window, across one boundary, across several.
STEPS = [0.0, 1.0, 0.5, 0.5, 20.0, 0.1, 30.0, 5.0, 0.2, 0.2, 45.0, 61.0, 1.0, 130.0, 2.0, 0.5]
STEPS += [0.5, 123.0, 0.5]  # a full window, then silence into the start of the one after next


@pytest.mark.parametrize("start", [1_800_000_000.0, 1_800_000_037.25])
def test_hits_get_the_strategy_s_answers_through_window_changes(
    monkeypatch: pytest.MonkeyPatch, start: float
) -> None:
    clock = Clock(start)
    # ``limits``' storage reads time.time(): both sides see the same moments.
    monkeypatch.setattr(time, "time", clock)
    storage = MemoryStorage()
    strategy = SlidingWindowCounterRateLimiter(storage)
    item = parse("4/minute")
    # No sweeps: the entry itself must carry its count through the gaps.
    counter = MemoryCounter(clock=clock, sweep_every=1e9)
    try:
        for step in STEPS:
            clock.now += step
            ours = counter.hit_now("k", 4, 60)
            allowed = strategy.hit(item, "k")
            stats = strategy.get_window_stats(item, "k")
            assert (ours.allowed, ours.remaining) == (allowed, stats.remaining), clock.now
            assert ours.reset_in == pytest.approx(stats.reset_time - clock.now, abs=1e-6)
    finally:
        storage.timer.cancel()


def test_quiet_callers_are_swept_out_after_two_windows() -> None:
    clock = Clock(1_800_000_000.0)  # a multiple of 60 and of 3600: windows start here
    counter = MemoryCounter(clock=clock, sweep_every=10)
    counter.hit_now("quiet", 5, 60)
    counter.hit_now("hourly", 5, 3600)
    for _ in range(7):
        clock.now += 10
        counter.hit_now("busy", 5, 60)
    # 70 s on: "quiet"'s window is the one before, which still counts.
    assert len(counter) == 3
    for _ in range(13):
        clock.now += 10
        counter.hit_now("busy", 5, 60)
    # 200 s on: it counts for nothing since the window after next began; the rest stay.
    assert len(counter) == 2
    clock.now += 3600 * 2
    counter.hit_now("busy", 5, 60)
    assert len(counter) == 1
    # A caller swept out starts afresh, as one whose windows expired would.
    assert counter.hit_now("quiet", 5, 60).remaining == 4


def test_a_clock_stepping_back_does_not_reset_the_count() -> None:
    clock = Clock(1_800_000_030.0)
    counter = MemoryCounter(clock=clock)
    for _ in range(3):
        counter.hit_now("k", 3, 60)
    clock.now -= 45  # back into the window before
    answer = counter.hit_now("k", 3, 60)
    assert (answer.allowed, answer.remaining) == (False, 0)
