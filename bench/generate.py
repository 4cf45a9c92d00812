"""Deterministic generated articles of realistic size (about 7 KB of served JSON each)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import corpus

START = datetime(2022, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 3 * 365 * 24 * 3600


def slug_for(n: int) -> str:
    """The slug of the n-th generated article (1-based): ``bench-000001``."""
    return f"bench-{n:06d}"


def _sentence(rng: random.Random) -> str:
    return rng.choice(corpus.SUBJECTS) + rng.choice(corpus.MIDDLES) + rng.choice(corpus.ENDINGS)


def _bullet(rng: random.Random) -> str:
    """A short one-clause sentence, as summary bullets and key points are."""
    return rng.choice(corpus.SUBJECTS) + rng.choice(corpus.ENDINGS)


def _paragraph(rng: random.Random, sentences: int) -> str:
    return "".join(_sentence(rng) for _ in range(sentences))


def _paragraphs(rng: random.Random, low: int, high: int, sentences: int = 2) -> list[str]:
    return [_paragraph(rng, sentences) for _ in range(rng.randint(low, high))]


def _citation(rng: random.Random, published_at: datetime) -> dict[str, Any]:
    publisher, host = rng.choice(corpus.PUBLISHERS)
    day = published_at - timedelta(days=rng.randint(0, 10))
    return {
        "publisher": publisher,
        "url": f"https://{host}/articles/{day:%Y/%m}/{rng.randrange(10**6, 10**7)}",
        "published_on": day.date().isoformat(),
        "summary": [_bullet(rng) for _ in range(3)],
        "comment": [_sentence(rng)],
    }


def _section(rng: random.Random, keyword: str, published_at: datetime) -> dict[str, Any]:
    return {
        "heading": rng.choice(corpus.HEADINGS).format(keyword),
        "question": rng.choice(corpus.QUESTIONS).format(keyword),
        "answer": _sentence(rng),
        "intro": _paragraphs(rng, 1, 1, sentences=1),
        "citations": [_citation(rng, published_at) for _ in range(rng.randint(1, 2))],
        "body": _paragraphs(rng, 1, 2, sentences=1),
        "reaction": _sentence(rng) if rng.random() < 0.5 else None,
    }


def article(n: int, *, seed: int = 20240601) -> dict[str, Any]:
    """The n-th article as a client would POST it (valid ``ArticleIn`` input)."""
    rng = random.Random(seed * 1_000_003 + n)
    keywords = rng.sample(corpus.KEYWORDS, 3)
    published_at = START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
    sections = [
        _section(rng, keywords[i % len(keywords)], published_at) for i in range(rng.randint(3, 4))
    ]
    return {
        "slug": slug_for(n),
        "title": rng.choice(corpus.TITLES).format(keywords[0], keywords[1]),
        "keywords": keywords,
        "subtitle": rng.choice(corpus.SUBTITLES),
        "lead": _paragraph(rng, 2),
        "language": "ja",
        "status": "published",
        "published_at": published_at.isoformat(),
        "sections": sections,
        "conclusion": [_paragraph(rng, 1)],
        "key_points": [_bullet(rng) for _ in range(3)],
    }
