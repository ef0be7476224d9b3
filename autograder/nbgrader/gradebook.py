"""A class's results from an nbgrader course, for ``deepgrade report --nbgrader COURSE``.

The gradebook (``gradebook.db``) says who handed in what and the points of each
test cell. ``nbgrader autograde`` with deepgrade's preprocessor also keeps each
check's verdict, named mistake included, in its test cell's metadata
(``metadata.deepgrade.result``, :data:`~autograder.nbgrader.autograde.RESULT_KEY`)
in ``autograded/<student>/<assignment>/<notebook>.ipynb``: that verdict is used
where it is there; a cell without one (graded before, or by hand) gets its
verdict from the gradebook's points alone.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..release.cells import GRADE_ID_PREFIX
from ..report.class_report import Graded
from ..score import CheckResult, ExerciseResult, Status
from .autograde import RESULT_KEY


class GradebookError(Exception):
    """No readable nbgrader course at the path given."""


def _kept_verdicts(path: Path) -> dict[str, CheckResult]:
    """The verdicts autograde kept in the notebook's test cells, by check name."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found = {}
    for cell in nb.get("cells", []):
        kept = (cell.get("metadata") or {}).get("deepgrade", {}).get(RESULT_KEY)
        if isinstance(kept, dict) and "name" in kept:
            result = CheckResult.from_json(kept)
            found[result.name] = result
    return found


def _from_points(name: str, score: float | None, max_score: float) -> CheckResult:
    earned = float(score or 0.0)
    status = (Status.PASSED if earned >= max_score else Status.PARTIAL if earned > 0 else Status.FAILED)
    return CheckResult(name=name, target="", max_points=max_score, status=status,
                       earned=earned if status is Status.PARTIAL else None)


def graded_from_gradebook(course: Path) -> list[Graded]:
    """Every submitted notebook of the course's gradebook as a (student, result)."""
    from nbgrader.api import Gradebook, MissingEntry

    database = course / "gradebook.db"
    if not database.is_file():
        raise GradebookError(f"no nbgrader gradebook at {database}: run nbgrader autograde in {course} first")
    graded: list[Graded] = []
    with Gradebook(f"sqlite:///{database}") as book:
        for assignment in book.assignments:
            for notebook in assignment.notebooks:
                for student in book.students:
                    try:
                        submitted = book.find_submission_notebook(notebook.name, assignment.name, student.id)
                    except MissingEntry:
                        continue
                    kept = _kept_verdicts(course / "autograded" / student.id / assignment.name
                                          / f"{notebook.name}.ipynb")
                    checks = []
                    for grade in sorted(submitted.grades, key=lambda g: g.name):
                        name = grade.name.removeprefix(GRADE_ID_PREFIX)
                        checks.append(kept.get(name) or _from_points(name, grade.score, float(grade.max_score)))
                    graded.append(Graded(student.id, ExerciseResult(exercise=notebook.name, checks=checks)))
    return graded

