"""Reads: the document and its parts, visibility, conditional requests and cache policy."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.articles import service as articles
from app.articles.models import Article
from app.core.config import Settings
from app.core.db import make_engine, make_sessionmaker, unit_of_work
from app.core.http import PUBLIC_CACHE
from app.main import create_app
from tests.builders import Keys, create


@pytest.fixture
def published(client: TestClient, keys: Keys) -> dict[str, object]:
    return create(client, keys.write, slug="minato-asaichi")


@pytest.fixture
def draft(client: TestClient, keys: Keys) -> dict[str, object]:
    return create(client, keys.write, slug="himitsu-no-kiji", status="draft")


def test_document_read_matches_what_was_written(
    client: TestClient, published: dict[str, object]
) -> None:
    response = client.get("/v1/articles/minato-asaichi")
    assert response.status_code == 200
    assert response.json() == published
    assert response.headers["cache-control"] == PUBLIC_CACHE
    assert response.headers["etag"].startswith('"v1-')
    assert response.headers["last-modified"].endswith("GMT")
    assert "Accept" in response.headers["vary"]


def test_fast_path_and_routed_reads_answer_alike(
    client: TestClient, published: dict[str, object]
) -> None:
    fast = client.get("/v1/articles/minato-asaichi")
    routed = client.get("/v1/articles/minato-asaichi?format=json")
    assert fast.content == routed.content
    for header in ("etag", "last-modified", "cache-control", "vary", "content-type"):
        assert fast.headers[header] == routed.headers[header], header
    head = client.head("/v1/articles/minato-asaichi")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == fast.headers["etag"]


def test_head_answers_wherever_get_does(
    client: TestClient, published: dict[str, object], keys: Keys
) -> None:
    """Routed reads too, not only the fast path's: the GET's status and headers, no body."""
    for url, headers in (
        ("/v1/articles/minato-asaichi?format=json", {}),
        ("/v1/articles/minato-asaichi", keys.read),
        ("/v1/articles/minato-asaichi/summary", {}),
        ("/v1/search?q=朝市", {}),
        ("/v1/articles/no-such-article", keys.read),
    ):
        got = client.get(url, headers=headers)
        head = client.head(url, headers=headers)
        assert head.status_code == got.status_code, url
        assert head.content == b"", url
        for name in ("etag", "content-type", "content-length", "cache-control"):
            assert head.headers.get(name) == got.headers.get(name), (url, name)
    assert client.get("/v1/articles/no-such-article").status_code == 404
    refused = client.head("/v1/imports")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "POST"


def test_if_none_match_gives_304_with_the_same_validators(
    client: TestClient, published: dict[str, object], keys: Keys
) -> None:
    first = client.get("/v1/articles/minato-asaichi")
    for url, headers in (
        ("/v1/articles/minato-asaichi", {}),
        ("/v1/articles/minato-asaichi?format=json", {}),
        ("/v1/articles/minato-asaichi", keys.read),
    ):
        again = client.get(url, headers={**headers, "If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == first.headers["etag"]
        assert again.headers["last-modified"] == first.headers["last-modified"]
    weak = client.get(
        "/v1/articles/minato-asaichi", headers={"If-None-Match": f'"x", W/{first.headers["etag"]}'}
    )
    assert weak.status_code == 304
    other = client.get("/v1/articles/minato-asaichi", headers={"If-None-Match": '"other"'})
    assert other.status_code == 200


def test_cache_policy_depends_on_who_reads(
    client: TestClient, published: dict[str, object], keys: Keys
) -> None:
    url = "/v1/articles/minato-asaichi"
    assert client.get(url).headers["cache-control"] == PUBLIC_CACHE
    assert client.get(url, headers=keys.read).headers["cache-control"] == "private, max-age=60"
    assert client.get(url, headers=keys.drafts).headers["cache-control"] == "private, no-store"


def test_drafts_are_invisible_without_the_drafts_scope(
    client: TestClient, draft: dict[str, object], keys: Keys
) -> None:
    url = "/v1/articles/himitsu-no-kiji"
    for headers in ({}, keys.read):
        for path in ("", "/sections", "/faq", "/summary", "/citations", "/sections/1"):
            assert client.get(url + path, headers=headers).status_code == 404, path
    assert client.get("/v1/articles").json()["items"] == []
    for headers in (keys.drafts, keys.write):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert response.json() == draft
        assert response.headers["cache-control"] == "private, no-store"


def test_sections_and_one_section(client: TestClient, published: dict[str, object]) -> None:
    sections = client.get("/v1/articles/minato-asaichi/sections")
    assert sections.status_code == 200
    body = sections.json()
    assert body["next_cursor"] is None
    assert body["items"] == published["sections"]
    assert sections.headers["etag"]
    second = client.get("/v1/articles/minato-asaichi/sections/2")
    assert second.json() == body["items"][1]
    assert client.get("/v1/articles/minato-asaichi/sections/3").status_code == 404
    assert client.get("/v1/articles/minato-asaichi/sections/0").status_code == 400
    assert client.get("/v1/articles/minato-asaichi/sections/x").status_code == 400


def test_faq_lists_the_qa_headings(client: TestClient, published: dict[str, object]) -> None:
    faq = client.get("/v1/articles/minato-asaichi/faq").json()["items"]
    assert faq == [
        {
            "position": 1,
            "heading": "朝市が生まれた背景",
            "question": "なぜ漁師と農家が一緒に市場を開いたのか？",
            "answer": "直売で収入を安定させるため。",
        },
        {
            "position": 2,
            "heading": "観光への広がり",
            "question": "観光客は増えたのか?",
            "answer": "県外からの来場が四割を占めた。",
        },
    ]


FULL_TEXT_FIELDS = ("intro", "body", "comment", "reaction", "conclusion")


def _keys_in(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys_in(v)}
    return set()


def test_summary_is_the_projection_without_full_text(
    client: TestClient, published: dict[str, object]
) -> None:
    summary = client.get("/v1/articles/minato-asaichi/summary")
    assert summary.status_code == 200
    body = summary.json()
    assert body["url"] == "http://kiji.test/v1/articles/minato-asaichi"
    assert body["faq"][0]["question"] == "なぜ漁師と農家が一緒に市場を開いたのか？"
    assert body["key_points"] == published["key_points"]
    assert [c["position"] for c in body["citations"]] == [1, 2, 2]
    assert not _keys_in(body) & set(FULL_TEXT_FIELDS)
    assert "直売" in summary.text
    assert "行列" not in summary.text  # body text
    assert "いいですね" not in summary.text  # comment text


def test_citations_carry_their_section(client: TestClient, published: dict[str, object]) -> None:
    items = client.get("/v1/articles/minato-asaichi/citations").json()["items"]
    assert [(c["position"], c["citation_position"], c["host"]) for c in items] == [
        (1, 1, "www.example-minato.jp"),
        (2, 1, "example.com"),
        (2, 2, "minato.example.org"),
    ]
    assert items[0]["comment"] == ["地元の人の顔が見える市場はいいですね。"]


def test_summary_only_keys_never_see_full_text(
    client: TestClient, published: dict[str, object], keys: Keys
) -> None:
    document = client.get("/v1/articles/minato-asaichi", headers=keys.summary)
    assert document.status_code == 200
    assert document.json() == client.get("/v1/articles/minato-asaichi/summary").json()
    citations = client.get("/v1/articles/minato-asaichi/citations", headers=keys.summary)
    assert not _keys_in(citations.json()) & set(FULL_TEXT_FIELDS)
    for path in ("/sections", "/sections/1"):
        response = client.get("/v1/articles/minato-asaichi" + path, headers=keys.summary)
        assert response.status_code == 403


def test_unknown_articles_and_parameters(client: TestClient, published: dict[str, object]) -> None:
    missing = client.get("/v1/articles/no-such-article")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert client.get("/v1/articles/NOT_A_SLUG").status_code == 404
    unknown = client.get("/v1/articles/minato-asaichi?fromat=json")
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == [{"parameter": "fromat", "message": "unknown parameter"}]
    assert client.get("/v1/articles/minato-asaichi?format=yaml").status_code == 400
    assert client.get("/v1/articles/minato-asaichi/faq?x=1").status_code == 400


def test_accept_must_allow_json(client: TestClient, published: dict[str, object]) -> None:
    ok = client.get("/v1/articles/minato-asaichi", headers={"Accept": "text/html, */*;q=0.8"})
    assert ok.status_code == 200
    refused = client.get("/v1/articles/minato-asaichi", headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert refused.headers["content-type"] == "application/problem+json"


def test_public_read_off_needs_a_key(settings_private: TestClient, keys: Keys) -> None:
    client = settings_private
    assert client.get("/v1/articles").status_code == 401
    assert client.get("/v1/articles/anything").status_code == 401
    assert client.get("/v1/articles", headers=keys.read).status_code == 200


def test_cross_origin_reads_get_cors_headers(settings: Settings, keys: Keys) -> None:
    app = create_app(settings.model_copy(update={"cors_origins": ["https://app.example.jp"]}))
    with TestClient(app, base_url="http://kiji.test") as client:
        create(client, keys.write, slug="cors")
        response = client.get("/v1/articles/cors", headers={"Origin": "https://app.example.jp"})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "https://app.example.jp"
        assert "ETag" in response.headers["access-control-expose-headers"]
        other = client.get("/v1/articles/cors", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_stored_documents_come_back_byte_for_byte(
    client: TestClient, keys: Keys, settings: Settings
) -> None:
    """``documents`` (the source of search results; read in binary on PostgreSQL) gives each
    existing article's slug and the very bytes its read serves; unknown ids are left out."""
    slugs = ["minato-asaichi", "himitsu-no-kiji"]
    create(client, keys.write, slug=slugs[0])
    create(client, keys.write, slug=slugs[1], status="draft")
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        with unit_of_work(make_sessionmaker(engine, write=False)) as session:
            rows = session.execute(select(Article.slug, Article.id).where(Article.slug.in_(slugs)))
            ids: dict[str, int] = dict(rows.all())
            found = articles.documents(session, [*ids.values(), max(ids.values()) + 1000])
    finally:
        engine.dispose()
    assert sorted(found) == sorted(ids.values())
    for slug, article_id in ids.items():
        read = client.get(f"/v1/articles/{slug}", headers=keys.drafts)
        assert read.status_code == 200
        assert found[article_id] == (slug, read.content)


@pytest.mark.parametrize(
    "url",
    [
        "/v1/articles/minato-asaichi",
        "/v1/articles/minato-asaichi?format=text",
        "/v1/articles/minato-asaichi?format=ninjs",
        "/v1/articles/minato-asaichi/faq",
        "/v1/articles/minato-asaichi/sections/1",
        "/v1/articles",
        "/v1/questions",
        "/v1/search?q=%E6%9C%9D%E5%B8%82",
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "key"])
def test_a_304_carries_no_body_and_no_content_type(
    client: TestClient, keys: Keys, published: dict[str, object], url: str, who: str
) -> None:
    # Anonymous reads of stored documents and kept pages come from the fast path, keyed
    # ones from the routes: both answer a revalidation alike.
    headers = keys.read if who == "key" else {}
    first = client.get(url, headers=headers)
    assert first.status_code == 200, first.text
    again = client.get(url, headers={**headers, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert "content-type" not in again.headers
    assert again.headers["etag"] == first.headers["etag"]


@pytest.mark.parametrize(
    "url",
    [
        "/v1/articles",
        "/v1/questions",
        "/v1/citations",
        "/v1/publishers",
        "/v1/keywords",
        "/v1/search?q=%E6%9C%9D%E5%B8%82",
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "key"])
def test_lists_send_last_modified(
    client: TestClient, keys: Keys, published: dict[str, object], url: str, who: str
) -> None:
    # One article, written once: every list's last change is that write.
    article = client.get("/v1/articles/minato-asaichi").headers["last-modified"]
    headers = keys.read if who == "key" else {}
    page = client.get(url, headers=headers)
    assert page.status_code == 200, page.text
    assert page.headers["last-modified"] == article
