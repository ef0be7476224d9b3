"""The grading cells are the course's: restore them from the course's notebook before grading.

A student can edit any cell's nbgrader metadata: turn a test cell into a
solution cell, rename its ``grade_id``, give a cell 50 points, duplicate a test
cell, empty its metadata. Left as they are, such edits either crash nbgrader
(``CheckCellMetadata``, ``OverwriteCells``) or change what runs. Here every
path puts the course's cells back, so the notebook graded is the student's
code in the course's frame:

* a cell of the course that is not a solution (a test cell, a read-only cell),
  found by ``grade_id``, else by its source, is replaced by the course's cell;
* a solution cell keeps the student's source under the course's metadata;
* nbgrader metadata on any other cell (an unknown ``grade_id``, a second copy)
  is removed, and a copy of a test cell is dropped: it is the course's, not code
  of the student's;
* a course cell the student deleted is put back after the course cell before it.

Each repair is said in a note. The reference is the source notebook (nbgrader)
or the release (``deepgrade check``): only its non-solution cells are copied, so
no solution ever enters a student's notebook.
"""

from __future__ import annotations

import copy
import re
from typing import Any

#: The first line of every generated test cell (see :mod:`autograder.release.cells`).
_TEST_CELL = re.compile(r"^\s*from\s+autograder\.nbgrader\s+import\s+grade\b", re.M)


def _nbgrader(cell: dict[str, Any]) -> dict[str, Any] | None:
    meta = cell.get("metadata")
    found = meta.get("nbgrader") if isinstance(meta, dict) else None
    return found if isinstance(found, dict) else None


def _grade_id(cell: dict[str, Any]) -> str | None:
    meta = _nbgrader(cell)
    gid = meta.get("grade_id") if meta else None
    return gid if isinstance(gid, str) and gid else None


def _is_course_cell(meta: dict[str, Any]) -> bool:
    return not meta.get("solution") and bool(meta.get("grade") or meta.get("locked") or meta.get("task"))


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def restore_course_cells(student: dict[str, Any], reference: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of ``student`` (nbformat-4 JSON) with the course's cells of ``reference`` restored, and notes."""
    course: dict[str, dict[str, Any]] = {}
    solutions: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for cell in reference.get("cells", []):
        meta, gid = _nbgrader(cell), _grade_id(cell)
        if meta is None or gid is None:
            continue
        order.append(gid)
        (course if _is_course_cell(meta) else solutions if meta.get("solution") else {})[gid] = cell
    by_source = {_source(c).strip(): gid for gid, c in course.items() if _source(c).strip()}
    notes: list[str] = []
    placed: list[tuple[str | None, dict[str, Any]]] = []
    used: set[str] = set()
    for number, cell in enumerate(student.get("cells", []), start=1):
        meta, gid = _nbgrader(cell), _grade_id(cell)
        if gid is None or gid in used or gid not in course and gid not in solutions:
            gid = by_source.get(_source(cell).strip())
            gid = gid if gid is not None and gid not in used else None
        if gid in course:
            ref = course[gid]
            if cell.get("metadata") != ref.get("metadata") or cell.get("cell_type") != ref.get("cell_type"):
                notes.append(f"cell {number}: the course's cell {gid!r} was restored (its metadata or type "
                             "had been changed)")
            placed.append((gid, _course_copy(ref, cell)))
            used.add(gid)
        elif gid in solutions:
            ref_meta = solutions[gid]["metadata"]["nbgrader"]
            kept = copy.deepcopy(cell)
            if meta != ref_meta or cell.get("cell_type") != solutions[gid].get("cell_type"):
                notes.append(f"cell {number}: the nbgrader metadata of answer cell {gid!r} was restored")
            kept["metadata"] = {**kept.get("metadata", {}), "nbgrader": copy.deepcopy(ref_meta)}
            kept["cell_type"] = solutions[gid].get("cell_type", kept.get("cell_type"))
            if kept["cell_type"] != "code":
                kept.pop("outputs", None), kept.pop("execution_count", None)
            placed.append((gid, kept))
            used.add(gid)
        elif _TEST_CELL.search(_source(cell)) and cell.get("cell_type") == "code":
            notes.append(f"cell {number}: a copy of a test cell was removed (test cells are the course's)")
        elif meta is not None:
            kept = copy.deepcopy(cell)
            del kept["metadata"]["nbgrader"]
            notes.append(f"cell {number}: nbgrader metadata that belongs to no cell of the course was removed")
            placed.append((None, kept))
        else:
            placed.append((None, cell))
    for index, gid in enumerate(order):
        if gid in used or gid not in course:
            continue
        at = _after(placed, order[:index])
        placed.insert(at, (gid, _course_copy(course[gid], None)))
        used.add(gid)
        notes.append(f"the course's cell {gid!r} was missing and was put back")
    restored = dict(student)
    restored["cells"] = _unique_ids([cell for _, cell in placed])
    return restored, notes


def _unique_ids(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The cells with a repeated id replaced (a student's cell may carry a course cell's id)."""
    seen: set[str] = set()
    for cell in cells:
        cell_id = cell.get("id")
        if isinstance(cell_id, str) and cell_id in seen:
            cell_id = next(f"{cell_id[:56]}-{n}" for n in range(1, len(cells) + 2) if f"{cell_id[:56]}-{n}" not in seen)
            cell["id"] = cell_id
        if isinstance(cell_id, str):
            seen.add(cell_id)
    return cells


def _course_copy(ref: dict[str, Any], cell: dict[str, Any] | None) -> dict[str, Any]:
    """The course's cell, keeping the student's cell id (ids stay unique in the student's notebook)."""
    out = copy.deepcopy(ref)
    out["source"] = _source(ref)
    if out.get("cell_type") == "code":
        out["outputs"], out["execution_count"] = [], None
    if cell is not None and isinstance(cell.get("id"), str):
        out["id"] = cell["id"]
    return out


def _after(placed: list[tuple[str | None, dict[str, Any]]], before: list[str]) -> int:
    """Where a missing course cell goes: after the last placed cell among the course cells before it."""
    wanted = set(before)
    for index in range(len(placed) - 1, -1, -1):
        if placed[index][0] in wanted:
            return index + 1
    return 0
