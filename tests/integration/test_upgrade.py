"""Counter hashes of the earlier layout become packed counts: every count once, however often it runs."""

from __future__ import annotations

import threading
from datetime import date

from redis import Redis

from eventlog.append import append
from eventlog.event import Event
from eventlog.keys import Keys
from eventlog.settings import Settings
from projections import store
from projections.metrics import INDEX
from projections.upgrade import upgrade
from workers.project import drain

APR_8_NOON_UTC = 1744113600000  # 2025-04-08T12:00:00Z


def legacy(client: Redis, keys: Keys, tenant_id: str, scope: str, month: str, fields: dict[str, int],
           kind: str = "day") -> str:
    """Write a counter hash of the earlier layout ("<DD>|<metric>" or "<MM>|<metric>" -> count); its name."""
    p = keys.partition(tenant_id)
    name = f"{keys.tag(p)}:{kind}:{tenant_id}:{scope}:{month}"
    client.hset(name, mapping=fields)
    return name


def test_earlier_daily_hashes_add_into_packed_days_once(client: Redis, settings: Settings, keys: Keys) -> None:
    # events projected by this version on 2025-04-08 and counts kept by the earlier one beside them
    append(client, settings, "tu", [Event("tu", "e1", "sent", "email", "r1", APR_8_NOON_UTC)])
    drain(client, keys, keys.partition("tu"))
    old = legacy(client, keys, "tu", "all", "2025-04", {"08|sent:email": 4, "30|stars:sms:5": 2, "30|cohort:other": 1})
    scoped = legacy(client, keys, "tu", "loc:a:b", "2025-04", {"01|sent:sms": 7})
    rollup = legacy(client, keys, "tu", "all", "2025", {"04|sent:email": 4, "12|cohort:other": 1}, kind="month")

    assert upgrade(client, keys) == 3
    assert upgrade(client, keys) == 0  # nothing left to convert: nothing counts twice
    assert not client.exists(old, scoped, rollup)
    months = store.read_months(client, keys, "tu", "all", "2025-01", "2025-12")
    assert months["2025-04"][INDEX["sent:email"]] == 5 and months["2025-12"][INDEX["cohort:other"]] == 1
    assert sum(map(sum, months.values())) == 6
    days = store.read_days(client, keys, "tu", "all", date(2025, 4, 1), date(2025, 4, 30))
    assert days == {"2025-04-08": {"sent:email": 5}, "2025-04-30": {"stars:sms:5": 2, "cohort:other": 1}}
    assert store.read_days(client, keys, "tu", "loc:a:b", date(2025, 4, 1), date(2025, 4, 1)) == {
        "2025-04-01": {"sent:sms": 7}}


def test_concurrent_upgrades_convert_each_hash_once(client: Redis, settings: Settings, keys: Keys) -> None:
    for n in range(40):
        legacy(client, keys, f"tc{n}", "all", "2025-04", {"08|sent:email": 1, "09|responses:sms": 3})
    done: list[int] = []
    threads = [threading.Thread(target=lambda: done.append(upgrade(Redis.from_url(settings.redis_url), keys)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(done) == 40
    for n in range(40):
        assert store.read_days(client, keys, f"tc{n}", "all", date(2025, 4, 8), date(2025, 4, 9)) == {
            "2025-04-08": {"sent:email": 1}, "2025-04-09": {"responses:sms": 3}}


def test_a_hash_with_an_unknown_metric_is_left_as_it_is(client: Redis, keys: Keys) -> None:
    name = legacy(client, keys, "tx", "all", "2025-04", {"08|sent:email": 1, "08|opened:fax": 2})
    assert upgrade(client, keys) == 0
    assert client.hgetall(name) == {b"08|sent:email": b"1", b"08|opened:fax": b"2"}
    assert store.read_days(client, keys, "tx", "all", date(2025, 4, 8), date(2025, 4, 8)) == {}
