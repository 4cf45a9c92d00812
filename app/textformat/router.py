"""HTTP route of ``POST /v1/imports``."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

import orjson
from anyio import to_thread
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from app.auth.dependencies import Writer
from app.core.deps import State, WriteSession
from app.core.errors import MalformedBody, UnsupportedMediaType
from app.core.openapi import problems
from app.core.params import only
from app.textformat import service, worker
from app.textformat.service import ImportInput
from app.textformat.worker import kind_for

router = APIRouter(tags=["imports"])

MAX_FILES = 10_000


class Issue(BaseModel):
    line: int | None = Field(description="The template's line at fault (text and Markdown).")
    pointer: str | None = Field(description="JSON Pointer into the document at fault.")
    message: str


class ImportResultOut(BaseModel):
    name: str
    status: Literal["created", "updated", "unchanged", "skipped", "invalid"]
    slug: str | None
    version: int | None
    warnings: list[Issue]
    errors: list[Issue]
    document: dict[str, Any] | None = Field(None, description="The parsed document (dry runs).")


class ImportResponse(BaseModel):
    dry_run: bool
    results: list[ImportResultOut]


_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "text/plain": {"schema": {"type": "string"}},
            "text/markdown": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}}
                    },
                }
            },
        },
    }
}


async def _inputs(request: Request, name: str | None) -> list[ImportInput]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in ("text/plain", "text/markdown"):
        kind: worker.Kind = "markdown" if media == "text/markdown" else "text"
        return [ImportInput(name or "body", kind, await request.body())]
    if media == "application/json":
        try:
            docs = orjson.loads(await request.body())
        except orjson.JSONDecodeError as exc:
            raise MalformedBody(f"the body is not valid JSON: {exc}") from exc
        docs = docs if isinstance(docs, list) else [docs]
        return [ImportInput(f"[{i}]", "json", d) for i, d in enumerate(docs)]
    if media == "multipart/form-data":
        inputs = []
        limits = {"max_files": MAX_FILES, "max_fields": MAX_FILES, "max_part_size": 2**31}
        async with request.form(**limits) as form:
            for _field, value in form.multi_items():
                if isinstance(value, UploadFile):
                    data = await value.read()
                    filename = value.filename or _field
                    kind = kind_for(filename)
                    payload: Any = data
                    if kind == "json":
                        try:
                            payload = orjson.loads(data)
                        except orjson.JSONDecodeError as exc:
                            raise MalformedBody(f"{filename} is not valid JSON: {exc}") from exc
                    inputs.append(ImportInput(filename, kind, payload))
        return inputs
    raise UnsupportedMediaType(
        "send text/plain, text/markdown, application/json or multipart/form-data",
        extra={
            "accepted": ["text/plain", "text/markdown", "application/json", "multipart/form-data"]
        },
    )


@router.post(
    "/imports",
    response_model=ImportResponse,
    responses=problems(400, 401, 403, 413, 415, 422),
    openapi_extra=_BODY_DOC,
    dependencies=[Depends(only("dry_run", "on_conflict", "atomic", "name"))],
)
async def import_articles(
    request: Request,
    session: WriteSession,
    state: State,
    _: Writer,
    dry_run: Annotated[bool, Query(description="Parse and validate only; store nothing.")] = False,
    on_conflict: Annotated[
        service.OnConflict, Query(description="When the slug exists: update, skip or fail.")
    ] = "update",
    atomic: Annotated[bool, Query(description="Any invalid input means nothing is stored.")] = True,
    name: Annotated[str | None, Query(description="Name of a single text input.")] = None,
) -> ImportResponse:
    """Import articles from the text template, Markdown, or JSON documents."""
    inputs = await _inputs(request, name)
    # The store work is blocking database I/O: off the event loop.
    results = await to_thread.run_sync(
        partial(
            service.run,
            session,
            inputs,
            dry_run=dry_run,
            on_conflict=on_conflict,
            atomic=atomic,
            base_url=state.base_url,
        )
    )
    return ImportResponse.model_validate(
        {"dry_run": dry_run, "results": [r.as_dict(with_document=dry_run) for r in results]}
    )
