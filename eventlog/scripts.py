"""Loads the Lua scripts that ship beside this module, by name."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from redis import Redis
from redis.commands.core import AsyncScript, Script

_DIR = Path(__file__).parent / "lua"


@cache
def source(name: str) -> str:
    """The text of lua/<name>.lua."""
    return (_DIR / f"{name}.lua").read_text()


def script(client: Redis, name: str) -> Script | AsyncScript:
    """A registered script object for lua/<name>.lua (EVALSHA, reloading on NOSCRIPT)."""
    return client.register_script(source(name))
