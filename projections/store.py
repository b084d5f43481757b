"""The counter store: apply increments with the checkpoint atomically, read days and lifetimes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from redis import Redis

from eventlog.keys import Keys
from eventlog.read import appended
from eventlog.scripts import script
from projections import metrics
from projections.calendar import days
from projections.fold import Increments
from projections.metrics import INDEX, METRICS, WIDTH, Row
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
    for key, fields in increments.hashes.items():
        key_list.append(key)
        args += [b"h", len(fields)]
        args += pairs(fields)
    for key, slots in increments.days.items():
        key_list.append(key)
        args += [b"d", len(slots)]
        args += day_pairs(slots)
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


_SLOT = [b"#%d" % i for i in range(WIDTH)]


def day_pairs(slots: dict[int, int]) -> list[bytes]:
    """"#<metric index>", increment, ... for one packed day, as bytes."""
    out: list[bytes] = [b""] * (2 * len(slots))
    out[0::2] = [_SLOT[i] for i in slots]
    out[1::2] = [b"%d" % n for n in slots.values()]
    return out


def version(client: Redis, keys: Keys, tenant_id: str) -> int:
    """How many of a tenant's events are projected: it changes with every write to its counters."""
    return int(client.hget(keys.projected(keys.partition(tenant_id)), tenant_id) or 0)


def read_rows(client: Redis, keys: Keys, tenant_id: str, scope: str, first: date, last: date) -> list[Row]:
    """One row of counts per local day in [first, last], in order (zeros for a day with none)."""
    p = keys.partition(tenant_id)
    names = [keys.daily(p, tenant_id, scope, d.isoformat()) for d in days(first, last)]
    return metrics.unpack(client.mget(names)) if names else []  # one partition: one slot


def read_days(client: Redis, keys: Keys, tenant_id: str, scope: str, first: date, last: date) -> dict[str, Counts]:
    """Counts per local day (ISO date -> metric -> count) of the days in [first, last] that have any."""
    found = zip(days(first, last), read_rows(client, keys, tenant_id, scope, first, last), strict=True)
    return {d.isoformat(): {m: n for m, n in zip(METRICS, r, strict=True) if n} for d, r in found if any(r)}


def read_periods(client: Redis, keys: Keys, tenant_id: str, scope: str, buckets: list[Period]) -> list[Row]:
    """The counts of every period made of whole days, all read in one round trip."""
    p = keys.partition(tenant_id)
    names = [keys.daily(p, tenant_id, scope, d.isoformat()) for b in buckets for d in days(b.first, b.last)]
    rows = metrics.unpack(client.mget(names)) if names else []
    out: list[Row] = []
    at = 0
    for b in buckets:
        n = (b.last - b.first).days + 1
        out.append(rows[at] if n == 1 else metrics.total(rows[at:at + n]))
        at += n
    return out


def read_months(client: Redis, keys: Keys, tenant_id: str, scope: str, first: str, last: str) -> dict[str, Row]:
    """Counts per local month ("YYYY-MM" -> row) for the months in [first, last] that have any."""
    p = keys.partition(tenant_id)
    years = [str(y) for y in range(int(first[:4]), int(last[:4]) + 1)]
    pipe = client.pipeline(transaction=False)
    for year in years:
        pipe.hgetall(keys.months(p, tenant_id, scope, year))
    out: dict[str, Row] = {}
    for year, fields in zip(years, pipe.execute(), strict=True):
        for field, value in fields.items():
            mm, _, metric = field.decode().partition("|")
            month, i = f"{year}-{mm}", INDEX.get(metric)
            if first <= month <= last and i is not None:
                row = out.get(month)
                if row is None:
                    row = out[month] = metrics.zero()
                row[i] = int(value)  # type: ignore[index]
    return out


def read_lifetime(client: Redis, keys: Keys, tenant_id: str, scope: str) -> Counts:
    """Lifetime counts (metric -> count) of one tenant and scope."""
    fields = client.hgetall(keys.lifetime(keys.partition(tenant_id), tenant_id, scope))
    return {field.decode(): int(value) for field, value in fields.items()}
