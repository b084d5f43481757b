"""Convert counters kept in an earlier layout into the current one, without losing or doubling a count.

Daily counts were once one hash per tenant, scope and month ("<DD>|<metric>" -> count). Each such
hash is converted in one transaction: its counts are added into the packed days and the hash is
deleted, so a conversion that is interrupted, repeated or run by two processes at once counts
every value exactly once. Projectors may write the packed days meanwhile: additions commute.
"""

from __future__ import annotations

import logging
import re

from redis import Redis
from redis.exceptions import WatchError

from eventlog.keys import Keys
from projections.metrics import INDEX
from projections.store import day_pairs

log = logging.getLogger(__name__)
_MONTH = re.compile(r"\d{4}-\d{2}\Z")
_GLOB = re.compile(r"([*?\[\]\\])")


def upgrade(client: Redis, keys: Keys) -> int:
    """Convert every daily hash of the earlier layout; how many were converted."""
    converted = 0
    for p in range(keys.partitions):
        pattern = _GLOB.sub(r"\\\1", keys.tag(p)) + ":day:*"
        for name in client.scan_iter(match=pattern, count=1_000):
            converted += convert(client, keys, p, name)
    if converted:
        log.info("converted %d daily hashes into packed days", converted)
    return converted


def where(keys: Keys, partition: int, name: bytes) -> tuple[str, str, str] | None:
    """(tenant id, scope, "YYYY-MM") of an earlier daily hash's name; None for another kind of key."""
    head = f"{keys.tag(partition)}:day:"
    text = name.decode()
    if not text.startswith(head):
        return None
    tenant_id, _, rest = text[len(head):].partition(":")
    scope, month = rest[:-8], rest[-7:]
    if not tenant_id or rest[-8:-7] != ":" or not scope or not _MONTH.match(month):
        return None
    return tenant_id, scope, month


def convert(client: Redis, keys: Keys, partition: int, name: bytes) -> int:
    """Move one earlier daily hash into packed days, atomically; 1 when it was converted here."""
    found = where(keys, partition, name)
    if found is None:
        return 0
    tenant_id, scope, month = found
    with client.pipeline() as pipe:
        while True:
            try:
                pipe.watch(name)
                if pipe.type(name) != b"hash":
                    return 0
                by_day: dict[str, dict[int, int]] = {}
                for field, value in pipe.hgetall(name).items():
                    dd, _, metric = field.decode().partition("|")
                    if metric not in INDEX:
                        log.warning("left %s as it is: it counts %r, which this version does not know",
                                    name.decode(), metric)
                        return 0
                    slots = by_day.setdefault(f"{month}-{dd}", {})
                    slots[INDEX[metric]] = slots.get(INDEX[metric], 0) + int(value)
                pipe.multi()
                for day, slots in by_day.items():
                    ops = day_pairs(slots)
                    args: list[bytes] = []
                    for i in range(0, len(ops), 2):
                        args += [b"INCRBY", b"u32", ops[i], ops[i + 1]]
                    pipe.execute_command("BITFIELD", keys.daily(partition, tenant_id, scope, day), *args)
                pipe.delete(name)
                pipe.execute()
                return 1
            except WatchError:
                continue
