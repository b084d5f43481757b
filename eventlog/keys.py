"""Every Redis key Reviewstream writes, built in one place.

P is the key prefix (KEY_PREFIX, default "rs"); {pN} is partition N's hash tag, so every key
one script touches lives in one Redis Cluster slot.

    P:{tenants}:tenant:<tid>              hash    name, timezone, created_at
    P:{tenants}:tenant:<tid>:keys         hash    key id -> sha256 of the API key
    P:{tenants}:apikeys                   hash    sha256 of an API key -> "<tid> <key id>"
    P:{tenants}:tenant:<tid>:providers    hash    "<provider>:<name>" -> a webhook credential (never shown)
    P:{pN}:stream                         stream  the partition's event log (entry field e, x)
    P:{pN}:seen:<tid>:<event id>          string  event id already used (TTL: id retention)
    P:{pN}:req:<tid>:<request id>         hash    which (type, channel) a request has had
                                                  (TTL: request retention, renewed on use)
    P:{pN}:msg:<tid>:<message id>         string  request id of a provider message (TTL: request retention)
    P:{pN}:nonce:<tid>:<provider>:<token> string  sha256 of the body a one-use webhook token first signed
                                                  (TTL: a little over the signature's time window)
    P:{pN}:dups                           hash    tid -> duplicates acknowledged
    P:{pN}:trigger                        string  a projector job is on its way (short TTL)
    P:{pN}:checkpoint                     hash    id: last projected entry, n: entries projected
    P:{pN}:projected                      hash    tid -> events projected (the tenant's data version)
    P:{pN}:unbucketable                   hash    tid -> events with no local day (left out of counts)
    P:{pN}:daily:<tid>:<scope>:<YYYY-MM-DD>  string  one local day's counts, packed: an unsigned 32-bit
                                                  big-endian count per metric, in projections.metrics
                                                  order (what BITFIELD u32 #<i> addresses)
    P:{pN}:monthly:<tid>:<scope>:<YYYY>   string  the year's months, packed the same way: month M's
                                                  counts start at count (M - 1) * 48 (monthly rollup)
    P:{pN}:life:<tid>:<scope>             hash    "<metric>" -> count

Daily counts and the monthly rollup were once hashes: "P:{pN}:day:<tid>:<scope>:<YYYY-MM>"
("<DD>|<metric>" -> count) and "P:{pN}:month:<tid>:<scope>:<YYYY>" ("<MM>|<metric>" -> count). The
sweep converts any it finds into the packed layout when it starts (projections/upgrade.py).

A scope is "all", "loc:<location>" or "cmp:<campaign>". Metrics are "<counter>:<channel>"
(counters sent, delivered, read, failed, impressions, responses), "stars:<channel>:<1..5>" and
"cohort:<channel>" (responses counted on their request's first send day, by response channel).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass


def partition_of(tenant_id: str, partitions: int) -> int:
    """The partition a tenant's events live in: a stable hash, the same in every process."""
    return zlib.crc32(tenant_id.encode()) % partitions


@dataclass(frozen=True)
class Keys:
    """Builds key names for one deployment (prefix and partition count)."""

    prefix: str = "rs"
    partitions: int = 16

    def partition(self, tenant_id: str) -> int:
        """The partition of a tenant."""
        return partition_of(tenant_id, self.partitions)

    def tag(self, partition: int) -> str:
        """The hash-tagged head shared by all keys of a partition."""
        return f"{self.prefix}:{{p{partition}}}"

    def tenant(self, tenant_id: str) -> str:
        return f"{self.prefix}:{{tenants}}:tenant:{tenant_id}"

    def tenant_keys(self, tenant_id: str) -> str:
        return f"{self.prefix}:{{tenants}}:tenant:{tenant_id}:keys"

    def api_keys(self) -> str:
        return f"{self.prefix}:{{tenants}}:apikeys"

    def credentials(self, tenant_id: str) -> str:
        return f"{self.prefix}:{{tenants}}:tenant:{tenant_id}:providers"

    def stream(self, partition: int) -> str:
        return f"{self.tag(partition)}:stream"

    def seen(self, partition: int, tenant_id: str, event_id: str) -> str:
        return f"{self.tag(partition)}:seen:{tenant_id}:{event_id}"

    def request(self, partition: int, tenant_id: str, request_id: str) -> str:
        return f"{self.tag(partition)}:req:{tenant_id}:{request_id}"

    def message(self, partition: int, tenant_id: str, message_id: str) -> str:
        return f"{self.tag(partition)}:msg:{tenant_id}:{message_id}"

    def nonce(self, partition: int, tenant_id: str, provider: str, token: str) -> str:
        return f"{self.tag(partition)}:nonce:{tenant_id}:{provider}:{token}"

    def duplicates(self, partition: int) -> str:
        return f"{self.tag(partition)}:dups"

    def trigger(self, partition: int) -> str:
        return f"{self.tag(partition)}:trigger"

    def checkpoint(self, partition: int) -> str:
        return f"{self.tag(partition)}:checkpoint"

    def projected(self, partition: int) -> str:
        return f"{self.tag(partition)}:projected"

    def unbucketable(self, partition: int) -> str:
        return f"{self.tag(partition)}:unbucketable"

    def daily(self, partition: int, tenant_id: str, scope: str, day: str) -> str:
        return f"{self.tag(partition)}:daily:{tenant_id}:{scope}:{day}"

    def monthly(self, partition: int, tenant_id: str, scope: str, year: str) -> str:
        return f"{self.tag(partition)}:monthly:{tenant_id}:{scope}:{year}"

    def lifetime(self, partition: int, tenant_id: str, scope: str) -> str:
        return f"{self.tag(partition)}:life:{tenant_id}:{scope}"
