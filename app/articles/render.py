"""Pure rendering of an article's stored representations: its document and summary projection.

Renders are made once per write and kept beside the rows, so reads serve bytes instead of
rebuilding the document from many rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from app.articles.schemas import (
    ArticleIn,
    ArticleOut,
    ArticleSummary,
    CitationOut,
    FaqItem,
    SectionOut,
    SummaryCitation,
)
from app.core.http import etag_for, http_date

# Bump when the shape of a render changes: stored renders with another key are rebuilt on start.
RENDER_SCHEMA = 2


def render_key(base_url: str) -> str:
    return f"{RENDER_SCHEMA}|{base_url}"


@lru_cache(maxsize=4096)
def host_of(url: str) -> str:
    """The URL's host, lower case (cached: rendering and storing both ask for each URL)."""
    return (urlsplit(url).hostname or "").lower()


@dataclass(frozen=True, slots=True)
class ServerFields:
    id: int
    slug: str
    version: int
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class Rendered:
    key: str
    document: bytes
    etag: str
    summary: bytes
    summary_etag: str
    last_modified: str


def document(data: ArticleIn, server: ServerFields) -> ArticleOut:
    sections = [
        SectionOut(
            position=s_pos,
            heading=s.heading,
            question=s.question,
            answer=s.answer,
            intro=s.intro,
            citations=[
                CitationOut(
                    position=c_pos,
                    publisher=c.publisher,
                    url=c.url,
                    host=host_of(c.url),
                    published_on=c.published_on,
                    summary=c.summary,
                    comment=c.comment,
                )
                for c_pos, c in enumerate(s.citations, start=1)
            ],
            body=s.body,
            reaction=s.reaction,
        )
        for s_pos, s in enumerate(data.sections, start=1)
    ]
    return ArticleOut(
        id=server.id,
        slug=server.slug,
        title=data.title,
        keywords=data.keywords,
        subtitle=data.subtitle,
        lead=data.lead,
        language=data.language,
        status=data.status,
        published_at=server.published_at,
        created_at=server.created_at,
        updated_at=server.updated_at,
        version=server.version,
        sections=sections,
        conclusion=data.conclusion,
        key_points=data.key_points,
    )


def canonical_url(base_url: str, slug: str) -> str:
    """The article's permanent address (slugs never change once made)."""
    return f"{base_url}/v1/articles/{slug}"


def summary(doc: ArticleOut, *, base_url: str) -> ArticleSummary:
    return ArticleSummary(
        id=doc.id,
        slug=doc.slug,
        url=canonical_url(base_url, doc.slug),
        title=doc.title,
        subtitle=doc.subtitle,
        keywords=doc.keywords,
        lead=doc.lead,
        language=doc.language,
        status=doc.status,
        faq=[faq_item(s) for s in doc.sections],
        key_points=doc.key_points,
        citations=[
            SummaryCitation(
                position=s.position,
                citation_position=c.position,
                publisher=c.publisher,
                url=c.url,
                host=c.host,
                published_on=c.published_on,
                summary=c.summary,
            )
            for s in doc.sections
            for c in s.citations
        ],
        published_at=doc.published_at,
        updated_at=doc.updated_at,
        version=doc.version,
    )


def faq_item(section: SectionOut) -> FaqItem:
    return FaqItem(
        position=section.position,
        heading=section.heading,
        question=section.question,
        answer=section.answer,
    )


def render(data: ArticleIn, server: ServerFields, *, base_url: str) -> Rendered:
    doc = document(data, server)
    doc_bytes = doc.model_dump_json().encode()
    summary_bytes = summary(doc, base_url=base_url).model_dump_json().encode()
    return Rendered(
        key=render_key(base_url),
        document=doc_bytes,
        etag=etag_for(doc_bytes, prefix=f"v{server.version}-"),
        summary=summary_bytes,
        summary_etag=etag_for(summary_bytes, prefix=f"v{server.version}-"),
        last_modified=http_date(server.updated_at),
    )


def as_input(doc: ArticleOut) -> ArticleIn:
    """The document back in the shape a client sends (the base of a merge patch)."""
    return ArticleIn.model_validate(input_dict(doc))


def input_dict(doc: ArticleOut) -> dict[str, object]:
    return doc.model_dump(
        mode="json",
        exclude={
            "id": True,
            "version": True,
            "created_at": True,
            "updated_at": True,
            "sections": {
                "__all__": {"position": True, "citations": {"__all__": {"position", "host"}}}
            },
        },
    )
