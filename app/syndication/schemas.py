"""Wire shapes of the feeds, for the OpenAPI document (the mappers build plain dicts)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.articles.schemas import SummaryCitation


class FeedAuthor(BaseModel):
    name: str


class KijiExtension(BaseModel):
    """Kiji's structured extras of an item (a JSON Feed extension)."""

    about: str
    slug: str
    version: int
    subtitle: str
    citations: list[SummaryCitation]


class FeedItem(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(description="The article's canonical URL; never changes.")
    url: str
    title: str
    summary: str | None = Field(None, description="The lead, as plain text.")
    content_html: str = Field(
        description="Lead, Q&A headings with their sources, key points (HTML)."
    )
    content_text: str = Field(description="The same as plain text.")
    date_published: datetime | None = None
    date_modified: datetime
    tags: list[str] | None = Field(None, description="The article's keywords.")
    language: str
    kiji: KijiExtension = Field(alias="_kiji")


class JsonFeed(BaseModel):
    """A JSON Feed 1.1 page (https://jsonfeed.org/version/1.1)."""

    version: str
    title: str
    feed_url: str
    description: str
    language: str
    authors: list[FeedAuthor]
    next_url: str | None = Field(None, description="The next (older) page; absent at the end.")
    items: list[FeedItem]
