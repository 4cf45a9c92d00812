"""The title line: which bracket holds the keywords, and writing it back."""

import pytest

from app.textformat.title import format_title_line, split_title_line


@pytest.mark.parametrize(
    ("line", "title", "keywords", "subtitle"),
    [
        ("湖の町(観光、湖、冬)氷上の祭り", "湖の町", ["観光", "湖", "冬"], "氷上の祭り"),
        ("湖の町（観光，湖,冬）氷上の祭り", "湖の町", ["観光", "湖", "冬"], "氷上の祭り"),
        ("湖の町(観光)氷上の祭り", "湖の町", ["観光"], "氷上の祭り"),
        ("湖の町は冬も人が来る?", "湖の町は冬も人が来る?", [], ""),
        ("湖の町()氷上の祭り", "湖の町", [], "氷上の祭り"),
        ("湖の町(上)()", "湖の町(上)", [], ""),
        (
            "「湖の町」【冬】(観光、湖)氷上の祭り(仮称)",
            "「湖の町」【冬】",
            ["観光", "湖"],
            "氷上の祭り(仮称)",
        ),
        ("湖の町( 観光 、 湖 、)", "湖の町", ["観光", "湖"], ""),
    ],
)
def test_split_title_line(line: str, title: str, keywords: list[str], subtitle: str) -> None:
    parts = split_title_line(line)
    assert (parts.title, parts.keywords, parts.subtitle) == (title, keywords, subtitle)


def test_repeated_keywords_are_kept_once_and_reported() -> None:
    parts = split_title_line("湖の町(観光、湖、観光)")
    assert parts.keywords == ["観光", "湖"]
    assert parts.duplicates == ["観光"]


@pytest.mark.parametrize(
    ("title", "keywords", "subtitle", "line"),
    [
        ("湖の町", ["観光", "湖"], "氷上の祭り", "湖の町(観光、湖)氷上の祭り"),
        ("湖の町", [], "", "湖の町"),
        # Without the empty group the subtitle would read back as part of the title,
        ("湖の町", [], "氷上の祭り", "湖の町()氷上の祭り"),
        # and a bracket in the title as its keywords.
        ("湖の町(上)", [], "", "湖の町(上)()"),
    ],
)
def test_format_title_line_reads_back(
    title: str, keywords: list[str], subtitle: str, line: str
) -> None:
    assert format_title_line(title, keywords, subtitle) == line
    parts = split_title_line(line)
    assert (parts.title, parts.keywords, parts.subtitle) == (title, keywords, subtitle)
