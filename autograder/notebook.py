"""``check("ex01_sigmoid")`` in a notebook cell: grade what this kernel has run so far.

The cells the kernel executed (IPython's input history) are replayed in a
separate process, exactly as ``deepgrade check`` runs a saved notebook, so the
verdicts are the same and nothing in the kernel can influence them.
"""

from __future__ import annotations

import os
from pathlib import Path

from .score import ExerciseResult


def kernel_history() -> list[str] | None:
    """The raw source of every cell this kernel ran before the current one (None outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None:
        return None
    raw = list(getattr(shell.history_manager, "input_hist_raw", None) or shell.user_ns.get("In", []))
    return [src for src in raw[1:-1] if isinstance(src, str)]  # [0] is empty, [-1] is this cell


def check(exercise: str, target: str | None = None, *, hidden: bool = False,
          show: bool = True) -> ExerciseResult | None:
    """Grade this notebook's ``exercise`` (or only the checks about ``target``)
    with the public checks and print the points, messages and hints."""
    if os.environ.get("DEEPGRADE_WORKER"):
        return None  # running inside a grader already: a check cell does nothing
    from .course import find_course
    from .grade import grade_program
    from .load import load_program, program_from_sources
    from .report import format_result

    from .nbgrader.kernel import replayed_sources

    sources = kernel_history()
    if sources is not None:
        program = program_from_sources(list(replayed_sources(sources)))  # without nbgrader test cells
    else:
        import __main__
        program = load_program(Path(__main__.__file__))
    course = find_course(Path.cwd())
    result = grade_program(program, course.exercise(exercise), hidden=hidden,
                           targets=(target,) if target else ())
    if show:
        print(format_result(result))
        return None
    return result
