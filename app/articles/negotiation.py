"""Which representation of an article a request asks for (``format=`` or ``Accept``).

Pure: the documented route and the fast path in front of it decide alike."""

from __future__ import annotations

from typing import Literal

from app.core.errors import NotAcceptable

Format = Literal["json", "text", "markdown", "html", "jsonld", "ninjs"]
MEDIA: dict[str, str] = {
    "json": "application/json",
    "text": "text/plain; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "jsonld": "application/ld+json",
    # ninjs has no registered media type: JSON with the ninjs schema as its profile.
    "ninjs": "application/json",
}
_BY_MEDIA: dict[str, Format] = {
    "application/json": "json",
    "application/*": "json",
    "*/*": "json",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/*": "text",
    "text/html": "html",
    "application/ld+json": "jsonld",
    "application/ninjs+json": "ninjs",
}


def preferred(accept: str | None) -> Format | None:
    """The first type in ``Accept`` (by q) that we can serve; None when there is none (a
    missing or empty header asks for JSON)."""
    if not accept:
        return "json"
    ranked = []
    for i, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            key, _, value = p.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0 and media.strip().lower() in _BY_MEDIA:
            ranked.append((-q, i, _BY_MEDIA[media.strip().lower()]))
    return min(ranked)[2] if ranked else None


def negotiate(format: Format | None, accept: str | None) -> Format:
    """``format=`` wins; otherwise ``preferred``, and a 406 when nothing can be served."""
    if format is not None:
        return format
    chosen = preferred(accept)
    if chosen is None:
        raise NotAcceptable(
            "this article can be served as application/json, text/plain, text/markdown,"
            " text/html, application/ld+json or application/ninjs+json (IPTC ninjs 3.1)"
        )
    return chosen
