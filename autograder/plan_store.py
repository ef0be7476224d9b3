"""Hidden plans kept on the grader's disk: an exercise's hidden checks are planned from its
reference solution once per version, not once per process.

Planning a hidden check may run the reference solution (ex02's Keras models, ex09's votes: a
TensorFlow process, 5-10 s), and every ``deepgrade check --hidden``, every ``deepgrade grade``
and every Dask worker is a new process. The public plans that ``deepgrade release`` (and
``release --check``) and ``nbgrader generate_assignment`` record in the release are kept
too, keyed without the release folder they write. The key is what a plan depends on: the exercise's
folders (solution notebook, ``checks.py``, release), the course's data tasks and settings, the
grader's code, and the versions of Python, NumPy, TensorFlow and Keras (the reference's
predictions). The folder holds the grader's secrets (expected values, the relabelling of the
learning check): it is private to the grader's user (0700) and every sandbox hides it, as it
hides ``solutions/`` (bwrap shows it nowhere, and covers it should a folder it shows hold it).

The folder is ``$DEEPGRADE_PLAN_CACHE``, else ``$XDG_CACHE_HOME/deepgrade-plans`` (``~/.cache``);
``DEEPGRADE_PLAN_CACHE=off`` plans in every process. A folder that cannot be written is not an
error: the plans are made as if there were none.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import platform
import tempfile
from collections.abc import Callable, Iterator
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import IO

from .course import SETTINGS_FILE, TASKS_FILE, Exercise
from .kinds import Plan, kind_of, plan_from_json

#: The environment variable that names the folder (``off``: no folder).
PLAN_CACHE_ENV = "DEEPGRADE_PLAN_CACHE"
#: Bumped when the stored format changes.
STORE_VERSION = "deepgrade-plans-1"
#: What the reference's outputs depend on beyond the course and the grader.
_DISTRIBUTIONS = ("numpy", "tensorflow", "tensorflow-cpu", "keras")
_SKIPPED = ("__pycache__", ".ipynb_checkpoints")


def plan_cache_dir() -> Path | None:
    """Where hidden plans are kept, or None when ``DEEPGRADE_PLAN_CACHE=off``."""
    named = os.environ.get(PLAN_CACHE_ENV, "").strip()
    if named.lower() in ("off", "0", "no", "none"):
        return None
    if named:
        return Path(named).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "deepgrade-plans"  # not in ~/.cache/deepgrade, which --data visible shows


@lru_cache(maxsize=1)
def _grader_stamp() -> str:
    """The grader's code (autograder and deepgrade_datasets) and the libraries' versions."""
    h = hashlib.sha256(f"{STORE_VERSION}\0{platform.python_version()}\0".encode())
    for name in _DISTRIBUTIONS:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-\0".encode())
    import deepgrade_datasets

    for package in (Path(__file__).resolve().parent, Path(deepgrade_datasets.__file__).resolve().parent):
        for path in sorted(package.rglob("*.py")):
            h.update(str(path.relative_to(package.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not any(part in _SKIPPED for part in path.relative_to(folder).parts):
                yield path


def plans_key(exercise: Exercise, *, hidden: bool = True) -> str:
    """A hash of everything the exercise's hidden plans (or public ones) depend on. Public plans
    are what the release records, so the release folder is no part of their key."""
    course = exercise.course
    h = hashlib.sha256(f"{_grader_stamp()}\0{exercise.name}\0{'' if hidden else 'public'}".encode())
    for folder in (exercise.source_dir, exercise.release_dir) if hidden else (exercise.source_dir,):
        for path in _files(folder):
            h.update(str(path.relative_to(folder.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    for path in (course.exercises_dir / TASKS_FILE, course.root / SETTINGS_FILE):
        h.update(path.name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"-") + b"\0")
    return h.hexdigest()


def _private_folder(folder: Path) -> bool:
    """Make the folder (0700); False when it cannot be made or is not the grader's own."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if folder.stat().st_uid != os.geteuid():
            return False
        os.chmod(folder, 0o700)
        return True
    except OSError:
        return False


def _lock(path: Path) -> IO[bytes] | None:
    """One process plans a version at a time; the others wait, then read what it stored.
    None when the lock file cannot be made (nothing is kept then)."""
    try:
        lock = open(path, "a+b")  # noqa: SIM115 (closed by the caller, which holds the lock)
    except OSError:
        return None
    fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
    return lock


def _read(path: Path, exercise: Exercise) -> list[Plan] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        plans = [plan_from_json(d) for d in data["checks"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent, or written by something else: planned again
    for plan in plans:
        kind_of(plan).bind(plan, exercise)
    return plans


def _write(path: Path, plans: list[Plan]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"checks": [p.to_json() for p in plans]}, f)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def stored_plans(exercise: Exercise, make: Callable[[], list[Plan]], *, hidden: bool = True) -> list[Plan]:
    """The exercise's hidden plans (or public ones) from the store, else ``make()`` (stored for
    the next process)."""
    folder = plan_cache_dir()
    if folder is None or not _private_folder(folder):
        return make()
    path = folder / f"{exercise.name}-{'' if hidden else 'public-'}{plans_key(exercise, hidden=hidden)}.json"
    lock = _lock(folder / f".{path.stem}.lock")
    if lock is None:
        return make()
    with lock:
        plans = _read(path, exercise)
        if plans is None:
            plans = make()
            with contextlib.suppress(OSError):
                _write(path, plans)  # mkstemp's file is the grader's alone (0600)
        return plans
