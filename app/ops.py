"""Operational routes outside ``/v1``: liveness and readiness."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from app.core import migrate
from app.core.deps import State
from app.core.errors import ServiceUnavailable
from app.core.http import NO_STORE
from app.core.openapi import problems

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    database: str
    revision: str | None


@router.get("/healthz", response_model=Health)
async def healthz(response: Response) -> Health:
    """The process is up."""
    response.headers["cache-control"] = NO_STORE
    return Health(status="ok")


@router.get("/readyz", response_model=Ready, responses=problems(503))
async def readyz(state: State, response: Response) -> Ready:
    """The database answers and is at the latest migration."""
    response.headers["cache-control"] = NO_STORE
    db = state.db
    try:
        current = await to_thread.run_sync(migrate.current_revision, db.engine)
    except SQLAlchemyError as exc:
        raise ServiceUnavailable("the database does not answer") from exc
    head = migrate.head_revision()
    if current != head:
        raise ServiceUnavailable(
            f"the database is at migration {current!r}, not at the latest {head!r}",
            extra={"revision": current, "head": head},
        )
    return Ready(status="ready", database=db.engine.dialect.name, revision=current)
