"""Reading notebooks without trusting them: any nbformat, damaged metadata, IPython syntax.

Only the JSON is read (no nbformat validation, which rejects notebooks a
student's editor wrote slightly wrong). Grading-only cells are left out: the
nbgrader test cells, deepgrade check cells and cells tagged as demos. Every
other code cell goes through IPython's input transformer
(:func:`autograder.load.ipython.transform_cell`), as in a Jupyter kernel.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from .cells import CodeCell, SubmissionError
from .ipython import transform_cell

#: Cells with one of these tags are not run when grading (heavy plots, extra training).
SKIP_TAGS = {"demo", "deepgrade:skip", "deepgrade:check"}
_CHECK_CALL = re.compile(r"^\s*(from\s+autograder\b|import\s+autograder\b|check\s*\()", re.M)


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", cell.get("input", ""))
    if isinstance(src, list):
        src = "".join(str(s) for s in src)
    return src if isinstance(src, str) else ""


def _is_grading_cell(cell: dict[str, Any], source: str) -> bool:
    meta: dict[str, Any] = cell["metadata"] if isinstance(cell.get("metadata"), dict) else {}
    nbgrader: dict[str, Any] = meta["nbgrader"] if isinstance(meta.get("nbgrader"), dict) else {}
    if nbgrader.get("grade") and not nbgrader.get("solution"):
        return True
    tags: list[Any] = meta["tags"] if isinstance(meta.get("tags"), list) else []
    if SKIP_TAGS.intersection(str(t) for t in tags):
        return True
    return bool(_CHECK_CALL.search(source)) and "check(" in source


def read_cell(source: str, cell: dict[str, Any], label: str) -> CodeCell | None:
    """One cell as it will run, or None when it is not to be run while grading."""
    if _is_grading_cell(cell, source):
        return None
    transformed = transform_cell(source)
    return CodeCell(transformed.source, label, original=source, not_run=transformed.not_run)


def _cells(nb: Any) -> list[dict[str, Any]]:
    if not isinstance(nb, dict):
        raise SubmissionError("not a notebook: the JSON is not an object")
    if isinstance(nb.get("cells"), list):  # nbformat 4
        return [c for c in nb["cells"] if isinstance(c, dict)]
    worksheets = nb.get("worksheets")  # nbformat 3
    if isinstance(worksheets, list) and worksheets and isinstance(worksheets[0], dict):
        return [c for c in worksheets[0].get("cells", []) if isinstance(c, dict)]
    raise SubmissionError("not a notebook: no cells found")


def _assigned_names(source: str) -> set[str]:
    try:
        tree = ast.parse(transform_cell(source).source)
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


def left_out_definitions(text: str | dict[str, Any]) -> dict[str, str]:
    """Names defined by code cells that grading leaves out (demo cells), and the cell: ``x_train``
    -> ``cell 4``. Test and check cells are not counted: they define nothing a student uses."""
    try:
        cells = _cells(json.loads(text) if isinstance(text, str) else text)
    except (json.JSONDecodeError, SubmissionError):
        return {}
    found: dict[str, str] = {}
    for number, cell in enumerate(cells, start=1):
        source = _source(cell)
        if cell.get("cell_type") != "code" or not _is_grading_cell(cell, source):
            continue
        if _CHECK_CALL.search(source):
            continue
        for name in sorted(_assigned_names(source)):
            found.setdefault(name, f"cell {number}")
    return found


def read_notebook_cells(text: str | dict[str, Any], name: str) -> list[CodeCell]:
    """The code cells to run, in order, labelled ``cell N`` (N counts every cell)."""
    try:
        nb = json.loads(text) if isinstance(text, str) else text
    except json.JSONDecodeError as exc:
        raise SubmissionError(f"{name} is not valid notebook JSON (line {exc.lineno}: {exc.msg})") from None
    cells: list[CodeCell] = []
    for number, cell in enumerate(_cells(nb), start=1):
        if cell.get("cell_type") != "code":
            continue
        read = read_cell(_source(cell), cell, f"cell {number}")
        if read is not None:
            cells.append(read)
    return cells
