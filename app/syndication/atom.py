"""A page of article summaries as an Atom feed (pure; RFC 4287, paging links of RFC 5005)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from app.syndication.feedmeta import AUTHOR, FeedMeta
from app.syndication.fragment import article_html
from app.syndication.view import ArticleView, rfc3339

NAMESPACE = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
# Characters XML 1.0 cannot carry at all (not even escaped); the article schema already
# refuses control characters, but not U+FFFE/U+FFFF or lone surrogates.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# An empty page has no newest entry; a fixed date keeps its ETag stable.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _clean(text)
    return el


def feed(views: list[ArticleView], meta: FeedMeta) -> bytes:
    root = ET.Element("feed", {"xmlns": NAMESPACE, "xml:lang": meta.language})
    _add(root, "id", meta.feed_url)
    _add(root, "title", meta.title, type="text")
    _add(root, "subtitle", meta.description, type="text")
    newest = max((v.updated_at for v in views), default=_EPOCH)
    _add(root, "updated", rfc3339(newest))
    author = _add(root, "author")
    _add(author, "name", AUTHOR)
    _add(root, "link", rel="self", type=MEDIA_TYPE, href=meta.self_url)
    _add(root, "link", rel="first", type=MEDIA_TYPE, href=meta.feed_url)
    if meta.next_url:
        _add(root, "link", rel="next", type=MEDIA_TYPE, href=meta.next_url)
    _add(root, "generator", AUTHOR)
    for v in views:
        _entry(root, v, meta.language)
    out: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return out


def _entry(root: ET.Element, v: ArticleView, feed_language: str) -> None:
    lang = {"xml:lang": v.language} if v.language != feed_language else {}
    entry = _add(root, "entry", **lang)
    # The same id as the JSON Feed item: the canonical URL, which never changes.
    _add(entry, "id", v.url)
    _add(entry, "title", v.title, type="text")
    _add(entry, "updated", rfc3339(v.updated_at))
    if v.published_at:
        _add(entry, "published", rfc3339(v.published_at))
    if v.lead_lines:
        _add(entry, "summary", "\n".join(v.lead_lines), type="text")
    _add(entry, "content", article_html(v), type="html")
    _add(entry, "link", rel="alternate", type="text/html", href=v.html_url)
    _add(entry, "link", rel="alternate", type="application/json", href=v.url)
    for c in v.sources():
        _add(entry, "link", rel="related", href=c.url, title=c.publisher)
    for k in v.keywords:
        _add(entry, "category", term=k)
