"""The v2 report of one query: counts read per period and over ranges, shaped as period objects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from redis import Redis

from eventlog.keys import Keys
from projections import store
from projections.calendar import iso_days
from projections.metrics import WIDTH, Row, packed_rows, total, unpack, zero
from projections.payload_v2 import period
from projections.periods import Period, month_end, periods, previous, shift_month, span

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


def per_period(client: Redis, keys: Keys, tenant_id: str, scope: str, buckets: list[Period],
               granularity: str) -> list[PeriodCounts]:
    """The counts of every week or month: months from the rollup, weeks from days."""
    first, last = buckets[0].first, buckets[-1].last
    if granularity == "month":
        months = store.read_months(client, keys, tenant_id, scope, first.isoformat()[:7], last.isoformat()[:7])
        return [tuple(months.get(b.label) or zero()) for b in buckets]
    return [tuple(row) for row in store.read_periods(client, keys, tenant_id, scope, buckets)]


def over(client: Redis, keys: Keys, tenant_id: str, scope: str, first: date, last: date) -> Row:
    """The counts of [first, last] together: whole months from the rollup, the days of the rest."""
    whole_first = first if first.day == 1 else shift_month(first, 1)
    whole_last = last if last == month_end(last) else last.replace(day=1) - _DAY
    if whole_first > whole_last:  # no whole month inside
        return store.read_periods(client, keys, tenant_id, scope, [Period("", first, last)])[0]
    months = store.read_months(client, keys, tenant_id, scope, whole_first.isoformat()[:7],
                               whole_last.isoformat()[:7])
    edges = [Period("", first, whole_first - _DAY), Period("", whole_last + _DAY, last)]
    days = store.read_periods(client, keys, tenant_id, scope, [e for e in edges if e.first <= e.last])
    return total([*months.values(), *days])


def report(client: Redis, keys: Keys, tenant_id: str, scope: str, first: date, last: date,
           granularity: str) -> Report:
    """The report of a widened range [first, last] at a granularity."""
    counts: list[PeriodCounts]
    if granularity == "day":  # a day's label is its date: no period objects for up to 5 years of days
        labels = iso_days(first, last)
        counts = list(store.read_packed(client, keys, tenant_id, scope, labels))
    else:
        buckets = periods(first, last, granularity)
        labels, counts = [b.label for b in buckets], per_period(client, keys, tenant_id, scope, buckets, granularity)
    before = previous(first, last, granularity)
    # totals from the rollups, like the previous range's: they equal the sum of the series, because
    # days and months are written in the same atomic step
    return Report(first, last, labels, counts,
                  (span(first, last), over(client, keys, tenant_id, scope, first, last)),
                  (span(*before), over(client, keys, tenant_id, scope, *before)))
