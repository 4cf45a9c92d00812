"""Deterministic article documents that the editorial text template can express.

`documents(seed)` yields article documents (the content fields of `spec/article.md`) whose
text export follows the template's habits, so that importing the text gives the document
back: casual comments and reactions (…ですね。 …んですね。 すごい), news-style intro, body
and bullets in the desu/masu or da voice, and a conclusion in the summing-up voice
(…ています。 …しましょう。). See `app/textformat/boundaries.py` for the rules the importer
applies. Every fragment was written for this benchmark; none is taken from a real article
or from the project's examples.

Titles are distinct and so are their romanised slugs (the identity of a text import):
each title combines a place, a topic, a pattern and numbers, and a title whose slug was
already given is drawn again.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from app.articles import slugs
from app.textformat.document import ArticleDoc, CitationDoc, SectionDoc

# --- places, topics, people ---------------------------------------------------------------

PLACE_STEMS = (
    "北浜",
    "東雲",
    "若葉",
    "白鷺",
    "青葉台",
    "桜ヶ丘",
    "緑川",
    "大森",
    "小春",
    "月見野",
    "星川",
    "朝霧",
    "夕凪",
    "風早",
    "水無瀬",
    "霧島台",
    "岩戸",
    "鶴見ヶ原",
    "松風",
    "竹林",
    "梅園",
    "柏木",
    "楓",
    "藤沢野",
    "花房",
    "雪見",
    "三日月",
    "七瀬",
    "千草",
    "百合ヶ浜",
    "高遠",
    "深山",
    "長浜野",
    "岬",
    "湊川",
    "汐見",
    "鳴海",
    "日和田",
    "光が丘",
    "栗原",
    "稲穂",
    "麦原",
    "葛城野",
    "蛍川",
    "雲雀",
    "鷹巣",
    "鹿島台",
    "熊野平",
    "狐塚",
    "兎沢",
    "亀岡野",
    "鮎川",
    "杉並木",
    "檜原",
    "楠",
    "椿",
    "菖蒲",
    "紫野",
    "茜",
    "琥珀",
)
PLACE_SUFFIXES = ("市", "町", "村")

TOPICS = (
    "路線バス",
    "市立図書館",
    "学校給食",
    "商店街",
    "観光列車",
    "子ども食堂",
    "温泉街",
    "漁港",
    "空き家対策",
    "公民館",
    "朝市",
    "農産物直売所",
    "コミュニティFM",
    "夜間診療",
    "乗り合いタクシー",
    "地域通貨",
    "ふるさと納税",
    "移住支援",
    "公営プール",
    "市民病院",
    "フェリー航路",
    "道の駅",
    "森林組合",
    "地ビール",
    "伝統工芸",
    "花火大会",
    "駅前広場",
    "小中一貫校",
    "防災無線",
    "ごみの分別",
    "古民家カフェ",
    "地元スーパー",
    "ため池",
    "棚田",
    "酪農",
    "茶畑",
    "果樹園",
    "シェアサイクル",
    "キャンプ場",
    "スキー場",
    "郷土資料館",
    "夜間中学",
    "保育園",
    "介護タクシー",
    "見守りサービス",
    "雪下ろし",
    "路面電車",
    "みかん農家",
    "牡蠣養殖",
    "ジビエ",
)

PEOPLE = (
    "高校生",
    "若手農家",
    "移住者",
    "商店主",
    "主婦グループ",
    "元教員",
    "大学生",
    "漁師",
    "職人",
    "看護師",
    "町内会",
    "若手職員",
    "子育て世代",
    "シニア世代",
    "地元企業",
)

THEMES = (
    "地域交通",
    "まちづくり",
    "人口減少",
    "観光振興",
    "子育て支援",
    "地域医療",
    "防災",
    "農業",
    "漁業",
    "教育",
    "地方財政",
    "移住",
    "文化財",
    "福祉",
    "脱炭素",
    "働き方",
)

# --- title ----------------------------------------------------------------------------------

TITLE_PATTERNS = (
    "{place}の{topic}、{num}年ぶりに{change}",
    "{place}で{topic}の{reform}　{angle}",
    "{topic}が{pct}割{updown}　{place}で何が起きているか",
    "「{topic}」を守れるか　{place}の{people}の{num}年",
    "{place}の{topic}は生き残れるか　{angle}",
    "{num}年目の{topic}　{place}が選んだ{choice}",
    "{place}発、{topic}の新しいかたち",
    "{topic}の{reform}、{place}が{month}月から",
    "なぜ{place}の{topic}に人が集まるのか",
    "{place}の{people}が挑む{topic}の{reform}",
    "{topic}に{num}億円　{place}の決断と{choice}",
    "{place}、{topic}を{people}に託す",
    "揺れる{place}の{topic}　{pct}割の住民が{opinion}",
    "{topic}をどう残す　{place}で{num}回目の話し合い",
)
CHANGES = ("再開へ", "値下げ", "全面改装", "運営を一新", "規模を拡大", "場所を移転", "復活")
REFORMS = ("見直し", "民営化", "無料化", "再編", "統合", "デジタル化", "共同運営", "縮小")
ANGLES = (
    "住民の足をどう守るか",
    "財源と人手の壁",
    "問われる町の覚悟",
    "現場の声を聞いた",
    "若い世代の選択",
    "広がる期待と不安",
    "数字で読み解く",
    "周辺の町も注目",
)
UPDOWNS = ("増", "減")
CHOICES = ("道", "答え", "仕組み", "作戦", "一手")
OPINIONS = ("存続を希望", "見直しに賛成", "負担増に反対", "利用を継続")

SUBTITLES = (
    "住民と行政の思惑を追う",
    "暮らしに近いところから変化が始まっている",
    "関係者への取材から見えてきた課題",
    "これまでの経緯と今後の焦点",
    "賛否が分かれる理由を整理した",
    "現場の声とデータの両面から検証する",
    "小さな町の大きな挑戦",
    "続けるための工夫と限界",
    "地元の人が語る本音",
    "数年先を見据えた議論の中身",
    "担い手不足の中で何ができるか",
    "全国の似た事例とも比べてみた",
)

# --- news voice (lead, intro, body, bullets, key points) ------------------------------------

LEAD_FIRST = (
    "{place}で、{topic}をめぐる大きな決定が下されました。",
    "{place}の{topic}が、いま岐路に立たされています。",
    "{place}の{topic}は、ここ数年で利用が落ち込み、町が立て直し策を練っています。",
    "{place}では、{people}が声を上げたことをきっかけに{topic}の議論が動き出しました。",
    "人口{num}万人ほどの{place}で、{topic}の今後が議論の的になっています。",
    "{place}の{topic}は、開設から{num}年を迎えて転機を迎えています。",
)
LEAD_SECOND = (
    "住民の暮らしに直結する仕組みを、どのように次の世代へ引き継ぐのかが問われています。",
    "財源や人手の不足という共通の課題に、地域はどう向き合うのでしょうか。",
    "関係者への取材をもとに、決定までの経緯と残された課題を整理します。",
    "現場で働く人たちの声と、公表されたデータの両方から今後を考えます。",
    "周辺の自治体からも注目を集めるこの取り組みの中身を詳しく見ていきます。",
)

HEADINGS = (
    "{topic}の見直しが決まるまで",
    "{topic}の新しい運営体制",
    "住民説明会で出た声",
    "{people}による新しい試み",
    "数字で見る{topic}の{num}年",
    "財源をめぐる議論",
    "近隣の町との連携",
    "{topic}の再出発",
    "利用者アンケートの結果",
    "担い手不足への対策",
    "{month}月からの変更点",
    "{place}が描く将来像",
    "現場の職員の本音",
    "全国の似た取り組み",
)
QUESTIONS = (
    "{topic}、なぜ見直すことになったの？",
    "{topic}は今後どうなる?",
    "費用は誰が負担するの？",
    "住民の反応はどうだった?",
    "{people}は何を始めたの？",
    "利用者は本当に増えている?",
    "周りの町はどう動いている？",
    "暮らしの何が変わる？",
    "課題はどこに残っている?",
    "いつから始まるの？",
)
ANSWERS = (
    "利用者の減少と人手不足が重なったため。",
    "運営を民間と共同で担う形に移る。",
    "町と利用者がそれぞれ一部を負担する。",
    "賛成の声が多いが不安も残る。",
    "週末を中心に新しいサービスを試行。",
    "前年より{pct}割ほど増加。",
    "近隣の{num}町が連携を検討中。",
    "移動や買い物の選択肢が広がる見込み。",
    "財源の確保と担い手の育成。",
    "{month}月からの段階的な実施。",
)
INTROS = (
    "{place}では、{topic}の利用者がこの{num}年で大きく減りました。",
    "町は昨年から、{topic}の運営方法について検討を重ねてきました。",
    "今回の決定には、住民から寄せられた意見が反映されています。",
    "{people}の取り組みは、当初は小さな規模から始まりました。",
    "数字の上では、状況は少しずつ上向いています。",
    "費用の分担をめぐっては、議会でも意見が分かれました。",
    "周辺の町でも、同じような課題を抱えています。",
    "新しい仕組みは、{month}月から順番に導入されます。",
    "担当課の職員は「小さく始めて育てたい」と語っています。",
    "住民説明会には、予想を上回る人が集まりました。",
)

BULLET_HEADS = (
    "{place}は{month}月から、",
    "{place}の{topic}は昨年度、",
    "町の発表によると、",
    "{people}でつくる団体は、",
    "{place}議会は{month}月の定例会で、",
    "地元の金融機関の調査では、",
    "運営を担う第三セクターは、",
    "県は今年度から、",
    "利用者へのアンケートでは、",
    "{place}の担当課は、",
)
BULLET_TAILS = (
    "{topic}の運営を民間事業者に委ねる方針を正式に決めた。",
    "利用者数が前年度比で約{pct}割減り、{num}年連続の赤字となった。",
    "{topic}の維持に年間およそ{num}千万円を充てる予算案を可決した。",
    "週末限定の新サービスを始め、初月の利用は想定の{pct}倍近くに達した。",
    "回答者の約{pct}割が「今後も利用を続けたい」と答えた。",
    "周辺の{num}町村と共同で運営する協議会を年内に立ち上げる。",
    "施設の老朽化に伴う改修工事を来年度に始める計画をまとめた。",
    "担い手を確保するため、移住者向けの研修制度を新たに設けた。",
    "料金体系を見直し、高校生以下の利用を無料にすることを決めた。",
    "国の補助金を活用し、予約システムのデジタル化を進めている。",
)

BODY_LINES = (
    "{place}の{topic}は、開設以来、お年寄りから子どもまで幅広い世代に使われてきたもので、"
    "なくなると困るという声が今も多く聞かれます。",
    "ところが、若い世代が町の外へ出ていくにつれて利用する人は少しずつ減り、"
    "これまでのやり方のままでは赤字を埋め切れなくなっていました。",
    "町の担当者は「このままでは{num}年後に維持できなくなる」と説明し、"
    "早い段階での見直しが必要だと訴えています。",
    "新しい仕組みでは、建物や設備の修繕は町の予算でまかない、"
    "日々の運営は公募で選ばれた民間の会社に任せることになります。",
    "住民説明会では、料金が上がるのではないかという不安の声が相次ぎ、"
    "町は当面の間は料金を据え置くと約束しました。",
    "これに対して議員の中には、将来にわたって町の予算を圧迫しかねないと心配する人もおり、"
    "毎年の費用に上限を設けるべきだという提案も出ています。",
    "{people}のグループは、週末に{topic}を活用したイベントを開き、"
    "町の外から訪れる人を少しずつ増やしてきました。",
    "参加者の多くは10代から{num2}代の若い世代で、"
    "SNSを通じて情報が広がったことが大きかったといいます。",
    "県内では、ほかにも{num}つの自治体が同じような課題を抱えており、"
    "共同で研究会を立ち上げる準備が進められています。",
    "専門家は、利用者の数だけでなく地域にもたらす効果も含めて評価すべきだと指摘し、"
    "短期的な収支だけで判断しないよう求めています。",
    "町は{month}月までに具体的な計画をまとめ、来年度の予算案に必要な経費を盛り込む方針です。",
    "事業者側も、人手不足を補うために作業の自動化を進めており、"
    "必要な人員を{pct}割ほど減らせる見通しを示しました。",
    "地元の商工会は、{topic}の存続が周辺の店の売り上げにも直結するとして、"
    "町に支援の継続を求める要望書を提出しました。",
    "利用者へのアンケートでは、本数や営業時間の拡大を望む回答が最も多く、"
    "次いで予約のしやすさを求める声が目立ちました。",
    "{place}の取り組みは、全国の同じ規模の町にとっても参考になるとして、"
    "視察に訪れる自治体が増えています。",
    "ただ、働き手の平均年齢は年々上がっており、{num}年先には人数が大きく減るとの見方もあって、"
    "後継者の確保が急がれています。",
)

KEY_POINTS = (
    "{place}は{topic}の運営を見直し、民間と共同で担う形に移る。",
    "利用者の減少と担い手不足が、見直しの大きな理由である。",
    "費用の分担と長期的な財源の確保が、今後の焦点となる。",
    "{people}の取り組みが、町の外から人を呼び込むきっかけになっている。",
    "周辺の自治体との連携が、存続の鍵を握っている。",
    "住民の声を計画にどう反映させるかが問われている。",
    "{month}月から新しい仕組みが段階的に導入される。",
    "施設の改修とデジタル化で、使いやすさの向上を目指す。",
)

CONCLUSIONS = (
    "{place}の{topic}の行方は、同じ悩みを持つ町にとっても試金石になると見られています。",
    "小さな町の選択が、ほかの地域にとってのヒントになるかもしれません。",
    "身近な{topic}のあり方について、改めて考えてみる良い機会になりそうです。",
    "計画が本格的に動き出すのはこれからです。",
    "これからの展開にも注目していきましょう。",
    "気になる方は、町の説明会にも足を運んでみましょう。",
)

# --- casual voice (comments, reactions) -----------------------------------------------------

COMMENT_FIRST = (
    "思い切った決断ですね。",
    "町にとってはかなり大きな一歩ですね。",
    "地元の人の本気度が伝わってきますね。",
    "数字で見ると状況の厳しさがよくわかりますね。",
    "利用者の声がきちんと届いたのはいいことですね。",
    "若い人が関わっているのが心強いですね。",
    "周りの町も気になるところでしょう。",
    "財源の話は避けて通れないでしょう。",
    "{topic}がなくなると困る人は多いでしょう。",
    "こういう仕組みがもっと広がってほしいですね。",
)
COMMENT_MORE = (
    "続報を待ちたいです。",
    "住民の理解が鍵でしょう。",
    "現地の様子も見てみたいです。",
    "料金の行方も気になりますね。",
    "長く続くといいですね。",
    "説明の丁寧さが大事でしょう。",
)
REACTION_FIRST = (
    "{topic}にも、いろんな工夫があるんですね。",
    "地元の人たちの本気がすごい。",
    "ほんまに町ぐるみで頑張ってるんやな。",
    "{people}が動いてるの、いいですね。",
    "そんなに利用者が減ってたんですね。",
    "料金据え置きはありがたいですよね。",
    "うちの町でもやってほしいなぁ。",
    "{num}年も続いてるって、すごいですね。",
    "思ってたより大きな話なんですね。",
    "これは週末に行ってみたいかな。",
)
REACTION_SECOND = (
    "ちょっと見直しました。",
    "応援したくなる。",
    "今度行ってみよう。",
    "家族にも教えてあげたい。",
    "続いてほしいです。",
    "",
    "",
    "",
)

PUBLISHERS = (
    ("北浜新報", "www.kitahama-shimpo.example"),
    ("みなと経済新聞", "minato-keizai.example"),
    ("東雲タイムズ", "shinonome-times.example"),
    ("青葉日報", "www.aoba-nippo.example"),
    ("山手ニュース", "news.yamate.example"),
    ("しおかぜ放送", "www.shiokaze-tv.example"),
    ("ひだまり放送:まちの声を毎日", "local.hidamari-tv.example"),
    ("日向新聞", "www.hinata-np.example"),
    ("くろしおウェブ", "kuroshio-web.example"),
    ("星野経済ジャーナル", "hoshino-journal.example"),
    ("まちかど通信+", "machikado.example"),
    ("若葉ローカル", "wakaba-local.example"),
)
URL_SECTIONS = ("news", "local", "economy", "life", "region", "society")

DATE_START = date(2022, 1, 1)
DATE_SPAN_DAYS = 4 * 365


class _Filler:
    """Fills the placeholders of one article's fragments from its own choices."""

    def __init__(self, rng: random.Random, place: str, topic: str, people: str) -> None:
        self.rng = rng
        self.place = place
        self.topic = topic
        self.people = people

    def __call__(self, pattern: str) -> str:
        rng = self.rng
        return pattern.format(
            place=self.place,
            topic=self.topic,
            people=self.people,
            num=rng.randint(2, 30),
            num2=rng.randint(3, 4) * 10,
            pct=rng.randint(2, 9),
            month=rng.randint(1, 12),
        )

    def pick(self, pool: tuple[str, ...]) -> str:
        return self(self.rng.choice(pool))

    def picks(self, pool: tuple[str, ...], count: int) -> list[str]:
        return [self(p) for p in self.rng.sample(pool, count)]


def _title(rng: random.Random, place: str, topic: str, people: str) -> str:
    return rng.choice(TITLE_PATTERNS).format(
        place=place,
        topic=topic,
        people=people,
        num=rng.randint(2, 60),
        pct=rng.randint(2, 9),
        month=rng.randint(1, 12),
        change=rng.choice(CHANGES),
        reform=rng.choice(REFORMS),
        angle=rng.choice(ANGLES),
        updown=rng.choice(UPDOWNS),
        choice=rng.choice(CHOICES),
        opinion=rng.choice(OPINIONS),
    )


def _citation(fill: _Filler, day: date, *, dated: bool, more: bool) -> CitationDoc:
    rng = fill.rng
    publisher, host = rng.choice(PUBLISHERS)
    path = f"{rng.choice(URL_SECTIONS)}/{day:%Y/%m%d}/{rng.randrange(10**5, 10**7)}"
    query = rng.choice(("", "", "", f"?from=top&p={rng.randint(1, 9)}", "#detail"))
    comment = [fill.pick(COMMENT_FIRST)]
    if more:
        comment.append(fill.pick(COMMENT_MORE))
    return {
        "publisher": publisher,
        "url": f"https://{host}/{path}{query}",
        "published_on": day.isoformat() if dated else None,
        "summary": [fill(rng.choice(BULLET_HEADS)) + fill(t) for t in rng.sample(BULLET_TAILS, 3)],
        "comment": comment,
    }


def _reaction(fill: _Filler) -> str:
    return fill.pick(REACTION_FIRST) + fill.pick(REACTION_SECOND)


def _section(fill: _Filler, day: date, *, cards: int, body: int) -> SectionDoc:
    rng = fill.rng
    citations = [
        _citation(
            fill,
            day - timedelta(days=rng.randint(0, 20)),
            dated=rng.random() < 0.5,
            more=rng.random() < 0.4,
        )
        for _ in range(cards)
    ]
    return {
        "heading": fill.pick(HEADINGS),
        "question": fill.pick(QUESTIONS),
        "answer": fill.pick(ANSWERS),
        "intro": fill.picks(INTROS, rng.randint(1, 2)),
        "citations": citations,
        "body": fill.picks(BODY_LINES, body),
        "reaction": _reaction(fill),
    }


def _sections(fill: _Filler, day: date) -> list[SectionDoc]:
    """3-4 sections of 1-2 cards each; fewer cards and body lines when there are 4, so that
    the text stays between about 5 and 8 KB."""
    rng = fill.rng
    count = rng.randint(3, 4)
    doubles = set(rng.sample(range(count), rng.randint(1, 2) if count == 3 else rng.randint(0, 1)))
    low, high = (3, 4) if count == 3 else (2, 3)
    return [
        _section(fill, day, cards=2 if i in doubles else 1, body=rng.randint(low, high))
        for i in range(count)
    ]


def _article(rng: random.Random, title: str, place: str, topic: str, people: str) -> ArticleDoc:
    fill = _Filler(rng, place, topic, people)
    day = DATE_START + timedelta(days=rng.randrange(DATE_SPAN_DAYS))
    lead = fill.pick(LEAD_FIRST)
    if rng.random() < 0.7:
        lead += fill.pick(LEAD_SECOND)
    if rng.random() < 0.3:
        lead += "\n" + fill.pick(LEAD_SECOND)
    keywords = [place, topic, *rng.sample(THEMES, rng.randint(1, 2))]
    return {
        "title": title,
        "keywords": keywords,
        "subtitle": rng.choice(SUBTITLES),
        "lead": lead,
        "sections": _sections(fill, day),
        "conclusion": fill.picks(CONCLUSIONS, rng.randint(1, 3)),
        "key_points": fill.picks(KEY_POINTS, 3),
    }


def documents(seed: int = 20250601) -> Iterator[ArticleDoc]:
    """Article documents, one after another; the first N are the same for any N.

    Each has a title of its own whose romanised slug no earlier document has.
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    while True:
        while True:
            place = rng.choice(PLACE_STEMS) + rng.choice(PLACE_SUFFIXES)
            topic = rng.choice(TOPICS)
            people = rng.choice(PEOPLE)
            title = _title(rng, place, topic, people)
            slug = slugs.romanise(title)
            if slug not in seen:
                seen.add(slug)
                break
        yield _article(rng, title, place, topic, people)
