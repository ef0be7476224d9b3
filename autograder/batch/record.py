"""One line of a class's results: who, which exercise, the verdicts, and how it was graded.

``Record.to_json()`` is the entry of ``results.json`` (and of the cache); its
keys only ever gain members, never change meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ..lms.late import Lateness
from ..lms.model import Submitter
from ..score import CheckResult, ExerciseResult, Status
from .discover import Found


@dataclass(kw_only=True)
class Record:
    student: str
    result: ExerciseResult
    submission: str | None = None  # the graded file; None when nothing was graded
    output: str = ""  # what the student's code printed (a few KiB)
    key: str = ""  # the cache key
    seconds: float | None = None
    cached: bool = False
    grader_error: str = ""  # the grader's own traceback, when it failed (never cached)
    # Who handed it in and when: set after the cache lookup from this run's download, never cached
    # (the same file graded again under another roster or policy keeps its verdict, not its penalty).
    submitter: Submitter | None = None
    submitted_at: datetime | None = None
    attempt: int = 1
    attempts: int = 1
    lateness: Lateness | None = None
    #: A roster student who handed in nothing at all.
    absent: bool = False

    @property
    def final_score(self) -> float:
        """The points after the late penalty (``result.score`` is the checks' own, the raw score)."""
        return self.lateness.apply(self.result.score) if self.lateness is not None else self.result.score
    #: When the grader failed on every try: {"stage": Stage, "reason": ..., "tries": N}.
    grader_failure: dict[str, Any] | None = None
    #: How many times it was graded: more than 1 when the grader failed on the earlier tries.
    grader_tries: int = 1

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"student": self.student, **self.result.to_json(), "submission": self.submission}
        if self.submitter is not None:
            data["lms_id"] = self.submitter.lms_id
            data["name"] = self.submitter.name
        if self.submitted_at is not None:
            data["submitted_at"] = self.submitted_at.isoformat()
        if self.attempts > 1:
            data["attempt"], data["attempts"] = self.attempt, self.attempts
        if self.lateness is not None:
            data.update(self.lateness.to_json())
            data["raw_score"] = self.result.score
            data["final_score"] = self.final_score
        if self.absent:
            data["missing"] = True
        if self.submission is not None and not self.grader_error:
            data["output"] = self.output
        if self.key:
            data["key"] = self.key
        if self.seconds is not None:
            data["seconds"] = self.seconds
        if self.cached:
            data["cached"] = True
        if self.grader_error:
            data["grader_error"] = self.grader_error
        if self.grader_failure:
            data["grader_failure"] = self.grader_failure
        if self.grader_tries > 1:
            data["grader_tries"] = self.grader_tries
        return data


def problem_record(found: Found, max_score: float, status: Status, problem: str = "") -> Record:
    """A record with one zero-point verdict that says why there is nothing to grade."""
    check = CheckResult(name="submission", target="-", max_points=max_score, status=status,
                        message=problem or found.problem)
    return Record(student=found.student,
                  result=ExerciseResult(exercise=found.exercise, checks=[check], notes=list(found.notes)))


def with_submitter(record: Record, found: Found) -> Record:
    """``record`` as this run's download says who handed it in, when, and how late (after the
    cache: none of it is part of the cached verdict)."""
    return replace(record, submitter=found.submitter, submitted_at=found.submitted_at, attempt=found.attempt,
                   attempts=found.attempts, lateness=found.lateness if found.path is not None else None,
                   absent=found.absent)
