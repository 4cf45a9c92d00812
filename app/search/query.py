"""Search query syntax: words (all must match), ``"quoted phrases"`` and ``-excluded`` terms."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.errors import InvalidParameter
from app.search import segment, words

MAX_QUERY_CHARS = 200
MAX_TERMS = 16

# After NFKC, full-width quotes, minus signs and spaces are ASCII; 「」 quote too.
_TERM = re.compile(r'(-?)(?:"([^"]*)"?|「([^」]*)」?|(\S+))')


@dataclass(frozen=True, slots=True)
class Term:
    text: str  # normalised, as typed (a phrase keeps its spaces)
    phrase: segment.Phrase
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Query:
    terms: tuple[Term, ...]
    excluded: tuple[Term, ...]


def _bad(message: str) -> InvalidParameter:
    return InvalidParameter(message, errors=[{"parameter": "q", "message": message}])


def parse(q: str) -> Query:
    """The terms of ``q``; raises ``InvalidParameter`` (400) when nothing searchable is left."""
    if len(q) > MAX_QUERY_CHARS:
        raise _bad(f"the query is longer than {MAX_QUERY_CHARS} characters")
    text = segment.normalise(q)
    terms: list[Term] = []
    excluded: list[Term] = []
    for m in _TERM.finditer(text):
        minus, quoted, bracketed, bare = m.groups()
        raw = quoted if quoted is not None else bracketed if bracketed is not None else bare
        raw = raw.strip()
        found = segment.phrase(raw)
        if found is None:
            continue  # punctuation only
        term = Term(raw, found, words.phrase(raw))
        (excluded if minus else terms).append(term)
    if not terms:
        raise _bad(
            "the query has no letters or digits to search for"
            if not excluded
            else "a query needs at least one term that is not excluded"
        )
    if len(terms) + len(excluded) > MAX_TERMS:
        raise _bad(f"a query may have at most {MAX_TERMS} terms")
    return Query(tuple(dict.fromkeys(terms)), tuple(dict.fromkeys(excluded)))
