"""One-use webhook tokens: a token may sign one body only, however often that body is retried."""

from __future__ import annotations

import hashlib

from redis import Redis

from eventlog.keys import Keys


def use_once(client: Redis, keys: Keys, tenant_id: str, provider: str, token: str, body: bytes,
             ttl_s: int) -> bool:
    """Claim a token for this body; False when the token already signed a different body."""
    key = keys.nonce(keys.partition(tenant_id), tenant_id, provider, token)
    fingerprint = hashlib.sha256(body).hexdigest()
    if client.set(key, fingerprint, nx=True, ex=ttl_s):
        return True
    # The same bytes again are a retry of one delivery (perhaps after a 503), which the append
    # dedups; refusing it would turn a lost answer into a lost event.
    return client.get(key) == fingerprint.encode()
