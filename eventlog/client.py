"""The Redis client Reviewstream's processes use: redis-py, with commands packed in one hiredis call.

redis-py encodes every argument of a command in Python before hiredis packs them; an append of 500
events has ~3,500 arguments, already bytes, and spent ~1 ms on that alone. This packer hands
hiredis the arguments as they are. Whatever hiredis does not take as it is (a bytearray, a bool, a
command name with a space, such as "CLIENT SETNAME") goes through redis-py's own packer, which also
keeps refusing what Redis cannot take.
"""

from __future__ import annotations

from typing import Any

import hiredis
from redis import Redis
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


class Client(Redis):
    """redis.Redis whose from_url packs commands with Packer: what `rq worker-pool
    --connection-class` builds, so the projectors' connections pack as the web's do."""

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Client:
        kwargs.setdefault("command_packer", Packer())
        client: Client = super().from_url(url, **kwargs)
        return client


def connect(url: str, **options: Any) -> Redis:
    """A client of the Redis at url (redis://, rediss:// or unix://) with the fast packer."""
    return Client.from_url(url, **options)
