"""One measured line of the report: a value, the baseline beside it, and the target it answers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Result:
    """A benchmark's outcome; `met` is None when there is no target or it could not be judged."""

    name: str
    measured: str
    baseline: str
    ratio: float | None
    target: str
    met: bool | None
    note: str = ""


def ratio(measured: float, baseline: float) -> float | None:
    """measured / baseline, or None when the baseline is zero."""
    return measured / baseline if baseline else None


def per_s(value: float, unit: str) -> str:
    """A rate written for a table cell, e.g. "12,345 events/s"."""
    return f"{value:,.0f} {unit}/s"


def ms(seconds: float) -> str:
    """A duration in milliseconds, for a table cell."""
    return f"{seconds * 1000:.2f} ms"
