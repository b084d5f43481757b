"""The counter store: apply increments with the checkpoint atomically, read days and lifetimes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from redis import Redis

from eventlog.keys import Keys
from eventlog.read import appended
from eventlog.scripts import script
from projections.calendar import days
from projections.fold import Increments
from projections.periods import Period

Counts = dict[str, int]


@dataclass(frozen=True)
class Checkpoint:
    """How far a partition is projected: the last entry id ("" for none) and the entry count."""

    id: str = ""
    n: int = 0


def checkpoint(client: Redis, keys: Keys, partition: int) -> Checkpoint:
    """The partition's current checkpoint."""
    raw = client.hmget(keys.checkpoint(partition), ["id", "n"])
    return Checkpoint((raw[0] or b"").decode(), int(raw[1] or 0))


def checkpoints(client: Redis, keys: Keys) -> list[Checkpoint]:
    """Every partition's checkpoint, in one round trip."""
    pipe = client.pipeline(transaction=False)
    for p in range(keys.partitions):
        pipe.hmget(keys.checkpoint(p), ["id", "n"])
    return [Checkpoint((i or b"").decode(), int(n or 0)) for i, n in pipe.execute()]


def lags(client: Redis, keys: Keys) -> list[int]:
    """Per partition, the entries appended to its stream and not projected yet."""
    return [total - cp.n for total, cp in zip(appended(client, keys), checkpoints(client, keys), strict=True)]


def apply(
    client: Redis, keys: Keys, partition: int, after: Checkpoint, last_id: str, count: int,
    increments: Increments,
) -> Checkpoint | None:
    """Apply a batch read after `after`; the new checkpoint, or None if another projector won."""
    key_list = [keys.checkpoint(partition)]
    args: list[bytes | str | int] = [after.id, last_id, count]
    for key, fields in increments.items():
        key_list.append(key)
        args.append(len(fields))
        args += pairs(fields)
    if not script(client, "apply")(keys=key_list, args=args):
        return None
    return Checkpoint(last_id, after.n + count)


def pairs(fields: dict[str, int]) -> list[bytes]:
    """field, increment, field, increment, ... already as bytes.

    A batch carries thousands of these; redis-py's own per-argument encoding of str and int costs
    more than twice as much as handing it bytes.
    """
    out: list[bytes] = [b""] * (2 * len(fields))
    out[0::2] = [name.encode() for name in fields]
    out[1::2] = [b"%d" % n for n in fields.values()]
    return out


def version(client: Redis, keys: Keys, tenant_id: str) -> int:
    """How many of a tenant's events are projected: it changes with every write to its counters."""
    return int(client.hget(keys.projected(keys.partition(tenant_id)), tenant_id) or 0)


def read_days(
    client: Redis, keys: Keys, tenant_id: str, scope: str, first: date, last: date
) -> dict[str, Counts]:
    """Counts per local day (ISO date -> metric -> count) of the days in [first, last] that have any."""
    span = days(first, last)
    counts = read_periods(client, keys, tenant_id, scope, [Period(d.isoformat(), d, d) for d in span])
    return {d.isoformat(): c for d, c in zip(span, counts, strict=True) if c}


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


def read_months(client: Redis, keys: Keys, tenant_id: str, scope: str, first: str, last: str) -> dict[str, Counts]:
    """Counts per local month ("YYYY-MM" -> metric -> count) for every month in [first, last]."""
    p = keys.partition(tenant_id)
    years = [str(y) for y in range(int(first[:4]), int(last[:4]) + 1)]
    pipe = client.pipeline(transaction=False)
    for year in years:
        pipe.hgetall(keys.months(p, tenant_id, scope, year))
    out: dict[str, Counts] = defaultdict(dict)
    for year, fields in zip(years, pipe.execute()):
        for field, value in fields.items():
            mm, _, metric = field.decode().partition("|")
            month = f"{year}-{mm}"
            if first <= month <= last:
                out[month][metric] = int(value)
    return out


def read_lifetime(client: Redis, keys: Keys, tenant_id: str, scope: str) -> Counts:
    """Lifetime counts (metric -> count) of one tenant and scope."""
    fields = client.hgetall(keys.lifetime(keys.partition(tenant_id), tenant_id, scope))
    return {field.decode(): int(value) for field, value in fields.items()}
