"""This repository is an nbgrader course.

solutions/<exercise>/ is nbgrader's source folder and exercises/<exercise>/ its
release folder: `nbgrader generate_assignment ex01_sigmoid` writes the same
exercises/ex01_sigmoid/ as `deepgrade release` (the student notebook and
public_checks.json; a test compares them byte for byte). The gradebook is
nbgrader's default, gradebook.db (SQLite) in this folder. docs/instructor-guide.md
walks through the whole round trip.
"""

from autograder.nbgrader.inert import InertHTMLExporter
from autograder.nbgrader.preprocessors import (
    autograde_preprocessors,
    feedback_preprocessors,
    generate_assignment_preprocessors,
    sanitize_preprocessors,
)
from autograder.nbgrader.submitted import SubmittedNotebookExporter, use_staged_autograde
from autograder.quiet import TF_LOG_PATTERN, quiet_tensorflow

c = get_config()  # noqa: F821 - provided by nbgrader

# CourseDirectory.root is the working directory (nbgrader's default): run nbgrader here.
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# checks.py holds the hidden checks: it must never be copied into a release.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "checks.py", "feedback"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Release: test cells in line with checks.py, and public_checks.json written beside the notebook.
c.GenerateAssignment.preprocessors = generate_assignment_preprocessors()

# Autograde: no kernel runs a student's code. Each notebook is graded in deepgrade's sandbox
# (as `deepgrade check --hidden` and `deepgrade grade` do) and every test cell's output and
# points are written from that result; demo and self-check cells are not run.
c.Autograde.autograde_preprocessors = autograde_preprocessors()
# A student's notebook is theirs, its grading cells the course's: each notebook is read by deepgrade's
# reader (links refused, any nbformat, bad UTF-8 and cell ids repaired, outputs dropped; one that cannot
# be read gets 0 with the reason) and the course's cells are restored from the source before nbgrader's
# metadata checks, so no metadata edit changes a score or stops the class.
c.Autograde.exporter_class = SubmittedNotebookExporter
c.Autograde.sanitize_preprocessors = sanitize_preprocessors()
# The files beside a notebook are copied from a staged folder of the student's own regular files only.
use_staged_autograde()
# Every notebook page a person opens (feedback, formgrader) is inert: scripts, event handlers,
# javascript: links and iframes are removed from markdown and outputs; the feedback page also
# carries a Content-Security-Policy (no script runs, no request leaves it).
c.HTMLExporter.sanitize_html = True
c.GenerateFeedback.exporter_class = InertHTMLExporter
# Feedback: hidden test cells show their verdict and hint, never their source.
c.GenerateFeedback.preprocessors = feedback_preprocessors()
# A test cell a student deleted is put back (its grade_id is in the gradebook) and graded.
c.OverwriteCells.add_missing_cells = True

# TensorFlow stays quiet at the source: kernels inherit these variables from nbgrader...
quiet_tensorflow()
# ...and a stderr output made only of TF/absl/oneDNN/CUDA log lines is dropped before scoring.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = TF_LOG_PATTERN

# nbgrader validate (the student's button) runs a kernel: a cell (a training check included)
# may take minutes; an endless loop is interrupted after 5. Autograde's limits are the sandbox's.
c.Execute.timeout = 300
c.Execute.interrupt_on_timeout = True
