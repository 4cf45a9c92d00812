"""HTTP routes of ``/v1/articles``: parse, call one service function, shape the response."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request, Response

from app.articles import reads, service
from app.articles.delivery import deliver, deliver_stored
from app.articles.listing import Sort
from app.articles.negotiation import MEDIA, Format, negotiate
from app.articles.page_response import IfNoneMatch, respond
from app.articles.schemas import (
    ArticleFieldsPage,
    ArticleIn,
    ArticleOut,
    ArticlePage,
    ArticleSummary,
    CitationList,
    FaqList,
    SectionList,
    SectionOut,
)
from app.auth.dependencies import Reader, Writer
from app.core.deps import State, WriteSession
from app.core.http import NO_STORE
from app.core.moments import UtcDateTime
from app.core.openapi import problems
from app.core.params import Keywords, distinct, json_body, only
from app.syndication import service as syndication
from app.syndication.ninjs import PROFILE_LINK
from app.syndication.schemas import Ninjs

router = APIRouter(prefix="/articles", tags=["articles"])

IfMatch = Annotated[
    str | None, Header(description="Only change the article if its ETag still matches (412).")
]
SlugPath = Annotated[str, Path(description="The article's slug.", max_length=200)]
READ_ERRORS = problems(400, 401, 403, 404)
WRITE_ERRORS = problems(400, 401, 403, 404, 412, 413, 415, 422)


def _written(result: service.WriteResult, status: int) -> Response:
    headers = {
        "etag": result.etag,
        "last-modified": result.last_modified,
        "cache-control": NO_STORE,
    }
    if status == 201:
        headers["location"] = f"/v1/articles/{result.slug}"
    return Response(result.document, status, headers, "application/json")


LIST_PARAMS = (
    "keyword",
    "host",
    "published_after",
    "published_before",
    "updated_after",
    "status",
    "sort",
    "fields",
    "limit",
    "cursor",
)


@router.get(
    "",
    # With `fields=`, each item holds only the fields asked for.
    response_model=ArticlePage | ArticleFieldsPage,
    responses=problems(400, 401, 403),
    dependencies=[Depends(only(*LIST_PARAMS))],
)
async def list_articles(
    request: Request,
    state: State,
    principal: Reader,
    keyword: Keywords = None,
    host: Annotated[
        str | None, Query(description="Only articles citing this host (`news.example.jp`).")
    ] = None,
    published_after: Annotated[
        UtcDateTime | None, Query(description="Published at or after (RFC 3339).")
    ] = None,
    published_before: Annotated[
        UtcDateTime | None, Query(description="Published before (RFC 3339).")
    ] = None,
    updated_after: Annotated[
        UtcDateTime | None, Query(description="Changed after (RFC 3339).")
    ] = None,
    status: Annotated[
        Literal["published", "draft"], Query(description="`draft` needs the `drafts` scope.")
    ] = "published",
    sort: Annotated[Sort, Query(description="Order of the list.")] = "-published_at",
    fields: Annotated[
        str | None,
        Query(description="Comma-separated top-level fields of each item (sparse fieldset)."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Items per page.")] = 20,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """List articles as summaries, newest first unless `sort` says otherwise."""
    filters = reads.ListFilters(
        keywords=distinct(keyword),
        host=host.lower() if host else None,
        published_after=published_after,
        published_before=published_before,
        updated_after=updated_after,
        status=status,
        sort=sort,
        fields=tuple(f.strip() for f in fields.split(",") if f.strip()) if fields else None,
    )
    page = await reads.page(
        state.articles, principal, filters=filters, limit=limit, cursor=cursor, cache=state.pages
    )
    d = deliver(
        body=page.body,
        etag=page.etag,
        last_modified=page.last_modified or "",
        principal=principal,
        if_none_match=if_none_match,
    )
    if not page.last_modified:
        d.headers.pop("last-modified")
    if page.next_cursor:
        url = request.url.include_query_params(cursor=page.next_cursor)
        d.headers["link"] = f'<{url}>; rel="next"'
    return respond(d)


@router.post(
    "",
    status_code=201,
    response_model=ArticleOut,
    responses=problems(400, 401, 403, 409, 413, 415, 422),
    dependencies=[Depends(json_body())],
)
def create_article(data: ArticleIn, session: WriteSession, state: State, _: Writer) -> Response:
    """Create an article from a document; its slug is made from the title when not given."""
    result = service.create(session, data=data, base_url=state.base_url)
    return _written(result, 201)


@router.get(
    "/{slug}",
    # The full document; the summary projection for summary-only keys; ninjs, also JSON.
    response_model=ArticleOut | ArticleSummary | Ninjs,
    responses={
        **READ_ERRORS,
        **problems(406),
        200: {
            "description": "The article in the negotiated format.",
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "text/markdown": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
                "application/ld+json": {"schema": {"type": "object"}},
            },
        },
    },
    dependencies=[Depends(only("format"))],
)
async def get_article(
    slug: SlugPath,
    state: State,
    principal: Reader,
    format: Annotated[
        Format | None,
        Query(description="Representation (default: by `Accept`, else json)."),
    ] = None,
    accept: Annotated[str | None, Header()] = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The article: JSON document, editorial text template, Markdown, HTML page, schema.org
    JSON-LD or IPTC ninjs 3.1 (`format=ninjs`, or `Accept: application/ninjs+json`; served as
    JSON with a `profile` link). Summary-only keys get the summary projection: no text or
    Markdown export, and HTML, JSON-LD and ninjs made from the projection."""
    chosen = negotiate(format, accept)
    if chosen == "json":
        stored = await reads.visible_document(state.articles, principal, slug)
        return respond(deliver_stored(stored, principal, if_none_match))
    if chosen == "text" or chosen == "markdown":
        part = await reads.as_template(state.articles, principal, slug, chosen)
    else:
        part = await syndication.represent(
            state.articles,
            principal,
            slug,
            chosen,
            base_url=state.base_url,
            cache=state.pages,
        )
    d = deliver(
        body=part.body,
        etag=part.etag,
        last_modified=part.last_modified,
        principal=principal,
        if_none_match=if_none_match,
        media_type=MEDIA[chosen],
    )
    if chosen == "ninjs":
        d.headers["link"] = PROFILE_LINK
    return respond(d)


@router.put(
    "/{slug}",
    response_model=ArticleOut,
    responses=WRITE_ERRORS,
    dependencies=[Depends(json_body())],
)
def replace_article(
    slug: SlugPath,
    data: ArticleIn,
    session: WriteSession,
    state: State,
    _: Writer,
    if_match: IfMatch = None,
) -> Response:
    """Replace an article; identical content changes nothing (same version and ETag)."""
    result = service.replace(
        session, slug=slug, data=data, if_match=if_match, base_url=state.base_url
    )
    return _written(result, 200)


@router.patch(
    "/{slug}",
    response_model=ArticleOut,
    responses=WRITE_ERRORS,
    dependencies=[Depends(json_body("application/merge-patch+json"))],
)
def patch_article(
    slug: SlugPath,
    changes: Annotated[
        dict[str, Any],
        Body(
            media_type="application/merge-patch+json",
            description="A JSON Merge Patch (RFC 7396) of the article document.",
        ),
    ],
    session: WriteSession,
    state: State,
    _: Writer,
    if_match: IfMatch = None,
) -> Response:
    """Change part of an article with a JSON Merge Patch."""
    result = service.patch(
        session, slug=slug, changes=changes, if_match=if_match, base_url=state.base_url
    )
    return _written(result, 200)


# A DELETE reads no body: no 413, 415 or 422.
@router.delete(
    "/{slug}", status_code=204, response_class=Response, responses=problems(400, 401, 403, 404, 412)
)
def delete_article(
    slug: SlugPath, session: WriteSession, _: Writer, if_match: IfMatch = None
) -> Response:
    """Delete an article; the changes feed keeps a tombstone."""
    service.delete(session, slug=slug, if_match=if_match)
    return Response(status_code=204)


def _part_response(part: reads.Part, principal: Any, if_none_match: str | None) -> Response:
    return respond(
        deliver(
            body=part.body,
            etag=part.etag,
            last_modified=part.last_modified,
            principal=principal,
            if_none_match=if_none_match,
        )
    )


NO_PARAMS = [Depends(only())]


@router.get(
    "/{slug}/sections", response_model=SectionList, responses=READ_ERRORS, dependencies=NO_PARAMS
)
async def list_sections(
    slug: SlugPath, state: State, principal: Reader, if_none_match: IfNoneMatch = None
) -> Response:
    """The article's sections, in order."""
    part = await reads.sections(state.articles, principal, slug)
    return _part_response(part, principal, if_none_match)


@router.get(
    "/{slug}/sections/{position}",
    response_model=SectionOut,
    responses=READ_ERRORS,
    dependencies=NO_PARAMS,
)
async def get_section(
    slug: SlugPath,
    position: Annotated[int, Path(ge=1, le=100, description="1-based section position.")],
    state: State,
    principal: Reader,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """One section by its 1-based position."""
    part = await reads.section(state.articles, principal, slug, position)
    return _part_response(part, principal, if_none_match)


@router.get("/{slug}/faq", response_model=FaqList, responses=READ_ERRORS, dependencies=NO_PARAMS)
async def get_faq(
    slug: SlugPath, state: State, principal: Reader, if_none_match: IfNoneMatch = None
) -> Response:
    """The Q&A headings: position, heading, question and answer of each section."""
    part = await reads.faq(state.articles, principal, slug)
    return _part_response(part, principal, if_none_match)


@router.get(
    "/{slug}/summary", response_model=ArticleSummary, responses=READ_ERRORS, dependencies=NO_PARAMS
)
async def get_summary(
    slug: SlugPath, state: State, principal: Reader, if_none_match: IfNoneMatch = None
) -> Response:
    """The summary projection: no intro, body, comment, reaction or conclusion text."""
    stored = await reads.summary(state.articles, principal, slug)
    return respond(deliver_stored(stored, principal, if_none_match))


@router.get(
    "/{slug}/citations", response_model=CitationList, responses=READ_ERRORS, dependencies=NO_PARAMS
)
async def get_citations(
    slug: SlugPath, state: State, principal: Reader, if_none_match: IfNoneMatch = None
) -> Response:
    """The article's citations with the position of their section."""
    part = await reads.citations(state.articles, principal, slug)
    return _part_response(part, principal, if_none_match)
