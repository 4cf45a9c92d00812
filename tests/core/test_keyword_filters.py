"""Every `keyword` filter takes at most MAX_KEYWORDS values, repeats merged: each is one more
condition on every row, and PostgreSQL took 29 s to plan 200 of them on /v1/articles."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.core.params import MAX_KEYWORDS
from tests.builders import Keys, create, create_key

ROUTES = ("/v1/articles", "/v1/feeds/summaries.json", "/v1/feeds/summaries.atom", "/v1/search")


def _params(route: str, keywords: list[str]) -> dict[str, str | list[str]]:
    return {"q": "朝市", "keyword": keywords} if route == "/v1/search" else {"keyword": keywords}


def _headers(database_url: str) -> dict[str, str]:
    key = create_key(database_url, "feeds", ["syndicate"])
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize("route", ROUTES)
def test_more_keywords_than_the_cap_is_a_400_naming_the_parameter(
    client: TestClient, database_url: str, route: str
) -> None:
    many = [f"語{i}" for i in range(MAX_KEYWORDS + 1)]
    response = client.get(route, params=_params(route, many), headers=_headers(database_url))
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["parameter"] for e in response.json()["errors"]] == ["keyword"]


@pytest.mark.parametrize("route", ROUTES)
def test_repeated_keywords_count_once(
    client: TestClient, keys: Keys, database_url: str, route: str
) -> None:
    create(client, keys.write, slug="k1", keywords=["漁業", "港"])
    create(client, keys.write, slug="k2", keywords=["漁業"])
    headers = _headers(database_url)
    response = client.get(route, params=_params(route, ["漁業", "港"] * 5), headers=headers)
    assert response.status_code == 200, response.text
    assert "k1" in response.text
    assert "k2" not in response.text
    alone = client.get(route, params=_params(route, ["港"] * MAX_KEYWORDS), headers=headers)
    assert "k1" in alone.text


def test_the_cap_is_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for route in ROUTES:
        params = paths[route]["get"]["parameters"]
        [keyword] = [p for p in params if p["name"] == "keyword"]
        schema = keyword["schema"]["anyOf"][0]
        assert schema["maxItems"] == MAX_KEYWORDS, route
