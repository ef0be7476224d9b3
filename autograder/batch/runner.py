"""Grading a whole class: in parallel, sandboxed, resumable.

Every submission's result is written to ``OUT/cache/<key>.json`` as soon as it
is known, atomically (a temporary file, fsync, rename). The key is a hash of
the submission's bytes, the exercise's checks (public plans, ``checks.py``,
the solution notebook), the grader's own source and the options that change a
verdict. A rerun after a crash (even SIGKILL) or on an unchanged class serves
what is there and grades only the rest; a half-written file is never renamed
into place, and an unreadable cache file is graded again.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import multiprocessing as mp
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..course import Course
from ..grade import hidden_plans, public_plans
from ..load import SubmissionError, load_program
from ..score import CheckResult, ExerciseResult
from .discover import Found, discover
from .isolated import grade_isolated, new_scratch_root, scratch_parent, submission_files
from .progress import Progress
from .sandbox import PACKAGE_DIR, Sandbox, SandboxLimits

CACHE_VERSION = "deepgrade-batch-1"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def grader_fingerprint() -> str:
    """A hash of the grading code (reports excluded: they do not change a verdict)."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(PACKAGE_DIR)
        if rel.parts[0] == "report" or rel.name in ("progress.py", "cli.py"):
            continue
        h.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
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


@dataclass
class Options:
    workers: int = 1
    hidden: bool = True
    device: str | None = None  # cpu | gpu | auto; None: $DEEPGRADE_DEVICE, else auto
    limits: SandboxLimits = field(default_factory=SandboxLimits)
    backend: str = "auto"
    show_data: str = "auto"  # auto | hidden | visible
    exercises: list[str] = field(default_factory=list)
    use_cache: bool = True


@dataclass
class Task:
    index: int
    found: Found
    key: str = ""


def _exercise_fingerprint(course: Course, name: str, hidden: bool) -> str:
    ex = course.exercise(name)
    parts = [name, sha256_file(ex.public_checks_path) if ex.public_checks_path.is_file() else "-"]
    if hidden:
        parts += [sha256_file(ex.source_dir / "checks.py"), sha256_file(ex.solution_notebook)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def task_key(found: Found, exercise_fp: str, settings: str, reject: tuple[str, ...] = ()) -> str:
    h = hashlib.sha256(f"{CACHE_VERSION}\0{exercise_fp}\0{settings}\0".encode())
    assert found.path is not None
    files = submission_files(found.path, found.own_folder, reject)  # exactly what the sandbox gets
    h.update(found.path.suffix.encode())
    for path in files.files:
        h.update(b"\0" + str(path.relative_to(files.root)).encode() + b"\0" + sha256_file(path).encode())
    return h.hexdigest()


def problem_record(found: Found, max_score: float, status: str) -> dict[str, Any]:
    result = ExerciseResult(found.exercise, [CheckResult("submission", "-", max_score, status,
                                                          found.problem)], list(found.notes))
    return {"student": found.student, **result.to_json(), "submission": None}


# -- the grading worker -------------------------------------------------------------------
# Set in the parent before the pool forks: the course, plans, sandbox and options.
_STATE: dict[str, Any] = {}


def _die_with_parent() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _init_worker(slots: Any) -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _STATE["slot"] = slots.get()


def grade_task(task: Task) -> dict[str, Any]:
    """Grade one submission in its sandbox; never raises (a grader failure is a record)."""
    st = _STATE
    found = task.found
    started = time.monotonic()
    try:
        course: Course = st["course"]
        exercise = course.exercise(found.exercise)
        assert found.path is not None  # discover gives a path, or a problem that is not graded
        try:
            program = load_program(found.path)
        except SubmissionError as exc:
            return {**problem_record(Found(found.student, found.exercise, problem=str(exc),
                                           notes=found.notes), st["max_scores"][found.exercise], "error"),
                    "submission": str(found.path), "key": task.key}
        assert found.path is not None
        files = submission_files(found.path, found.own_folder, course.rejected_files)
        isolated = grade_isolated(program, exercise, files,
                                  sandbox=st["sandbox"][found.exercise], limits=st["limits"],
                                  hidden=st["hidden"], scratch_parent=st["scratch_root"],
                                  slot=st.get("slot", 0))
        result = isolated.result
        result.notes[:0] = found.notes
        record = {"student": found.student, **result.to_json(), "submission": str(found.path),
                  "output": isolated.printed[:8192], "key": task.key,
                  "seconds": round(time.monotonic() - started, 3)}
        if task.key and st["use_cache"]:
            write_atomic(st["cache_dir"] / f"{task.key}.json", json.dumps(record))
        return record
    except Exception as exc:
        found_err = Found(found.student, found.exercise,
                          problem=f"the grader failed on this submission ({type(exc).__name__}: {exc}); "
                                  "it was not cached and will be graded again next run",
                          notes=found.notes)
        record = problem_record(found_err, st.get("max_scores", {}).get(found.exercise, 0.0), "error")
        record.update({"submission": str(found.path), "grader_error": traceback.format_exc()[-2000:]})
        return record


# -- the batch ----------------------------------------------------------------------------
@dataclass
class Batch:
    records: list[dict[str, Any]]
    sandbox: Sandbox
    graded: int
    cached: int
    seconds: float

    @property
    def grader_errors(self) -> int:
        return sum(1 for r in self.records if r.get("grader_error"))


def run_batch(course: Course, submissions: Path, out: Path, options: Options,
              progress: Progress | None = None, log=None) -> Batch:
    from ..run.device import device_env

    log = log or (lambda text: print(text, file=sys.stderr))
    started = time.monotonic()
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    cache_dir = out / "cache"
    submissions = submissions.resolve()
    saved_env = dict(os.environ)
    os.environ.update(device_env(options.device))  # read by every student's process
    try:
        return _run(course, submissions, out, options, progress, log, started, cache_dir)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)


def _run(course: Course, submissions: Path, out: Path, options: Options, progress: Progress | None,
         log, started: float, cache_dir: Path) -> Batch:
    from .sandbox import detect


    hidden = options.hidden and all(course.exercise(n).has_solution for n in
                                    (options.exercises or course.exercise_names))
    if options.hidden and not hidden:
        log("deepgrade: no solutions/ for some exercise: grading the public checks only")
    found = discover(submissions, course.exercise_names, out / "unpacked", options.exercises or None,
                     exclude=(out,))
    names = sorted({f.exercise for f in found})
    for name in names:
        course.exercise(name)  # an unknown --exercise is a usage error

    # Plans once, here, before any worker starts (hidden ones run the reference solution).
    plans = {n: public_plans(course.exercise(n)) + (hidden_plans(course.exercise(n)) if hidden else [])
             for n in names}
    max_scores = {n: float(sum(p.points for p in plans[n])) for n in names}
    # bwrap shows only what it lists; for unshare these are covered by empty mounts.
    hide = (course.solutions_dir, course.exercises_dir, submissions, out)
    # No exercise needs the data files: model checks send the training and validation
    # arrays themselves and keep the held-out labels, so "auto" hides them like "hidden".
    base = detect(options.backend, hide=hide, show_data=options.show_data == "visible")
    sandboxes: dict[str, Sandbox] = {n: base for n in names}
    log("deepgrade: " + base.describe())

    settings = json.dumps({"hidden": hidden, "device": options.device, "backend": base.name,
                           "limits": repr(options.limits), "grader": grader_fingerprint(),
                           "data": {n: s.show_data for n, s in sandboxes.items()}}, sort_keys=True)
    fps = {n: _exercise_fingerprint(course, n, hidden) for n in names}

    records: list[dict[str, Any] | None] = [None] * len(found)
    todo: list[Task] = []
    cached = 0
    for i, f in enumerate(found):
        if f.path is None:
            status = "not_attempted" if f.problem.startswith("no submission") else "error"
            records[i] = problem_record(f, max_scores[f.exercise], status)
            continue
        key = task_key(f, fps[f.exercise], settings, course.rejected_files)
        hit = cache_dir / f"{key}.json"
        if options.use_cache and hit.is_file():
            try:
                record = json.loads(hit.read_text(encoding="utf-8"))
                if record.get("key") == key:
                    record["student"], record["submission"] = f.student, str(f.path)
                    records[i] = {**record, "cached": True}
                    cached += 1
                    continue
            except (OSError, ValueError):
                pass  # unreadable: grade again
        todo.append(Task(i, f, key))

    progress = progress or Progress(len(found), stream=sys.stderr)
    progress.start(done=len(found) - len(todo), cached=cached)
    parent = scratch_parent()
    remove_stale_scratch(parent)
    scratch_root = new_scratch_root(parent)
    _STATE.clear()
    _STATE.update(course=course, sandbox=sandboxes, limits=options.limits, hidden=hidden,
                  max_scores=max_scores,
                  cache_dir=cache_dir, scratch_root=scratch_root, use_cache=options.use_cache, slot=0)
    try:
        for task, record in _grade_all(todo, options.workers):
            records[task.index] = record
            progress.tick(record)
    finally:
        progress.finish()
        shutil.rmtree(scratch_root, ignore_errors=True)
    return Batch([r for r in records if r is not None], base, len(todo), cached, time.monotonic() - started)


def remove_stale_scratch(parent: Path) -> None:
    """Scratch folders of graders that were killed (their pid is gone) are removed."""
    for folder in parent.glob("deepgrade-*-*"):
        pid = folder.name.split("-")[1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def _grade_all(tasks: list[Task], workers: int) -> Iterator[tuple[Task, dict[str, Any]]]:
    if not tasks:
        return
    if workers <= 1 or len(tasks) == 1:
        for task in tasks:
            yield task, grade_task(task)
        return
    ctx = mp.get_context("fork")  # the workers inherit the plans made above
    slots = ctx.Queue()
    for slot in range(workers):
        slots.put(slot)
    by_index = {t.index: t for t in tasks}
    with ctx.Pool(workers, initializer=_init_worker, initargs=(slots,), maxtasksperchild=None) as pool:
        for index, record in pool.imap_unordered(_indexed, [(t.index, t) for t in tasks]):
            yield by_index[index], record


def _indexed(item: tuple[int, Task]) -> tuple[int, dict[str, Any]]:
    return item[0], grade_task(item[1])
