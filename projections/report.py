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
    if all(isinstance(c, bytes) for c in counts):
        return packed_rows(cast(Sequence[bytes], counts))
    return np.array([row_of(c) for c in counts], dtype=np.int64).reshape(-1, WIDTH)


@dataclass(frozen=True)
class Report:
    """A widened range, the counts of each of its periods, its totals and the previous range's totals.

    A day's counts stay as stored (a packed row: see projections.metrics); a week's or a month's are
    a tuple of counts. Either is hashable, so equal counts can share their shaped answer.
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


def report(client: Redis, keys: Keys, tenant_id: str, scope: str, first: date, last: date,
           granularity: str) -> Report:
    """The report of a widened range [first, last] at a granularity, read in one round trip."""
    before = previous(first, last, granularity)
    ranges = [split(first, last), split(*before)]
    months = [m for r in ranges if r.months for m in r.months]
    if granularity == "month":
        months += [month_number(first), month_number(last)]
    series_days = [] if granularity == "month" else iso_days(first, last)
    edge_days = [iso_days(a, b) for r in ranges for a, b in r.edges]
    base = min(months, default=0) // 12 * 12  # the month of the first row read from the rollup
    years = [str(y) for y in range(base // 12, max(months, default=-1) // 12 + 1)]
    day_values, year_values = store.read_days_and_years(
        client, keys, tenant_id, scope, series_days + [d for e in edge_days for d in e], years)
    month_rows, edge_rows = packed_rows(year_values), packed_rows(day_values[len(series_days):])

    def total_of(r: Split, at: int) -> tuple[Row, int]:
        """The counts of a split range whose edge days start at row `at`, and the row after them."""
        n = sum((b - a).days + 1 for a, b in r.edges)
        months_sum = month_rows[r.months[0] - base:r.months[1] - base + 1].sum(axis=0) if r.months else 0
        return (edge_rows[at:at + n].sum(axis=0) + months_sum).tolist(), at + n

    totals, at = total_of(ranges[0], 0)
    before_totals, _ = total_of(ranges[1], at)
    counts: list[PeriodCounts]
    if granularity == "day":  # a day's label is its date: no period objects for up to 5 years of days
        labels, counts = series_days, list(day_values[:len(series_days)])
    else:
        buckets = periods(first, last, granularity)
        labels = [b.label for b in buckets]
        if granularity == "month":
            counts = [tuple(month_rows[month_number(b.first) - base].tolist()) for b in buckets]
        else:
            starts = np.cumsum([0] + [(b.last - b.first).days + 1 for b in buckets[:-1]])
            sums = np.add.reduceat(packed_rows(day_values[:len(series_days)]), starts, axis=0)
            counts = [tuple(row) for row in sums.tolist()]
    # totals from the rollups, like the previous range's: they equal the sum of the series, because
    # days and months are written in the same atomic step
    return Report(first, last, labels, counts, (span(first, last), totals), (span(*before), before_totals))
