"""Day counters read straight into the periods they fall in (the day and week series' hot path)."""

from __future__ import annotations

from datetime import timedelta

from redis import Redis

from eventlog.keys import Keys
from projections.payload_v2 import Counts
from projections.periods import Period

_DD = [b"%02d" % d for d in range(32)]  # the "<DD>" head of a stored day field


def slots(buckets: list[Period], counts: list[Counts]) -> dict[str, dict[bytes, Counts]]:
    """Per month ("YYYY-MM"), which period's counts each of its days ("DD" bytes) adds into."""
    out: dict[str, dict[bytes, Counts]] = {}
    for bucket, into in zip(buckets, counts, strict=True):
        day = bucket.first
        while day <= bucket.last:
            out.setdefault(f"{day.year:04d}-{day.month:02d}", {})[_DD[day.day]] = into
            day += timedelta(days=1)
    return out


def read_periods(client: Redis, keys: Keys, tenant_id: str, scope: str, buckets: list[Period]) -> list[Counts]:
    """The counts of every period made of whole days, reading one day hash per month."""
    counts: list[Counts] = [{} for _ in buckets]
    by_month = slots(buckets, counts)
    p = keys.partition(tenant_id)
    pipe = client.pipeline(transaction=False)
    for month in by_month:
        pipe.hgetall(keys.days(p, tenant_id, scope, month))
    # bytes fields sliced, not decoded and split: this loop sees every counter of every day
    for month_slots, fields in zip(by_month.values(), pipe.execute(), strict=True):
        for field, value in fields.items():
            into = month_slots.get(field[:2])  # fields are "<DD>|<metric>"
            if into is not None:
                metric = field[3:].decode()
                into[metric] = into.get(metric, 0) + int(value)
    return counts
