"""/v1/questions, /v1/citations, /v1/publishers and /v1/keywords."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.builders import Keys, all_items, create


def _card(host: str, label: str, date: str | None = None) -> dict[str, Any]:
    return {
        "publisher": label,
        "url": f"https://{host}/n/{label.encode().hex()[:12]}",
        "published_on": date,
        "summary": [f"{label}の要約。"],
        "comment": [f"{label}への一言ですね。"],
    }


def _section(question: str, *cards: dict[str, Any]) -> dict[str, Any]:
    return {
        "heading": f"見出し{question}",
        "question": f"{question}?",
        "answer": "答え。",
        "citations": list(cards),
    }


@pytest.fixture
def corpus(client: TestClient, keys: Keys) -> None:
    create(
        client,
        keys.write,
        slug="one",
        keywords=["鉄道", "地方"],
        published_at="2025-01-01T00:00:00Z",
        sections=[
            _section("線路は誰のもの", _card("rail.example.jp", "鉄道新報", "2024-12-30")),
            _section(
                "駅はどうなる",
                _card("rail.example.jp", "鉄道新報 電子版"),
                _card("town.example.jp", "町報", "2025-01-01"),
            ),
        ],
    )
    create(
        client,
        keys.write,
        slug="two",
        keywords=["宇宙"],
        published_at="2025-02-01T00:00:00Z",
        sections=[_section("衛星は何を見る", _card("space.example.jp", "宇宙日報", "2025-01-20"))],
    )
    create(
        client,
        keys.write,
        slug="draft",
        status="draft",
        keywords=["鉄道", "秘密"],
        sections=[_section("秘密の計画", _card("secret.example.jp", "秘密新聞"))],
    )


def _all(client: TestClient, url: str, headers: dict[str, str] | None = None) -> list[Any]:
    return all_items(client, url, headers)


def test_questions_newest_first_in_section_order(client: TestClient, corpus: None) -> None:
    items = _all(client, "/v1/questions?limit=1")
    assert [(i["article"]["slug"], i["position"], i["question"]) for i in items] == [
        ("two", 1, "衛星は何を見る?"),
        ("one", 1, "線路は誰のもの?"),
        ("one", 2, "駅はどうなる?"),
    ]
    assert items[0] == {
        "question": "衛星は何を見る?",
        "answer": "答え。",
        "heading": "見出し衛星は何を見る",
        "position": 1,
        "article": {"slug": "two", "title": "北陸の小さな港町で始まった朝市の挑戦?"},
    }


def test_questions_filters(client: TestClient, corpus: None) -> None:
    assert [i["position"] for i in _all(client, "/v1/questions?keyword=鉄道&limit=1")] == [1, 2]
    assert [i["question"] for i in _all(client, "/v1/questions?q=駅")] == ["駅はどうなる?"]
    assert _all(client, "/v1/questions?q=100%") == []
    assert _all(client, "/v1/questions?keyword=秘密") == []  # drafts never listed


def test_citations_and_their_filters(client: TestClient, corpus: None, keys: Keys) -> None:
    items = _all(client, "/v1/citations?limit=2")
    assert [(i["article"]["slug"], i["position"], i["citation_position"]) for i in items] == [
        ("two", 1, 1),
        ("one", 1, 1),
        ("one", 2, 1),
        ("one", 2, 2),
    ]
    assert items[0]["comment"] == ["宇宙日報への一言ですね。"]
    by_host = _all(client, "/v1/citations?host=rail.example.jp")
    assert [i["publisher"] for i in by_host] == ["鉄道新報", "鉄道新報 電子版"]
    assert [i["host"] for i in _all(client, "/v1/citations?publisher=町報")] == ["town.example.jp"]
    dated = _all(client, "/v1/citations?published_after=2025-01-01")
    assert [i["publisher"] for i in dated] == ["宇宙日報", "町報"]
    for number in ("0", "1735689600"):  # a date is YYYY-MM-DD, not Unix time
        refused = client.get(f"/v1/citations?published_after={number}")
        assert refused.status_code == 400, number
        assert refused.json()["errors"][0]["parameter"] == "published_after"
    summary_only = _all(client, "/v1/citations", keys.summary)
    assert all("comment" not in i for i in summary_only)


def test_publishers_group_labels_and_count(client: TestClient, corpus: None) -> None:
    items = _all(client, "/v1/publishers?limit=2")
    assert {
        i["host"]: (sorted(i["labels"]), i["citation_count"], i["article_count"]) for i in items
    } == {
        "rail.example.jp": (["鉄道新報", "鉄道新報 電子版"], 2, 1),
        "town.example.jp": (["町報"], 1, 1),
        "space.example.jp": (["宇宙日報"], 1, 1),
    }


def test_keyword_counts(client: TestClient, corpus: None) -> None:
    items = _all(client, "/v1/keywords?limit=1")
    assert {i["keyword"]: i["article_count"] for i in items} == {"鉄道": 1, "地方": 1, "宇宙": 1}


def test_counts_follow_updates_and_deletes(client: TestClient, corpus: None, keys: Keys) -> None:
    create(
        client,
        keys.write,
        slug="three",
        keywords=["鉄道"],
        sections=[_section("次は", _card("rail.example.jp", "鉄道新報"))],
    )
    assert {i["keyword"]: i["article_count"] for i in _all(client, "/v1/keywords")}["鉄道"] == 2
    client.patch("/v1/articles/three", json={"keywords": ["宇宙"]}, headers=keys.write)
    counts = {i["keyword"]: i["article_count"] for i in _all(client, "/v1/keywords")}
    assert (counts["鉄道"], counts["宇宙"]) == (1, 2)
    client.delete("/v1/articles/one", headers=keys.write)
    counts = {i["keyword"]: i["article_count"] for i in _all(client, "/v1/keywords")}
    assert "鉄道" not in counts
    assert "地方" not in counts
    publishers = {i["host"]: i for i in _all(client, "/v1/publishers")}
    assert publishers["rail.example.jp"]["citation_count"] == 1
    assert publishers["rail.example.jp"]["labels"] == ["鉄道新報"]
    assert "town.example.jp" not in publishers
    client.patch("/v1/articles/two", json={"status": "draft"}, headers=keys.write)
    assert "space.example.jp" not in {i["host"] for i in _all(client, "/v1/publishers")}
    assert [q["article"]["slug"] for q in _all(client, "/v1/questions")] == ["three"]


@pytest.mark.parametrize(
    "path", ["/v1/questions", "/v1/citations", "/v1/publishers", "/v1/keywords"]
)
def test_lists_have_etags_links_and_strict_parameters(
    client: TestClient, corpus: None, path: str
) -> None:
    first = client.get(f"{path}?limit=1")
    assert first.status_code == 200
    assert first.headers["cache-control"].startswith("public")
    assert 'rel="next"' in first.headers["link"]
    again = client.get(f"{path}?limit=1", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    cursor = first.json()["next_cursor"]
    assert client.get(f"{path}?limit=1&cursor={cursor}").status_code == 200
    assert client.get(f"{path}?cursor={cursor[:-3]}xyz").status_code == 400
    assert client.get(f"{path}?cursor=garbage").status_code == 400
    assert client.get(f"{path}?bogus=1").status_code == 400
    assert client.get(f"{path}?limit=500").status_code == 400
    other = "/v1/keywords" if path != "/v1/keywords" else "/v1/publishers"
    assert client.get(f"{other}?cursor={cursor}").status_code == 400
