"""The database handles one app instance holds: engine, session factories and fast reads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.core.db import make_engine, make_sessionmaker
from app.core.fastdb import FastDB, make_fastdb


@dataclass
class Database:
    engine: Engine
    reads: sessionmaker[Session]
    writes: sessionmaker[Session]
    fast: FastDB

    @classmethod
    def connect(cls, url: str, *, statement_timeout: float = 0) -> Database:
        engine = make_engine(url, statement_timeout=statement_timeout)
        return cls(
            engine=engine,
            reads=make_sessionmaker(engine, write=False),
            writes=make_sessionmaker(engine, write=True),
            fast=make_fastdb(engine, statement_timeout=statement_timeout),
        )

    def close(self) -> None:
        self.fast.close()
        self.engine.dispose()
