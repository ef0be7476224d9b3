"""``check("ex01_sigmoid")`` in a notebook cell: grade what this kernel has run so far.

The cells the kernel executed (IPython's input history) are replayed in a
separate process, exactly as ``deepgrade check`` runs a saved notebook, so the
verdicts are the same and nothing in the kernel can influence them.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from .load.history import kernel_history
from .score import ExerciseResult

HIDDEN_LATER = "Hidden checks are graded when your notebook is collected."


class CheckReport:
    """What a check cell shows: a table in Jupyter (HTML, with pictures), text elsewhere
    (a terminal, ``deepgrade check``, nbgrader's feedback)."""

    def __init__(self, result: ExerciseResult, footer: str = HIDDEN_LATER):
        self.result, self.footer = result, footer

    def _repr_html_(self) -> str:
        from .report.html import notebook_html

        return notebook_html(self.result, self.footer)

    def __repr__(self) -> str:
        from .report import format_result

        return format_result(self.result) + (f"\n{self.footer}" if self.footer else "")

    _repr_pretty_ = lambda self, printer, cycle: printer.text(repr(self))  # noqa: E731


def _print_progress(report: dict) -> None:
    """One line per epoch while the grader trains the student's model."""
    logs = report.get("logs") or {}
    shown = ", ".join(f"{k} {logs[k]:.3f}" for k in ("loss", "accuracy", "val_loss", "val_accuracy")
                      if isinstance(logs.get(k), (int, float)))
    epochs = f"/{report['epochs']}" if report.get("epochs") else ""
    print(f"  training {report.get('target', '')}: epoch {report.get('epoch')}{epochs}"
          + (f" ({shown})" if shown else ""), flush=True)


def check(exercise: str, target: str | None = None, *, hidden: bool = False,
          show: bool = True) -> ExerciseResult | None:
    """Grade this notebook's ``exercise`` (or only the checks about ``target``)
    with the public checks and show the points, verdicts, hints and pictures.

    A model exercise prints one line per epoch while the grader trains the model."""
    if os.environ.get("DEEPGRADE_WORKER"):
        return None  # running inside a grader already: a check cell does nothing
    from .course import find_course
    from .grade import grade_program
    from .load import load_program, program_from_sources
    from .nbgrader.kernel import replayed_sources
    from .run.session import StudentProcess

    sources = kernel_history()
    if sources is not None:
        program = program_from_sources(list(replayed_sources(sources)))  # without nbgrader test cells
    else:
        import __main__
        program = load_program(Path(__main__.__file__))
    course = find_course(Path.cwd())
    process = functools.partial(StudentProcess, on_progress=_print_progress if show else None)
    result = grade_program(program, course.exercise(exercise), hidden=hidden,
                           targets=(target,) if target else (), process=process, pictures=show)
    if not show:
        return result
    report = CheckReport(result, "" if hidden else HIDDEN_LATER)
    try:
        from IPython import get_ipython
        from IPython.display import display

        in_jupyter = get_ipython() is not None
    except ImportError:
        in_jupyter = False
    if in_jupyter:
        display(report)
    else:
        print(repr(report))
    return None
