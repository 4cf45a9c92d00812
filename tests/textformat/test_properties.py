"""Round trips over generated documents."""

from hypothesis import given, settings
from hypothesis import strategies as st

from app.textformat.document import ArticleDoc
from app.textformat.exporter import export
from app.textformat.markdown import parse_markdown, to_markdown
from app.textformat.parser import parse

from .strategies import any_documents, any_inputs, mutated_articles, template_documents

fast = settings(max_examples=150, deadline=None)


@fast
@given(template_documents())
def test_text_round_trip_for_template_documents(doc: ArticleDoc) -> None:
    text = export(doc)
    parsed = parse(text)
    assert parsed.errors == []
    assert parsed.document == doc
    assert export(parsed.document) == text


def reimport(text: str) -> ArticleDoc:
    parsed = parse(text)
    assert parsed.errors == []
    assert parsed.document is not None
    return parsed.document


@fast
@given(template_documents())
def test_export_is_a_fixed_point(doc: ArticleDoc) -> None:
    normal = export(reimport(export(doc)))
    assert export(reimport(normal)) == normal


@fast
@given(template_documents())
def test_text_round_trip_survives_crlf_bom_and_padding(doc: ArticleDoc) -> None:
    text = export(doc)
    messy = "\ufeff" + "\r\n".join(f"{line} \t" for line in text.split("\n")) + "\r\n\r\n"
    assert parse(messy.encode()).document == doc


@fast
@given(any_documents())
def test_markdown_round_trip_for_any_document(doc: ArticleDoc) -> None:
    markdown = to_markdown(doc)
    parsed = parse_markdown(markdown)
    assert parsed.errors == []
    assert parsed.document == doc


@fast
@given(template_documents())
def test_markdown_round_trip_for_template_documents(doc: ArticleDoc) -> None:
    assert parse_markdown(to_markdown(doc)).document == doc


@settings(max_examples=200, deadline=None)
@given(any_inputs | mutated_articles())
def test_whatever_imports_exports_to_a_fixed_point(text: str) -> None:
    parsed = parse(text)
    assert (parsed.document is None) == bool(parsed.errors)
    if parsed.document is not None:
        normal = export(parsed.document)
        assert export(reimport(normal)) == normal
        assert reimport(normal) == parsed.document


@fast
@given(st.binary(max_size=200))
def test_any_bytes_are_answered_without_crashing(data: bytes) -> None:
    parsed = parse(data)
    assert (parsed.document is None) == bool(parsed.errors)
