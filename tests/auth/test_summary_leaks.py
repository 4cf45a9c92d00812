"""No full text reaches a summary-only key: every GET route of the OpenAPI document, every
format and feed, is asked with such a key about articles whose intro, body, comment, reaction
and conclusion carry marker characters that appear nowhere else.

Routes are taken from ``app.openapi()``, so a route added later is covered without editing
this test; it then has to answer a summary-only key (200) at least once, or be listed among
the routes that refuse such keys."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from tests.builders import Keys, article, create, create_key

# One rare character per full-text field, repeated, so even a cut-off snippet shows it.
MARKERS = {"intro": "麒", "body": "鳳", "comment": "獬", "reaction": "饕", "conclusion": "貔"}
# Routes that serve only full text and so refuse summary-only keys (or need another scope).
REFUSING = {"/v1/keys", "/v1/articles/{slug}/sections", "/v1/articles/{slug}/sections/{position}"}
ACCEPTS = ("application/json", "text/plain", "text/markdown", "text/html", "application/ld+json")


def _paragraph(field: str) -> str:
    return MARKERS[field] * 8 + "。"


def marked_article(**overrides: Any) -> dict[str, Any]:
    doc = article(**overrides)
    for section in doc["sections"]:
        section["intro"] = [_paragraph("intro")]
        section["body"] = [_paragraph("body"), "二段落目にも" + _paragraph("body")]
        section["reaction"] = _paragraph("reaction")
        for citation in section["citations"]:
            citation["comment"] = [_paragraph("comment")]
    doc["conclusion"] = [_paragraph("conclusion")]
    return doc


def _leaks(text: str) -> list[str]:
    return [field for field, mark in MARKERS.items() if mark in text]


def _enum(param: dict[str, Any]) -> list[str]:
    schema = param.get("schema", {})
    values = list(schema.get("enum", []))
    for option in schema.get("anyOf", []):
        values += option.get("enum", [])
    return values


def requests_for(
    spec: dict[str, Any], slugs: list[str]
) -> Iterator[tuple[str, str, dict[str, str], dict[str, str]]]:
    """(route, url, query, headers) for every GET route: each article, each enum value of each
    query parameter, each marker in each required free-text parameter, and each Accept type."""
    for route, item in spec["paths"].items():
        op = item.get("get")
        if op is None:
            continue
        params = op.get("parameters", [])
        path_values = {
            p["name"]: slugs if p["name"] == "slug" else ["1"] for p in params if p["in"] == "path"
        }
        required = [p["name"] for p in params if p["in"] == "query" and p.get("required")]
        enums = [(p["name"], _enum(p)) for p in params if p["in"] == "query" and _enum(p)]
        fills = [dict.fromkeys(required, m * 2) for m in MARKERS.values()] if required else [{}]
        for values in itertools.product(*path_values.values()):
            url = route
            for name, value in zip(path_values, values, strict=True):
                url = url.replace("{" + name + "}", value)
            for fill in fills:
                for accept in ACCEPTS:
                    yield route, url, fill, {"Accept": accept}
                for name, options in enums:
                    for option in options:
                        yield route, url, {**fill, name: option}, {}


@pytest.fixture
def marked(client: TestClient, keys: Keys) -> list[str]:
    published = create(client, keys.write, **marked_article(title="印の付いた公開記事は?"))
    draft = create(
        client, keys.write, **marked_article(title="印の付いた下書きは?", status="draft")
    )
    return [published["slug"], draft["slug"]]


def test_no_full_text_reaches_a_summary_only_key(
    client: TestClient, settings: Settings, marked: list[str]
) -> None:
    secret = create_key(
        settings.database_url, "partner", ["read", "drafts", "syndicate"], "summary"
    )
    partner = {"Authorization": f"Bearer {secret}"}
    spec = client.app.openapi()  # type: ignore[attr-defined]
    answered: dict[str, set[int]] = {}
    asked = 0
    for route, url, query, headers in requests_for(spec, marked):
        response = client.get(url, params=query, headers={**partner, **headers})
        asked += 1
        where = f"{url} {query} {headers}"
        assert response.status_code < 500, where
        assert not _leaks(response.text), f"{where} leaks {_leaks(response.text)}"
        header_text = " ".join(f"{k}: {v}" for k, v in response.headers.items())
        assert not _leaks(header_text), where
        answered.setdefault(route, set()).add(response.status_code)
    for route, statuses in answered.items():
        if route not in REFUSING:
            assert 200 in statuses, f"{route} never answered a summary-only key: {statuses}"
    assert asked > 100
    # Full-text representations are refused outright, not emptied.
    for fmt in ("text", "markdown"):
        response = client.get(f"/v1/articles/{marked[0]}", params={"format": fmt}, headers=partner)
        assert response.status_code == 403
    response = client.get(f"/v1/articles/{marked[0]}/sections", headers=partner)
    assert response.status_code == 403


def test_the_markers_are_visible_to_a_full_key(
    client: TestClient, keys: Keys, marked: list[str]
) -> None:
    """The check above would pass vacuously if the markers did not survive encoding."""
    for fmt in ("json", "text", "markdown"):
        response = client.get(
            f"/v1/articles/{marked[0]}", params={"format": fmt}, headers=keys.read
        )
        assert response.status_code == 200
        assert sorted(_leaks(response.text)) == sorted(MARKERS), fmt
    citations = client.get("/v1/citations", headers=keys.read).text
    assert _leaks(citations) == ["comment"]


def test_the_route_list_is_the_openapi_document(client: TestClient) -> None:
    spec = client.app.openapi()  # type: ignore[attr-defined]
    routes = {route for route, *_ in requests_for(spec, ["a-slug"])}
    gets = {path for path, item in spec["paths"].items() if "get" in item}
    assert routes == gets
    assert {"/v1/articles/{slug}", "/v1/changes", "/v1/questions"} <= routes
    assert all(re.fullmatch(r"/[\w/{}.-]*", r) for r in routes)
