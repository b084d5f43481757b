"""Folding events into counter increments."""

from eventlog.event import Event
from eventlog.keys import Keys
from projections.fold import fold
from projections.metrics import INDEX, month_slot

KEYS = Keys("rs", 16)
T = "t_a"
P = KEYS.partition(T)
APR_8_19H_UTC = 1744138800000  # 2025-04-08T19:00:00Z


def at(**counts: int) -> dict[int, int]:
    """A packed day's increments by metric name ("sent_email" for sent:email, "stars_email_4"...)."""
    return {INDEX[name.replace("_", ":")]: n for name, n in counts.items()}


def event(**kw: object) -> Event:
    base: dict[str, object] = dict(tenant_id=T, id="e", type="sent", channel="email", request_id="r",
                                   occurred_at_ms=APR_8_19H_UTC)
    base.update(kw)
    return Event(**base)  # type: ignore[arg-type]


def test_sends_sum_per_local_day_and_lifetime() -> None:
    inc = fold([event(id="1"), event(id="2", channel="sms")], KEYS, lambda _: "Asia/Kolkata")
    assert inc.packed[KEYS.daily(P, T, "all", "2025-04-09")] == at(sent_email=1, sent_sms=1)
    assert inc.hashes[KEYS.lifetime(P, T, "all")] == {"sent:email": 1, "sent:sms": 1}
    april = {month_slot(4, INDEX["sent:email"]): 1, month_slot(4, INDEX["sent:sms"]): 1}
    assert inc.packed[KEYS.monthly(P, T, "all", "2025")] == april
    assert len(inc.packed) == 2


def test_response_counts_its_star_and_every_context() -> None:
    e = event(type="response", rating=4, location="NYC", campaign="spring")
    inc = fold([e], KEYS, lambda _: "UTC")
    for scope in ("all", "loc:NYC", "cmp:spring"):
        assert inc.packed[KEYS.daily(P, T, scope, "2025-04-08")] == at(responses_email=1, stars_email_4=1)
        assert inc.hashes[KEYS.lifetime(P, T, scope)] == {"responses:email": 1, "stars:email:4": 1}


def test_read_that_implies_delivery_counts_both() -> None:
    inc = fold([event(type="read", implies_delivery=True)], KEYS, lambda _: "UTC")
    assert inc.hashes[KEYS.lifetime(P, T, "all")] == {"read:email": 1, "delivered:email": 1}


def test_response_counts_back_on_its_send_day() -> None:
    sent_day_ms = APR_8_19H_UTC - 3 * 86_400_000
    inc = fold([event(type="response", rating=5, channel="sms", cohort_sent_at_ms=sent_day_ms)],
               KEYS, lambda _: "UTC")
    assert inc.packed[KEYS.daily(P, T, "all", "2025-04-08")] == at(responses_sms=1, stars_sms_5=1)
    assert inc.packed[KEYS.daily(P, T, "all", "2025-04-05")] == at(cohort_sms=1)


def test_send_after_its_response_carries_the_cohort() -> None:
    inc = fold([event(cohort_channel="whatsapp")], KEYS, lambda _: "UTC")
    assert inc.hashes[KEYS.lifetime(P, T, "all")] == {"sent:email": 1, "cohort:whatsapp": 1}


def test_late_event_lands_on_its_own_month() -> None:
    inc = fold([event(occurred_at_ms=APR_8_19H_UTC - 40 * 86_400_000)], KEYS, lambda _: "UTC")
    assert KEYS.daily(P, T, "all", "2025-02-27") in inc.packed


def test_each_tenant_counts_its_projected_events() -> None:
    other = "t_b"
    inc = fold([event(id="1"), event(id="2", type="response", rating=3), event(id="3", tenant_id=other)],
               KEYS, lambda _: "UTC")
    assert inc.hashes[KEYS.projected(P)][T] == 2
    assert inc.hashes[KEYS.projected(KEYS.partition(other))][other] == 1


def test_an_event_without_a_local_day_is_counted_aside_and_the_rest_still_count() -> None:
    year_one = -62135596800000  # 0001-01-01T00:00:00Z: no local day west of UTC
    inc = fold([event(id="1", occurred_at_ms=year_one), event(id="2")], KEYS, lambda _: "America/New_York")
    assert inc.hashes[KEYS.unbucketable(P)] == {T: 1}
    assert inc.hashes[KEYS.lifetime(P, T, "all")] == {"sent:email": 1}
