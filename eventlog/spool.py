"""A local spool for events that could not be appended: one JSON file per event, replayed later.

Files are named `<occurred_at_ms>-<random>.json` so a directory listing replays oldest first.
Each is written to a hidden temporary file, fsynced and renamed into place, so a replayer sees a
whole event or none. The event id is fixed when the file is written: replaying a file twice (a
crash between append and delete) is a duplicate the append acknowledges, never a second count.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

from redis import Redis

from eventlog.append import Appended, append
from eventlog.event import Event
from eventlog.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_DIR = "var/spool"
SUFFIX = ".json"
BAD_SUFFIX = ".bad"
_FIELDS = frozenset(Event._fields)


def _sync_directory(directory: Path) -> None:
    # The rename is only durable once the directory entry itself reaches the disk.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write(directory: Path, event: Event) -> Path:
    """Keep one event in a file of its own, atomically; the path it was written to."""
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"{event.occurred_at_ms:013d}-{secrets.token_hex(8)}{SUFFIX}"
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(json.dumps(event._asdict(), separators=(",", ":")).encode())
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _sync_directory(directory)
    return final


def read(path: Path) -> Event:
    """The event in a spool file; ValueError when the file does not hold one."""
    data = json.loads(path.read_bytes())
    if not isinstance(data, dict) or not set(data) <= _FIELDS:
        raise ValueError(f"{path.name} does not hold an event")
    try:
        return Event(**data)
    except TypeError as exc:  # a required field is missing
        raise ValueError(f"{path.name} does not hold an event: {exc}") from exc


def pending(directory: Path) -> list[Path]:
    """The spooled files waiting to be appended, oldest first (temporary files are not yet spooled)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix == SUFFIX and not p.name.startswith("."))


def _quarantine(path: Path, reason: Exception) -> None:
    # Set aside, not deleted: an operator can still read what it held, and it blocks nothing.
    log.error("spool file %s set aside as %s: %s", path.name, BAD_SUFFIX, reason)
    with contextlib.suppress(FileNotFoundError):
        path.rename(path.with_suffix(BAD_SUFFIX))


def replay(client: Redis, settings: Settings, directory: Path,
           on_append: Callable[[Appended], None] | None = None) -> int:
    """Append every spooled event, deleting each file only after its append; how many were replayed.

    A Redis error stops the pass and propagates, leaving the remaining files for the next one.
    """
    replayed = 0
    for path in pending(directory):
        try:
            event = read(path)
        except FileNotFoundError:  # another replayer took it first
            continue
        except ValueError as exc:
            _quarantine(path, exc)
            continue
        done = append(client, settings, event.tenant_id, [event])
        path.unlink(missing_ok=True)
        replayed += 1
        if on_append is not None:
            on_append(done)
    return replayed
