"""HTTP route of ``/v1/changes`` (scope ``syndicate``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from app.articles.delivery import deliver
from app.articles.page_response import respond
from app.auth.dependencies import Syndicator
from app.core.deps import State
from app.core.http import http_date
from app.core.openapi import problems
from app.core.params import only
from app.syndication import changes_service
from app.syndication.changes_schemas import ChangePage

router = APIRouter(tags=["syndication"])

# Pollers revalidate every time: the feed changes with any write.
FEED_CACHE = "private, no-cache"


@router.get(
    "/changes",
    response_model=ChangePage,
    responses=problems(400, 401, 403),
    dependencies=[Depends(only("cursor", "limit"))],
)
async def list_changes(
    request: Request,
    state: State,
    principal: Syndicator,
    cursor: Annotated[
        str | None,
        Query(description="`next_cursor` of the previous page; none starts from the beginning."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Changes per page.")] = 100,
    if_none_match: Annotated[
        str | None, Header(description="Revalidate: 304 when it matches.")
    ] = None,
) -> Response:
    """Every create, update and delete since the cursor, oldest first, with tombstones."""
    page = await changes_service.page(state.db.fast, principal, cursor=cursor, limit=limit)
    d = deliver(
        body=page.body,
        etag=page.etag,
        last_modified=http_date(page.last_change) if page.last_change else "",
        principal=principal,
        if_none_match=if_none_match,
    )
    if page.last_change is None:
        d.headers.pop("last-modified")
    d.headers["cache-control"] = FEED_CACHE
    if page.more:
        url = request.url.include_query_params(cursor=page.next_cursor)
        d.headers["link"] = f'<{url}>; rel="next"'
    return respond(d)
