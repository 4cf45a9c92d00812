"""FastAPI dependencies that identify the caller and check scopes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated

from fastapi import Depends, Request

from app.auth import service
from app.auth.principal import Principal, Scope, anonymous
from app.core.errors import Forbidden, Unauthorized
from app.core.state import app_state


def presented_key(headers: Mapping[str, str]) -> str | None:
    auth = headers.get("authorization")
    if auth:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthorized("use `Authorization: Bearer <key>` or `X-API-Key: <key>`")
        return value.strip()
    key = headers.get("x-api-key")
    return key.strip() if key and key.strip() else None


async def current_principal(request: Request) -> Principal:
    state = app_state(request)
    secret = presented_key(request.headers)
    if secret is None:
        return anonymous(public_read=state.settings.public_read)
    return await service.authenticate(state.db.fast, secret)


def check(principal: Principal, scope: Scope) -> Principal:
    if principal.can(scope):
        return principal
    if principal.anonymous:
        raise Unauthorized(f"this needs an API key with the `{scope}` scope")
    raise Forbidden(f"this API key lacks the `{scope}` scope")


def requires(scope: Scope) -> Callable[[Principal], Awaitable[Principal]]:
    async def dependency(
        principal: Annotated[Principal, Depends(current_principal)],
    ) -> Principal:
        return check(principal, scope)

    return dependency


Reader = Annotated[Principal, Depends(requires("read"))]
Writer = Annotated[Principal, Depends(requires("write"))]
Admin = Annotated[Principal, Depends(requires("admin"))]
Syndicator = Annotated[Principal, Depends(requires("syndicate"))]
