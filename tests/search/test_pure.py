"""The pure parts of search: segmenter, words, query syntax, expressions and snippets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import InvalidParameter
from app.search import expression, query, segment, snippet, words
from app.search.fields import GROUPS, IN_GROUPS, Piece
from app.search.segment import SEPARATOR


def test_index_tokens_are_overlapping_bigrams_plus_the_last_character() -> None:
    assert segment.tokens("東京都の知事") == ["東京", "京都", "都の", "の知", "知事", "事"]
    assert segment.tokens("lng価格、2025") == [
        "ln",
        "ng",
        "g価",
        "価格",
        "格",
        "20",
        "02",
        "25",
        "5",
    ]
    assert (
        segment.index_text(["ＬＮＧ", "", "  ", "ｶﾀｶﾅ"]) == f"ln ng g {SEPARATOR} カタ タカ カナ ナ"
    )


def test_query_phrases() -> None:
    assert segment.phrase("京都") == segment.Phrase(("京都",), prefix=False)
    assert segment.phrase("米") == segment.Phrase(("米",), prefix=True)
    assert segment.phrase("日米 同盟") == segment.Phrase(("日米", "米", "同盟"), prefix=False)
    assert segment.phrase("、。") is None


@given(st.text(alphabet="東京都米国防日中あいうアイウabc12 、", min_size=1, max_size=30))
def test_a_query_phrase_matches_exactly_where_the_text_holds_the_term(text: str) -> None:
    """Substring semantics: the term's tokens appear in order in the text's tokens iff the
    normalised text holds the term (inside one run of letters and digits)."""
    norm = segment.normalise(text)
    doc = segment.tokens(norm)
    for run in segment.RUN.findall(norm):
        for i in range(len(run)):
            for j in range(i + 1, min(len(run), i + 4) + 1):
                phrase = segment.phrase(run[i:j])
                assert phrase is not None
                assert _contains(doc, phrase)


def _contains(doc: list[str], phrase: segment.Phrase) -> bool:
    n = len(phrase.tokens)
    for start in range(len(doc) - n + 1):
        window = doc[start : start + n]
        head, last = window[:-1], window[-1]
        if list(phrase.tokens[:-1]) == head and (
            last.startswith(phrase.tokens[-1]) if phrase.prefix else last == phrase.tokens[-1]
        ):
            return True
    return False


def test_words_split_kanji_and_keep_other_scripts_whole() -> None:
    assert words.words("東京都の知事") == ["東京", "都", SEPARATOR, "知事"]
    assert words.words("米国防総省") == ["米", "国防", "総省"]
    assert words.words("lng価格とデータセンター") == ["lng", "価格", SEPARATOR, "データセンター"]
    assert words.phrase("京都") == ("京都",)
    assert words.phrase("見直す") == ()  # the words do not spell the whole term
    assert words.phrase("日米 同盟") == ()


def test_query_syntax() -> None:
    q = query.parse('京都 -東京都 "日米 同盟" 「首脳会談」 ＬＮＧ')
    assert [t.text for t in q.terms] == ["京都", "日米 同盟", "首脳会談", "lng"]
    assert [t.text for t in q.excluded] == ["東京都"]
    for bad in ("", "   ", "、。！", "-京都", "x" * 201, " ".join("abcdefghijklmnopq")):
        with pytest.raises(InvalidParameter):
            query.parse(bad)


def test_expressions() -> None:
    q = query.parse("京都 -東京都 米")
    assert expression.fts(q, IN_GROUPS["questions"]) == (
        '(({qa} : "京都" OR {qa_w} : "京都") AND ({qa} : "米" * OR {qa_w} : "米"))'
        ' NOT ({qa} : "東京 京都")'
    )
    # All four weight labels restrict nothing: they are left out (an exact GIN match).
    assert expression.tsquery(q, IN_GROUPS["all"]) == ("('京都') & ('米':*) & !('東京' <-> '京都')")
    assert expression.word_tsqueries(q, frozenset(GROUPS)) == ["('京都')", "('米')"]
    assert expression.tsquery(q, IN_GROUPS["summaries"]) == (
        "('京都':C) & ('米':*C) & !('東京':C <-> '京都':C)"
    )


def test_snippet_offsets_point_at_the_original_text() -> None:
    text = "ｶﾞｲﾄﾞ：東京都と京都府のＬＮＧ基地"
    doc = {"title": text, "sections": []}
    s = snippet.best(doc, query.parse("京都 lng").terms, GROUPS)
    assert [s.text[a:b] for a, b in s.highlights] == ["京都", "京都", "ＬＮＧ"]
    assert s.html.count("<mark>") == 3


def test_long_snippets_are_cut_around_the_first_match() -> None:
    piece = Piece("body", "body", 2, "前置き。" * 40 + "<京都>" + "後書き。" * 40)
    s = snippet.cut(piece, [(160, 164)])
    assert s.text.startswith("…")
    assert s.text.endswith("…")
    assert len(s.text) == snippet.WIDTH + 2
    [(a, b)] = s.highlights
    assert s.text[a:b] == "<京都>"
    assert "&lt;京都&gt;" in s.html


def test_words_can_be_made_by_many_threads_at_once() -> None:
    from concurrent.futures import ThreadPoolExecutor

    text = "東京都の知事と米国防総省の長官が会談した。" * 50
    expected = words.words(text)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(words.words, [text] * 64))
    assert all(r == expected for r in results)


@given(st.text(alphabet="東京ｶﾞｷﾞＬＮＧabcＡＢＣ？！、。「」㍿ﬁé\u0301 ", max_size=40))
def test_the_character_map_points_each_normalised_character_at_its_source(text: str) -> None:
    norm, starts, ends = snippet._normalised(text)
    assert norm == segment.normalise(text)
    assert len(starts) == len(ends) == len(norm)
    for k, c in enumerate(norm):
        assert c in segment.normalise(text[starts[k] : ends[k]])


@given(st.lists(st.text(alphabet="東京ｶﾞｷﾞﾟＬＮＧabcΣσＡＢＣ？！、。㍿ﬁeé\u0301\u3099 ", max_size=12)))
def test_a_group_is_normalised_as_its_joined_text(texts: list[str]) -> None:
    """Only the texts NFKC changes are normalised one by one; the result is the same."""
    joined = snippet._JOIN.join(texts)
    assert snippet._normalised_joined(texts) == segment.normalise(joined)
