"""Loads the Lua scripts that ship beside this module, by name, once per client."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from redis import Redis
from redis.commands.core import AsyncScript, Script
from redis.exceptions import NoScriptError, ResponseError

_DIR = Path(__file__).parent / "lua"
_registered: WeakKeyDictionary[Redis, dict[str, Script | AsyncScript]] = WeakKeyDictionary()


@cache
def source(name: str) -> str:
    """The text of lua/<name>.lua."""
    return (_DIR / f"{name}.lua").read_text()


def script(client: Redis, name: str) -> Script | AsyncScript:
    """The registered script lua/<name>.lua for a client (EVALSHA, reloading on NOSCRIPT).

    Kept per client: registering hashes the whole source, and ingest runs a script per request.
    """
    scripts = _registered.setdefault(client, {})
    if name not in scripts:
        scripts[name] = client.register_script(source(name))
    return scripts[name]


def call(client: Redis, name: str, keys: Sequence[bytes | str], args: Sequence[bytes | str | int]) -> Any:
    """Run lua/<name>.lua once on one pooled connection and return its reply as Redis sent it.

    The ingest path's call: one script per request, sent past redis-py's command wrapper (its
    retries, timing hooks and reply callbacks cost about as much CPU as the round trip's own
    system calls here). A Redis that does not know the script yet (restarted, flushed) gets its
    source in the same call. Errors are redis-py's own, as from any other command.
    """
    pool = client.connection_pool
    connection = pool.get_connection()
    try:
        try:
            connection.send_command("EVALSHA", script(client, name).sha, len(keys), *keys, *args)
            return connection.read_response()
        except NoScriptError:
            connection.send_command("EVAL", source(name), len(keys), *keys, *args)
            return connection.read_response()
    except ResponseError:
        raise  # a whole reply was read: the connection is ready for the next command
    except BaseException:
        connection.disconnect()  # whatever was left unread must not reach the next command
        raise
    finally:
        pool.release(connection)
