"""Convert counters kept in an earlier layout into the current one, without losing or doubling a count.

Daily counts and the monthly rollup were once hashes: one per tenant, scope and month with fields
"<DD>|<metric>", and one per tenant, scope and year with fields "<MM>|<metric>". Each such hash is
converted in one transaction: its counts are added into the packed days or years and the hash is
deleted, so a conversion that is interrupted, repeated or run by two processes at once counts every
value exactly once. Projectors may write the packed counts meanwhile: additions commute.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from redis import Redis
from redis.exceptions import WatchError

from eventlog.keys import Keys
from projections.metrics import INDEX, month_slot
from projections.store import packed_pairs

log = logging.getLogger(__name__)
_GLOB = re.compile(r"([*?\[\]\\])")
# per earlier kind: the shape of the name's last part, and where a field "<NN>|<metric>" goes now as
# (packed key, slot) from (tenant id, scope, last part, NN, metric index)
_Target = Callable[[Keys, int, str, str, str, str, int], tuple[str, int]]
_KINDS: dict[str, tuple[re.Pattern[str], _Target]] = {
    "day": (re.compile(r"\d{4}-\d{2}\Z"),
            lambda keys, p, tid, scope, month, dd, i: (keys.daily(p, tid, scope, f"{month}-{dd}"), i)),
    "month": (re.compile(r"\d{4}\Z"),
              lambda keys, p, tid, scope, year, mm, i: (keys.monthly(p, tid, scope, year), month_slot(int(mm), i))),
}


def upgrade(client: Redis, keys: Keys) -> int:
    """Convert every counter hash of the earlier layout; how many were converted."""
    converted = 0
    for kind in _KINDS:  # one pass over the keyspace per kind, filtered by Redis
        for name in client.scan_iter(match=f"{escaped(keys.prefix)}:{{p*}}:{kind}:*", count=1_000):
            p = partition_of_key(keys, name)
            if p is not None:
                converted += convert(client, keys, p, kind, name)
    if converted:
        log.info("converted %d counter hashes of the earlier layout into packed counts", converted)
    return converted


def partition_of_key(keys: Keys, name: bytes) -> int | None:
    """The partition whose hash tag a key name carries; None for a name of no partition."""
    head = f"{keys.prefix}:{{p".encode()
    number, close, _ = name[len(head):].partition(b"}")
    if not name.startswith(head) or not close or not number.isdigit() or int(number) >= keys.partitions:
        return None
    return int(number)


def escaped(text: str) -> str:
    """Text matched literally by a SCAN pattern."""
    return _GLOB.sub(r"\\\1", text)


def where(keys: Keys, partition: int, kind: str, name: bytes) -> tuple[str, str, str] | None:
    """(tenant id, scope, month or year) of an earlier counter hash's name; None for another key."""
    head, shape = f"{keys.tag(partition)}:{kind}:", _KINDS[kind][0]
    text = name.decode()
    if not text.startswith(head):
        return None
    tenant_id, _, rest = text[len(head):].partition(":")
    scope, _, when = rest.rpartition(":")
    if not tenant_id or not scope or not shape.match(when):
        return None
    return tenant_id, scope, when


def convert(client: Redis, keys: Keys, partition: int, kind: str, name: bytes) -> int:
    """Move one earlier counter hash into packed counts, atomically; 1 when it was converted here."""
    found = where(keys, partition, kind, name)
    if found is None:
        return 0
    tenant_id, scope, when = found
    target = _KINDS[kind][1]
    with client.pipeline() as pipe:
        while True:
            try:
                pipe.watch(name)
                if pipe.type(name) != b"hash":
                    return 0
                adds: dict[str, dict[int, int]] = {}
                for field, value in pipe.hgetall(name).items():
                    nn, _, metric = field.decode().partition("|")
                    if metric not in INDEX or not (len(nn) == 2 and nn.isdigit()):
                        log.warning("left %s as it is: its field %r is not one this version knows",
                                    name.decode(), field.decode())
                        return 0
                    key, slot = target(keys, partition, tenant_id, scope, when, nn, INDEX[metric])
                    slots = adds.setdefault(key, {})
                    slots[slot] = slots.get(slot, 0) + int(value)
                pipe.multi()
                for key, slots in adds.items():
                    ops = packed_pairs(slots)
                    args: list[bytes] = []
                    for i in range(0, len(ops), 2):
                        args += [b"INCRBY", b"u32", ops[i], ops[i + 1]]
                    pipe.execute_command("BITFIELD", key, *args)
                pipe.delete(name)
                pipe.execute()
                return 1
            except WatchError:
                continue
