"""The processes' Redis client packs commands exactly as redis-py does, only faster."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from redis import DataError, Redis

from eventlog.client import Packer

REDIS_PY = Redis().connection_pool.make_connection()  # redis-py's own packer (no connection is made)
ARGS = st.one_of(st.binary(max_size=300), st.text(max_size=100), st.integers(-(2**63), 2**64),
                 st.floats(allow_nan=False, allow_infinity=False))


@settings(database=None, deadline=None, max_examples=200)
@given(st.sampled_from(["EVALSHA", "SET", b"XADD", "hset"]), st.lists(ARGS, max_size=30))
def test_commands_pack_to_the_same_bytes(command: Any, args: list[Any]) -> None:
    assert b"".join(Packer().pack(command, *args)) == b"".join(REDIS_PY.pack_command(command, *args))


@pytest.mark.parametrize("args", [("CLIENT SETNAME", "x"), (b"CONFIG GET", b"maxmemory"), ("SET", "k", bytearray(b"v")),
                                  ("SET", "k", memoryview(b"v"))])
def test_what_hiredis_does_not_take_as_it_is_packs_as_redis_py_packs_it(args: tuple[Any, ...]) -> None:
    assert b"".join(Packer().pack(*args)) == b"".join(REDIS_PY.pack_command(*args))


@pytest.mark.parametrize("bad", [True, None, object()])
def test_what_redis_cannot_take_is_still_refused(bad: Any) -> None:
    with pytest.raises(DataError):
        Packer().pack("SET", "k", bad)
