"""POST /v1/imports and the text/Markdown representations of stored articles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from app.seed import sample_texts
from tests.builders import Keys, article

SAMPLES = dict(sample_texts())
RAIL = SAMPLES["kogen-railway.txt"].encode()
BROKEN = "題名だけの記事\n本文のような行\n".encode()
TEXT = {"content-type": "text/plain"}


def _results(response: Any) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def test_text_import_creates_then_is_unchanged(client: TestClient, keys: Keys) -> None:
    first = client.post("/v1/imports", content=RAIL, headers={**keys.write, **TEXT})
    assert first.status_code == 200, first.text
    [created] = _results(first)
    assert created["status"] == "created"
    assert created["version"] == 1
    assert created["warnings"]
    assert all(w["line"] > 0 for w in created["warnings"])
    again = _results(client.post("/v1/imports", content=RAIL, headers={**keys.write, **TEXT}))
    assert again[0]["status"] == "unchanged"
    assert again[0]["version"] == 1
    assert again[0]["slug"] == created["slug"]


def test_export_as_text_gives_the_imported_file_back(client: TestClient, keys: Keys) -> None:
    slug = _results(client.post("/v1/imports", content=RAIL, headers={**keys.write, **TEXT}))[0][
        "slug"
    ]
    text = client.get(f"/v1/articles/{slug}?format=text")
    assert text.status_code == 200
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.content == RAIL
    by_accept = client.get(f"/v1/articles/{slug}", headers={"Accept": "text/plain"})
    assert by_accept.content == RAIL
    assert (
        client.get(
            f"/v1/articles/{slug}",
            headers={"If-None-Match": text.headers["etag"], "Accept": "text/plain"},
        ).status_code
        == 304
    )
    markdown = client.get(f"/v1/articles/{slug}", headers={"Accept": "text/markdown"})
    assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    assert markdown.text.startswith("---\n")
    back = _results(
        client.post(
            "/v1/imports",
            content=markdown.content,
            headers={**keys.write, "content-type": "text/markdown"},
        )
    )
    assert back[0]["status"] == "unchanged"


def test_summary_keys_cannot_export_full_text(client: TestClient, keys: Keys) -> None:
    slug = _results(client.post("/v1/imports", content=RAIL, headers={**keys.write, **TEXT}))[0][
        "slug"
    ]
    for fmt in ("text", "markdown"):
        response = client.get(f"/v1/articles/{slug}?format={fmt}", headers=keys.summary)
        assert response.status_code == 403


def test_dry_run_stores_nothing_and_returns_documents(client: TestClient, keys: Keys) -> None:
    response = client.post("/v1/imports?dry_run=true", content=RAIL, headers={**keys.write, **TEXT})
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True
    assert body["results"][0]["status"] == "created"
    assert body["results"][0]["document"]["title"].startswith("しらかば高原鉄道")
    assert client.get("/v1/articles").json()["items"] == []


def test_atomic_import_with_an_invalid_file_stores_nothing(client: TestClient, keys: Keys) -> None:
    files = [("files", ("rail.txt", RAIL)), ("files", ("broken.txt", BROKEN))]
    response = client.post("/v1/imports", files=files, headers=keys.write)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["created", "invalid"]
    assert results[1]["name"] == "broken.txt"
    assert all(e["line"] >= 1 for e in results[1]["errors"])
    assert client.get("/v1/articles").json()["items"] == []


def test_non_atomic_import_keeps_the_valid_files(client: TestClient, keys: Keys) -> None:
    files = [(f"f{i}", (name, text.encode())) for i, (name, text) in enumerate(SAMPLES.items())]
    files.append(("bad", ("broken.txt", BROKEN)))
    response = client.post("/v1/imports?atomic=false", files=files, headers=keys.write)
    assert response.status_code == 200
    statuses = {r["name"]: r["status"] for r in _results(response)}
    assert statuses["broken.txt"] == "invalid"
    assert sorted(v for k, v in statuses.items() if k != "broken.txt") == ["created"] * len(SAMPLES)
    assert len(client.get("/v1/articles").json()["items"]) == len(SAMPLES)


def test_on_conflict_skip_and_fail(client: TestClient, keys: Keys) -> None:
    client.post("/v1/imports", content=RAIL, headers={**keys.write, **TEXT})
    changed = RAIL.replace("観光列車".encode(), "観光電車".encode(), 1)
    skipped = client.post(
        "/v1/imports?on_conflict=skip", content=changed, headers={**keys.write, **TEXT}
    )
    assert _results(skipped)[0]["status"] == "skipped"
    failed = client.post(
        "/v1/imports?on_conflict=fail", content=changed, headers={**keys.write, **TEXT}
    )
    assert failed.status_code == 422
    updated = client.post("/v1/imports", content=changed, headers={**keys.write, **TEXT})
    assert _results(updated)[0]["status"] == "updated"
    assert _results(updated)[0]["version"] == 2


def test_json_array_import(client: TestClient, keys: Keys) -> None:
    docs = [article(slug="one"), article(slug="two"), article(slug="one", subtitle="改")]
    response = client.post("/v1/imports", json=docs, headers=keys.write)
    assert [r["status"] for r in _results(response)] == ["created", "created", "updated"]
    invalid = client.post("/v1/imports", json=[article(slug="x", id=3)], headers=keys.write)
    assert invalid.status_code == 422
    assert invalid.json()["results"][0]["errors"] == [
        {"line": None, "pointer": "/id", "message": "unknown field"}
    ]


def test_every_issue_has_one_shape(client: TestClient, keys: Keys) -> None:
    # Warnings and errors of text and JSON inputs, in a 200 and in an atomic 422 alike.
    text = {**keys.write, **TEXT}
    answers = [
        client.post("/v1/imports", content=RAIL, headers=text),  # with warnings
        client.post("/v1/imports", content=BROKEN, headers=text),
        client.post("/v1/imports", json=[article(slug="x", id=3)], headers=keys.write),
        client.post("/v1/imports?atomic=false", json=[article(slug="y", id=3)], headers=keys.write),
    ]
    issues = [
        issue
        for answer in answers
        for result in answer.json()["results"]
        for issue in result["warnings"] + result["errors"]
    ]
    assert {a.status_code for a in answers} == {200, 422}
    assert len(issues) >= 3
    assert all(set(issue) == {"line", "pointer", "message"} for issue in issues), issues


def test_import_errors(client: TestClient, keys: Keys, tmp_path: Path) -> None:
    assert client.post("/v1/imports", content=RAIL, headers=TEXT).status_code == 401
    assert (
        client.post("/v1/imports", content=RAIL, headers={**keys.read, **TEXT}).status_code == 403
    )
    odd = client.post(
        "/v1/imports", content=b"x", headers={**keys.write, "content-type": "image/png"}
    )
    assert odd.status_code == 415
    bad_json = client.post(
        "/v1/imports", content=b"[{", headers={**keys.write, "content-type": "application/json"}
    )
    assert bad_json.status_code == 400
    assert (
        client.post(
            "/v1/imports?on_conflict=merge", content=RAIL, headers={**keys.write, **TEXT}
        ).status_code
        == 400
    )
    assert (
        client.post("/v1/imports?force=1", content=RAIL, headers={**keys.write, **TEXT}).status_code
        == 400
    )
    invalid_utf8 = client.post(
        "/v1/imports", content=RAIL[:40] + b"\xff\xfe" + RAIL[40:], headers={**keys.write, **TEXT}
    )
    assert invalid_utf8.status_code == 422
    assert invalid_utf8.json()["results"][0]["errors"][0]["line"] == 1


def test_import_bodies_over_the_import_limit_are_413_and_store_nothing(
    settings: Settings, keys: Keys
) -> None:
    small = settings.model_copy(update={"max_import_bytes": 4096, "max_body_bytes": 1024})
    with TestClient(create_app(small)) as client:
        declared = client.post("/v1/imports", content=RAIL, headers={**keys.write, **TEXT})
        assert declared.status_code == 413
        assert declared.json()["limit"] == 4096

        def chunks() -> Iterator[bytes]:
            yield from (RAIL[i : i + 1000] for i in range(0, len(RAIL), 1000))

        streamed = client.post("/v1/imports", content=chunks(), headers={**keys.write, **TEXT})
        assert streamed.status_code == 413
        assert streamed.headers["content-type"] == "application/problem+json"
        small_enough = client.post(
            "/v1/imports?dry_run=true",
            content=RAIL[:3000],
            headers={**keys.write, **TEXT},
        )
        assert small_enough.status_code == 422  # read and parsed: the limit is per route
        assert client.get("/v1/articles").json()["items"] == []


def test_a_host_name_too_long_is_an_invalid_input_not_a_failure(
    client: TestClient, keys: Keys
) -> None:
    # PostgreSQL stores host names in VARCHAR(255): validation stops a longer one first.
    long_host = "www." + "a" * 300 + ".example.jp"
    text = SAMPLES["aoba-satellite.txt"].replace("www.miyagi-uchu.example.jp", long_host)
    for dry_run in ("true", "false"):
        response = client.post(
            f"/v1/imports?dry_run={dry_run}",
            content=text.encode(),
            headers={**keys.write, **TEXT},
        )
        assert response.status_code == 422, response.text
        [result] = response.json()["results"]
        assert result["status"] == "invalid"
        assert any("host name" in e["message"] for e in result["errors"]), result["errors"]
    assert client.get("/v1/articles").json()["items"] == []
