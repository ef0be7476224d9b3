"""The local strategy: a class graded on this machine, ``workers`` threads at a time.

Each grading's work is a sandboxed child process, and a thread only waits on
it, so ``workers`` threads keep ``workers`` students' processes busy. Each
thread holds one sandbox slot (its own user id) for as long as it grades.
Everything a grading needs travels in one :class:`ClassGrader`; nothing is kept
at module level.
"""

from __future__ import annotations

import queue
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..course import Course
from ..isolate.backends import Sandbox, SandboxLimits, detect
from ..isolate.prewarm import Zygote, ZygotePool
from ..isolate.slots import SlotLease, slots_folder
from ..isolate.submission import new_scratch_root, scratch_parent, submission_files
from .grading import grade_files, grader_failure, remove_stale_scratch, trains_models
from .options import Options
from .strategy import GradedJob, Job, Say, Work


@dataclass
class ClassGrader:
    """What every grading of one run shares: the course, the sandbox, the limits (the device
    among them) and the scratch folder."""

    course: Course
    sandbox: Sandbox
    limits: SandboxLimits
    hidden: bool
    max_scores: dict[str, float]
    scratch_root: Path
    #: One pre-warmed TensorFlow process per slot for model exercises (None: fresh processes).
    zygotes: ZygotePool | None = None
    models: dict[str, bool] = field(default_factory=dict)

    def zygote(self, slot: int, exercise: str) -> Zygote | None:
        """The slot's pre-warmed process for a model exercise; None for NumPy exercises."""
        if self.zygotes is None:
            return None
        if exercise not in self.models:
            self.models[exercise] = trains_models(self.course, exercise, self.hidden)
        return self.zygotes.get(self.sandbox, slot, self.limits) if self.models[exercise] else None

    def grade(self, job: Job, slot: int = 0) -> GradedJob:
        """Grade one submission in its sandbox; never raises (a grader failure is a record)."""
        found = job.found
        try:
            assert found.path is not None  # discover gives a path, or a problem that is not graded
            files = submission_files(found.path, found.own_folder, self.course.rejected_files)
        except Exception as exc:
            return GradedJob(job, grader_failure(found, self.max_scores.get(found.exercise, 0.0), exc), False)
        graded = grade_files(files, found, course=self.course, sandbox=self.sandbox, limits=self.limits,
                             hidden=self.hidden, max_score=self.max_scores.get(found.exercise, 0.0),
                             scratch_root=self.scratch_root, slot=slot, key=job.key,
                             zygote=self.zygote(slot, found.exercise))
        return GradedJob(job, graded.record, graded.cacheable)


class LocalRunner:
    """Threads on this machine, each holding a sandbox slot (:class:`~.strategy.Runner`)."""

    def __init__(self, options: Options, say: Say):
        self.workers = options.workers
        self.say = say
        self.grader: ClassGrader | None = None

    def prepare(self, course: Course, exercises: list[str], hidden: bool, device: str | None) -> None:
        return None

    def sandbox(self, options: Options, hide: tuple[Path, ...]) -> Sandbox:
        # bwrap shows only what it lists; for unshare these are covered by empty mounts.
        # No exercise needs the data files: model checks send the training and validation
        # arrays themselves and keep the held-out labels, so "auto" hides them like "hidden".
        return detect(options.backend, hide=hide, show_data=options.show_data == "visible")

    def describe(self, sandbox: Sandbox) -> str:
        return sandbox.describe()

    def grade(self, work: Work, jobs: list[Job]) -> Iterator[GradedJob]:
        parent = scratch_parent()
        remove_stale_scratch(parent)
        root = new_scratch_root(parent)
        self.grader = ClassGrader(course=work.course, sandbox=work.sandbox, limits=work.limits, hidden=work.hidden,
                                  max_scores=work.max_scores, scratch_root=root,
                                  zygotes=ZygotePool(root, self.say) if work.prewarm else None)
        yield from grade_on_threads(self.grader, jobs, self.workers)

    def close(self) -> None:
        grader, self.grader = self.grader, None
        if grader is None:
            return
        if grader.zygotes is not None:
            grader.zygotes.close()
        shutil.rmtree(grader.scratch_root, ignore_errors=True)


def grade_on_threads(grader: ClassGrader, jobs: list[Job], workers: int) -> Iterator[GradedJob]:
    """Grade ``jobs`` on ``workers`` threads, each holding a sandbox slot; yields as they finish."""
    if not jobs:
        return
    lease = SlotLease(max(1, min(workers, len(jobs))), slots_folder())
    slots: queue.Queue[int] = queue.Queue()
    for slot in lease.slots:
        slots.put(slot)

    def grade(job: Job) -> GradedJob:
        slot = slots.get()
        try:
            return grader.grade(job, slot)
        finally:
            slots.put(slot)

    with lease, ThreadPoolExecutor(max_workers=slots.qsize(), thread_name_prefix="deepgrade-grade") as pool:
        futures = [pool.submit(grade, job) for job in jobs]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise


__all__ = ["ClassGrader", "LocalRunner", "grade_on_threads"]
