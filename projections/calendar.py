"""Local days in a tenant's IANA time zone, from an event's own instant."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import numpy as np

# Today's offsets and transitions fall on quarter hours, so all instants of one quarter hour
# usually share a local day and one lookup serves them all. A quarter whose two ends fall on
# different days (old offsets with seconds, 00:01 transitions) is computed instant by instant.
_QUARTER_MS = 15 * 60 * 1000


def zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`; ValueError when there is none."""
    if name not in _zone_names():
        raise ValueError(f"unknown time zone {name!r}")
    return _zone(name)


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def local_day(at_ms: int, zone_name: str) -> str:
    """The tenant-local calendar day (YYYY-MM-DD) of an instant given in epoch milliseconds."""
    day = _quarter_day(at_ms // _QUARTER_MS, zone_name)
    return day if day is not None else _exact_day(at_ms, zone_name)


def _exact_day(at_ms: int, zone_name: str) -> str:
    instant = datetime.fromtimestamp(at_ms // 1000, tz=UTC)
    return instant.astimezone(_zone(zone_name)).date().isoformat()


@lru_cache(maxsize=65_536)
def _quarter_day(quarter: int, zone_name: str) -> str | None:
    first = _exact_day(quarter * _QUARTER_MS, zone_name)
    return first if _exact_day((quarter + 1) * _QUARTER_MS - 1, zone_name) == first else None


def days(first: date, last: date) -> list[date]:
    """Every day from first to last, both included."""
    return list(map(date.fromordinal, range(first.toordinal(), last.toordinal() + 1)))


def iso_days(first: date, last: date) -> list[str]:
    """Every day from first to last, both included, as "YYYY-MM-DD" (years 1-9999)."""
    # numpy writes a long range's dates in C: a 2-year series names 731 days
    return np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1).astype("U10").tolist()


def today(zone_name: str, now: datetime) -> date:
    """The local day of `now` in a zone."""
    return now.astimezone(_zone(zone_name)).date()
