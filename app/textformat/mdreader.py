"""Reading the Markdown dialect described in `markdown` back into a document."""

import json
import re
from collections.abc import Callable
from datetime import date
from enum import Enum, auto
from urllib.parse import urlsplit

from app.textformat.cards import Card
from app.textformat.draft import Draft, DraftSection, finish
from app.textformat.limits import URL_MAX
from app.textformat.lines import BOM, Line, normalise_newlines
from app.textformat.mdescape import unescape
from app.textformat.result import IssueLog, ParsedArticle

FRONT_MATTER_MARK = "---"
CONCLUSION_MARK = "---"
HEADING = "##"
QUESTION = "###"
ANSWER = "**A:**"
REACTION = "**Reaction:**"
BODY_MARK = "<!-- body -->"
LIST_ITEM = "-"
QUOTE = ">"
DATE_PREFIX = "公開日:"

_LINK = re.compile(r"\[((?:\\.|[^\\\]])*)\]\(<((?:\\.|[^\\>])*)>\)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Part(Enum):
    LEAD = auto()
    QUESTION = auto()  # a heading was read; the question is due
    ANSWER = auto()
    INTRO = auto()
    CARDS = auto()
    BODY = auto()
    REACTED = auto()
    CONCLUSION = auto()
    KEY_POINTS = auto()


def _payload(line: str, marker: str) -> str | None:
    """The unescaped text after `marker`, or None when the line is not so marked."""
    if line == marker:
        return ""
    if line.startswith(marker + " "):
        return unescape(line[len(marker) + 1 :])
    return None


def read_markdown(text: str) -> ParsedArticle:
    lines = [
        Line(number, raw.strip())
        for number, raw in enumerate(normalise_newlines(text.removeprefix(BOM)).split("\n"), 1)
    ]
    log = IssueLog()
    reader = _Reader(log)
    rest = reader.front_matter(lines)
    index = 0
    while index < len(rest):
        line = rest[index]
        if line.text.startswith(QUOTE):
            block = _quote_block(rest, index)
            reader.card(block)
            index += len(block)
            continue
        if line.text:
            reader.line(line)
        index += 1
    reader.end(max((line.number for line in lines if line.text), default=0))
    return finish(reader.draft, log)


def _quote_block(lines: list[Line], start: int) -> list[Line]:
    end = start
    while end < len(lines) and lines[end].text.startswith(QUOTE):
        end += 1
    return lines[start:end]


class _Reader:
    def __init__(self, log: IssueLog) -> None:
        self.log = log
        self.draft = Draft(Line(1, ""))
        self.part = _Part.LEAD
        self.lead_in_front_matter = False
        self.lead: list[str] = []

    @property
    def section(self) -> DraftSection:
        return self.draft.sections[-1]

    def front_matter(self, lines: list[Line]) -> list[Line]:
        """Read the front matter; return the lines after it."""
        content = [line for line in lines if line.text]
        if not content or content[0].text != FRONT_MATTER_MARK:
            self.log.error(content[0].number if content else 1, "expected front matter: ---")
            return lines
        seen: set[str] = set()
        for index, line in enumerate(lines[content[0].number :], start=content[0].number):
            if line.text == FRONT_MATTER_MARK:
                if "title" not in seen:
                    self.draft.title = Line(line.number, "")  # reported as missing there
                return lines[index + 1 :]
            if line.text:
                self._front_matter_field(line, seen)
        self.log.error(lines[-1].number, "expected --- to close the front matter")
        return []

    def _front_matter_field(self, line: Line, seen: set[str]) -> None:
        key, colon, raw = line.text.partition(":")
        setters: dict[str, Callable[[int, object], bool]] = {
            "title": self._set_title,
            "subtitle": self._set_subtitle,
            "keywords": self._set_keywords,
            "lead": self._set_lead,
        }
        if not colon or key not in setters or key in seen:
            self.log.error(line.number, f"expected one of {', '.join(setters)} (once each)")
            return
        seen.add(key)
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = None
        if not setters[key](line.number, value):
            self.log.error(line.number, f"expected a JSON value of the right type for {key}:")

    def _set_title(self, number: int, value: object) -> bool:
        self.draft.title = Line(number, value if isinstance(value, str) else "")
        return isinstance(value, str)

    def _set_subtitle(self, number: int, value: object) -> bool:
        if isinstance(value, str):
            self.draft.subtitle = value
        return isinstance(value, str)

    def _set_keywords(self, number: int, value: object) -> bool:
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            self.draft.keywords = [str(item) for item in value]
            return True
        return False

    def _set_lead(self, number: int, value: object) -> bool:
        if isinstance(value, str):
            self.draft.lead = value
            self.lead_in_front_matter = True
        return isinstance(value, str)

    def line(self, line: Line) -> None:
        text = line.text
        if self.part is _Part.QUESTION:
            self._expect(line, QUESTION, "the ### question line after the ## heading")
        elif self.part is _Part.ANSWER:
            self._expect(line, ANSWER, "the **A:** answer line after the ### question")
        elif (heading := _payload(text, HEADING)) is not None:
            self._heading(line, heading)
        elif _payload(text, QUESTION) is not None or _payload(text, ANSWER) is not None:
            self.log.error(line.number, "expected ### and **A:** lines only after a ## heading")
        elif text == CONCLUSION_MARK:
            self._conclusion_mark(line)
        elif text == BODY_MARK:
            self._body_mark(line)
        elif (reaction := _payload(text, REACTION)) is not None:
            self._reaction(line, reaction)
        elif (item := _payload(text, LIST_ITEM)) is not None:
            self._key_point(line, item)
        else:
            self._paragraph(Line(line.number, unescape(text)))

    def _expect(self, line: Line, marker: str, what: str) -> None:
        value = _payload(line.text, marker)
        if value is None:
            self.log.error(line.number, f"expected {what}")
            self.part = _Part.INTRO  # read on as if the section's head were complete
            return
        section = self.section
        if self.part is _Part.QUESTION:
            section.question = Line(line.number, value)
            self.part = _Part.ANSWER
        else:
            section.answer = Line(line.number, value)
            self.part = _Part.INTRO

    def _heading(self, line: Line, heading: str) -> None:
        if self.part in (_Part.CONCLUSION, _Part.KEY_POINTS):
            self.log.error(line.number, "expected no more sections after ---")
        stand_in = Line(line.number, "")
        self.draft.sections.append(DraftSection(Line(line.number, heading), stand_in, stand_in))
        self.part = _Part.QUESTION

    def _conclusion_mark(self, line: Line) -> None:
        if self.part in (_Part.CONCLUSION, _Part.KEY_POINTS):
            self.log.error(line.number, "expected only one --- before the conclusion")
        self.part = _Part.CONCLUSION

    def _body_mark(self, line: Line) -> None:
        if self.part not in (_Part.INTRO, _Part.CARDS):
            self.log.error(line.number, "expected <!-- body --> only after a section's intro")
        self.part = _Part.BODY

    def _reaction(self, line: Line, reaction: str) -> None:
        if self.part not in (_Part.INTRO, _Part.CARDS, _Part.BODY):
            self.log.error(line.number, "expected **Reaction:** once, at the end of a section")
            return
        self.section.reaction = Line(line.number, reaction)
        self.part = _Part.REACTED

    def _key_point(self, line: Line, text: str) -> None:
        if self.part not in (_Part.CONCLUSION, _Part.KEY_POINTS):
            self.log.error(line.number, "expected - key points only after the --- line")
            return
        self.draft.key_points.append(Line(line.number, text))
        self.part = _Part.KEY_POINTS

    def _paragraph(self, line: Line) -> None:
        part = self.part
        if part is _Part.LEAD:
            if self.lead_in_front_matter:
                self.log.error(line.number, "expected the lead either in the front matter or here")
            self.lead.append(line.text)
            self.draft.lead = "\n".join(self.lead)
        elif part is _Part.INTRO:
            self.section.intro.append(line)
        elif part in (_Part.CARDS, _Part.BODY):
            self.section.body.append(line)
            self.part = _Part.BODY
        elif part is _Part.CONCLUSION:
            self.draft.conclusion.append(line)
        else:
            self.log.error(line.number, "expected a ## heading or --- after the section's end")

    def card(self, block: list[Line]) -> None:
        first = block[0].number
        if self.part in (_Part.QUESTION, _Part.ANSWER):
            self.line(block[0])  # reports the missing question or answer
            return
        if self.part not in (_Part.INTRO, _Part.CARDS):
            self.log.error(first, "expected a source card only between a section's intro and body")
            return
        self.section.cards.append(_read_card(block, self.log))
        self.part = _Part.CARDS

    def end(self, last_line: int) -> None:
        if not self.draft.sections:
            self.log.error(self.draft.title.number, "expected at least one section")
        if self.part is _Part.QUESTION:
            self.log.error(last_line + 1, "expected the ### question line after the ## heading")
        elif self.part is _Part.ANSWER:
            self.log.error(last_line + 1, "expected the **A:** answer line after the ### question")


def _read_card(block: list[Line], log: IssueLog) -> Card:
    card = Card(block[0].number)
    linked = False
    for line in block:
        text = line.text.removeprefix(QUOTE).strip()
        if not text:
            continue
        if linked:
            card.comment.append(Line(line.number, unescape(text)))
        elif text.startswith(DATE_PREFIX) and not card.summary and card.published_on is None:
            card.published_on = _read_date(line.number, text.removeprefix(DATE_PREFIX), log)
        elif (bullet := _payload(text, LIST_ITEM)) is not None:
            card.summary.append(Line(line.number, bullet))
        elif (link := _LINK.fullmatch(text)) is not None:
            card.publisher = unescape(link[1])
            card.url = _read_url(line.number, unescape(link[2]), log)
            linked = True
        else:
            log.error(line.number, "expected 公開日:, a - bullet or the [PUBLISHER](<URL>) line")
    if not linked:
        log.error(block[-1].number, "expected the [PUBLISHER](<URL>) line in the source card")
    return card


def _read_date(number: int, text: str, log: IssueLog) -> str:
    value = text.strip()
    try:
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    log.error(number, "expected a date 公開日: YYYY-MM-DD")
    return value


def _read_url(number: int, url: str, log: IssueLog) -> str:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        log.error(number, "expected an absolute http:// or https:// URL")
    elif len(url) > URL_MAX:
        log.error(number, f"the URL is {len(url)} characters long; at most {URL_MAX} are allowed")
    return url
