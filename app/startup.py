"""What `kiji serve` does to the store before it serves: load the samples into an empty
embedded store, re-render articles rendered for another base URL or by an older renderer,
and bring the search index up to the published articles."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from app.articles import service
from app.core.config import Settings
from app.core.db import make_sessionmaker, unit_of_work
from app.search import service as search
from app.seed import load_samples


@dataclass
class Prepared:
    samples: list[str] = field(default_factory=list)
    rerendered: int = 0
    indexed: int = 0


def prepare(engine: Engine, settings: Settings) -> Prepared:
    """Do the start-up work, if there is any. It is looked for first in a reading session:
    a writing one waits for the writer lock, which an atomic `kiji import` holds for its whole
    run, and most starts have nothing to write."""
    samples = settings.is_sqlite and settings.load_samples
    with unit_of_work(make_sessionmaker(engine, write=False)) as session:
        idle = (
            not (samples and service.is_empty(session))
            and not service.has_stale_renders(session, base_url=settings.public_base_url)
            and search.is_current(session)
        )
    if idle:
        return Prepared()
    done = Prepared()
    with unit_of_work(make_sessionmaker(engine, write=True)) as session:
        if samples:
            done.samples = load_samples(session, base_url=settings.public_base_url)
        done.rerendered = service.rerender_stale(session, base_url=settings.public_base_url)
        done.indexed = search.ensure_indexed(session, processes=max(1, os.cpu_count() or 1))
    return done
