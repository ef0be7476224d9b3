"""Gradescope's autograder ``results.json``: one file per submission.

Format (Gradescope's documented autograder output): a top-level ``score``,
``output``, ``execution_time``, ``stdout_visibility`` and ``tests``, each test
with ``name``, ``score``, ``max_score``, ``status`` (passed/failed), ``output``
and ``visibility``. Hidden checks are shown only after the grades are published.
"""

from __future__ import annotations

from typing import Any

from ..results import Record
from ..score import Status


def late_line(record: Record) -> str:
    """The late flag, then the penalty and the raw score: separate facts, one line."""
    lateness = record.handed.lateness
    hours = lateness.hours_late if lateness is not None else 0.0
    text = "Late" + (f" by {hours:g} h" if hours else "")
    if lateness is not None and lateness.lms_late:
        text += " (as the LMS marked it)"
    if lateness is not None and lateness.penalty_percent:
        text += (f"; penalty {lateness.penalty_percent:g}%: {record.final_score:g} "
                 f"of {record.raw_score:g} points")
    else:
        text += "; no penalty"
    return text


def gradescope_results(record: Record) -> dict[str, Any]:
    """Gradescope's JSON for one record (the edge: Gradescope reads it)."""
    tests = []
    for check in record.result.checks:
        text = check.message
        if check.hint and not check.passed and check.status is not Status.NOT_ATTEMPTED:
            text += ("\n" if text else "") + "Hint: " + check.hint
        tests.append({
            "name": f"{record.exercise}: {check.name}",
            "score": check.points,
            "max_score": check.max_points,
            "status": "passed" if check.passed else "failed",
            "output": text,
            "visibility": "after_published" if check.hidden else "visible",
        })
    notes = list(record.result.notes)
    if record.late:
        notes.append(late_line(record))
    return {
        "score": record.final_score,
        "execution_time": record.seconds or 0.0,
        "output": "\n".join(notes),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
