"""The rate limit layer as the settings ask for it."""

from __future__ import annotations

from starlette.types import ASGIApp

from app.core.config import Settings
from app.ratelimit.callers import Callers, Lookup
from app.ratelimit.counters import Counter, MemoryCounter, RedisCounter
from app.ratelimit.middleware import RateLimit
from app.ratelimit.policy import Policies


def policies(settings: Settings) -> Policies:
    return Policies.from_limits(
        anonymous=settings.rate_limit_anonymous,
        by_scope=settings.scope_rate_limits,
        by_key_name=settings.rate_limits,
    )


def counter(settings: Settings) -> Counter:
    if settings.redis_url:
        return RedisCounter(settings.redis_url, prefix=settings.rate_limit_prefix)
    return MemoryCounter()


def layer(
    app: ASGIApp, settings: Settings, *, lookup: Lookup, refusal: ASGIApp | None = None
) -> RateLimit | None:
    """``app`` behind the rate limits, or None when every limit is off."""
    chosen = policies(settings)
    if not chosen.any:
        return None
    return RateLimit(
        app, callers=Callers(chosen, lookup), counter=counter(settings), refusal=refusal
    )
