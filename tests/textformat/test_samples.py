"""The sample articles shipped in app/samples are valid and in normal form."""

import re
from pathlib import Path

import pytest

from app.textformat.exporter import export
from app.textformat.parser import parse

from .conftest import SAMPLES

ARTICLES = sorted(SAMPLES.glob("*.txt"))


def test_there_are_at_least_three_samples_one_with_a_source_date() -> None:
    assert len(ARTICLES) >= 3
    assert any("公開日:" in path.read_text(encoding="utf-8") for path in ARTICLES)


@pytest.mark.parametrize("article", ARTICLES, ids=lambda path: path.stem)
def test_sample_is_in_normal_form(article: Path) -> None:
    data = article.read_bytes()
    parsed = parse(data)
    assert parsed.errors == []
    assert parsed.document is not None
    assert export(parsed.document).encode("utf-8") == data
    assert 5_000 <= len(data) <= 8_500
    assert 2 <= len(parsed.document["sections"]) <= 4


@pytest.mark.parametrize("article", ARTICLES, ids=lambda path: path.stem)
def test_sample_cites_only_illustrative_domains(article: Path) -> None:
    document = parse(article.read_bytes()).document
    assert document is not None
    for section in document["sections"]:
        for citation in section["citations"]:
            assert re.match(r"https?://([a-z0-9-]+\.)*example(-[a-z]+)?\.", citation["url"])
