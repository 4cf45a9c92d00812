"""A delivery as an HTTP response, and that of a computed list page: ETag and 304, cache
policy, `Last-Modified` and the `Link` to the next page."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Header, Request, Response

from app.articles.delivery import Delivery, deliver
from app.auth.principal import Principal
from app.core.http import http_date

IfNoneMatch = Annotated[str | None, Header(description="Revalidate: 304 when it matches.")]


def respond(d: Delivery) -> Response:
    """A 304 carries neither body nor Content-Type (as the fast path sends it)."""
    if d.status == 304:
        return Response(None, 304, d.headers)
    return Response(d.body, d.status, d.headers, d.media_type)


def page_response(
    request: Request,
    principal: Principal,
    *,
    body: bytes,
    etag: str,
    next_cursor: str | None,
    if_none_match: str | None,
    last_change: datetime | None = None,
) -> Response:
    """``last_change``: the newest write that the page may reflect (its Last-Modified)."""
    d = deliver(
        body=body,
        etag=etag,
        last_modified=http_date(last_change) if last_change else "",
        principal=principal,
        if_none_match=if_none_match,
    )
    if last_change is None:
        d.headers.pop("last-modified")
    if next_cursor:
        url = request.url.include_query_params(cursor=next_cursor)
        d.headers["link"] = f'<{url}>; rel="next"'
    return respond(d)
