"""Stage 2 of grading: one submission, one exercise's plans: run isolated, compare, score.

Planning (:mod:`autograder.plan`) comes first and is cached; this stage starts
the student's process, asks each plan's kind to judge it, and adds the notes
about what grading did not run. The command line, the pytest plugin, the
notebook check cell and the class grader all end in :func:`grade_plans`.
"""

from __future__ import annotations

import errno
from collections.abc import Callable, Sequence
from pathlib import Path

from .course import Course, Exercise, find_course
from .kinds import Plan, kind_of
from .load import Program, load_program
from .plan import exercise_plans, hidden_plans, public_plans
from .run.session import Limits, StudentProcess
from .score import ExerciseResult
from .student import open_student

__all__ = ["grade_plans", "grade_program", "grade_submission", "hidden_plans", "public_plans"]


def grade_program(program: Program, exercise: Exercise, *, hidden: bool = False,
                  limits: Limits | None = None, targets: tuple[str, ...] = (),
                  process: Callable[..., StudentProcess] | None = None,
                  pictures: bool = False) -> ExerciseResult:
    """Grade a loaded program. ``process`` makes the student's process (default
    :class:`StudentProcess`; the class grader passes a sandboxed one). With
    ``pictures``, the checks' details also get what a picture needs (the decision
    boundary: :mod:`autograder.probes`), asked of the process after the checks."""
    plans = exercise_plans(exercise, hidden=hidden, targets=targets)
    return grade_plans(program, exercise.name, plans, limits=limits, process=process, pictures=pictures)


def grade_plans(program: Program, exercise: str, plans: Sequence[Plan], *, limits: Limits | None = None,
                process: Callable[..., StudentProcess] | None = None, pictures: bool = False) -> ExerciseResult:
    """Judge each plan against one student's process, in order."""
    from .probes import probes_for

    result = ExerciseResult(exercise=exercise, notes=[*program.notes, *not_run_notes(program)])
    student = open_student(program, plans, limits=limits, process=process)
    if pictures:
        student.probes = probes_for(plans)
    with student:
        result.checks = [kind_of(plan).judge(plan, student) for plan in plans]
        result.notes += cell_error_notes(student)
    for check in result.checks:
        if check.name in student.probed:
            check.details.add(student.probed[check.name])
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
