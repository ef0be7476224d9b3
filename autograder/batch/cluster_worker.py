"""What a Dask worker runs for ``deepgrade grade --cluster``: one task grades one submission.

Everything here runs in the worker's process; it imports no Dask at module
level (the functions travel to the worker by name, so the worker needs this
deepgrade installed). Invariants:

* A task gets the course as a :class:`~autograder.batch.bundle.CourseBundle`
  (unpacked once per host, by digest) and the submission as bytes: exactly the
  files :func:`~autograder.isolate.submission.submission_files` chose on the
  grader's side, with what it left out, so the notes match a local run.
* The submission is graded by :func:`~autograder.batch.grading.grade_files`,
  the local runner's own path: in this host's sandbox (the backend the grader
  chose for the whole run, or the task fails here and Dask retries it
  elsewhere), on a sandbox slot held for the task (``SlotLease``, shared with
  every other grading run on the host), in a scratch folder removed afterwards.
* A model submission's process is forked from the slot's pre-warmed TensorFlow
  process, kept by the worker process between tasks (autograder.isolate.prewarm), as
  the local runner does; where that cannot work it starts afresh.
* Only the record comes back (``Record.to_json()``) and whether it may be
  cached; the worker writes nothing outside its scratch and course folders.
* A worker whose grading code differs from the grader's refuses the task: its
  verdicts would be cached under a key that names another grader.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..course import Course
from ..isolate.backends import SandboxLimits, available, detect
from ..isolate.prewarm import ZygotePool
from ..isolate.slots import SlotLease, slots_folder
from ..isolate.submission import SubmissionFiles, new_scratch_root, scratch_parent
from ..run.device import gpu_devices
from .bundle import COURSES_FOLDER, CourseBundle, unpack_bundle
from .discover import Found


class WorkerMismatch(RuntimeError):
    """This worker cannot grade for this grader (other grading code, a missing sandbox)."""


@dataclass(frozen=True)
class GradeTask:
    """One submission of one exercise, as it travels to a worker (picklable plain data)."""

    student: str
    exercise: str
    label: str  # the submission's path on the grader's side: its name in the record
    key: str  # the cache key (computed by the grader)
    max_score: float
    notes: tuple[str, ...]  # discover's notes on the submission
    own_folder: bool
    files: tuple[tuple[str, bytes], ...]  # (path relative to the submission's folder, bytes); main first
    left_out: tuple[str, ...]
    rejected: tuple[str, ...]
    hidden: bool
    limits: SandboxLimits
    backend: str  # the sandbox backend the whole run uses
    show_data: bool
    grader: str  # the grader's fingerprint (cache.grader_fingerprint)
    #: The grader's course, submissions and output folders: kept out of the sandbox where they
    #: exist on the worker's host too (a local cluster), as the local runner keeps them out.
    hide: tuple[str, ...] = ()
    #: Fork model submissions from a pre-warmed TensorFlow process per slot (autograder.isolate.prewarm).
    prewarm: bool = True


class _WorkerState:
    """What one worker process keeps between tasks: the courses it unpacked (one
    :class:`Course` object per digest, so hidden plans are planned once per process) and
    whether it has cleaned up after killed predecessors on its host."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.courses: dict[str, Course] = {}
        self.cleaned = False
        self._zygotes: ZygotePool | None = None

    def zygotes(self) -> ZygotePool:
        """This worker process's pre-warmed processes (they end with it: bwrap's --die-with-parent),
        in a scratch folder named by its pid (stale once it ends)."""
        with self.lock:
            if self._zygotes is None:
                self._zygotes = ZygotePool(new_scratch_root(scratch_parent()))
            return self._zygotes

    def course(self, bundle: CourseBundle) -> Course:
        with self.lock:
            if bundle.digest not in self.courses:
                root = unpack_bundle(bundle, scratch_parent() / COURSES_FOLDER)
                self.courses[bundle.digest] = Course(root)
            if not self.cleaned:
                from .grading import remove_stale_scratch

                remove_stale_scratch(scratch_parent())
                self.cleaned = True
            return self.courses[bundle.digest]


_STATE = _WorkerState()


@functools.cache
def worker_fingerprint() -> str:
    from .cache import grader_fingerprint

    return grader_fingerprint()


def grade_task(bundle: CourseBundle, task: GradeTask) -> dict[str, Any]:
    """Grade ``task`` here; returns ``{"record": Record.to_json(), "cache": bool}``.

    Raises (and Dask retries the task on another worker) only when this worker cannot
    grade at all: other grading code, the run's sandbox missing here, a damaged course.
    """
    from .grading import grade_files, trains_models

    if worker_fingerprint() != task.grader:
        raise WorkerMismatch(f"the worker on {os.uname().nodename} runs other deepgrade grading code than "
                             "the grader: install the same deepgrade version on every worker")
    here = available(task.backend)
    if not here.works:
        raise WorkerMismatch(f"the {task.backend} sandbox does not work on {os.uname().nodename}: {here.why}")
    course = _STATE.course(bundle)
    parent = scratch_parent()
    root = new_scratch_root(parent)
    try:
        staging = root / "submission"
        paths = []
        for rel, data in task.files:
            path = (staging / rel).resolve()
            if not path.is_relative_to(staging.resolve()):
                raise WorkerMismatch(f"a submission file's name leaves its folder: {rel!r}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            paths.append(path)
        files = SubmissionFiles(staging.resolve(), tuple(paths), task.left_out, task.rejected)
        hide = (course.solutions_dir, course.exercises_dir, staging,
                *(Path(p) for p in task.hide if Path(p).exists()))
        sandbox = detect(task.backend, hide=hide, show_data=task.show_data)
        found = Found(student=task.student, exercise=task.exercise, path=Path(task.label),
                      notes=list(task.notes), own_folder=task.own_folder)
        with SlotLease(1, slots_folder()) as lease:
            slot = lease.slots[0]
            models = task.prewarm and trains_models(course, task.exercise, task.hidden)
            graded = grade_files(files, found, course=course, sandbox=sandbox, limits=task.limits,
                                 hidden=task.hidden, max_score=task.max_score, scratch_root=root,
                                 slot=slot, key=task.key, label=task.label,
                                 zygote=_STATE.zygotes().get(sandbox, slot, task.limits) if models else None)
        return {"record": graded.record.to_json(), "cache": graded.cacheable}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def probe_worker() -> dict[str, Any]:
    """What the grader must know of this worker before grading starts: its host, its
    grading code, which sandbox backends work here (and what each protects), its GPUs."""
    from ..isolate.backends import backend_names

    backends: dict[str, dict[str, Any]] = {}
    for name in backend_names():
        here = available(name)
        protections = list(detect(name, hide=(Path("/nonexistent"),)).protections) if here.works else []
        backends[name] = {"why": here.why, "protections": protections}
    return {"host": os.uname().nodename, "grader": worker_fingerprint(), "backends": backends,
            "gpu_devices": len(gpu_devices())}
