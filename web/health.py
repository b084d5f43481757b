"""Liveness and readiness."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from projections.store import lags
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
    lag = {str(p): n for p, n in enumerate(lags(client, keys()))}
    return {"redis": "ok", "lag": lag, "lag_total": sum(lag.values())}
