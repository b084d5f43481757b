"""Payload shapes of the stats API (v1: the seed's flat keys)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from eventlog.event import CHANNELS

V1_COUNTERS = ("sent", "impressions", "responses")


def average_rating(counts: dict[str, int], channels: tuple[str, ...] = CHANNELS) -> float | None:
    """Mean star rating from integer star counts, 2 decimals; None when there are no ratings."""
    total = n = 0
    for channel in channels:
        for star in range(1, 6):
            k = counts.get(f"stars:{channel}:{star}", 0)
            total += star * k
            n += k
    if not n:
        return None
    return float((Decimal(total) / Decimal(n)).quantize(Decimal("0.01"), ROUND_HALF_UP))


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
