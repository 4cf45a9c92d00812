"""An article as IPTC ninjs 3.1 (pure; https://www.iptc.org/std/ninjs/).

Summary views become ``representationType: partial``: their body has no full text."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from typing import Any
from urllib.parse import quote

from app.syndication.fragment import article_html
from app.syndication.view import ArticleView, CitationView, SectionView, rfc3339

SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"
STANDARD = {"name": "ninjs", "version": "3.1", "schema": SCHEMA}
# ninjs registers no media type: served as JSON, with the schema as its profile.
MEDIA_TYPE = "application/json"
PROFILE_LINK = f'<{SCHEMA.rstrip("#")}>; rel="profile"'

# Every character RFC 3986 allows in a URI as it is; anything else (Japanese in a path) is
# percent-encoded, so the IRIs editors paste still pass ninjs's `format: uri`.
_URI_SAFE = ":/?#[]@!$&'()*+,;=%-._~"
_TAG = re.compile(r"<[^>]*>")


def as_uri(iri: str) -> str:
    return quote(iri, safe=_URI_SAFE)


def ninjs(v: ArticleView) -> dict[str, Any]:
    body = article_html(v)
    out: dict[str, Any] = {
        "uri": as_uri(v.url),
        "standard": STANDARD,
        "type": "text",
        "representationType": "full" if v.full else "partial",
        "altIds": [{"role": "id", "value": str(v.id)}, {"role": "slug", "value": v.slug}],
        "version": str(v.version),
    }
    if v.published_at:
        out["firstCreated"] = rfc3339(v.published_at)
    out["versionCreated"] = rfc3339(v.updated_at)
    out["pubStatus"] = "usable" if v.status == "published" else "withheld"
    out["language"] = v.language
    out["headlines"] = [{"role": "main", "value": v.title}]
    if v.subtitle:
        out["headlines"].append({"role": "subhead", "value": v.subtitle})
    if v.lead_lines:
        out["descriptions"] = [
            {"role": "summary", "contentType": "text/plain", "value": "\n".join(v.lead_lines)}
        ]
    if v.keywords:
        out["subjects"] = [{"name": k, "rel": "keyword"} for k in v.keywords]
    out["bodies"] = [
        {"role": "main", "contentType": "text/html", "charCount": text_length(body), "value": body}
    ]
    citations = [
        _association(s, n, c) for s in v.sections for n, c in enumerate(s.citations, start=1)
    ]
    if citations:
        out["associations"] = citations
    return out


def _association(s: SectionView, n: int, c: CitationView) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": f"citation-{s.position}-{n}",
        "rel": "citation",
        "uri": as_uri(c.url),
        "type": "text",
        "representationType": "partial",
        "infoSources": [{"name": c.publisher, "role": "publisher", "literal": c.host}],
    }
    if c.published_on:
        out["firstCreated"] = _start_of_day_in_japan(c.published_on)
    descriptions = []
    if c.summary:
        descriptions.append(
            {"role": "summary", "contentType": "text/plain", "value": "\n".join(c.summary)}
        )
    if c.comment:
        descriptions.append(
            {"role": "editorComment", "contentType": "text/plain", "value": "\n".join(c.comment)}
        )
    if descriptions:
        out["descriptions"] = descriptions
    return out


def _start_of_day_in_japan(day: date) -> str:
    # ninjs has date-times only; a card gives the source's date as printed, in Japan.
    return f"{day.isoformat()}T00:00:00+09:00"


def text_length(html: str) -> int:
    """Characters of text in ``html`` (ninjs ``charCount``; markup is not counted).

    Only for the fragments made in ``fragment``, which escape every ``<`` and ``>`` in text and
    attributes, so a tag is exactly a ``<...>`` run."""
    return len(unescape(_TAG.sub("", html)))
