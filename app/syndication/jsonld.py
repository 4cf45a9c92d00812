"""An article as a schema.org ``NewsArticle`` in JSON-LD (pure).

Each cited URL becomes one ``citation`` work; the Q&A headings become ``Question`` parts with their
``acceptedAnswer`` (for meaning only: no FAQ rich result is expected for news)."""

from __future__ import annotations

from typing import Any

from app.syndication.plaintext import article_text
from app.syndication.view import ArticleView, CitationView, SectionView, rfc3339

CONTEXT = "https://schema.org"
MEDIA_TYPE = "application/ld+json"


def news_article(v: ArticleView) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "@id": v.url,
        "url": v.url,
        "mainEntityOfPage": v.html_url,
        "identifier": v.slug,
        "headline": v.title,
        "inLanguage": v.language,
        "version": v.version,
        "dateModified": rfc3339(v.updated_at),
    }
    if v.published_at:
        out["datePublished"] = rfc3339(v.published_at)
    if v.subtitle:
        out["alternativeHeadline"] = v.subtitle
    if v.lead_lines:
        out["description"] = "\n".join(v.lead_lines)
    if v.keywords:
        out["keywords"] = list(v.keywords)
    if v.key_points:
        out["abstract"] = "\n".join(v.key_points)
    if v.full:
        out["articleBody"] = article_text(v)
    if v.sections:
        out["hasPart"] = [_question(s) for s in v.sections]
    by_url: dict[str, list[CitationView]] = {}
    for _, c in v.citations():
        by_url.setdefault(c.url, []).append(c)
    if by_url:
        out["citation"] = [_work(cards) for cards in by_url.values()]
    return out


def _question(s: SectionView) -> dict[str, Any]:
    return {
        "@type": "Question",
        "position": s.position,
        "headline": s.heading,
        "name": s.question,
        "acceptedAnswer": {"@type": "Answer", "text": s.answer},
    }


def _work(cards: list[CitationView]) -> dict[str, Any]:
    """One cited work, from every card that cites its URL."""
    first = cards[0]
    out: dict[str, Any] = {
        "@type": "CreativeWork",
        "url": first.url,
        "publisher": {"@type": "Organization", "name": first.publisher},
    }
    day = next((c.published_on for c in cards if c.published_on), None)
    if day:
        out["datePublished"] = day.isoformat()
    bullets = [b for c in cards for b in c.summary]
    if bullets:
        out["abstract"] = "\n".join(bullets)
    return out
