"""Each tenant's webhook credentials, one hash per tenant: written and read back, never listed."""

from __future__ import annotations

from collections.abc import Mapping

from redis import Redis

from eventlog.keys import Keys

# What each provider signs its webhooks with, as the tenant copies it from the provider's console.
FIELDS: dict[str, tuple[str, ...]] = {
    "sendgrid": ("public_key",),
    "mailgun": ("signing_key",),
    "twilio": ("auth_token",),
    "whatsapp": ("app_secret", "verify_token"),
}


def _field(provider: str, name: str) -> str:
    return f"{provider}:{name}"


def save(client: Redis, keys: Keys, tenant_id: str, provider: str, values: Mapping[str, str]) -> None:
    """Store (or replace) one provider's credentials for a tenant."""
    mapping = {_field(provider, name): values[name] for name in FIELDS[provider]}
    client.hset(keys.credentials(tenant_id), mapping=mapping)


def load(client: Redis, keys: Keys, tenant_id: str, provider: str) -> dict[str, str] | None:
    """One provider's credentials for a tenant, or None unless all of them are stored."""
    names = FIELDS[provider]
    found = client.hmget(keys.credentials(tenant_id), [_field(provider, name) for name in names])
    if any(value is None for value in found):
        return None
    return {name: value.decode() for name, value in zip(names, found)}
