"""Own articles covering the template's variations: `cases/NAME.txt` must parse to
`NAME.expected.json` and export to `NAME.normal.txt` (or to itself when that is absent)."""

import json
from pathlib import Path

import pytest

from app.textformat.exporter import export
from app.textformat.parser import parse

from .conftest import CASES

ARTICLES = sorted(path for path in CASES.glob("*.txt") if not path.name.endswith(".normal.txt"))


def _normal_form(article: Path) -> bytes:
    normal = article.with_name(f"{article.stem}.normal.txt")
    return (normal if normal.exists() else article).read_bytes()


def test_the_cases_cover_the_variations() -> None:
    names = {path.stem for path in ARTICLES}
    assert {
        "two_cards",
        "no_date",
        "fullwidth_crlf_bom",
        "no_keywords",
        "url_query_fragment",
        "comment_continued",
        "no_intro",
        "one_line_conclusion",
        "three_line_conclusion",
    } <= names


@pytest.mark.parametrize("article", ARTICLES, ids=lambda path: path.stem)
def test_case_parses_to_its_expected_document(article: Path) -> None:
    expected = json.loads(article.with_suffix(".expected.json").read_text(encoding="utf-8"))
    parsed = parse(article.read_bytes())
    assert parsed.errors == []
    assert parsed.document == expected


@pytest.mark.parametrize("article", ARTICLES, ids=lambda path: path.stem)
def test_case_exports_to_its_normal_form(article: Path) -> None:
    document = parse(article.read_bytes()).document
    assert document is not None
    assert export(document).encode("utf-8") == _normal_form(article)


@pytest.mark.parametrize("article", ARTICLES, ids=lambda path: path.stem)
def test_normal_form_is_a_fixed_point(article: Path) -> None:
    normal = _normal_form(article)
    document = parse(normal).document
    assert document is not None
    assert export(document).encode("utf-8") == normal
    assert not normal.endswith(b"\n")
