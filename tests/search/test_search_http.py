"""GET /v1/search over HTTP: matching, ranking, paging, access and the index kept in step."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.builders import Keys, article, make_keys


def _section(heading: str, question: str, answer: str, body: list[str]) -> dict[str, Any]:
    return {
        "heading": heading,
        "question": question,
        "answer": answer,
        "intro": [],
        "citations": [
            {
                "publisher": "山里タイムス",
                "url": "https://yamazato.example.jp/a",
                "summary": ["県議会で予算案が可決された。"],
                "comment": ["コメント欄だけの言葉：ひぐらし"],
            }
        ],
        "body": body,
        "reaction": None,
    }


def _doc(slug: str, title: str, body: list[str], **extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "slug": slug,
        "title": title,
        "keywords": ["テスト"],
        "lead": "",
        "key_points": [],
        "conclusion": [],
        "sections": [_section("見出し", "何が起きたのか？", "説明する。", body)],
        "published_at": "2025-05-01T00:00:00Z",
    }
    fields.update(extra)
    return article(**fields)


def _search(client: TestClient, headers: dict[str, str] | None = None, **params: Any) -> Any:
    r = client.get("/v1/search", params=params, headers=headers or {})
    assert r.status_code == 200, r.text
    return r.json()


def _slugs(
    client: TestClient, headers: dict[str, str] | None = None, where: str = "all", **params: str
) -> set[str]:
    return {i["slug"] for i in _search(client, headers, **params, **{"in": where})["items"]}


def _post(client: TestClient, keys: Keys, doc: dict[str, Any]) -> None:
    r = client.post("/v1/articles", json=doc, headers=keys.write)
    assert r.status_code == 201, r.text


def test_two_and_one_character_words_and_widths(client: TestClient, keys: Keys) -> None:
    _post(client, keys, _doc("kyoto", "京都の紅葉が見頃に", ["京都市内は観光客でにぎわった。"]))
    _post(client, keys, _doc("tokyo", "東京都の新しい条例", ["東京都議会で条例が成立した。"]))
    _post(client, keys, _doc("lng", "ＬＮＧ価格とｶﾀｶﾅ表記", ["液化天然ガスの輸入が増えた。"]))
    assert _slugs(client, q="京都") == {"kyoto", "tokyo"}  # substring recall: 東京都 too
    assert _slugs(client, q="東京都") == {"tokyo"}
    assert _slugs(client, q="紅") == {"kyoto"}  # one character
    assert _slugs(client, q="lng") == {"lng"}
    assert _slugs(client, q="ＬＮＧ") == {"lng"}
    assert _slugs(client, q="カタカナ") == {"lng"}
    assert _slugs(client, q="ｶﾀｶﾅ") == {"lng"}
    assert _slugs(client, q="Lng 輸入") == {"lng"}
    assert _slugs(client, q="lng 紅葉") == set()  # every term must match


def test_true_word_ranks_above_a_boundary_crossing_match(client: TestClient, keys: Keys) -> None:
    for i in range(3):
        _post(
            client,
            keys,
            _doc(f"tokyo-{i}", "東京都の予算", ["東京都の予算案が東京都議会に提出された。" * 3]),
        )
    _post(client, keys, _doc("kyoto", "寺の修復", ["京都の寺で修復工事が始まった。"]))
    items = _search(client, q="京都")["items"]
    assert items[0]["slug"] == "kyoto"
    assert len(items) == 4


def test_phrases_exclusions_and_fields(client: TestClient, keys: Keys) -> None:
    _post(client, keys, _doc("a", "日米同盟の行方", ["日米、同盟国との協議が続く。"]))
    _post(client, keys, _doc("b", "同盟と日米", ["協議は来月に持ち越された。"]))
    assert _slugs(client, q="日米 同盟") == {"a", "b"}
    assert _slugs(client, q='"日米同盟"') == {"a"}
    assert _slugs(client, q="日米 -協議") == set()  # both mention 協議 somewhere
    assert _slugs(client, q="同盟 -行方") == {"b"}
    assert _slugs(client, q="ひぐらし", where="body") == {"a", "b"}
    assert _slugs(client, q="ひぐらし", where="questions") == set()
    assert _slugs(client, q="何が起きた", where="questions") == {"a", "b"}
    assert _slugs(client, q="予算案", where="summaries") == {"a", "b"}


def test_result_shape_snippet_and_escaping(client: TestClient, keys: Keys) -> None:
    _post(client, keys, _doc("tag", "タグの話", ["本文で<b>京都</b>と書くと&が混ざる。"]))
    [item] = _search(client, q="京都")["items"]
    assert (item["slug"], item["title"]) == ("tag", "タグの話")
    assert (item["field"], item["position"]) == ("body", 1)
    assert item["score"] > 0
    for start, end in item["highlights"]:
        assert item["snippet"][start:end] == "京都"
    assert "&lt;b&gt;<mark>京都</mark>&lt;/b&gt;" in item["snippet_html"]
    assert "&amp;" in item["snippet_html"]


def test_best_field_is_the_heaviest(client: TestClient, keys: Keys) -> None:
    doc = _doc("q", "別の題", ["本文にも棚田がある。"])
    doc["sections"][0]["question"] = "棚田はなぜ残ったのか？"
    _post(client, keys, doc)
    [item] = _search(client, q="棚田")["items"]
    assert (item["field"], item["position"]) == ("question", 1)


def test_the_index_follows_every_change(client: TestClient, keys: Keys) -> None:
    _post(client, keys, _doc("x", "水田の記事", ["田植えが始まった。"]))
    assert _slugs(client, q="田植え") == {"x"}
    doc = _doc("x", "水田の記事", ["稲刈りが終わった。"])
    assert client.put("/v1/articles/x", json=doc, headers=keys.write).status_code == 200
    assert _slugs(client, q="田植え") == set()
    assert _slugs(client, q="稲刈り") == {"x"}
    patch = {"title": "棚田の記事"}
    assert client.patch("/v1/articles/x", json=patch, headers=keys.write).status_code == 200
    assert _slugs(client, q="棚田") == {"x"}
    assert _slugs(client, q="水田") == set()
    r = client.patch("/v1/articles/x", json={"status": "draft"}, headers=keys.write)
    assert r.status_code == 200
    assert _slugs(client, q="棚田") == set()  # drafts never leak
    assert _slugs(client, keys.drafts, q="棚田") == set()
    r = client.patch("/v1/articles/x", json={"status": "published"}, headers=keys.write)
    assert _slugs(client, q="棚田") == {"x"}
    assert client.delete("/v1/articles/x", headers=keys.write).status_code == 204
    assert _slugs(client, q="棚田") == set()


def test_imports_are_indexed(client: TestClient, keys: Keys) -> None:
    docs = [_doc(f"imp-{i}", f"輸入記事{i}", ["柿の実が色づいた。"]) for i in range(3)]
    r = client.post("/v1/imports", json=docs, headers=keys.write)
    assert r.status_code == 200, r.text
    assert _slugs(client, q="柿") == {"imp-0", "imp-1", "imp-2"}


def test_summary_only_keys_never_see_body_text(client: TestClient, keys: Keys) -> None:
    _post(client, keys, _doc("s", "要約だけ", ["本文だけの言葉はきりたんぽ。"]))
    assert _slugs(client, keys.summary, q="きりたんぽ") == set()
    assert _slugs(client, keys.summary, q="ひぐらし") == set()  # comments are not summary
    assert _slugs(client, keys.summary, q="予算案") == {"s"}
    [item] = _search(client, keys.summary, q="要約")["items"]
    assert "きりたんぽ" not in str(item)
    r = client.get("/v1/search", params={"q": "本文", "in": "body"}, headers=keys.summary)
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")


def test_filters(client: TestClient, keys: Keys) -> None:
    _post(client, keys, _doc("k1", "漁港の話", ["漁港"], keywords=["漁業"]))
    _post(client, keys, _doc("k2", "漁港の話", ["漁港"], keywords=["観光"]))
    assert _slugs(client, q="漁港", keyword="漁業") == {"k1"}
    assert _slugs(client, q="漁港", host="yamazato.example.jp") == {"k1", "k2"}
    assert _slugs(client, q="漁港", host="other.example.jp") == set()


def test_paging_is_complete_for_both_sorts(client: TestClient, keys: Keys) -> None:
    for i in range(7):
        body = ["みかん" * (i + 1)]
        _post(
            client,
            keys,
            _doc(f"p{i}", f"果物{i}", body, published_at=f"2025-05-0{i + 1}T00:00:00Z"),
        )
    for sort in ("relevance", "newest"):
        seen: list[str] = []
        params: dict[str, Any] = {"q": "みかん", "sort": sort, "limit": 3}
        while True:
            r = client.get("/v1/search", params=params)
            assert r.status_code == 200
            page = r.json()
            seen += [i["slug"] for i in page["items"]]
            if not page["next_cursor"]:
                break
            assert 'rel="next"' in r.headers["link"]
            params["cursor"] = page["next_cursor"]
        assert sorted(seen) == [f"p{i}" for i in range(7)], sort
        if sort == "newest":
            assert seen == [f"p{i}" for i in reversed(range(7))]


def test_relevance_ranks_the_newest_window_then_lists_older_hits(settings: Settings) -> None:
    windowed = settings.model_copy(update={"search_rank_window": 4})
    with TestClient(create_app(windowed), base_url="http://kiji.test") as client:
        keys = make_keys(windowed.database_url)
        for i in range(9):
            body = ["みかん" * ((i * 5) % 9 + 1)]
            day = f"2025-05-{i + 1:02d}T00:00:00Z"
            _post(client, keys, _doc(f"p{i}", f"果物{i}", body, published_at=day))
        _post(
            client, keys, _doc("other", "りんご", ["りんご"], published_at="2025-06-01T00:00:00Z")
        )
        orders = []
        for limit in (1, 2, 3, 4, 5, 9, 20):
            seen: list[tuple[str, float]] = []
            params: dict[str, Any] = {"q": "みかん", "limit": limit}
            while True:
                page = _search(client, **params)
                assert len(page["items"]) == limit or not page["next_cursor"]
                seen += [(i["slug"], i["score"]) for i in page["items"]]
                if not page["next_cursor"]:
                    break
                params["cursor"] = page["next_cursor"]
            orders.append(seen)
        assert all(order == orders[0] for order in orders)  # stable across page sizes
        ranked, older = orders[0][:4], orders[0][4:]
        assert {slug for slug, _ in ranked} == {"p5", "p6", "p7", "p8"}
        scores = [score for _, score in ranked]
        assert scores == sorted(scores, reverse=True)
        assert scores[-1] > 0
        assert [slug for slug, _ in ranked] != ["p8", "p7", "p6", "p5"]  # by score, not date
        assert older == [(f"p{i}", 0.0) for i in (4, 3, 2, 1, 0)]


def _all_pages(client: TestClient, **params: Any) -> list[tuple[str, float]]:
    seen: list[tuple[str, float]] = []
    while True:
        page = _search(client, **params)
        seen += [(i["slug"], i["score"]) for i in page["items"]]
        if not page["next_cursor"]:
            return seen
        params["cursor"] = page["next_cursor"]


def test_a_character_in_most_articles_is_listed_newest_first(settings: Settings) -> None:
    windowed = settings.model_copy(update={"search_rank_window": 4})
    with TestClient(create_app(windowed), base_url="http://kiji.test") as client:
        keys = make_keys(windowed.database_url)
        for i in range(9):  # the older nine say みかん, a different number of times each
            body = ["みかん" * ((i * 5) % 9 + 1)]
            day = f"2025-05-{i + 1:02d}T00:00:00Z"
            doc = _doc(f"m{i}", f"果物{i}", body, published_at=day, keywords=["箱"])
            _post(client, keys, doc)
        for i in range(9):
            day = f"2025-06-{i + 1:02d}T00:00:00Z"
            _post(client, keys, _doc(f"r{i}", f"果物{i}", ["りんご"], published_at=day))
        newest_first = [f"{k}{i}" for k in "rm" for i in reversed(range(9))]
        # Every article says の (何が起きたのか): no ranking, on every page size.
        for limit in (1, 4, 5, 20):
            assert _all_pages(client, q="の", limit=limit) == [(s, 0.0) for s in newest_first]
        assert _all_pages(client, q="の -みかん", limit=3) == [(s, 0.0) for s in newest_first[:9]]
        # The filtered articles are what the window spans.
        boxed = _all_pages(client, q="の", keyword="箱", limit=3)
        assert boxed == [(s, 0.0) for s in newest_first[9:]]
        # み is in half of them: its newest four hits span 13 articles, so they are ranked.
        ranked = _all_pages(client, q="み", limit=3)
        assert [s for s, _ in ranked[4:]] == ["m4", "m3", "m2", "m1", "m0"]
        assert {s for s, _ in ranked[:4]} == {"m5", "m6", "m7", "m8"}
        assert [s for s, _ in ranked[:4]] != ["m8", "m7", "m6", "m5"]
        assert all(score > 0 for _, score in ranked[:4])
        # A word is ranked however common it is.
        assert _all_pages(client, q="果物", limit=20)[0][1] > 0


def test_bad_queries_are_400_problems(client: TestClient, keys: Keys) -> None:
    _post(client, keys, _doc("z", "題", ["本文"]))
    cases: list[dict[str, Any]] = [
        {"q": ""},
        {"q": "、。！？"},
        {"q": "x" * 201},
        {"q": "-本文"},
        {"q": "本文", "cursor": "garbage"},
        {"q": "本文", "sort": "oldest"},
        {"q": "本文", "in": "everything"},
        {"q": "本文", "limit": 0},
        {"q": "本文", "bogus": "1"},
        {},
    ]
    for params in cases:
        r = client.get("/v1/search", params=params)
        assert r.status_code == 400, (params, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")


def test_caching_headers(client: TestClient, keys: Keys) -> None:
    _post(client, keys, _doc("c", "題", ["本文"]))
    r = client.get("/v1/search", params={"q": "本文"})
    assert r.headers["cache-control"].startswith("public")
    again = client.get(
        "/v1/search", params={"q": "本文"}, headers={"If-None-Match": r.headers["etag"]}
    )
    assert again.status_code == 304


def test_relevance_paging_holds_while_articles_are_written(client: TestClient, keys: Keys) -> None:
    # Ties (the same text) and distinct scores alike. Each write between pages changes FTS5's
    # BM25 statistics (the article count, the term's article count), so every score moves.
    for i in range(8):
        body = ["みかん" * (1 + i % 3)]
        day = f"2025-05-{i + 1:02d}T00:00:00Z"
        _post(client, keys, _doc(f"p{i}", f"果物{i}", body, published_at=day))
    for tag, written in (("a", "りんご"), ("b", "みかん")):
        seen: list[str] = []
        params: dict[str, Any] = {"q": "みかん", "limit": 2}
        n = 0
        while True:
            page = _search(client, **params)
            seen += [i["slug"] for i in page["items"]]
            if not page["next_cursor"]:
                break
            params["cursor"] = page["next_cursor"]
            n += 1
            # Older than every hit so far, so it belongs after the cursor (or, unranked,
            # outside the window): a complete pass must not depend on it.
            _post(
                client,
                keys,
                _doc(f"w{tag}{n}", "別の話", [written], published_at="2024-01-01T00:00:00Z"),
            )
        shown = [s for s in seen if s.startswith("p")]
        assert sorted(shown) == [f"p{i}" for i in range(8)], (written, seen)
        assert len(set(seen)) == len(seen), (written, seen)


def test_keyword_filters_are_capped(client: TestClient, keys: Keys) -> None:
    _post(client, keys, _doc("k1", "漁港の話", ["漁港"], keywords=["漁業"]))
    r = client.get("/v1/search", params={"q": "漁港", "keyword": [f"語{i}" for i in range(11)]})
    assert r.status_code == 400
    assert r.json()["errors"][0]["parameter"] == "keyword"
    repeated = client.get("/v1/search", params={"q": "漁港", "keyword": ["漁業"] * 10})
    assert [i["slug"] for i in repeated.json()["items"]] == ["k1"]
