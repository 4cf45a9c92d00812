"""Every error is application/problem+json: FastAPI's own errors included."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.articles import across
from app.core import pagination
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


def test_only_a_body_the_route_reads_is_limited(client: TestClient, keys: Keys) -> None:
    big = b"x" * (2 * 1024 * 1024 + 1)
    # A DELETE takes no body: it answers as without one (here: no such key).
    deleted = client.request("DELETE", "/v1/keys/999999", content=big, headers=keys.admin)
    assert deleted.status_code == 404
    # A method the path does not serve is a 405, whatever the body's size.
    posted = client.post("/v1/search", content=big, headers={"content-type": "text/plain"})
    assert posted.status_code == 405
    assert posted.headers["content-type"] == PROBLEM


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


NUL_URLS = (
    "/v1/articles?keyword=a%00b",
    "/v1/articles?host=a%00b",
    "/v1/articles?fields=slug%00",
    "/v1/search?q=a%00b",
    "/v1/search?q=%E4%B8%AD&keyword=a%00b",
    "/v1/questions?q=a%00b",
    "/v1/citations?publisher=a%00b",
    "/v1/feeds/summaries.json?host=a%00b",
    "/v1/keywords?a%00=1",
    "/v1/articles/a%00b",
    "/v1/articles/a%00b/faq",
)


@pytest.mark.parametrize("url", NUL_URLS)
def test_a_nul_in_the_url_is_a_400_problem(client: TestClient, keys: Keys, url: str) -> None:
    # PostgreSQL text cannot hold NUL: these lookups were a 500 there.
    response = client.get(url, headers=keys.admin)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["in"] in ("query", "path")


def _with_citation_url(url: str) -> dict[str, Any]:
    doc = article()
    doc["sections"][0]["citations"][0]["url"] = url
    return doc


@pytest.mark.parametrize(
    ("path", "route", "key"),
    [
        ("/v1/keywords", "keywords", ["\x00"]),
        ("/v1/publishers", "publishers", ["\x00"]),
        ("/v1/keywords", "keywords", ["a", 2**64 - 1]),
        ("/v1/publishers", "publishers", [["\x00"]]),
    ],
)
def test_a_forged_cursor_is_checked_like_a_parameter(
    client: TestClient, keys: Keys, path: str, route: str, key: list[Any]
) -> None:
    # The cursor's signing key is no secret: a forged cursor gets as far as its values.
    client.post("/v1/articles", json=article(), headers=keys.write)
    forged = pagination.encode(key, query=pagination.query_fingerprint(route=route))
    for headers in ({}, keys.read):
        response = client.get(path, params={"cursor": forged}, headers=headers)
        assert response.status_code == 400, response.text
        assert response.json()["errors"][0]["parameter"] == "cursor"


def test_a_nul_in_a_body_is_a_problem_and_stores_nothing(client: TestClient, keys: Keys) -> None:
    headers = keys.write | keys.admin
    for url, body in (
        ("/v1/keys", {"name": "a\x00b", "scopes": ["read"]}),
        ("/v1/articles", article(title="a\x00b")),
        ("/v1/articles", article(keywords=["a\x00b"])),
        ("/v1/articles", article(lead="a\x00b")),
        ("/v1/articles", _with_citation_url("https://news.example.jp/a\x00b")),
        ("/v1/articles", _with_citation_url("https://news.example.jp/a\x7fb")),
    ):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 422, (url, response.text)
    text = "タイトル: a\x00b\n".encode()
    response = client.post(
        "/v1/imports", content=text, headers={**keys.write, "content-type": "text/plain"}
    )
    assert 400 <= response.status_code < 500, response.text
    assert client.get("/v1/articles").json()["items"] == []


def test_a_list_route_that_fails_behind_the_fast_path_answers_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Anonymous list pages pass through the fast path, which used to run the route a second
    # time when the first run failed: two response starts for one request.
    calls = 0

    async def failing(*_args: object, **_kwargs: object) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("the store failed")

    monkeypatch.setattr(across, "questions", failing)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/v1/questions")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert calls == 1


@pytest.mark.postgres_only
def test_times_come_back_in_utc_whatever_the_session_time_zone(
    settings: Settings, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    # libpq sends PGTZ as the session's time zone; east of UTC the last second of 9999 reads
    # back as year 10000, which Python cannot hold (a 500 on every list).
    monkeypatch.setenv("PGTZ", "Asia/Tokyo")
    with TestClient(create_app(settings)) as client:
        doc = article(published_at="9999-12-31T23:59:59Z")
        assert client.post("/v1/articles", json=doc, headers=keys.write).status_code == 201
        response = client.get("/v1/articles?limit=1")
        assert response.status_code == 200, response.text
        assert response.json()["items"][0]["published_at"] == "9999-12-31T23:59:59Z"
