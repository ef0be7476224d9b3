"""A submission reduced to what will run: an ordered list of code cells.

Notebooks and ``.py`` modules both become a :class:`Program`, so everything
downstream (the isolated runner, the checks) is the same for both.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from pathlib import Path


class SubmissionError(Exception):
    """The submission cannot be read at all (missing, unreadable, not a notebook)."""



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
class CodeCell:
    """One unit of code, executed in order. ``label`` names it in messages.

    ``source`` is Python (IPython syntax already transformed); ``original`` is the
    cell as the student wrote it, shown in tracebacks; ``not_run`` lists its IPython
    lines that grading does not run (shell escapes, ``%pip``); ``training_skipped``
    says that a top-level call of a training function was blanked, so a later
    NameError in this cell is its consequence, not the student's mistake.
    """

    source: str
    label: str
    original: str = ""
    not_run: tuple[str, ...] = ()
    training_skipped: bool = False


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


def load_program(path: str | Path) -> Program:
    """Read a notebook (``.ipynb``) or a Python module (``.py``) into a Program."""
    from .notebook import read_notebook_cells

    path = Path(path)
    if not path.exists():
        raise SubmissionError(f"no such file: {path}")
    if path.is_dir():
        raise SubmissionError(f"{path} is a folder; give the notebook or .py file inside it")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SubmissionError(f"cannot read {path}: {exc}") from None
    if path.suffix == ".py":
        return Program(str(path), (CodeCell(text, path.name),))
    if path.suffix == ".ipynb":
        from .notebook import left_out_definitions

        return Program(str(path), tuple(read_notebook_cells(text, path.name)),
                       left_out_names=left_out_definitions(text))
    raise SubmissionError(f"{path.name}: expected a .ipynb notebook or a .py module")


def program_from_sources(sources: list[str], path: str = "<kernel history>") -> Program:
    """A Program from raw cell sources (the in-notebook check uses the kernel history)."""
    from .notebook import read_cell

    cells = (read_cell(src, {}, f"In [{i}]") for i, src in enumerate(sources, start=1))
    return Program(path, tuple(c for c in cells if c is not None))
