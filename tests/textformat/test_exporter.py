"""Export details that the round-trip tests do not pin down on their own."""

from datetime import date
from typing import Any

from app.textformat.exporter import export
from app.textformat.parser import parse


def stored_article() -> dict[str, Any]:
    """An article as the API returns it: content fields plus the server's own."""
    return {
        "id": 7,
        "slug": "kohan-no-machi",
        "version": 3,
        "title": "湖の町は冬も人が来る?",
        "keywords": ["観光", "湖"],
        "subtitle": "氷上の祭り",
        "lead": "凍った湖の上で祭りが開かれた。\n今年は人出が多い。",
        "sections": [
            {
                "position": 1,
                "heading": "氷上の祭り",
                "question": "祭り、いつから?",
                "answer": "30年前から。",
                "intro": [],
                "citations": [
                    {
                        "position": 1,
                        "host": "kohan.example.jp",
                        "publisher": "湖畔新聞",
                        "url": "https://kohan.example.jp/a/1",
                        "published_on": date(2025, 2, 3),
                        "summary": ["湖の上に氷の像が並んだ。"],
                        "comment": [],
                    }
                ],
                "body": [],
                "reaction": None,
            }
        ],
        "conclusion": [],
        "key_points": [],
    }


def test_server_fields_are_ignored_and_dates_may_be_date_objects() -> None:
    assert export(stored_article()) == "\n".join(
        [
            "湖の町は冬も人が来る?(観光、湖)氷上の祭り",
            "凍った湖の上で祭りが開かれた。",
            "今年は人出が多い。",
            "氷上の祭り",
            "祭り、いつから?",
            "30年前から。",
            "公開日:2025/02/03",
            "",
            "✅ 湖の上に氷の像が並んだ。",
            "さらに読む ⇒湖畔新聞出典/画像元: https://kohan.example.jp/a/1",
        ]
    )


def test_optional_fields_may_be_missing() -> None:
    article = stored_article()
    for key in ("keywords", "subtitle", "lead", "conclusion", "key_points"):
        del article[key]
    assert export(article).startswith("湖の町は冬も人が来る?\n氷上の祭り\n")


def test_lone_cr_line_ends_read_as_line_ends() -> None:
    text = export(stored_article())
    parsed = parse(text.replace("\n", "\r"))
    assert parsed.errors == []
    assert parsed.document is not None
    assert export(parsed.document) == text
