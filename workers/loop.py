"""Periodic processes that outlive Redis outages: run a step every interval until SIGTERM."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def run(step: Callable[[], object], stop: threading.Event, interval_s: float) -> None:
    """Call step every interval until stop is set; a Redis error waits for the next turn."""
    while not stop.is_set():
        try:
            step()
        except RedisError as exc:  # Redis away: keep the process (honcho stops everything if it exits)
            log.warning("%s waits for Redis: %s", getattr(step, "__name__", "step"), exc)
        stop.wait(interval_s)


def forever(step: Callable[[], object], interval_s: float) -> None:
    """Run a step periodically until SIGTERM or SIGINT, logging to stderr."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    stop = threading.Event()

    def halt(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, halt)
    signal.signal(signal.SIGINT, halt)
    run(step, stop, interval_s)
