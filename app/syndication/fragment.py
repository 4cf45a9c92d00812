"""The article as an HTML fragment (pure): lead, Q&A sections with their sources, conclusion and
key points. Shared by JSON Feed ``content_html``, Atom ``content``, the ninjs body and the page.

Every piece of text and every attribute is escaped here, and nowhere else."""

from __future__ import annotations

from html import escape

from app.syndication.view import ArticleView, CitationView, SectionView


def article_html(view: ArticleView) -> str:
    parts = [f'<p class="lead">{escape(line)}</p>' for line in view.lead_lines]
    parts += [_section(s) for s in view.sections]
    if view.conclusion:
        parts.append(
            '<section class="conclusion"><h2>まとめ</h2>'
            + "".join(_p(p) for p in view.conclusion)
            + "</section>"
        )
    if view.key_points:
        parts.append(
            '<section class="key-points"><h2>ポイント</h2><ul>'
            + "".join(f"<li>{escape(k)}</li>" for k in view.key_points)
            + "</ul></section>"
        )
    return "\n".join(parts)


def _p(text: str, cls: str | None = None) -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{escape(text)}</p>"


def _section(s: SectionView) -> str:
    parts = [
        f'<section id="section-{s.position}">',
        f"<h2>{escape(s.heading)}</h2>",
        f'<h3 class="question">{escape(s.question)}</h3>',
        _p(s.answer, "answer"),
        *(_p(p) for p in s.intro),
    ]
    if s.citations:
        parts.append('<ul class="sources">' + "".join(_citation(c) for c in s.citations) + "</ul>")
    parts += [_p(p) for p in s.body]
    if s.reaction:
        parts.append(_p(s.reaction, "reaction"))
    parts.append("</section>")
    return "".join(parts)


def _citation(c: CitationView) -> str:
    out = f'<li><a href="{escape(c.url)}">{escape(c.publisher)}</a>'
    if c.published_on:
        day = c.published_on.isoformat()
        out += f' <time datetime="{day}">{day}</time>'
    if c.summary:
        out += "<ul>" + "".join(f"<li>{escape(b)}</li>" for b in c.summary) + "</ul>"
    out += "".join(_p(p, "comment") for p in c.comment)
    return out + "</li>"
