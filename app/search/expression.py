"""A parsed query as an FTS5 MATCH expression or a PostgreSQL tsquery (pure).

Both say the same thing: every term's bigram phrase in the searched groups, none of the
excluded ones; the word phrases only add to the score."""

from __future__ import annotations

from collections.abc import Collection

from app.search.fields import GROUPS, WEIGHTS, WORD_BOOST, WORD_GROUPS, Group
from app.search.query import Query, Term
from app.search.segment import Phrase

# FTS5 columns: one bigram column per group, then one word column per word group.
FTS_COLUMNS = (*GROUPS, *(f"{g}_w" for g in WORD_GROUPS))
BM25_WEIGHTS = (*(WEIGHTS[g] for g in GROUPS), *(WEIGHTS[g] * WORD_BOOST for g in WORD_GROUPS))
# tsvector weight labels: PostgreSQL has four, so body and comments share D.
LABELS: dict[Group, str] = {"qa": "A", "title": "B", "summary": "C", "body": "D", "comments": "D"}
# ts_rank_cd's weights, in its {D, C, B, A} order, in proportion to ``WEIGHTS``.
TS_WEIGHTS = (
    "{"
    + ", ".join(str(WEIGHTS[g] / WEIGHTS["qa"]) for g in ("body", "summary", "title", "qa"))
    + "}"
)


def _fts_phrase(tokens: tuple[str, ...], prefix: bool) -> str:
    return '"' + " ".join(tokens) + '"' + (" *" if prefix else "")


def _fts_term(term: Term, groups: Collection[Group]) -> str:
    cols = " ".join(g for g in GROUPS if g in groups)
    grams = f"{{{cols}}} : {_fts_phrase(term.phrase.tokens, term.phrase.prefix)}"
    word_cols = " ".join(f"{g}_w" for g in WORD_GROUPS if g in groups)
    if not word_cols or not term.words:
        return f"({grams})"
    # A word match is always a bigram match too (see ``words``), so the OR adds score only.
    return f"({grams} OR {{{word_cols}}} : {_fts_phrase(term.words, False)})"


def fts(query: Query, groups: Collection[Group]) -> str:
    expr = "(" + " AND ".join(_fts_term(t, groups) for t in query.terms) + ")"
    for term in query.excluded:
        expr += f" NOT ({{{' '.join(g for g in GROUPS if g in groups)}}} : "
        expr += f"{_fts_phrase(term.phrase.tokens, term.phrase.prefix)})"
    return expr


def _labels(groups: Collection[Group]) -> str:
    labels = "".join(sorted({LABELS[g] for g in groups}))
    # Every lexeme carries one of the four labels, so all four restrict nothing; left out,
    # the GIN index answers the match exactly, without re-reading (de-TOASTing) each
    # matching row's tsvector to check its labels.
    return "" if labels == "ABCD" else labels


def _ts_phrase(phrase: Phrase, labels: str, joint: str = " <-> ") -> str:
    last = len(phrase.tokens) - 1
    parts = []
    for i, tok in enumerate(phrase.tokens):
        suffix = ("*" if phrase.prefix and i == last else "") + labels
        parts.append(f"'{tok}':{suffix}" if suffix else f"'{tok}'")
    return "(" + joint.join(parts) + ")"


def tsquery(query: Query, groups: Collection[Group]) -> str:
    labels = _labels(groups)
    expr = " & ".join(_ts_phrase(t.phrase, labels) for t in query.terms)
    for term in query.excluded:
        expr += f" & !{_ts_phrase(term.phrase, labels)}"
    return expr


def loose_tsquery(query: Query, groups: Collection[Group]) -> str | None:
    """A tsquery that finds every hit of ``tsquery`` and a few more: each term's tokens
    anywhere, not as a phrase, and no exclusions. Without labels, the GIN index answers it
    exactly, with no tsvector read; None when it would be ``tsquery`` itself."""
    labels = _labels(groups)
    if labels or (not query.excluded and all(len(t.phrase.tokens) == 1 for t in query.terms)):
        return None
    return " & ".join(_ts_phrase(t.phrase, labels, " & ") for t in query.terms)


def word_tsqueries(query: Query, groups: Collection[Group]) -> list[str]:
    """Each term's word phrase, in the word groups searched (terms without words left out)."""
    searched = [g for g in WORD_GROUPS if g in groups]
    if not searched:
        return []
    labels = _labels(searched)
    return [_ts_phrase(Phrase(t.words, False), labels) for t in query.terms if t.words]
