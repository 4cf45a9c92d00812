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


class NinjsHeadline(BaseModel):
    role: str
    value: str


class NinjsBody(BaseModel):
    role: str
    content_type: str = Field(alias="contentType")
    char_count: int = Field(alias="charCount")
    value: str


class Ninjs(BaseModel):
    """An article as IPTC ninjs 3.1 (`format=ninjs`, or `Accept: application/ninjs+json`),
    valid against http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json; its main fields only.
    `representationType` is `partial` for summary-only keys."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    uri: str
    standard: dict[str, str]
    type: str
    representation_type: str = Field(alias="representationType")
    version: str
    version_created: str = Field(alias="versionCreated")
    first_created: str | None = Field(None, alias="firstCreated")
    pub_status: str = Field(alias="pubStatus")
    language: str
    headlines: list[NinjsHeadline]
    bodies: list[NinjsBody]
