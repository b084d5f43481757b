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


_upgraded: list[bool] = []


def step() -> None:
    """One sweep (the first one after the layout upgrade, which Redis being away only postpones)."""
    if not _upgraded:
        upgrade(context.data_client(), context.keys())
        _upgraded.append(True)
    lagging = sweep()
    if lagging:
        log.info("projectors enqueued for lagging partitions %s", lagging)


if __name__ == "__main__":
    loop.forever(step, INTERVAL_S)
