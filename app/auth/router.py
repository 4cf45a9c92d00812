"""HTTP routes of ``/v1/keys`` (scope ``admin``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from app.auth import service
from app.auth.dependencies import Admin
from app.auth.schemas import KeyCreated, KeyIn, KeyList
from app.core.deps import ReadSession, WriteSession
from app.core.http import NO_STORE
from app.core.openapi import problems
from app.core.params import json_body, only

router = APIRouter(prefix="/keys", tags=["keys"])


@router.post(
    "",
    status_code=201,
    response_model=KeyCreated,
    responses=problems(400, 401, 403, 413, 415, 422),
    dependencies=[Depends(json_body())],
)
def create_key(data: KeyIn, session: WriteSession, _: Admin, response: Response) -> KeyCreated:
    """Issue an API key; the secret is in `key` and is shown only this once."""
    created = service.create(session, data=data)
    response.headers["cache-control"] = NO_STORE
    response.headers["location"] = f"/v1/keys/{created.id}"
    return created


@router.get(
    "", response_model=KeyList, responses=problems(400, 401, 403), dependencies=[Depends(only())]
)
def list_keys(session: ReadSession, _: Admin, response: Response) -> KeyList:
    """Every API key (never their secrets)."""
    response.headers["cache-control"] = NO_STORE
    return KeyList(items=service.list_keys(session))


# Ids are 64-bit signed integers in both stores.
KeyId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The key's id.")]


@router.delete(
    "/{key_id}", status_code=204, response_class=Response, responses=problems(400, 401, 403, 404)
)
def delete_key(key_id: KeyId, session: WriteSession, _: Admin) -> Response:
    """Revoke an API key; it stops working at once."""
    service.revoke(session, key_id=key_id)
    return Response(status_code=204)
