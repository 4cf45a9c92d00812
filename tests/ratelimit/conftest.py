"""Clients of apps with small limits, and the Redis the shared-count tests need.

Outside CI a machine without Redis skips those tests (saying why); in CI (``CI`` set) they
fail. Every test gets a Redis key prefix of its own, so runs never see each other's counts."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app

REDIS_URL = os.environ.get("KIJI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

MakeClient = Callable[..., TestClient]


def redis_answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@pytest.fixture
def redis_url() -> str:
    if not redis_answers(REDIS_URL):
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {REDIS_URL}, and CI needs it")
        pytest.skip(f"Redis does not answer at {REDIS_URL} (set KIJI_TEST_REDIS_URL)")
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    prefix = f"kiji-test:{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    try:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
    finally:
        client.close()


@pytest.fixture
def make_client(settings: Settings) -> Iterator[MakeClient]:
    """``make_client(**settings)``: a started client of a new app with those settings."""
    with ExitStack() as stack:

        def make(ip: str = "192.0.2.10", **overrides: Any) -> TestClient:
            app = create_app(settings.model_copy(update=overrides))
            client = TestClient(app, base_url="http://kiji.test", client=(ip, 40000))
            return stack.enter_context(client)

        yield make
