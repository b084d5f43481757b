"""Bearer authentication: tenant API keys and the admin token."""

from __future__ import annotations

import hmac
import time

from flask import current_app, request

from eventlog import tenants
from eventlog.tenants import Tenant
from web.errors import ApiError
from web.resources import keys, redis_client


def bearer() -> str | None:
    """The bearer token of the current request, if any."""
    scheme, _, token = request.environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def tenant() -> Tenant:
    """The tenant whose API key authorises the current request; 401 otherwise."""
    token = bearer()
    if token is None:
        raise ApiError(401, "unauthorized", "missing API key: send Authorization: Bearer <api key>")
    extensions = current_app.extensions
    tenant_id = owner(token, extensions["api_keys"])
    cache: dict[str, Tenant] = extensions["tenants"]
    found = cache.get(tenant_id)
    if found is None:
        found = tenants.find(redis_client(), keys(), tenant_id)
        if found is None:
            raise ApiError(401, "unauthorized", "unknown or revoked API key")
        cache[tenant_id] = found
    return found


def owner(token: str, seen: dict[str, tuple[str, float]]) -> str:
    """The tenant id of an API key; 401 for an unknown or revoked one.

    A key that worked is trusted again for KEY_CACHE_SECONDS (default 1) without asking Redis, so a
    revocation takes effect within that time; unknown keys are never cached. `seen` holds the keys
    that worked, each with its tenant id and the time that trust ends.
    """
    found = seen.get(token)
    if found is not None and found[1] > time.monotonic():
        return found[0]
    tenant_id = tenants.owner(redis_client(), keys(), token)
    if tenant_id is None:
        seen.pop(token, None)
        raise ApiError(401, "unauthorized", "unknown or revoked API key")
    ttl = float(current_app.config.get("KEY_CACHE_SECONDS", 1.0))
    if ttl > 0:
        if len(seen) > 10_000:  # keys are few; a flood of distinct valid keys only resets the memo
            seen.clear()
        seen[token] = (tenant_id, time.monotonic() + ttl)
    return tenant_id


def admin() -> None:
    """Require the admin token; 401 without it, 403 when the admin API is not configured."""
    expected = current_app.config.get("ADMIN_TOKEN")
    if not expected:
        raise ApiError(403, "forbidden", "the admin API is disabled: ADMIN_TOKEN is not set")
    token = bearer()
    if token is None or not hmac.compare_digest(token.encode(), expected.encode()):
        raise ApiError(401, "unauthorized", "missing or wrong admin token")
