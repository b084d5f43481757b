"""The v2 report of one query: counts read per period and over ranges, shaped as period objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from redis import Redis

from eventlog.keys import Keys
from projections import store
from projections.metrics import Row, total, zero
from projections.payload_v2 import period
from projections.periods import Period, month_end, periods, previous, shift_month, span

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Report:
    """A widened range, its series of period objects, its totals and the previous range's totals."""

    first: date
    last: date
    series: list[dict[str, Any]]
    totals: dict[str, Any]
    previous: dict[str, Any]


def per_period(client: Redis, keys: Keys, tenant_id: str, scope: str, buckets: list[Period],
               granularity: str) -> list[Row]:
    """The counts of every period: months from the rollup, days and weeks from days."""
    first, last = buckets[0].first, buckets[-1].last
    if granularity == "month":
        months = store.read_months(client, keys, tenant_id, scope, first.isoformat()[:7], last.isoformat()[:7])
        return [months.get(b.label) or zero() for b in buckets]
    return store.read_periods(client, keys, tenant_id, scope, buckets)


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
    buckets = periods(first, last, granularity)
    counts = per_period(client, keys, tenant_id, scope, buckets, granularity)
    series = [period(b.label, c) for b, c in zip(buckets, counts, strict=True)]
    before = previous(first, last, granularity)
    return Report(first, last, series, period(span(first, last), total(counts)),
                  period(span(*before), over(client, keys, tenant_id, scope, *before)))
