"""GET /v1/articles/{slug} as HTML, JSON-LD and ninjs: negotiation, caching, visibility, and
what summary-only keys get."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker

from app.core.config import Settings
from app.core.http import PUBLIC_CACHE
from tests.builders import Keys, create_key
from tests.syndication import standards
from tests.syndication.http import MARKERS, with_markers

URL = "/v1/articles/minato"
CANONICAL = f"http://kiji.test{URL}"
MEDIA = {
    "html": "text/html; charset=utf-8",
    "jsonld": "application/ld+json",
    "ninjs": "application/json",
}
ACCEPT = {"html": "text/html", "jsonld": "application/ld+json", "ninjs": "application/ninjs+json"}


@pytest.fixture
def published(client: TestClient, keys: Keys) -> None:
    response = client.post("/v1/articles", json=with_markers(slug="minato"), headers=keys.write)
    assert response.status_code == 201, response.text


def _validator() -> Draft202012Validator:
    return Draft202012Validator(standards.schema(standards.NINJS), format_checker=FormatChecker())


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize("kind", ["html", "jsonld", "ninjs"])
def test_each_format_by_query(client: TestClient, kind: str) -> None:
    response = client.get(f"{URL}?format={kind}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == MEDIA[kind]
    assert response.headers["cache-control"] == PUBLIC_CACHE
    assert "Accept" in response.headers["vary"]
    assert response.headers["etag"].startswith(f'"{kind}-')
    # Full text for a full reader, in every format.
    assert all(m in response.text for m in MARKERS.values())


@pytest.mark.usefixtures("published")
def test_ninjs_over_http_is_valid_and_names_its_profile(client: TestClient) -> None:
    response = client.get(f"{URL}?format=ninjs")
    assert response.headers["link"] == (
        '<http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json>; rel="profile"'
    )
    doc = response.json()
    assert list(_validator().iter_errors(doc)) == []
    assert doc["uri"] == CANONICAL
    assert doc["representationType"] == "full"
    assert doc["pubStatus"] == "usable"
    assert [a["uri"] for a in doc["associations"]] == [
        "https://www.example-minato.jp/news/2025/0412?ref=top#asaichi",
        "http://example.com/travel/asaichi",
        "https://minato.example.org/a/1",
    ]


@pytest.mark.usefixtures("published")
def test_json_ld_over_http(client: TestClient) -> None:
    doc = client.get(f"{URL}?format=jsonld").json()
    assert doc["@type"] == "NewsArticle"
    assert doc["@id"] == CANONICAL
    assert len(doc["citation"]) == 3
    assert [q["acceptedAnswer"]["text"] for q in doc["hasPart"]] == [
        "直売で収入を安定させるため。",
        "県外からの来場が四割を占めた。",
    ]


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.seen: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(tag)
        if tag not in ("meta", "link"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open.pop() == tag


@pytest.mark.usefixtures("published")
def test_html_page_is_well_nested_and_standalone(client: TestClient) -> None:
    page = client.get(f"{URL}?format=html").text
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.open == []
    assert checker.seen[:3] == ["html", "head", "meta"]
    assert {"article", "h1", "section", "script", "style"} <= set(checker.seen)
    # Nothing is loaded from elsewhere: no external scripts, styles or images.
    assert "src=" not in page
    assert 'rel="stylesheet"' not in page


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("text/html", "html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        ("application/ld+json", "jsonld"),
        ("application/ninjs+json", "ninjs"),
        # The fast path must not answer JSON when JSON-LD is preferred.
        ("application/ld+json, application/json;q=0.5", "jsonld"),
        ("application/json, application/ld+json;q=0.5", "json"),
    ],
)
def test_each_format_by_accept(client: TestClient, accept: str, kind: str) -> None:
    response = client.get(URL, headers={"Accept": accept})
    assert response.status_code == 200
    expected = "application/json" if kind == "json" else MEDIA[kind]
    assert response.headers["content-type"] == expected
    by_query = client.get(URL if kind == "json" else f"{URL}?format={kind}")
    assert response.content == by_query.content
    assert response.headers["etag"] == by_query.headers["etag"]


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize(
    "accept",
    [
        "application/json;q=0",
        "application/xml, */*;q=0",
        "image/png, application/*;q=0",
        "application/jsonx",
        "application/rss+xml",
    ],
)
def test_an_accept_that_refuses_json_is_406_with_or_without_a_key(
    client: TestClient, keys: Keys, accept: str
) -> None:
    # Anonymous reads come from the fast path, keyed ones from the route: the same answer.
    for headers in ({}, keys.read):
        response = client.get(URL, headers={**headers, "Accept": accept})
        assert response.status_code == 406, (accept, headers)
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.usefixtures("published")
def test_unservable_accept_is_406(client: TestClient) -> None:
    response = client.get(URL, headers={"Accept": "application/rss+xml"})
    assert response.status_code == 406
    assert "application/ld+json" in response.json()["detail"]


@pytest.mark.usefixtures("published")
@pytest.mark.parametrize("kind", ["html", "jsonld", "ninjs"])
def test_formats_revalidate_with_their_own_etags(client: TestClient, keys: Keys, kind: str) -> None:
    first = client.get(f"{URL}?format={kind}")
    etag = first.headers["etag"]
    assert etag != client.get(URL).headers["etag"]
    again = client.get(f"{URL}?format={kind}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["last-modified"] == first.headers["last-modified"]
    patched = client.patch(
        URL,
        json={"subtitle": "二回目の開催へ"},
        headers={**keys.write, "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200
    changed = client.get(f"{URL}?format={kind}", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "二回目の開催へ" in changed.text


@pytest.mark.usefixtures("published")
def test_summary_only_keys_get_formats_made_from_the_projection(
    client: TestClient, keys: Keys
) -> None:
    for kind, accept in ACCEPT.items():
        for response in (
            client.get(f"{URL}?format={kind}", headers=keys.summary),
            client.get(URL, headers={**keys.summary, "Accept": accept}),
        ):
            assert response.status_code == 200, (kind, response.text)
            for field, marker in MARKERS.items():
                assert marker not in response.text, f"{kind} leaks the {field}"
            # What the projection does have is there.
            assert "直売で収入を安定させるため。" in response.text
            assert "週末ごとに港の広場で朝市が開かれることになった。" in response.text
            assert response.headers["cache-control"] == "private, max-age=60"
    ninjs = client.get(f"{URL}?format=ninjs", headers=keys.summary).json()
    assert ninjs["representationType"] == "partial"
    assert list(_validator().iter_errors(ninjs)) == []
    assert "articleBody" not in client.get(f"{URL}?format=jsonld", headers=keys.summary).json()
    # The editorial template and Markdown are full text: still refused.
    assert client.get(f"{URL}?format=text", headers=keys.summary).status_code == 403
    assert client.get(f"{URL}?format=markdown", headers=keys.summary).status_code == 403


def test_drafts_stay_hidden_in_every_format(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    doc = with_markers(slug="himitsu", status="draft")
    assert client.post("/v1/articles", json=doc, headers=keys.write).status_code == 201
    partner = {"Authorization": f"Bearer {create_key(settings.database_url, 'p', ['syndicate'])}"}
    for kind in ("html", "jsonld", "ninjs"):
        for headers in ({}, keys.read, keys.summary, partner):
            response = client.get(f"/v1/articles/himitsu?format={kind}", headers=headers)
            assert response.status_code == 404
            assert response.headers["content-type"] == "application/problem+json"
        seen = client.get(f"/v1/articles/himitsu?format={kind}", headers=keys.drafts)
        assert seen.status_code == 200
        assert seen.headers["cache-control"] == "private, no-store"
    ninjs = client.get("/v1/articles/himitsu?format=ninjs", headers=keys.drafts).json()
    assert ninjs["pubStatus"] == "withheld"
    assert "firstCreated" not in ninjs


def test_formats_need_read_access_when_public_reads_are_off(
    settings_private: TestClient, keys: Keys
) -> None:
    client = settings_private
    response = client.post("/v1/articles", json=with_markers(slug="minato"), headers=keys.write)
    assert response.status_code == 201
    assert client.get(f"{URL}?format=html").status_code == 401
    assert client.get(URL, headers={"Accept": "application/ld+json"}).status_code == 401
    assert client.get(f"{URL}?format=ninjs", headers=keys.read).status_code == 200
