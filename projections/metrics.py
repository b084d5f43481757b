"""The metrics a scope counts, in a fixed order, and a row of counts indexed by that order.

A metric is "<counter>:<channel>" (counters sent, delivered, read, failed, impressions,
responses), "stars:<channel>:<1..5>" or "cohort:<channel>". Daily counts are stored packed in this
order (see eventlog/keys.py), so the order is part of the stored layout: new metrics go at the end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from eventlog.event import CHANNELS

COUNTERS = ("sent", "delivered", "read", "failed", "impressions", "responses")
STARS = (1, 2, 3, 4, 5)

METRICS: tuple[str, ...] = (
    *(f"{c}:{ch}" for c in COUNTERS for ch in CHANNELS),
    *(f"stars:{ch}:{s}" for ch in CHANNELS for s in STARS),
    *(f"cohort:{ch}" for ch in CHANNELS),
)
INDEX: dict[str, int] = {name: i for i, name in enumerate(METRICS)}
WIDTH = len(METRICS)

Row = Sequence[int]  # one count per metric, in METRICS order

# A stored day: WIDTH unsigned 32-bit big-endian counts (Redis BITFIELD's u32 layout).
COUNT_BITS = 32
ROW_BYTES = WIDTH * COUNT_BITS // 8


def month_slot(month: int, metric: int) -> int:
    """Where a metric of month 1..12 is counted in a packed year."""
    return (month - 1) * WIDTH + metric


def index(counter: str, channel: str) -> int:
    """The position of one counter of one channel."""
    return INDEX[f"{counter}:{channel}"]


def zero() -> list[int]:
    """A row of zeros."""
    return [0] * WIDTH


def from_counts(counts: Mapping[str, int]) -> list[int]:
    """A row from {metric name: count} (names outside METRICS are not counted)."""
    get = counts.get
    return [get(name, 0) for name in METRICS]


def whole(stored: Sequence[bytes | None], rows_each: int = 1) -> list[bytes]:
    """Stored values of `rows_each` rows (a day: 1, a year: 12) at their full length: None or a short
    value (BITFIELD writes no further than its highest count) has zeros for the missing counts."""
    size = ROW_BYTES * rows_each
    zeros = bytes(size)
    # ljust pads a short value with zero counts and returns a full one as it is
    out = [zeros if v is None else v.ljust(size, b"\0") for v in stored]
    if max(map(len, out), default=size) != size:
        raise ValueError("a stored value is longer than its rows: the packed layout does not match METRICS")
    return out


def unpack(stored: Sequence[bytes | None], rows_each: int = 1) -> list[Row]:
    """Rows from stored values of `rows_each` rows, the missing counts as zeros (see whole)."""
    return packed_rows(whole(stored, rows_each)).tolist()  # lists: their items are read many times over


def packed_rows(stored: Sequence[bytes]) -> npt.NDArray[np.int64]:
    """Rows of counts from full stored rows (see whole) as one (rows, WIDTH) array."""
    return np.frombuffer(b"".join(stored), dtype=">u4").reshape(-1, WIDTH).astype(np.int64)
