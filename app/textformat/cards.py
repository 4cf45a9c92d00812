"""Source cards: the marked runs `[公開日] ✅… さらに読む…` that anchor every section.

Grouping cuts the lines between the title and the key points into cards and the
unmarked runs around them: `regions[i]` is the text before `cards[i]`, and the final
region is the text after the last card.
"""

from dataclasses import dataclass, field

from app.textformat.lines import Line
from app.textformat.markers import (
    BULLET,
    DATE_LABEL,
    READ_MORE,
    Kind,
    ReadMore,
    kind_of,
    marked_text,
    read_date,
    read_read_more,
)
from app.textformat.result import IssueLog


@dataclass
class Card:
    first_line: int
    published_on: str | None = None
    summary: list[Line] = field(default_factory=list)
    publisher: str = ""
    url: str = ""
    # The first item is the text after the URL when there is any; later lines are
    # added by the boundary rules.
    comment: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Grouped:
    regions: list[list[Line]]
    cards: list[Card]


def group_cards(lines: list[Line], log: IssueLog) -> Grouped:
    regions: list[list[Line]] = [[]]
    cards: list[Card] = []
    open_card: Card | None = None

    def close(card: Card) -> None:
        cards.append(card)
        regions.append([])

    for line in lines:
        kind = kind_of(line.text)
        if open_card is not None and kind in (Kind.TEXT, Kind.DATE):
            # Keep the broken card so the sections around it still line up and their
            # own errors are reported too.
            log.error(line.number, _expected_in_open_card(open_card))
            close(open_card)
            open_card = None
        if kind is Kind.TEXT:
            regions[-1].append(line)
        elif kind is Kind.DATE:
            open_card = Card(line.number, published_on=read_date(line.text))
            if open_card.published_on is None:
                log.error(line.number, f"expected a valid date {DATE_LABEL}:YYYY/MM/DD")
        elif kind is Kind.BULLET:
            open_card = open_card or Card(line.number)
            summary = marked_text(line.text, BULLET)
            if not summary:
                log.error(line.number, f"expected the summary text after {BULLET}")
            open_card.summary.append(Line(line.number, summary))
        elif kind is Kind.READ_MORE:
            card = open_card or Card(line.number)
            open_card = None
            if not card.summary:
                log.error(
                    line.number, f"expected {BULLET} summary bullets before the {READ_MORE} line"
                )
            _fill_read_more(card, line, log)
            close(card)
    if open_card is not None:
        last = open_card.summary[-1].number if open_card.summary else open_card.first_line
        log.error(last, _expected_in_open_card(open_card))
        close(open_card)
    return Grouped(regions, cards)


def _expected_in_open_card(card: Card) -> str:
    if card.summary:
        return f"expected another {BULLET} bullet or the {READ_MORE} line to end the source card"
    return f"expected {BULLET} summary bullets after the {DATE_LABEL} line"


def _fill_read_more(card: Card, line: Line, log: IssueLog) -> None:
    read_more = read_read_more(line.text)
    if not isinstance(read_more, ReadMore):
        log.error(line.number, read_more)
        return
    card.publisher = read_more.publisher
    card.url = read_more.url
    if read_more.comment:
        card.comment.append(Line(line.number, read_more.comment))
