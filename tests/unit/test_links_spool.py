"""The local spool: whole files or none, replayed once each, deleted only after their append."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import fakeredis
import pytest
from redis.exceptions import ConnectionError

from eventlog import spool
from eventlog.append import Appended
from eventlog.event import Event
from eventlog.keys import Keys
from eventlog.read import read_after
from eventlog.settings import Settings

SETTINGS = Settings(key_prefix="u", partitions=4)
KEYS = Keys("u", 4)


def impression(i: str, request: str = "r1", **kw: Any) -> Event:
    return Event(tenant_id="ta", id=i, type="impression", channel="sms", request_id=request,
                 occurred_at_ms=1_744_286_400_000, **kw)


def stored(client: Any) -> list[Event]:
    return [e for _, e in read_after(client, KEYS, KEYS.partition("ta"), "0-0", 1_000)]


def test_a_spooled_event_reads_back_unchanged(tmp_path: Path) -> None:
    event = impression("lnk_1", location="NYC", campaign="spring")
    path = spool.write(tmp_path / "spool", event)
    assert spool.read(path) == event
    assert spool.pending(tmp_path / "spool") == [path]


def test_writing_leaves_no_temporary_file(tmp_path: Path) -> None:
    spool.write(tmp_path, impression("a"))
    spool.write(tmp_path, impression("b"))
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".json"]


def test_pending_skips_temporary_files_and_a_missing_directory(tmp_path: Path) -> None:
    (tmp_path / ".half-written.tmp").write_text("{")
    assert spool.pending(tmp_path) == []
    assert spool.pending(tmp_path / "absent") == []


def test_pending_lists_oldest_first(tmp_path: Path) -> None:
    late = spool.write(tmp_path, Event("ta", "b", "impression", "sms", "r", 2_000_000_000_000))
    early = spool.write(tmp_path, Event("ta", "a", "impression", "sms", "r", 999))
    assert spool.pending(tmp_path) == [early, late]


def test_replay_appends_each_event_and_deletes_its_file(tmp_path: Path) -> None:
    client = fakeredis.FakeRedis()
    spool.write(tmp_path, impression("a", request="r1"))
    spool.write(tmp_path, impression("b", request="r2"))
    seen: list[Appended] = []
    assert spool.replay(client, SETTINGS, tmp_path, seen.append) == 2
    assert sorted(e.id for e in stored(client)) == ["a", "b"]
    assert spool.pending(tmp_path) == [] and sum(d.accepted for d in seen) == 2


def test_a_file_replayed_twice_is_counted_once(tmp_path: Path) -> None:
    client = fakeredis.FakeRedis()
    path = spool.write(tmp_path, impression("a"))
    shutil.copy(path, tmp_path / "copy.json")  # as if a crash came between append and delete
    seen: list[Appended] = []
    assert spool.replay(client, SETTINGS, tmp_path, seen.append) == 2
    assert [(d.accepted, d.duplicates) for d in seen] == [(1, 0), (0, 1)]
    assert len(stored(client)) == 1


def test_a_file_is_kept_when_its_append_fails(tmp_path: Path) -> None:
    server = fakeredis.FakeServer()
    server.connected = False
    path = spool.write(tmp_path, impression("a"))
    with pytest.raises(ConnectionError):
        spool.replay(fakeredis.FakeRedis(server=server), SETTINGS, tmp_path)
    assert spool.pending(tmp_path) == [path]
    server.connected = True
    assert spool.replay(fakeredis.FakeRedis(server=server), SETTINGS, tmp_path) == 1
    assert spool.pending(tmp_path) == []


@pytest.mark.parametrize("content", ["{", "[]", '{"id": "a"}', '{"tenant_id": "ta", "colour": "red"}'])
def test_a_file_without_an_event_is_set_aside_and_blocks_nothing(tmp_path: Path, content: str) -> None:
    client = fakeredis.FakeRedis()
    (tmp_path / "0000000000000-bad.json").write_text(content)
    spool.write(tmp_path, impression("a"))
    assert spool.replay(client, SETTINGS, tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["0000000000000-bad.bad"]
    assert len(stored(client)) == 1
