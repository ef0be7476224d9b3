"""This repository is an nbgrader course.

solutions/<exercise>/ is nbgrader's source folder and exercises/<exercise>/ its
release folder, so `nbgrader generate_assignment ex01_sigmoid` writes the same
student notebook as `deepgrade release` (which runs nbgrader's preprocessors).
"""

c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.root = "."
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
# checks.py holds the hidden checks: it must never be copied into a release.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "checks.py", "feedback"]
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
