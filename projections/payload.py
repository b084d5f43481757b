"""Payload shapes of the stats API (v1: the seed's flat keys)."""

from __future__ import annotations

from operator import itemgetter, mul

from eventlog.event import CHANNELS
from projections.metrics import INDEX, STARS, Row
from projections.rounding import half_up

V1_COUNTERS = ("sent", "impressions", "responses")

# A year of days shapes ~6,000 values: each day takes its counts in one C-level gather.
_V1_COUNTS = itemgetter(*(INDEX[f"{c}:{ch}"] for c in V1_COUNTERS for ch in CHANNELS))
_STARS = itemgetter(*(INDEX[f"stars:{ch}:{star}"] for ch in CHANNELS for star in STARS))
_STAR_WEIGHTS = tuple(star for _ in CHANNELS for star in STARS)


def average_rating(row: Row) -> float | None:
    """Mean star rating from integer star counts, 2 decimals half up; None when there are no ratings."""
    stars = _STARS(row)
    return half_up(sum(map(mul, stars, _STAR_WEIGHTS)), sum(stars), 2)


def v1(row: Row) -> dict[str, int | float | None]:
    """The v1 object (without `date`) from one day's or a lifetime's counts."""
    se, sw, ss, so, ie, iw, is_, io, re, rw, rs, ro = _V1_COUNTS(row)
    return {
        "sent_email": se, "sent_whatsapp": sw, "sent_sms": ss, "sent_other": so, "sent_total": se + sw + ss + so,
        "impressions_email": ie, "impressions_whatsapp": iw, "impressions_sms": is_, "impressions_other": io,
        "impressions_total": ie + iw + is_ + io,
        "responses_email": re, "responses_whatsapp": rw, "responses_sms": rs, "responses_other": ro,
        "responses_total": re + rw + rs + ro,
        "avgRating": average_rating(row),
    }


def v1_day(day: str, row: Row) -> dict[str, str | int | float | None]:
    """The v1 object of one day, with `date` first."""
    out: dict[str, str | int | float | None] = {"date": day}
    out.update(v1(row))
    return out
