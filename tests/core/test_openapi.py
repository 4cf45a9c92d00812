"""The OpenAPI document says what the server sends: each response's status is declared for
its operation, and its JSON body validates against the schema declared for its media type."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from jsonschema import Draft202012Validator

from tests.builders import Keys, article, create

PROBLEM = "application/problem+json"


def _operation(spec: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    op: dict[str, Any] = spec["paths"][path][method]
    return op


def _conforms(spec: dict[str, Any], path: str, method: str, response: Response) -> None:
    where = f"{method.upper()} {path} -> {response.status_code}"
    declared = _operation(spec, path, method)["responses"]
    assert str(response.status_code) in declared, f"{where}: status not declared"
    content = declared[str(response.status_code)].get("content")
    if not response.content:
        return
    media = response.headers["content-type"].split(";")[0]
    assert content, f"{where}: no body declared"
    assert media in content, f"{where}: {media} not declared ({list(content)})"
    schema = content[media].get("schema")
    assert schema, f"{where}: no schema for {media}"
    validator = Draft202012Validator({**schema, "components": spec["components"]})
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())
    ]
    assert not errors, f"{where}: {errors[:3]}"


def test_every_problem_is_declared_as_problem_json(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    for path, item in spec["paths"].items():
        for method, op in item.items():
            where = f"{method.upper()} {path}"
            responses = op["responses"]
            for code, response in responses.items():
                if int(code) >= 400:
                    assert list(response["content"]) == [PROBLEM], f"{where} {code}"
                    schema = response["content"][PROBLEM]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Problem"}, f"{where} {code}"
            # A bad parameter (or an unknown one) is a 400 problem.
            if op.get("parameters") or "requestBody" in op:
                assert "400" in responses, where
            headers = {p["name"].lower() for p in op.get("parameters", []) if p["in"] == "header"}
            if "if-none-match" in headers and method == "get":
                assert "304" in responses, where
            # Only an operation that reads a body can find it too large, badly typed or
            # invalid (the body limit applies where a body is read).
            for code in ("413", "415", "422"):
                assert (code in responses) == ("requestBody" in op), f"{where} {code}"


@pytest.fixture
def slug(client: TestClient, keys: Keys) -> str:
    doc = create(client, keys.write, **{k: v for k, v in article().items() if k != "slug"})
    return str(doc["slug"])


def test_responses_conform_to_the_document(client: TestClient, keys: Keys, slug: str) -> None:
    spec = client.get("/openapi.json").json()
    one = "/v1/articles/{slug}"
    cases: list[tuple[str, str, str, dict[str, str]]] = [
        (one, "get", f"/v1/articles/{slug}", {}),
        (one, "get", f"/v1/articles/{slug}?format=ninjs", {}),
        (one, "get", f"/v1/articles/{slug}", {"accept": "application/ninjs+json"}),
        (one, "get", f"/v1/articles/{slug}", keys.summary),
        (one, "get", f"/v1/articles/{slug}?format=ninjs", keys.summary),
        (one, "get", f"/v1/articles/{slug}", {"if-none-match": "*"}),
        (one, "get", "/v1/articles/no-such-article", {}),
        (one, "get", f"/v1/articles/{slug}?format=pdf", {}),
        (one, "get", f"/v1/articles/{slug}", {"accept": "application/pdf"}),
        ("/v1/articles", "get", "/v1/articles", {}),
        ("/v1/articles", "get", "/v1/articles?fields=slug,title", {}),
        ("/v1/articles", "get", "/v1/articles?fields=faq", keys.summary),
        ("/v1/articles", "get", "/v1/articles?limit=0", {}),
        ("/v1/articles/{slug}/faq", "get", f"/v1/articles/{slug}/faq", {"if-none-match": "*"}),
        ("/v1/questions", "get", "/v1/questions", {"if-none-match": "*"}),
        ("/v1/citations", "get", "/v1/citations", {"if-none-match": "*"}),
        ("/v1/publishers", "get", "/v1/publishers", {"if-none-match": "*"}),
        ("/v1/keywords", "get", "/v1/keywords", {"if-none-match": "*"}),
        ("/v1/search", "get", "/v1/search?q=朝市", {"if-none-match": "*"}),
        ("/v1/search", "get", "/v1/search?q=朝市", {}),
        ("/v1/feeds/summaries.json", "get", "/v1/feeds/summaries.json", keys.admin),
        ("/v1/feeds/summaries.json", "get", "/v1/feeds/summaries.json?limit=0", keys.admin),
        ("/v1/feeds/summaries.json", "get", "/v1/feeds/summaries.json", keys.read),
        ("/v1/keys/{key_id}", "delete", "/v1/keys/0", keys.admin),
        ("/v1/keys/{key_id}", "delete", f"/v1/keys/{2**63}", keys.admin),
    ]
    statuses = set()
    for path, method, url, headers in cases:
        response = client.request(method.upper(), url, headers=headers)
        _conforms(spec, path, method, response)
        statuses.add(response.status_code)
    assert {200, 304, 400, 404, 406} <= statuses


def test_invalid_bodies_conform_to_the_document(client: TestClient, keys: Keys) -> None:
    spec = client.get("/openapi.json").json()
    for body in (b"{", b'{"title": ""}'):
        response = client.post(
            "/v1/articles",
            content=body,
            headers={**keys.write, "content-type": "application/json"},
        )
        assert response.status_code in (400, 422)
        _conforms(spec, "/v1/articles", "post", response)
