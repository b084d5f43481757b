"""Enqueue projector jobs, coalesced per partition by the trigger flag the append sets."""

from __future__ import annotations

import logging

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue

from eventlog.append import Appended
from eventlog.keys import Keys
from eventlog.settings import Settings

log = logging.getLogger(__name__)
PROJECT = "workers.jobs.project_partition"


def queue(connection: Redis, settings: Settings) -> Queue:
    """The projector queue."""
    return Queue(settings.queue_name, connection=connection)


def enqueue_projector(q: Queue, partition: int) -> None:
    """Put one projector job for a partition on the queue."""
    q.enqueue(PROJECT, partition, result_ttl=0, failure_ttl=7 * 86_400, job_timeout=120)


def wake(q: Queue, done: Appended) -> None:
    """Enqueue the partition's projector when an append asked for one. A failure only delays it:
    the events are safe in the stream and the sweep finds them within seconds."""
    if not done.trigger:
        return
    try:
        enqueue_projector(q, done.partition)
    except RedisError as exc:
        log.warning("projector trigger for partition %s lost: %s", done.partition, exc)


def claim(client: Redis, keys: Keys, settings: Settings, partition: int) -> bool:
    """Set the partition's trigger flag; True when no projector was already on its way."""
    return bool(client.set(keys.trigger(partition), 1, nx=True, px=settings.trigger_ttl_ms))
