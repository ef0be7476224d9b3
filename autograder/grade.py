"""One submission, one exercise: load, run isolated, compare, score.

This is the whole path of a submission; the command line, the pytest plugin
and the notebook check cell all call :func:`grade_submission`.
"""

from __future__ import annotations

import copy
import dataclasses
import errno
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from .course import Course, Exercise, find_course
from .evaluate import run_check
from .load import Program, load_program
from .plan import TRAINED_KINDS, AnyPlan, load_plans, needs_keras, plan_any
from .run.session import Limits, StudentProcess
from .score import ExerciseResult
from .spec import AnyCheck

#: Requests the student's process needs for model checks (imports TensorFlow).
KERAS_OPS = "autograder.run.keras_ops"
#: Loading a notebook that imports TensorFlow takes seconds, not milliseconds.
KERAS_LOAD_TIMEOUT = 180.0


def open_student(program: Program, plans: Sequence[AnyPlan | AnyCheck], *, limits: Limits | None = None,
                 process: Callable[..., StudentProcess] | None = None) -> StudentProcess:
    """The student's process, prepared for these checks.

    For model checks it preloads the Keras requests and leaves out the
    notebook's own calls of the training functions (the grader calls them with
    its seed and budget); for the NumPy exercises TensorFlow is never imported.
    """
    make = process or StudentProcess  # the class grader passes its sandboxed process
    if not needs_keras(plans):
        return make(program, limits=limits)
    trained = {p.target for p in plans if p.kind in (*TRAINED_KINDS, "build")}
    limits = limits or Limits()
    if limits.load_timeout < KERAS_LOAD_TIMEOUT:
        limits = dataclasses.replace(limits, load_timeout=KERAS_LOAD_TIMEOUT)  # keeps a sandbox's limits
    return make(program.without_calls(trained), limits=limits, preload=(KERAS_OPS,))


def public_plans(exercise: Exercise) -> list[AnyPlan]:
    """The public checks recorded in the student release."""
    if not exercise.public_checks_path.is_file():
        raise FileNotFoundError(f"{exercise.public_checks_path} is missing: regenerate the "
                                "release with `deepgrade release`")
    return load_plans(exercise.public_checks_path)


def reference_program(exercise: Exercise) -> Program:
    return load_program(exercise.solution_notebook)


def plan_from_reference(exercise: Exercise, *, hidden: bool) -> list[AnyPlan]:
    """Plan the exercise's public or hidden checks by running the reference solution."""
    checks = [c for c in exercise.checks() if c.hidden == hidden]
    secret = (exercise.source_dir / "checks.py").read_bytes() if hidden else b""
    if all(c.kind in TRAINED_KINDS for c in checks):
        return [plan_any(c, None, secret) for c in checks]  # marks are declared: nothing to run
    with open_student(reference_program(exercise), checks) as reference:
        return [plan_any(c, reference, secret) for c in checks]


@lru_cache(maxsize=32)
def _hidden_plans_cached(exercise: Exercise, stamp: tuple[float, float]) -> tuple[AnyPlan, ...]:
    return tuple(plan_from_reference(exercise, hidden=True))


def hidden_plans(exercise: Exercise) -> list[AnyPlan]:
    """Hidden checks, planned once per process for each version of the solution."""
    stamp = (exercise.solution_notebook.stat().st_mtime, (exercise.source_dir / "checks.py").stat().st_mtime)
    # Copies: a caller that changes a plan (a benchmark's seed, a test's budget) changes its own.
    return [copy.copy(plan) for plan in _hidden_plans_cached(exercise, stamp)]


def grade_program(program: Program, exercise: Exercise, *, hidden: bool = False,
                  limits: Limits | None = None, targets: tuple[str, ...] = (),
                  process: Callable[..., StudentProcess] | None = None,
                  pictures: bool = False) -> ExerciseResult:
    """Grade a loaded program. ``process`` makes the student's process (default
    :class:`StudentProcess`; the class grader passes a sandboxed one). With
    ``pictures``, the checks' details also get what a picture needs (the decision
    boundary: :mod:`autograder.probes`), asked of the process after the checks."""
    from .probes import probes_for

    plans = public_plans(exercise) + (hidden_plans(exercise) if hidden else [])
    if targets:
        plans = [p for p in plans if p.target in targets]
    result = ExerciseResult(exercise.name, notes=[*program.notes, *not_run_notes(program)])
    student = open_student(program, plans, limits=limits, process=process)
    if pictures:
        student.probes = probes_for(plans)
    with student:
        result.checks = [run_check(plan, student) for plan in plans]
        result.notes += cell_error_notes(student)
    for check in result.checks:
        check.details.update(student.probed.get(check.name, {}))
    return result


def not_run_notes(program: Program) -> list[str]:
    """One note for each IPython line that grading did not run (shell escapes, ``%pip``...)."""
    return [f"the `{line}` cell was not run while grading" if line.startswith("%%")
            else f"`{line}` was not run while grading" for line in program.not_run]


def left_out_use(program: Program, error: dict) -> str:
    """Why a NameError happens only while grading: the name comes from a cell that grading leaves
    out (the demo cell that loads the data), which the code outside the graded functions used."""
    name = error.get("name")
    if "NameError" not in error.get("types", []) or name not in program.left_out_names:
        return ""
    return (f"`{name}` is defined by {program.left_out_names[name]}, which is not run while grading: "
            "the grader calls your functions with the data itself, so code that uses the data, "
            "building and training a model included, belongs inside them")


def cell_error_notes(student: StudentProcess) -> list[str]:
    """A note for each cell that raised, less the stubs and the consequences of a skipped
    training call (a NameError in the cell whose ``model = train_mlp(...)`` was blanked)."""
    notes = []
    for err in student.cell_errors:
        types = err.get("types", [])
        cell = student.program.cell(err["cell"])
        if "NotImplementedError" in types or (cell is not None and cell.training_skipped
                                              and "NameError" in types):
            continue
        note = f"{err['cell']} raised {types[0]}: {err['message'][:200]}"
        outside = left_out_use(student.program, err)
        if outside:
            note += f" ({outside})"
        if err.get("errno") in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            note += (" (while grading, the files your code writes are limited in size: "
                     "write less, or nothing, into the working folder)")
        notes.append(note)
    return notes


def grade_submission(submission: str | Path, exercise: str, *, hidden: bool = False,
                     course: Course | None = None, limits: Limits | None = None) -> ExerciseResult:
    """Grade one submission (a notebook or a ``.py`` file) on one exercise.

    Raises :class:`~autograder.load.SubmissionError` when the file cannot be read
    and :class:`~autograder.course.CourseError` for an unknown exercise.
    """
    course = course or find_course(Path(submission).parent)
    return grade_program(load_program(submission), course.exercise(exercise), hidden=hidden,
                         limits=limits)
