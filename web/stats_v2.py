"""v2 stats: series by day, ISO week or month with totals, the previous range and rates; CSV too."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue
from marshmallow import fields, validate

from eventlog.tenants import Tenant
from projections import store
from projections.metrics import from_counts
from projections.payload_v2 import COLUMNS, period, row
from projections.periods import GRANULARITIES, widen, within_years
from projections.report import Report, report
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
        r = build(tenant, q)
        return jsonify({"tenant": tenant.id, "timezone": tenant.timezone, "from": r.first.isoformat(),
                        "to": r.last.isoformat(), "granularity": q["granularity"], "series": r.series,
                        "totals": r.totals, "previous": r.previous})

    return answer(tenant.id, q, respond)


@bp.get("/v2/stats.csv")
def stats_csv() -> ResponseReturnValue:
    """The series of a query as CSV, one row per period."""
    tenant = auth.tenant()
    q = checked()
    first, last = widen(q["from_"], q["to"], q["granularity"])
    name = f"stats-{first.isoformat()}-{last.isoformat()}-{q['granularity']}.csv"
    response = answer(tenant.id, q, lambda: Response(csv_text(build(tenant, q).series), mimetype="text/csv"))
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
