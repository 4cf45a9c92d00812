"""Escaping for one line of Markdown text that must read back to the exact string.

Written with CommonMark's own means, so the text also renders as written:
backslash before ASCII punctuation, and numeric character references `&#xHEX;` for
control and line-separator characters anywhere and for white space at either end
(which editors and the line reader would otherwise eat). Every literal `\\` and `&`
is escaped, so a reference in the output is always one the writer made.
"""

import re
import string
import unicodedata

# Inline syntax (emphasis, code, links, raw HTML, strikethrough) and the escapes themselves.
_ALWAYS = frozenset("\\&*_`[]<>~")
_ENCODED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
# "1. text" and "1) text" would start an ordered list.
_ORDERED_LIST = re.compile(r"^([0-9]{1,9})([.)])")
_TOKEN = re.compile(r"\\(.)|&#x([0-9A-Fa-f]{1,6});", re.DOTALL)


def escape(text: str) -> str:
    last = len(text) - 1
    out: list[str] = []
    for index, char in enumerate(text):
        if char in _ALWAYS:
            out.append("\\" + char)
        elif unicodedata.category(char) in _ENCODED_CATEGORIES or (
            char.isspace() and index in (0, last)
        ):
            out.append(f"&#x{ord(char):X};")
        else:
            out.append(char)
    escaped = "".join(out)
    # A leading # > - + = | … could start a block; `\` and `&` already begin escapes.
    if escaped and escaped[0] in string.punctuation and escaped[0] not in "\\&":
        return "\\" + escaped
    return _ORDERED_LIST.sub(r"\1\\\2", escaped)


def unescape(text: str) -> str:
    return _TOKEN.sub(_decode_token, text)


def _decode_token(match: re.Match[str]) -> str:
    escaped, code = match.groups()
    if escaped is not None:
        return escaped
    value = int(code, 16)
    return chr(value) if value <= 0x10FFFF else match[0]
