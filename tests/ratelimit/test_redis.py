"""Counts shared through Redis: between apps, between real server processes, and what
happens while Redis is away."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from app.ratelimit.counters import RedisCounter
from tests.ratelimit.conftest import MakeClient, redis_answers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on :{port} after {seconds} s")


def test_apps_sharing_redis_share_the_count(
    make_client: MakeClient, redis_url: str, redis_prefix: str
) -> None:
    shared = {"redis_url": redis_url, "rate_limit_prefix": redis_prefix}
    first = make_client(rate_limit_anonymous="4/day", **shared)
    second = make_client(rate_limit_anonymous="4/day", **shared)
    alone = make_client(
        rate_limit_anonymous="4/day", redis_url=redis_url, rate_limit_prefix=f"{redis_prefix}-2"
    )
    answers = [c.get("/v1/articles") for c in (first, second, first, second, first)]
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 429]
    assert [r.headers["ratelimit"].split(";")[1] for r in answers] == [
        *("r=3", "r=2", "r=1", "r=0", "r=0"),
    ]
    assert alone.get("/v1/articles").status_code == 200


@pytest.fixture
def redis_server() -> str:
    found = shutil.which("redis-server")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed, and CI needs it")
        pytest.skip("redis-server is not installed")
    return found


@contextmanager
def _private_redis(binary: str, port: int) -> Iterator[None]:
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, 10)
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_while_redis_is_away_each_process_counts_alone(
    redis_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Neither open nor closed: limits still hold, per process, and one warning says so."""
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    caplog.set_level(logging.WARNING, logger="kiji.ratelimit")

    async def scenario() -> None:
        counter = RedisCounter(url, prefix="kiji-test", timeout=0.5, retry_in=0.3)
        try:
            away = [await counter.hit("t/ip:a", 3, 86400) for _ in range(4)]
            assert [v.allowed for v in away] == [True, True, True, False]
            assert [v.remaining for v in away] == [2, 1, 0, 0]
            assert counter.down
            with _private_redis(redis_server, port):
                await asyncio.sleep(0.35)
                back = await counter.hit("t/ip:a", 3, 86400)
                assert not counter.down
                assert (back.allowed, back.remaining) == (True, 2)  # Redis's own count
                other = RedisCounter(url, prefix="kiji-test")
                assert (await other.hit("t/ip:a", 3, 86400)).remaining == 1
                await other.close()
            gone = await counter.hit("t/ip:b", 3, 86400)
            assert counter.down
            assert gone.allowed
        finally:
            await counter.close()

    asyncio.run(scenario())
    messages = [r.getMessage() for r in caplog.records if r.name == "kiji.ratelimit"]
    assert len(messages) == 3, messages
    assert "counting in this process's memory" in messages[0]
    assert "answers again" in messages[1]
    assert "counting in this process's memory" in messages[2]


def _serve(tmp_path: Path, name: str, port: int, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        env={
            **os.environ,
            **env,
            "KIJI_DATABASE_URL": f"sqlite:///{tmp_path / name / 'kiji.db'}",
            "KIJI_LOG_LEVEL": "WARNING",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_server_processes_share_one_count(
    tmp_path: Path, redis_url: str, redis_prefix: str
) -> None:
    """Two real servers (each its own database, as on two machines) and one Redis."""
    assert redis_answers(redis_url)
    env = {
        "KIJI_REDIS_URL": redis_url,
        "KIJI_RATE_LIMIT_PREFIX": redis_prefix,
        "KIJI_RATE_LIMIT_ANONYMOUS": "5/day",
    }
    ports = [_free_port(), _free_port()]
    procs = [_serve(tmp_path, f"server{i}", port, env) for i, port in enumerate(ports)]
    try:
        for port in ports:
            # Only the port is watched: a readiness request would be counted too.
            _wait_for_port(port, 60)
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        answers = [httpx.get(f"{bases[i % 2]}/v1/articles") for i in range(6)]
        assert [r.status_code for r in answers] == [200, 200, 200, 200, 200, 429]
        remaining = [r.headers["ratelimit"].split(";")[:2] for r in answers]
        assert remaining == [['"anonymous"', f"r={left}"] for left in (4, 3, 2, 1, 0, 0)]
        refused = answers[-1]
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["violated-policies"] == ["anonymous"]
        # Both processes refuse now: the count is one.
        assert httpx.get(f"{bases[0]}/v1/articles").status_code == 429
    finally:
        outputs = []
        for proc in procs:
            proc.terminate()
            outputs.append(proc.communicate(timeout=15)[0])
    for output in outputs:
        assert "Traceback" not in output, output
