"""The repository as an nbgrader course.

* :mod:`.kernel`         :func:`grade`, what a test cell calls: grades in a worker, prints the verdict
                         (on stderr when the check did not pass)
* :mod:`.autograde`      nbgrader autograde in the sandbox: the points, outside any kernel
* :mod:`.preprocessors`  nbgrader preprocessors registered in ``nbgrader_config.py``
* :mod:`.roundtrip`      driving the ``nbgrader`` command (the round-trip test and ``make nbgrader-demo``)

Importing this package imports neither nbgrader nor NumPy: a test cell's first
line must stay cheap.
"""

from __future__ import annotations

#: Beside each autograded notebook, ``<notebook>.deepgrade.json``: the notebook's whole result
#: (``ExerciseResult.to_json()`` and the student), which ``deepgrade integrity --nbgrader`` reads.
RESULT_SUFFIX = ".deepgrade.json"


def grade(exercise: str, check: str, *, hidden: bool = False) -> None:
    """Grade one check in an nbgrader test cell; see :func:`autograder.nbgrader.kernel.grade`."""
    from .kernel import grade as _grade

    _grade(exercise, check, hidden=hidden)


__all__ = ["grade"]
