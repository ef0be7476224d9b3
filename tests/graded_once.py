"""Many submissions graded once each, concurrently, the first time a test needs one of them.

Each grading is child processes (the student's, the reference's), so threads overlap
them. A grading that raises is reported by the test of that submission, not by the
first test that happened to trigger the batch.
"""

from __future__ import annotations

import queue
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder.course import Course, Exercise
from autograder.isolate.backends import SandboxLimits, detect
from autograder.isolate.prewarm import ZygotePool
from autograder.isolate.slots import SlotLease, slots_folder
from autograder.isolate.submission import grade_isolated, new_scratch_root, scratch_parent, submission_files
from autograder.kinds import Plan
from autograder.load import load_program
from autograder.run.failure import retrying_grader_failures
from autograder.score import ExerciseResult
from autograder.student import needs_keras


class GradedOnce:
    """``graded(name)``: the result of ``grade(name)``, every name of ``names`` graded on
    ``workers`` threads at the first call (in the order given: the slowest first keeps the
    threads busy to the end); ``before`` runs once before the threads (planning hidden checks)."""

    def __init__(self, grade: Callable[[str], ExerciseResult], names: Iterable[str], *, workers: int = 3,
                 before: Callable[[], object] | None = None):
        self.grade, self.names, self.workers, self.before = grade, list(dict.fromkeys(names)), workers, before
        self.results: dict[str, ExerciseResult | BaseException] = {}
        #: Each grading's wall time, for the message of a test that fails.
        self.seconds: dict[str, float] = {}
        self._lock = threading.Lock()

    def _timed(self, name: str) -> ExerciseResult | BaseException:
        started = time.monotonic()
        try:
            return self.grade(name)
        except Exception as exc:  # raised again by the test that asks for this name
            return exc
        finally:
            self.seconds[name] = time.monotonic() - started

    def __call__(self, name: str) -> ExerciseResult:
        with self._lock:
            if name not in self.results:
                if self.before is not None and not self.results:
                    self.before()
                todo = [n for n in dict.fromkeys([*self.names, name]) if n not in self.results]
                with ThreadPoolExecutor(self.workers) as pool:
                    self.results.update(zip(todo, pool.map(self._timed, todo), strict=True))
        result = self.results[name]
        if isinstance(result, BaseException):
            raise result
        return result


class InSandbox:
    """Gradings as the instructor's commands run them (``deepgrade grade``, ``check --hidden``,
    ``nbgrader autograde``): in the sandbox, each thread holding a slot whose pre-warmed
    TensorFlow process forks every model submission's process. TensorFlow is imported once
    per slot, not once per process (each import costs 5-7 s of CPU: most of a wrong model's
    grading). Use as a context manager; :meth:`grade` from at most ``workers`` threads at once."""

    def __init__(self, course: Course, hide: tuple[Path, ...] = (), *, workers: int = 3):
        self.sandbox = detect("auto", hide=(course.solutions_dir, course.exercises_dir, *hide))
        self.limits = SandboxLimits()
        self.lease = SlotLease(workers, slots_folder())
        self.root = new_scratch_root(scratch_parent())
        self.zygotes = ZygotePool(self.root)
        self.slots: queue.Queue[int] = queue.Queue()
        for slot in self.lease.slots:
            self.slots.put(slot)

    def grade(self, path: Path, exercise: Exercise, plans: Sequence[Plan]) -> ExerciseResult:
        """The verdicts of ``plans`` on the submission at ``path`` (the file alone is copied in);
        a grader failure is retried, the last time in fresh processes, as the class grader does."""
        program, files = load_program(path), submission_files(path, False)
        slot = self.slots.get()
        try:
            zygote = self.zygotes.get(self.sandbox, slot, self.limits) if needs_keras(plans) else None
            isolated, _ = retrying_grader_failures(
                lambda last: grade_isolated(program, exercise, files, sandbox=self.sandbox, limits=self.limits,
                                            hidden=True, scratch_parent=self.root, slot=slot,
                                            zygote=None if last else zygote, plans=plans))
            return isolated.result
        finally:
            self.slots.put(slot)

    def __enter__(self) -> InSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zygotes.close()
        self.lease.release()
        shutil.rmtree(self.root, ignore_errors=True)
