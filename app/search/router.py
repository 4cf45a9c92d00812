"""HTTP route of full-text search: GET /v1/search."""

from __future__ import annotations

from typing import Annotated

import orjson
from anyio import to_thread
from fastapi import APIRouter, Depends, Query, Request, Response

from app.articles.page_response import IfNoneMatch, page_response
from app.auth.dependencies import Reader
from app.core.db import unit_of_work
from app.core.deps import State
from app.core.http import etag_for
from app.core.openapi import problems
from app.core.params import Keywords, distinct, only
from app.search import service
from app.search.fields import In
from app.search.schemas import SearchPage

router = APIRouter(tags=["search"])


@router.get(
    "/search",
    response_model=SearchPage,
    responses=problems(400, 401, 403),
    dependencies=[Depends(only("q", "in", "keyword", "host", "sort", "limit", "cursor"))],
)
async def search(
    request: Request,
    state: State,
    principal: Reader,
    q: Annotated[
        str,
        Query(
            description=(
                'Words (all must match), `"quoted phrases"` and `-excluded` terms, in '
                "Japanese, English or both; full- and half-width forms match each other."
            ),
        ),
    ],
    in_: Annotated[
        In, Query(alias="in", description="Where to look (summary-only keys: not `body`).")
    ] = "all",
    keyword: Keywords = None,
    host: Annotated[str | None, Query(description="Only articles citing this host.")] = None,
    sort: Annotated[
        service.Sort,
        Query(
            description=(
                "`relevance` (default): the newest hits (`KIJI_SEARCH_RANK_WINDOW`, 1,000 by"
                " default) by score, then the older ones newest first with `score` 0; a query"
                " of one-character terms whose window spans under twice as many articles (の)"
                " is listed newest first."
                " `newest`: newest first."
            )
        ),
    ] = "relevance",
    limit: Annotated[int, Query(ge=1, le=100, description="Items per page.")] = 20,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Ranked full-text search over published articles, with snippets and match offsets."""
    wanted = service.Request(
        q=q,
        in_=in_,
        keywords=distinct(keyword),
        host=host,
        sort=sort,
        limit=limit,
        cursor=cursor,
        window=state.settings.search_rank_window,
    )

    def run() -> SearchPage:
        # One thread hop for the whole search (a sync session dependency would cost several).
        with unit_of_work(state.db.reads) as session:
            return service.search(session, principal=principal, request=wanted)

    page = await to_thread.run_sync(run)
    body = orjson.dumps(page.model_dump())
    return page_response(
        request,
        principal,
        body=body,
        etag=etag_for(body),
        next_cursor=page.next_cursor,
        if_none_match=if_none_match,
        # Hits come from the whole store: its last write is the page's Last-Modified.
        last_change=await state.articles.last_change(),
    )
