"""One submission graded in the sandbox: what the local runner's threads and a cluster's
workers both do, so the two strategies of :mod:`.runner` share it and neither imports the other.

Never raises: a failure of the grader itself (:class:`~autograder.run.failure.GraderFailure`,
retried first) becomes a record that says so (status error, not cached, graded again next run).
"""

from __future__ import annotations

import shutil
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path

from ..course import Course
from ..isolate.backends import Sandbox, SandboxLimits
from ..isolate.prewarm import Zygote
from ..isolate.submission import SubmissionFiles, grade_isolated
from ..load import SubmissionError, load_program
from ..plan import public_plans
from ..results import GraderFailed
from ..run.failure import GraderFailures, retrying_grader_failures
from ..score import Status
from ..student import needs_keras
from .discover import Found
from .record import Record, problem_record


@dataclass
class Graded:
    """One grading's record, and whether it may be cached (a verdict on the submission, not a
    grader failure nor an unreadable file, which are looked at again next run)."""

    record: Record
    cacheable: bool


def grade_files(files: SubmissionFiles, found: Found, *, course: Course, sandbox: Sandbox, limits: SandboxLimits,
                hidden: bool, max_score: float, scratch_root: Path, slot: int, key: str,
                label: str | None = None, zygote: Zygote | None = None) -> Graded:
    """Grade the submission ``files`` (its main file first) of ``found`` in the sandbox: what
    the local runner's threads and a cluster's workers both do. ``label`` is the submission's
    name in the record (default ``found.path``: a worker grades a copy). Never raises."""
    started = time.monotonic()
    submission = label if label is not None else str(found.path)
    try:
        try:
            exercise = course.exercise(found.exercise)
            program = load_program(files.files[0], reference=exercise.student_notebook, submitted=True)
        except SubmissionError as exc:  # said with the submission's own name, not a worker's copy's
            record = problem_record(found, max_score, Status.ERROR, str(exc).replace(str(files.files[0]), submission))
            return Graded(replace(record, submission=submission, key=key, output=""), cacheable=False)
        isolated, tries = retrying_grader_failures(  # the last try starts fresh processes
            lambda last: grade_isolated(program, exercise, files, sandbox=sandbox,
                                        limits=limits, hidden=hidden, scratch_parent=scratch_root, slot=slot,
                                        zygote=None if last else zygote))
        isolated.result.notes[:0] = found.notes
        record = Record(student=found.student, result=isolated.result, submission=submission,
                        output=isolated.printed[:8192], key=key, seconds=round(time.monotonic() - started, 3),
                        grader_tries=tries)
        return Graded(record, cacheable=True)
    except GraderFailures as exc:
        record = grader_failure(found, max_score, exc.last, f"{exc.last.stage}: {exc.last.reason}, "
                                f"{len(exc.failures)} tries")
        return Graded(replace(record, submission=submission, grader_tries=len(exc.failures),
                              grader_failure=GraderFailed(exc.last.stage, exc.last.reason, len(exc.failures))),
                      cacheable=False)
    except Exception as exc:
        return Graded(replace(grader_failure(found, max_score, exc), submission=submission), cacheable=False)


def grader_failure(found: Found, max_score: float, exc: BaseException, what: str = "") -> Record:
    """The record of a submission the grader itself failed on: status error, never cached."""
    problem = (f"the grader failed on this submission ({what or f'{type(exc).__name__}: {exc}'}); "
               "it was not cached and will be graded again next run")
    record = problem_record(found, max_score, Status.ERROR, problem)
    return replace(record, submission=str(found.path),
                   grader_error="".join(traceback.format_exception(exc))[-2000:])


def trains_models(course: Course, name: str, hidden: bool) -> bool:
    """Whether an exercise trains or builds models (its tasks may ask for a GPU)."""
    exercise = course.exercise(name)
    return needs_keras(exercise.checks() if hidden else public_plans(exercise))


def remove_stale_scratch(parent: Path) -> None:
    """Scratch folders of graders that were killed (their pid is gone) are removed."""
    for folder in parent.glob("deepgrade-*-*"):
        pid = folder.name.split("-")[1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)
