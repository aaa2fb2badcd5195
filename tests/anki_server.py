"""A real `python -m anki.syncserver` on 127.0.0.1 for the sync tests (started and stopped here)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD = "student", "correct horse battery"


@dataclass(frozen=True)
class Server:
    endpoint: str
    user: str
    password: str
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def sync_server(base: Path) -> Iterator[Server]:
    """Start the server with a temporary base folder and one test user; stop it afterwards."""
    port = _free_port()
    base.mkdir(parents=True, exist_ok=True)
    log = base / "server.log"
    env = dict(
        os.environ,
        SYNC_USER1=f"{USER}:{PASSWORD}",
        SYNC_BASE=str(base / "data"),
        SYNC_HOST="127.0.0.1",
        SYNC_PORT=str(port),
    )
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "anki.syncserver"], env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"sync server exited: {log.read_text(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield Server(f"http://127.0.0.1:{port}/", USER, PASSWORD, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
