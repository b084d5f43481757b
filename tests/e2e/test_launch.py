"""`make run`'s launcher: a private Redis under ./var, the demo tenant, the Procfile, a clean stop."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def test_launcher_starts_redis_and_the_demo_tenant_and_stops_cleanly(tmp_path: Path) -> None:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    shutil.copy(ROOT / "Procfile", tmp_path / "Procfile")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "QUEUE_REDIS_URL", "ADMIN_TOKEN")}
    env.update(PORT=str(port), PYTHONPATH=str(ROOT), KEY_PREFIX="rs")
    proc = subprocess.Popen([sys.executable, "-m", "web.launch"], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    assert proc.stdout is not None
    try:
        banner = "".join(proc.stdout.readline() for _ in range(5))
        key = re.search(r"demo key:\s+(rs_live_\S+)", banner)
        assert key and "unix://" in banner and re.search(r"admin token:\s+\S+", banner), banner
        base, auth = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {key.group(1)}"}
        deadline = time.monotonic() + 30
        while True:
            try:
                r = requests.post(f"{base}/v1/events", json={"id": "1", "type": "sent", "channel": "other",
                                                             "request_id": "r"}, headers=auth, timeout=2)
                if r.status_code == 202:
                    break
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still starting
                pass
            assert time.monotonic() < deadline, "the web process did not come up"
            time.sleep(0.3)
        while requests.get(f"{base}/v1/stats/overall", headers=auth).json()["sent_other"] != 1:
            assert time.monotonic() < deadline, "the event was not projected"
            time.sleep(0.3)
        assert (tmp_path / "var" / "appendonlydir").is_dir()  # durable: AOF under ./var
        assert (tmp_path / "var" / "demo-api-key").read_text() == key.group(1)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    assert not (tmp_path / "var" / "redis.sock").exists()  # the private Redis stopped with it
