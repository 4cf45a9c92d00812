"""Hypothesis strategies for article documents.

`template_documents` follow the editorial template's habits (news-style body lines,
casual reactions, summing-up conclusions), which is what the text format promises
to round-trip. `any_documents` put arbitrary text everywhere, for the lossless
Markdown form.
"""

from hypothesis import strategies as st

from app.textformat.document import ArticleDoc, CitationDoc, SectionDoc
from app.textformat.exporter import export as _export

NOUNS = (
    "路線",
    "駅前",
    "住民",
    "自治体",
    "観光客",
    "予算",
    "計画",
    "研究所",
    "探査機",
    "農家",
    "収穫量",
    "市場",
    "価格",
    "雇用",
    "交通網",
    "乗客数",
    "支援策",
    "新技術",
    "調査",
    "課題",
    "対策",
    "地元企業",
    "商店街",
    "漁港",
    "図書館",
    "気象台",
    "観測データ",
    "特産品",
    "運賃",
    "ダイヤ",
)
PLACES = ("北浜", "みなと", "山手", "青葉", "しらかば", "東雲")

noun = st.sampled_from(NOUNS)


@st.composite
def _sentence(draw: st.DrawFn, template: str) -> str:
    return template.format(*(draw(noun) for _ in range(template.count("{}"))))


def sentences(*templates: str) -> st.SearchStrategy[str]:
    return st.sampled_from(templates).flatmap(_sentence)


news_lines = sentences(
    "{}の{}を巡り、{}は{}と協議を重ねた結果、来年度から{}を段階的に見直す方針を示しました。",
    "関係者によると、{}の{}は前年より増えており、{}では{}の確保が急がれています。",
    "{}は記者会見で、{}と{}の連携を強化し、{}の{}を改善する考えを明らかにしました。",
    "昨年の{}では、{}の{}が想定を上回り、{}に対する{}の声が相次いだということです。",
)
headings = sentences("{}と{}の行方", "{}をめぐる{}の動き", "広がる{}と{}")
questions = sentences("{}は{}をどう変える?", "{}の{}、何が決まった？", "{}と{}、鍵は何?")
answers = sentences("{}の{}が鍵。", "{}と{}の両立。", "{}を優先。")
intro_lines = sentences("{}の{}が注目されています。", "{}と{}の関係が焦点となります。")
lead_lines = sentences(
    "{}の{}が揺れている。{}と{}はどこへ向かうのか?",
    "{}と{}をめぐる議論が続く中、{}の{}を読み解く。",
)
comment_heads = sentences("{}の{}は、気になるところですね。", "{}の判断は妥当でしょう。")
comment_continuations = sentences("{}に注目したいです。", "{}にもつながるでしょう。")
reactions = sentences(
    "{}って、そんなに大事なんですね。{}の話、すごい。",
    "{}の{}、知らなかったですね。ほんまに気になります。",
    "{}がこんなに変わるんですね。",
)
conclusions = sentences(
    "{}は{}の中で大切な役割を担っています。",
    "今後の{}と{}に期待しましょう。",
    "{}の{}を見守っていく必要があります。",
)
key_point_lines = sentences("{}は{}にとって重要である。", "{}と{}の連携が求められている。")
urls = st.builds(
    "https://www.example-news.jp/articles/2025/{}{}{}".format,
    st.integers(1, 9999),
    st.sampled_from(("", "?id=12&ref=top", "?q=%E9%89%84")),
    st.sampled_from(("", "#p2", "#section-3")),
)
publishers = st.sampled_from(PLACES).map(lambda place: f"{place}新報:地域のニュースサイト")
iso_dates = st.dates().map(lambda day: day.isoformat())


@st.composite
def _card(draw: st.DrawFn, last_in_section: bool) -> CitationDoc:
    comment = [draw(comment_heads)] if draw(st.booleans()) else []
    # After the section's last card, only one short casual line continues the comment;
    # between cards there is room for two lines under the URL line.
    room = 1 if last_in_section else 2
    if comment:
        comment += draw(st.lists(comment_continuations, max_size=room))
    return {
        "publisher": draw(publishers),
        "url": draw(urls),
        "published_on": draw(st.none() | iso_dates),
        "summary": draw(st.lists(news_lines, min_size=1, max_size=3)),
        "comment": comment,
    }


@st.composite
def _template_section(draw: st.DrawFn) -> SectionDoc:
    count = draw(st.integers(1, 3))
    return {
        "heading": draw(headings),
        "question": draw(questions),
        "answer": draw(answers),
        "intro": draw(st.lists(intro_lines, max_size=2)),
        "citations": [draw(_card(index == count - 1)) for index in range(count)],
        "body": draw(st.lists(news_lines, max_size=4)),
        "reaction": draw(reactions),
    }


@st.composite
def template_documents(draw: st.DrawFn) -> ArticleDoc:
    keywords = draw(st.lists(noun, max_size=4, unique=True))
    return {
        "title": draw(questions),
        "keywords": keywords,
        "subtitle": draw(st.just("") | headings),
        "lead": "\n".join(draw(st.lists(lead_lines, max_size=2))),
        "sections": draw(st.lists(_template_section(), min_size=1, max_size=3)),
        "conclusion": draw(st.lists(conclusions, max_size=3)),
        "key_points": draw(st.lists(key_point_lines, max_size=3)),
    }


# Any characters at all, surrogates aside (they cannot be written as UTF-8).
text = st.text(st.characters(codec="utf-8"), max_size=30)
paragraphs = st.lists(text.filter(bool), max_size=3)
any_urls = st.builds(
    "{}://{}/{}".format,
    st.sampled_from(("http", "https", "HTTPS")),
    st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,10}){0,2}", fullmatch=True),
    text,
)


@st.composite
def _any_card(draw: st.DrawFn) -> CitationDoc:
    return {
        "publisher": draw(text),
        "url": draw(any_urls),
        "published_on": draw(st.none() | iso_dates),
        "summary": draw(paragraphs),
        "comment": draw(paragraphs),
    }


@st.composite
def _any_section(draw: st.DrawFn) -> SectionDoc:
    return {
        "heading": draw(text),
        "question": draw(text),
        "answer": draw(text),
        "intro": draw(paragraphs),
        "citations": draw(st.lists(_any_card(), max_size=2)),
        "body": draw(paragraphs),
        "reaction": draw(st.none() | text),
    }


@st.composite
def any_documents(draw: st.DrawFn) -> ArticleDoc:
    return {
        "title": draw(text.filter(bool)),
        "keywords": draw(st.lists(text, max_size=3)),
        "subtitle": draw(text),
        "lead": draw(text),
        "sections": draw(st.lists(_any_section(), min_size=1, max_size=3)),
        "conclusion": draw(paragraphs),
        "key_points": draw(paragraphs),
    }


# Lines of any shape in any order, markers included, to shake the importer.
template_lines = st.one_of(
    news_lines,
    headings,
    questions,
    answers,
    reactions,
    conclusions,
    comment_continuations,
    st.builds("✅ {}".format, news_lines),
    st.builds("💡 {}".format, key_point_lines),
    st.builds("公開日:{}".format, st.dates().map(lambda day: f"{day:%Y/%m/%d}")),
    st.builds(
        "さらに読む ⇒{}出典/画像元: {}{}".format, publishers, urls, st.just("") | comment_heads
    ),
    st.just(""),
    text,
)
any_inputs = st.lists(template_lines, max_size=40).map("\n".join)


@st.composite
def mutated_articles(draw: st.DrawFn) -> str:
    """An exported template article with a few lines dropped, repeated or added."""
    lines = _export(draw(template_documents())).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(("drop", "repeat", "insert")))
        if action == "drop" and len(lines) > 1:
            del lines[at]
        elif action == "repeat":
            lines.insert(at, lines[at])
        else:
            lines.insert(at, draw(template_lines))
    return "\n".join(lines)
