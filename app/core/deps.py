"""Request-scoped dependencies: the unit of work and the app state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.core.db import unit_of_work
from app.core.state import AppState, app_state


def _write_session(request: Request) -> Iterator[Session]:
    # scope="function": commit (or roll back) before the response is sent, so a failed commit
    # is reported to the client and the connection is back in the pool before sending.
    with unit_of_work(app_state(request).db.writes) as session:
        yield session


def _read_session(request: Request) -> Iterator[Session]:
    with unit_of_work(app_state(request).db.reads) as session:
        yield session


WriteSession = Annotated[Session, Depends(_write_session, scope="function")]
ReadSession = Annotated[Session, Depends(_read_session, scope="function")]


async def _state(request: Request) -> AppState:
    return app_state(request)


# async: a plain def dependency would cost a thread-pool hop on every request.
State = Annotated[AppState, Depends(_state)]
