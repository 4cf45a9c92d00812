"""POST /v1/articles: the document, its validation and limits, slugs and headers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.builders import Keys, article, create


def test_create_returns_the_document_with_server_fields(client: TestClient, keys: Keys) -> None:
    response = client.post("/v1/articles", json=article(), headers=keys.write)
    assert response.status_code == 201
    doc = response.json()
    assert response.headers["location"] == f"/v1/articles/{doc['slug']}"
    assert response.headers["etag"].startswith('"v1-')
    assert response.headers["content-type"] == "application/json"
    assert doc["version"] == 1
    assert doc["status"] == "published"
    assert doc["language"] == "ja"
    assert doc["published_at"] is not None
    assert doc["created_at"] == doc["updated_at"]
    assert doc["created_at"].endswith("Z")
    assert [s["position"] for s in doc["sections"]] == [1, 2]
    cards = doc["sections"][1]["citations"]
    assert [c["position"] for c in cards] == [1, 2]
    assert [c["host"] for c in cards] == ["example.com", "minato.example.org"]
    assert doc["sections"][0]["citations"][0]["url"].endswith("?ref=top#asaichi")
    # Japanese is sent as UTF-8, not \\u escapes.
    assert "朝市".encode() in response.content


def test_slug_is_romanised_from_the_title_with_suffixes_on_collision(
    client: TestClient, keys: Keys
) -> None:
    slugs = [create(client, keys.write, title="東京都の新しい図書館?")["slug"] for _ in range(3)]
    assert slugs == [
        "toukyouto-no-atarashii-toshokan",
        "toukyouto-no-atarashii-toshokan-2",
        "toukyouto-no-atarashii-toshokan-3",
    ]


def test_explicit_slug_is_kept_and_a_taken_one_is_a_conflict(
    client: TestClient, keys: Keys
) -> None:
    assert create(client, keys.write, slug="asaichi-2025")["slug"] == "asaichi-2025"
    again = client.post("/v1/articles", json=article(slug="asaichi-2025"), headers=keys.write)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["errors"] == [{"pointer": "/slug", "message": "already taken"}]


def test_whitespace_is_stripped_and_empty_paragraphs_are_dropped(
    client: TestClient, keys: Keys
) -> None:
    doc = article(title="  港の朝市?  ", conclusion=["  まとめです。 ", "", "   "])
    body = client.post("/v1/articles", json=doc, headers=keys.write).json()
    assert body["title"] == "港の朝市?"
    assert body["conclusion"] == ["まとめです。"]


def _sections(n: int) -> list[dict[str, Any]]:
    one = article()["sections"][1]
    return [one] * n


@pytest.mark.parametrize(
    ("overrides", "pointer"),
    [
        ({"title": "長" * 201}, "/title"),
        ({"title": ""}, "/title"),
        ({"sections": []}, "/sections"),
        ({"sections": _sections(101)}, "/sections"),
        ({"keywords": ["朝市", "朝市"]}, "/keywords"),
        ({"keywords": ["a、b"]}, "/keywords/0"),
        ({"slug": "Not A Slug"}, "/slug"),
        ({"slug": "a" * 121}, "/slug"),
        ({"status": "archived"}, "/status"),
        ({"language": "日本語"}, "/language"),
        ({"published_at": "2025-01-01T00:00:00"}, "/published_at"),
        # Valid RFC 3339, but before year 1 or after 9999 once in UTC.
        ({"published_at": "0001-01-01T00:00:00+01:00"}, "/published_at"),
        ({"published_at": "9999-12-31T23:59:59-01:00"}, "/published_at"),
        # RFC 3339 is text: a number, or a string of one, is not read as Unix time.
        ({"published_at": -62135596800}, "/published_at"),
        ({"published_at": "1735689600"}, "/published_at"),
        ({"published_at": True}, "/published_at"),
        ({"key_points": ["x"] * 201}, "/key_points"),
        ({"subtitle": "一行目\n二行目"}, "/subtitle"),
        ({"id": 7}, "/id"),
        ({"version": 3}, "/version"),
        ({"created_at": "2025-01-01T00:00:00Z"}, "/created_at"),
        ({"unknown": 1}, "/unknown"),
    ],
)
def test_invalid_documents_are_422_with_a_pointer_and_store_nothing(
    client: TestClient, keys: Keys, overrides: dict[str, Any], pointer: str
) -> None:
    response = client.post("/v1/articles", json=article(**overrides), headers=keys.write)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["status"] == 422
    assert problem["type"] == "urn:kiji:problem:validation-error"
    assert pointer in [e["pointer"] for e in problem["errors"]]
    assert client.get("/v1/articles").json()["items"] == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("url", "javascript:alert(1)"),
        ("url", "data:text/html,hi"),
        ("url", "ftp://example.com/a"),
        ("url", "/relative/path"),
        ("url", "https://example.com/" + "a" * 2048),
        # Characters RFC 3986 leaves out of a URI, where the text template ends a URL.
        ("url", 'https://x.example.jp/a"b'),
        ("url", "https://x.example.jp/a_(b)?q=<1>&r=`2`"),
        ("url", "https://x.example.jp/{a}|b^c\\d"),
        ("url", "https://ja.example.jp/wiki/東京"),
        ("url", "https://日本.example.jp/a"),
        ("url", "https://" + "a" * 300 + ".example.jp/x"),
        ("url", "https://" + "b" * 64 + ".example.jp/x"),
        ("url", "https://" + ("c" * 60 + ".") * 5 + "jp/x?long=host"),
        ("publisher", ""),
        ("published_on", "2025-02-30"),
        ("published_on", 0),
        ("published_on", "20250101"),
        ("summary", ["x" * 5001]),
        ("position", 3),
        ("host", "example.com"),
    ],
)
def test_citation_fields_are_validated(
    client: TestClient, keys: Keys, field: str, value: Any
) -> None:
    doc = article()
    doc["sections"][0]["citations"][0][field] = value
    response = client.post("/v1/articles", json=doc, headers=keys.write)
    assert response.status_code == 422
    pointers = [e["pointer"] for e in response.json()["errors"]]
    assert f"/sections/0/citations/0/{field}" in pointers[0]


def test_a_url_outside_rfc_3986_names_the_character_to_encode(
    client: TestClient, keys: Keys
) -> None:
    doc = article()
    doc["sections"][0]["citations"][0]["url"] = "https://ja.example.jp/wiki/東京"
    response = client.post("/v1/articles", json=doc, headers=keys.write)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["pointer"] == "/sections/0/citations/0/url"
    assert "%E6%9D%B1" in error["message"]
    doc["sections"][0]["citations"][0]["url"] = "https://ja.example.jp/wiki/%E6%9D%B1%E4%BA%AC"
    assert client.post("/v1/articles", json=doc, headers=keys.write).status_code == 201


def test_section_rules(client: TestClient, keys: Keys) -> None:
    doc = article()
    doc["sections"][0]["question"] = "疑問符がない"
    doc["sections"][1]["answer"] = ""
    doc["sections"][1]["citations"] = doc["sections"][1]["citations"] * 11
    response = client.post("/v1/articles", json=doc, headers=keys.write)
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert pointers == {
        "/sections/0/question",
        "/sections/1/answer",
        "/sections/1/citations",
    }


def test_writes_need_a_key_with_write_scope(client: TestClient, keys: Keys) -> None:
    anonymous = client.post("/v1/articles", json=article())
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    assert anonymous.headers["content-type"] == "application/problem+json"
    for headers in (keys.read, keys.drafts):
        forbidden = client.post("/v1/articles", json=article(), headers=headers)
        assert forbidden.status_code == 403
        assert forbidden.json()["type"] == "urn:kiji:problem:forbidden"


def test_a_body_that_is_not_json_is_415(client: TestClient, keys: Keys) -> None:
    response = client.post(
        "/v1/articles", content="title", headers={**keys.write, "content-type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["accepted"] == ["application/json"]


def test_drafts_get_no_published_at_until_published(client: TestClient, keys: Keys) -> None:
    draft = create(client, keys.write, status="draft")
    assert draft["published_at"] is None
    published = client.patch(
        f"/v1/articles/{draft['slug']}", json={"status": "published"}, headers=keys.write
    ).json()
    assert published["published_at"] is not None
    assert published["version"] == 2


def test_given_published_at_is_kept_in_utc(client: TestClient, keys: Keys) -> None:
    doc = create(client, keys.write, published_at="2025-04-12T09:30:00+09:00")
    assert doc["published_at"] == "2025-04-12T00:30:00Z"
