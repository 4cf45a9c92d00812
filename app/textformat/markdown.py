"""The article as Markdown: a lossless, explicitly marked twin of the text format.

Every boundary the text template leaves to inference is marked here, so
`parse_markdown(to_markdown(doc)).document == doc` for every valid document. One line
is one paragraph; blocks are separated by blank lines::

    ---
    title: "TITLE"
    subtitle: "SUBTITLE"
    keywords: ["KW1", "KW2"]
    ---

    LEAD LINE 1

    LEAD LINE 2

    ## HEADING

    ### QUESTION?

    **A:** ANSWER

    INTRO PARAGRAPH

    > 公開日: 2025-01-31
    >
    > - SUMMARY BULLET
    >
    > [PUBLISHER](<https://example.com/a>)
    >
    > COMMENT PARAGRAPH

    BODY PARAGRAPH

    **Reaction:** REACTION

    ---

    CONCLUSION PARAGRAPH

    - KEY POINT

* Front matter values are JSON (strings, and a list of strings for keywords), so any
  string fits. A lead that cannot be written as non-empty lines goes there as `lead:`.
* In a section: paragraphs before the first card are the intro, after it the body.
  A section without cards marks its body with a `<!-- body -->` line.
* A card is one blockquote: an optional `公開日: YYYY-MM-DD` line, `- ` bullets, then the
  `[PUBLISHER](<URL>)` line; every quoted line after it is a comment paragraph.
* `**Reaction:**` is the section's last line; no line means no reaction.
* A `---` line after the sections starts the conclusion paragraphs, and its `- ` items
  are the key points.
* Text is escaped the CommonMark way (see `mdescape`): it renders as written and reads
  back exactly.
"""

import json
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from app.textformat.mdescape import escape
from app.textformat.mdreader import (
    ANSWER,
    BODY_MARK,
    CONCLUSION_MARK,
    DATE_PREFIX,
    FRONT_MATTER_MARK,
    HEADING,
    LIST_ITEM,
    QUESTION,
    QUOTE,
    REACTION,
    read_markdown,
)
from app.textformat.result import ParsedArticle

__all__ = ["parse_markdown", "to_markdown"]


def parse_markdown(text: str) -> ParsedArticle:
    return read_markdown(text)


def to_markdown(doc: Mapping[str, Any]) -> str:
    return "\n\n".join(_blocks(doc)) + "\n"


def _marked(marker: str, text: str) -> str:
    return f"{marker} {escape(text)}" if text else marker


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _blocks(doc: Mapping[str, Any]) -> Iterator[str]:
    lead: str = doc.get("lead") or ""
    lead_lines = lead.split("\n") if lead else []
    front = [
        FRONT_MATTER_MARK,
        f"title: {_json(doc['title'])}",
        f"subtitle: {_json(doc.get('subtitle') or '')}",
        f"keywords: {_json(list(doc.get('keywords') or []))}",
    ]
    if "" in lead_lines:
        front.append(f"lead: {_json(lead)}")
        lead_lines = []
    yield "\n".join([*front, FRONT_MATTER_MARK])
    yield from map(escape, lead_lines)
    for section in doc["sections"]:
        yield from _section_blocks(section)
    conclusion: list[str] = doc.get("conclusion") or []
    key_points: list[str] = doc.get("key_points") or []
    if conclusion or key_points:
        yield CONCLUSION_MARK
        yield from map(escape, conclusion)
        if key_points:
            yield "\n".join(_marked(LIST_ITEM, point) for point in key_points)


def _section_blocks(section: Mapping[str, Any]) -> Iterator[str]:
    yield _marked(HEADING, section["heading"])
    yield _marked(QUESTION, section["question"])
    yield _marked(ANSWER, section["answer"])
    yield from map(escape, section.get("intro") or [])
    citations = section.get("citations") or []
    yield from map(_card_block, citations)
    body: list[str] = section.get("body") or []
    if body and not citations:
        yield BODY_MARK
    yield from map(escape, body)
    reaction: str | None = section.get("reaction")
    if reaction is not None:
        yield _marked(REACTION, reaction)


def _card_block(citation: Mapping[str, Any]) -> str:
    groups: list[list[str]] = []
    published_on: str | date | None = citation.get("published_on")
    if isinstance(published_on, date):
        published_on = published_on.isoformat()
    if published_on is not None:
        groups.append([f"{DATE_PREFIX} {published_on}"])
    summary: list[str] = citation.get("summary") or []
    if summary:
        groups.append([_marked(LIST_ITEM, item) for item in summary])
    groups.append([f"[{escape(citation['publisher'])}](<{escape(citation['url'])}>)"])
    groups += [[escape(paragraph)] for paragraph in citation.get("comment") or []]
    quoted = "\n\n".join("\n".join(group) for group in groups).split("\n")
    return "\n".join(f"{QUOTE} {line}" if line else QUOTE for line in quoted)
