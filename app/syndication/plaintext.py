"""The article as plain text (pure), for JSON Feed ``content_text``: the same pieces as the HTML
fragment, in the same order, with nothing to escape."""

from __future__ import annotations

from app.syndication.view import ArticleView, SectionView


def article_text(view: ArticleView) -> str:
    blocks = ["\n".join(view.lead_lines)] if view.lead_lines else []
    blocks += [_section(s) for s in view.sections]
    if view.conclusion:
        blocks.append("\n".join(["■ まとめ", *view.conclusion]))
    if view.key_points:
        blocks.append("\n".join(["■ ポイント", *(f"・{k}" for k in view.key_points)]))
    return "\n\n".join(blocks)


def _section(s: SectionView) -> str:
    lines = [f"■ {s.heading}", f"Q. {s.question}", f"A. {s.answer}", *s.intro]
    for c in s.citations:
        dated = f"（{c.published_on.isoformat()}）" if c.published_on else ""
        lines.append(f"出典: {c.publisher}{dated} {c.url}")
        lines += [f"・{b}" for b in c.summary]
        lines += c.comment
    lines += s.body
    if s.reaction:
        lines.append(s.reaction)
    return "\n".join(lines)
