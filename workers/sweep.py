"""`python -m workers.sweep`: every 2 s, enqueue a projector for each lagging partition with none
on its way, so events whose trigger was lost are projected within seconds."""

from __future__ import annotations

import logging

from workers import loop
from workers.jobs import sweep

log = logging.getLogger(__name__)
INTERVAL_S = 2.0


def step() -> None:
    """One sweep."""
    lagging = sweep()
    if lagging:
        log.info("projectors enqueued for lagging partitions %s", lagging)


if __name__ == "__main__":
    loop.forever(step, INTERVAL_S)
