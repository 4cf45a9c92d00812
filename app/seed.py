"""Sample articles for a new embedded database, so a first start has something to show."""

from __future__ import annotations

from importlib import resources

from sqlalchemy.orm import Session

from app.articles import repository, service
from app.articles.schemas import ArticleIn
from app.textformat.parser import parse


def sample_texts() -> list[tuple[str, str]]:
    """``(file name, text)`` of every bundled sample, in name order."""
    folder = resources.files("app.samples")
    return sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".txt")
    )


def load_samples(session: Session, *, base_url: str) -> list[str]:
    """Create the bundled samples when the store is empty; returns the slugs created."""
    if repository.has_articles(session):
        return []
    created = []
    for name, text in sample_texts():
        parsed = parse(text)
        if parsed.document is None:
            problems = "; ".join(f"line {e.line}: {e.message}" for e in parsed.errors)
            raise ValueError(f"bundled sample {name} does not parse: {problems}")
        result = service.create(
            session, data=ArticleIn.model_validate(parsed.document), base_url=base_url
        )
        created.append(result.slug)
    return created
