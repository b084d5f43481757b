"""`python -m workers.spool`: append the impressions the web kept on disk while Redis was down."""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path
from types import FrameType

from redis.exceptions import RedisError

from eventlog import spool
from eventlog.append import Appended
from workers import context
from workers.trigger import enqueue_projector, queue

log = logging.getLogger(__name__)

INTERVAL_S = 2.0


def directory() -> Path:
    """The spool directory: SPOOL_DIR, as the web process reads it."""
    return Path(os.environ.get("SPOOL_DIR") or spool.DEFAULT_DIR)


def _wake_projector(done: Appended) -> None:
    # The sweep would find the new entry within seconds anyway; this only makes it sooner.
    if done.trigger:
        enqueue_projector(queue(context.queue_client(), context.settings()), done.partition)


def replay_once(where: Path) -> int:
    """One replay pass over the spool; how many events it appended or found already appended."""
    return spool.replay(context.data_client(), context.settings(), where, _wake_projector)


def run(where: Path, stop: threading.Event, interval_s: float = INTERVAL_S) -> None:
    """Replay every interval until stop is set; Redis errors wait for the next pass."""
    while not stop.is_set():
        try:
            replayed = replay_once(where)
            if replayed:
                log.info("replayed %d spooled events", replayed)
        except RedisError as exc:
            log.warning("spool replay waits for Redis: %s", exc)
        stop.wait(interval_s)


def main() -> None:
    """Run the replay loop until SIGTERM or SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    stop = threading.Event()

    def halt(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, halt)
    signal.signal(signal.SIGINT, halt)
    run(directory(), stop)


if __name__ == "__main__":
    main()
