"""Wire shapes of the article document (``spec/article.md``): what clients send and get back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from app.core.moments import Day, UtcDateTime
from app.core.uri import URI_CHARS
from app.search.index import surely_fits, too_large

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\u2028\u2029]")
MAX_LIST = 200


def _one_line(value: str) -> str:
    # Every field but the lead is one line of the text template; a newline could not round-trip.
    if _CONTROL.search(value):
        raise ValueError("must be a single line without control characters")
    return value


def _lines(value: str) -> str:
    if _CONTROL_BUT_NEWLINE.search(value):
        raise ValueError("must not contain control characters")
    return value


def _drop_empty(value: object) -> object:
    # "An empty string is not a paragraph": blank entries are dropped after stripping.
    # (Checked in one pass first: imports validate hundreds of these lists a second.)
    if isinstance(value, list) and not all(
        isinstance(v, str) and v and not v.isspace() for v in value
    ):
        return [v for v in value if not (isinstance(v, str) and not v.strip())]
    return value


_WHITESPACE = re.compile(r"\s")
_HTTP = re.compile(r"https?://", re.IGNORECASE)


# URLs of the usual form, accepted without parsing (imports validate thousands a second);
# anything else takes the full check below.
_PLAIN_URL = re.compile(
    rf"https?://(?P<host>[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::[0-9]{{1,5}})?"
    rf"(?:[/?#][{URI_CHARS}]*)?",
    re.IGNORECASE,
)
# DNS: a name of at most 253 characters, in labels of at most 63 (the stored host is one).
_HOST_MAX, _LABEL_MAX = 253, 63
_NOT_URI = re.compile(f"[^{URI_CHARS}]")


def _http_url(value: str) -> str:
    plain = _PLAIN_URL.fullmatch(value)
    if plain:
        _check_host(plain["host"])
        return value
    host = urlsplit(value).hostname if _HTTP.match(value) else None
    if not host:
        raise ValueError("must be an absolute http or https URL")
    _check_host(host)
    if _WHITESPACE.search(value):
        raise ValueError("must not contain white space")
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    # As the text template reads a URL (to its first such character), so that every
    # stored article exports and imports back whole.
    other = _NOT_URI.search(value)
    if other:
        raise ValueError(
            f"must hold only the characters of a URI (RFC 3986): percent-encode {other[0]!r}"
            f" (as {''.join(f'%{b:02X}' for b in other[0].encode())})"
        )
    return value


def _check_host(host: str) -> None:
    if len(host) > _HOST_MAX or any(len(label) > _LABEL_MAX for label in host.split(".")):
        raise ValueError(
            f"the host name is too long (at most {_HOST_MAX} characters, {_LABEL_MAX} between dots)"
        )


def _question(value: str) -> str:
    if not value.endswith(("?", "？")):
        raise ValueError("a question heading ends with ? or ？")
    return value


def _keyword(value: str) -> str:
    # These characters delimit the keyword group of the title line.
    if any(c in value for c in "、,，()（）"):
        raise ValueError("must not contain 、 , ， or brackets")
    return value


def _stripped(max_length: int, min_length: int = 0) -> object:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


Line200 = Annotated[str, _stripped(200, 1), AfterValidator(_one_line)]
Line500 = Annotated[str, _stripped(500), AfterValidator(_one_line)]
Required500 = Annotated[str, _stripped(500, 1), AfterValidator(_one_line)]
Paragraph = Annotated[str, _stripped(5000, 1), AfterValidator(_one_line)]
Paragraphs = Annotated[list[Paragraph], BeforeValidator(_drop_empty), Field(max_length=MAX_LIST)]
Question = Annotated[str, _stripped(500, 1), AfterValidator(_one_line), AfterValidator(_question)]
Keyword = Annotated[str, _stripped(100, 1), AfterValidator(_one_line), AfterValidator(_keyword)]
Url = Annotated[str, _stripped(2048, 1), AfterValidator(_http_url)]
Slug = Annotated[str, StringConstraints(max_length=120, pattern=SLUG_PATTERN)]
Status = Literal["draft", "published"]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class CitationIn(_Input):
    publisher: Required500
    url: Url
    published_on: Day | None = None
    summary: Paragraphs = Field(default_factory=list)
    comment: Paragraphs = Field(default_factory=list)


class SectionIn(_Input):
    heading: Required500
    question: Question
    answer: Required500
    intro: Paragraphs = Field(default_factory=list)
    citations: list[CitationIn] = Field(default_factory=list, max_length=20)
    body: Paragraphs = Field(default_factory=list)
    reaction: Annotated[str, _stripped(5000), AfterValidator(_one_line)] | None = None

    @field_validator("reaction")
    @classmethod
    def _empty_reaction_is_none(cls, value: str | None) -> str | None:
        return value or None


class ArticleIn(_Input):
    """An article as a client sends it to create or replace one."""

    slug: Slug | None = None
    title: Line200
    keywords: Annotated[list[Keyword], Field(max_length=MAX_LIST)] = Field(default_factory=list)
    subtitle: Line500 = ""
    lead: Annotated[str, _stripped(10_000), AfterValidator(_lines)] = ""
    language: Annotated[
        str, StringConstraints(max_length=35, pattern=r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")
    ] = "ja"
    status: Status = "published"
    published_at: UtcDateTime | None = None
    sections: Annotated[list[SectionIn], Field(min_length=1, max_length=100)]
    conclusion: Paragraphs = Field(default_factory=list)
    key_points: Paragraphs = Field(default_factory=list)

    @field_validator("keywords")
    @classmethod
    def _unique_keywords(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("keywords must not repeat")
        return value

    @model_validator(mode="after")
    def _indexable(self) -> ArticleIn:
        # Checked for drafts too, so that publishing one never meets the limit. (Every
        # string of the article holds at least its searched text: most stop there.)
        if surely_fits(list(_strings(self))):
            return self
        reason = too_large(self.model_dump())
        if reason:
            raise ValueError(reason)
        return self


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, BaseModel):
        for item in value.__dict__.values():
            yield from _strings(item)


# --- output ---------------------------------------------------------------------------------


class CitationOut(BaseModel):
    position: int
    publisher: str
    url: str
    host: str
    published_on: date | None
    summary: list[str]
    comment: list[str]


class SectionOut(BaseModel):
    position: int
    heading: str
    question: str
    answer: str
    intro: list[str]
    citations: list[CitationOut]
    body: list[str]
    reaction: str | None


class ArticleOut(BaseModel):
    """The full article document as the API returns it."""

    id: int
    slug: str
    title: str
    keywords: list[str]
    subtitle: str
    lead: str
    language: str
    status: Status
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    sections: list[SectionOut]
    conclusion: list[str]
    key_points: list[str]


class FaqItem(BaseModel):
    position: int
    heading: str
    question: str
    answer: str


class SummaryCitation(BaseModel):
    """A citation in a flat list: ``position`` is its section's, as in every flat list."""

    position: int = Field(description="Position of the section the citation belongs to.")
    citation_position: int = Field(description="1-based position within its section.")
    publisher: str
    url: str
    host: str
    published_on: date | None
    summary: list[str]


class ArticleSummary(BaseModel):
    """The summary projection: no intro, body, comment, reaction or conclusion text."""

    id: int
    slug: str
    url: str = Field(description="Canonical URL of the full article.")
    title: str
    subtitle: str
    keywords: list[str]
    lead: str
    language: str
    status: Status
    faq: list[FaqItem]
    key_points: list[str]
    citations: list[SummaryCitation]
    published_at: datetime | None
    updated_at: datetime
    version: int


class ArticleCitation(SummaryCitation):
    comment: list[str] | None = Field(
        None, description="The editor's remark (absent for summary-only keys)."
    )


class ArticleRef(BaseModel):
    slug: str
    title: str


class CitationAcross(ArticleCitation):
    article: ArticleRef


class QuestionAcross(BaseModel):
    question: str
    answer: str
    heading: str
    position: int = Field(description="Position of the section in its article.")
    article: ArticleRef


class Publisher(BaseModel):
    host: str
    labels: list[str] = Field(description="Every publisher label used with this host.")
    citation_count: int
    article_count: int


class KeywordCount(BaseModel):
    keyword: str
    article_count: int


class QuestionPage(BaseModel):
    items: list[QuestionAcross]
    next_cursor: str | None


class CitationPage(BaseModel):
    items: list[CitationAcross]
    next_cursor: str | None


class PublisherPage(BaseModel):
    items: list[Publisher]
    next_cursor: str | None


class KeywordPage(BaseModel):
    items: list[KeywordCount]
    next_cursor: str | None


class SectionList(BaseModel):
    items: list[SectionOut]
    next_cursor: str | None = None


class FaqList(BaseModel):
    items: list[FaqItem]
    next_cursor: str | None = None


class CitationList(BaseModel):
    items: list[ArticleCitation]
    next_cursor: str | None = None


class ArticlePage(BaseModel):
    items: list[ArticleSummary]
    next_cursor: str | None


def _none_required(schema: dict[str, Any]) -> None:
    schema.pop("required", None)


class ArticleFields(ArticleSummary):
    """An item of a sparse fieldset (`fields=`): only the fields asked for, each as in
    ArticleSummary."""

    model_config = ConfigDict(json_schema_extra=_none_required)


class ArticleFieldsPage(BaseModel):
    """A page of `GET /v1/articles?fields=...`."""

    items: list[ArticleFields]
    next_cursor: str | None
