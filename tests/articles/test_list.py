"""GET /v1/articles: newest first, keyset cursors, Link headers, ETags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from tests.builders import Keys, create


def _publish(client: TestClient, keys: Keys, n: int) -> list[str]:
    base = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        create(
            client,
            keys.write,
            slug=f"kiji-{i:02d}",
            # Two articles per instant, so the id breaks ties.
            published_at=(base + timedelta(hours=i // 2)).isoformat(),
        )["slug"]
        for i in range(n)
    ]


def test_pages_walk_newest_first_without_gaps_or_repeats(client: TestClient, keys: Keys) -> None:
    slugs = _publish(client, keys, 7)
    expected = sorted(slugs, key=lambda s: (int(s[-2:]) // 2, int(s[-2:])), reverse=True)
    seen: list[str] = []
    url: str | None = "/v1/articles?limit=3"
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        seen += [item["slug"] for item in body["items"]]
        pages += 1
        if body["next_cursor"]:
            link = response.headers["link"]
            assert link.endswith('>; rel="next"')
            assert body["next_cursor"] in link
            url = f"/v1/articles?limit=3&cursor={body['next_cursor']}"
        else:
            assert "link" not in response.headers
            url = None
    assert seen == expected
    assert pages == 3


def test_items_are_summaries(client: TestClient, keys: Keys) -> None:
    create(client, keys.write, slug="one")
    item = client.get("/v1/articles").json()["items"][0]
    assert item == client.get("/v1/articles/one/summary").json()


def test_an_insert_during_a_walk_does_not_shift_pages(client: TestClient, keys: Keys) -> None:
    _publish(client, keys, 4)
    first = client.get("/v1/articles?limit=2").json()
    create(client, keys.write, slug="newer")  # newest: belongs before the walk's position
    second = client.get(f"/v1/articles?limit=2&cursor={first['next_cursor']}").json()
    assert [i["slug"] for i in second["items"]] == ["kiji-01", "kiji-00"]


def test_list_etag_and_304(client: TestClient, keys: Keys) -> None:
    create(client, keys.write, slug="one")
    first = client.get("/v1/articles")
    assert first.headers["last-modified"].endswith("GMT")
    again = client.get("/v1/articles", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    client.patch("/v1/articles/one", json={"subtitle": "変更"}, headers=keys.write)
    changed = client.get("/v1/articles", headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200


def test_bad_paging_parameters_are_400(client: TestClient, keys: Keys) -> None:
    _publish(client, keys, 3)
    cursor = client.get("/v1/articles?limit=1").json()["next_cursor"]
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    for query in (
        "limit=0",
        "limit=101",
        "limit=ten",
        "cursor=garbage",
        f"cursor={tampered}",
        "cursor=",
        "sort=title",
        "page=2",
    ):
        response = client.get(f"/v1/articles?{query}")
        if query == "cursor=":
            assert response.status_code == 200  # an empty cursor is the first page
            continue
        assert response.status_code == 400, query
        assert response.headers["content-type"] == "application/problem+json"


def test_cached_pages_never_outlive_a_write(client: TestClient, keys: Keys) -> None:
    create(client, keys.write, slug="one")
    first = client.get("/v1/articles").json()
    assert client.get("/v1/articles").json() == first  # served again (from the page cache)
    client.patch("/v1/articles/one", json={"subtitle": "改"}, headers=keys.write)
    assert client.get("/v1/articles").json()["items"][0]["subtitle"] == "改"
    create(client, keys.write, slug="two")
    assert [i["slug"] for i in client.get("/v1/articles").json()["items"]] == ["two", "one"]
    client.delete("/v1/articles/two", headers=keys.write)
    assert [i["slug"] for i in client.get("/v1/articles").json()["items"]] == ["one"]


def test_fast_list_answers_match_the_documented_route(client: TestClient, keys: Keys) -> None:
    create(client, keys.write, slug="one")
    create(client, keys.write, slug="two")
    first = client.get("/v1/articles?limit=1")  # rendered by the route, then kept
    again = client.get("/v1/articles?limit=1")  # answered from the kept page
    assert again.content == first.content
    for header in ("etag", "cache-control", "link", "vary", "content-type", "last-modified"):
        assert again.headers[header] == first.headers[header], header
    cond = client.get("/v1/articles?limit=1", headers={"If-None-Match": first.headers["etag"]})
    assert cond.status_code == 304
    assert cond.headers["etag"] == first.headers["etag"]
    # A conditional request that misses the cache is rendered, kept and answered alike.
    fresh = client.get("/v1/articles?limit=2", headers={"If-None-Match": '"nope"'})
    assert fresh.status_code == 200
    assert len(fresh.json()["items"]) == 2
    stale = client.get("/v1/articles?limit=2", headers={"If-None-Match": fresh.headers["etag"]})
    assert stale.status_code == 304
    head = client.head("/v1/articles?limit=1")
    assert head.status_code == 200
    assert head.content == b""
    # Errors are never kept.
    assert client.get("/v1/articles?limit=0").status_code == 400
    assert client.get("/v1/articles?limit=0").status_code == 400
