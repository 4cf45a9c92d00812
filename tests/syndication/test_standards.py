"""Each format against its standard: ninjs 3.1 and JSON Feed 1.1 by their JSON Schemas (with
format checking on), Atom through feedparser, JSON-LD through a JSON-LD processor (pyld)."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
from jsonschema import Draft7Validator, Draft202012Validator, FormatChecker
from pyld import jsonld as ld

from app.syndication import atom, jsonfeed, jsonld, ninjs
from tests.syndication import standards
from tests.syndication.sample import feed_meta, full_view, summary_view


def _errors(validator: Any, doc: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_format_checking_is_really_on() -> None:
    # Without rfc3339-validator and rfc3986-validator, jsonschema skips these formats silently.
    checker = FormatChecker()
    assert not checker.conforms("2025-12-01 09:30", "date-time")
    assert not checker.conforms("not a uri", "uri")
    assert checker.conforms("2025-12-01T00:30:00Z", "date-time")


@pytest.fixture(scope="module")
def ninjs_validator() -> Draft202012Validator:
    schema = standards.schema(standards.NINJS)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.mark.parametrize("view", [full_view, summary_view], ids=["full", "summary"])
def test_ninjs_is_valid_3_1(ninjs_validator: Draft202012Validator, view: Any) -> None:
    doc = ninjs.ninjs(view())
    assert _errors(ninjs_validator, doc) == []
    assert doc["standard"]["version"] == "3.1"
    assert [h["role"] for h in doc["headlines"]] == ["main", "subhead"]
    assert [s["name"] for s in doc["subjects"]] == ["温泉", "観光", "R&D"]
    assert len(doc["bodies"]) == 1
    assert doc["bodies"][0]["contentType"] == "text/html"
    assert [a["rel"] for a in doc["associations"]] == ["citation"] * 3
    assert doc["language"] == "ja"
    assert doc["firstCreated"] == "2025-12-01T00:30:00Z"
    assert doc["versionCreated"] == "2025-12-02T03:04:05Z"


def test_ninjs_schema_catches_what_we_could_get_wrong(
    ninjs_validator: Draft202012Validator,
) -> None:
    doc = ninjs.ninjs(full_view())
    for broken in (
        {**doc, "keywords": ["温泉"]},  # unknown top-level property
        {**doc, "versionCreated": "2025-12-02 03:04"},  # not RFC 3339
        {**doc, "uri": "http://kiji.test/v1/articles/記事 1"},  # not a URI
        {**doc, "associations": [{"rel": "citation", "uri": "https://example.jp/"}]},  # no name
    ):
        assert _errors(ninjs_validator, broken), broken


@pytest.fixture(scope="module")
def jsonfeed_validator() -> Draft7Validator:
    schema = standards.schema(standards.JSON_FEED)
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=FormatChecker())


@pytest.mark.parametrize("next_cursor", ["abc-_123", None])
def test_json_feed_is_valid_1_1(jsonfeed_validator: Draft7Validator, next_cursor: Any) -> None:
    meta = feed_meta("json", next_cursor=next_cursor)
    doc = jsonfeed.feed([summary_view(), summary_view()], meta)
    assert _errors(jsonfeed_validator, doc) == []
    assert ("next_url" in doc) == (next_cursor is not None)
    assert doc.get("next_url") != doc["feed_url"]
    item = doc["items"][0]
    assert item["tags"] == ["温泉", "観光", "R&D"]
    assert item["summary"] == "雪深い温泉街で、旅館組合が湯めぐり札を復活させた。\n客足は戻るのか。"
    assert item["_kiji"]["citations"][0]["host"] == "news.yamaai.example.jp"
    broken = {**doc, "items": [{**item, "date_modified": "昨日"}]}
    assert _errors(jsonfeed_validator, broken)
    no_content = {k: v for k, v in item.items() if not k.startswith("content_")}
    assert _errors(jsonfeed_validator, {**doc, "items": [no_content]})


def test_atom_parses_without_errors_and_keeps_ids_dates_and_tags() -> None:
    raw = atom.feed([summary_view()], feed_meta("atom"))
    parsed = feedparser.parse(raw)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id == "http://kiji.test/v1/feeds/summaries.atom"
    assert parsed.feed.language == "ja"
    assert parsed.feed.author == "Kiji"
    assert parsed.feed.updated_parsed[:6] == (2025, 12, 2, 3, 4, 5)
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links["next"] == "http://kiji.test/v1/feeds/summaries.atom?cursor=NEXT"
    assert links["self"] == "http://kiji.test/v1/feeds/summaries.atom"
    [entry] = parsed.entries
    assert entry.id == "http://kiji.test/v1/articles/yamaai-onsen"
    assert entry.title == "山あいの温泉街は<冬の客>を取り戻せるか?"
    assert entry.published_parsed[:6] == (2025, 12, 1, 0, 30, 0)
    assert entry.updated_parsed[:6] == (2025, 12, 2, 3, 4, 5)
    assert [t.term for t in entry.tags] == ["温泉", "観光", "R&D"]
    assert entry.summary == "雪深い温泉街で、旅館組合が湯めぐり札を復活させた。\n客足は戻るのか。"
    [content] = entry.content
    assert content.type == "text/html"
    assert '<h3 class="question">なぜ今、湯めぐり札なのか？</h3>' in content.value
    assert "山あい新聞 &lt;電子版&gt;" in content.value
    by_rel: dict[str, list[str]] = {}
    for link in entry.links:
        by_rel.setdefault(link.rel, []).append(link.href)
    assert by_rel["alternate"][0] == "http://kiji.test/v1/articles/yamaai-onsen?format=html"
    assert by_rel["related"] == [
        "https://news.yamaai.example.jp/%E8%A8%98%E4%BA%8B/2025/12?id=7&lang=ja",
        "https://onsen-journal.example.com/a/2025/winter",
    ]


def test_empty_atom_page_is_still_a_valid_feed() -> None:
    parsed = feedparser.parse(atom.feed([], feed_meta("atom", next_cursor=None)))
    assert parsed.bozo == 0
    assert parsed.entries == []
    assert parsed.feed.updated_parsed[:3] == (1970, 1, 1)


# A local stand-in for https://schema.org's context: the vocabulary plus the IRI-typed terms
# we use (the real one declares `url` and `mainEntityOfPage` the same way).
_SCHEMA_ORG_CONTEXT = {
    "@context": {
        "@vocab": "http://schema.org/",
        "schema": "http://schema.org/",
        "url": {"@id": "schema:url", "@type": "@id"},
        "mainEntityOfPage": {"@id": "schema:mainEntityOfPage", "@type": "@id"},
    }
}
S = "http://schema.org/"


def _local_loader(url: str, options: Any = None) -> dict[str, Any]:
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {"contextUrl": None, "documentUrl": url, "document": _SCHEMA_ORG_CONTEXT}


def test_json_ld_expands_to_a_news_article_with_citations_and_questions() -> None:
    doc = jsonld.news_article(full_view())
    [node] = ld.expand(doc, {"documentLoader": _local_loader})
    assert node["@id"] == "http://kiji.test/v1/articles/yamaai-onsen"
    assert node["@type"] == [f"{S}NewsArticle"]
    assert node[f"{S}headline"] == [{"@value": "山あいの温泉街は<冬の客>を取り戻せるか?"}]
    assert node[f"{S}mainEntityOfPage"] == [
        {"@id": "http://kiji.test/v1/articles/yamaai-onsen?format=html"}
    ]
    cited = [c[f"{S}url"][0]["@id"] for c in node[f"{S}citation"]]
    assert cited == [
        "https://news.yamaai.example.jp/%E8%A8%98%E4%BA%8B/2025/12?id=7&lang=ja",
        "https://onsen-journal.example.com/a/2025/winter",
    ]
    assert all(c["@type"] == [f"{S}CreativeWork"] for c in node[f"{S}citation"])
    questions = node[f"{S}hasPart"]
    assert [q["@type"] for q in questions] == [[f"{S}Question"]] * 2
    assert [q[f"{S}name"][0]["@value"] for q in questions] == [
        "なぜ今、湯めぐり札なのか？",
        "冬の客は戻ってきた?",
    ]
    answer = questions[0][f"{S}acceptedAnswer"][0]
    assert answer["@type"] == [f"{S}Answer"]
    assert answer[f"{S}text"] == [{"@value": "宿泊客に街を歩いてもらうため。"}]
    # Every key we emit survives expansion (none is silently dropped as unknown).
    assert {k for k in doc if not k.startswith("@")} == {
        k.removeprefix(S) for k in node if not k.startswith("@")
    }


def test_json_ld_becomes_rdf_triples() -> None:
    doc = jsonld.news_article(summary_view())
    nquads = ld.to_rdf(doc, {"documentLoader": _local_loader, "format": "application/n-quads"})
    article = "<http://kiji.test/v1/articles/yamaai-onsen>"
    assert f"{article} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{S}NewsArticle> ." in (
        nquads
    )
    assert nquads.count(f"{article} <{S}citation> _:") == 2
    assert nquads.count(f"{article} <{S}hasPart> _:") == 2
    assert f"<{S}articleBody>" not in nquads
