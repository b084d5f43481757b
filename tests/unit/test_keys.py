"""The key layout is a contract with every running process: pin it."""

from eventlog.keys import Keys, partition_of


def test_key_layout() -> None:
    k = Keys("rs", 16)
    assert partition_of("demo", 16) == k.partition("demo") == 0
    assert partition_of("acme", 16) == 14 and partition_of("acme", 4) == 2
    assert k.stream(3) == "rs:{p3}:stream"
    assert k.seen(3, "t", "e1") == "rs:{p3}:seen:t:e1"
    assert k.request(3, "t", "r1") == "rs:{p3}:req:t:r1"
    assert k.message(3, "t", "m1") == "rs:{p3}:msg:t:m1"
    assert k.duplicates(3) == "rs:{p3}:dups"
    assert k.trigger(3) == "rs:{p3}:trigger"
    assert k.checkpoint(3) == "rs:{p3}:checkpoint"
    assert k.projected(3) == "rs:{p3}:projected"
    assert k.unbucketable(3) == "rs:{p3}:unbucketable"
    assert k.daily(3, "t", "loc:NYC", "2025-04-08") == "rs:{p3}:daily:t:loc:NYC:2025-04-08"
    assert k.monthly(3, "t", "cmp:x", "2025") == "rs:{p3}:monthly:t:cmp:x:2025"
    assert k.lifetime(3, "t", "all") == "rs:{p3}:life:t:all"
    assert k.tenant("t") == "rs:{tenants}:tenant:t"
    assert k.tenant_keys("t") == "rs:{tenants}:tenant:t:keys"
    assert k.api_keys() == "rs:{tenants}:apikeys"
    assert k.credentials("t") == "rs:{tenants}:tenant:t:providers"
    assert k.nonce(3, "t", "mailgun", "tok") == "rs:{p3}:nonce:t:mailgun:tok"


def test_settings_refuse_values_that_would_break_dedup_or_keys() -> None:
    import pytest

    from eventlog.settings import Settings

    for env in ({"ID_RETENTION_DAYS": "0"}, {"ID_RETENTION_DAYS": "6"}, {"REQUEST_RETENTION_DAYS": "0"},
                {"KEY_PREFIX": ""}, {"KEY_PREFIX": "a:b"}, {"PARTITIONS": "0"}):
        with pytest.raises(ValueError):
            Settings.from_env(env)
    assert Settings.from_env({}).id_retention_s == 8 * 86_400
