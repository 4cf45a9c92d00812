"""A search quality corpus: generated articles, a query set, and the truth to check against.

Articles are built from original filler sentences plus "probe" sentences that plant the
query set's words: each word-boundary pair has a sentence where the word is a word (京都で…)
and one where it only appears across a word boundary (東京都で…). The truth is computed from
the text, not assumed: a hit is any article whose normalised text holds every term as a
substring (what ``LIKE '%q%'`` finds), and a hit is a true word match when the analyser
splits some occurrence out as a word. ``bench/search_bench.py`` plants the same probes into
full-size articles."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from app.search import query as search_query
from app.search.fields import GROUPS, Group, pieces
from app.search.segment import normalise
from app.search.snippet import pattern
from app.search.words import words

# (word, a sentence with it as a word, a sentence with it only across a word boundary)
PAIRS: tuple[tuple[str, str, str], ...] = (
    ("京都", "京都で紅葉祭りが始まった。", "東京都で新しい条例が成立した。"),
    ("米国", "米国の大統領が演説した。", "米国防総省が予算を公表した。"),
    ("都市", "都市の再開発が進む。", "京都市の人口が減った。"),
    ("外交", "外交の方針が示された。", "海外交流の催しが開かれた。"),
    ("国民", "国民の声を聞く集会があった。", "中国民主化の歴史を学ぶ講座があった。"),
    ("生活", "生活の質を高める取り組みだ。", "学生活動の発表会があった。"),
    ("方法", "方法を見直すことになった。", "地方法人税の改正が議論された。"),
    ("本社", "本社を移転する計画だ。", "日本社会の変化を描いた。"),
    ("議会", "議会で予算が可決された。", "会議会場の準備が整った。"),
    ("大会", "大会の開会式が行われた。", "最大会派が声明を出した。"),
    ("会議", "会議で結論が出た。", "社会議論を呼ぶ発言だった。"),
    ("学生", "学生が実験を行った。", "大学生が地域で活動した。"),
    ("一部", "一部の地域で停電した。", "統一部門の責任者が交代した。"),
    ("校長", "校長が挨拶をした。", "学校長期休暇の日程が決まった。"),
    ("国会", "国会で法案が審議された。", "中国会社の決算が発表された。"),
    ("中国", "中国の経済指標が公表された。", "日中国交正常化の記念式典が開かれた。"),
    ("市場", "市場の動向を注視している。", "都市場外の開発が進んだ。"),
    ("電車", "電車の本数が増えた。", "無電車両の試験が始まった。"),
    ("自動", "自動で運転する車だ。", "各自動画を撮影した。"),
)

# Other planted sentences: ASCII and mixed terms in both widths, long words, rare words.
PROBES: tuple[str, ...] = (
    "ＬＮＧの輸入価格が上がった。",
    "LNG価格の高止まりが続く。",
    "NATOの首脳会談が開かれた。",
    "AI規制の議論が始まった。",
    "ＡＩを使った配車の実験だ。",
    "G7サミットで声明が採択された。",
    "COVID-19対策の補助金が終わった。",
    "日米安全保障条約の運用が話し合われた。",
    "再生可能エネルギーの導入が進む。",
    "地方自治体の財政が厳しい。",
    "防衛費の増額が決まった。",
    "ｶﾀｶﾅ表記の看板が増えた。",
    "駅前の再開発が始まった。",
    "消費税の議論が続く。",
)
RARE: tuple[str, ...] = (
    "辺野古の工事が再開された。",
    "柿渋を使った染め物が人気だ。",
    "雪囲いの作業が始まった。",
)

_PLACES = ("港町", "山あいの村", "城下町", "湖畔の町", "新興住宅地", "商店街")
_TOPICS = ("図書館", "路線バス", "朝市", "診療所", "温泉", "棚田", "造船所", "公民館")
_FILLER = (
    "{place}の{topic}について住民の意見が分かれている。",
    "{topic}の運営は地域の課題になっている。",
    "町は来年度の計画に{topic}の改修を盛り込んだ。",
    "{place}では高齢化が進み、担い手が不足している。",
    "政府の補助を受けて{topic}の整備が進む。",
    "利用者の数は少しずつ回復している。",
    "専門家は長期的な視点が必要だと指摘する。",
    "関係者は週末にも説明会を開く予定だ。",
)

# (query, class) — at least 40, every class of the issue.
QUERIES: tuple[tuple[str, str], ...] = (
    ("米", "1-char"),
    ("京", "1-char"),
    ("駅", "1-char"),
    ("税", "1-char"),
    ("の", "1-char common"),
    ("中国", "2-char"),
    ("日米", "2-char"),
    ("防衛", "2-char"),
    ("地域", "2-char common"),
    ("計画", "2-char common"),
    ("政府", "2-char common"),
    ("安全保障条約", "long"),
    ("再生可能エネルギー", "long"),
    ("地方自治体", "long"),
    ("首脳会談", "long"),
    ("担い手が不足", "long common"),
    ("lng", "ascii"),
    ("nato", "ascii"),
    ("ai", "ascii"),
    ("g7", "ascii"),
    ("covid", "ascii"),
    ("LNG価格", "mixed"),
    ("g7サミット", "mixed"),
    ("AI規制", "mixed"),
    ("covid-19対策", "mixed"),
    ("ＬＮＧ", "full-width"),
    ("ｶﾀｶﾅ", "half-width"),
    ("辺野古", "rare"),
    ("柿渋", "rare"),
    ("雪囲い", "rare"),
    ("中国 防衛", "several terms"),
    ("京都 -東京都", "exclusion"),
    ('"首脳会談が開かれた"', "phrase"),
    *((word, "boundary") for word, _, _ in PAIRS),
)


def _sentence(rng: random.Random) -> str:
    return rng.choice(_FILLER).format(place=rng.choice(_PLACES), topic=rng.choice(_TOPICS))


def _paragraph(rng: random.Random, size: int) -> str:
    return "".join(_sentence(rng) for _ in range(size))


def probes(rng: random.Random) -> list[str]:
    """The sentences to plant in one article: a few pair sides, a probe, now and then a rare."""
    out = []
    for _ in range(rng.randint(0, 2)):
        _, true, crossing = rng.choice(PAIRS)
        out.append(true if rng.random() < 0.35 else crossing)
    if rng.random() < 0.5:
        out.append(rng.choice(PROBES))
    if rng.random() < 0.01:
        out.append(rng.choice(RARE))
    return out


def plant(doc: dict[str, Any], sentences: list[str], rng: random.Random) -> None:
    """Add each sentence to a random text field of ``doc`` (any group: the heavy ones too)."""
    for sentence in sentences:
        section = rng.choice(doc["sections"])
        where = rng.randrange(7)
        if where == 0:
            section["question"] = sentence + section["question"]
        elif where == 1:
            section["answer"] = (sentence + section["answer"])[:500]
        elif where == 2:
            doc["key_points"].append(sentence)
        elif where == 3:
            doc["lead"] = (doc["lead"] + "\n" + sentence).strip()
        elif where == 4 and section["citations"]:
            section["citations"][0]["comment"].append(sentence)
        else:
            section["body"].append(sentence)


def _section(rng: random.Random, n: int) -> dict[str, Any]:
    return {
        "heading": f"{rng.choice(_TOPICS)}の今後",
        "question": f"{rng.choice(_TOPICS)}はどうなるのか？",
        "answer": _sentence(rng),
        "intro": [],
        "citations": [
            {
                "publisher": "高原日報",
                "url": f"https://news.example.jp/{n}",
                "summary": [_sentence(rng)],
                "comment": [],
            }
        ],
        "body": [_paragraph(rng, rng.randint(1, 3)) for _ in range(rng.randint(1, 2))],
        "reaction": None,
    }


def documents(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """``count`` small articles (a few hundred characters) with probes planted."""
    rng = random.Random(seed)
    for n in range(count):
        doc: dict[str, Any] = {
            "slug": f"search-{n}",
            "title": f"{rng.choice(_PLACES)}の{rng.choice(_TOPICS)}　第{n}報",
            "keywords": [rng.choice(_TOPICS)],
            "lead": _sentence(rng),
            "sections": [_section(rng, n) for _ in range(rng.randint(1, 2))],
            "key_points": [],
            "conclusion": [_sentence(rng)],
            "published_at": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00Z",
        }
        plant(doc, probes(rng), rng)
        yield doc


def _texts(doc: dict[str, Any], groups: frozenset[Group]) -> list[str]:
    return [normalise(p.text) for p in pieces(doc) if p.group in groups]


def matches(doc: dict[str, Any], q: str, groups: frozenset[Group] = frozenset(GROUPS)) -> bool:
    """The substring truth: every term in some field, no excluded term anywhere searched."""
    parsed = search_query.parse(q)
    texts = _texts(doc, groups)

    def found(term: search_query.Term) -> bool:
        regex = pattern([term])
        return any(regex.search(t) for t in texts)

    return all(found(t) for t in parsed.terms) and not any(found(t) for t in parsed.excluded)


def as_word(doc: dict[str, Any], word: str) -> bool:
    """Whether ``word`` occurs as a word of the analyser somewhere in ``doc``."""
    target = normalise(word)
    return any(target in words(t) for t in _texts(doc, frozenset(GROUPS)))
