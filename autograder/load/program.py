"""A submission reduced to what will run: an ordered list of code cells.

Notebooks and ``.py`` modules both become a :class:`Program`, so everything
downstream (the isolated runner, the checks) is the same for both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class SubmissionError(Exception):
    """The submission cannot be read at all (missing, unreadable, not a notebook)."""


@dataclass(frozen=True)
class CodeCell:
    """One unit of code, executed in order. ``label`` names it in messages."""

    source: str
    label: str


@dataclass(frozen=True)
class Program:
    """What a submission runs, plus notes made while reading it."""

    path: str
    cells: tuple[CodeCell, ...]
    notes: tuple[str, ...] = field(default=())

    def as_message(self) -> dict:
        """The form sent to the student's process."""
        return {"path": self.path,
                "cells": [{"source": c.source, "label": c.label} for c in self.cells]}


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
        cells, notes = read_notebook_cells(text, path.name)
        return Program(str(path), tuple(cells), tuple(notes))
    raise SubmissionError(f"{path.name}: expected a .ipynb notebook or a .py module")


def program_from_sources(sources: list[str], path: str = "<kernel history>") -> Program:
    """A Program from raw cell sources (the in-notebook check uses the kernel history)."""
    from .notebook import prepare_cell

    cells = []
    for i, src in enumerate(sources, start=1):
        prepared = prepare_cell(src, {})
        if prepared is not None:
            cells.append(CodeCell(prepared, f"In [{i}]"))
    return Program(path, tuple(cells))
