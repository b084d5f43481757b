"""The Redis client Reviewstream's processes use: redis-py, with commands packed in one hiredis call.

redis-py encodes every argument of a command in Python before hiredis packs them; an append of 500
events has ~3,500 arguments, already bytes, and spent ~1 ms on that alone. This packer hands
hiredis the arguments as they are. Whatever hiredis does not take as it is (a bytearray, a bool, a
command name with a space, such as "CLIENT SETNAME") goes through redis-py's own packer, which also
keeps refusing what Redis cannot take.
"""

from __future__ import annotations

import os
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
    """redis-py's connection pool, with a short way back for a connection handed back just now.

    redis-py's own checkout and return each cost a system call (getpid, to notice a fork), a lock
    and its metrics hooks, and its checkout polls the socket to make sure the server has not closed
    it: ~20 µs of an ingest request's ~220 µs of CPU, measured in process on this machine.

    Here a connection handed back goes on a list of its own (a list's append and pop are atomic, so
    no lock), and a checkout takes the newest one as it is when it was handed back less than
    RECENT_S ago; a fork is noticed by a hook os.register_at_fork runs in the child. Every reply on a
    connection handed back was read whole, or it was disconnected (redis-py's commands disconnect
    after a failed read, and so does round_trip); a disconnected one connects again on its next
    command. A connection idle for longer, and every
    checkout in a forked child, goes through redis-py's pool as before, poll included.

    So a connection the server closed within that second (a restart, CLIENT KILL) fails its next
    command, which then raises as any lost connection does: a 503 for the request, which may be
    retried. redis-py's connection-count metrics count a connection on this list as in use.
    """

    def reset(self) -> None:
        """Forget every connection, as redis-py does after a fork; the short way back starts empty."""
        super().reset()
        self._recent: list[Any] = []
        self._pid = _process_id

    def get_connection(self, *args: Any, **kwargs: Any) -> Any:
        """The connection handed back last, when it is recent and this is the process that made it."""
        try:
            connection = self._recent.pop()
        except IndexError:
            connection = super().get_connection(*args, **kwargs)
        else:
            if self._pid != _process_id or time.monotonic() - connection.released_at >= RECENT_S:
                super().release(connection)  # redis-py's pool checks it before handing it out again
                connection = super().get_connection(*args, **kwargs)
        connection.released_at = None  # in use
        return connection

    def release(self, connection: Any) -> None:
        """Hand a connection back: onto the short way back, unless it must go through redis-py's pool."""
        if getattr(connection, "released_at", None) is not None:
            return  # handed back already: it must not be handed out twice
        if self._pid != _process_id or connection.pid != self.pid or connection.should_reconnect():
            super().release(connection)
            return
        connection.released_at = time.monotonic()
        self._recent.append(connection)

    def disconnect(self, inuse_connections: bool = True) -> None:
        """Disconnect every connection, those on the short way back too (they count as in use)."""
        super().disconnect(inuse_connections)
        if not inuse_connections:
            for connection in list(self._recent):
                connection.disconnect()


RECENT_S = 1.0
_process_id = os.getpid()


def _forked() -> None:
    global _process_id
    _process_id = os.getpid()


os.register_at_fork(after_in_child=_forked)


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


def round_trip(client: Redis, *command: Any) -> Any:
    """Send one command on a pooled connection and return its reply as Redis sent it.

    For the hot paths (an ingest's append script, a projector's stream read): past redis-py's
    command wrapper, whose retries, timing hooks and reply callbacks cost about as much CPU as the
    round trip's own system calls here, and whose parsing of a stream reply builds a tuple and a
    dictionary per entry. Errors are redis-py's own. The connection goes back to the pool whole:
    redis-py's send and read disconnect it themselves when they fail part way (a timeout, a lost
    server, an interrupt), and an error reply is read whole.
    """
    pool = client.connection_pool
    connection = pool.get_connection()
    try:
        connection.send_command(*command)
        return connection.read_response()
    finally:
        pool.release(connection)


def connect(url: str, **options: Any) -> Redis:
    """A client of the Redis at url (redis://, rediss:// or unix://) with the fast packer and pool."""
    return Client.from_url(url, **options)
