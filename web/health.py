"""Liveness and readiness."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from eventlog.read import appended
from projections.store import checkpoints
from web.resources import keys, redis_client

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """The process is up."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """Redis answers; how many appended entries each partition has not projected yet."""
    client = redis_client()
    client.ping()
    totals = appended(client, keys())
    lag = {str(p): total - cp.n for p, (total, cp) in enumerate(zip(totals, checkpoints(client, keys())))}
    return {"redis": "ok", "lag": lag, "lag_total": sum(lag.values())}
