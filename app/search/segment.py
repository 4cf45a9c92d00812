"""The one segmenter used at write time and at query time, on both databases.

Text is normalised (NFKC, lower case) and cut into runs of letters and digits; each run is
written as its overlapping two-character tokens plus its last character. A query run becomes
its two-character tokens as a phrase, so a phrase match is exactly a substring match inside a
run: two-character words (中国, 日米) are always found, whatever the surrounding text, and a
one-character query is a prefix query on the tokens. Neither FTS5 nor PostgreSQL segments
Japanese, so both only ever see these space-separated tokens and agree on every hit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Letters and digits of any script; everything else separates runs.
RUN = re.compile(r"[^\W_]+")

# Placed between fields and paragraphs so that no phrase matches across them. Half-width
# katakana never survives NFKC, so no query can produce this token (not even as a prefix).
SEPARATOR = "ｱｱｱ"


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def tokens(text: str) -> list[str]:
    """Index tokens of already normalised ``text``."""
    out: list[str] = []
    for run in RUN.findall(text):
        out.extend([run[i : i + 2] for i in range(len(run) - 1)])
        out.append(run[-1])
    return out


def index_text(pieces: list[str]) -> str:
    """The indexed form of a field group: each piece normalised and segmented, separated."""
    parts = []
    for piece in pieces:
        found = tokens(normalise(piece))
        if found:
            parts.append(" ".join(found))
    return f" {SEPARATOR} ".join(parts)


@dataclass(frozen=True, slots=True)
class Phrase:
    """The tokens a query term must match, in order; ``prefix`` marks the last as a prefix."""

    tokens: tuple[str, ...]
    prefix: bool


def phrase(term: str) -> Phrase | None:
    """The phrase for an already normalised query term (None when it has no letters or digits).

    Every run but the last must match a whole indexed run, so it carries the run's final
    unigram; the first run may start inside an indexed run and the last may stop inside one.
    """
    runs = RUN.findall(term)
    if not runs:
        return None
    out: list[str] = []
    for i, run in enumerate(runs):
        last = i == len(runs) - 1
        if len(run) == 1:
            out.append(run)
            if last:
                return Phrase(tuple(out), prefix=True)
            continue
        out.extend(run[j : j + 2] for j in range(len(run) - 1))
        if not last:
            out.append(run[-1])
    return Phrase(tuple(out), prefix=False)
