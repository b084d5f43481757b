"""`python -m workers.spool`: append the impressions the web kept on disk while Redis was down."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from eventlog import spool
from eventlog.append import Appended
from workers import context, loop
from workers.trigger import queue, wake

log = logging.getLogger(__name__)

INTERVAL_S = 2.0


def directory() -> Path:
    """The spool directory: SPOOL_DIR, as the web process reads it."""
    return Path(os.environ.get("SPOOL_DIR") or spool.DEFAULT_DIR)


def _wake_projector(done: Appended) -> None:
    wake(queue(context.queue_client(), context.settings()), done)


def replay_once(where: Path) -> int:
    """One replay pass over the spool; how many events it appended or found already appended."""
    return spool.replay(context.data_client(), context.settings(), where, _wake_projector)


def main() -> None:
    """Replay the spool every 2 s until SIGTERM or SIGINT."""
    where = directory()

    def replay() -> None:
        replayed = replay_once(where)
        if replayed:
            log.info("replayed %d spooled events", replayed)

    loop.forever(replay, INTERVAL_S)


if __name__ == "__main__":
    main()
