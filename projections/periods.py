"""Periods of a stats query: tenant-local days, ISO weeks (Monday first) and calendar months."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

GRANULARITIES = ("day", "week", "month")
_DAY = timedelta(days=1)


class Period(NamedTuple):
    """One bucket of a series: its label and its first and last local day (both included)."""

    label: str
    first: date
    last: date


def shift_month(day: date, n: int) -> date:
    """The first day of the month n months after (n < 0: before) the month of `day`."""
    year, month = divmod(day.year * 12 + day.month - 1 + n, 12)
    return date(year, month + 1, 1)


def month_end(day: date) -> date:
    """The last day of the month of `day`."""
    return shift_month(day, 1) - _DAY


def label(day: date, granularity: str) -> str:
    """The label of the period holding `day`: 2025-04-08, 2025-W15 or 2025-04."""
    if granularity == "week":
        year, week, _ = day.isocalendar()  # the ISO year, which differs near 1 January
        return f"{year}-W{week:02d}"
    if granularity == "month":
        return day.isoformat()[:7]
    return day.isoformat()


def span(first: date, last: date) -> str:
    """The label of a range of days, as an ISO 8601 interval: 2025-04-01/2025-04-30."""
    return f"{first.isoformat()}/{last.isoformat()}"


def widen(first: date, last: date, granularity: str) -> tuple[date, date]:
    """The range [first, last] grown to whole periods of the granularity."""
    if granularity == "week":
        return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())
    if granularity == "month":
        return first.replace(day=1), month_end(last)
    return first, last


def periods(first: date, last: date, granularity: str) -> list[Period]:
    """The periods of a widened range, in order."""
    if granularity == "month":
        out, start = [], first
        while start <= last:
            end = month_end(start)
            out.append(Period(start.isoformat()[:7], start, end))
            start = end + _DAY
        return out
    if granularity == "day":
        return [Period(d.isoformat(), d, d) for d in map(date.fromordinal, range(first.toordinal(),
                                                                                 last.toordinal() + 1))]
    starts = (first + timedelta(days=i) for i in range(0, (last - first).days + 1, 7))
    return [Period(label(s, granularity), s, s + timedelta(days=6)) for s in starts]


def previous(first: date, last: date, granularity: str) -> tuple[date, date]:
    """The range of as many periods just before a widened range."""
    if granularity == "month":
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        return shift_month(first, -months), first - _DAY
    # whole weeks are a whole number of days, so stepping back by the day count keeps Mondays
    n = (last - first).days + 1
    return first - timedelta(days=n), first - _DAY


def within_years(first: date, last: date, years: int) -> bool:
    """Whether `last` comes before the same date `years` years after `first`."""
    # compared as tuples so 29 February needs no replacement day in a common year
    return (last.year, last.month, last.day) < (first.year + years, first.month, first.day)
