"""The fast path of the URL check accepts nothing the full check would refuse."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from app.articles.schemas import _PLAIN_URL


def _full_check(value: str) -> bool:
    return (
        re.match(r"https?://", value, re.IGNORECASE) is not None
        and bool(urlsplit(value).hostname)
        and re.search(r"\s", value) is None
    )


@given(
    st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "http:/", ""]),
    st.text(alphabet="abcXYZ09.-:@[]/?#%日本 \t", max_size=30),
)
def test_plain_urls_pass_the_full_check(scheme: str, rest: str) -> None:
    value = scheme + rest
    if _PLAIN_URL.fullmatch(value):
        assert _full_check(value), value


def test_common_urls_take_the_fast_path() -> None:
    for url in ("https://www.example.jp/news/2025/0412?ref=top#a", "http://example.com:8080/x"):
        assert _PLAIN_URL.fullmatch(url)
    for url in ("http://:80/", "https://a.jp/ b", "http://user@host/"):
        assert not _PLAIN_URL.fullmatch(url)
