"""``/v1/questions?q=`` matches with the search engine, per Q&A heading."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.builders import Keys, article


def _section(question: str, answer: str) -> dict[str, Any]:
    return {"heading": "見出し", "question": question, "answer": answer, "body": ["本文。"]}


def _all(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        r = client.get("/v1/questions", params=params)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        if not r.json()["next_cursor"]:
            return items
        params["cursor"] = r.json()["next_cursor"]


def test_questions_are_found_by_the_search_engine(client: TestClient, keys: Keys) -> None:
    sections = [
        _section("ＬＮＧの輸入は増えるのか？", "増える見込み。"),
        _section("京都の観光客は戻ったのか？", "戻りつつある。"),
        _section("東京都の予算は？", "過去最大。"),
    ]
    for i in range(3):
        doc = article(slug=f"a{i}", sections=sections, published_at=f"2025-06-0{i + 1}T00:00:00Z")
        assert client.post("/v1/articles", json=doc, headers=keys.write).status_code == 201
    lng = _all(client, q="lng", limit=1)
    assert [(i["article"]["slug"], i["position"]) for i in lng] == [("a2", 1), ("a1", 1), ("a0", 1)]
    assert {i["position"] for i in _all(client, q="京都")} == {2, 3}  # substring, as in search
    assert {i["position"] for i in _all(client, q="京都 -東京都")} == {2}
    assert {i["position"] for i in _all(client, q="観光客 戻り")} == {2}  # question + answer
    assert _all(client, q="観光客 過去最大") == []  # terms in different headings
    assert len(_all(client, q="戻", limit=2)) == 3  # one character
    r = client.get("/v1/questions", params={"q": "、、"})
    assert r.status_code == 400
