"""Many submissions graded once each, concurrently, the first time a test needs one of them.

Each grading is child processes (the student's, the reference's), so threads overlap
them. A grading that raises is reported by the test of that submission, not by the
first test that happened to trigger the batch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from autograder.score import ExerciseResult


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
