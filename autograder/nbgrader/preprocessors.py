"""nbgrader preprocessors and settings for this course, registered in ``nbgrader_config.py``.

* :class:`ReleaseExercise` runs first in ``nbgrader generate_assignment``: it
  brings the test cells in line with ``checks.py`` (as ``deepgrade release``
  does) and has nbgrader's writer put ``public_checks.json`` beside the student
  notebook. So ``nbgrader generate_assignment`` and ``deepgrade release`` write
  the same ``exercises/<exercise>/`` folder, byte for byte, even though nbgrader
  empties that folder before writing it (``--force``, or a newer source).
* :class:`SkipGradingOnlyCells` runs before ``Execute`` in ``nbgrader
  autograde``: cells tagged ``demo``, ``deepgrade:skip`` or ``deepgrade:check``
  get nbclient's ``skip-execution`` tag and a one-line note as output, so heavy
  demos and self-check cells cost no grading time and the kernel runs exactly
  the cells ``deepgrade check`` runs.
* :func:`autograde_preprocessors` puts :class:`~.autograde.GradeInSandbox` where
  nbgrader's ``Execute`` was: no kernel runs the student's code at autograde;
  :func:`feedback_preprocessors` removes hidden tests' source from the feedback.
* :data:`autograder.quiet.TF_LOG_PATTERN` is ``IgnorePattern.pattern``: a stderr output made only
  of TensorFlow, absl, oneDNN or CUDA log lines is dropped before nbgrader
  scores the cell (a test cell with anything on stderr scores 0).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List, Unicode

from ..load.notebook import SKIP_TAGS

#: nbclient skips cells with this tag (``Execute.skip_cells_with_tag``'s default).
SKIP_EXECUTION = "skip-execution"


def _course_root(resources: dict) -> Path | None:
    """The course folder: the notebook is in <root>/solutions/<exercise>/."""
    path = (resources.get("metadata") or {}).get("path")
    return Path(path).resolve().parents[1] if path else None


class ReleaseExercise(NbGraderPreprocessor):
    """Test cells from ``checks.py`` and ``public_checks.json``, during generate_assignment."""

    def preprocess(self, nb, resources):
        from ..course import PUBLIC_CHECKS, Course, CourseError
        from ..plan import released_plans
        from ..release.cells import sync_test_cells
        from ..release.pipeline import public_checks_text

        info = resources.get("nbgrader", {})
        name, notebook, root = info.get("assignment"), info.get("notebook"), _course_root(resources)
        if not name or notebook != name or root is None:
            return nb, resources  # only <exercise>/<exercise>.ipynb has checks
        try:
            exercise = Course(root).exercise(name)
        except CourseError:
            return nb, resources
        if not exercise.has_solution:
            return nb, resources
        synced = sync_test_cells(nb, name, exercise.checks())
        if nbformat.writes(synced) != nbformat.writes(nb):
            self.log.warning("%s: the test cells were out of date with checks.py; released the "
                             "up-to-date ones (run `deepgrade release` to update the source)", name)
        plans = released_plans(exercise)
        resources.setdefault("outputs", {})[PUBLIC_CHECKS] = public_checks_text(exercise, plans).encode()
        return synced, resources


class SkipGradingOnlyCells(NbGraderPreprocessor):
    """Do not execute demo and self-check cells while autograding."""

    tags = List(Unicode(), default_value=sorted(SKIP_TAGS),
                help="Cells with one of these tags are not executed by nbgrader autograde").tag(config=True)
    note = Unicode("(not run while grading: this cell is tagged {tag})\n",
                   help="Output put in a skipped cell").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        tags = list(cell.metadata.get("tags", []))
        skipped = [t for t in tags if t in self.tags]
        if skipped:
            if SKIP_EXECUTION not in tags:
                cell.metadata["tags"] = tags + [SKIP_EXECUTION]
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                   text=self.note.format(tag=skipped[0]))]
        return cell, resources


def generate_assignment_preprocessors() -> list:
    """nbgrader's own generate_assignment steps, with :class:`ReleaseExercise` first."""
    from nbgrader.converters import GenerateAssignment

    return [ReleaseExercise, *GenerateAssignment.class_traits()["preprocessors"].default()]


def autograde_preprocessors() -> list:
    """nbgrader's own autograde steps, with its ``Execute`` (a kernel of the grading account
    running the student's code) replaced by :class:`~.autograde.GradeInSandbox`, and
    :class:`SkipGradingOnlyCells` before it."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    from .autograde import GradeInSandbox
    from .inert import SanitizeStudentHTML

    steps = Autograde.class_traits()["autograde_preprocessors"].default()
    # Last, once the points are saved: the autograded notebook (formgrader's view, the feedback's
    # source) keeps no script, event handler, javascript: link or iframe from the student's HTML.
    return [SkipGradingOnlyCells, *(GradeInSandbox if step is Execute else step for step in steps), SanitizeStudentHTML]


def sanitize_preprocessors() -> list:
    """nbgrader's own sanitizing steps of autograde, after :class:`~.submitted.RestoreCourseCells`:
    nbgrader's metadata checks only ever see the course's cells."""
    from nbgrader.converters import Autograde

    from .submitted import RestoreCourseCells

    return [RestoreCourseCells, *Autograde.class_traits()["sanitize_preprocessors"].default()]


def feedback_preprocessors() -> list:
    """nbgrader's own generate_feedback steps, after removing the hidden tests' source."""
    from nbgrader.converters import GenerateFeedback

    from .autograde import FeedbackWithoutHiddenTests
    from .inert import SanitizeStudentHTML

    # nbgrader's feedback template renders markdown without nbconvert's sanitize_html: clean it here.
    steps = GenerateFeedback.class_traits()["preprocessors"].default()
    return [FeedbackWithoutHiddenTests, SanitizeStudentHTML, *steps]
