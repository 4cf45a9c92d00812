"""The title line: `TITLE(KW1、KW2、KW3)SUBTITLE`.

Which parenthesised group holds the keywords: the first group whose content has a
keyword separator; failing that an empty group `()` (the exporter's way of saying
"no keywords" when a subtitle or a bracket in the title follows); failing that the
first group, as a single keyword. No group at all: the whole line is the title.
"""

import re
from dataclasses import dataclass

_GROUP = re.compile(r"[(（]([^()（）]*)[)）]")
_SEPARATOR = re.compile(r"[、,，]")


@dataclass(frozen=True)
class TitleParts:
    title: str
    keywords: list[str]
    subtitle: str
    duplicates: list[str]  # keywords given twice; kept once


def split_title_line(text: str) -> TitleParts:
    groups = list(_GROUP.finditer(text))
    chosen = (
        next((g for g in groups if _SEPARATOR.search(g[1])), None)
        or next((g for g in groups if not g[1].strip()), None)
        or next(iter(groups), None)
    )
    if chosen is None:
        return TitleParts(text, [], "", [])
    keywords: list[str] = []
    duplicates: list[str] = []
    for item in _SEPARATOR.split(chosen[1]):
        keyword = item.strip()
        if keyword in keywords:
            duplicates.append(keyword)
        elif keyword:
            keywords.append(keyword)
    title = text[: chosen.start()].strip()
    subtitle = text[chosen.end() :].strip()
    return TitleParts(title, keywords, subtitle, duplicates)


def format_title_line(title: str, keywords: list[str], subtitle: str) -> str:
    if keywords:
        return f"{title}({'、'.join(keywords)}){subtitle}"
    if subtitle or _GROUP.search(title):
        # Without the empty group the subtitle would read back as part of the title,
        # and a bracket in the title as its keywords.
        return f"{title}(){subtitle}"
    return title
