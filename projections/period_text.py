"""The JSON text of many v2 period objects at once, computed column-wise.

`payload_v2.period` is the reference shape: a dict per period, then orjson. A long series shapes
hundreds of periods of ~85 values each, and building those dicts in Python costs ~15 us a period.
Here the values of every period are computed together with numpy (each leaf is a weighted sum of
metrics, or a ratio of two such sums), and each period's text is one %-format of a template cut
from the reference shape. The text is byte for byte what orjson writes for `period(name, row)`
after its label; a property test holds the two together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from eventlog.event import CHANNELS
from projections.metrics import COUNTERS, INDEX, STARS, WIDTH
from projections.payload_v2 import COLUMNS, period
from projections.rounding import half_up

Weights = dict[str, int]  # metric name -> weight of a weighted sum

# what the rate of each rate family divides by `sent`
_RATES = {"delivery": "delivered", "impression": "impressions", "response": "responses",
          "response_by_send_date": "cohort"}
_RATE_PLACES, _AVERAGE_PLACES = 4, 2


def per_channel(metric: str) -> dict[str, Weights]:
    """The sum of one metric for each channel and, under "total", over all channels."""
    out = {ch: {f"{metric}:{ch}": 1} for ch in CHANNELS}
    out["total"] = {f"{metric}:{ch}": 1 for ch in CHANNELS}
    return out


def stars(channels: Sequence[str], weighted: bool) -> Weights:
    """The count of ratings on some channels, or the sum of their stars when weighted."""
    return {f"stars:{ch}:{s}": s if weighted else 1 for ch in channels for s in STARS}


def leaves() -> dict[str, tuple[Weights, Weights | None, int]]:
    """Every CSV column of a period as (numerator, denominator or None for a count, decimal places)."""
    out: dict[str, tuple[Weights, Weights | None, int]] = {}
    for counter in COUNTERS:
        for ch, w in per_channel(counter).items():
            out[f"{counter}_{ch}"] = (w, None, 0)
    sent = per_channel("sent")
    for name, metric in _RATES.items():
        for ch, w in per_channel(metric).items():
            out[f"rates_{name}_{ch}"] = (w, sent[ch], _RATE_PLACES)
    for ch in (*CHANNELS, "total"):
        on = CHANNELS if ch == "total" else (ch,)
        out[f"rating_average_{ch}"] = (stars(on, True), stars(on, False), _AVERAGE_PLACES)
        out[f"rating_count_{ch}"] = (stars(on, False), None, 0)
    for s in STARS:
        out[f"rating_distribution_{s}"] = ({f"stars:{ch}:{s}": 1 for ch in CHANNELS}, None, 0)
    for ch in CHANNELS:
        for s in STARS:
            out[f"rating_distribution_by_channel_{ch}_{s}"] = ({f"stars:{ch}:{s}": 1}, None, 0)
    return out


class Sums:
    """Weighted sums of metric columns, computed for many rows at once: the columns each sum takes
    are gathered side by side, weighted, and added up group by group (integer arithmetic, no BLAS
    threads for products this small)."""

    def __init__(self, sums: Sequence[Weights]) -> None:
        columns: list[int] = []
        weights: list[int] = []
        starts: list[int] = []
        for terms in sums:
            if not terms:
                raise ValueError("a weighted sum needs at least one metric")
            starts.append(len(columns))
            columns += [INDEX[metric] for metric in terms]
            weights += terms.values()
        self.columns, self.weights, self.starts = np.array(columns), np.array(weights), np.array(starts)

    def __call__(self, counts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """The sums of each row of counts, one column per sum."""
        terms = counts[:, self.columns]
        terms *= self.weights  # in place: a second temporary this size costs more than the product
        return np.add.reduceat(terms, self.starts, axis=1)


LABEL_HEAD = b'{"period":"",'  # how the reference text of a period labelled "" begins


def template() -> bytes:
    """The reference shape's text after the label, a %s in place of each leaf value."""
    def marked(obj: dict[str, Any], n: list[int]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in obj.items():
            if isinstance(value, dict):
                out[key] = marked(value, n)
            elif key != "period":
                out[key], n[0] = f"@{n[0]}@", n[0] + 1
            else:
                out[key] = value
        return out

    text = orjson.dumps(marked(period("", [0] * WIDTH), [0]))
    if not text.startswith(LABEL_HEAD):
        raise AssertionError("a period object must begin with its label")
    pieces = re.split(rb'"@\d+@"', text[len(LABEL_HEAD):].replace(b"%", b"%%"))
    if len(pieces) != len(COLUMNS):
        raise AssertionError("the template must have one directive per CSV column but the label")
    return b"%s".join(pieces)


_LEAVES = leaves()
_NAMES = [c for c in COLUMNS if c != "period"]
if set(_NAMES) != set(_LEAVES):
    raise AssertionError(f"period_text does not cover the period shape: {set(_NAMES) ^ set(_LEAVES)}")
_COUNT_AT = [j for j, c in enumerate(_NAMES) if _LEAVES[c][1] is None]
_RATIO_AT = [j for j, c in enumerate(_NAMES) if _LEAVES[c][1] is not None]
_SUMS = Sums([_LEAVES[c][0] for c in _NAMES])


def leaf_of(weights: Weights) -> int:
    """The column of the leaf that is this weighted sum."""
    for i, name in enumerate(_NAMES):
        if _LEAVES[name][0] == weights:
            return i
    raise ValueError(f"no leaf sums {weights}")


# every denominator is itself a leaf (sent by channel, rating count by channel): read off the sums
_DENOMINATOR_AT = [leaf_of(_LEAVES[_NAMES[j]][1] or {}) for j in _RATIO_AT]
_PLACES = np.array([_LEAVES[_NAMES[j]][2] for j in _RATIO_AT])
_TEMPLATE = template()

# The text of every count under 10,000, looked up instead of formatted; larger ones are formatted one
# by one. The text of every ratio up to 1 (a rate) or up to 5 (an average), looked up instead of formatted;
# larger ones (a response rate over 1) are formatted one by one. Index -1 is a zero denominator.
_SCALE = 10 ** _PLACES
_TEXTS = {p: np.array([orjson.dumps(k / 10**p) for k in range(limit * 10**p + 1)] + [b"null"], dtype=object)
          for p, limit in ((_RATE_PLACES, 1), (_AVERAGE_PLACES, 5))}
_COUNT_TEXTS = np.array([b"%d" % n for n in range(10_000)], dtype=object)
# below this many rows, numpy's fixed cost per call is more than shaping them one by one saves
FEW = 8
# counts under 2**40 keep every sum (at most 100 weights) and every rounding product (x 20,000)
# well inside int64; larger ones are shaped one by one in Python's unbounded integers
EXACT_BELOW = 2**40


def count_texts(counts: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    """The JSON text of each count."""
    beyond = counts >= len(_COUNT_TEXTS)
    out = _COUNT_TEXTS[np.where(beyond, 0, counts)]
    if beyond.any():
        out[beyond] = [b"%d" % n for n in counts[beyond].tolist()]
    return out


def ratio_texts(numerators: npt.NDArray[np.int64], denominators: npt.NDArray[np.int64]) -> npt.NDArray[np.object_]:
    """The JSON text of each ratio, rounded half up to its column's places; null over 0."""
    k = (2 * _SCALE * numerators + denominators) // np.maximum(2 * denominators, 1)
    out = np.empty(k.shape, dtype=object)
    for places, table in _TEXTS.items():
        at = places == _PLACES
        ks, ns, ds = k[:, at], numerators[:, at], denominators[:, at]
        beyond = (ks >= len(table) - 1) & (ds > 0)
        index = np.where(ds > 0, np.where(beyond, 0, ks), -1)
        texts = table[index]
        if beyond.any():
            texts[beyond] = [orjson.dumps(half_up(n, d, places))
                             for n, d in zip(ns[beyond].tolist(), ds[beyond].tolist(), strict=True)]
        out[:, at] = texts
    return out


def bodies(rows: npt.ArrayLike) -> list[bytes]:
    """The JSON text of the period object of each row of counts, after its label (see module doc)."""
    counts = np.asarray(rows, dtype=np.int64)
    if not counts.size:
        return []
    if counts.ndim != 2 or counts.shape[1] != WIDTH:
        raise ValueError(f"rows of {WIDTH} counts expected, not an array of shape {counts.shape}")
    if len(counts) < FEW or counts.min() < 0 or counts.max() >= EXACT_BELOW:
        return [orjson.dumps(period("", row))[len(LABEL_HEAD):] for row in counts.tolist()]
    sums = _SUMS(counts)
    values = np.empty(sums.shape, dtype=object)
    values[:, _COUNT_AT] = count_texts(sums[:, _COUNT_AT])
    values[:, _RATIO_AT] = ratio_texts(sums[:, _RATIO_AT], sums[:, _DENOMINATOR_AT])
    return [_TEMPLATE % tuple(v) for v in values.tolist()]

