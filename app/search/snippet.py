"""Where in an article a query matches best, and a plain-text snippet with match offsets.

Pure functions over the stored document, so both databases give the same snippet. Offsets
count Unicode code points of the snippet as returned (original text, not normalised)."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from app.search.fields import WEIGHTS, Group, Piece, pieces
from app.search.query import Term
from app.search.segment import RUN, normalise

BEFORE = 30
WIDTH = 120
ELLIPSIS = "…"
_JOINERS = frozenset("\u3099\u309a\uff9e\uff9f")


@dataclass(frozen=True, slots=True)
class Snippet:
    field: str
    position: int | None
    text: str
    highlights: list[tuple[int, int]]

    @property
    def html(self) -> str:
        out, at = [], 0
        for start, end in self.highlights:
            out.append(html.escape(self.text[at:start]))
            out.append(f"<mark>{html.escape(self.text[start:end])}</mark>")
            at = end
        out.append(html.escape(self.text[at:]))
        return "".join(out)


@cache
def _unsafe() -> re.Pattern[str]:
    """Characters after which NFKC + lower case no longer maps one character to one: those it
    expands or drops, marks it folds into the character before, anything outside the BMP."""
    unsafe = []
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        c = chr(code)
        folded = unicodedata.normalize("NFKC", c).lower()
        if len(folded) != 1 or unicodedata.combining(folded) or unicodedata.combining(c):
            unsafe.append(code)
    ranges: list[list[int]] = []
    for code in unsafe:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    body = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(f"[{body}\U00010000-\U0010ffff]")


def _normalised(text: str) -> tuple[str, list[int], list[int]]:
    """NFKC + lower case of ``text`` with, for each output character, the span of the input it
    came from (a base character and the marks NFKC folds into it form one span)."""
    if not _unsafe().search(text):
        # One character to one (most text): the offsets are the same on both sides.
        n = len(text)
        return normalise(text), list(range(n)), list(range(1, n + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and (text[j] in _JOINERS or unicodedata.combining(text[j])):
            j += 1
        folded = unicodedata.normalize("NFKC", text[i:j]).lower()
        out.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([j] * len(folded))
        i = j
    return "".join(out), starts, ends


@lru_cache(maxsize=1024)
def _term_pattern(text: str) -> re.Pattern[str]:
    return re.compile(r"[\W_]+".join(re.escape(r) for r in RUN.findall(text)))


def pattern(terms: Iterable[Term]) -> re.Pattern[str]:
    """A regex finding any term in normalised text: its runs in order, any separators between."""
    alternatives = sorted((_term_pattern(t.text).pattern for t in terms), key=len, reverse=True)
    return re.compile("|".join(alternatives))


def _matches(text: str, terms: tuple[Term, ...]) -> tuple[int, list[tuple[int, int]]]:
    """How many distinct terms occur in normalised ``text``, and every match span."""
    spans: list[tuple[int, int]] = []
    distinct = 0
    for term in terms:
        found = [m.span() for m in _term_pattern(term.text).finditer(text)]
        if found:
            distinct += 1
            spans.extend(found)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return distinct, merged


# Joins a group's pieces for one look at all of them; fields hold no control characters, and
# NFKC and lower case leave this one alone, so piece i is what follows the i-th one.
_JOIN = "\x1f"


def _normalised_joined(texts: list[str]) -> str:
    """``normalise`` of the texts joined by ``_JOIN``. Only the texts that NFKC changes are
    normalised one by one: one half-width katakana made NFKC rework a whole group, at about
    4x the cost (a page of 20 results with ｶﾀｶﾅ: 3.6 ms of snippets against 1.8)."""
    joined = _JOIN.join(texts)
    if unicodedata.is_normalized("NFKC", joined):
        return joined.lower()
    return _JOIN.join(normalise(t) for t in texts)


def best(doc: Mapping[str, Any], terms: tuple[Term, ...], groups: Collection[Group]) -> Snippet:
    """The snippet of the piece with the most distinct terms, then the heaviest field."""
    by_group: dict[Group, list[Piece]] = {}
    for piece in pieces(doc):
        if piece.group in groups:
            by_group.setdefault(piece.group, []).append(piece)
    if not by_group:
        raise ValueError("the document has no searchable text in these groups")
    chosen, most = next(iter(by_group.values()))[0], 0
    for group in sorted(by_group, key=WEIGHTS.__getitem__, reverse=True):
        group_pieces = by_group[group]
        joined = _normalised_joined([p.text for p in group_pieces])
        found: dict[int, set[int]] = {}  # piece index -> the terms found in it
        for t, term in enumerate(terms):
            for m in _term_pattern(term.text).finditer(joined):
                found.setdefault(joined.count(_JOIN, 0, m.start()), set()).add(t)
        for index in sorted(found):
            if len(found[index]) > most:
                chosen, most = group_pieces[index], len(found[index])
        if most == len(terms):
            break
    # Offsets in the original text need the character map, made for the chosen piece only.
    norm, starts, ends = _normalised(chosen.text)
    _, spans = _matches(norm, terms)
    return cut(chosen, [(starts[s], ends[e - 1]) for s, e in spans])


def cut(piece: Piece, spans: list[tuple[int, int]]) -> Snippet:
    text = piece.text
    first = spans[0][0] if spans else 0
    start = max(0, min(first - BEFORE, len(text) - WIDTH))
    end = min(len(text), start + WIDTH)
    lead = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if end < len(text) else ""
    shift = len(lead) - start
    highlights = [
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start
    ]
    return Snippet(piece.field, piece.position, lead + text[start:end] + tail, highlights)
