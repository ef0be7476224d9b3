"""Shared fixtures: the repository's course, and submissions written on the fly."""

from __future__ import annotations

import os
import json
import shutil
import socket
import tempfile
import threading
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from autograder.course import Course
from autograder.plan_store import PLAN_CACHE_ENV

ROOT = Path(__file__).resolve().parents[1]

#: The pure-Python test modules: no Keras training, browser, cluster, nbgrader run or class grading.
#: Every other module is marked ``slow`` (the marker is declared in pyproject.toml), so ``make
#: test-fast`` (``-m "not slow"``) stays under two minutes as modules are added: a new module
#: joins the fast part by being named here, after ``benchmarks/test_time.py`` shows it is fast.
FAST_MODULES = frozenset({
    "test_cli", "test_codec", "test_compare", "test_datasets", "test_device_setting", "test_feedback_terminal",
    "test_grade_cli", "test_grade_discover", "test_grade_progress", "test_grade_reports", "test_grade_slots",
    "test_heldout_notebooks", "test_kinds", "test_layers", "test_lms_edges", "test_lms_export", "test_lms_grade",
    "test_lms_read", "test_lms_roster", "test_misbehaving", "test_nbgrader_private", "test_outcome_status",
    "test_plan_store", "test_report_render", "test_sandbox_backends", "test_tasks", "test_worker_messages",
})


#: Each module's seconds in the last whole run of ``benchmarks/test_time.py``, which rewrites it. It is
#: committed: a fresh clone starts the longest modules first too (xdist's own order, by number of
#: tests, started test_keras_models sixth and ended one worker ~20 s after the other).
MODULE_SECONDS = ROOT / "tests" / "module_seconds.json"


def longest_first() -> dict[str, int]:
    """Each measured module's rank, the longest first. ``make test`` hands whole modules to its
    workers in collection order (``--dist loadfile``, see :func:`pytest_configure`):
    the longest first, so that no long module starts last while the other worker idles."""
    if not MODULE_SECONDS.is_file():
        return {}
    seconds: dict[str, float] = json.loads(MODULE_SECONDS.read_text())
    return {name: i for i, name in enumerate(sorted(seconds, key=lambda name: -seconds[name]))}


def pytest_configure(config: pytest.Config) -> None:
    """With measured seconds, pytest-xdist hands out modules in collection order (the longest
    first), not in its own order by number of tests, which starts the long few-test Keras modules last."""
    if MODULE_SECONDS.is_file() and hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    _session_plan_store(config)


def _session_plan_store(config: pytest.Config) -> None:
    """The hidden plans of this test session (:mod:`autograder.plan_store`) in one new folder:
    every process of the session (the xdist workers, which inherit it, and the graders they
    start) plans an exercise's hidden checks once; never the developer's own store, so that a
    session measures what a fresh machine does. ``DEEPGRADE_PLAN_CACHE=off`` keeps every process planning."""
    if os.environ.get(PLAN_CACHE_ENV, "").lower() == "off" or (
            os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get(PLAN_CACHE_ENV)):
        return  # off, or the controller's folder
    folder = tempfile.mkdtemp(prefix="deepgrade-test-plans-")
    os.environ[PLAN_CACHE_ENV] = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test outside :data:`FAST_MODULES`; the longest measured modules first."""
    rank = longest_first()
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))  # stable: a module's tests keep their order
    for item in items:
        if item.path.stem not in FAST_MODULES:
            item.add_marker(pytest.mark.slow)


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


class HeldSlots:
    """The sandbox slots a running grader (``pid`` and its descendants: Dask workers) holds,
    watched from a thread until :meth:`stop`: what a test may scan for its own student users,
    never another run's on the same machine."""

    def __init__(self, pid: int):
        self.pid, self.slots, self._stop = pid, set(), threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop.is_set():
            self.slots |= _slots_held_by(self.pid)
            self._stop.wait(0.1)

    def stop(self) -> set[int]:
        self._stop.set()
        self.thread.join()
        return self.slots


def _tree(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    tree, grown = {pid}, True
    while grown:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return tree


def _slots_held_by(pid: int) -> set[int]:
    from autograder.isolate.slots import SLOTS_FOLDER

    held = set()
    for member in _tree(pid):
        try:
            fds = list((Path("/proc") / str(member) / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = Path(os.readlink(fd))
            except OSError:
                continue
            if target.parent.name == SLOTS_FOLDER and target.name.startswith("slot-"):
                held.add(int(target.name.removeprefix("slot-").removesuffix(".lock")))
    return held
