"""Loads the Lua scripts that ship beside this module, by name, once per client."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from redis import Redis
from redis.commands.core import AsyncScript, Script
from redis.exceptions import NoScriptError

from eventlog.client import round_trip

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
    """Run lua/<name>.lua once and return its reply as Redis sent it (eventlog.client.round_trip).

    A Redis that does not know the script yet (restarted, flushed) is sent its source instead.
    """
    try:
        return round_trip(client, "EVALSHA", script(client, name).sha, len(keys), *keys, *args)
    except NoScriptError:
        return round_trip(client, "EVAL", source(name), len(keys), *keys, *args)
