"""What a job needs: settings, the data Redis client (shared with RQ when it is the same server)."""

from __future__ import annotations

from functools import cache

from redis import Redis
from rq import get_current_job

from eventlog.client import connect
from eventlog.keys import Keys
from eventlog.settings import Settings, require_hiredis


@cache
def settings() -> Settings:
    """This process's settings."""
    require_hiredis()
    return Settings.from_env()


def keys() -> Keys:
    """This deployment's key builder."""
    s = settings()
    return Keys(s.key_prefix, s.partitions)


@cache
def _own_client(url: str) -> Redis:
    # a Redis that drops packets must fail a step within seconds, not hang the loop
    return connect(url, socket_connect_timeout=2.0, socket_timeout=5.0)


def data_client() -> Redis:
    """The Redis holding the event log: the job's own connection when RQ shares that server."""
    s = settings()
    job = get_current_job()
    if job is not None and s.queue_redis_url == s.redis_url:
        return job.connection
    return _own_client(s.redis_url)


def queue_client() -> Redis:
    """The Redis holding the RQ queues."""
    s = settings()
    job = get_current_job()
    return job.connection if job is not None else _own_client(s.queue_redis_url)
