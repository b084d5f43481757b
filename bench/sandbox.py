"""The bench's own corner of Redis: a random key prefix, its tenants, and removing it all at the end."""

from __future__ import annotations

import ipaddress
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from redis import Redis
from rq import Queue

from eventlog import tenants
from eventlog.client import connect
from eventlog.keys import Keys
from eventlog.settings import Settings

DEFAULT_URL = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    """A loopback TCP port nobody listens on right now (never 8000, which a developer may use)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port != 8000:
            return port


def loopback(url: str) -> bool:
    """Whether a Redis URL points at this machine (the bench sends traffic nowhere else)."""
    parsed = urlparse(url)
    if parsed.scheme == "unix":
        return True
    host = parsed.hostname or "127.0.0.1"
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def answers(url: str) -> bool:
    """Whether a Redis answers at url."""
    try:
        return bool(Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def private_server() -> tuple[str, subprocess.Popen[bytes]]:
    """A throwaway redis-server on a free loopback port, for machines where none is running."""
    port, folder = free_port(), tempfile.mkdtemp(prefix="rs-bench-redis-")
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", folder], stdout=subprocess.DEVNULL)
    url, deadline = f"redis://127.0.0.1:{port}/0", time.monotonic() + 10
    while not answers(url):
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("redis-server did not start")
        time.sleep(0.05)
    return url, proc


@dataclass
class Sandbox:
    """Settings, client and key builder under a random prefix; rq keys live under it too."""

    settings: Settings
    client: Redis
    server: subprocess.Popen[bytes] | None = None
    made: list[str] = field(default_factory=list)

    @classmethod
    def open(cls) -> Sandbox:
        """REDIS_URL or 127.0.0.1:6379; a private redis-server when neither answers."""
        url, server = os.environ.get("REDIS_URL") or DEFAULT_URL, None
        if not loopback(url):
            raise SystemExit(f"bench: REDIS_URL {url!r} is not on this machine; the bench only uses loopback")
        if not answers(url):
            if shutil.which("redis-server") is None:
                raise SystemExit(f"bench: no Redis at {url} and no redis-server to start")
            url, server = private_server()
        prefix = "bench" + secrets.token_hex(4)
        settings = Settings(redis_url=url, queue_redis_url=url, key_prefix=prefix)
        return cls(settings, connect(url), server)  # the client the processes use

    @property
    def keys(self) -> Keys:
        """The key builder of this run."""
        return Keys(self.settings.key_prefix, self.settings.partitions)

    def scratch(self, name: str) -> str:
        """A key of the bench's own (baselines), under the run's prefix."""
        return f"{self.settings.key_prefix}:{{bench}}:{name}"

    def env(self) -> dict[str, str]:
        """Environment for the real processes: this Redis, this prefix, rq keys under the prefix."""
        bin_dir = str(Path(sys.executable).parent)
        return {**os.environ, "REDIS_URL": self.settings.redis_url, "QUEUE_REDIS_URL": self.settings.queue_redis_url,
                "KEY_PREFIX": self.settings.key_prefix, "RQ_KEY_PREFIX": f"{self.settings.key_prefix}:rq",
                "PARTITIONS": str(self.settings.partitions), "PYTHONUNBUFFERED": "1",
                "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}

    def tenant(self, zone: str = "UTC", partition: int | None = None) -> tuple[str, str]:
        """A new tenant (in `partition` when given): its id and API key."""
        n = 0
        while True:
            tenant_id = f"{self.settings.key_prefix}-{len(self.made)}-{n}"
            if partition is None or self.keys.partition(tenant_id) == partition:
                break
            n += 1
        _, issued = tenants.create(self.client, self.keys, tenant_id, zone, datetime.now(UTC), tenant_id)
        self.made.append(tenant_id)
        return tenant_id, issued.api_key

    def delete(self, pattern: str) -> int:
        """Delete every key matching a pattern, in slices; how many were deleted."""
        found, removed = list(self.client.scan_iter(match=pattern, count=5_000)), 0
        for i in range(0, len(found), 1_000):
            removed += int(self.client.unlink(*found[i:i + 1_000]))  # freed off Redis's main thread
        return removed

    def clear(self) -> int:
        """Remove every key of the run (rq's included) and forget its tenants; keys removed."""
        # queued projector jobs with their hashes, and the queue's entry in rq's list of queues
        Queue(self.settings.queue_name, connection=self.client).delete(delete_jobs=True)
        removed = self.delete(f"{self.settings.key_prefix}:*")
        removed += self.delete(f"rq:*{self.settings.queue_name}*")  # in case rq ignored RQ_KEY_PREFIX
        self.made.clear()
        return removed

    def close(self) -> int:
        """Remove every key of the run and stop a private server; keys removed."""
        removed = self.clear()
        if self.server is not None:
            self.server.kill()
            self.server.wait()
        return removed

    def redis_version(self) -> str:
        """The server's version string."""
        return str(self.client.info("server").get("redis_version", "?"))
