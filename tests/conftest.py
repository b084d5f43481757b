"""Shared fixtures: a real Redis for the suite, an isolated key prefix per test, apps and tenants."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from redis import Redis
from rq import Queue

from eventlog.client import connect
from eventlog.keys import Keys
from eventlog.settings import Settings
from web import create_app

ADMIN = "admin-token-for-tests"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def reachable(url: str) -> bool:
    """Whether a Redis answers at url."""
    try:
        return bool(Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


class RedisServer:
    """A private redis-server on a free port, which a test may stop and start again."""

    def __init__(self, durable: bool = False) -> None:
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="rs-redis-")
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None
        # durable: every write on disk before Redis answers, so a kill and restart keeps the data
        self.persistence = ["--appendonly", "yes", "--appendfsync", "always"] if durable else ["--appendonly", "no"]

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             *self.persistence, "--dir", self.dir],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not reachable(self.url):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """REDIS_URL, else 127.0.0.1:6379 when it answers, else a redis-server started here."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if reachable(url):
        yield url
        return
    server = RedisServer()
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A private Redis this test may stop."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(redis_url: str) -> Iterator[Settings]:
    """Settings with a key prefix of this test's own, removed afterwards."""
    s = Settings(redis_url=redis_url, queue_redis_url=redis_url, key_prefix="t" + secrets.token_hex(4), partitions=4)
    yield s
    forget(Redis.from_url(redis_url), s)


def forget(client: Redis, settings: Settings) -> None:
    """Delete everything a deployment with these settings wrote: its keys, queue and queued jobs."""
    # the projector jobs with their hashes, and the queue's entry in rq's list of queues
    Queue(settings.queue_name, connection=client).delete(delete_jobs=True)
    for pattern in (f"{settings.key_prefix}:*", f"rq:*{settings.queue_name}*"):
        batch = list(client.scan_iter(match=pattern, count=1000))
        for i in range(0, len(batch), 500):
            client.delete(*batch[i:i + 500])


@pytest.fixture
def keys(settings: Settings) -> Keys:
    return Keys(settings.key_prefix, settings.partitions)


@pytest.fixture
def client(redis_url: str) -> Redis:
    return connect(redis_url)  # the client the processes use


class Clock:
    """A settable clock for the app."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 4, 10, 12, 0, tzinfo=UTC))


@pytest.fixture
def app(settings: Settings, client: Redis, clock: Clock) -> Any:
    return create_app({"SETTINGS": settings, "REDIS": client, "ADMIN_TOKEN": ADMIN, "CLOCK": clock, "TESTING": True,
                       "KEY_CACHE_SECONDS": 0})


@pytest.fixture
def http(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def make_tenant(http: Any) -> Callable[..., tuple[str, dict[str, str]]]:
    """Create a tenant through the admin API; returns (tenant id, auth headers)."""

    def make(timezone: str = "UTC", name: str = "Acme") -> tuple[str, dict[str, str]]:
        r = http.post("/admin/tenants", json={"name": name, "timezone": timezone},
                      headers={"Authorization": f"Bearer {ADMIN}"})
        assert r.status_code == 201, r.json
        return r.json["tenant_id"], {"Authorization": f"Bearer {r.json['api_key']}"}

    return make


def project_all(client: Redis, keys: Keys) -> int:
    """Drain every partition in this process; how many events were projected."""
    from workers.project import drain

    return sum(drain(client, keys, p).events for p in range(keys.partitions))
