"""UTC time helpers and a column type that keeps datetimes timezone-aware on every database."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


@cache
def zone(name: str) -> ZoneInfo:
    """The time zone called `name` ("Asia/Ho_Chi_Minh"), loaded once."""
    return ZoneInfo(name)


def configured_zone() -> ZoneInfo:
    """The zone dates are shown and printed in (setting ELEARN_TIMEZONE)."""
    return zone(current_app.config["ELEARN_TIMEZONE"])


def to_local(value: datetime, tz: tzinfo) -> datetime:
    """A stored (UTC, aware) datetime as wall-clock time in `tz`."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: times are stored in UTC and must be aware")
    return value.astimezone(tz)


def local_date(value: datetime, tz: tzinfo) -> date:
    """The calendar day in `tz` of a stored moment: 23:30 UTC on 1 Dec is 2 Dec in Vietnam."""
    return to_local(value, tz).date()


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; always returns aware datetimes (SQLite would return naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
