"""Export: article document -> article text in normal form (spec "Export").

Elements in template order, one per line, `\\n` line ends, no final newline, one blank
line in each card (before its bullets, after the 公開日 line when there is one), and
every marker written one way. For a document the template can express, importing the
result gives the document back; a document imported from text exports to that text
in normal form.

Documents are read as mappings, so server fields (id, slug, position, host, version…)
may be present and are ignored. `published_on` may be an ISO string or a `date`.
"""

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from app.textformat.markers import BULLET, KEY_POINT, format_date, format_read_more
from app.textformat.title import format_title_line


def export(doc: Mapping[str, Any]) -> str:
    return "\n".join(_lines(doc))


def _lines(doc: Mapping[str, Any]) -> Iterator[str]:
    yield format_title_line(
        doc["title"], list(doc.get("keywords") or []), doc.get("subtitle") or ""
    )
    lead: str = doc.get("lead") or ""
    if lead:
        yield from lead.split("\n")
    for section in doc["sections"]:
        yield from _section_lines(section)
    yield from doc.get("conclusion") or []
    yield from _marked(KEY_POINT, doc.get("key_points") or [])


def _section_lines(section: Mapping[str, Any]) -> Iterator[str]:
    yield section["heading"]
    yield section["question"]
    yield section["answer"]
    yield from section.get("intro") or []
    for citation in section.get("citations") or []:
        yield from _card_lines(citation)
    yield from section.get("body") or []
    reaction: str | None = section.get("reaction")
    if reaction is not None:
        yield reaction


def _card_lines(citation: Mapping[str, Any]) -> Iterator[str]:
    published_on: str | date | None = citation.get("published_on")
    if isinstance(published_on, date):
        published_on = published_on.isoformat()
    if published_on:
        yield format_date(published_on)
    yield ""
    yield from _marked(BULLET, citation.get("summary") or [])
    comment: list[str] = list(citation.get("comment") or [])
    first = comment[0] if comment else ""
    yield format_read_more(citation["publisher"], citation["url"], first)
    yield from comment[1:]


def _marked(marker: str, items: Iterable[str]) -> Iterator[str]:
    for item in items:
        yield f"{marker} {item}"
