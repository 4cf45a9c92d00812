"""Every error is application/problem+json: FastAPI's own errors included."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.builders import Keys, article

PROBLEM = "application/problem+json"


def test_unknown_route_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/v2/nothing")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "no such route",
    }


def test_wrong_method_is_a_405_problem(client: TestClient) -> None:
    response = client.delete("/v1/articles")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
    assert "GET" in response.headers["allow"]
    assert "POST" in response.json()["detail"]


def test_malformed_json_is_a_400_problem(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/articles",
        content=b'{"title": "x",',
        headers={**keys.write, "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "urn:kiji:problem:malformed-body"


def test_declared_oversize_body_is_refused_before_reading(client: TestClient, keys: Keys) -> None:
    big = b"x" * (2 * 1024 * 1024 + 1)
    response = client.post(
        "/v1/articles", content=big, headers={**keys.write, "content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["limit"] == 2 * 1024 * 1024


def test_streamed_oversize_body_is_stopped_while_read(client: TestClient, keys: Keys) -> None:
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(64):
            sent += 1
            yield b" " * 65536

    response = client.post(
        "/v1/articles", content=chunks(), headers={**keys.write, "content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "urn:kiji:problem:payload-too-large"
    assert client.get("/v1/articles").json()["items"] == []


def test_limit_is_a_setting(settings: Settings, keys: Keys) -> None:
    small = settings.model_copy(update={"max_body_bytes": 2048})
    with TestClient(create_app(small)) as client:
        response = client.post("/v1/articles", json=article(), headers=keys.write)
    assert response.status_code == 413


def test_unexpected_errors_are_a_logged_500_without_internals(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    with (
        TestClient(app, raise_server_exceptions=False) as client,
        caplog.at_level(logging.ERROR, logger="kiji.errors"),
    ):
        response = client.get("/boom", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["request_id"] == "req-123"
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert any("req-123" in r.getMessage() for r in caplog.records)
    assert any(r.exc_info for r in caplog.records)


def test_every_response_has_a_request_id(client: TestClient) -> None:
    assert len(client.get("/healthz").headers["x-request-id"]) == 32
    assert client.get("/nope", headers={"X-Request-ID": "abc"}).headers["x-request-id"] == "abc"
