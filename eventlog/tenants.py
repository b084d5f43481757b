"""Tenants (businesses) and their API keys: random, prefixed, stored only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from redis import Redis
from redis.client import Pipeline

from eventlog.keys import Keys

KEY_PREFIX = "rs_live_"
TENANT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class Tenant:
    """A business that sends review requests."""

    id: str
    name: str
    timezone: str


@dataclass(frozen=True)
class IssuedKey:
    """An API key as shown once at creation, with the id that revokes it."""

    key_id: str
    api_key: str


def digest(api_key: str) -> str:
    """The stored form of an API key."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def create(client: Redis, keys: Keys, name: str, timezone: str, now: datetime,
           tenant_id: str | None = None) -> tuple[Tenant, IssuedKey]:
    """Create a tenant with a first API key; ValueError if the id is taken."""
    tenant = Tenant(tenant_id or "t_" + secrets.token_hex(8), name, timezone)
    if not TENANT_ID.fullmatch(tenant.id):  # ids are part of key names: no separators in them
        raise ValueError("a tenant id is 1 to 64 letters, digits, '_' or '-'")
    record = {"name": name, "timezone": timezone, "created_at": now.isoformat()}

    def write(pipe: Pipeline) -> None:
        if pipe.exists(keys.tenant(tenant.id)):
            raise ValueError(f"tenant {tenant.id!r} exists")
        pipe.multi()
        pipe.hset(keys.tenant(tenant.id), mapping=record)

    client.transaction(write, keys.tenant(tenant.id))
    return tenant, issue_key(client, keys, tenant.id)


def issue_key(client: Redis, keys: Keys, tenant_id: str) -> IssuedKey:
    """Issue a new API key for a tenant; only its hash is kept."""
    issued = IssuedKey("k_" + secrets.token_hex(6), KEY_PREFIX + secrets.token_urlsafe(32))
    hashed = digest(issued.api_key)
    pipe = client.pipeline(transaction=True)
    pipe.hset(keys.tenant_keys(tenant_id), issued.key_id, hashed)
    pipe.hset(keys.api_keys(), hashed, f"{tenant_id} {issued.key_id}")
    pipe.execute()
    return issued


def revoke_key(client: Redis, keys: Keys, tenant_id: str, key_id: str) -> bool:
    """Revoke one key of a tenant; False when the tenant has no such key."""
    hashed = client.hget(keys.tenant_keys(tenant_id), key_id)
    if hashed is None:
        return False
    pipe = client.pipeline(transaction=True)
    pipe.hdel(keys.api_keys(), hashed)
    pipe.hdel(keys.tenant_keys(tenant_id), key_id)
    pipe.execute()
    return True


def key_ids(client: Redis, keys: Keys, tenant_id: str) -> list[str]:
    """The ids of a tenant's live keys."""
    return sorted(k.decode() for k in client.hkeys(keys.tenant_keys(tenant_id)))


def find(client: Redis, keys: Keys, tenant_id: str) -> Tenant | None:
    """A tenant by id, or None."""
    name, zone = client.hmget(keys.tenant(tenant_id), ["name", "timezone"])
    if name is None:
        return None
    return Tenant(tenant_id, name.decode(), (zone or b"UTC").decode())


def owner(client: Redis, keys: Keys, api_key: str) -> str | None:
    """The id of the tenant an API key belongs to, or None for an unknown or revoked key."""
    if not api_key.startswith(KEY_PREFIX):
        return None
    found = client.hget(keys.api_keys(), digest(api_key))
    return None if found is None else found.decode().split(" ")[0]
