"""The document limits of `spec/article.md`, checked at import so that a file the API
would refuse is reported line by line instead."""

from collections.abc import Sequence
from typing import Protocol

from app.textformat.result import IssueLog

TITLE_MAX = 200
HEADING_MAX = 500  # heading, question, answer
PARAGRAPH_MAX = 5_000
URL_MAX = 2_048
SECTIONS_MAX = 100
CITATIONS_MAX = 20
LIST_MAX = 200


class Numbered(Protocol):
    @property
    def number(self) -> int: ...


def check_length(log: IssueLog, line: int, what: str, text: str, limit: int) -> None:
    if len(text) > limit:
        log.error(line, f"the {what} is {len(text)} characters long; at most {limit} are allowed")


def check_count(log: IssueLog, what: str, items: Sequence[Numbered], limit: int) -> None:
    if len(items) > limit:
        log.error(items[limit].number, f"at most {limit} {what} are allowed")
