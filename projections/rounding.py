"""Ratios of integer counts, rounded half up exactly (no float or Decimal on the way)."""

from __future__ import annotations


def half_up(numerator: int, denominator: int, places: int) -> float | None:
    """numerator / denominator rounded half up to `places` decimals; None when denominator is 0."""
    if not denominator:
        return None
    # exact integer arithmetic on counts: the same value as Decimal.quantize(ROUND_HALF_UP), faster
    scale: int = 10**places
    return (2 * scale * numerator + denominator) // (2 * denominator) / scale
