"""A page of article summaries as JSON Feed 1.1 (pure; https://jsonfeed.org/version/1.1)."""

from __future__ import annotations

from typing import Any

from app.syndication.feedmeta import AUTHOR, FeedMeta
from app.syndication.fragment import article_html
from app.syndication.plaintext import article_text
from app.syndication.view import ArticleView, rfc3339

VERSION = "https://jsonfeed.org/version/1.1"
MEDIA_TYPE = "application/feed+json"


def feed(views: list[ArticleView], meta: FeedMeta) -> dict[str, Any]:
    out: dict[str, Any] = {
        "version": VERSION,
        "title": meta.title,
        "feed_url": meta.feed_url,
        "description": meta.description,
        "language": meta.language,
        "authors": [{"name": AUTHOR}],
        "items": [item(v, docs_url=meta.docs_url) for v in views],
    }
    if meta.next_url:
        out["next_url"] = meta.next_url
    return out


def item(v: ArticleView, *, docs_url: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        # The canonical URL: slugs never change, so neither does the id.
        "id": v.url,
        "url": v.url,
        "title": v.title,
    }
    if v.lead_lines:
        out["summary"] = "\n".join(v.lead_lines)
    out["content_html"] = article_html(v)
    out["content_text"] = article_text(v)
    if v.published_at:
        out["date_published"] = rfc3339(v.published_at)
    out["date_modified"] = rfc3339(v.updated_at)
    if v.keywords:
        out["tags"] = list(v.keywords)
    out["language"] = v.language
    out["_kiji"] = {
        "about": docs_url,
        "slug": v.slug,
        "version": v.version,
        "subtitle": v.subtitle,
        "citations": [
            {
                "position": s.position,
                "citation_position": n,
                "publisher": c.publisher,
                "url": c.url,
                "host": c.host,
                "published_on": c.published_on.isoformat() if c.published_on else None,
                "summary": list(c.summary),
            }
            for s in v.sections
            for n, c in enumerate(s.citations, start=1)
        ],
    }
    return out
