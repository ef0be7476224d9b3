"""When the grader, not the student's code, failed: never a verdict.

A student's process that ends before the student's code was loaded (a fork or
clone refused, the pre-warmed process or the sandbox failing to set up, a
TensorFlow import that never finished), whose sandbox process (out of the
student's reach) a signal killed, or whose pre-warmed process died, says nothing
about the submission. (A SIGINT, SIGTERM or SIGHUP sent from outside to the
student's process itself is dropped: :mod:`autograder.run.signals`.)
:class:`~autograder.run.session.StudentProcess` raises :class:`GraderFailure`
instead of returning a verdict; the class grader retries it a bounded number
of times, never caches it, and reports it as the grader's error. Which it is, is the exception's ``stage`` field.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from ..results.record import Stage

__all__ = ["GRADER_ATTEMPTS", "GraderFailure", "GraderFailures", "RETRY_PAUSE",
           "Stage", "retrying_grader_failures"]

T = TypeVar("T")


class GraderFailure(RuntimeError):
    """The grader failed on a submission; nothing is known about the student's code."""

    def __init__(self, stage: Stage, reason: str):
        super().__init__(f"{stage}: {reason}")
        self.stage, self.reason = stage, reason


#: How many times one submission is graded while the grader fails on it; the last attempt
#: starts fresh processes (no pre-warmed one).
GRADER_ATTEMPTS = 3
#: Seconds between attempts, times the attempt's number (the machine may be short of processes).
RETRY_PAUSE = 1.0


class GraderFailures(RuntimeError):
    """The grader failed on every attempt at one submission."""

    def __init__(self, failures: list[GraderFailure]):
        super().__init__(f"the grader failed {len(failures)} times; last: {failures[-1]}")
        self.failures = failures

    @property
    def last(self) -> GraderFailure:
        return self.failures[-1]


def retrying_grader_failures(grade: Callable[[bool], T], attempts: int = GRADER_ATTEMPTS,
                             pause: float = RETRY_PAUSE) -> tuple[T, int]:
    """``grade(last)`` until it does not raise :class:`GraderFailure` (``last``: the final
    attempt, which starts fresh processes); its result and the number of attempts it took.
    Raises :class:`GraderFailures` when every attempt failed."""
    failures: list[GraderFailure] = []
    for attempt in range(1, attempts + 1):
        try:
            return grade(attempt == attempts), attempt
        except GraderFailure as exc:
            failures.append(exc)
            if attempt < attempts:
                time.sleep(pause * attempt)
    raise GraderFailures(failures)
