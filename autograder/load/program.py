"""A submission reduced to what will run: an ordered list of code cells.

Notebooks and ``.py`` modules both become a :class:`Program`, so everything
downstream (the isolated runner, the checks) is the same for both.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .cells import CodeCell, SubmissionError

if TYPE_CHECKING:
    from .notebook_file import NotebookFile


def _calls(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in names
               for n in ast.walk(node))


def _blank_calls(source: str, names: set[str]) -> str:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    lines = source.splitlines(keepends=True)
    hit = False
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or not _calls(stmt, names):
            continue
        hit = True
        first, last = stmt.lineno - 1, (stmt.end_lineno or stmt.lineno) - 1
        lines[first] = "pass\n"
        for i in range(first + 1, last + 1):
            lines[i] = "\n"
    return "".join(lines) if hit else source


@dataclass(frozen=True)
class Program:
    """What a submission runs, plus notes made while reading it."""

    path: str
    cells: tuple[CodeCell, ...]
    notes: tuple[str, ...] = field(default=())
    #: Names that cells left out of grading define (a demo cell's ``x_train``), and which cell:
    #: a NameError for one of them says that code outside the graded functions needs that cell.
    left_out_names: dict[str, str] = field(default_factory=dict)

    @property
    def not_run(self) -> tuple[str, ...]:
        """Every IPython line that grading does not run, once, in the order of the cells."""
        return tuple(dict.fromkeys(line for cell in self.cells for line in cell.not_run))

    def cell(self, label: str) -> CodeCell | None:
        return next((c for c in self.cells if c.label == label), None)

    def without_calls(self, names: set[str]) -> Program:
        """The program with every top-level statement that calls one of ``names`` blanked.

        A notebook trains its model in a demo cell (``model = train_mlp(...)``);
        the grader calls the function itself, with its own seed and budget, so
        those statements would only double the time. Definitions stay. A cell
        that lost a statement says so (``training_skipped``), so that its later
        NameErrors are recognised as the consequence, not reported.
        """
        cells = []
        for cell in self.cells:
            source = _blank_calls(cell.source, names)
            cells.append(cell if source == cell.source else
                         replace(cell, source=source, training_skipped=True))
        return replace(self, cells=tuple(cells))

    def as_message(self) -> dict:
        """The form sent to the student's process."""
        return {"path": self.path,
                "cells": [{"source": c.source, "label": c.label, "original": c.original or c.source}
                          for c in self.cells]}


def load_program(path: str | Path, *, reference: str | Path | None = None, submitted: bool = False) -> Program:
    """Read a notebook (``.ipynb``) or a Python module (``.py``) into a Program.

    ``submitted``: the file is a student's: a link (symbolic, or a hard link shared with
    another file) is refused, as its content may be someone else's. ``reference``: the
    course's notebook (release or source) whose grading cells are restored into a
    notebook where the student changed them (:mod:`.restore`); none when it is no file."""
    from .notebook import left_out_definitions, read_notebook_cells
    from .notebook_file import folder_reason, read_notebook_file, refuse_link

    path = Path(path)
    if not os.path.lexists(path):
        raise SubmissionError(f"no such file: {path}")
    if path.is_dir() and not path.is_symlink():
        if path.suffix == ".ipynb":  # a student's folder named like a notebook: said as every path says it
            raise SubmissionError(folder_reason(path.name))
        raise SubmissionError(f"{path} is a folder; give the notebook or .py file inside it")
    if submitted:
        refuse_link(path)
    if path.suffix == ".py":
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SubmissionError(f"cannot read {path}: {exc}") from None
        return Program(str(path), (CodeCell(text, path.name),))
    if path.suffix != ".ipynb":
        raise SubmissionError(f"{path.name}: expected a .ipynb notebook or a .py module")
    read = read_notebook_file(path) if submitted else _trusted_notebook(path)
    notebook, notes = read.notebook, list(read.notes)
    if reference is not None and Path(reference).is_file():
        from .restore import restore_course_cells

        notebook, restored = restore_course_cells(notebook, _trusted_notebook(Path(reference)).notebook)
        notes += restored
    return Program(str(path), tuple(read_notebook_cells(notebook, path.name)), notes=tuple(notes),
                   left_out_names=left_out_definitions(notebook))


def _trusted_notebook(path: Path) -> NotebookFile:
    """A course notebook (the solution, the release): read as it is, links allowed."""
    from .notebook_file import parse_notebook

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SubmissionError(f"cannot read {path}: {exc}") from None
    return parse_notebook(data, path.name)


def program_from_sources(sources: list[str], path: str = "<kernel history>") -> Program:
    """A Program from raw cell sources (the in-notebook check uses the kernel history)."""
    from .notebook import read_cell

    cells = (read_cell(src, {}, f"In [{i}]") for i, src in enumerate(sources, start=1))
    return Program(path, tuple(c for c in cells if c is not None))
