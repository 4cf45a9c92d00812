"""The one shape every syndication format is made from: an article, full or summary-only.

A view made from the summary projection has empty intro, body, comment, reaction and
conclusion fields, so no format built from it can carry full text, whatever it renders."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from app.articles.schemas import ArticleOut, ArticleSummary


@dataclass(frozen=True, slots=True)
class CitationView:
    publisher: str
    url: str
    host: str
    published_on: date | None
    summary: tuple[str, ...]
    comment: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SectionView:
    position: int
    heading: str
    question: str
    answer: str
    citations: tuple[CitationView, ...]
    intro: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    reaction: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleView:
    id: int
    slug: str
    url: str
    title: str
    subtitle: str
    keywords: tuple[str, ...]
    lead: str
    language: str
    status: str
    published_at: datetime | None
    updated_at: datetime
    version: int
    sections: tuple[SectionView, ...]
    key_points: tuple[str, ...]
    conclusion: tuple[str, ...] = ()
    full: bool = False

    @property
    def html_url(self) -> str:
        return f"{self.url}?format=html"

    @property
    def lead_lines(self) -> list[str]:
        return [line for line in self.lead.split("\n") if line.strip()]

    def citations(self) -> Iterator[tuple[SectionView, CitationView]]:
        for s in self.sections:
            for c in s.citations:
                yield s, c

    def sources(self) -> list[CitationView]:
        """Each cited URL once, first citation first."""
        seen: dict[str, CitationView] = {}
        for _, c in self.citations():
            seen.setdefault(c.url, c)
        return list(seen.values())


def from_document(doc: ArticleOut, *, url: str) -> ArticleView:
    return ArticleView(
        id=doc.id,
        slug=doc.slug,
        url=url,
        title=doc.title,
        subtitle=doc.subtitle,
        keywords=tuple(doc.keywords),
        lead=doc.lead,
        language=doc.language,
        status=doc.status,
        published_at=doc.published_at,
        updated_at=doc.updated_at,
        version=doc.version,
        sections=tuple(
            SectionView(
                position=s.position,
                heading=s.heading,
                question=s.question,
                answer=s.answer,
                citations=tuple(
                    CitationView(
                        c.publisher,
                        c.url,
                        c.host,
                        c.published_on,
                        tuple(c.summary),
                        tuple(c.comment),
                    )
                    for c in s.citations
                ),
                intro=tuple(s.intro),
                body=tuple(s.body),
                reaction=s.reaction,
            )
            for s in doc.sections
        ),
        key_points=tuple(doc.key_points),
        conclusion=tuple(doc.conclusion),
        full=True,
    )


def from_summary(summary: ArticleSummary) -> ArticleView:
    by_section: dict[int, list[CitationView]] = {}
    for c in summary.citations:
        by_section.setdefault(c.position, []).append(
            CitationView(c.publisher, c.url, c.host, c.published_on, tuple(c.summary))
        )
    return ArticleView(
        id=summary.id,
        slug=summary.slug,
        url=summary.url,
        title=summary.title,
        subtitle=summary.subtitle,
        keywords=tuple(summary.keywords),
        lead=summary.lead,
        language=summary.language,
        status=summary.status,
        published_at=summary.published_at,
        updated_at=summary.updated_at,
        version=summary.version,
        sections=tuple(
            SectionView(
                position=q.position,
                heading=q.heading,
                question=q.question,
                answer=q.answer,
                citations=tuple(by_section.get(q.position, ())),
            )
            for q in summary.faq
        ),
        key_points=tuple(summary.key_points),
    )


def rfc3339(moment: datetime) -> str:
    """UTC with a ``Z``, as every other date of the API."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
