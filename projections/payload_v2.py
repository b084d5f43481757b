"""Payload shapes of the v2 stats API: one period object from a period's counts, and its CSV row."""

from __future__ import annotations

from typing import Any

from eventlog.event import CHANNELS
from projections.metrics import COUNTERS, INDEX, Row, index, zero
from projections.rounding import half_up

STARS = ("1", "2", "3", "4", "5")

# metric positions looked up once: a 2-year daily series shapes ~70,000 values, and this is the hot path
_COUNTER_AT = tuple((c, tuple((ch, index(c, ch)) for ch in CHANNELS)) for c in COUNTERS)
_COHORT_AT = tuple((ch, index("cohort", ch)) for ch in CHANNELS)
_STAR_AT = tuple((ch, tuple((s, int(s), INDEX[f"stars:{ch}:{s}"]) for s in STARS)) for ch in CHANNELS)


def by_channel(row: Row, at: tuple[tuple[str, int], ...]) -> dict[str, int]:
    """{channel: count, ..., "total": their sum} of one metric family."""
    out: dict[str, int] = {}
    total = 0
    for ch, i in at:
        out[ch] = n = row[i]
        total += n
    out["total"] = total
    return out


def rate(numerator: dict[str, int], denominator: dict[str, int]) -> dict[str, float | None]:
    """A ratio per channel and of the totals, 4 decimals, null over 0, never clamped."""
    return {ch: half_up(n, denominator[ch], 4) for ch, n in numerator.items()}


def rating(row: Row) -> dict[str, Any]:
    """Average, count and star distributions of the ratings, per channel and in total."""
    per_channel: dict[str, dict[str, int]] = {}
    count: dict[str, int] = {}
    average: dict[str, float | None] = {}
    distribution = dict.fromkeys(STARS, 0)
    for ch, at in _STAR_AT:
        stars: dict[str, int] = {}
        n = weighted = 0
        for s, star, i in at:
            stars[s] = k = row[i]
            n += k
            weighted += star * k
            distribution[s] += k
        per_channel[ch], count[ch], average[ch] = stars, n, half_up(weighted, n, 2)
    n = sum(distribution.values())
    count["total"] = n
    average["total"] = half_up(sum(int(s) * k for s, k in distribution.items()), n, 2)
    return {"average": average, "count": count, "distribution": distribution,
            "distribution_by_channel": per_channel}


def period(name: str, row: Row) -> dict[str, Any]:
    """The v2 object of one period (a day, week, month or range) from its counts."""
    out: dict[str, Any] = {"period": name}
    for counter, at in _COUNTER_AT:
        out[counter] = by_channel(row, at)
    sent = out["sent"]
    out["rates"] = {
        "delivery": rate(out["delivered"], sent),
        "impression": rate(out["impressions"], sent),
        "response": rate(out["responses"], sent),
        "response_by_send_date": rate(by_channel(row, _COHORT_AT), sent),
    }
    out["rating"] = rating(row)
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


COLUMNS = tuple(flatten(period("", zero())))
