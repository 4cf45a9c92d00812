"""The RateLimit header fields of draft-ietf-httpapi-ratelimit-headers-10.

Both are Structured-Field Lists (RFC 9651) of one item here: the policy's name, a String,
with integer parameters. ``RateLimit-Policy: "read";q=600;w=60`` states the quota ``q`` per
window of ``w`` seconds; ``RateLimit: "read";r=599;t=60`` says ``r`` requests remain and
more quota comes in ``t`` seconds. Older drafts (up to -06) named other fields
(``RateLimit-Limit``/``-Remaining``/``-Reset``); these are not sent."""

from __future__ import annotations

import math

POLICY = b"ratelimit-policy"
LIMIT = b"ratelimit"
RETRY_AFTER = b"retry-after"


def sf_string(value: str) -> str:
    """An RFC 9651 String: printable ASCII with ``"`` and ``\\`` escaped."""
    if any(not (0x20 <= ord(c) < 0x7F) for c in value):
        raise ValueError(f"{value!r} cannot be a structured-field string")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def policy_field(label: str, quota: int, window: int) -> bytes:
    """``label`` is the policy's name already as a String (``sf_string``)."""
    return f"{label};q={quota};w={window}".encode()


def limit_field(label: str, remaining: int, reset_in: float) -> bytes:
    return f"{label};r={max(0, remaining)};t={seconds(reset_in)}".encode()


def seconds(delay: float) -> int:
    """Whole seconds, rounded up: a client that waits this long is never early."""
    return max(0, math.ceil(delay))


def retry_after(delay: float) -> bytes:
    # A 429 never asks to retry at once: it would be refused again.
    return str(max(1, seconds(delay))).encode()
