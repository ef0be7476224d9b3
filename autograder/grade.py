"""One submission, one exercise: load, run isolated, compare, score.

This is the whole path of a submission; the command line, the pytest plugin
and the notebook check cell all call :func:`grade_submission`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable

from .course import Course, Exercise, find_course
from .evaluate import run_check
from .load import Program, load_program
from .plan import PlannedCheck, load_plans, plan_check
from .run.session import Limits, StudentProcess
from .score import ExerciseResult


def public_plans(exercise: Exercise) -> list[PlannedCheck]:
    """The public checks recorded in the student release."""
    if not exercise.public_checks_path.is_file():
        raise FileNotFoundError(f"{exercise.public_checks_path} is missing: regenerate the "
                                "release with `deepgrade release`")
    return load_plans(exercise.public_checks_path)


def reference_program(exercise: Exercise) -> Program:
    return load_program(exercise.solution_notebook)


def plan_from_reference(exercise: Exercise, *, hidden: bool) -> list[PlannedCheck]:
    """Plan the exercise's public or hidden checks by running the reference solution."""
    checks = [c for c in exercise.checks() if c.hidden == hidden]
    with StudentProcess(reference_program(exercise)) as reference:
        return [plan_check(c, reference) for c in checks]


@lru_cache(maxsize=32)
def _hidden_plans_cached(exercise: Exercise, stamp: tuple[float, float]) -> tuple[PlannedCheck, ...]:
    return tuple(plan_from_reference(exercise, hidden=True))


def hidden_plans(exercise: Exercise) -> list[PlannedCheck]:
    """Hidden checks, planned once per process for each version of the solution."""
    stamp = (exercise.solution_notebook.stat().st_mtime, (exercise.source_dir / "checks.py").stat().st_mtime)
    return list(_hidden_plans_cached(exercise, stamp))


def grade_program(program: Program, exercise: Exercise, *, hidden: bool = False,
                  limits: Limits | None = None, targets: tuple[str, ...] = (),
                  process: Callable[..., StudentProcess] | None = None) -> ExerciseResult:
    """Grade a loaded program. ``process`` makes the student's process (default
    :class:`StudentProcess`; the class grader passes a sandboxed one)."""
    plans = public_plans(exercise) + (hidden_plans(exercise) if hidden else [])
    if targets:
        plans = [p for p in plans if p.target in targets]
    result = ExerciseResult(exercise.name, notes=list(program.notes))
    with (process or StudentProcess)(program, limits=limits) as student:
        result.checks = [run_check(plan, student) for plan in plans]
        for err in student.cell_errors:
            if "NotImplementedError" not in err.get("types", []):
                result.notes.append(f"{err['cell']} raised {err['types'][0]}: {err['message'][:200]}")
    return result


def grade_submission(submission: str | Path, exercise: str, *, hidden: bool = False,
                     course: Course | None = None, limits: Limits | None = None) -> ExerciseResult:
    """Grade one submission (a notebook or a ``.py`` file) on one exercise.

    Raises :class:`~autograder.load.SubmissionError` when the file cannot be read
    and :class:`~autograder.course.CourseError` for an unknown exercise.
    """
    course = course or find_course(Path(submission).parent)
    return grade_program(load_program(submission), course.exercise(exercise), hidden=hidden,
                         limits=limits)
