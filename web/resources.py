"""Per-app resources kept on app.extensions: Redis clients, settings, key builder, clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import current_app
from redis import Redis
from rq import Queue

from eventlog.keys import Keys
from eventlog.settings import Settings


def settings() -> Settings:
    """The app's settings."""
    return current_app.extensions["settings"]


def keys() -> Keys:
    """The app's key builder."""
    return current_app.extensions["keys"]


def redis_client() -> Redis:
    """The Redis client holding the event log and counters."""
    return current_app.extensions["redis"]


def projector_queue() -> Queue:
    """The RQ queue projector jobs go to."""
    return current_app.extensions["queue"]


def now() -> datetime:
    """The current time, from the app's clock (time enters here only)."""
    clock: Callable[[], datetime] = current_app.extensions["clock"]
    return clock()
