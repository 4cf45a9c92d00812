"""The pure mappers: exact output (golden files), escaping, and what summary views leave out."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest

from app.syndication import atom, fragment, html, jsonfeed, jsonld, ninjs, plaintext
from app.syndication.view import ArticleView
from tests.syndication.golden import assert_golden
from tests.syndication.sample import MARKERS, feed_meta, full_view, summary_view


def test_jsonfeed_golden() -> None:
    assert_golden("summaries.json", jsonfeed.feed([summary_view()], feed_meta("json")))


def test_atom_golden() -> None:
    assert_golden("summaries.atom", atom.feed([summary_view()], feed_meta("atom")))


def test_ninjs_golden() -> None:
    assert_golden("article.ninjs.json", ninjs.ninjs(full_view()))
    assert_golden("summary.ninjs.json", ninjs.ninjs(summary_view()))


def test_jsonld_golden() -> None:
    assert_golden("article.jsonld", jsonld.news_article(full_view()))
    assert_golden("summary.jsonld", jsonld.news_article(summary_view()))


def test_html_golden() -> None:
    view = full_view()
    assert_golden("article.html", html.page(view, jsonld=jsonld.news_article(view)))


def test_plaintext_golden() -> None:
    assert_golden("article.txt", plaintext.article_text(full_view()))
    assert_golden("summary.txt", plaintext.article_text(summary_view()))


class _Text(HTMLParser):
    """The text and attribute values a browser would see."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.hrefs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(markup: str) -> _Text:
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return parser


def test_fragment_escapes_text_and_attributes() -> None:
    view = full_view()
    markup = fragment.article_html(view)
    parsed = _parse(markup)
    # The title's and publisher's angle brackets stay text, never become elements.
    assert "電子版" not in parsed.tags
    assert "山あい新聞 <電子版>" in parsed.text
    assert "札は1枚1500円 & 三湯まで。" in parsed.text
    assert "&amp;" in markup
    url = "https://news.yamaai.example.jp/%E8%A8%98%E4%BA%8B/2025/12?id=7&lang=ja"
    assert url in parsed.hrefs
    assert f'href="{url.replace("&", "&amp;")}"' in markup
    assert set(parsed.tags) <= {"p", "section", "h2", "h3", "ul", "li", "a", "time"}


def test_html_page_escapes_and_embeds_json_ld_safely() -> None:
    view = full_view()
    page = html.page(view, jsonld=jsonld.news_article(view))
    parsed = _parse(page)
    assert "山あいの温泉街は<冬の客>を取り戻せるか?" in parsed.text  # <title> and <h1>
    assert "<冬の客>" not in page
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert script is not None
    assert "<" not in script.group(1)
    assert html.script_json({"a": "</script><b>"}) == '{"a":"\\u003c/script>\\u003cb>"}'
    assert page.startswith('<!DOCTYPE html>\n<html lang="ja">')
    assert f'<link rel="canonical" href="{view.url}?format=html">' in page
    assert f'<link rel="alternate" type="application/json" href="{view.url}">' in page


def test_ninjs_uris_are_percent_encoded_and_char_count_is_text_only() -> None:
    doc = ninjs.ninjs(full_view())
    uris = [a["uri"] for a in doc["associations"]]
    assert uris[0] == ("https://news.yamaai.example.jp/%E8%A8%98%E4%BA%8B/2025/12?id=7&lang=ja")
    body = doc["bodies"][0]
    assert body["charCount"] == ninjs.text_length(body["value"])
    assert body["charCount"] < len(body["value"])
    assert ninjs.text_length("<p>a&amp;b</p><p>漢字</p>") == 5


@pytest.mark.parametrize("kind", ["jsonfeed", "atom", "ninjs", "jsonld", "html", "text"])
def test_summary_views_carry_no_full_text(kind: str) -> None:
    summary = _render(kind, summary_view())
    full = _render(kind, full_view())
    for field, marker in MARKERS.items():
        assert marker not in summary, f"{kind} of a summary view leaks the {field}"
    # The same mapper does carry them for a full view, so the check above is not vacuous.
    assert all(m in full for m in MARKERS.values()), kind


def _render(kind: str, view: ArticleView) -> str:
    if kind == "jsonfeed":
        return str(jsonfeed.feed([view], feed_meta("json")))
    if kind == "atom":
        return atom.feed([view], feed_meta("atom")).decode()
    if kind == "ninjs":
        return str(ninjs.ninjs(view))
    if kind == "jsonld":
        return str(jsonld.news_article(view))
    if kind == "html":
        return html.page(view, jsonld=jsonld.news_article(view))
    return plaintext.article_text(view)


def test_summary_ninjs_is_partial_and_full_ninjs_is_full() -> None:
    assert ninjs.ninjs(summary_view())["representationType"] == "partial"
    assert ninjs.ninjs(full_view())["representationType"] == "full"
    assert "articleBody" not in jsonld.news_article(summary_view())


def test_atom_drops_characters_xml_cannot_carry() -> None:
    view = summary_view()
    odd = dataclasses.replace(view, title="見出し\ufffe\uffff")
    out = atom.feed([odd], feed_meta("atom"))
    assert "見出し\ufffd\ufffd".encode() in out
