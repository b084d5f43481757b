"""`make run`: find or start Redis, make sure the demo tenant exists, then run the Procfile.

Redis comes from REDIS_URL when set; otherwise a private redis-server (Unix socket, AOF under
./var/) when one is on PATH; otherwise an in-process fakeredis server that keeps nothing.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC
from pathlib import Path

from redis import Redis

VAR = Path("var")
DEMO_TENANT = "demo"


def _wait_for(url: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            Redis.from_url(url).ping()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def private_redis() -> tuple[str, subprocess.Popen[bytes]]:
    """Start redis-server on a Unix socket under ./var with AOF persistence.

    appendfsync always: Redis writes are on disk before it answers, so an event acknowledged with a
    202 survives a crash of the machine, not only of the process.
    """
    sock = (VAR / "redis.sock").resolve()
    proc = subprocess.Popen([
        "redis-server", "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
        "--dir", str(VAR.resolve()), "--appendonly", "yes", "--appendfsync", "always",
        "--save", "", "--logfile", str((VAR / "redis.log").resolve()),
    ])
    url = f"unix://{sock}"
    _wait_for(url)
    return url, proc


def embedded_redis() -> str:
    """Serve fakeredis over TCP from this process (nothing survives a restart)."""
    from fakeredis import TcpFakeServer

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = TcpFakeServer(("127.0.0.1", port), server_type="redis")
    server.daemon_threads = True  # connection threads must not keep `make run` alive after it stops
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("!" * 78, "\n!! WARNING: no REDIS_URL and no redis-server on PATH: using an in-process\n"
          "!! fakeredis server. NOTHING IS DURABLE: every event is lost when this stops.\n" + "!" * 78,
          file=sys.stderr)
    url = f"redis://127.0.0.1:{port}/0"
    _wait_for(url)
    return url


def admin_token() -> str:
    """ADMIN_TOKEN from the environment, or one generated once and kept in ./var/admin-token."""
    if os.environ.get("ADMIN_TOKEN"):
        return os.environ["ADMIN_TOKEN"]
    path = VAR / "admin-token"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def link_secret() -> str:
    """LINK_SECRET from the environment, or one generated once and kept in ./var/link-secret."""
    if os.environ.get("LINK_SECRET"):
        return os.environ["LINK_SECRET"]
    path = VAR / "link-secret"
    if not path.exists():
        # Created owner-only from the start: every tracked link is signed with this secret.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def demo_key(url: str) -> str:
    """Create the demo tenant on first start; its key is kept in ./var/demo-api-key to show again."""
    from datetime import datetime

    from eventlog import tenants
    from eventlog.keys import Keys
    from eventlog.settings import Settings

    settings = Settings.from_env({**os.environ, "REDIS_URL": url})
    client, keys = Redis.from_url(url), Keys(settings.key_prefix, settings.partitions)
    path = VAR / "demo-api-key"
    if tenants.find(client, keys, DEMO_TENANT) is None:
        _, issued = tenants.create(client, keys, "Demo", "UTC", datetime.now(UTC), DEMO_TENANT)
        path.write_text(issued.api_key)
        path.chmod(0o600)
    if path.exists():
        return path.read_text().strip()
    return "(shown at first start; issue another with `flask --app web tenants issue-key demo`)"


def main() -> int:
    """Start everything and wait for honcho; stop the private Redis on the way out."""
    VAR.mkdir(exist_ok=True)
    lock = open(VAR / "launch.lock", "w")  # noqa: SIM115 -- held open: the lock lives as long as this process
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("another `make run` is using ./var; stop it first", file=sys.stderr)
        return 1
    proc = None
    url = os.environ.get("REDIS_URL")
    if not url and shutil.which("redis-server"):
        url, proc = private_redis()
    elif not url:
        url = embedded_redis()
    port = os.environ.get("PORT", "8000")
    env = {**os.environ, "REDIS_URL": url, "QUEUE_REDIS_URL": os.environ.get("QUEUE_REDIS_URL") or url,
           "ADMIN_TOKEN": admin_token(), "LINK_SECRET": link_secret(), "KEY_PREFIX": os.environ.get("KEY_PREFIX", "rs")}
    os.environ.update(env)
    print(f"Reviewstream on http://127.0.0.1:{port}\n  redis:       {url}\n"
          f"  demo tenant: {DEMO_TENANT}\n  demo key:    {demo_key(url)}\n  admin token: {env['ADMIN_TOKEN']}",
          flush=True)
    bin_dir = Path(sys.executable).parent
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    honcho = subprocess.Popen([str(bin_dir / "honcho"), "start", "-f", "Procfile", "-p", port], env=env)
    # honcho stops every process cleanly on SIGTERM; only then may Redis go away
    signal.signal(signal.SIGTERM, lambda *_: honcho.send_signal(signal.SIGTERM))
    try:
        return honcho.wait()
    except KeyboardInterrupt:
        honcho.send_signal(signal.SIGINT)
        return honcho.wait()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
