"""Enqueue projector jobs, coalesced per partition by the trigger flag the append sets."""

from __future__ import annotations

from redis import Redis
from rq import Queue

from eventlog.keys import Keys
from eventlog.settings import Settings

PROJECT = "workers.jobs.project_partition"


def queue(connection: Redis, settings: Settings) -> Queue:
    """The projector queue."""
    return Queue(settings.queue_name, connection=connection)


def enqueue_projector(q: Queue, partition: int) -> None:
    """Put one projector job for a partition on the queue."""
    q.enqueue(PROJECT, partition, result_ttl=0, failure_ttl=7 * 86_400, job_timeout=120)


def claim(client: Redis, keys: Keys, settings: Settings, partition: int) -> bool:
    """Set the partition's trigger flag; True when no projector was already on its way."""
    return bool(client.set(keys.trigger(partition), 1, nx=True, px=settings.trigger_ttl_ms))
