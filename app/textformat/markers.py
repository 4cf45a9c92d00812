"""The marked lines of the template: source date, summary bullet, read-more, key point.

Each reader returns the parsed value or an error message saying what was expected.
"""

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from urllib.parse import urlsplit

from app.core.uri import URI_CHARS
from app.textformat.limits import URL_MAX


class Kind(Enum):
    TEXT = "text"
    DATE = "date"
    BULLET = "bullet"
    READ_MORE = "read-more"
    KEY_POINT = "key point"


BULLET = "✅"
KEY_POINT = "💡"
READ_MORE = "さらに読む"
DATE_LABEL = "公開日"
SOURCE_LABEL = "出典/画像元"

_EMOJI_VARIATION = "\ufe0f"
# A date line is 公開日 followed by a colon or straight by the date; prose that merely
# starts with the word (公開日は未定…) stays text.
_DATE_LINE = re.compile(r"公開日\s*[:：0-9０-９]")
_DATE = re.compile(
    r"公開日\s*[:：]?\s*([0-9０-９]{4})\s*[/／\-.]\s*([0-9０-９]{1,2})\s*[/／\-.]\s*([0-9０-９]{1,2})"
)
_READ_MORE = re.compile(r"さらに読む\s*⇒?(?P<publisher>.*?)出典[/／]画像元\s*[:：]\s*(?P<rest>.*)")
_URL = re.compile(rf"https?://[{URI_CHARS}]*", re.IGNORECASE)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def kind_of(text: str) -> Kind:
    if text.startswith(BULLET):
        return Kind.BULLET
    if text.startswith(KEY_POINT):
        return Kind.KEY_POINT
    if text.startswith(READ_MORE):
        return Kind.READ_MORE
    if _DATE_LINE.match(text):
        return Kind.DATE
    return Kind.TEXT


def marked_text(text: str, marker: str) -> str:
    """The text after a ✅ or 💡 marker (any spacing, with or without U+FE0F)."""
    return text.removeprefix(marker).removeprefix(_EMOJI_VARIATION).strip()


def read_date(text: str) -> str | None:
    """`公開日:2025/1/5` -> "2025-01-05"; None when there is no valid date."""
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


@dataclass(frozen=True)
class ReadMore:
    publisher: str
    url: str
    comment: str  # what follows the URL on the same line


def read_read_more(text: str) -> ReadMore | str:
    """Parse a read-more line; a string result is the error message."""
    match = _READ_MORE.fullmatch(text)
    if match is None:
        return f"expected '{READ_MORE} ⇒PUBLISHER{SOURCE_LABEL}: URL'"
    publisher = match["publisher"].strip()
    rest = match["rest"]
    url_match = _URL.match(rest)
    if url_match is None:
        scheme = _SCHEME.match(rest)
        if scheme:
            return f"only http and https source URLs are accepted, not {scheme[0]}"
        return f"expected an http:// or https:// URL after {SOURCE_LABEL}:"
    url = url_match[0]
    if not urlsplit(url).hostname:
        return f"expected a host name in the URL {url}"
    if len(url) > URL_MAX:
        return f"the URL is {len(url)} characters long; at most {URL_MAX} are allowed"
    if not publisher:
        return f"expected the publisher's name between ⇒ and {SOURCE_LABEL}:"
    return ReadMore(publisher, url, rest[url_match.end() :].strip())


def format_read_more(publisher: str, url: str, comment: str) -> str:
    # A comment that starts with a URL character would read back as part of the URL.
    gap = " " if comment and re.match(f"[{URI_CHARS}]", comment) else ""
    return f"{READ_MORE} ⇒{publisher}{SOURCE_LABEL}: {url}{gap}{comment}"


def format_date(published_on: str) -> str:
    return f"{DATE_LABEL}:{published_on.replace('-', '/')}"
