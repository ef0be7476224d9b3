"""The records the class runner makes: a verdict that says why nothing was graded, and a
record as this run's download says who handed it in (the type is :class:`autograder.results.Record`)."""

from __future__ import annotations

from dataclasses import replace

from ..results import Record
from ..score import CheckResult, ExerciseResult, Status
from .discover import Found

__all__ = ["Record", "problem_record", "with_submitter"]


def problem_record(found: Found, max_score: float, status: Status, problem: str = "") -> Record:
    """A record with one zero-point verdict that says why there is nothing to grade."""
    check = CheckResult(name="submission", target="-", max_points=max_score, status=status,
                        message=problem or found.problem)
    return Record(student=found.student,
                  result=ExerciseResult(exercise=found.exercise, checks=[check], notes=list(found.notes)))


def with_submitter(record: Record, found: Found) -> Record:
    """``record`` as this run's download says who handed it in, when, and how late (after the
    cache: none of it is part of the cached verdict). Nothing graded, nothing late."""
    handed = found.handed if found.path is not None else replace(found.handed, lateness=None)
    return replace(record, handed=handed)
