"""`python -m workers.sweep`: every 2 s, enqueue a projector for each lagging partition with none
on its way, so events whose trigger was lost are projected within seconds. On its first turn it also
converts counters kept in an earlier layout (projections.upgrade)."""

from __future__ import annotations

import logging

from projections.upgrade import upgrade
from workers import context, loop
from workers.jobs import sweep

log = logging.getLogger(__name__)
INTERVAL_S = 2.0


class Sweeper:
    """The sweep, preceded once by the layout upgrade (which Redis being away only postpones)."""

    def __init__(self) -> None:
        self.upgraded = False

    def __call__(self) -> None:
        if not self.upgraded:
            upgrade(context.data_client(), context.keys())
            self.upgraded = True
        step()


def step() -> None:
    """One sweep."""
    lagging = sweep()
    if lagging:
        log.info("projectors enqueued for lagging partitions %s", lagging)


if __name__ == "__main__":
    loop.forever(Sweeper(), INTERVAL_S)
