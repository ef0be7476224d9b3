"""Gradescope's autograder ``results.json``: one file per submission.

Format (Gradescope's documented autograder output): a top-level ``score``,
``output``, ``execution_time``, ``stdout_visibility`` and ``tests``, each test
with ``name``, ``score``, ``max_score``, ``status`` (passed/failed), ``output``
and ``visibility``. Hidden checks are shown only after the grades are published.
"""

from __future__ import annotations

from typing import Any


def late_line(record: dict[str, Any]) -> str:
    """The late flag, then the penalty and the raw score: separate facts, one line."""
    hours = record.get("hours_late")
    text = "Late" + (f" by {hours:g} h" if hours else "")
    if record.get("lms_late"):
        text += " (as the LMS marked it)"
    if record.get("penalty_percent"):
        text += (f"; penalty {record['penalty_percent']:g}%: {record.get('final_score', record['score']):g} "
                 f"of {record['score']:g} points")
    else:
        text += "; no penalty"
    return text


def gradescope_results(record: dict[str, Any]) -> dict[str, Any]:
    tests = []
    for check in record.get("checks", []):
        text = check.get("message", "")
        if check.get("hint") and not check.get("passed") and check.get("status") != "not_attempted":
            text += ("\n" if text else "") + "Hint: " + check["hint"]
        tests.append({
            "name": f"{record['exercise']}: {check['name']}",
            "score": check["points"],
            "max_score": check["max_points"],
            "status": "passed" if check.get("passed") else "failed",
            "output": text,
            "visibility": "after_published" if check.get("hidden") else "visible",
        })
    notes = list(record.get("notes", []))
    if record.get("late"):
        notes.append(late_line(record))
    return {
        "score": record.get("final_score", record["score"]),
        "execution_time": record.get("seconds", 0.0),
        "output": "\n".join(notes),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
