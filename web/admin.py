"""Admin API: create tenants, issue and revoke their API keys."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from eventlog import tenants
from projections.calendar import zone
from web import auth
from web.body import json_body, load
from web.errors import ApiError
from web.resources import keys, now, redis_client
from web.schemas import TenantIn

bp = Blueprint("admin", __name__, url_prefix="/admin")
_tenant_in = TenantIn()


def checked_zone(name: str) -> str:
    """An IANA zone name, or 422."""
    try:
        zone(name)
    except ValueError as exc:
        raise ApiError(422, "validation_failed", str(exc), {"timezone": ["Not an IANA time zone."]}) from exc
    return name


@bp.post("/tenants")
def create_tenant() -> ResponseReturnValue:
    """Create a tenant; its first API key is shown in this answer only."""
    auth.admin()
    data = load(_tenant_in, json_body())
    tenant, issued = tenants.create(redis_client(), keys(), data["name"], checked_zone(data["timezone"]), now())
    return {"tenant_id": tenant.id, "name": tenant.name, "timezone": tenant.timezone,
            "api_key": issued.api_key, "key_id": issued.key_id}, 201


@bp.post("/tenants/<tenant_id>/keys")
def issue_key(tenant_id: str) -> ResponseReturnValue:
    """Issue another API key (for rotation); shown once."""
    auth.admin()
    if tenants.find(redis_client(), keys(), tenant_id) is None:
        raise ApiError(404, "not_found", f"no tenant {tenant_id!r}")
    issued = tenants.issue_key(redis_client(), keys(), tenant_id)
    return {"tenant_id": tenant_id, "api_key": issued.api_key, "key_id": issued.key_id}, 201


@bp.delete("/tenants/<tenant_id>/keys/<key_id>")
def revoke_key(tenant_id: str, key_id: str) -> ResponseReturnValue:
    """Revoke an API key at once."""
    auth.admin()
    if not tenants.revoke_key(redis_client(), keys(), tenant_id, key_id):
        raise ApiError(404, "not_found", f"tenant {tenant_id!r} has no key {key_id!r}")
    return "", 204
