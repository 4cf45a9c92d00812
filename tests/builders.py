"""Builders for test data: an original sample article and API keys for each scope."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from app.auth import service as keys_service
from app.auth.schemas import KeyIn
from app.core.db import make_engine, make_sessionmaker, unit_of_work

_ARTICLE: dict[str, Any] = {
    "title": "北陸の小さな港町で始まった朝市の挑戦?",
    "keywords": ["地域経済", "朝市", "北陸"],
    "subtitle": "漁師と農家が手を組んだ週末の市場",
    "lead": (
        "人口減少が続く港町で、漁師と農家が共同で朝市を開いた。\n"
        "観光客と地元客の両方を呼び込めるのか。"
    ),
    "sections": [
        {
            "heading": "朝市が生まれた背景",
            "question": "なぜ漁師と農家が一緒に市場を開いたのか？",
            "answer": "直売で収入を安定させるため。",
            "intro": ["港の水揚げ量は十年で三割減った。", "農家も販路の確保に悩んでいた。"],
            "citations": [
                {
                    "publisher": "北陸みなと新聞",
                    "url": "https://www.example-minato.jp/news/2025/0412?ref=top#asaichi",
                    "published_on": "2025-04-12",
                    "summary": [
                        "週末ごとに港の広場で朝市が開かれることになった。",
                        "出店者は漁師と農家の計二十四組。",
                    ],
                    "comment": ["地元の人の顔が見える市場はいいですね。"],
                }
            ],
            "body": [
                "初回の朝市には開場前から行列ができ、用意した魚介の多くが昼前に売り切れた。",
                "主催者は今後、冬季の開催方法も検討するとしている。",
            ],
            "reaction": "朝から行列なんてすごいですね。行ってみたいです。",
        },
        {
            "heading": "観光への広がり",
            "question": "観光客は増えたのか?",
            "answer": "県外からの来場が四割を占めた。",
            "intro": [],
            "citations": [
                {
                    "publisher": "example.com 旅ニュース",
                    "url": "http://example.com/travel/asaichi",
                    "published_on": None,
                    "summary": ["駐車場の不足が課題として挙げられた。"],
                    "comment": [],
                },
                {
                    "publisher": "港町だより",
                    "url": "https://minato.example.org/a/1",
                    "published_on": "2025-05-01",
                    "summary": ["臨時バスの運行が決まった。"],
                    "comment": ["交通の便は大事でしょう。"],
                },
            ],
            "body": ["町は臨時バスの増便を決めた。"],
            "reaction": None,
        },
    ],
    "conclusion": ["小さな朝市が町の新しい顔になりつつあります。"],
    "key_points": ["漁師と農家の共同朝市が始まった。", "県外客が四割を占めた。"],
}


def article(**overrides: Any) -> dict[str, Any]:
    """A valid article document (original text) with top-level fields overridden."""
    doc = copy.deepcopy(_ARTICLE)
    doc.update(overrides)
    return doc


@dataclass(frozen=True)
class Keys:
    read: dict[str, str]
    drafts: dict[str, str]
    write: dict[str, str]
    admin: dict[str, str]
    summary: dict[str, str]


def create_key(url: str, name: str, scopes: list[str], profile: str = "full") -> str:
    engine = make_engine(url, pool_size=1)
    with unit_of_work(make_sessionmaker(engine, write=True)) as session:
        created = keys_service.create(
            session, data=KeyIn.model_validate({"name": name, "scopes": scopes, "profile": profile})
        )
    engine.dispose()
    return created.key


def make_keys(url: str) -> Keys:
    def bearer(scopes: list[str], profile: str = "full") -> dict[str, str]:
        return {"Authorization": f"Bearer {create_key(url, '+'.join(scopes), scopes, profile)}"}

    return Keys(
        read=bearer(["read"]),
        drafts=bearer(["drafts"]),
        write=bearer(["write"]),
        admin=bearer(["admin"]),
        summary=bearer(["read"], "summary"),
    )


def create(client: TestClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = client.post("/v1/articles", json=article(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def all_items(
    client: TestClient, url: str, headers: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Every item of a cursor-paged list, following ``next_cursor`` (at most 50 pages)."""
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    for _ in range(50):
        if next_url is None:
            return items
        response = client.get(next_url, headers=headers or {})
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        sep = "&" if "?" in url else "?"
        next_url = f"{url}{sep}cursor={body['next_cursor']}" if body["next_cursor"] else None
    raise AssertionError(f"{url} did not end within 50 pages")
