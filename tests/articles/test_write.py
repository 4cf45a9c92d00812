"""PUT, PATCH and DELETE: versions, If-Match, merge patches and tombstones."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.articles.models import Change, Citation, Section
from app.core.config import Settings
from app.core.db import make_engine, make_sessionmaker, unit_of_work
from tests.builders import Keys, article, create


def test_put_of_identical_content_changes_nothing(client: TestClient, keys: Keys) -> None:
    doc = create(client, keys.write)
    etag = client.get(f"/v1/articles/{doc['slug']}").headers["etag"]
    again = client.put(f"/v1/articles/{doc['slug']}", json=article(), headers=keys.write)
    assert again.status_code == 200
    assert again.json() == doc
    assert again.headers["etag"] == etag


def test_put_with_a_change_bumps_the_version(client: TestClient, keys: Keys) -> None:
    doc = create(client, keys.write)
    changed = client.put(
        f"/v1/articles/{doc['slug']}", json=article(subtitle="改訂版"), headers=keys.write
    )
    assert changed.status_code == 200
    body = changed.json()
    assert body["version"] == 2
    assert body["subtitle"] == "改訂版"
    assert body["created_at"] == doc["created_at"]
    assert body["updated_at"] > doc["updated_at"]
    assert body["published_at"] == doc["published_at"]
    assert client.get(f"/v1/articles/{doc['slug']}").json() == body


def test_put_replaces_sections_and_citations(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    doc = create(client, keys.write)
    smaller = article(sections=article()["sections"][:1], keywords=["朝市"])
    body = client.put(f"/v1/articles/{doc['slug']}", json=smaller, headers=keys.write).json()
    assert len(body["sections"]) == 1
    assert body["keywords"] == ["朝市"]
    engine = make_engine(settings.database_url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=False)) as session:
        assert len(session.scalars(select(Section)).all()) == 1
        assert len(session.scalars(select(Citation)).all()) == 1
    engine.dispose()


def test_put_to_a_missing_article_is_404(client: TestClient, keys: Keys) -> None:
    response = client.put("/v1/articles/nothing-here", json=article(), headers=keys.write)
    assert response.status_code == 404


def test_put_cannot_rename(client: TestClient, keys: Keys) -> None:
    doc = create(client, keys.write)
    response = client.put(
        f"/v1/articles/{doc['slug']}", json=article(slug="other"), headers=keys.write
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/slug"


def test_if_match_mismatch_is_412_and_changes_nothing(client: TestClient, keys: Keys) -> None:
    doc = create(client, keys.write)
    url = f"/v1/articles/{doc['slug']}"
    stale = {**keys.write, "If-Match": '"v0-stale"'}
    for response in (
        client.put(url, json=article(subtitle="x"), headers=stale),
        client.patch(url, json={"subtitle": "x"}, headers=stale),
        client.delete(url, headers=stale),
    ):
        assert response.status_code == 412
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get(url).json() == doc


def test_if_match_with_the_current_etag_applies(client: TestClient, keys: Keys) -> None:
    doc = create(client, keys.write)
    url = f"/v1/articles/{doc['slug']}"
    etag = client.get(url).headers["etag"]
    response = client.patch(url, json={"subtitle": "x"}, headers={**keys.write, "If-Match": etag})
    assert response.status_code == 200
    assert response.headers["etag"] != etag
    star = client.patch(url, json={"subtitle": "y"}, headers={**keys.write, "If-Match": "*"})
    assert star.status_code == 200
    weak = client.patch(
        url, json={"subtitle": "z"}, headers={**keys.write, "If-Match": f"W/{star.headers['etag']}"}
    )
    assert weak.status_code == 412


def test_merge_patch_sets_and_removes_fields(client: TestClient, keys: Keys) -> None:
    doc = create(client, keys.write)
    url = f"/v1/articles/{doc['slug']}"
    response = client.patch(
        url,
        content='{"subtitle": null, "key_points": ["一つだけ。"]}',
        headers={**keys.write, "content-type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["subtitle"] == ""
    assert body["key_points"] == ["一つだけ。"]
    assert body["sections"] == doc["sections"]
    assert body["version"] == 2


def test_a_patch_that_changes_nothing_keeps_the_version(client: TestClient, keys: Keys) -> None:
    doc = create(client, keys.write)
    response = client.patch(
        f"/v1/articles/{doc['slug']}", json={"title": doc["title"]}, headers=keys.write
    )
    assert response.json()["version"] == 1


def test_an_invalid_patch_is_422_and_changes_nothing(client: TestClient, keys: Keys) -> None:
    doc = create(client, keys.write)
    url = f"/v1/articles/{doc['slug']}"
    response = client.patch(
        url,
        json={"sections": [{"heading": "h", "question": "q?", "answer": "a", "bogus": 1}]},
        headers=keys.write,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"pointer": "/sections/0/bogus", "message": "unknown field"}
    ]
    for bad in ("[1, 2]", '"text"'):
        not_object = client.patch(
            url, content=bad, headers={**keys.write, "content-type": "application/json"}
        )
        assert not_object.status_code == 422
    server_field = client.patch(url, json={"version": 9}, headers=keys.write)
    assert server_field.status_code == 422
    assert client.get(url).json() == doc


def test_delete_removes_the_article_everywhere_and_leaves_a_tombstone(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    doc = create(client, keys.write)
    other = create(client, keys.write)
    url = f"/v1/articles/{doc['slug']}"
    assert client.delete(url, headers=keys.write).status_code == 204
    for path in ("", "/sections", "/sections/1", "/faq", "/summary", "/citations"):
        assert client.get(url + path).status_code == 404, path
    assert [a["slug"] for a in client.get("/v1/articles").json()["items"]] == [other["slug"]]
    assert client.delete(url, headers=keys.write).status_code == 404
    engine = make_engine(settings.database_url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=False)) as session:
        changes = session.scalars(select(Change).order_by(Change.seq)).all()
        assert [(c.kind, c.slug, c.version) for c in changes] == [
            ("create", doc["slug"], 1),
            ("create", other["slug"], 1),
            ("delete", doc["slug"], 2),
        ]
        assert session.scalars(select(Section).where(Section.article_id == doc["id"])).all() == []
    engine.dispose()


def test_writes_are_recorded_as_changes(client: TestClient, keys: Keys, settings: Settings) -> None:
    doc = create(client, keys.write)
    url = f"/v1/articles/{doc['slug']}"
    client.put(url, json=article(), headers=keys.write)  # unchanged: no change row
    client.patch(url, json={"subtitle": "新"}, headers=keys.write)
    engine = make_engine(settings.database_url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=False)) as session:
        kinds = [(c.kind, c.version) for c in session.scalars(select(Change).order_by(Change.seq))]
    engine.dispose()
    assert kinds == [("create", 1), ("update", 2)]
