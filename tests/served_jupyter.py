"""A Jupyter server (JupyterLab, or plain with an extension) on loopback for the browser tests."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Served:
    url: str  # http://127.0.0.1:PORT
    token: str


@contextlib.contextmanager
def serving(app: list[str], root: Path, env: dict[str, str], log: Path, *options: str) -> Iterator[Served]:
    """Run ``python -m APP`` serving ``root`` on a free loopback port with a fresh token until the
    block ends; fail the test with the server's log when it does not start in 90 s."""
    port, token = free_port(), secrets.token_hex(16)
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", *app, "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", *options,
             *(["--allow-root"] if os.geteuid() == 0 else [])],
            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"{' '.join(app)} did not start:\n" + log.read_text()[-3000:])
        yield Served(f"http://127.0.0.1:{port}", token)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
