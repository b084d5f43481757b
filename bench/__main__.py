"""`python -m bench [section ...]`: run the benchmarks, print the Markdown table, save bench/RESULTS.md.

Sections: projection, daily, ingest, lag (all by default). Everything runs against loopback only,
under a random key prefix that is deleted at the end, and the whole run stops itself after
TIME_LIMIT_S.
"""

from __future__ import annotations

import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

from bench import daily, ingest, lag, projection, v2
from bench.load import ensure_wrk
from bench.report import machine, render, write
from bench.result import Result
from bench.sandbox import Sandbox

SECTIONS = ("projection", "daily", "v2", "ingest", "lag")
TIME_LIMIT_S = 540


class OutOfTime(BaseException):
    """The run's time limit passed (a BaseException, so no section swallows it)."""


def _out_of_time(signum: int, frame: FrameType | None) -> None:
    raise OutOfTime(f"stopped after {TIME_LIMIT_S} s")


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def section(name: str, box: Sandbox, log_dir: Path, wrk: str | None) -> list[Result]:
    """Run one section."""
    if name == "projection":
        return projection.run(box)
    if name == "daily":
        return daily.run(box)
    if name == "v2":
        return v2.run(box)
    if name == "ingest":
        return ingest.run(box, log_dir, wrk)
    return lag.run(box, log_dir)


def main(argv: list[str]) -> int:
    """Run the asked sections in order; 1 when any of them failed (a missed target is not a failure)."""
    wanted = [s for s in SECTIONS if s in argv] if argv else list(SECTIONS)
    if not wanted or set(argv) - set(SECTIONS):
        print(f"usage: python -m bench [{' '.join(SECTIONS)}]", file=sys.stderr)
        return 2
    signal.signal(signal.SIGALRM, _out_of_time)
    signal.signal(signal.SIGTERM, _terminated)
    signal.alarm(TIME_LIMIT_S)
    box, log_dir = Sandbox.open(), Path(tempfile.mkdtemp(prefix="rs-bench-"))
    results: list[Result] = []
    failures: list[str] = []
    header: list[str] = []
    try:
        wrk = ensure_wrk() if "ingest" in wanted else shutil.which("wrk")
        header = machine(box.redis_version(), wrk)
        for name in wanted:
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            started = time.monotonic()
            try:
                results += section(name, box, log_dir, wrk)
            except Exception as exc:  # one broken section must not hide the others' numbers
                failures.append(f"{name}: {type(exc).__name__}: {exc}")
            finally:
                # each section starts from an empty prefix: the ingest section leaves millions of
                # unprojected entries, which the lag section's projectors would otherwise drain first
                box.clear()
            print(f"bench: {name} took {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    except OutOfTime as exc:
        failures.append(str(exc))
    finally:
        signal.alarm(0)
        removed = box.close()
        shutil.rmtree(log_dir, ignore_errors=True)
        print(f"bench: removed {removed:,} keys under {box.settings.key_prefix}:", file=sys.stderr)
    text = render(header, results, failures)
    print(text)
    print(f"bench: wrote {write(text)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
