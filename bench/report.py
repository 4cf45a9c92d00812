"""The printed table, the target checks and the JSON record of one benchmark run."""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wrk import WrkResult

P99_LIMIT_MS = 100.0
# CPU of other processes during a run, in % of one core, above which its numbers are suspect.
INTERFERENCE_PCT = 15.0
RSS_LIMIT_MIB = 250.0


@dataclass(frozen=True, slots=True)
class Run:
    key: str
    name: str
    path: str
    result: WrkResult
    cpu_us_per_request: float | None
    kiji: bool
    other_cpu_pct: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "path": self.path,
            "kiji": self.kiji,
            "cpu_us_per_request": self.cpu_us_per_request,
            "other_cpu_pct": self.other_cpu_pct,
            **self.result.as_dict(),
        }


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    value: float
    target: str
    passed: bool

    def line(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        return f"  {self.name:<44} {self.value:>9.2f}   target {self.target:<12} {verdict}"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "target": self.target, "pass": self.passed}


# (label, numerator run, denominator run, minimum ratio)
RATIOS = (
    ("(b) one slug / (a) raw ceiling", "b", "a", 0.35),
    ("(b-304) If-None-Match / (a) raw ceiling", "b-304", "a", 0.45),
    ("(c) random slugs / (e) Datasette row", "c", "e", 3.0),
    ("(d-deep) deep page / (d-first) page 1", "d-deep", "d-first", 0.9),
)


def table(runs: list[Run], extra: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """The runs as a table; ``extra`` adds columns: heading -> {run key: cell text}."""
    extra = extra or {}
    head = (
        f"  {'run':<52} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
        f" {'CPU µs/req':>11} {'other %':>8}"
    ) + "".join(f" {h:>{max(len(h), 8)}}" for h in extra)
    lines = [head, "  " + "-" * (len(head) - 2)]
    for r in runs:
        cpu = f"{r.cpu_us_per_request:11.0f}" if r.cpu_us_per_request is not None else f"{'-':>11}"
        w = r.result
        cells = "".join(f" {col.get(r.key, '-'):>{max(len(h), 8)}}" for h, col in extra.items())
        lines.append(
            f"  {r.name:<52} {w.requests_per_s:>9.0f} {w.p50_ms:>8.2f} {w.p99_ms:>8.2f}"
            f" {w.errors:>7} {cpu} {r.other_cpu_pct:>8.0f}{cells}"
        )
    return "\n".join(lines)


def checks(runs: list[Run], rss_mib: float | None) -> list[Check]:
    by_key = {r.key: r for r in runs}
    out: list[Check] = []
    for label, num, den, minimum in RATIOS:
        if num in by_key and den in by_key:
            value = by_key[num].result.requests_per_s / by_key[den].result.requests_per_s
            out.append(Check(label, value, f">= {minimum:g}x", value >= minimum))
    for r in runs:
        if r.kiji:
            w = r.result
            ok = w.errors == 0 and w.p99_ms < P99_LIMIT_MS
            out.append(Check(f"({r.key}) p99 ms ({w.errors} errors)", w.p99_ms, "< 100, 0 err", ok))
    if rss_mib is not None:
        ok = rss_mib <= RSS_LIMIT_MIB
        out.append(Check("Kiji server RSS after the runs (MiB)", rss_mib, "<= 250", ok))
    return out


def interference(runs: list[Run]) -> list[str]:
    """Warnings for runs during which other processes took a noticeable share of the CPU."""
    return [
        f"WARNING: other processes used {r.other_cpu_pct:.0f}% of a core during {r.key};"
        " its ratios are suspect: rerun on a quiet machine"
        for r in runs
        if r.other_cpu_pct > INTERFERENCE_PCT
    ]


def environment(version: str, load1: float, load5: float, args: Any) -> dict[str, Any]:
    """The part of a results record that says when, on what code and machine, and with which
    wrk settings the numbers were taken (``args``: the parsed --threads, --connections,
    --duration and --warmup)."""
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "code": version,
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_before": [load1, load5],
        },
        "wrk": {
            "threads": args.threads,
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
        },
    }
