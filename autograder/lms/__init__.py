"""Who handed in what, from a learning-management system's download, and the marks back into it.

One :class:`~autograder.lms.base.Source` per system (Canvas, Moodle, Blackboard, Brightspace,
Gradescope's export, nbgrader's ``submitted/``, plain folders, flat ``student_exercise`` files)
reads its own naming; :func:`autograder.lms.read.read_download` turns a download into attempts per
student and exercise, each file with its fate; :mod:`~autograder.lms.export` writes each system's
import file.
"""

# Each system's module registers its Source on import (autograder.lms.base.register); importing
# them here, above base, keeps base free of an import back up to its adapters.
from . import blackboard, brightspace, canvas, folders, gradescope_export, moodle  # noqa: F401
