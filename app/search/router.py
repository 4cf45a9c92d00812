"""HTTP route of full-text search: GET /v1/search."""

from __future__ import annotations

from typing import Annotated

import orjson
from anyio import to_thread
from fastapi import APIRouter, Depends, Query, Request, Response

from app.articles.delivery import deliver
from app.auth.dependencies import Reader
from app.core.db import unit_of_work
from app.core.deps import State
from app.core.http import etag_for
from app.core.openapi import problems
from app.core.params import only
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
    keyword: Annotated[
        list[str] | None, Query(description="Only articles with this keyword (repeatable).")
    ] = None,
    host: Annotated[str | None, Query(description="Only articles citing this host.")] = None,
    sort: Annotated[
        service.Sort, Query(description="`relevance` (default) or `newest` first.")
    ] = "relevance",
    limit: Annotated[int, Query(ge=1, le=100, description="Items per page.")] = 20,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page.")] = None,
) -> Response:
    """Ranked full-text search over published articles, with snippets and match offsets."""
    wanted = service.Request(
        q=q,
        in_=in_,
        keywords=tuple(keyword or ()),
        host=host,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )

    def run() -> bytes:
        # One thread hop for the whole search (a sync session dependency would cost several).
        with unit_of_work(state.db.reads) as session:
            page = service.search(session, principal=principal, request=wanted)
        return orjson.dumps(page.model_dump())

    body = await to_thread.run_sync(run)
    page = orjson.loads(body)
    d = deliver(
        body=body,
        etag=etag_for(body),
        last_modified="",
        principal=principal,
        if_none_match=request.headers.get("if-none-match"),
    )
    d.headers.pop("last-modified", None)
    if page["next_cursor"]:
        url = request.url.include_query_params(cursor=page["next_cursor"])
        d.headers["link"] = f'<{url}>; rel="next"'
    return Response(d.body if d.status == 200 else b"", d.status, d.headers, d.media_type)
