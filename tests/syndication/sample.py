"""An original sample article for the mapper tests, full and as its summary projection.

Its text carries markup characters (`<`, `&`, quotes) to prove escaping, a source URL with
Japanese in its path, and a marker string in every full-text field to prove that summary
views never carry one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.articles import render
from app.articles.schemas import ArticleIn
from app.syndication.feedmeta import FeedMeta
from app.syndication.view import ArticleView, from_document, from_summary

BASE = "http://kiji.test"
MARKERS = {
    "intro": "MARKER-INTRO-湯けむり",
    "body": "MARKER-BODY-足湯",
    "comment": "MARKER-COMMENT-源泉",
    "reaction": "MARKER-REACTION-湯上がり",
    "conclusion": "MARKER-CONCLUSION-湯治",
}

DOCUMENT: dict[str, Any] = {
    "title": "山あいの温泉街は<冬の客>を取り戻せるか?",
    "keywords": ["温泉", "観光", "R&D"],
    "subtitle": "源泉かけ流しと「湯めぐり札」の再出発",
    "lead": "雪深い温泉街で、旅館組合が湯めぐり札を復活させた。\n客足は戻るのか。",
    "status": "published",
    "published_at": "2025-12-01T09:30:00+09:00",
    "sections": [
        {
            "heading": "湯めぐり札の復活",
            "question": "なぜ今、湯めぐり札なのか？",
            "answer": "宿泊客に街を歩いてもらうため。",
            "intro": [f"{MARKERS['intro']}：札は十年前に一度廃止された。"],
            "citations": [
                {
                    "publisher": "山あい新聞 <電子版>",
                    "url": "https://news.yamaai.example.jp/%E8%A8%98%E4%BA%8B/2025/12?id=7&lang=ja",
                    "published_on": "2025-11-28",
                    "summary": [
                        "旅館組合が湯めぐり札を三年ぶりに販売する。",
                        "札は1枚1500円 & 三湯まで。",
                    ],
                    "comment": [f"{MARKERS['comment']}：懐かしい取り組みですね。"],
                }
            ],
            "body": [f"{MARKERS['body']}：組合長は「街全体が宿です」と話す。"],
            "reaction": f"{MARKERS['reaction']}：札を集めてみたいですね。",
        },
        {
            "heading": "客足の行方",
            "question": "冬の客は戻ってきた?",
            "answer": "予約は前年より二割増えた。",
            "citations": [
                {
                    "publisher": "温泉ジャーナル",
                    "url": "https://onsen-journal.example.com/a/2025/winter",
                    "summary": ["年末年始の予約が前年比で二割増えた。"],
                },
                {
                    "publisher": "温泉ジャーナル",
                    "url": "https://onsen-journal.example.com/a/2025/winter",
                    "summary": ["同じ記事の別の指摘：若い客層が目立つ。"],
                },
            ],
        },
    ],
    "conclusion": [f"{MARKERS['conclusion']}：湯の街の冬はこれからが本番です。"],
    "key_points": ["湯めぐり札が三年ぶりに復活した。", "年末年始の予約は二割増えた。"],
}

SERVER = render.ServerFields(
    id=42,
    slug="yamaai-onsen",
    version=3,
    created_at=datetime(2025, 11, 30, 1, 0, tzinfo=UTC),
    updated_at=datetime(2025, 12, 2, 3, 4, 5, tzinfo=UTC),
    published_at=datetime(2025, 12, 1, 0, 30, tzinfo=UTC),
)


def full_view() -> ArticleView:
    doc = render.document(ArticleIn.model_validate(DOCUMENT), SERVER)
    return from_document(doc, url=render.canonical_url(BASE, doc.slug))


def summary_view() -> ArticleView:
    doc = render.document(ArticleIn.model_validate(DOCUMENT), SERVER)
    return from_summary(render.summary(doc, base_url=BASE))


def feed_meta(kind: str, *, next_cursor: str | None = "NEXT") -> FeedMeta:
    base = f"{BASE}/v1/feeds/summaries.{kind}"
    return FeedMeta(
        title="Kiji 記事の要約",
        description="公開済み記事の要約",
        feed_url=base,
        self_url=base,
        next_url=f"{base}?cursor={next_cursor}" if next_cursor else None,
        docs_url=f"{BASE}/docs",
    )
