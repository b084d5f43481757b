"""The Markdown report: the machine, then one table row per measurement, then the notes."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench.result import Result

RESULTS = Path(__file__).with_name("RESULTS.md")
VERDICT = {True: "met", False: "**missed**", None: "-"}


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cores() -> str:
    """What `nproc` says."""
    try:
        return subprocess.run(["nproc"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return str(os.cpu_count())


def machine(redis_version: str, wrk: str | None) -> list[str]:
    """Header lines: when and where the numbers were taken."""
    load1, load5, _ = os.getloadavg()
    generator = ""
    if wrk:  # "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) ..."
        version = subprocess.run([wrk, "-v"], capture_output=True, text=True, timeout=5).stdout
        generator = version.partition(" Copyright")[0]
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M UTC}",
        f"- machine: nproc {cores()}, CPU {cpu_model()}, Redis {redis_version}, Python {platform.python_version()}",
        f"- load average at start: {load1:.2f} (1 min), {load5:.2f} (5 min)",
        f"- load generators: {generator.strip() or 'Python clients (no wrk)'} for ingest, paced Python clients for lag",
    ]


def table(results: list[Result]) -> list[str]:
    """The results as a Markdown table; ratio = measured / baseline (for latency: baseline / measured)."""
    lines = ["| benchmark | measured | baseline (same run) | ratio | target | verdict |",
             "|---|---|---|---|---|---|"]
    for r in results:
        cell = f"{r.ratio:.2f}" if r.ratio is not None else "-"
        lines.append(f"| {r.name} | {r.measured} | {r.baseline or '-'} | {cell} | {r.target} | {VERDICT[r.met]} |")
    return lines


def render(header: list[str], results: list[Result], failures: list[str]) -> str:
    """The whole report, rows in the issue's order of targets."""
    results = sorted(results, key=lambda r: r.name.split(".")[0])
    notes = [f"- {r.name}: {r.note}" for r in results if r.note]
    parts = ["# Reviewstream benchmarks", "", *header, "", *table(results), "",
             "Ratio: measured / baseline for throughput, baseline / measured for latency (1.00 = as fast as the "
             "baseline). Baselines run in the same run on the same machine.", "", "Notes:", *notes]
    if failures:
        parts += ["", "Failed sections:", *(f"- {f}" for f in failures)]
    return "\n".join(parts) + "\n"


def write(text: str, path: Path = RESULTS) -> Path:
    """Save the report beside the bench package."""
    path.write_text(text)
    return path

