"""Shared fixtures: the repository's course, and submissions written on the fly."""

from __future__ import annotations

import shutil
import socket
import threading
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from autograder.course import Course

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def course() -> Course:
    return Course(ROOT)


@pytest.fixture
def submission(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a ``.py`` submission from source text and return its path."""
    def write(source: str, name: str = "submission.py") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(source))
        return path
    return write


@pytest.fixture
def student_copy(tmp_path: Path) -> Path:
    """What a student has: the release only (exercises/), no solutions/."""
    shutil.copytree(ROOT / "exercises", tmp_path / "course" / "exercises")
    return tmp_path / "course"


class LoopbackListener:
    """A loopback port on the grader's machine that counts who connects."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port, self.accepted, self._stop = self.sock.getsockname()[1], 0, False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
                self.accepted += 1
                conn.close()
            except OSError:
                pass

    def stop(self):
        self._stop = True
        self.thread.join()
        self.sock.close()
