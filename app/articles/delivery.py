"""Conditional delivery of stored representations: visibility, ETags, 304s and cache policy.

Shared by the FastAPI routes and the fast path in ``fastpath``, so both answer alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.articles.reader import Stored
from app.auth.principal import Principal
from app.core.http import NO_STORE, PRIVATE_CACHE, PUBLIC_CACHE, VARY, none_match

JSON = "application/json"


@dataclass(slots=True)
class Delivery:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = JSON


def visible(status: str, principal: Principal) -> bool:
    return status == "published" or principal.sees_drafts


def cache_policy(principal: Principal) -> str:
    if principal.sees_drafts:
        return NO_STORE
    return PUBLIC_CACHE if principal.anonymous else PRIVATE_CACHE


def deliver(
    *,
    body: bytes,
    etag: str,
    last_modified: str,
    principal: Principal,
    if_none_match: str | None,
    media_type: str = JSON,
) -> Delivery:
    headers = {
        "etag": etag,
        "last-modified": last_modified,
        "cache-control": cache_policy(principal),
        "vary": VARY,
    }
    if none_match(if_none_match, etag):
        return Delivery(304, b"", headers, media_type)
    return Delivery(200, body, headers, media_type)


def deliver_stored(
    stored: Stored, principal: Principal, if_none_match: str | None, media_type: str = JSON
) -> Delivery:
    return deliver(
        body=stored.body,
        etag=stored.etag,
        last_modified=stored.last_modified,
        principal=principal,
        if_none_match=if_none_match,
        media_type=media_type,
    )
