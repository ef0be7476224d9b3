"""deepgrade: grading and self-checks for an introductory deep-learning course.

The path of a submission, one subpackage per stage::

    load/      read a notebook or module into a Program
    run/       run it in a separate process; exchange plain data only
    compare/   compare answers with expectations; find known mistakes
    score.py   points per check and exercise; the JSON contract
    report/    words for students and instructors

``spec`` is how exercises declare checks, ``plan`` records expectations from the
reference solution, ``release`` generates the student release.
"""

from __future__ import annotations

__version__ = "0.1.0"


def check(exercise: str, target: str | None = None, **kwargs):
    """Grade what this notebook has run so far; see :func:`autograder.check_cell.check`."""
    from .check_cell import check as _check

    return _check(exercise, target, **kwargs)


__all__ = ["check", "__version__"]
