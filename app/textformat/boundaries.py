"""Rules for the boundaries the template does not mark.

The template's habits (spec "Boundaries that the template does not mark"):

* Section start: a heading line, then a question line ending with ? or ？, then an answer
  that is not a question. Headings are noun phrases, so a candidate whose heading does
  not end a sentence (。！？) wins over one whose heading does; among equals, the first.
* Comment / body: the comment is the text after the URL plus at most one continuation
  line, taken only when that text exists and the next line is short (< 40 characters)
  and in the comment's casual voice (ですね。 でしょう。 したいです。 …). A read-more
  line with nothing after the URL has an empty comment and the body starts below it.
  Between two cards of one section there is no body, so the (at most two) lines there
  all continue the first card's comment.
* Body / reaction: the reaction is the section's last line.
* Reaction / conclusion: in the last section the reaction is the last casual line
  (ね。 よ。 すごい ほんま … outside 「quotes」) among the final four; the one to three
  lines after it are the conclusion. With no casual line there, trailing lines in the
  summing-up voice (…ます。 …です。 …ましょう。 …でしょう。) are the conclusion.
"""

import re
from collections.abc import Sequence

from app.textformat.lines import Line

CONCLUSION_MAX = 3
COMMENT_LINE_MAX = 40

_QUESTION_ENDS = ("?", "？")
_SENTENCE_ENDS = ("。", "．", "!", "！", "?", "？")
_QUOTED = re.compile(r"「[^「」]*」|『[^『』]*』")
_SENTENCE_BREAK = re.compile(r"[。．!！?？…]+")
_CASUAL_WORDS = ("すごい", "すごく", "ほんま", "じゃん", "やばい", "なぁ", "なあ")
_CASUAL_SENTENCE_ENDS = ("ね", "よ", "よな", "かな", "だな", "わ", "やん", "やな")
_COMMENT_ENDS = (
    "でしょう。",
    "でしょうか。",
    "たいです。",
    "ましょう。",
    "かも。",
    "かもしれません。",
    "と思います。",
    "気がします。",
)
_SUMMING_UP_ENDS = ("ます。", "です。", "ましょう。", "でしょう。")


def is_question(text: str) -> bool:
    return text.endswith(_QUESTION_ENDS)


def ends_sentence(text: str) -> bool:
    return text.endswith(_SENTENCE_ENDS)


def is_casual(text: str) -> bool:
    """Spoken, chatty Japanese: the voice of reactions and comments."""
    spoken = _QUOTED.sub("", text)
    if any(word in spoken for word in _CASUAL_WORDS):
        return True
    sentences = (s.rstrip("ー〜~") for s in _SENTENCE_BREAK.split(spoken))
    return any(s.endswith(_CASUAL_SENTENCE_ENDS) for s in sentences if s)


def is_comment_continuation(text: str) -> bool:
    return len(text) < COMMENT_LINE_MAX and (text.endswith(_COMMENT_ENDS) or is_casual(text))


def find_section_start(region: Sequence[Line]) -> int | None:
    """Index of the heading of the section that starts in `region`, if one does."""
    texts = [line.text for line in region]
    candidates = [
        j
        for j in range(len(texts) - 2)
        if is_question(texts[j + 1]) and not is_question(texts[j + 2])
    ]
    preferred = (j for j in candidates if not ends_sentence(texts[j]))
    return next(preferred, next(iter(candidates), None))


def explain_missing_start(region: Sequence[Line], card_line: int) -> tuple[int, str]:
    """Where and what, when no section start precedes the card at `card_line`."""
    if region and is_question(region[-1].text):
        return card_line, "expected the answer line after the question, before the source card"
    # Lead, comment, body and reaction lines end sentences; a heading does not.
    heading = next((j for j, line in enumerate(region) if not ends_sentence(line.text)), None)
    if heading is not None and heading + 1 < len(region):
        return (
            region[heading + 1].number,
            "expected a question line ending with ? or ？ after the section heading",
        )
    return (
        card_line,
        "expected a section heading, a question line ending with ? or ？ and an answer "
        "before this source card",
    )


def conclusion_start(tail: Sequence[Line]) -> int:
    """Index in the last section's tail where the conclusion starts (len: none)."""
    count = len(tail)
    reach = min(CONCLUSION_MAX, count - 1)
    for back in range(reach + 1):
        if is_casual(tail[count - 1 - back].text):
            return count - back
    summing_up = 0
    while summing_up < reach and tail[count - 1 - summing_up].text.endswith(_SUMMING_UP_ENDS):
        summing_up += 1
    return count - summing_up
