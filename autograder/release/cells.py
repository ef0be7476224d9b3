"""nbgrader test cells generated from ``checks.py``: one per check, after its target's answer.

``checks.py`` is the one source of truth. Each check gets an nbgrader
autograder-test cell (``grade=True``, ``solution=False``) worth the check's
points, placed after the solution cell that defines the check's target (after
earlier test cells of the same target, in the order of ``CHECKS``). The cell
only calls :func:`autograder.nbgrader.grade`, whose code lives outside the
notebook, so neither the release nor nbgrader's feedback shows any case or
expected value. A hidden check's call sits in a ``### BEGIN HIDDEN TESTS``
block, which nbgrader removes from the student's release and restores when it
autogrades.

Generated cells carry ``metadata.deepgrade.test`` (the check's name); syncing
removes those cells and inserts them afresh, so running it twice changes
nothing and hand-written cells are never touched.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..spec import AnyCheck

#: The import every test cell starts with; the in-kernel grader recognises test cells by it.
TEST_IMPORT = "from autograder.nbgrader import grade"
TEST_CELL_PATTERN = re.compile(r"^\s*from\s+autograder\.nbgrader\s+import\s+grade\b", re.M)
GRADE_ID_PREFIX = "test-"


@dataclass(frozen=True)
class GradeCell:
    """What a generated test cell says, read back from a notebook."""

    check: str
    grade_id: str
    points: float
    hidden: bool
    source: str
    index: int


def grade_id(check: AnyCheck | str) -> str:
    return GRADE_ID_PREFIX + (check if isinstance(check, str) else check.name)


def _points(value: float) -> float | int:
    value = float(value)
    return int(value) if value.is_integer() else value


def cell_source(exercise: str, check: AnyCheck) -> str:
    """The code of one check's test cell."""
    label = f"# {check.name}: {_points(check.points)} point{'s' if check.points != 1 else ''}"
    if not check.hidden:
        return f'{label}\n{TEST_IMPORT}\ngrade("{exercise}", "{check.name}")'
    return (f"{label}, hidden: graded when your notebook is collected\n{TEST_IMPORT}\n"
            f"### BEGIN HIDDEN TESTS\n"
            f'grade("{exercise}", "{check.name}", hidden=True)\n'
            f"### END HIDDEN TESTS")


def new_cell(exercise: str, check: AnyCheck):
    """A new nbformat code cell for ``check``."""
    import nbformat

    metadata = {
        "deepgrade": {"test": check.name},
        "nbgrader": {"grade": True, "grade_id": grade_id(check), "locked": True,
                     "points": _points(check.points), "schema_version": 3,
                     "solution": False, "task": False},
    }
    return nbformat.v4.new_code_cell(cell_source(exercise, check), metadata=metadata,
                                     id=grade_id(check)[:64])


def _source(cell: Any) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _is_generated(cell: Any) -> bool:
    meta = cell.get("metadata", {}).get("deepgrade", {})
    return isinstance(meta, dict) and "test" in meta


def _is_solution(cell: Any) -> bool:
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def defines(source: str, name: str) -> bool:
    """Whether cell code defines ``name`` at top level (def, class or assignment)."""
    n = re.escape(name)
    return bool(re.search(rf"^(?:async\s+def|def|class)\s+{n}\b|^{n}\s*(?::[^=\n]*)?=(?!=)", source, re.M))


def answer_cell_index(cells: list, target: str) -> int | None:
    """The solution cell that defines ``target`` (the last one, if several)."""
    found = None
    for index, cell in enumerate(cells):
        if cell.get("cell_type") == "code" and _is_solution(cell) and defines(_source(cell), target):
            found = index
    return found


class AnswerCellMissing(Exception):
    """A check's target has no answer cell in the solution notebook."""


def sync_test_cells(nb, exercise: str, checks: Sequence[AnyCheck]):
    """A copy of notebook ``nb`` with exactly one generated test cell per check."""
    nb = copy.deepcopy(nb)
    cells = [c for c in nb.cells if not _is_generated(c)]
    after: dict[int, list] = {}
    for check in checks:
        index = answer_cell_index(cells, check.target)
        if index is None:
            raise AnswerCellMissing(f"{exercise}: no solution cell defines `{check.target}` "
                                f"(the target of check {check.name!r})")
        after.setdefault(index, []).append(new_cell(exercise, check))
    merged = []
    for index, cell in enumerate(cells):
        merged.append(cell)
        merged.extend(after.get(index, []))
    nb.cells = merged
    return nb


def synced_notebook_text(solution_notebook: Path, exercise: str, checks: Sequence[AnyCheck]) -> str:
    """The solution notebook's text with its test cells in sync with ``checks``."""
    import nbformat

    nb = nbformat.read(str(solution_notebook), as_version=4)
    return nbformat.writes(sync_test_cells(nb, exercise, checks)) + "\n"


def read_grade_cells(nb: Any) -> list[GradeCell]:
    """The autograder test cells of a notebook (a dict or NotebookNode), in order."""
    found = []
    for index, cell in enumerate(nb["cells"]):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not (meta.get("grade") and not meta.get("solution")):
            continue
        source = _source(cell)
        match = re.search(r'grade\(\s*"([^"]+)"\s*,\s*"([^"]+)"', source)
        found.append(GradeCell(match.group(2) if match else "", meta.get("grade_id", ""),
                                  float(meta.get("points", 0)), "BEGIN HIDDEN TESTS" in source,
                                  source, index))
    return found
