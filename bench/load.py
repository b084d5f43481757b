"""Load generators: wrk with a Lua script that makes every id new, or Python processes when wrk is
missing; and a paced Python client for steady load."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from bench.workload import TOKEN

LUA = Path(__file__).with_name("wrk.lua")
_RESULT = re.compile(r"^RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", re.M)


@dataclass(frozen=True)
class Load:
    """What a load run did: requests answered 2xx, failed ones, events accepted, and how long it ran."""

    requests: int
    errors: int
    seconds: float
    accepted: int = 0

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def ensure_wrk() -> str | None:
    """Path of wrk; installed from Debian when missing and we are root; None when unavailable."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for attempt in range(2):
        policy = subprocess.run(["apt-cache", "policy", "wrk"], capture_output=True, text=True, timeout=60)
        if re.search(r"Candidate: (?!\(none\))\S+", policy.stdout):
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, capture_output=True, timeout=300)
            break
        if attempt == 0:  # the package lists may be missing or stale
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=300)
    return shutil.which("wrk")


def run_wrk(wrk: str, url: str, api_key: str, bodies: list[str], seconds: float, connections: int, tag: str) -> Load:
    """wrk with two threads for a fixed time; bodies are sent in turn with fresh ids."""
    with tempfile.NamedTemporaryFile("w", suffix=".bodies", delete=False) as f:
        f.write("\n".join(bodies) + "\n")
    try:
        out = subprocess.run(
            [wrk, "-t2", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(LUA), url,
             "--", f.name, tag, api_key],
            capture_output=True, text=True, timeout=seconds + 60,
        )
    finally:
        os.unlink(f.name)
    found = _RESULT.search(out.stdout)
    if found is None:
        raise RuntimeError(f"wrk failed: {out.stdout[-500:]} {out.stderr[-500:]}")
    n, micros, *errors = (int(g) for g in found.groups())
    return Load(n - errors[3], sum(errors), micros / 1e6)


def post(conn: http.client.HTTPConnection, api_key: str, body: str) -> tuple[int, bytes]:
    """POST one body to /v1/events on a kept-alive connection: status and answer."""
    conn.request("POST", "/v1/events", body=body.encode(),
                  headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, response.read()


def _client(url: str, api_key: str, bodies: list[str], tag: str, start: float, seconds: float,
            interval: float) -> tuple[int, int, int, float]:
    """One client process: post in turn until the time is up, every `interval` s (0: back to back)."""
    target = urlparse(url)
    conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=10)
    ok = failed = accepted = turn = 0
    time.sleep(max(0.0, start - time.time()))
    began = time.time()
    while (now := time.time()) < began + seconds:
        if interval:
            time.sleep(max(0.0, began + turn * interval - now))
        body = bodies[turn % len(bodies)].replace(TOKEN, f"{tag}-{turn}")  # every id new, every time
        turn += 1
        try:
            status, answer = post(conn, api_key, body)
        except (OSError, http.client.HTTPException):
            failed += 1
            conn.close()
            continue
        if 200 <= status < 300:
            ok += 1
            accepted += int(json.loads(answer).get("accepted", 0))
        else:
            failed += 1
    return ok, failed, accepted, time.time() - began


def run_clients(url: str, work: list[tuple[str, list[str]]], seconds: float, rate_each: float = 0.0,
                tag: str = "py") -> Load:
    """One process per (api key, bodies): back to back, or `rate_each` requests/s each when given."""
    context = multiprocessing.get_context("spawn")
    start = time.time() + 2.0  # every process is up before the clock starts
    interval = 1.0 / rate_each if rate_each else 0.0
    jobs = [(url, key, bodies, f"{tag}-{i}", start, seconds, interval) for i, (key, bodies) in enumerate(work)]
    with context.Pool(len(jobs)) as pool:
        parts = pool.starmap_async(_client, jobs).get(timeout=seconds + 60)
    return Load(sum(p[0] for p in parts), sum(p[1] for p in parts), max(p[3] for p in parts),
                sum(p[2] for p in parts))


def hammer(wrk: str | None, url: str, api_key: str, bodies: list[str], seconds: float, connections: int,
           tag: str) -> Load:
    """Closed-loop load for a fixed time: wrk when there is one, else up to four Python processes."""
    if wrk:
        return run_wrk(wrk, url, api_key, bodies, seconds, connections, tag)
    return run_clients(url, [(api_key, bodies)] * min(connections, 4), seconds, tag=tag)
