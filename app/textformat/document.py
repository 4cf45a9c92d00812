"""The article document's content fields, as the text format reads and writes them.

Field names and shapes follow `spec/article.md` and the reference article's expected
parse. Server fields (id, slug, position, host, version...) are not part of these
types; the exporters read documents as plain mappings and ignore any extra keys.
"""

from typing import TypedDict


class CitationDoc(TypedDict):
    publisher: str
    url: str
    published_on: str | None  # ISO date, "YYYY-MM-DD"
    summary: list[str]
    comment: list[str]


class SectionDoc(TypedDict):
    heading: str
    question: str
    answer: str
    intro: list[str]
    citations: list[CitationDoc]
    body: list[str]
    reaction: str | None


class ArticleDoc(TypedDict):
    title: str
    keywords: list[str]
    subtitle: str
    lead: str
    sections: list[SectionDoc]
    conclusion: list[str]
    key_points: list[str]
