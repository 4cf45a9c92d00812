"""HTTP routes of ``/v1/feeds``: the summary feeds as JSON Feed 1.1 and Atom."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from app.articles.delivery import deliver
from app.articles.page_response import IfNoneMatch, respond
from app.auth.dependencies import Syndicator
from app.core.deps import State
from app.core.openapi import problems
from app.core.params import Keywords, distinct, only
from app.syndication import atom, jsonfeed, service
from app.syndication.schemas import JsonFeed

router = APIRouter(prefix="/feeds", tags=["syndication"])

FEED_PARAMS = [Depends(only("keyword", "host", "limit", "cursor"))]
FEED_ERRORS = problems(400, 401, 403)
ATOM_TYPE = f"{atom.MEDIA_TYPE}; charset=utf-8"


class JsonFeedResponse(JSONResponse):
    # A JSONResponse, so that the OpenAPI document gives the feed's schema (the body is
    # made by the mapper, not rendered from a model).
    media_type = jsonfeed.MEDIA_TYPE


class AtomResponse(Response):
    media_type = ATOM_TYPE


Host = Annotated[str | None, Query(description="Only articles citing this host.")]
Limit = Annotated[int, Query(ge=1, le=100, description="Items per page.")]
Cursor = Annotated[str | None, Query(description="From the previous page's next link.")]


# async: a plain def dependency would cost a thread-pool hop.
async def _feed_query(
    keyword: Keywords = None,
    host: Host = None,
    limit: Limit = service.DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> service.FeedQuery:
    return service.FeedQuery(
        keywords=distinct(keyword),
        host=host.lower() if host else None,
        limit=limit,
        cursor=cursor,
    )


FeedQuery = Annotated[service.FeedQuery, Depends(_feed_query)]


async def _feed(
    kind: service.FeedKind,
    state: State,
    principal: Syndicator,
    query: service.FeedQuery,
    if_none_match: str | None,
    media_type: str,
) -> Response:
    page = await service.feed_page(
        state.articles,
        principal,
        kind=kind,
        query=query,
        base_url=state.base_url,
        cache=state.pages,
    )
    d = deliver(
        body=page.body,
        etag=page.etag,
        last_modified=page.last_modified or "",
        principal=principal,
        if_none_match=if_none_match,
        media_type=media_type,
    )
    if not page.last_modified:
        d.headers.pop("last-modified")
    if page.next_url:
        d.headers["link"] = f'<{page.next_url}>; rel="next"'
    return respond(d)


@router.get(
    "/summaries.json",
    response_model=JsonFeed,
    response_class=JsonFeedResponse,
    responses=FEED_ERRORS,
    dependencies=FEED_PARAMS,
)
async def json_feed(
    state: State,
    principal: Syndicator,
    query: FeedQuery,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """JSON Feed 1.1 of published article summaries, newest first; `next_url` pages on."""
    return await _feed("json", state, principal, query, if_none_match, jsonfeed.MEDIA_TYPE)


@router.get(
    "/summaries.atom",
    response_class=AtomResponse,
    responses={
        **FEED_ERRORS,
        200: {
            "description": "An Atom feed (RFC 4287) with RFC 5005 `next` links.",
            "content": {atom.MEDIA_TYPE: {"schema": {"type": "string"}}},
        },
    },
    dependencies=FEED_PARAMS,
)
async def atom_feed(
    state: State,
    principal: Syndicator,
    query: FeedQuery,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The same summaries as an Atom feed (RFC 4287), newest first."""
    return await _feed("atom", state, principal, query, if_none_match, ATOM_TYPE)
