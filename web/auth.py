"""Bearer authentication: tenant API keys and the admin token."""

from __future__ import annotations

import hmac

from flask import current_app, request

from eventlog import tenants
from eventlog.tenants import Tenant
from web.errors import ApiError
from web.resources import keys, redis_client


def bearer() -> str | None:
    """The bearer token of the current request, if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def tenant() -> Tenant:
    """The tenant whose API key authorises the current request; 401 otherwise."""
    token = bearer()
    if token is None:
        raise ApiError(401, "unauthorized", "missing API key: send Authorization: Bearer <api key>")
    tenant_id = tenants.owner(redis_client(), keys(), token)
    if tenant_id is None:
        raise ApiError(401, "unauthorized", "unknown or revoked API key")
    cache: dict[str, Tenant] = current_app.extensions["tenants"]
    if tenant_id not in cache:
        found = tenants.find(redis_client(), keys(), tenant_id)
        if found is None:
            raise ApiError(401, "unauthorized", "unknown or revoked API key")
        cache[tenant_id] = found
    return cache[tenant_id]


def admin() -> None:
    """Require the admin token; 401 without it, 403 when the admin API is not configured."""
    expected = current_app.config.get("ADMIN_TOKEN")
    if not expected:
        raise ApiError(403, "forbidden", "the admin API is disabled: ADMIN_TOKEN is not set")
    token = bearer()
    if token is None or not hmac.compare_digest(token.encode(), expected.encode()):
        raise ApiError(401, "unauthorized", "missing or wrong admin token")
