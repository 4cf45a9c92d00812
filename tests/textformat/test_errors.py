"""Invalid articles: every error found in one pass, each on its line, saying what was
expected there."""

import pytest

from app.textformat.parser import parse

BASE = """公園の木は誰が守る?(公園、樹木、ボランティア)市民が見守る街の緑
古い公園の大木を、市民ボランティアが見守っている。
大木の見守り活動
見守り活動、何をしている?
月に一度の点検と記録。
活動は、10年前に近所の住民が始めました。

✅ 青葉公園では、市民ボランティアが月に一度、園内の大木約50本の幹や枝の状態を点検している。
✅ 点検の記録は市の公園課に届けられ、危険な枝の早めの剪定に役立てられている。
さらに読む ⇒青葉市民ニュース出典/画像元: https://aoba-shimin.example.jp/park/trees身近な木を市民が見守るのは、いいことですね。
点検の結果、この1年で倒木の恐れがある枝が15か所見つかり、市が速やかに剪定を行いました。
大きな木って、みんなで守ってるんですね。
若い世代への引き継ぎ
活動の担い手、どう増やす?
親子で参加できる観察会を開く。
公開日:2025/05/10

✅ ボランティア団体は、親子向けの樹木観察会を年4回開き、参加した家族に活動への参加を呼びかけている。
さらに読む ⇒青葉市民ニュース出典/画像元: https://aoba-shimin.example.jp/park/family親子で木に親しむのは、楽しそうですね。
観察会には毎回30組ほどの親子が参加し、活動に加わる若い世代も増えてきました。
子どもと一緒に木の観察、やってみたいですね。
公園の緑は、市民の手で次の世代に引き継がれようとしています。
💡 市民ボランティアが公園の大木を月に一度点検している。
💡 親子向けの観察会で、活動の担い手を増やしている。"""

READ_MORE = "さらに読む ⇒青葉市民ニュース出典/画像元: "


def edit(changes: dict[int, str | None]) -> bytes:
    """BASE with some 1-based lines replaced (None: the line removed, blank in its place)."""
    lines = BASE.split("\n")
    for number, text in changes.items():
        lines[number - 1] = "" if text is None else text
    return "\n".join(lines).encode()


def test_the_base_article_is_valid() -> None:
    assert parse(BASE).errors == []


INVALID: list[tuple[str, bytes, list[tuple[int, str]]]] = [
    ("empty input", b"", [(1, "expected a title line; the input is empty")]),
    ("only blank lines", b"\r\n  \n\t\n", [(1, "the input is empty")]),
    (
        "invalid UTF-8",
        edit({11: "点検の結果、\xffの枝が見つかりました。"}).replace("\xff".encode(), b"\xff"),
        [(11, "expected UTF-8 text; found the invalid byte 0xFF")],
    ),
    (
        "invalid UTF-8 on two lines, CRLF",
        BASE.replace("\n", "\r\n").encode().replace("大木".encode(), b"\xe5\xa4", 1) + b"\xc3",
        [(2, "invalid byte 0xE5"), (24, "invalid byte 0xC3")],
    ),
    (
        "title and lead only",
        "タイトルだけの記事(公園)\n本文がまだありません。".encode(),
        [(2, "expected a section: a heading, a question ending with ? or ？, an answer")],
    ),
    ("title only", "タイトルだけの記事".encode(), [(2, "found none")]),
    (
        "question without ? in the first section",
        edit({4: "見守り活動、何をしている"}),
        [(4, "expected a question line ending with ? or ？ after the section heading")],
    ),
    (
        "question without ? in a later section",
        edit({14: "活動の担い手、どう増やすか"}),
        [(14, "expected a question line ending with ? or ？ after the section heading")],
    ),
    (
        "missing answer",
        edit({5: None, 6: None}),
        [(8, "expected the answer line after the question, before the source card")],
    ),
    (
        "no section heading at all before the card",
        edit({3: None, 4: None, 5: None, 6: None}),
        [(8, "expected a section heading, a question line ending with ? or ？ and an answer")],
    ),
    (
        "read-more line without a URL",
        edit({10: READ_MORE + "身近な木を市民が見守るのは、いいことですね。"}),
        [(10, "expected an http:// or https:// URL after 出典/画像元:")],
    ),
    (
        "javascript: URL",
        edit({10: READ_MORE + "javascript:alert(1)"}),
        [(10, "only http and https source URLs are accepted, not javascript:")],
    ),
    (
        "data: URL",
        edit({19: READ_MORE + "data:text/html,hello"}),
        [(19, "only http and https source URLs are accepted, not data:")],
    ),
    ("URL without a host", edit({10: READ_MORE + "https:///park"}), [(10, "expected a host")]),
    (
        "read-more line without the source label",
        edit({10: "さらに読む ⇒青葉市民ニュース https://aoba-shimin.example.jp/park/trees"}),
        [(10, "expected 'さらに読む ⇒PUBLISHER出典/画像元: URL'")],
    ),
    (
        "read-more line without a publisher",
        edit({10: "さらに読む ⇒出典/画像元: https://aoba-shimin.example.jp/park/trees"}),
        [(10, "expected the publisher's name between ⇒ and 出典/画像元:")],
    ),
    (
        "impossible date",
        edit({16: "公開日:2025/02/30"}),
        [(16, "expected a valid date 公開日:YYYY/MM/DD")],
    ),
    ("date in another format", edit({16: "公開日:2025年5月10日"}), [(16, "expected a valid date")]),
    (
        "bullets not closed by a read-more line",
        edit({10: None}),
        [(11, "expected another ✅ bullet or the さらに読む line to end the source card")],
    ),
    (
        "read-more line without bullets",
        edit({18: None}),
        [(19, "expected ✅ summary bullets before the さらに読む line")],
    ),
    (
        "source date followed by text",
        edit({17: "観察会は春と秋に開かれます。"}),
        [(17, "expected ✅ summary bullets after the 公開日 line")],
    ),
    ("empty bullet", edit({9: "✅"}), [(9, "expected the summary text after ✅")]),
    ("empty key point", edit({24: "💡 "}), [(24, "expected the key point's text after 💡")]),
    (
        "key point in the middle",
        edit({12: "💡 途中に置かれたポイント。"}),
        [(12, "expected 💡 key points only at the end of the article")],
    ),
    (
        "title too long",
        edit({1: "長" * 201 + "(公園)"}),
        [(1, "the title is 201 characters long; at most 200 are allowed")],
    ),
    (
        "title too long and no sections",
        ("長" * 201).encode(),
        [(1, "at most 200 are allowed"), (2, "expected a section")],
    ),
    ("no title before the keywords", edit({1: "(公園、樹木)市民の緑"}), [(1, "expected a title")]),
    (
        "several errors in one file",
        edit(
            {
                4: "見守り活動、何をしている",
                10: READ_MORE + "javascript:void(0)",
                16: "公開日:2025/13/01",
                21: "子どもと一緒に\xffの観察、やってみたいですね。",
            }
        ).replace("\xff".encode(), b"\xff"),
        [
            (4, "expected a question line ending with ? or ？"),
            (10, "not javascript:"),
            (16, "expected a valid date"),
            (21, "invalid byte 0xFF"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), [case[1:] for case in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_article_is_rejected_with_line_numbers(
    data: bytes, expected: list[tuple[int, str]]
) -> None:
    parsed = parse(data)
    assert parsed.document is None
    assert [issue.line for issue in parsed.errors] == [line for line, _ in expected]
    for issue, (_, message) in zip(parsed.errors, expected, strict=True):
        assert message in issue.message


def test_issues_read_as_line_and_message() -> None:
    issue = parse(edit({4: "見守り活動、何をしている"})).errors[0]
    assert str(issue) == (
        "line 4: expected a question line ending with ? or ？ after the section heading"
    )


def test_a_binary_file_lists_a_bounded_number_of_encoding_errors() -> None:
    errors = parse(bytes(range(128, 256)) * 2_000 + b"\n\xff" * 100).errors
    errors = [issue for issue in errors if "UTF-8" in issue.message]
    assert len(errors) == 21
    assert errors[-1].message == "expected UTF-8 text; more lines with invalid bytes are not listed"
