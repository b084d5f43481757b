"""Payload shapes of the stats API (v1: the seed's flat keys)."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter, mul

from eventlog.event import CHANNELS
from projections.metrics import INDEX, STARS, Row
from projections.rounding import half_up

V1_COUNTERS = ("sent", "impressions", "responses")
V1_KEYS = (*(f"{c}_{ch}" for c in V1_COUNTERS for ch in (*CHANNELS, "total")), "avgRating")

# A year of days shapes ~6,000 values: each day takes its counts in one C-level gather.
_V1_COUNTS = itemgetter(*(INDEX[f"{c}:{ch}"] for c in V1_COUNTERS for ch in CHANNELS))
_STARS = itemgetter(*(INDEX[f"stars:{ch}:{star}"] for ch in CHANNELS for star in STARS))
_STAR_WEIGHTS = tuple(star for _ in CHANNELS for star in STARS)
# one day as JSON text, its values in V1_KEYS order: no dictionary per day on the way to the answer
_DAY_TEXT = '{"date":"%s",' + ",".join(f'"{key}":%s' for key in V1_KEYS) + "}"


def average_rating(row: Row) -> float | None:
    """Mean star rating from integer star counts, 2 decimals half up; None when there are no ratings."""
    stars = _STARS(row)
    return half_up(sum(map(mul, stars, _STAR_WEIGHTS)), sum(stars), 2)


def v1_values(row: Row) -> tuple[int | float | None, ...]:
    """The values of the v1 object of some counts, in V1_KEYS order."""
    se, sw, ss, so, ie, iw, is_, io, re, rw, rs, ro = _V1_COUNTS(row)
    return (se, sw, ss, so, se + sw + ss + so, ie, iw, is_, io, ie + iw + is_ + io,
            re, rw, rs, ro, re + rw + rs + ro, average_rating(row))


def v1(row: Row) -> dict[str, int | float | None]:
    """The v1 object (without `date`) from one day's or a lifetime's counts."""
    return dict(zip(V1_KEYS, v1_values(row), strict=True))


def v1_day(day: str, row: Row) -> dict[str, str | int | float | None]:
    """The v1 object of one day, with `date` first."""
    out: dict[str, str | int | float | None] = {"date": day}
    out.update(v1(row))
    return out


def v1_days_json(days: Sequence[str], rows: Sequence[Row]) -> bytes:
    """The v1 objects of days (ISO dates, which need no escaping) as a JSON array."""
    texts = []
    for day, row in zip(days, rows, strict=True):
        *counts, average = v1_values(row)
        texts.append(_DAY_TEXT % (day, *counts, "null" if average is None else repr(average)))
    return f"[{','.join(texts)}]".encode()
