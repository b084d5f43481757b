"""The real processes, started from the Procfile's own lines (bound to loopback) and stopped again."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import time
from pathlib import Path

from bench.sandbox import free_port

ROOT = Path(__file__).resolve().parent.parent
PROCFILE = ROOT / "Procfile"
APP = '"web:create_app()"'


def procfile(path: Path = PROCFILE) -> dict[str, str]:
    """The Procfile's process types and their command lines."""
    lines = (line.partition(":") for line in path.read_text().splitlines() if line.strip() and not line.startswith("#"))
    return {name.strip(): command.strip() for name, _, command in lines}


def command(kind: str, app: str | None = None) -> str:
    """A Procfile command, listening on loopback only; `app` swaps the web app for another factory."""
    line = procfile()[kind].replace("0.0.0.0", "127.0.0.1")
    if app is not None:
        if APP not in line:
            raise RuntimeError(f"the Procfile's web line no longer serves {APP}: {line}")
        line = line.replace(APP, f'"{app}"')
    return line


class Process:
    """A process group started with a shell command line; stopped as a group, by its own id."""

    def __init__(self, name: str, line: str, env: dict[str, str], log_dir: Path) -> None:
        self.name, self.log = name, log_dir / f"{name}.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(["sh", "-c", f"exec {line}"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                         stderr=log, start_new_session=True)

    def alive(self) -> bool:
        """Whether it still runs."""
        return self.proc.poll() is None

    def tail(self, lines: int = 15) -> str:
        """The end of its log, to explain a failure."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, grace_s: float = 15.0) -> None:
        """SIGTERM to the group, SIGKILL if it lingers."""
        if not self.alive():
            return
        for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(timeout=wait_s)
                return
            except subprocess.TimeoutExpired:
                continue


def wait_ready(process: Process, port: int, path: str = "/healthz", timeout_s: float = 30.0) -> None:
    """Until GET path on 127.0.0.1:port answers 200 (plain http.client: no proxy ever applies);
    RuntimeError with the log's tail if the process dies or stalls."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.alive():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()
    raise RuntimeError(f"{process.name} did not come up on port {port}:\n{process.tail()}")


def serve(name: str, env: dict[str, str], log_dir: Path, app: str | None = None) -> tuple[Process, str]:
    """gunicorn as the Procfile runs it (or with another app factory), on a free port; (process, base URL)."""
    port = free_port()
    process = Process(name, command("web", app), {**env, "PORT": str(port)}, log_dir)
    try:
        wait_ready(process, port)
    except BaseException:
        process.stop()
        raise
    return process, f"http://127.0.0.1:{port}"


def gunicorn_settings(env: dict[str, str]) -> str:
    """The worker settings the web line resolves to, for the report."""
    workers, threads = env.get("WEB_WORKERS") or "2", env.get("WEB_THREADS") or "4"
    return f"gunicorn gthread, {workers} workers x {threads} threads (Procfile)"
