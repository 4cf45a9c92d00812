"""Quota policies: which limit applies to anonymous callers, to each scope and to named keys."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from limits import RateLimitItem, parse_many

from app.auth.principal import SCOPES, expand
from app.ratelimit.fields import policy_field, sf_string

OFF = frozenset({"off", "0"})


def parse_limit(text: str) -> RateLimitItem | None:
    """``"120/minute"`` as a limit, ``"off"`` or ``"0"`` as None (no limit); else ValueError."""
    value = text.strip().lower()
    if value in OFF:
        return None
    try:
        items = parse_many(value)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a rate limit like `120/minute` or `off`") from exc
    if len(items) != 1:
        raise ValueError(f"{text!r}: give one limit like `120/minute` (or `off`)")
    if items[0].amount < 1:
        raise ValueError(f"{text!r}: a limit allows at least one request (use `off` for none)")
    return items[0]


@dataclass(frozen=True, slots=True)
class Policy:
    """``quota`` requests per ``window`` seconds, under a name. What each request needs of it
    is made once: ``label`` (the name as a String), ``field`` (the ``RateLimit-Policy``
    value) and the start of its counters' keys."""

    name: str
    quota: int
    window: int
    label: str
    field: bytes
    key_base: str

    def key(self, partition: str) -> str:
        # The quota and window are part of the key: a changed limit starts a fresh count.
        return self.key_base + partition


def policy(name: str, text: str) -> Policy | None:
    item = parse_limit(text)
    if item is None:
        return None
    quota, window, label = item.amount, item.get_expiry(), sf_string(name)
    return Policy(
        name,
        quota,
        window,
        label,
        policy_field(label, quota, window),
        f"{name}/{quota}/{window}/",
    )


# A key's scopes imply one another (``expand``); the widest one with a policy names it.
_WIDEST_FIRST = tuple(reversed(SCOPES))


@dataclass(frozen=True, slots=True)
class Policies:
    anonymous: Policy | None
    by_scope: Mapping[str, Policy | None]
    # Keys named here get this policy instead of their scope's, with a counter of their own.
    by_key_name: Mapping[str, Policy | None] = field(default_factory=dict)

    @classmethod
    def from_limits(
        cls,
        *,
        anonymous: str,
        by_scope: Mapping[str, str],
        by_key_name: Mapping[str, str] | None = None,
    ) -> Policies:
        return cls(
            anonymous=policy("anonymous", anonymous),
            by_scope={scope: policy(scope, text) for scope, text in by_scope.items()},
            by_key_name={name: policy("key", t) for name, t in (by_key_name or {}).items()},
        )

    @property
    def any(self) -> bool:
        """Whether any caller is limited at all (if not, the middleware is left out)."""
        return any(
            p is not None
            for p in (self.anonymous, *self.by_scope.values(), *self.by_key_name.values())
        )

    def for_key(self, name: str, scopes: Iterable[str], profile: str = "full") -> Policy | None:
        """The named key's own policy, else its widest scope's; a scope without a policy of
        its own (``syndicate``) counts under the ones it implies (``read``)."""
        if name in self.by_key_name:
            return self.by_key_name[name]
        held = expand(list(scopes), "summary" if profile == "summary" else "full")
        widest = next((s for s in _WIDEST_FIRST if s in held and s in self.by_scope), None)
        # A key without a known scope can do no more than an anonymous caller.
        return self.by_scope[widest] if widest else self.anonymous
