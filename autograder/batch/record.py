"""One line of a class's results: who, which exercise, the verdicts, and how it was graded.

``Record.to_json()`` is the entry of ``results.json`` (and of the cache); its
keys only ever gain members, never change meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"student": self.student, **self.result.to_json(), "submission": self.submission}
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
        return data


def problem_record(found: Found, max_score: float, status: Status, problem: str = "") -> Record:
    """A record with one zero-point verdict that says why there is nothing to grade."""
    check = CheckResult(name="submission", target="-", max_points=max_score, status=status,
                        message=problem or found.problem)
    return Record(student=found.student,
                  result=ExerciseResult(exercise=found.exercise, checks=[check], notes=list(found.notes)))
