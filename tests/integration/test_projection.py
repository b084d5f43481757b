"""Projection on real Redis: exactly once, even when the projector is killed mid-batch."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from redis import Redis

from eventlog.append import append
from eventlog.event import Event
from eventlog.keys import Keys
from eventlog.read import read_after
from eventlog.settings import Settings
from projections import store
from projections.fold import Increments, fold
from workers.project import drain

ROOT = Path(__file__).resolve().parents[2]
DAY_MS = 86_400_000
BASE = 1_744_070_400_000  # 2025-04-08T00:00:00Z


def sends(tenant: str, n: int, rng: random.Random) -> list[Event]:
    return [Event(tenant_id=tenant, id=f"e{i}", type="sent", channel=rng.choice(["email", "sms"]),
                  request_id=f"r{i}", occurred_at_ms=BASE + rng.randrange(20) * DAY_MS) for i in range(n)]


def totals_by_day(client: Redis, keys: Keys, tenant: str) -> Counter[str]:
    from datetime import date
    days = store.read_days(client, keys, tenant, "all", date(2025, 4, 1), date(2025, 5, 1))
    return Counter({d: sum(c.values()) for d, c in days.items()})


def test_projector_killed_at_random_instants_counts_every_event_once(
        client: Redis, settings: Settings, keys: Keys) -> None:
    rng = random.Random(11)
    events = sends("ta", 40_000, rng)
    for i in range(0, len(events), 1000):
        append(client, settings, "ta", events[i:i + 1000])
    p = keys.partition("ta")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kills = 0
    while store.checkpoint(client, keys, p).n < len(events) and kills < 60:
        proc = subprocess.Popen([sys.executable, "-m", "tests.integration.projector_proc", settings.redis_url,
                                 settings.key_prefix, str(settings.partitions), str(p)],
                                env=env, cwd=ROOT, stdout=subprocess.PIPE)
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.005, 0.08))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
    assert kills >= 3, "the projector finished before it could be killed often enough"
    drain(client, keys, p)
    expected = Counter(f"2025-04-{8 + (e.occurred_at_ms - BASE) // DAY_MS:02d}" for e in events)
    assert totals_by_day(client, keys, "ta") == expected
    lifetime = store.read_lifetime(client, keys, "ta", "all")
    assert sum(lifetime.values()) == len(events)
    assert store.checkpoint(client, keys, p).n == len(events)


def test_two_projectors_on_one_partition_never_double_count(client: Redis, settings: Settings,
                                                             keys: Keys) -> None:
    import threading

    events = sends("ta", 5_000, random.Random(3))
    for i in range(0, len(events), 1000):
        append(client, settings, "ta", events[i:i + 1000])
    p = keys.partition("ta")
    threads = [threading.Thread(target=drain, args=(Redis.from_url(settings.redis_url), keys, p, 50))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(store.read_lifetime(client, keys, "ta", "all").values()) == len(events)


def test_a_projector_that_loses_a_race_drops_what_it_read_ahead(client: Redis, settings: Settings, keys: Keys,
                                                               monkeypatch: Any) -> None:
    events = sends("ta", 1_000, random.Random(5))
    append(client, settings, "ta", events)
    p = keys.partition("ta")
    real, calls = store.apply, []

    def contested(*args: Any) -> store.Checkpoint | None:
        calls.append(args[3])
        if len(calls) == 3:  # another projector applies the next batch first
            rival = store.checkpoint(client, keys, p)
            entries = read_after(client, keys, p, rival.id, 100)
            assert real(client, keys, p, rival, entries[-1][0], len(entries),
                        fold((e for _, e in entries), keys, lambda _: "UTC"))
        return real(*args)

    monkeypatch.setattr(store, "apply", contested)
    done = drain(client, keys, p, 100)
    assert done.caught_up and done.conflicts == 1 and done.events == len(events) - 100
    assert sum(store.read_lifetime(client, keys, "ta", "all").values()) == len(events)
    assert store.checkpoint(client, keys, p).n == len(events)


def test_stale_checkpoint_writes_nothing(client: Redis, settings: Settings, keys: Keys) -> None:
    append(client, settings, "ta", sends("ta", 3, random.Random(1)))
    p = keys.partition("ta")
    drain(client, keys, p)
    before = store.read_lifetime(client, keys, "ta", "all")
    stale = Increments({keys.lifetime(p, "ta", "all"): {"sent:email": 5}},
                       {keys.daily(p, "ta", "all", "2025-04-08"): {0: 5}})
    again = store.apply(client, keys, p, store.Checkpoint(), "9-9", 3, stale)
    assert again is None
    assert store.read_lifetime(client, keys, "ta", "all") == before


def test_the_projectors_read_gives_back_every_field_and_survives_a_refused_read(
        client: Redis, settings: Settings, keys: Keys) -> None:
    from redis.exceptions import ResponseError

    from eventlog.read import START

    sent = Event("ta", "e1", "sent", "sms", "r1", BASE, location="NYC")
    answered = Event("ta", "e2", "response", "sms", "r1", BASE + DAY_MS, rating=4)
    read = Event("ta", "e3", "read", "email", "r2", BASE)
    append(client, settings, "ta", [sent, answered, read])
    p = keys.partition("ta")
    got = [event for _, event in read_after(client, keys, p, START, 10)]
    assert got == [sent, answered._replace(cohort_sent_at_ms=BASE), read._replace(implies_delivery=True)]

    other = (p + 1) % keys.partitions
    client.set(keys.stream(other), "not a stream")
    for _ in range(3):  # a refused read leaves no reply behind for the next command on its connection
        with pytest.raises(ResponseError):
            read_after(client, keys, other, START, 10)
        assert client.ping() and len(read_after(client, keys, p, START, 10)) == 3
