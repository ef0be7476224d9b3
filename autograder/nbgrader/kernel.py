"""``grade("ex01_sigmoid", "sigmoid_values")``: what an nbgrader test cell runs in the kernel.

The cells this kernel has run (IPython's raw input history, less the test cells) are
replayed in a separate worker process, exactly as ``deepgrade check`` runs a saved
notebook, and graded with the same checks. A passed check prints its verdict line; any
other prints its verdict and hint on stderr, so nbgrader's Validate lists exactly the
failed checks with their reasons (never a traceback), and Run All goes on to the end.
This is the student's help only: at ``nbgrader autograde`` no kernel runs and the points
come from :mod:`autograder.nbgrader.autograde`.

Caching: a grading covers every check of one target (the test cells after one answer
cell) and is kept in the kernel per (exercise, replayed sources, hidden checks
available), so the cells of one answer share one worker, a model is trained once, and
re-running a test cell with nothing changed costs nothing.

Hidden checks: by :func:`autograder.kinds.calls.shown_call`, their verdicts never show a
hidden case's input nor a reference value, in this path as in every report; the code
that knows the cases is in ``solutions/``, which only the instructor's machine has.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import warnings
from pathlib import Path

from ..load.history import kernel_history
from ..release.cells import TEST_CELL_PATTERN
from ..score import CheckResult

#: (exercise, replayed sources, hidden available) -> {check name: result}
_CACHE: dict[tuple, dict[str, CheckResult]] = {}


class GradingError(Exception):
    """The test cell cannot be graded (unknown check, release out of date)."""


def replayed_sources(history: list[str]) -> tuple[str, ...]:
    """The history less nbgrader test cells (grading cells never grade each other)."""
    return tuple(src for src in history if not TEST_CELL_PATTERN.search(src))


def _grade_target(sources: tuple[str, ...], exercise, target: str, hidden: bool) -> list[CheckResult]:
    from ..grade import grade_program
    from ..load import program_from_sources

    program = program_from_sources(list(sources))
    # Nothing the grader does may reach stderr: nbgrader gives 0 points to a cell that writes there.
    with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import numpy as np
        with np.errstate(all="ignore"):
            result = grade_program(program, exercise, hidden=hidden, targets=(target,))
    return result.checks


def _target_of(exercise, name: str, hidden: bool) -> tuple[str, bool]:
    from ..plan import public_plans

    if hidden:
        for check in exercise.checks():
            if check.name == name:
                return check.target, check.hidden
    else:
        for plan in public_plans(exercise):
            if plan.name == name:
                return plan.target, False
    raise GradingError(f"{exercise.name} has no check {name!r}: the test cells are out of date "
                       "(run `deepgrade release`)")


def grade_check(exercise_name: str, name: str, *, hidden: bool = False,
                history: list[str] | None = None, course=None) -> CheckResult | None:
    """The verdict of one check on what the kernel has run (or on ``history``)."""
    from ..course import find_course

    course = course or find_course(Path.cwd())
    exercise = course.exercise(exercise_name)
    available = exercise.has_solution
    if hidden and not available:
        return None
    target, is_hidden = _target_of(exercise, name, available)
    if is_hidden != hidden:
        raise GradingError(f"{exercise_name}: check {name!r} is {'hidden' if is_hidden else 'public'} "
                           "but its test cell says otherwise (run `deepgrade release`)")
    if history is None:
        history = kernel_history() or []
    sources = replayed_sources(history)
    results = _CACHE.setdefault((exercise_name, sources, available, str(course.root)), {})
    if name not in results:
        for result in _grade_target(sources, exercise, target, available):
            results[result.name] = result
    if name not in results:
        raise GradingError(f"{exercise_name}: check {name!r} was not graded (is the release up to date?)")
    return results[name]


def grade(exercise: str, check: str, *, hidden: bool = False) -> None:
    """Grade one check in a test cell of the student's kernel (Validate, Run All).

    A passed check prints its verdict line on stdout; any other verdict (failed,
    partial, not attempted, error, timeout) prints the verdict and the hint on
    stderr, which nbgrader's Validate lists as that cell's failure and JupyterLab
    shows in red, without a traceback and without stopping Run All. Nothing is
    returned, so no ``Out[...]`` appears. The points that count are decided at
    ``nbgrader autograde``, outside this kernel (:mod:`autograder.nbgrader.autograde`).
    A hidden check where the course's solutions are not available (a student's
    copy) says it is graded later.
    """
    if os.environ.get("DEEPGRADE_WORKER"):
        return None
    from ..report.text import format_check

    result = grade_check(exercise, check, hidden=hidden)
    if result is None:
        print(f"{check}: hidden check, graded when your notebook is collected")
        return None
    print(format_check(result).strip(), file=sys.stdout if result.passed else sys.stderr)
    return None


def clear_cache() -> None:
    _CACHE.clear()
