"""Slugs made from Japanese titles by romanisation (Hepburn, via pykakasi)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any

MAX_SLUG = 120
# Room for a "-NNN" collision suffix within the 120-character limit.
_BASE_MAX = MAX_SLUG - 8
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_PUNCTUATION = re.compile(r"[\s、。,.!?「」『』【】()\[\]:;・…~〜/]+")


@cache
def _kakasi() -> Any:
    import pykakasi  # loading the dictionaries takes ~0.5 s, so only when a slug is first made

    return pykakasi.kakasi()


@lru_cache(maxsize=16384)
def _romanise_phrase(phrase: str) -> str:
    return "-".join(part["hepburn"] for part in _kakasi().convert(phrase))


def romanise(title: str) -> str:
    """``日米同盟は中国の脅威`` -> ``nichibei-doumei-ha-chuugoku-no-kyoui``."""
    # Phrases between punctuation romanise independently, and recur across titles (names,
    # places, keywords): converting each once saves most of pykakasi's dictionary scans.
    phrases = _PUNCTUATION.split(unicodedata.normalize("NFKC", title))
    pieces = [_romanise_phrase(p) for p in phrases if p]
    slug = _NOT_ALNUM.sub("-", "-".join(pieces).lower()).strip("-")
    if len(slug) > _BASE_MAX:
        slug = slug[:_BASE_MAX].rsplit("-", 1)[0] if "-" in slug[:_BASE_MAX] else slug[:_BASE_MAX]
    return slug or "article"


def with_suffix(base: str, n: int) -> str:
    """The n-th candidate for ``base``: ``base``, ``base-2``, ``base-3``..."""
    return base if n == 1 else f"{base}-{n}"
