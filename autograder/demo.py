"""``deepgrade demo``: grade the bundled example class and print a table of points.

A folder of ``<student>/<exercise>/<notebook or .py>`` (nbgrader's submitted
layout) is graded with the public and hidden checks, one submission at a time.
The sandboxed, parallel class grader builds on the same ``grade_program``.
"""

from __future__ import annotations

from pathlib import Path

from .course import Course
from .grade import grade_program
from .load import SubmissionError, load_program
from .report import format_result, format_summary_table
from .score import CheckResult, ExerciseResult


def find_submission(folder: Path, exercise: str) -> Path | None:
    for candidate in (folder / f"{exercise}.ipynb", folder / f"{exercise}.py"):
        if candidate.is_file():
            return candidate
    found = sorted(folder.glob("*.ipynb")) + sorted(folder.glob("*.py"))
    return found[0] if found else None


def grade_folder(course: Course, examples: Path) -> list[tuple[str, ExerciseResult]]:
    rows = []
    for student_dir in sorted(p for p in examples.iterdir() if p.is_dir()):
        for name in course.exercise_names:
            path = find_submission(student_dir / name, name)
            if path is None:
                result = ExerciseResult(name, [CheckResult("submission", "-", 0, "error",
                                                           "no submission for this exercise")])
            else:
                try:
                    result = grade_program(load_program(path), course.exercise(name), hidden=True)
                except SubmissionError as exc:
                    result = ExerciseResult(name, [CheckResult("submission", "-", 0, "error", str(exc))])
            rows.append((student_dir.name, result))
    return rows


def grade_examples(course: Course, examples: Path, verbose: bool = False) -> int:
    examples = examples if examples.is_absolute() else course.root / examples
    if not examples.is_dir():
        raise FileNotFoundError(f"no example class at {examples}")
    rows = grade_folder(course, examples)
    if verbose:
        for label, result in rows:
            print(f"== {label}\n{format_result(result)}\n")
    print(format_summary_table(rows, title="student"))
    totals: dict[str, list[float]] = {}
    for label, result in rows:
        got, possible = totals.setdefault(label, [0.0, 0.0]), result.max_score
        got[0] += result.score
        got[1] += possible
    print()
    for label, (score, possible) in totals.items():
        print(f"{label}: {score:g}/{possible:g} points")
    return 0
