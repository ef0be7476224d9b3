"""The class grader's result cache: ``OUT/cache/<key>.json``, one file per graded submission.

The key is a hash of exactly what decides a verdict: the files the sandbox
gets (:func:`~autograder.isolate.submission.submission_files`, the one list both
use), the exercise's checks (public plans, ``checks.py``, the solution
notebook), the grader's own source and the options that change a verdict.
Files are written atomically (a temporary file, fsync, rename), so a run killed
at any moment (even SIGKILL) leaves either no entry or a whole one; an
unreadable entry is graded again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from deepgrade_datasets.cache import file_sha256

from ..course import Course
from ..isolate.backends import PACKAGE_DIR
from ..isolate.submission import submission_files
from ..results import Record
from .discover import Found

CACHE_VERSION = "deepgrade-batch-1"


def grader_fingerprint() -> str:
    """A hash of the grading code (reports and the integrity report excluded: they do not change a
    verdict, so a new report never grades a class again)."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(PACKAGE_DIR)
        if rel.parts[0] in ("report", "integrity") or rel.name in ("progress.py", "cli.py"):
            continue
        h.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def exercise_fingerprint(course: Course, name: str, hidden: bool) -> str:
    """A hash of what an exercise's verdicts depend on: its release, and with ``hidden`` its
    solution notebook and checks.py, and the course's data tasks."""
    ex = course.exercise(name)
    tasks = course.exercises_dir / "tasks.py"
    parts = [name, file_sha256(ex.public_checks_path) if ex.public_checks_path.is_file() else "-",
             file_sha256(tasks) if tasks.is_file() else "-"]
    if hidden:
        parts += [file_sha256(ex.source_dir / "checks.py"), file_sha256(ex.solution_notebook)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def task_key(found: Found, exercise_fp: str, settings: str, reject: tuple[str, ...] = ()) -> str:
    """The cache key of one submission of one exercise."""
    h = hashlib.sha256(f"{CACHE_VERSION}\0{exercise_fp}\0{settings}\0".encode())
    assert found.path is not None
    files = submission_files(found.path, found.own_folder, reject)  # exactly what the sandbox gets
    h.update(found.path.suffix.encode())
    for path in files.files:
        h.update(b"\0" + str(path.relative_to(files.root)).encode() + b"\0" + file_sha256(path).encode())
    return h.hexdigest()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` so that ``path`` holds either the old or the whole new content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


class ResultCache:
    """Records by key in one folder; ``enabled=False`` reads and writes nothing."""

    def __init__(self, folder: Path, *, enabled: bool = True):
        self.folder, self.enabled = folder, enabled

    def get(self, key: str) -> Record | None:
        """The record stored under ``key``, or None (absent, unreadable, or another key's)."""
        path = self.folder / f"{key}.json"
        if not self.enabled or not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            record = Record.from_json(data) if isinstance(data, dict) else None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # unreadable: graded again
        return record if record is not None and record.key == key else None

    def put(self, key: str, record: Record) -> None:
        if self.enabled and key:
            write_atomic(self.folder / f"{key}.json", json.dumps(record.to_json()))
