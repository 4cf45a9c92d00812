"""``/v1/questions?q=``: the Q&A headings that match a search, by the search engine.

The index finds the articles whose Q&A text matches (newest first); each of their sections is
then checked on its own with the same term semantics, so a heading is listed only when its
own heading, question or answer holds every term."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy.orm import Session

from app.articles import service as articles
from app.core import pagination
from app.search import expression, repository
from app.search.fields import IN_GROUPS
from app.search.query import Query, parse
from app.search.segment import normalise
from app.search.snippet import pattern

_BATCH = 200


def _section_matches(section: dict[str, Any], query: Query) -> bool:
    texts = [normalise(section[f]) for f in ("heading", "question", "answer")]

    def found(term: Any) -> bool:
        regex = pattern([term])
        return any(regex.search(t) for t in texts)

    return all(found(t) for t in query.terms) and not any(found(t) for t in query.excluded)


def questions(
    session: Session, *, q: str, keyword: str | None, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of matching Q&A headings, newest articles first, then by section."""
    query = parse(q)
    groups = IN_GROUPS["questions"]
    fingerprint = pagination.query_fingerprint(route="questions", keyword=keyword, q=q)
    key = pagination.decode(cursor, query=fingerprint) if cursor else None
    if key is not None and not (len(key) == 2 and all(isinstance(k, int) for k in key)):
        raise pagination.invalid_cursor()
    # Exclusions apply per heading, so the articles are found by the wanted terms alone.
    wanted = Query(query.terms, ())
    fts, ts = expression.fts(wanted, groups), expression.tsquery(wanted, groups)
    filters = repository.Filters((keyword,) if keyword else ())
    found: list[tuple[int, int, dict[str, Any]]] = []
    before = key[0] + 1 if key else None
    while len(found) <= limit:
        hits = repository.newest(
            session, fts=fts, tsquery=ts, filters=filters, before=before, limit=_BATCH
        )
        docs = articles.documents(session, [h.article_id for h in hits])
        for hit in hits:
            if hit.article_id not in docs:
                continue
            slug, stored = docs[hit.article_id]
            doc = orjson.loads(stored)
            for section in doc["sections"]:
                if key and hit.sort_key == key[0] and section["position"] <= key[1]:
                    continue
                if _section_matches(section, query):
                    item = {
                        "question": section["question"],
                        "answer": section["answer"],
                        "heading": section["heading"],
                        "position": section["position"],
                        "article": {"slug": slug, "title": doc["title"]},
                    }
                    found.append((hit.sort_key, section["position"], item))
        if len(hits) < _BATCH:
            break
        before = hits[-1].sort_key
    page = found[:limit]
    next_cursor = None
    if len(found) > limit:
        last_key, last_position, _ = page[-1]
        next_cursor = pagination.encode([last_key, last_position], query=fingerprint)
    return [item for _, _, item in page], next_cursor
