"""GET /v1/changes: every create, update and delete in order, tombstones, cursors, projections."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.syndication.changes_service import decode_cursor
from tests.builders import Keys, article, create, create_key


@pytest.fixture
def partner(settings: Settings) -> dict[str, str]:
    """A full-profile syndication key without drafts."""
    return {"Authorization": f"Bearer {create_key(settings.database_url, 'p', ['syndicate'])}"}


def feed(
    client: TestClient, headers: dict[str, str], **params: Any
) -> tuple[list[dict[str, Any]], str]:
    response = client.get("/v1/changes", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "next_cursor"}
    return body["items"], body["next_cursor"]


def brief(items: list[dict[str, Any]]) -> list[tuple[str, str, int, bool]]:
    return [(i["type"], i["slug"], i["version"], "article" in i) for i in items]


def test_a_deleted_articles_id_is_never_given_again(
    client: TestClient, keys: Keys, partner: dict[str, str]
) -> None:
    # The newest article deleted, then another created: SQLite would hand out the same
    # rowid, and the tombstone would read as an older change of the new article.
    a = create(client, keys.write, title="朝市の続報は?")
    b = create(client, keys.write, title="港の再開発は?")
    assert client.delete(f"/v1/articles/{b['slug']}", headers=keys.write).status_code == 204
    c = create(client, keys.write, title="新しい市場は?")
    assert len({a["id"], b["id"], c["id"]}) == 3
    assert c["id"] > b["id"]
    items, _ = feed(client, partner)
    assert brief(items) == [
        ("create", a["slug"], 1, True),
        ("create", b["slug"], 1, False),
        ("delete", b["slug"], 2, False),
        ("create", c["slug"], 1, True),
    ]


def test_every_change_in_order_with_tombstones(
    client: TestClient, keys: Keys, partner: dict[str, str]
) -> None:
    a = create(client, keys.write, title="朝市の続報は?")
    b = create(client, keys.write, title="港の再開発は?")
    patched = client.patch(
        f"/v1/articles/{a['slug']}",
        json={"subtitle": "二回目の開催"},
        headers={**keys.write, "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200
    assert client.delete(f"/v1/articles/{b['slug']}", headers=keys.write).status_code == 204

    items, cursor = feed(client, partner)
    # Older changes say what happened; the article's latest change carries its current state.
    assert brief(items) == [
        ("create", a["slug"], 1, False),
        ("create", b["slug"], 1, False),
        ("update", a["slug"], 2, True),
        ("delete", b["slug"], 2, False),
    ]
    seqs = [i["seq"] for i in items]
    assert seqs == sorted(set(seqs))
    assert len(seqs) == 4
    assert items[2]["article"] == patched.json()
    assert all(i["at"].endswith("Z") for i in items)
    assert decode_cursor(cursor) == seqs[-1]


def test_pages_link_onwards_and_resume_from_any_cursor(
    client: TestClient, keys: Keys, partner: dict[str, str]
) -> None:
    empty, start = feed(client, partner)
    assert empty == []
    slugs = [create(client, keys.write, title=f"連載{n}回目は?")["slug"] for n in range(5)]

    first = client.get("/v1/changes", params={"limit": 2}, headers=partner)
    assert 'rel="next"' in first.headers["link"]
    seen = [i["slug"] for i in first.json()["items"]]
    cursor = first.json()["next_cursor"]
    while True:
        response = client.get("/v1/changes", params={"limit": 2, "cursor": cursor}, headers=partner)
        seen += [i["slug"] for i in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if "link" not in response.headers:
            break
    assert seen == slugs
    # Caught up: no items, but a cursor to come back with.
    items, again = feed(client, partner, cursor=cursor)
    assert items == []
    assert decode_cursor(again) == decode_cursor(cursor)

    later = create(client, keys.write, title="連載の最終回は?")
    assert [i["slug"] for i in feed(client, partner, cursor=again)[0]] == [later["slug"]]
    # The cursor of the empty feed still resumes from the beginning.
    assert [i["slug"] for i in feed(client, partner, cursor=start)[0]] == [*slugs, later["slug"]]


def test_summary_only_keys_get_the_summary_projection(
    client: TestClient, keys: Keys, settings: Settings, partner: dict[str, str]
) -> None:
    doc = create(client, keys.write)
    secret = create_key(settings.database_url, "s", ["syndicate"], "summary")
    [item], _ = feed(client, {"Authorization": f"Bearer {secret}"})
    summary = client.get(f"/v1/articles/{doc['slug']}/summary").json()
    assert item["article"] == summary
    assert "sections" not in item["article"]
    [full], _ = feed(client, partner)
    assert full["article"] == doc


def test_without_drafts_an_unpublished_article_is_a_tombstone(
    client: TestClient, keys: Keys, settings: Settings, partner: dict[str, str]
) -> None:
    draft = create(client, keys.write, title="まだ出さない記事は?", status="draft")
    public = create(client, keys.write, title="公開した記事は?")
    unpublish = article(title="公開した記事は?", status="draft")
    url = f"/v1/articles/{public['slug']}"
    assert client.put(url, json=unpublish, headers=keys.write).status_code == 200
    republish = client.put(url, json=article(title="公開した記事は?"), headers=keys.write)
    assert republish.json()["version"] == 3
    assert client.delete(f"/v1/articles/{draft['slug']}", headers=keys.write).status_code == 204

    items, cursor = feed(client, partner)
    assert brief(items) == [
        ("create", public["slug"], 1, False),
        ("delete", public["slug"], 2, False),
        ("update", public["slug"], 3, True),
    ]
    assert all(draft["slug"] not in str(i) for i in items)
    # The hidden draft rows are behind the cursor: the next poll does not scan them again.
    assert decode_cursor(cursor) == 5

    both = create_key(settings.database_url, "d", ["syndicate", "drafts"])
    everything, _ = feed(client, {"Authorization": f"Bearer {both}"})
    assert brief(everything) == [
        ("create", draft["slug"], 1, False),
        ("create", public["slug"], 1, False),
        ("update", public["slug"], 2, False),
        ("update", public["slug"], 3, True),
        ("delete", draft["slug"], 2, False),
    ]


def test_the_feed_needs_the_syndicate_scope(
    client: TestClient, keys: Keys, partner: dict[str, str]
) -> None:
    assert client.get("/v1/changes").status_code == 401
    for headers in (keys.read, keys.write, keys.summary):
        response = client.get("/v1/changes", headers=headers)
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/changes", headers=keys.admin).status_code == 200
    assert client.get("/v1/changes", headers=partner).status_code == 200


def test_bad_cursors_and_parameters_are_400(
    client: TestClient, partner: dict[str, str], keys: Keys
) -> None:
    create(client, keys.write)
    _, cursor = feed(client, partner)
    for params in (
        {"cursor": "not-a-cursor"},
        {"cursor": cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")},
        {"limit": "0"},
        {"limit": "501"},
        {"since": "1"},
    ):
        response = client.get("/v1/changes", params=params, headers=partner)
        assert response.status_code == 400, params
        assert response.headers["content-type"] == "application/problem+json"
    # A valid cursor of another list is not a changes cursor.
    create(client, keys.write, title="二本目の記事は?")
    other = client.get("/v1/articles", params={"limit": 1}, headers=keys.write).json()
    response = client.get("/v1/changes", params={"cursor": other["next_cursor"]}, headers=partner)
    assert response.status_code == 400


def test_pollers_revalidate_with_etags(
    client: TestClient, keys: Keys, partner: dict[str, str]
) -> None:
    create(client, keys.write)
    first = client.get("/v1/changes", headers=partner)
    assert first.headers["cache-control"] == "private, no-cache"
    # The page's newest change: here the one write.
    [item] = first.json()["items"]
    assert parsedate_to_datetime(first.headers["last-modified"]) == datetime.fromisoformat(
        item["at"]
    ).replace(microsecond=0)
    etag = first.headers["etag"]
    again = client.get("/v1/changes", headers={**partner, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert "content-type" not in again.headers
    create(client, keys.write, title="新しい記事は?")
    assert client.get("/v1/changes", headers={**partner, "If-None-Match": etag}).status_code == 200
