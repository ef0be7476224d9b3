"""How a class's submissions get graded once the run knows what to grade: the one interface
of the runner's strategies (:class:`Runner`).

The runner (:func:`autograder.batch.run_batch`) discovers the class, plans each
exercise, chooses the sandbox through the strategy, serves the cache and hands
the rest, as :class:`Job`s, to :meth:`Runner.grade`. Whatever comes back is
cached (when it may be), counted by the progress line and written out by the
runner: the local strategy (:mod:`.runner_local`, threads on this machine) and
the Dask one (:mod:`.runner_dask`) only grade.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

from ..course import Course
from ..isolate.backends import Sandbox, SandboxLimits
from .discover import Found
from .options import Options
from .record import Record

#: Where a strategy says what it is doing (one line each; stderr by default).
Say = Callable[[str], None]


@dataclass
class Job:
    """One submission of one exercise to grade, at its place in the class's list."""

    index: int
    found: Found
    key: str = ""


@dataclass(frozen=True)
class Work:
    """What every grading of one run shares, decided before the first one starts."""

    course: Course
    sandbox: Sandbox
    limits: SandboxLimits
    hidden: bool
    max_scores: dict[str, float]
    #: The grading code's fingerprint (:func:`~autograder.batch.cache.grader_fingerprint`).
    grader: str
    #: What the sandbox hides: the course's solutions and release, the submissions, the output.
    hide: tuple[Path, ...]
    prewarm: bool = True


class GradedJob(NamedTuple):
    """A job's record as a strategy returns it, and whether it may be cached (a verdict on the
    submission; a grader failure is looked at again next run)."""

    job: Job
    record: Record
    cacheable: bool


class Runner(Protocol):
    """A way of grading a class's jobs. Made from the run's :class:`Options` (see
    :data:`autograder.batch.runner.RUNNERS`), used once, then closed."""

    def prepare(self, course: Course, exercises: list[str], hidden: bool, device: str | None) -> None:
        """Before any plan is made: refuse what this strategy cannot grade (``--device gpu``
        on a cluster without a GPU worker)."""

    def sandbox(self, options: Options, hide: tuple[Path, ...]) -> Sandbox:
        """The run's sandbox (part of every cache key)."""

    def describe(self, sandbox: Sandbox) -> str:
        """One line: where the class is graded, and how it is isolated."""

    def grade(self, work: Work, jobs: list[Job]) -> Iterator[GradedJob]:
        """Grade ``jobs``; yields each once, as it finishes. A grader failure is a record."""

    def close(self) -> None:
        """Give back what :meth:`grade` held (threads' scratch, a cluster this run started)."""
