"""A real `transfer-advisor serve` on a free loopback port, for browser and client tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def live_server(workdir: Path, **env: str) -> Iterator[str]:
    """Start the service in `workdir` (its own SQLite file), yield its base URL, stop it."""
    port = free_port()
    # No download on start (MiniLM's weights): a test never depends on the network.
    environ = {**os.environ, "TRANSFER_ADVISOR_AUTH": "disabled",
               "TRANSFER_ADVISOR_DATA_DIR": str(workdir / "data"),
               "TRANSFER_ADVISOR_FETCH_EXTRACTOR_WEIGHTS": "false", **env}
    environ.pop("TRANSFER_ADVISOR_DATABASE_URL", None)
    log = (workdir / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "transfer_advisor.cli", "serve", "--port", str(port),
         "--log-level", "warning"], cwd=workdir, env=environ, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {(workdir / 'serve.log').read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become ready within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
