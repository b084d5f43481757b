"""Read a partition's stream from a position, and how far projection lags behind it."""

from __future__ import annotations

from redis import Redis
from redis.exceptions import ResponseError

from eventlog import codec
from eventlog.event import Event
from eventlog.keys import Keys

START = "0-0"


def read_after(client: Redis, keys: Keys, partition: int, after: str, count: int) -> list[tuple[str, Event]]:
    """Up to `count` entries strictly after stream id `after`, oldest first, decoded."""
    return decode(read_rows(client, keys, partition, after, count))


def read_rows(client: Redis, keys: Keys, partition: int, after: str,
              count: int) -> list[tuple[bytes, dict[bytes, bytes]]]:
    """Up to `count` entries strictly after stream id `after`, oldest first, as stored."""
    rows: list[tuple[bytes, dict[bytes, bytes]]] = client.xrange(keys.stream(partition), min=f"({after}", max="+",
                                                                  count=count)
    return rows


def decode(rows: list[tuple[bytes, dict[bytes, bytes]]]) -> list[tuple[str, Event]]:
    """Stream entries as (entry id, event)."""
    return [(entry_id.decode(), codec.decode(fields)) for entry_id, fields in rows]


def appended(client: Redis, keys: Keys) -> list[int]:
    """How many entries each partition's stream has ever had appended (0 for no stream)."""
    pipe = client.pipeline(transaction=False)
    for p in range(keys.partitions):
        pipe.xinfo_stream(keys.stream(p))
    totals = []
    for info in pipe.execute(raise_on_error=False):
        if isinstance(info, ResponseError):
            totals.append(0)
        elif isinstance(info, Exception):
            raise info
        else:
            totals.append(int(info["entries-added"]))
    return totals
