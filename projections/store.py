"""The counter store: apply increments with the checkpoint atomically, read days and lifetimes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from redis import Redis

from eventlog.keys import Keys
from eventlog.read import appended
from eventlog.scripts import script
from projections import metrics
from projections.calendar import days, iso_days
from projections.fold import Increments
from projections.metrics import METRICS, WIDTH, Row

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
    for key, slots in increments.packed.items():
        key_list.append(key)
        args += [b"p", len(slots)]
        args += packed_pairs(slots)
    if not script(client, "apply")(keys=key_list, args=args):
        return None
    return Checkpoint(last_id, after.n + count)


def pairs(fields: dict[str, int]) -> list[bytes]:
    """field, increment, field, increment, ... of one hash, as bytes."""
    return interleaved([name.encode() for name in fields], fields.values())


_SLOT = [b"#%d" % i for i in range(12 * WIDTH)]  # a packed year holds 12 rows


def packed_pairs(slots: dict[int, int]) -> list[bytes]:
    """"#<slot>", increment, ... of one packed value (BITFIELD's offsets in counts), as bytes."""
    return interleaved([_SLOT[i] for i in slots], slots.values())


def interleaved(targets: list[bytes], increments: Iterable[int]) -> list[bytes]:
    """target, increment, target, increment, ... as bytes: a batch carries thousands of them, and
    bytes are what the client sends without converting each."""
    out: list[bytes] = [b""] * (2 * len(targets))
    out[0::2] = targets
    out[1::2] = [b"%d" % n for n in increments]
    return out


def version(client: Redis, keys: Keys, tenant_id: str) -> int:
    """How many of a tenant's events are projected: it changes with every write to its counters."""
    return int(client.hget(keys.projected(keys.partition(tenant_id)), tenant_id) or 0)


def read_rows(client: Redis, keys: Keys, tenant_id: str, scope: str, first: date, last: date) -> list[Row]:
    """One row of counts per local day in [first, last], in order (zeros for a day with none)."""
    return read_dates(client, keys, tenant_id, scope, iso_days(first, last))


def read_dates(client: Redis, keys: Keys, tenant_id: str, scope: str, dates: list[str]) -> list[Row]:
    """One row of counts per local day ("YYYY-MM-DD"), in order, in one round trip."""
    return metrics.unpack(read_packed(client, keys, tenant_id, scope, dates))


def read_packed(client: Redis, keys: Keys, tenant_id: str, scope: str, dates: list[str]) -> list[bytes]:
    """The stored counts of each local day ("YYYY-MM-DD"), in order, as full packed rows."""
    return read_days_and_years(client, keys, tenant_id, scope, dates, [])[0]


def day_names(keys: Keys, tenant_id: str, scope: str, dates: list[str]) -> list[bytes]:
    """The key names of local days ("YYYY-MM-DD") of a tenant and scope."""
    if not dates:
        return []
    head = keys.daily(keys.partition(tenant_id), tenant_id, scope, "").encode()
    # built as bytes in bulk: a long series names hundreds of days (ISO dates need no escaping)
    return [head + d for d in "\n".join(dates).encode().split(b"\n")]


def read_days_and_years(client: Redis, keys: Keys, tenant_id: str, scope: str, dates: list[str],
                        years: list[str]) -> tuple[list[bytes], list[bytes]]:
    """The stored counts of local days ("YYYY-MM-DD") and of local years ("YYYY": 12 rows each), in
    order, as full packed rows, in one MGET (one partition: one slot)."""
    p = keys.partition(tenant_id)
    names = day_names(keys, tenant_id, scope, dates) + [keys.monthly(p, tenant_id, scope, y).encode() for y in years]
    values = client.mget(names) if names else []
    return metrics.whole(values[:len(dates)]), metrics.whole(values[len(dates):], 12)


def read_days(client: Redis, keys: Keys, tenant_id: str, scope: str, first: date, last: date) -> dict[str, Counts]:
    """Counts per local day (ISO date -> metric -> count) of the days in [first, last] that have any."""
    found = zip(days(first, last), read_rows(client, keys, tenant_id, scope, first, last), strict=True)
    return {d.isoformat(): {m: n for m, n in zip(METRICS, r, strict=True) if n} for d, r in found if any(r)}


def read_months(client: Redis, keys: Keys, tenant_id: str, scope: str, first: str, last: str) -> dict[str, Row]:
    """Counts per local month ("YYYY-MM" -> row) for every month in [first, last]."""
    p = keys.partition(tenant_id)
    years = range(int(first[:4]), int(last[:4]) + 1)
    rows = metrics.unpack(client.mget([keys.monthly(p, tenant_id, scope, str(y)) for y in years]), 12)
    months = (f"{y}-{m:02d}" for y in years for m in range(1, 13))
    return {month: row for month, row in zip(months, rows, strict=True) if first <= month <= last}


def read_lifetime(client: Redis, keys: Keys, tenant_id: str, scope: str) -> Counts:
    """Lifetime counts (metric -> count) of one tenant and scope."""
    fields = client.hgetall(keys.lifetime(keys.partition(tenant_id), tenant_id, scope))
    return {field.decode(): int(value) for field, value in fields.items()}
