"""RQ entry points. Each is a thin call into workers.project and workers.trigger."""

from __future__ import annotations

from projections.store import lags
from workers import context
from workers.project import drain
from workers.trigger import claim, enqueue_projector, queue


def project_partition(partition: int) -> dict[str, int | bool]:
    """Drain one partition; hand over to a fresh job if the time budget ran out first."""
    client, keys, settings = context.data_client(), context.keys(), context.settings()
    client.delete(keys.trigger(partition))
    done = drain(client, keys, partition)
    if not done.caught_up and claim(client, keys, settings, partition):
        enqueue_projector(queue(context.queue_client(), settings), partition)
    return {"events": done.events, "batches": done.batches, "caught_up": done.caught_up}


def sweep() -> list[int]:
    """Enqueue a projector for every lagging partition that has none on its way."""
    client, keys, settings = context.data_client(), context.keys(), context.settings()
    lagging = [p for p, lag in enumerate(lags(client, keys)) if lag > 0 and claim(client, keys, settings, p)]
    q = queue(context.queue_client(), settings)
    for p in lagging:
        enqueue_projector(q, p)
    return lagging
