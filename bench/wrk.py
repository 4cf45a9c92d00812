"""Running wrk and reading its output."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

INSTALL_HINT = "wrk is not installed: `apt-get install -y wrk` (Debian package `wrk`)"

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s*(50|75|90|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_TOTAL = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests_per_s: float
    requests: int
    p50_ms: float
    p99_ms: float
    non_2xx_3xx: int
    socket_errors: int

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + self.socket_errors

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"errors": self.errors}


def parse(text: str) -> WrkResult:
    """The figures of one ``wrk --latency`` run; raises ValueError if the output lacks them."""
    rps = _RPS.search(text)
    total = _TOTAL.search(text)
    pct = {
        m.group(1): float(m.group(2)) * _UNITS_MS[m.group(3)] for m in _PERCENTILE.finditer(text)
    }
    if rps is None or total is None or "50" not in pct or "99" not in pct:
        raise ValueError(f"unexpected wrk output:\n{text}")
    non_2xx = _NON_2XX.search(text)
    sock = _SOCKET.search(text)
    return WrkResult(
        requests_per_s=float(rps.group(1)),
        requests=int(total.group(1)),
        p50_ms=pct["50"],
        p99_ms=pct["99"],
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(g) for g in sock.groups()) if sock else 0,
    )


@dataclass(frozen=True, slots=True)
class Load:
    """One wrk configuration: what to request and how hard."""

    url: str
    threads: int = 2
    connections: int = 64
    script: Path | None = None
    headers: tuple[str, ...] = ()
    # wrk's own socket timeout (2 s) when None; responses slower than it count as errors.
    timeout_s: int | None = None

    def argv(self, seconds: int) -> list[str]:
        exe = shutil.which("wrk")
        if exe is None:
            raise RuntimeError(INSTALL_HINT)
        argv = [exe, f"-t{self.threads}", f"-c{self.connections}", f"-d{seconds}s", "--latency"]
        if self.timeout_s is not None:
            argv += ["--timeout", f"{self.timeout_s}s"]
        for h in self.headers:
            argv += ["-H", h]
        if self.script is not None:
            argv += ["-s", str(self.script)]
        return [*argv, self.url]


def run(load: Load, seconds: int) -> tuple[WrkResult, str]:
    """Run wrk for ``seconds``; returns the parsed figures and the raw output."""
    proc = subprocess.run(
        load.argv(seconds),
        capture_output=True,
        text=True,
        timeout=seconds + 60 + (load.timeout_s or 0),
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr or proc.stdout}")
    return parse(proc.stdout), proc.stdout


_LUA = """\
-- Written by bench/serve_bench.py: every request asks for a random path among {count}.
local fmt = "{fmt}"
local low, high = {low}, {high}
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_no", threads)
end

function init(args)
  math.randomseed(20240601 + 7919 * (thread_no or 0))
end

request = function()
  return wrk.format(nil, string.format(fmt, math.random(low, high)))
end
"""


def random_path_script(target: Path, *, fmt: str, low: int, high: int) -> Path:
    """A wrk Lua script requesting ``fmt % n`` for n drawn uniformly from ``low..high``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_LUA.format(fmt=fmt, low=low, high=high, count=high - low + 1))
    return target
