"""The reference article of spec/text-format.md: exact parse, exact export."""

import json

import pytest

from app.textformat.exporter import export
from app.textformat.markdown import parse_markdown, to_markdown
from app.textformat.parser import parse

from .conftest import SHARED_EXAMPLES

REFERENCE = SHARED_EXAMPLES / "seed-article.txt"
EXPECTED = SHARED_EXAMPLES / "seed-article.expected.json"

pytestmark = pytest.mark.skipif(
    not SHARED_EXAMPLES.is_dir(),
    reason=f"the shared specification folder {SHARED_EXAMPLES} is not next to the project",
)


def test_reference_article_parses_to_its_expected_document() -> None:
    parsed = parse(REFERENCE.read_bytes())
    assert parsed.errors == []
    assert parsed.document == json.loads(EXPECTED.read_text(encoding="utf-8"))


def test_reference_article_exports_to_itself_byte_for_byte() -> None:
    data = REFERENCE.read_bytes()
    document = parse(data).document
    assert document is not None
    assert export(document).encode("utf-8") == data


def test_expected_document_exports_to_the_reference_article() -> None:
    document = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert export(document).encode("utf-8") == REFERENCE.read_bytes()


def test_reference_article_reports_each_inferred_boundary() -> None:
    warnings = [(issue.line, issue.message) for issue in parse(REFERENCE.read_bytes()).warnings]
    assert warnings == [
        (13, "inferred the comment continues on this line"),
        (20, "inferred reader reaction"),
        (32, "inferred the comment continues on this line"),
        (42, "inferred reader reaction"),
        (53, "inferred the body starts here"),
        (58, "inferred reader reaction"),
        (59, "inferred conclusion starts here"),
    ]


def test_reference_article_round_trips_through_markdown() -> None:
    document = json.loads(EXPECTED.read_text(encoding="utf-8"))
    parsed = parse_markdown(to_markdown(document))
    assert parsed.errors == []
    assert parsed.document == document
