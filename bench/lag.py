"""Lag from ingest to visible stats under steady load, with the real web, worker and sweep processes."""

from __future__ import annotations

import http.client
import json
import secrets
import statistics
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench import load, servers, workload
from bench.ingest import bodies
from bench.result import Result, ms
from bench.sandbox import Sandbox

RATE, BATCH, CLIENTS, LOAD_S = 100, 50, 8, 15  # 100 req/s of 50 events: 5,000 events/s
PROBE_EVERY_S, PROBE_TIMEOUT_S, POLL_S = 0.2, 10.0, 0.005
TARGET_S = 1.0


class Probe:
    """Posts one event at a time on its own tenant and polls lifetime stats until it shows."""

    def __init__(self, base: str, api_key: str) -> None:
        port = int(base.rsplit(":", 1)[1])
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.headers = {"Authorization": f"Bearer {api_key}"}
        self.sent, self.tag = 0, secrets.token_hex(3)

    def ask(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        """One request; reconnects once when the server has closed the idle connection."""
        headers = {**self.headers, "Content-Type": "application/json"} if body is not None else self.headers
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str) -> Any:
        """GET a JSON document."""
        status, body = self.ask("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
        return json.loads(body)

    def once(self, timeout_s: float = PROBE_TIMEOUT_S) -> float | None:
        """Seconds from posting a new event until the stats count it; None after timeout_s."""
        self.sent += 1
        event = {"id": f"probe-{self.tag}-{self.sent}", "type": "sent", "channel": "sms",
                 "request_id": f"probe-{self.tag}-{self.sent}"}
        started = time.perf_counter()
        status, answer = self.ask("POST", "/v1/events", json.dumps(event))
        if status != 202:
            raise RuntimeError(f"probe POST: {status} {answer[:200]!r}")
        while time.perf_counter() - started < timeout_s:
            if self.get("/v1/stats/overall")["sent_total"] >= self.sent:
                return time.perf_counter() - started
            time.sleep(POLL_S)
        return None


def steady(base: str, work: list[tuple[str, list[str]]], out: dict[str, load.Load]) -> None:
    """The paced load, run on a thread so that probes go on beside it."""
    out["load"] = load.run_clients(base, work, LOAD_S, RATE / CLIENTS, tag="lag")


def caught_up(probe: Probe, timeout_s: float = 30.0) -> float | None:
    """Seconds until /readyz shows no unprojected entry; None after timeout_s."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        if probe.get("/readyz")["lag_total"] == 0:
            return time.perf_counter() - started
        time.sleep(0.1)
    return None


def run(box: Sandbox, log_dir: Path) -> list[Result]:
    """Target 5: 5,000 events/s for LOAD_S seconds while probes measure ingest-to-visible lag."""
    env = box.env()
    tenants = [box.tenant(workload.ZONES[i % len(workload.ZONES)], partition=4 + i) for i in range(CLIENTS)]
    _, probe_key = box.tenant("UTC", partition=4)  # shares a busy partition, as any tenant would
    work = [(key, bodies(workload.batch_template(tid, BATCH, seed=i), batch=True))  # one tenant per client
            for i, (tid, key) in enumerate(tenants)]
    with ExitStack() as running:
        web, base = servers.serve("lag-web", env, log_dir)
        running.callback(web.stop)
        others = []
        for kind in ("worker", "sweep"):
            others.append(servers.Process(kind, servers.command(kind), env, log_dir))
            running.callback(others[-1].stop)
        probe = Probe(base, probe_key)
        if probe.once(timeout_s=30) is None:
            raise RuntimeError("the first probe never showed: " + " | ".join(p.tail(5) for p in others))
        result: dict[str, load.Load] = {}
        thread = threading.Thread(target=steady, args=(base, work, result), daemon=True)
        thread.start()
        time.sleep(2.5)  # client processes start, then their clock starts
        lags: list[float] = []
        lost = 0
        while thread.is_alive() and len(lags) + lost < LOAD_S / PROBE_EVERY_S:
            began = time.perf_counter()
            found = probe.once()
            if found is None:
                lost += 1
            else:
                lags.append(found)
            time.sleep(max(0.0, PROBE_EVERY_S - (time.perf_counter() - began)))
        thread.join(timeout=LOAD_S + 90)
        drained = caught_up(probe)
    return [summary(result.get("load"), lags, lost, drained)]


def summary(done: load.Load | None, lags: list[float], lost: int, drained: float | None) -> Result:
    """The lag row of the report."""
    if done is None or not lags:
        return Result("5. lag ingest -> visible stats", "no data", "", None, "p99 <= 1 s", False,
                      "the load or every probe failed")
    cuts = statistics.quantiles(lags, n=100, method="inclusive") if len(lags) > 1 else [lags[0]] * 99
    p50, p99 = statistics.median(lags), cuts[98]
    achieved = done.accepted / done.seconds if done.seconds else 0.0
    met = lost == 0 and p99 <= TARGET_S and achieved >= 0.95 * RATE * BATCH
    after = f"{drained:.1f} s" if drained is not None else "not within 30 s"
    return Result(
        "5. lag ingest -> visible stats (p50 / p99)", f"{ms(p50)} / {ms(p99)}", "", None,
        f"p99 <= 1 s at {RATE * BATCH:,} events/s", met,
        f"{len(lags)} probes ({lost} not visible within {PROBE_TIMEOUT_S:.0f} s); achieved {achieved:,.0f} events/s "
        f"({done.requests} x {BATCH}-event requests in {done.seconds:.1f} s, {done.errors} failed); backlog "
        f"projected {after} after the load; web + rq worker-pool (2) + sweep from the Procfile")
