"""The RateLimit header fields, byte for byte (draft-ietf-httpapi-ratelimit-headers-10)."""

from __future__ import annotations

import pytest

from app.ratelimit import fields
from app.ratelimit.policy import policy


def test_policy_and_limit_fields() -> None:
    read = policy("read", "600/minute")
    assert read is not None
    assert read.field == b'"read";q=600;w=60'
    assert fields.limit_field(read.label, 42, 16.2) == b'"read";r=42;t=17'
    day = policy("anonymous", "5/2 days")
    assert day is not None
    assert day.field == b'"anonymous";q=5;w=172800'


def test_remaining_and_reset_never_go_negative() -> None:
    assert fields.limit_field('"a"', -3, -0.5) == b'"a";r=0;t=0'


@pytest.mark.parametrize(
    ("delay", "header"), [(0.0, b"1"), (-2.0, b"1"), (0.01, b"1"), (1.0, b"1"), (59.2, b"60")]
)
def test_retry_after_is_whole_seconds_never_zero(delay: float, header: bytes) -> None:
    assert fields.retry_after(delay) == header


def test_names_are_structured_field_strings() -> None:
    assert fields.sf_string('a"b\\c') == '"a\\"b\\\\c"'
    with pytest.raises(ValueError, match="structured-field string"):
        fields.sf_string("利用者")
