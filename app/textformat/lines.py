"""Input text to numbered, normalised, non-blank lines.

Normalisation per the spec: UTF-8, leading BOM dropped, CRLF and CR read as LF.
Each line is stripped of surrounding white space (trailing spaces and tabs by the spec;
leading white space too, because stored strings carry none), and blank lines are
skipped but still counted, so every line keeps its number in the input.
"""

import re
from dataclasses import dataclass

from app.textformat.result import IssueLog

BOM = "\ufeff"
# A binary file would otherwise give one error per line.
MAX_ENCODING_ERRORS = 20
_LINE_BREAK = re.compile(rb"(\r\n|\r|\n)")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, counting blank lines
    text: str


def read_lines(data: str | bytes, log: IssueLog) -> list[Line]:
    text = _decode(data, log) if isinstance(data, bytes) else data
    text = normalise_newlines(text.removeprefix(BOM))
    return [
        Line(number, raw.strip())
        for number, raw in enumerate(text.split("\n"), start=1)
        if raw.strip()
    ]


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, log: IssueLog) -> str:
    """Decode UTF-8 line by line, reporting each line that holds an invalid byte.

    Bad bytes are replaced rather than fatal so that the rest of the file can still be
    checked and every problem reported in one pass. Line-break bytes never occur inside
    a UTF-8 sequence, so splitting the bytes first is safe.
    """
    pieces = _LINE_BREAK.split(data)
    decoded: list[str] = []
    bad_lines = 0
    for index, piece in enumerate(pieces):
        try:
            decoded.append(piece.decode("utf-8"))
        except UnicodeDecodeError as exc:
            decoded.append(piece.decode("utf-8", errors="replace"))
            bad_lines += 1
            line = index // 2 + 1  # pieces alternate: line, break, line, ...
            if bad_lines <= MAX_ENCODING_ERRORS:
                log.error(
                    line, f"expected UTF-8 text; found the invalid byte 0x{piece[exc.start]:02X}"
                )
            elif bad_lines == MAX_ENCODING_ERRORS + 1:
                log.error(line, "expected UTF-8 text; more lines with invalid bytes are not listed")
    return "".join(decoded)
