"""Which text of an article is searched, in which group, and how much each group weighs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal, NamedTuple

Group = Literal["qa", "title", "summary", "body", "comments"]
GROUPS: tuple[Group, ...] = ("qa", "title", "summary", "body", "comments")
# Groups that carry word columns as well (the ranking signal of ``words``): all of them, so
# that a true word anywhere outranks a boundary-crossing match in the same field.
WORD_GROUPS: tuple[Group, ...] = GROUPS
# Groups a summary-only key may search (its projection has no body, comment or reaction).
SUMMARY_GROUPS: frozenset[Group] = frozenset({"qa", "title", "summary"})

In = Literal["questions", "summaries", "body", "all"]
IN_GROUPS: dict[In, frozenset[Group]] = {
    "questions": frozenset({"qa"}),
    "summaries": frozenset({"summary"}),
    "body": frozenset({"body", "comments"}),
    "all": frozenset(GROUPS),
}
# question and answer > title and keywords > summary bullets and key points > intro and body
# > comments.
WEIGHTS: dict[Group, float] = {
    "qa": 10.0,
    "title": 8.0,
    "summary": 5.0,
    "body": 2.5,
    "comments": 1.0,
}
# Word columns weigh this many times their field: enough that a word match outscores any
# number of boundary-crossing matches of the same term (bm25 saturates at (k1 + 1) * idf).
WORD_BOOST = 50.0


class Piece(NamedTuple):
    # A tuple, not a dataclass: every search result walks some seventy of them.
    group: Group
    field: str
    position: int | None  # the section's, for section fields
    text: str


def pieces(doc: Mapping[str, Any]) -> Iterator[Piece]:
    """Every searchable text of an article document (input or stored form), in reading order."""
    yield Piece("title", "title", None, doc["title"])
    if doc.get("subtitle"):
        yield Piece("title", "subtitle", None, doc["subtitle"])
    for keyword in doc.get("keywords", ()):
        yield Piece("title", "keywords", None, keyword)
    if doc.get("lead"):
        yield Piece("summary", "lead", None, doc["lead"])
    for point in doc.get("key_points", ()):
        yield Piece("summary", "key_points", None, point)
    for number, section in enumerate(doc["sections"], start=1):
        position = section.get("position", number)
        yield Piece("qa", "heading", position, section["heading"])
        yield Piece("qa", "question", position, section["question"])
        yield Piece("qa", "answer", position, section["answer"])
        for paragraph in section.get("intro", ()):
            yield Piece("body", "intro", position, paragraph)
        for citation in section.get("citations", ()):
            yield Piece("summary", "citation_publisher", position, citation["publisher"])
            for bullet in citation.get("summary", ()):
                yield Piece("summary", "citation_summary", position, bullet)
            for comment in citation.get("comment", ()):
                yield Piece("comments", "citation_comment", position, comment)
        for paragraph in section.get("body", ()):
            yield Piece("body", "body", position, paragraph)
        if section.get("reaction"):
            yield Piece("comments", "reaction", position, section["reaction"])
    for paragraph in doc.get("conclusion", ()):
        yield Piece("body", "conclusion", None, paragraph)


def grouped(doc: Mapping[str, Any]) -> dict[Group, list[str]]:
    out: dict[Group, list[str]] = {g: [] for g in GROUPS}
    for piece in pieces(doc):
        out[piece.group].append(piece.text)
    return out
