"""An article as a standalone, readable HTML page (pure), with its JSON-LD embedded."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Any

import orjson

from app.syndication.fragment import article_html
from app.syndication.view import ArticleView, rfc3339

MEDIA_TYPE = "text/html; charset=utf-8"

_STYLE = """
body{margin:0 auto;max-width:42rem;padding:1.5rem;font:1.05rem/1.8 system-ui,sans-serif;color:#222}
h1{font-size:1.6rem;line-height:1.4}.subtitle{color:#555;margin-top:-.5rem}
.keywords{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;padding:0}
.keywords li{background:#eef;border-radius:.3rem;padding:0 .5rem;font-size:.9rem}
.lead{font-weight:600}.question{color:#0a4b8c}.answer{font-weight:600}
.sources{border-left:3px solid #ccd;padding-left:1.2rem;font-size:.95rem}
.comment,.reaction{color:#555;font-style:italic}
""".strip()


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``<`` can close the element early."""
    # `<` only ever occurs inside JSON strings, where `\\u003c` means the same character.
    return orjson.dumps(value).decode().replace("<", "\\u003c")


def _time(at: datetime) -> str:
    # isoformat, not %Y: strftime writes year 448 as "448".
    shown = at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "minutes")
    return f'<time datetime="{rfc3339(at)}">{shown} UTC</time>'


def page(v: ArticleView, *, jsonld: dict[str, Any]) -> str:
    meta = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(v.title)}</title>",
        f'<link rel="canonical" href="{escape(v.html_url)}">',
        f'<link rel="alternate" type="application/json" href="{escape(v.url)}">',
    ]
    if v.lead_lines:
        meta.append(f'<meta name="description" content="{escape(" ".join(v.lead_lines))}">')
    if v.keywords:
        meta.append(f'<meta name="keywords" content="{escape(",".join(v.keywords))}">')
    meta += [
        f"<style>{_STYLE}</style>",
        f'<script type="application/ld+json">{script_json(jsonld)}</script>',
    ]
    header = [f"<h1>{escape(v.title)}</h1>"]
    if v.subtitle:
        header.append(f'<p class="subtitle">{escape(v.subtitle)}</p>')
    dates = [("公開", v.published_at), ("更新", v.updated_at)]
    header.append(
        '<p class="dates">'
        + " ".join(f"{label} {_time(at)}" for label, at in dates if at is not None)
        + "</p>"
    )
    if v.keywords:
        header.append(
            '<ul class="keywords">' + "".join(f"<li>{escape(k)}</li>" for k in v.keywords) + "</ul>"
        )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(v.language)}">\n<head>\n'
        + "\n".join(meta)
        + "\n</head>\n<body>\n<article>\n<header>"
        + "".join(header)
        + "</header>\n"
        + article_html(v)
        + "\n</article>\n</body>\n</html>\n"
    )
