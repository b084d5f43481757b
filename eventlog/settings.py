"""Settings shared by every process, read from the environment once."""

from __future__ import annotations

import os
from dataclasses import dataclass

DAY = 86_400


def require_hiredis() -> None:
    """Refuse to run without hiredis: the projection reads streams several times faster with it."""
    from redis.utils import HIREDIS_AVAILABLE

    if not HIREDIS_AVAILABLE:
        raise RuntimeError("hiredis is not installed: pip install -r requirements.txt")


@dataclass(frozen=True)
class Settings:
    """Where data lives and how long dedup memory lasts."""

    redis_url: str = "redis://127.0.0.1:6379/0"
    queue_redis_url: str = "redis://127.0.0.1:6379/0"
    key_prefix: str = "rs"
    partitions: int = 16
    id_retention_s: int = 8 * DAY
    request_retention_s: int = 400 * DAY
    trigger_ttl_ms: int = 5_000

    @property
    def queue_name(self) -> str:
        """The RQ queue that carries projector jobs."""
        return f"{self.key_prefix}-projector"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Build settings from environment variables, falling back to defaults."""
        env = dict(os.environ) if env is None else env
        redis_url = env.get("REDIS_URL") or cls.redis_url
        partitions = at_least(env, "PARTITIONS", cls.partitions, 1)
        prefix = env.get("KEY_PREFIX", cls.key_prefix)
        if not prefix or any(c in prefix for c in "{}: "):
            raise ValueError("KEY_PREFIX must be a non-empty word without '{', '}', ':' or spaces")
        return cls(
            redis_url=redis_url,
            queue_redis_url=env.get("QUEUE_REDIS_URL") or redis_url,
            key_prefix=prefix,
            partitions=partitions,
            # dedup memory must outlive the providers' retry windows (Meta: 7 days)
            id_retention_s=at_least(env, "ID_RETENTION_DAYS", 8, 7) * DAY,
            request_retention_s=at_least(env, "REQUEST_RETENTION_DAYS", 400, 1) * DAY,
        )


def at_least(env: dict[str, str], name: str, default: int, low: int) -> int:
    """An integer setting no smaller than `low`; ValueError naming the variable otherwise."""
    value = int(env.get(name, default))
    if value < low:
        raise ValueError(f"{name} must be at least {low}")
    return value
