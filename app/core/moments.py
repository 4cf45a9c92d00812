"""Moments clients give (bodies and query strings): aware date-times, turned to UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime


def _utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # 0001-01-01T00:00:00+01:00 is a valid RFC 3339 date-time, but in UTC it falls
        # before year 1, which no store (nor Python) can hold.
        raise ValueError("date-time is outside years 1 to 9999 once in UTC") from None


UtcDateTime = Annotated[AwareDatetime, AfterValidator(_utc)]
