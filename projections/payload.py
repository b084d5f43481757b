"""Payload shapes of the stats API (v1: the seed's flat keys)."""

from __future__ import annotations

from functools import cache

from eventlog.event import CHANNELS
from projections.rounding import half_up

V1_COUNTERS = ("sent", "impressions", "responses")


@cache
def _star_names(channels: tuple[str, ...]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    return tuple((star, tuple(f"stars:{ch}:{star}" for ch in channels)) for star in range(1, 6))


def average_rating(counts: dict[str, int], channels: tuple[str, ...] = CHANNELS) -> float | None:
    """Mean star rating from integer star counts, 2 decimals half up; None when there are no ratings."""
    total = n = 0
    get = counts.get
    for star, names in _star_names(channels):
        for name in names:
            k = get(name, 0)
            total += star * k
            n += k
    return half_up(total, n, 2)


def v1(counts: dict[str, int]) -> dict[str, int | float | None]:
    """The v1 object (without `date`) from one day's or a lifetime's counts."""
    out: dict[str, int | float | None] = {}
    for counter in V1_COUNTERS:
        total = 0
        for channel in CHANNELS:
            value = counts.get(f"{counter}:{channel}", 0)
            out[f"{counter}_{channel}"] = value
            total += value
        out[f"{counter}_total"] = total
    out["avgRating"] = average_rating(counts)
    return out


def v1_day(day: str, counts: dict[str, int]) -> dict[str, str | int | float | None]:
    """The v1 object of one day, with `date` first."""
    return {"date": day, **v1(counts)}
