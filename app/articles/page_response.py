"""A delivery as an HTTP response, and that of a computed list page: ETag and 304, cache
policy, and the `Link` to the next page (no `Last-Modified`: a page of many articles has no
one date)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Request, Response

from app.articles.delivery import Delivery, deliver
from app.auth.principal import Principal

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
) -> Response:
    d = deliver(
        body=body,
        etag=etag,
        last_modified="",
        principal=principal,
        if_none_match=if_none_match,
    )
    d.headers.pop("last-modified")
    if next_cursor:
        url = request.url.include_query_params(cursor=next_cursor)
        d.headers["link"] = f'<{url}>; rel="next"'
    return respond(d)
