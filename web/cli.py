"""`flask --app web tenants ...`: tenant administration from the shell."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from eventlog import tenants
from projections.calendar import zone
from web.resources import keys, now, redis_client

group = AppGroup("tenants", help="Create tenants and manage their API keys.")


@group.command("create")
@click.argument("name")
@click.option("--timezone", default="UTC", show_default=True, help="IANA time zone, e.g. Asia/Kolkata.")
@click.option("--id", "tenant_id", default=None, help="Tenant id (default: random).")
def create(name: str, timezone: str, tenant_id: str | None) -> None:
    """Create a tenant and print its first API key (shown only now)."""
    try:
        zone(timezone)
        tenant, issued = tenants.create(redis_client(), keys(), name, timezone, now(), tenant_id)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"tenant_id: {tenant.id}\nname: {tenant.name}\ntimezone: {tenant.timezone}")
    click.echo(f"key_id: {issued.key_id}\napi_key: {issued.api_key}")


@group.command("issue-key")
@click.argument("tenant_id")
def issue_key(tenant_id: str) -> None:
    """Issue another API key for a tenant."""
    if tenants.find(redis_client(), keys(), tenant_id) is None:
        raise click.ClickException(f"no tenant {tenant_id!r}")
    issued = tenants.issue_key(redis_client(), keys(), tenant_id)
    click.echo(f"key_id: {issued.key_id}\napi_key: {issued.api_key}")


@group.command("revoke-key")
@click.argument("tenant_id")
@click.argument("key_id")
def revoke_key(tenant_id: str, key_id: str) -> None:
    """Revoke one of a tenant's API keys."""
    if not tenants.revoke_key(redis_client(), keys(), tenant_id, key_id):
        raise click.ClickException(f"tenant {tenant_id!r} has no key {key_id!r}")
    click.echo(f"revoked {key_id}")


@group.command("keys")
@click.argument("tenant_id")
def list_keys(tenant_id: str) -> None:
    """List the ids of a tenant's live keys."""
    for key_id in tenants.key_ids(redis_client(), keys(), tenant_id):
        click.echo(key_id)
