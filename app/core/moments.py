"""Moments clients give (bodies and query strings): aware date-times, turned to UTC, and
calendar dates, each only as text (RFC 3339)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator


def _utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # 0001-01-01T00:00:00+01:00 is a valid RFC 3339 date-time, but in UTC it falls
        # before year 1, which no store (nor Python) can hold.
        raise ValueError("date-time is outside years 1 to 9999 once in UTC") from None


_RFC_3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _text(value: Any) -> Any:
    # Pydantic reads a number, or a string of one, as Unix time (seconds or, past 2e10,
    # milliseconds): -62135596800 became a date in 1968, and ?updated_after=0.5 a moment in
    # 1970. The contract says RFC 3339, which starts with the date.
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or not _RFC_3339.match(value):
        raise ValueError("must be an RFC 3339 date (YYYY-MM-DD) or date-time, as text")
    return value


UtcDateTime = Annotated[AwareDatetime, BeforeValidator(_text), AfterValidator(_utc)]
# A calendar date: `YYYY-MM-DD`.
Day = Annotated[date, BeforeValidator(_text)]
