"""Import: article text in the editorial template -> article document.

`parse` follows `spec/text-format.md`. It reports every problem it can find in one
pass (each with its line and what was expected there) and every unmarked boundary it
had to infer (see `boundaries` for the rules), so that an editor can check them.
Lines are stripped of surrounding white space: stored strings carry none.
"""

from app.textformat import boundaries
from app.textformat.cards import Card, group_cards
from app.textformat.draft import Draft, DraftSection, finish
from app.textformat.lines import Line, read_lines
from app.textformat.markers import KEY_POINT, Kind, kind_of, marked_text
from app.textformat.result import IssueLog, ParsedArticle
from app.textformat.title import split_title_line

# Between two cards of one section only the first card's comment can stand; more lines
# than this there mean that a section start was expected and not found.
COMMENT_LINES_BETWEEN_CARDS = 2


def parse(data: str | bytes) -> ParsedArticle:
    log = IssueLog()
    lines = read_lines(data, log)
    if not lines:
        log.error(1, "expected a title line; the input is empty")
        return log.result(None)
    title_line, rest = lines[0], lines[1:]
    title = split_title_line(title_line.text)
    for keyword in title.duplicates:
        log.warn(title_line.number, f"dropped the repeated keyword {keyword}")
    draft = Draft(Line(title_line.number, title.title), title.keywords, title.subtitle)

    rest, draft.key_points = _split_key_points(rest, log)
    grouped = group_cards(rest, log)
    if not grouped.cards:
        log.error(
            rest[0].number if rest else title_line.number + 1,
            "expected a section: a heading, a question ending with ? or ？, an answer and "
            "a source card (✅ bullets and a さらに読む line); found none",
        )
    else:
        _assemble(draft, grouped.regions, grouped.cards, log)
    return finish(draft, log)


def _split_key_points(lines: list[Line], log: IssueLog) -> tuple[list[Line], list[Line]]:
    """Key points are the trailing 💡 lines; a 💡 line anywhere else is an error."""
    end = len(lines)
    while end > 0 and kind_of(lines[end - 1].text) is Kind.KEY_POINT:
        end -= 1
    body: list[Line] = []
    for line in lines[:end]:
        if kind_of(line.text) is Kind.KEY_POINT:
            log.error(
                line.number, f"expected {KEY_POINT} key points only at the end of the article"
            )
        else:
            body.append(line)
    key_points = [Line(line.number, marked_text(line.text, KEY_POINT)) for line in lines[end:]]
    for line in key_points:
        if not line.text:
            log.error(line.number, f"expected the key point's text after {KEY_POINT}")
    return body, key_points


def _assemble(draft: Draft, regions: list[list[Line]], cards: list[Card], log: IssueLog) -> None:
    current = _open_first_section(draft, regions[0], cards[0], log)
    for card, region in zip(cards[1:], regions[1:-1], strict=True):
        start = boundaries.find_section_start(region)
        if start is None:
            _continue_comment(current.cards[-1], region, card, log)
        else:
            _close_section(current, region[:start], log)
            current = _open_section(draft, region[start:])
        current.cards.append(card)
    tail = regions[-1]
    cut = boundaries.conclusion_start(tail)
    if cut < len(tail):
        log.warn(tail[cut].number, "inferred conclusion starts here")
    _close_section(current, tail[:cut], log)
    draft.conclusion = tail[cut:]


def _open_first_section(
    draft: Draft, region: list[Line], card: Card, log: IssueLog
) -> DraftSection:
    start = boundaries.find_section_start(region)
    if start is None:
        log.error(*boundaries.explain_missing_start(region, card.first_line))
        # Carry on with a stand-in section so that later sections are still checked.
        start = len(region)
        stand_in = Line(card.first_line, "")
        section = DraftSection(stand_in, stand_in, stand_in)
        draft.sections.append(section)
    else:
        section = _open_section(draft, region[start:])
    draft.lead = "\n".join(line.text for line in region[:start])
    section.cards.append(card)
    return section


def _open_section(draft: Draft, lines: list[Line]) -> DraftSection:
    section = DraftSection(lines[0], lines[1], lines[2], lines[3:])
    draft.sections.append(section)
    return section


def _continue_comment(card: Card, region: list[Line], next_card: Card, log: IssueLog) -> None:
    if len(region) > COMMENT_LINES_BETWEEN_CARDS:
        log.error(*boundaries.explain_missing_start(region, next_card.first_line))
        return
    for line in region:
        log.warn(line.number, "inferred the comment continues on this line")
    card.comment.extend(region)


def _close_section(section: DraftSection, tail: list[Line], log: IssueLog) -> None:
    """Split the lines after the section's last card into comment, body and reaction."""
    if not tail:
        return
    section.reaction = tail[-1]
    log.warn(tail[-1].number, "inferred reader reaction")
    rest = tail[:-1]
    card = section.cards[-1]
    if card.comment and rest and boundaries.is_comment_continuation(rest[0].text):
        card.comment.append(rest[0])
        log.warn(rest[0].number, "inferred the comment continues on this line")
        rest = rest[1:]
    elif rest:
        log.warn(rest[0].number, "inferred the body starts here")
    section.body = rest
