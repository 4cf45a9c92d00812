"""GET /v1/feeds/summaries.json and .atom over HTTP: access, paging, filters, revalidation."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft7Validator, FormatChecker

from app.core.config import Settings
from app.main import create_app
from tests.builders import Keys, article, create, create_key
from tests.syndication import standards
from tests.syndication.http import MARKERS, publish_many, with_markers

JSON_FEED = "/v1/feeds/summaries.json"
ATOM_FEED = "/v1/feeds/summaries.atom"
BASE = "http://kiji.test"


@pytest.fixture
def partner(settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_key(settings.database_url, 'p', ['syndicate'])}"}


@pytest.fixture
def validator() -> Draft7Validator:
    return Draft7Validator(standards.schema(standards.JSON_FEED), format_checker=FormatChecker())


def _relative(url: str) -> str:
    assert url.startswith(BASE), url
    return url.removeprefix(BASE)


def test_feeds_need_a_key_with_the_syndicate_scope(
    client: TestClient, keys: Keys, partner: dict[str, str], settings: Settings
) -> None:
    for path in (JSON_FEED, ATOM_FEED):
        anonymous = client.get(path)
        assert anonymous.status_code == 401
        assert anonymous.headers["content-type"] == "application/problem+json"
        assert client.get(path, headers=keys.read).status_code == 403
        assert client.get(path, headers=keys.write).status_code == 403
        assert client.get(path, headers=partner).status_code == 200
        assert client.get(path, headers=keys.admin).status_code == 200


def test_json_feed_pages_through_every_published_summary(
    client: TestClient, keys: Keys, partner: dict[str, str], validator: Draft7Validator
) -> None:
    newest_first = publish_many(client, keys.write, 5)
    draft = with_markers(slug="mikoukai", status="draft")
    assert client.post("/v1/articles", json=draft, headers=keys.write).status_code == 201

    seen: list[str] = []
    next_urls: list[str] = []
    url: str | None = f"{JSON_FEED}?limit=2"
    while url is not None:
        response = client.get(url, headers=partner)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/feed+json"
        feed = response.json()
        assert list(validator.iter_errors(feed)) == []
        assert feed["feed_url"] == f"{BASE}{JSON_FEED}?limit=2"
        seen += [item["id"] for item in feed["items"]]
        url = feed.get("next_url")
        if url is not None:
            assert response.headers["link"] == f'<{url}>; rel="next"'
            assert url != feed["feed_url"]
            assert url not in next_urls
            next_urls.append(url)
            url = _relative(url)
        else:
            assert "link" not in response.headers
    assert seen == [f"{BASE}/v1/articles/{slug}" for slug in newest_first]
    assert len(next_urls) == 2


def test_atom_feed_parses_and_pages_with_next_links(
    client: TestClient, keys: Keys, partner: dict[str, str]
) -> None:
    newest_first = publish_many(client, keys.write, 3)
    seen: list[str] = []
    url: str | None = f"{ATOM_FEED}?limit=2"
    while url is not None:
        response = client.get(url, headers=partner)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
        parsed = feedparser.parse(response.content)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.feed.id == f"{BASE}{ATOM_FEED}?limit=2"
        links = {link.rel: link.href for link in parsed.feed.links}
        assert links["self"] == f"{BASE}{url}"
        for entry in parsed.entries:
            assert entry.updated_parsed is not None
            assert {t.term for t in entry.tags} >= {"朝市"}
            alternates = [link.href for link in entry.links if link.rel == "alternate"]
            assert alternates[0] == f"{entry.id}?format=html"
        seen += [entry.id for entry in parsed.entries]
        url = _relative(links["next"]) if "next" in links else None
    assert seen == [f"{BASE}/v1/articles/{slug}" for slug in newest_first]


@pytest.mark.parametrize("path", [JSON_FEED, ATOM_FEED])
def test_feeds_revalidate_and_follow_updates(
    client: TestClient, keys: Keys, partner: dict[str, str], path: str
) -> None:
    publish_many(client, keys.write, 2)
    first = client.get(path, headers=partner)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "private, max-age=60"
    assert "Authorization" in first.headers["vary"]
    assert first.headers["last-modified"].endswith("GMT")
    again = client.get(path, headers={**partner, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert "content-type" not in again.headers
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == first.headers["cache-control"]

    patched = client.patch(
        "/v1/articles/asaichi-0",
        json={"title": "港町の朝市、改訂版は?"},
        headers={**keys.write, "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200
    changed = client.get(path, headers={**partner, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert "港町の朝市、改訂版は?" in changed.text
    # The item keeps its id through the update.
    assert f"{BASE}/v1/articles/asaichi-0" in changed.text


def test_json_feed_items_carry_the_summary_and_never_full_text(
    client: TestClient, keys: Keys, partner: dict[str, str], settings: Settings
) -> None:
    publish_many(client, keys.write, 1)
    secret = create_key(settings.database_url, "s", ["syndicate"], "summary")
    summary_partner = {"Authorization": f"Bearer {secret}"}
    for headers in (partner, summary_partner, keys.admin):
        for path in (JSON_FEED, ATOM_FEED):
            text = client.get(path, headers=headers).text
            for field, marker in MARKERS.items():
                assert marker not in text, f"{path} leaks the {field}"
    [item] = client.get(JSON_FEED, headers=partner).json()["items"]
    assert item["tags"] == ["朝市", "偶数"]
    assert item["summary"].startswith("人口減少が続く港町で")
    assert "なぜ漁師と農家が一緒に市場を開いたのか？" in item["content_text"]
    assert '<h3 class="question">観光客は増えたのか?</h3>' in item["content_html"]
    assert "漁師と農家の共同朝市が始まった。" in item["content_html"]
    citations = item["_kiji"]["citations"]
    assert [(c["position"], c["citation_position"]) for c in citations] == [
        (1, 1),
        (2, 1),
        (2, 2),
    ]
    assert "comment" not in citations[0]
    assert item["date_published"] == "2025-06-01T00:00:00Z"


def test_feed_filters(client: TestClient, keys: Keys, partner: dict[str, str]) -> None:
    publish_many(client, keys.write, 4)
    create(
        client,
        keys.write,
        slug="yama-no-eki",
        title="山の駅は?",
        keywords=["山"],
        sections=[
            {
                "heading": "山の駅",
                "question": "駅はどこに?",
                "answer": "峠の上。",
                "citations": [{"publisher": "峠新報", "url": "https://touge.example.jp/a"}],
            }
        ],
    )

    def ids(query: str) -> list[str]:
        response = client.get(f"{JSON_FEED}?{query}", headers=partner)
        assert response.status_code == 200, response.text
        return [i["_kiji"]["slug"] for i in response.json()["items"]]

    assert ids("keyword=偶数") == ["asaichi-2", "asaichi-0"]
    assert ids("keyword=朝市&keyword=奇数") == ["asaichi-3", "asaichi-1"]
    assert ids("host=TOUGE.example.jp") == ["yama-no-eki"]
    assert ids("host=minato.example.org&keyword=奇数") == ["asaichi-3", "asaichi-1"]
    assert ids("keyword=存在しない") == []
    titled = client.get(f"{JSON_FEED}?keyword=偶数", headers=partner).json()
    assert "偶数" in titled["title"]
    assert titled["feed_url"] == f"{BASE}{JSON_FEED}?keyword=%E5%81%B6%E6%95%B0"
    atom = feedparser.parse(
        client.get(f"{ATOM_FEED}?host=touge.example.jp", headers=partner).content
    )
    assert [e.id for e in atom.entries] == [f"{BASE}/v1/articles/yama-no-eki"]


@pytest.mark.parametrize("path", [JSON_FEED, ATOM_FEED])
def test_bad_feed_parameters_are_400_problems(
    client: TestClient, partner: dict[str, str], path: str
) -> None:
    for query in ("format=rss", "limit=0", "limit=101", "cursor=not-a-cursor"):
        response = client.get(f"{path}?{query}", headers=partner)
        assert response.status_code == 400, query
        assert response.headers["content-type"] == "application/problem+json"


def test_a_cursor_belongs_to_its_filters(
    client: TestClient, keys: Keys, partner: dict[str, str]
) -> None:
    publish_many(client, keys.write, 3)
    feed: dict[str, Any] = client.get(f"{JSON_FEED}?limit=1", headers=partner).json()
    cursor = feed["next_url"].rsplit("cursor=", 1)[1]
    other = client.get(f"{JSON_FEED}?limit=1&keyword=偶数&cursor={cursor}", headers=partner)
    assert other.status_code == 400


def test_feeds_are_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    json_op = spec["paths"][JSON_FEED]["get"]
    assert "application/feed+json" in json_op["responses"]["200"]["content"]
    assert {p["name"] for p in json_op["parameters"]} >= {"keyword", "host", "limit", "cursor"}
    atom_op = spec["paths"][ATOM_FEED]["get"]
    assert "application/atom+xml" in atom_op["responses"]["200"]["content"]
    for op in (json_op, atom_op):
        assert {"400", "401", "403"} <= set(op["responses"])


def test_a_writers_host_header_never_reaches_urls_and_ids(
    settings: Settings, keys: Keys, partner: dict[str, str], validator: Draft7Validator
) -> None:
    # Stored summaries keep their URL: a Host header taken from the write would plant
    # another site's address in every feed and projection that carries them. Without
    # KIJI_BASE_URL, URLs and ids are this server's own address.
    unset = settings.model_copy(update={"base_url": "", "port": 8765})
    own = "http://127.0.0.1:8765/v1/articles/host-check"
    with TestClient(create_app(unset), base_url="http://attacker.example") as client:
        created = client.post("/v1/articles", json=article(slug="host-check"), headers=keys.write)
        assert created.status_code == 201, created.text
        assert client.get("/v1/articles/host-check/summary").json()["url"] == own
        feed = client.get(JSON_FEED, headers={**partner, "host": "reader.example"}).json()
        [item] = feed["items"]
        assert (item["id"], item["url"]) == (own, own)
        assert feed["feed_url"].startswith("http://127.0.0.1:8765/")
        assert not list(validator.iter_errors(feed))
        atom = client.get(ATOM_FEED, headers=partner).text
        assert "attacker.example" not in atom
        assert own in atom
