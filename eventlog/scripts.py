"""Loads the Lua scripts that ship beside this module, by name, once per client."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from weakref import WeakKeyDictionary

from redis import Redis
from redis.commands.core import AsyncScript, Script

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
