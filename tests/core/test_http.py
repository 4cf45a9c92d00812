"""Entity tag comparison for If-None-Match (weak) and If-Match (strong), RFC 9110 13.1."""

from __future__ import annotations

import pytest

from app.core.http import match, none_match

TAG = '"v1-abc"'


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        (TAG, True),
        (f"W/{TAG}", True),
        (f'"other", {TAG}', True),
        (f'"other",W/{TAG}', True),
        ("*", True),
        ('"other"', False),
        ('"v1-ab"', False),
        ("", False),
        (None, False),
    ],
)
def test_if_none_match_compares_weakly(header: str | None, matches: bool) -> None:
    assert none_match(header, TAG) is matches
    assert none_match(header, f"W/{TAG}") is matches


@pytest.mark.parametrize(
    ("header", "etag", "holds"),
    [
        (None, TAG, True),
        (TAG, TAG, True),
        (f'"other", {TAG}', TAG, True),
        (f"W/{TAG}", TAG, False),
        (TAG, f"W/{TAG}", False),
        ("*", TAG, True),
        ("*", None, False),
        ('"other"', TAG, False),
    ],
)
def test_if_match_compares_strongly(header: str | None, etag: str | None, holds: bool) -> None:
    assert match(header, etag) is holds
