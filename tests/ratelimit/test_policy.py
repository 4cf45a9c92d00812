"""Limits from settings: parsing, scopes, per-key-name overrides and bad values."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.ratelimit.policy import Policies, parse_limit, policy


@pytest.mark.parametrize(
    ("text", "amount", "window"),
    [
        ("120/minute", 120, 60),
        ("10 per second", 10, 1),
        ("5/2 hours", 5, 7200),
        ("1/DAY", 1, 86400),
    ],
)
def test_limits_parse(text: str, amount: int, window: int) -> None:
    item = parse_limit(text)
    assert item is not None
    assert (item.amount, item.get_expiry()) == (amount, window)


@pytest.mark.parametrize("text", ["off", "OFF", "0", " off "])
def test_off_means_no_limit(text: str) -> None:
    assert parse_limit(text) is None


@pytest.mark.parametrize(
    "text", ["", "lots", "120", "0/minute", "5/fortnight", "10/minute;100/hour", "-1/minute"]
)
def test_bad_limits_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="limit"):
        parse_limit(text)


POLICIES = Policies.from_limits(
    anonymous="60/minute",
    by_scope={"read": "600/minute", "drafts": "700/minute", "write": "off", "admin": "900/minute"},
    by_key_name={"partner-x": "6000/minute", "quiet": "off"},
)


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        (["read"], '"read";q=600;w=60'),
        (["drafts"], '"drafts";q=700;w=60'),
        (["read", "drafts"], '"drafts";q=700;w=60'),
        (["admin"], '"admin";q=900;w=60'),
        (["write"], None),  # the widest scope's policy, even when it is off
        (["syndicate"], '"read";q=600;w=60'),  # no policy of its own: the scope it implies
        (["unknown-scope"], '"anonymous";q=60;w=60'),
    ],
)
def test_a_key_gets_its_widest_scope_policy(scopes: list[str], expected: str | None) -> None:
    chosen = POLICIES.for_key("someone", scopes)
    assert (chosen.field.decode() if chosen else None) == expected


def test_a_summary_key_counts_under_the_scopes_it_may_use() -> None:
    chosen = POLICIES.for_key("legacy", ["admin"], "summary")
    assert chosen is not None
    assert chosen.name == "drafts"


def test_a_named_key_gets_its_own_policy() -> None:
    partner = POLICIES.for_key("partner-x", ["read"])
    assert partner is not None
    assert partner.field == b'"key";q=6000;w=60'
    assert POLICIES.for_key("quiet", ["admin"]) is None


def test_a_changed_limit_counts_afresh() -> None:
    keys = {
        p.key("ip:192.0.2.1") if p else None
        for p in (
            policy("read", "600/minute"),
            policy("read", "60/minute"),
            policy("key", "600/minute"),
        )
    }
    assert len(keys) == 3


def test_all_off_means_no_layer_at_all() -> None:
    assert POLICIES.any
    off = Policies.from_limits(anonymous="off", by_scope={"read": "0"}, by_key_name={"a": "off"})
    assert not off.any


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KIJI_RATE_LIMIT_ANONYMOUS", "lots"),
        ("KIJI_RATE_LIMIT_WRITE", "10/fortnight"),
        ("KIJI_RATE_LIMITS", '{"partner-x": "many"}'),
        ("KIJI_RATE_LIMITS", "not json"),
        ("KIJI_REDIS_URL", "http://127.0.0.1:6379"),
        ("KIJI_REDIS_URL", "unix:///run/redis.sock"),
    ],
)
def test_a_bad_rate_limit_setting_stops_serve_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert name in result.output
