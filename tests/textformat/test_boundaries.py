"""The rules for the boundaries the template leaves unmarked."""

import pytest

from app.textformat.boundaries import (
    conclusion_start,
    find_section_start,
    is_casual,
    is_comment_continuation,
)
from app.textformat.lines import Line


def numbered(*texts: str) -> list[Line]:
    return [Line(number, text) for number, text in enumerate(texts, start=1)]


@pytest.mark.parametrize(
    ("text", "casual"),
    [
        ("雪まつり、こんなに人が来るんですね。", True),
        ("氷の像、すごい。", True),
        ("ほんまに寒そうやけど、行ってみたい。", True),
        ("来年も開くのかな。", True),
        ("町は来年も祭りを開く方針です。", False),
        ("観光客の増加に期待しましょう。", False),
        # Quoted speech is the source's voice, not the writer's.
        ("実行委員長は「来年もやるよ。楽しみにしてね。」と述べました。", False),
    ],
)
def test_is_casual(text: str, casual: bool) -> None:
    assert is_casual(text) is casual


@pytest.mark.parametrize(
    ("text", "continues"),
    [
        ("次の冬に注目したいです。", True),
        ("地元の励みにもなるでしょう。", True),
        ("会場は去年の倍の広さですね。", True),
        ("会場は去年の倍の広さになりました。", False),
        (
            "実行委員会によると、今年の来場者は昨年より2割多く、過去最多を更新したということですね。",
            False,
        ),
    ],
)
def test_is_comment_continuation(text: str, continues: bool) -> None:
    assert is_comment_continuation(text) is continues


def test_section_start_prefers_a_heading_that_is_not_a_sentence() -> None:
    region = numbered(
        "冬の湖に人が集まる。なぜなのか?",  # lead: ends like a question itself
        "氷上の祭りの始まり",
        "祭り、いつから?",
        "30年前から。",
        "今年は特に人が多いのでしょうか?",  # intro line ending with ?
        "会場を広げました。",
    )
    assert find_section_start(region) == 1


def test_no_section_start_without_an_answer() -> None:
    assert find_section_start(numbered("氷上の祭りの始まり", "祭り、いつから?")) is None


@pytest.mark.parametrize(
    ("tail", "start"),
    [
        (("会場は広がりました。", "氷の像、すごい。"), 2),
        (("会場は広がりました。", "氷の像、すごい。", "冬の湖に期待しましょう。"), 2),
        (
            (
                "氷の像、すごい。",
                "祭りは町の冬を支えています。",
                "来年も続いていくでしょう。",
                "冬の湖に期待しましょう。",
            ),
            1,
        ),
        # No casual line near the end: trailing summing-up lines are the conclusion.
        (("会場は広がりました。", "行ってみたい!", "冬の湖に期待しましょう。"), 2),
        (("氷の像、すごい。",), 1),
        ((), 0),
    ],
)
def test_conclusion_start(tail: tuple[str, ...], start: int) -> None:
    assert conclusion_start(numbered(*tail)) == start
