"""An article as read so far, every piece still tied to its input line.

Both importers (text and Markdown) build a `Draft`; `finish` checks it against the
document limits, line by line, and turns it into the document.
"""

from dataclasses import dataclass, field

from app.textformat import limits
from app.textformat.cards import Card
from app.textformat.document import ArticleDoc, CitationDoc, SectionDoc
from app.textformat.lines import Line
from app.textformat.result import IssueLog, ParsedArticle


@dataclass
class DraftSection:
    heading: Line
    question: Line
    answer: Line
    intro: list[Line] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    reaction: Line | None = None


@dataclass
class Draft:
    title: Line
    keywords: list[str] = field(default_factory=list)
    subtitle: str = ""
    lead: str = ""
    sections: list[DraftSection] = field(default_factory=list)
    conclusion: list[Line] = field(default_factory=list)
    key_points: list[Line] = field(default_factory=list)


def finish(draft: Draft, log: IssueLog) -> ParsedArticle:
    _check_limits(draft, log)
    document: ArticleDoc = {
        "title": draft.title.text,
        "keywords": draft.keywords,
        "subtitle": draft.subtitle,
        "lead": draft.lead,
        "sections": [_section_doc(section) for section in draft.sections],
        "conclusion": _texts(draft.conclusion),
        "key_points": _texts(draft.key_points),
    }
    return log.result(document)


def _check_limits(draft: Draft, log: IssueLog) -> None:
    title = draft.title
    if not title.text:
        log.error(title.number, "expected a title")
    limits.check_length(log, title.number, "title", title.text, limits.TITLE_MAX)
    if len(draft.keywords) > limits.LIST_MAX:
        log.error(title.number, f"at most {limits.LIST_MAX} keywords are allowed")
    headings = [section.heading for section in draft.sections]
    limits.check_count(log, "sections", headings, limits.SECTIONS_MAX)
    paragraph_lists = [draft.conclusion, draft.key_points]
    for section in draft.sections:
        for what, line in (
            ("heading", section.heading),
            ("question", section.question),
            ("answer", section.answer),
        ):
            limits.check_length(log, line.number, what, line.text, limits.HEADING_MAX)
        card_lines = [Line(card.first_line, "") for card in section.cards]
        limits.check_count(log, "source cards in a section", card_lines, limits.CITATIONS_MAX)
        paragraph_lists += [section.intro, section.body]
        for card in section.cards:
            paragraph_lists += [card.summary, card.comment]
        if section.reaction is not None:
            paragraph_lists.append([section.reaction])
    for paragraphs in paragraph_lists:
        limits.check_count(log, "paragraphs in a list", paragraphs, limits.LIST_MAX)
        for line in paragraphs:
            limits.check_length(log, line.number, "paragraph", line.text, limits.PARAGRAPH_MAX)


def _texts(lines: list[Line]) -> list[str]:
    return [line.text for line in lines]


def _section_doc(section: DraftSection) -> SectionDoc:
    return {
        "heading": section.heading.text,
        "question": section.question.text,
        "answer": section.answer.text,
        "intro": _texts(section.intro),
        "citations": [_citation_doc(card) for card in section.cards],
        "body": _texts(section.body),
        "reaction": section.reaction.text if section.reaction else None,
    }


def _citation_doc(card: Card) -> CitationDoc:
    return {
        "publisher": card.publisher,
        "url": card.url,
        "published_on": card.published_on,
        "summary": _texts(card.summary),
        "comment": _texts(card.comment),
    }
