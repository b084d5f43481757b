"""The Redis client Reviewstream's processes use: redis-py, with commands packed in one hiredis call.

redis-py encodes every argument of a command in Python before hiredis packs them; an append of 500
events has ~3,500 arguments, already bytes, and spent ~1 ms on that alone. This packer hands
hiredis the arguments as they are. Whatever hiredis does not take as it is (a bytearray, a bool, a
command name with a space, such as "CLIENT SETNAME") goes through redis-py's own packer, which also
keeps refusing what Redis cannot take.
"""

from __future__ import annotations

import time
from typing import Any

import hiredis
from redis import ConnectionPool, Redis
from redis._parsers import Encoder
from redis.connection import HiredisRespSerializer, PythonRespSerializer

BUFFER_CUTOFF = 6_000  # redis-py's own: larger values are sent as separate chunks by its packer


class Packer:
    """Packs a command into the Redis protocol (RESP); see the module's documentation."""

    def __init__(self) -> None:
        encode = Encoder("utf-8", "strict", False).encode
        self.fallback = HiredisRespSerializer(PythonRespSerializer(BUFFER_CUTOFF, encode).pack, encode)

    def pack(self, *args: Any) -> list[bytes]:
        """The command as RESP, in one or more chunks."""
        head = args[0]
        if (type(head) is str and " " not in head) or (type(head) is bytes and b" " not in head):
            try:
                return [hiredis.pack_command(args)]
            except TypeError:  # an argument hiredis does not take as it is
                pass
        return list(self.fallback.pack(*args))


class Pool(ConnectionPool):
    """redis-py's connection pool, minus one system call per command under load.

    Before handing out a connection, redis-py polls its socket to make sure the server has not
    closed it and nothing is left unread: one more system call per command, on a path that makes
    one command per ingest request. A connection handed back less than RECENT_S ago skips that
    poll (every reply on it was read whole, or it was disconnected: see eventlog.scripts.call and
    eventlog.read.read_rows); one that was idle for longer is checked as before. So a connection
    the server closed in that second (a restart, CLIENT KILL) fails its next command, which then
    raises as any lost connection does: a 503 for the request, which may be retried.
    """

    def release(self, connection: Any) -> None:
        """Hand a connection back, noting when."""
        connection.released_at = time.monotonic()
        super().release(connection)

    def ensure_connection(self, connection: Any) -> None:
        """Connect if needed; poll for readiness unless the connection was just handed back."""
        if time.monotonic() - getattr(connection, "released_at", -RECENT_S) < RECENT_S:
            connection.connect()  # nothing to do while connected; a dropped one connects again
            return
        super().ensure_connection(connection)


RECENT_S = 1.0


class Client(Redis):
    """redis.Redis whose from_url packs commands with Packer and pools connections with Pool: what
    `rq worker-pool --connection-class` builds, so the projectors' connections work as the web's do."""

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Client:
        kwargs.setdefault("command_packer", Packer())
        single = kwargs.pop("single_connection_client", False)  # a client option, as in Redis.from_url
        client = cls(connection_pool=Pool.from_url(url, **kwargs), single_connection_client=single)
        client.auto_close_connection_pool = True  # the client made the pool: closing it closes the pool
        return client


def connect(url: str, **options: Any) -> Redis:
    """A client of the Redis at url (redis://, rediss:// or unix://) with the fast packer and pool."""
    return Client.from_url(url, **options)
