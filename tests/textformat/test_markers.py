"""The marked lines: source dates, bullets, read-more lines and their URLs."""

import pytest

from app.textformat.markers import (
    Kind,
    ReadMore,
    format_read_more,
    kind_of,
    read_date,
    read_read_more,
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("✅ 要約", Kind.BULLET),
        ("✅️要約", Kind.BULLET),
        ("💡 要点", Kind.KEY_POINT),
        ("さらに読む ⇒新聞出典/画像元: https://a.example.jp/", Kind.READ_MORE),
        ("公開日:2025/01/31", Kind.DATE),
        ("公開日：2025/1/5", Kind.DATE),
        ("公開日は未定です。", Kind.TEXT),
        ("本文の行です。", Kind.TEXT),
    ],
)
def test_kind_of(text: str, kind: Kind) -> None:
    assert kind_of(text) is kind


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("公開日:2025/01/31", "2025-01-31"),
        ("公開日：2025/1/5", "2025-01-05"),
        ("公開日: 2024/12/9", "2024-12-09"),
        ("公開日:２０２５/０３/０８", "2025-03-08"),
        ("公開日:2024/02/29", "2024-02-29"),
        ("公開日:2025/02/29", None),
        ("公開日:2025/1/32", None),
        ("公開日:25/01/31", None),
        ("公開日:2025/01/31 更新", None),
    ],
)
def test_read_date(text: str, iso: str | None) -> None:
    assert read_date(text) == iso


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "さらに読む ⇒湖畔新聞出典/画像元: https://www.kohan.example.jp/a/1楽しみですね。",
            ReadMore("湖畔新聞", "https://www.kohan.example.jp/a/1", "楽しみですね。"),
        ),
        (
            "さらに読む ⇒湖畔ニュース：観光+経済出典/画像元：http://kohan.example.com/x?a=1&b=2#top",
            ReadMore("湖畔ニュース：観光+経済", "http://kohan.example.com/x?a=1&b=2#top", ""),
        ),
        (
            # The URL ends at the first character RFC 3986 does not allow: here `"`.
            'さらに読む ⇒湖畔新聞出典/画像元: https://kohan.example.jp/a"引用"のとおりです。',
            ReadMore("湖畔新聞", "https://kohan.example.jp/a", '"引用"のとおりです。'),
        ),
        (
            "さらに読む ⇒湖畔新聞出典/画像元: HTTPS://Kohan.example.jp/A B",
            ReadMore("湖畔新聞", "HTTPS://Kohan.example.jp/A", "B"),
        ),
    ],
)
def test_read_read_more(text: str, expected: ReadMore) -> None:
    assert read_read_more(text) == expected


def test_a_comment_starting_with_a_url_character_is_set_apart() -> None:
    line = format_read_more("湖畔新聞", "https://kohan.example.jp/a", "3年ぶりですね。")
    assert line == "さらに読む ⇒湖畔新聞出典/画像元: https://kohan.example.jp/a 3年ぶりですね。"
    assert read_read_more(line) == ReadMore(
        "湖畔新聞", "https://kohan.example.jp/a", "3年ぶりですね。"
    )


def test_a_very_long_url_is_refused() -> None:
    url = "https://kohan.example.jp/" + "a" * 2048
    assert "at most 2048" in str(read_read_more(f"さらに読む ⇒湖畔新聞出典/画像元: {url}"))
