"""The assign stage: generate the student release (``exercises/``) from ``solutions/``.

:mod:`.cells` writes the nbgrader test cells from ``checks.py``; the in-kernel grader
(:mod:`autograder.nbgrader.kernel`) and nbgrader autograde recognise them by its patterns.
"""

from .pipeline import ReleaseReport, release_course, release_exercise

__all__ = ["ReleaseReport", "release_course", "release_exercise"]
