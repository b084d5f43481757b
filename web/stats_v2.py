"""v2 stats: series by day, ISO week or month with totals, the previous range and rates; CSV too."""

from __future__ import annotations

import csv
import io
import re
import threading
from datetime import date
from itertools import islice
from typing import Any, cast

import orjson
from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import fields, validate

from eventlog.tenants import Tenant
from projections import period_text, store
from projections.metrics import from_counts
from projections.payload_v2 import COLUMNS, period, row
from projections.periods import GRANULARITIES, widen, within_years
from projections.report import PeriodCounts, Report, report, rows
from web import auth
from web.body import query
from web.cache import answer
from web.errors import ApiError
from web.resources import keys, redis_client
from web.schemas import RangeQuery, StatsQuery
from web.stats import scope

bp = Blueprint("stats_v2", __name__)

MAX_YEARS = 5
# the calendar the arithmetic supports with room to spare for widening and the previous range
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


class SeriesQuery(RangeQuery):
    """A range of local days, a granularity, and an optional context filter."""

    granularity = fields.String(required=True, validate=validate.OneOf(GRANULARITIES))


_series, _context = SeriesQuery(), StatsQuery()


def invalid(field: str, message: str) -> ApiError:
    """A 422 naming one query field."""
    return ApiError(422, "validation_failed", message, {field: [message]})


def checked() -> dict[str, Any]:
    """The series query of the request; 422 for a range that is reversed, too long or out of bounds."""
    q: dict[str, Any] = query(_series)
    first, last = q["from_"], q["to"]
    if last < first:
        raise invalid("to", "`to` is before `from`.")
    if not within_years(first, last, MAX_YEARS):
        raise invalid("to", f"The range spans more than {MAX_YEARS} years.")
    if first < EARLIEST or last > LATEST:
        raise invalid("from" if first < EARLIEST else "to", f"Dates run from {EARLIEST} to {LATEST}.")
    return q


def build(tenant: Tenant, q: dict[str, Any]) -> Report:
    """The report of a checked query, widened to whole periods."""
    first, last = widen(q["from_"], q["to"], q["granularity"])
    return report(redis_client(), keys(), tenant.id, scope(q), first, last, q["granularity"])


@bp.get("/v2/stats")
def stats() -> ResponseReturnValue:
    """The series, totals and previous range of a query, as JSON."""
    tenant = auth.tenant()
    q = checked()

    def respond() -> Response:
        return Response(json_text(tenant, q["granularity"], build(tenant, q)), mimetype="application/json")

    return answer(tenant.id, q, respond)


class PeriodTexts:
    """The JSON texts of labelled period objects, remembered by the period's label and counts.

    Days that did not change since the last query have the same counts and so the same text: after
    new data, a long series shapes only the changed days. Holds at most `size` texts (~1 KiB each),
    dropping the oldest first. Safe to share between the threads of a web process.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._texts: dict[tuple[str, PeriodCounts], bytes] = {}
        self._lock = threading.Lock()

    def __call__(self, labels: list[str], counts: list[PeriodCounts]) -> list[bytes]:
        """The text of each labelled period, shaping the ones not remembered in one go."""
        wanted = list(zip(labels, counts, strict=True))
        with self._lock:
            found = [self._texts.get(k) for k in wanted]
        missing = list(dict.fromkeys(k for k, text in zip(wanted, found, strict=True) if text is None))
        if not missing:
            return cast(list[bytes], found)
        shaped = dict(zip(missing, labelled([label for label, _ in missing], [c for _, c in missing]), strict=True))
        with self._lock:
            self._texts.update(shaped)
            for old in list(islice(self._texts, max(0, len(self._texts) - self.size))):
                del self._texts[old]
        return [shaped[k] if text is None else text for k, text in zip(wanted, found, strict=True)]

    def clear(self) -> None:
        """Forget every text."""
        with self._lock:
            self._texts.clear()


period_texts = PeriodTexts(8_192)  # under ~10 MiB per process
_PLAIN = re.compile(r"[0-9A-Za-z/-]*")  # what period labels are made of: JSON strings with nothing to escape


def labelled(labels: list[str], counts: list[PeriodCounts]) -> list[bytes]:
    """The JSON text of each period object, its label first."""
    if not _PLAIN.fullmatch("".join(labels)):
        raise ValueError("a period label needs escaping")
    heads = "\n".join(labels).encode().split(b"\n") if labels else []
    return [b'{"period":"%s",%s' % pair for pair in zip(heads, period_text.bodies(rows(counts)), strict=True)]


def json_text(tenant: Tenant, granularity: str, r: Report) -> bytes:
    """The answer of /v2/stats as JSON text, the series assembled from per-period texts."""
    head = orjson.dumps({"tenant": tenant.id, "timezone": tenant.timezone, "from": r.first.isoformat(),
                         "to": r.last.isoformat(), "granularity": granularity})
    totals, previous = labelled([r.totals[0], r.previous[0]], [tuple(r.totals[1]), tuple(r.previous[1])])
    before, after = head[:-1] + b',"series":[', b'],"totals":' + totals + b',"previous":' + previous + b"}"
    texts = period_texts(r.labels, r.counts)
    if not texts:
        return before + after
    # one copy of the series, the answer's head and tail joined to its first and last period: a long
    # series is most of a MiB
    return b",".join([before + texts[0], *texts[1:-1], texts[-1] + after] if len(texts) > 1
                     else [before + texts[0] + after])


@bp.get("/v2/stats.csv")
def stats_csv() -> ResponseReturnValue:
    """The series of a query as CSV, one row per period."""
    tenant = auth.tenant()
    q = checked()
    first, last = widen(q["from_"], q["to"], q["granularity"])
    name = f"stats-{first.isoformat()}-{last.isoformat()}-{q['granularity']}.csv"
    response = answer(tenant.id, q, lambda: Response(csv_text(build(tenant, q).series()), mimetype="text/csv"))
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def csv_text(series: list[dict[str, Any]]) -> str:
    """Period objects as CSV with a header row; null is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # the csv module writes None as ""
    writer.writerow(COLUMNS)
    writer.writerows(row(p) for p in series)
    return out.getvalue()


@bp.get("/v2/stats/overall")
def overall() -> ResponseReturnValue:
    """Lifetime totals as one period object labelled "lifetime"."""
    tenant = auth.tenant()
    q = query(_context)
    counts = from_counts(store.read_lifetime(redis_client(), keys(), tenant.id, scope(q)))
    return jsonify({"tenant": tenant.id, "timezone": tenant.timezone, "totals": period("lifetime", counts)})
