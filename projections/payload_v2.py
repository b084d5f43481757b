"""Payload shapes of the v2 stats API: one period object from a period's counts, and its CSV row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventlog.event import CHANNELS
from projections.rounding import half_up

Counts = dict[str, int]

COUNTERS = ("sent", "delivered", "read", "failed", "impressions", "responses")
STARS = ("1", "2", "3", "4", "5")
# metric names built once: a 2-year daily series looks up ~70,000 of them, and this is the hot path
_COUNTER_NAMES = tuple((c, tuple((ch, f"{c}:{ch}") for ch in CHANNELS)) for c in COUNTERS)
_COHORT_NAMES = tuple((ch, f"cohort:{ch}") for ch in CHANNELS)
_STAR_NAMES = tuple((ch, tuple((s, int(s), f"stars:{ch}:{s}") for s in STARS)) for ch in CHANNELS)


def by_channel(get: Callable[[str, int], int], names: tuple[tuple[str, str], ...]) -> dict[str, int]:
    """{channel: count, ..., "total": their sum} of one metric family, read through counts.get."""
    out: dict[str, int] = {}
    total = 0
    for ch, name in names:
        out[ch] = n = get(name, 0)
        total += n
    out["total"] = total
    return out


def rate(numerator: dict[str, int], denominator: dict[str, int]) -> dict[str, float | None]:
    """A ratio per channel and of the totals, 4 decimals, null over 0, never clamped."""
    return {ch: half_up(n, denominator[ch], 4) for ch, n in numerator.items()}


def rating(get: Callable[[str, int], int]) -> dict[str, Any]:
    """Average, count and star distributions of the ratings, per channel and in total."""
    per_channel: dict[str, dict[str, int]] = {}
    count: dict[str, int] = {}
    average: dict[str, float | None] = {}
    distribution = dict.fromkeys(STARS, 0)
    for ch, names in _STAR_NAMES:
        stars: dict[str, int] = {}
        n = weighted = 0
        for s, star, name in names:
            stars[s] = k = get(name, 0)
            n += k
            weighted += star * k
            distribution[s] += k
        per_channel[ch], count[ch], average[ch] = stars, n, half_up(weighted, n, 2)
    n = sum(distribution.values())
    count["total"] = n
    average["total"] = half_up(sum(int(s) * k for s, k in distribution.items()), n, 2)
    return {"average": average, "count": count, "distribution": distribution,
            "distribution_by_channel": per_channel}


def period(name: str, counts: Counts) -> dict[str, Any]:
    """The v2 object of one period (a day, week, month or range) from its counts."""
    get = counts.get
    out: dict[str, Any] = {"period": name}
    for counter, names in _COUNTER_NAMES:
        out[counter] = by_channel(get, names)
    sent = out["sent"]
    out["rates"] = {
        "delivery": rate(out["delivered"], sent),
        "impression": rate(out["impressions"], sent),
        "response": rate(out["responses"], sent),
        "response_by_send_date": rate(by_channel(get, _COHORT_NAMES), sent),
    }
    out["rating"] = rating(get)
    return out


def flatten(obj: dict[str, Any], head: str = "") -> dict[str, Any]:
    """A nested period object as one level, its keys joined with "_" (the CSV columns)."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{head}_{key}" if head else key
        if isinstance(value, dict):
            out.update(flatten(value, name))
        else:
            out[name] = value
    return out


def row(obj: dict[str, Any]) -> list[Any]:
    """The leaf values of a period object in COLUMNS order (every period has the same shape)."""
    out: list[Any] = []
    for value in obj.values():
        if isinstance(value, dict):
            out += row(value)
        else:
            out.append(value)
    return out


COLUMNS = tuple(flatten(period("", {})))
