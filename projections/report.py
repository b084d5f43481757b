"""The v2 report of one query: counts read per period and over ranges, shaped as period objects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple, cast

import numpy as np
import numpy.typing as npt
from redis import Redis

from eventlog.keys import Keys
from projections import store
from projections.calendar import iso_days
from projections.metrics import WIDTH, Row, packed_rows, unpack
from projections.payload_v2 import period
from projections.periods import month_end, periods, previous, shift_month, span

_DAY = timedelta(days=1)
PeriodCounts = bytes | tuple[int, ...]  # a stored day as it is, or a sum of days or months


def row_of(counts: PeriodCounts) -> Row:
    """The row of a period's counts."""
    return unpack([counts])[0] if isinstance(counts, bytes) else counts


def rows(counts: Sequence[PeriodCounts]) -> npt.NDArray[np.int64]:
    """The rows of many periods' counts as one (periods, WIDTH) array."""
    if set(map(type, counts)) <= {bytes}:
        return packed_rows(cast(Sequence[bytes], counts))
    return np.array([row_of(c) for c in counts], dtype=np.int64).reshape(-1, WIDTH)


@dataclass(frozen=True)
class Report:
    """A widened range, the counts of each of its periods, its totals and the previous range's totals.

    A day's counts stay as stored (a packed row: see projections.metrics); a week's or a month's are
    a tuple of counts. Either is hashable, so a period's shaped text can be remembered by its label
    and counts (web.stats_v2.PeriodTexts).
    """

    first: date
    last: date
    labels: list[str]
    counts: list[PeriodCounts]
    totals: tuple[str, Row]
    previous: tuple[str, Row]

    def series(self) -> list[dict[str, Any]]:
        """The period objects of the series."""
        return [period(label, row_of(c)) for label, c in zip(self.labels, self.counts, strict=True)]


class Split(NamedTuple):
    """A range of days as the whole months inside it (month numbers, both included, or None) and
    the days before and after them."""

    months: tuple[int, int] | None
    edges: list[tuple[date, date]]


def month_number(day: date) -> int:
    """The month of a day, counted from year 0 (consecutive months are consecutive numbers)."""
    return day.year * 12 + day.month - 1


def split(first: date, last: date) -> Split:
    """The whole months of [first, last] (read from the monthly rollup) and the rest (read by day)."""
    whole_first = first if first.day == 1 else shift_month(first, 1)
    whole_last = last.replace(day=1) if last == month_end(last) else shift_month(last, -1)
    if whole_first > whole_last:  # no whole month inside
        return Split(None, [(first, last)])
    edges = [(first, whole_first - _DAY), (month_end(whole_last) + _DAY, last)]
    return Split((month_number(whole_first), month_number(whole_last)), [(a, b) for a, b in edges if a <= b])


@dataclass(frozen=True)
class Read:
    """What a report read in its one MGET: the series' days (none by month) and their counts as
    stored, the rows of the ranges' edge days in order, and the rows of whole years of months from
    month number `base` on."""

    days: list[str]
    series: list[bytes]
    edges: npt.NDArray[np.int64]
    months: npt.NDArray[np.int64]
    base: int

    def month(self, number: int) -> npt.NDArray[np.int64]:
        """The row of one month (a month number)."""
        return self.months[number - self.base]

    def total(self, r: Split, at: int) -> tuple[Row, int]:
        """The counts of a split range whose edge days start at edge row `at`, and the row after them."""
        n = sum((b - a).days + 1 for a, b in r.edges)
        whole = self.months[r.months[0] - self.base:r.months[1] - self.base + 1].sum(axis=0) if r.months else 0
        return (self.edges[at:at + n].sum(axis=0) + whole).tolist(), at + n


def read(client: Redis, keys: Keys, tenant_id: str, scope: str, first: date, last: date, granularity: str,
         ranges: list[Split]) -> Read:
    """The days and months a report needs, for its series of [first, last] and its split ranges."""
    months = [m for r in ranges if r.months for m in r.months]
    if granularity == "month":
        months += [month_number(first), month_number(last)]
    series_days = [] if granularity == "month" else iso_days(first, last)
    edge_days = [d for r in ranges for a, b in r.edges for d in iso_days(a, b)]
    base = min(months, default=0) // 12 * 12  # January of the first year read
    years = [str(y) for y in range(base // 12, max(months, default=-1) // 12 + 1)]
    days, year_rows = store.read_days_and_years(client, keys, tenant_id, scope, series_days + edge_days, years)
    n = len(series_days)
    return Read(series_days, days[:n], packed_rows(days[n:]), packed_rows(year_rows), base)


def series(got: Read, first: date, last: date, granularity: str) -> tuple[list[str], list[PeriodCounts]]:
    """The labels and counts of the periods of [first, last]."""
    if granularity == "day":  # a day's label is its date: no period objects for up to 5 years of days
        return got.days, list(got.series)
    buckets = periods(first, last, granularity)
    labels = [b.label for b in buckets]
    if granularity == "month":
        return labels, [tuple(got.month(month_number(b.first)).tolist()) for b in buckets]
    starts = np.cumsum([0] + [(b.last - b.first).days + 1 for b in buckets[:-1]])
    return labels, [tuple(row) for row in np.add.reduceat(packed_rows(got.series), starts, axis=0).tolist()]


def report(client: Redis, keys: Keys, tenant_id: str, scope: str, first: date, last: date,
           granularity: str) -> Report:
    """The report of a widened range [first, last] at a granularity, read in one round trip."""
    before = previous(first, last, granularity)
    ranges = [split(first, last), split(*before)]
    got = read(client, keys, tenant_id, scope, first, last, granularity, ranges)
    # totals from the rollups, like the previous range's: they equal the sum of the series, because
    # days and months are written in the same atomic step
    totals, at = got.total(ranges[0], 0)
    before_totals, _ = got.total(ranges[1], at)
    labels, counts = series(got, first, last, granularity)
    return Report(first, last, labels, counts, (span(first, last), totals), (span(*before), before_totals))
