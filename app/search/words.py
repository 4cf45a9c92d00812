"""Word tokens from a morphological analyser (Sudachi, split mode A): a ranking signal only.

Matching is done on character bigrams (see ``segment``); a second set of columns holds the same
text as dictionary words so that a query that is a whole word there (京都 in 京都府) ranks above
one that only occurs across a word boundary (京都 inside 東京|都). Mode A is the finest split:
modes B and C hide words inside compounds (防衛 inside 防衛費).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Protocol

from app.search.segment import RUN, SEPARATOR, normalise

_GAP = re.compile(r"[\W_]+")

# Sudachi refuses inputs over 49,149 bytes; cut long paragraphs well below that, at a
# sentence end where one is near.
_CHUNK = 4000


class _Morpheme(Protocol):
    def surface(self) -> str: ...


class _Tokenizer(Protocol):
    def tokenize(self, text: str) -> list[_Morpheme]: ...


@cache
def _tokenizer() -> _Tokenizer:
    from sudachipy import Dictionary, SplitMode

    tokenizer: _Tokenizer = Dictionary(dict="small").tokenizer(mode=SplitMode.A, fields={"surface"})
    return tokenizer


def _chunks(text: str) -> list[str]:
    if len(text) <= _CHUNK:
        return [text]
    out = []
    while len(text) > _CHUNK:
        cut = max(text.rfind("\n", 0, _CHUNK), text.rfind("。", 0, _CHUNK)) + 1 or _CHUNK
        out.append(text[:cut])
        text = text[cut:]
    return [*out, text] if text else out


def _append(out: list[str], surface: str) -> None:
    # Whatever is not a letter or digit (spaces, punctuation, newlines between pieces) becomes
    # a separator, so a word phrase only matches where its words touch: then every word match
    # is also a bigram match, and the word columns can only raise scores, never add hits.
    for i, part in enumerate(_GAP.split(surface)):
        if i and (not out or out[-1] != SEPARATOR):
            out.append(SEPARATOR)
        if part:
            out.append(part)


def words(text: str) -> list[str]:
    """Word tokens of already normalised ``text``, separators where anything else was."""
    tokenize = _tokenizer().tokenize
    out: list[str] = []
    for chunk in _chunks(text):
        for m in tokenize(chunk):
            _append(out, m.surface())
    return out


def index_text(pieces: list[str]) -> str:
    """The indexed form of a field group, in one call to the analyser (a call costs more than
    a short piece): pieces joined by newlines, which come back as separators."""
    if not pieces:
        return ""
    return " ".join(words("\n".join(normalise(p) for p in pieces)))


def phrase(term: str) -> tuple[str, ...]:
    """The words of an already normalised one-run query term (a term with separators inside
    has none: its word phrase could match where its bigram phrase does not)."""
    if len(RUN.findall(term)) != 1:
        return ()
    return tuple(w for w in words(term) if w != SEPARATOR)
