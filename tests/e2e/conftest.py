"""The Procfile's processes under honcho, for end-to-end tests."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from redis import Redis

from eventlog.settings import Settings
from tests.conftest import forget, free_port

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "e2e-admin"


class Service:
    """The Procfile's processes, run by honcho with a key prefix of their own."""

    def __init__(self, redis_url: str, prepare: Callable[[Settings], object] | None = None) -> None:
        """Start the Procfile; `prepare` first gets to write into the service's key prefix."""
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.prefix = "e2e" + secrets.token_hex(3)
        self.redis_url = redis_url
        if prepare is not None:
            prepare(self.settings())
        bin_dir = Path(sys.executable).parent
        env = {**os.environ, "REDIS_URL": redis_url, "QUEUE_REDIS_URL": redis_url, "KEY_PREFIX": self.prefix,
               "ADMIN_TOKEN": ADMIN, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
               "SPOOL_DIR": str(ROOT / "var" / f"spool-{self.prefix}"), "LINK_SECRET": "e2e-link-secret"}
        self.proc = subprocess.Popen([str(bin_dir / "honcho"), "start", "-f", "Procfile", "-p", str(self.port)],
                                     cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        try:
            self.wait_until_up()
        except BaseException:
            self.stop()  # a service that never came up must not outlive the test
            raise

    def wait_until_up(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                if requests.get(f"{self.base}/healthz", timeout=1).ok:
                    return
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still starting
                pass
            assert time.monotonic() < deadline, "the web process did not come up"
            time.sleep(0.2)

    def settings(self) -> Settings:
        """The settings the service's processes run with."""
        return Settings(redis_url=self.redis_url, queue_redis_url=self.redis_url, key_prefix=self.prefix)

    def rq_workers(self) -> list[int]:
        """Pids of the pool's worker processes (children of `rq worker-pool`)."""
        out = subprocess.run(["pgrep", "-f", f"rq worker-pool .*{self.prefix}-projector"], capture_output=True, text=True)
        pools = out.stdout.split()
        kids: list[int] = []
        for pool in pools:
            found = subprocess.run(["pgrep", "-P", pool], capture_output=True, text=True).stdout.split()
            kids += [int(k) for k in found]
        return kids

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        forget(Redis.from_url(self.redis_url), self.settings())


@pytest.fixture
def service(redis_url: str) -> Iterator[Service]:
    s = Service(redis_url)
    try:
        yield s
    finally:
        s.stop()


