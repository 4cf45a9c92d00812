"""The rate limit layer: outermost, so every response carries the RateLimit fields, the
reads the fast path answers in front of the app included."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import PROBLEM_MEDIA_TYPE, problem_body
from app.ratelimit import fields
from app.ratelimit.callers import Callers
from app.ratelimit.counters import Counter

_REFUSAL = "kiji.rate_limit.refusal"  # scope key: the 429 the refusal app sends


class RateLimit:
    """Counts each HTTP request against its caller's policy; adds ``RateLimit-Policy`` and
    ``RateLimit`` to the response, or answers 429 (problem+json, ``Retry-After``) itself.

    ``refusal`` sends that 429; main wraps it in the CORS layer when CORS is on, so that a
    browser can read it."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        callers: Callers,
        counter: Counter,
        refusal: ASGIApp | None = None,
    ) -> None:
        self.app = app
        self.callers = callers
        self.counter = counter
        self.refusal: ASGIApp = refusal or send_refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        caller = await self.callers.identify(scope)
        policy = caller.policy
        if policy is None:
            await self.app(scope, receive, send)
            return
        verdict = await self.counter.hit(policy.key(caller.partition), policy.quota, policy.window)
        added = [
            (fields.POLICY, policy.field),
            (fields.LIMIT, fields.limit_field(policy.label, verdict.remaining, verdict.reset_in)),
        ]
        if not verdict.allowed:
            added.append((fields.RETRY_AFTER, fields.retry_after(verdict.reset_in)))
            body = problem_body(
                429,
                code="quota-exceeded",
                title="Too many requests",
                detail=(
                    f"the `{policy.name}` quota of {policy.quota} requests per "
                    f"{policy.window} s is used up; retry after the `Retry-After` seconds"
                ),
                extra={"violated-policies": [policy.name]},
            )
            await self.refusal({**scope, _REFUSAL: (added, body)}, receive, send)
            return

        async def send_with_fields(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A new message: the one given may be kept by a layer below (the fast
                # path keeps list pages), which must not keep these per-caller fields.
                message = {**message, "headers": [*message.get("headers", ()), *added]}
            await send(message)

        await self.app(scope, receive, send_with_fields)


async def send_refusal(scope: Scope, receive: Receive, send: Send) -> None:
    headers, body = scope[_REFUSAL]
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
