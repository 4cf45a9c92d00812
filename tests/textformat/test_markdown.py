"""The Markdown form: explicit markers, exact round trips, line-numbered errors."""

import re
from typing import Any

import pytest

from app.textformat.markdown import parse_markdown, to_markdown

from .conftest import PROJECT

GUIDE = PROJECT / "app" / "textformat" / "MARKDOWN.md"

ODD = [
    "# 見出しではない",
    "## 見出しではない",
    "- 箇条書きではない",
    "---",
    "1. 番号付きではない",
    "> 引用ではない",
    "**A:** 答えではない",
    "**Reaction:** 反応ではない",
    "<!-- body -->",
    "[リンク](<https://example.com>)ではない",
    "公開日: 2025-01-01",
    " 前後に空白 ",
    "\u3000全角の空白\u3000",
    "改行を\n含む",
    "タブ\tと\r復帰",
    "\\バックスラッシュ\\",
    "&#x20; と &amp;",
    "*強調* _下線_ `コード` ~打ち消し~",
    "行区切り\u2028段落区切り\u2029NEL\x85",
]


def article(**overrides: Any) -> dict[str, Any]:
    section: dict[str, Any] = {
        "heading": "氷上の祭り",
        "question": "祭り、いつから?",
        "answer": "30年前から。",
        "intro": ["今年は人出が多い。"],
        "citations": [
            {
                "publisher": "湖畔新聞",
                "url": "https://kohan.example.jp/a/1",
                "published_on": "2025-02-03",
                "summary": ["湖の上に氷の像が並んだ。"],
                "comment": ["楽しそうですね。"],
            }
        ],
        "body": ["会場は去年より広がりました。"],
        "reaction": "氷の像、すごい。",
    }
    document = {
        "title": "湖の町は冬も人が来る?",
        "keywords": ["観光", "湖"],
        "subtitle": "氷上の祭り",
        "lead": "凍った湖の上で祭りが開かれた。",
        "sections": [section],
        "conclusion": ["冬の湖に期待しましょう。"],
        "key_points": ["湖の祭りに人が集まった。"],
    }
    document.update(overrides)
    return document


def round_trip(document: dict[str, Any]) -> Any:
    parsed = parse_markdown(to_markdown(document))
    assert parsed.errors == []
    return parsed.document


def test_the_guide_example_is_what_the_writer_writes() -> None:
    example = re.search(r"```markdown\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    assert example is not None
    parsed = parse_markdown(example[1])
    assert parsed.errors == []
    assert parsed.document is not None
    assert to_markdown(parsed.document) == example[1]


def test_odd_strings_round_trip_everywhere() -> None:
    sections = [
        {
            "heading": odd,
            "question": odd,
            "answer": odd,
            "intro": ODD,
            "citations": [
                {
                    "publisher": odd,
                    "url": "https://kohan.example.jp/" + odd,
                    "published_on": None,
                    "summary": ODD,
                    "comment": ODD,
                }
            ],
            "body": ODD,
            "reaction": odd,
        }
        for odd in ODD
    ]
    document = article(
        title=ODD[0],
        keywords=ODD,
        subtitle=ODD[1],
        sections=sections,
        conclusion=ODD,
        key_points=ODD,
    )
    assert round_trip(document) == document


def test_a_section_without_cards_marks_its_body() -> None:
    document = article()
    document["sections"][0]["citations"] = []
    assert "\n<!-- body -->\n" in to_markdown(document)
    assert round_trip(document) == document


def test_empty_strings_and_missing_reaction_round_trip() -> None:
    document = article(subtitle="", keywords=[], lead="", conclusion=[], key_points=[])
    section = document["sections"][0]
    section.update(heading="", question="", answer="", reaction=None, intro=[], body=[])
    section["citations"][0].update(summary=[], comment=[], published_on=None)
    assert to_markdown(document).count("---") == 2  # the front matter's only
    assert round_trip(document) == document


def test_a_lead_with_an_empty_line_goes_into_the_front_matter() -> None:
    document = article(lead="一行目\n\n三行目")
    assert 'lead: "一行目\\n\\n三行目"' in to_markdown(document)
    assert round_trip(document) == document


def test_a_lead_of_several_lines_is_written_as_paragraphs() -> None:
    document = article(lead="一行目\n二行目")
    assert "---\n\n一行目\n\n二行目\n\n## " in to_markdown(document)
    assert round_trip(document) == document


def test_server_fields_are_ignored() -> None:
    document = article(id=1, slug="kohan", version=2)
    document["sections"][0]["position"] = 1
    assert to_markdown(document) == to_markdown(article())


FRONT = '---\ntitle: "湖の町"\n---\n'
SECTION = "## 氷上の祭り\n\n### いつから?\n\n**A:** 30年前から。\n"
CARD = "> - 氷の像が並んだ。\n> [湖畔新聞](<https://kohan.example.jp/a>)\n"

INVALID = [
    ("no front matter", SECTION, [(1, "expected front matter: ---"), (1, "expected a title")]),
    (
        "front matter not closed",
        '---\ntitle: "湖"\n',
        [(2, "expected at least one section"), (3, "expected --- to close")],
    ),
    ("no title", '---\nsubtitle: "副題"\n---\n' + SECTION, [(3, "expected a title")]),
    (
        "bad JSON",
        "---\ntitle: 湖の町\n---\n" + SECTION,
        [(2, "expected a JSON value of the right type for title:"), (2, "expected a title")],
    ),
    (
        "unknown field",
        FRONT.replace("---\n", '---\nauthor: "x"\n', 1) + SECTION,
        [(2, "expected one of title, subtitle, keywords, lead (once each)")],
    ),
    ("no sections", FRONT + "\nリードだけ。\n", [(2, "expected at least one section")]),
    ("missing question", FRONT + "## 見出し\n\n**A:** 答え\n", [(6, "expected the ### question")]),
    (
        "missing answer",
        FRONT + "## 見出し\n### 問い?\n本文。\n",
        [(6, "expected the **A:** answer")],
    ),
    ("question at the end", FRONT + "## 見出し\n", [(5, "expected the ### question")]),
    ("card before any section", FRONT + CARD + SECTION, [(4, "expected a source card only")]),
    (
        "card after the body",
        FRONT + SECTION + "\n<!-- body -->\n\n本文。\n\n" + CARD,
        [(14, "expected a source card only between a section's intro and body")],
    ),
    (
        "card without a link",
        FRONT + SECTION + "\n> - 氷の像が並んだ。\n",
        [(10, "expected the [PUBLISHER](<URL>) line")],
    ),
    (
        "javascript: link",
        FRONT + SECTION + "\n" + CARD.replace("https://kohan.example.jp/a", "javascript:alert(1)"),
        [(11, "expected an absolute http:// or https:// URL")],
    ),
    (
        "bad date",
        FRONT + SECTION + "\n> 公開日: 2025-02-30\n" + CARD,
        [(10, "expected a date 公開日: YYYY-MM-DD")],
    ),
    ("key point before ---", FRONT + SECTION + "\n- 要点\n", [(10, "expected - key points only")]),
    (
        "text after the reaction",
        FRONT + SECTION + "\n**Reaction:** すごい。\n\n本文。\n",
        [(12, "expected a ## heading or ---")],
    ),
    ("section after ---", FRONT + SECTION + "\n---\n\n" + SECTION, [(12, "no more sections")]),
    (
        "several errors",
        FRONT + "## 見出し\n\n**A:** 答え\n\n> [湖畔](<ftp://kohan.example.jp>)\n\n- 要点\n",
        [(6, "expected the ### question"), (8, "http"), (10, "key points only")],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_markdown_is_rejected_with_line_numbers(
    text: str, expected: list[tuple[int, str]]
) -> None:
    parsed = parse_markdown(text)
    assert parsed.document is None
    assert [issue.line for issue in parsed.errors] == [line for line, _ in expected]
    for issue, (_, message) in zip(parsed.errors, expected, strict=True):
        assert message in issue.message
