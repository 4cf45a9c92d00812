"""Word tokens: a ranking signal only, so that a query that is a whole word (京都 in 京都府)
ranks above one that only occurs across a word boundary (京都 inside 東京|都).

Matching is done on character bigrams (see ``segment``). The word columns hold the same text as
words: kanji runs split by a morphological analyser (Sudachi, split mode A: the finest; modes
B and C hide words inside compounds, such as 防衛 inside 防衛費), katakana runs and Latin or
digit runs whole (script changes already mark their ends). Hiragana is left out: it is mostly
particles and endings, and the analyser's cost is per character, so sending it only the kanji
keeps indexing a quarter of what whole-text analysis costs.

Wherever the text between two tokens is not empty, a separator token sits between them, so a
word phrase only matches where its words touch: every word match is then a bigram match too,
and the word columns can raise scores but never add hits.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any, Protocol

from app.search.segment import SEPARATOR, normalise

_KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヵヶ"
# Runs of one script each: kanji (for the analyser), katakana, Latin letters and digits.
_RUNS = re.compile(
    rf"(?P<kanji>[{_KANJI}]+)|[\u30a0-\u30ff]+|[^\W_\u3040-\u309f{_KANJI}\u30a0-\u30ff]+"
)


class _Morpheme(Protocol):
    def surface(self) -> str: ...


class _Tokenizer(Protocol):
    def tokenize(self, text: str) -> list[_Morpheme]: ...


@cache
def _dictionary() -> Any:
    from sudachipy import Dictionary

    return Dictionary(dict="small")


_local = threading.local()
_making = threading.Lock()


def _tokenizer() -> _Tokenizer:
    """This thread's tokenizer: a Sudachi tokenizer refuses to be used by two threads at once
    ("Tokenizer is already in use"), and searches run in a thread pool."""
    tokenizer: _Tokenizer | None = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        with _making:
            tokenizer = _dictionary().tokenizer(mode=SplitMode.A, fields={"surface"})
        _local.tokenizer = tokenizer
    return tokenizer


# Sudachi refuses inputs over 49,149 bytes: send kanji runs in batches well below that.
_BATCH_CHARS = 4000


def _split_kanji(runs: list[str]) -> list[list[str]]:
    """The analyser's words of each kanji run, in batches of runs joined by newlines."""
    out: list[list[str]] = []
    tokenize = _tokenizer().tokenize
    start = 0
    while start < len(runs):
        end, size = start, 0
        while end < len(runs) and (end == start or size + len(runs[end]) < _BATCH_CHARS):
            size += len(runs[end]) + 1
            end += 1
        current: list[str] = []
        for m in tokenize("\n".join(runs[start:end])):
            surface = m.surface()
            if surface == "\n":
                out.append(current)
                current = []
            else:
                current.append(surface)
        out.append(current)
        start = end
    return out


def words(text: str) -> list[str]:
    """Word tokens of already normalised ``text``, with separators wherever text was skipped."""
    matches = list(_RUNS.finditer(text))
    kanji = iter(_split_kanji([m.group() for m in matches if m.lastgroup == "kanji"]))
    out: list[str] = []
    end = 0
    for m in matches:
        if out and m.start() != end and out[-1] != SEPARATOR:
            out.append(SEPARATOR)
        if m.lastgroup == "kanji":
            out.extend(next(kanji))
        else:
            out.append(m.group())
        end = m.end()
    return out


def index_text(pieces: list[str]) -> str:
    """The indexed form of a field group (pieces joined by newlines, which separate)."""
    if not pieces:
        return ""
    return " ".join(words("\n".join(normalise(p) for p in pieces)))


def phrase(term: str) -> tuple[str, ...]:
    """The words of an already normalised query term, when they spell the whole term (so a
    match of them is a match of the term); otherwise none."""
    found = words(term)
    if SEPARATOR in found or "".join(found) != term:
        return ()
    return tuple(found)
