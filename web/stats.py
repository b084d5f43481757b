"""v1 stats: daily series, one day, lifetime; per tenant and optionally per context."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue

from projections import payload, store
from projections.calendar import days, iso_days
from projections.metrics import from_counts
from web import auth
from web.body import query
from web.cache import answer
from web.errors import ApiError
from web.resources import keys, redis_client
from web.schemas import IsoDate, RangeQuery, StatsQuery

bp = Blueprint("stats", __name__)

MAX_DAYS = 366
_range, _context = RangeQuery(), StatsQuery()


def scope(filters: dict[str, Any]) -> str:
    """The counter scope of a query's context filter."""
    if "location" in filters:
        return f"loc:{filters['location']}"
    if "campaign" in filters:
        return f"cmp:{filters['campaign']}"
    return "all"


def series(tenant_id: str, where: str, first: date, last: date) -> list[dict[str, Any]]:
    """The v1 objects of every day in [first, last], zero-filled."""
    rows = store.read_rows(redis_client(), keys(), tenant_id, where, first, last)
    return [payload.v1_day(d.isoformat(), r) for d, r in zip(days(first, last), rows, strict=True)]


def series_json(tenant_id: str, where: str, first: date, last: date) -> Response:
    """The v1 objects of every day in [first, last], zero-filled, as a JSON response."""
    dates = iso_days(first, last)
    rows = store.read_dates(redis_client(), keys(), tenant_id, where, dates)
    return Response(payload.v1_days_json(dates, rows), mimetype="application/json")


@bp.get("/v1/stats/daily")
def daily() -> ResponseReturnValue:
    """One v1 object per local day of [from, to], ascending."""
    tenant = auth.tenant()
    q = query(_range)
    first, last = q["from_"], q["to"]
    if last < first:
        raise ApiError(422, "validation_failed", "`to` is before `from`", {"to": ["Must not be before from."]})
    if (last - first).days + 1 > MAX_DAYS:
        raise ApiError(422, "validation_failed", f"at most {MAX_DAYS} days per request",
                       {"to": [f"The range spans more than {MAX_DAYS} days."]})
    return answer(tenant.id, q, lambda: series_json(tenant.id, scope(q), first, last))


@bp.get("/v1/stats/daily/<day>")
def one_day(day: str) -> ResponseReturnValue:
    """The v1 object of one local day."""
    tenant = auth.tenant()
    q = query(_context)
    try:
        when = IsoDate().deserialize(day)
    except Exception as exc:
        raise ApiError(422, "validation_failed", "bad date", {"date": ["Not a date written YYYY-MM-DD."]}) from exc
    return jsonify(series(tenant.id, scope(q), when, when)[0])


@bp.get("/v1/stats/overall")
def overall() -> ResponseReturnValue:
    """Lifetime v1 object, kept as its own projection."""
    tenant = auth.tenant()
    q = query(_context)
    return jsonify(payload.v1(from_counts(store.read_lifetime(redis_client(), keys(), tenant.id, scope(q)))))
