"""Held-out notebook attacks on the reader: every field of a handed-in notebook given a JSON value
of another type. The notebook is read (the course's cells restored, the student's code kept) or
refused with a :class:`SubmissionError` that says why; nothing else is ever raised, so no
student's file can make the grader fail (a grader failure stops the class run's exit 0)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from autograder.load import SubmissionError, load_program
from autograder.release.fill import fill_notebook

ROOT = Path(__file__).resolve().parents[1]
EX = "ex01_sigmoid"
RELEASE = ROOT / "exercises" / EX / f"{EX}.ipynb"
SOLUTION = ROOT / "solutions" / EX / f"{EX}.ipynb"
#: JSON values of every type, the unhashable ones included (a list or an object where a string is due).
ODD = [["code"], {"a": 1}, 3, None, 1.5, True, [1, [2]], {"x": [1]}, "\x00"]


@pytest.fixture(scope="module")
def right() -> dict:
    return fill_notebook(RELEASE, SOLUTION)


def _load(nb: dict, tmp_path: Path):
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    try:
        return load_program(path, reference=RELEASE, submitted=True)
    except SubmissionError as exc:
        return exc


@pytest.mark.parametrize("field", ["cell_type", "source", "id", "metadata", "attachments", "outputs",
                                   "execution_count"])
def test_a_cell_field_of_any_type_is_read_or_refused_never_raised(right, tmp_path, field):
    for index in (0, 1, 3):  # markdown, the imports, a solution cell
        for value in ODD:
            nb = copy.deepcopy(right)
            nb["cells"][index][field] = value
            _load(nb, tmp_path)  # anything but SubmissionError fails the test


def test_a_cell_type_that_is_no_string_leaves_the_other_cells_graded(right, tmp_path):
    nb = copy.deepcopy(right)
    nb["cells"][0]["cell_type"] = ["code"]  # the introduction: markdown, now an unhashable list
    program = _load(nb, tmp_path)
    assert not isinstance(program, SubmissionError), program
    clean = _load(right, tmp_path)
    assert [c.source for c in program.cells] == [c.source for c in clean.cells]


@pytest.mark.parametrize("field", ["metadata", "nbformat", "nbformat_minor", "cells", "worksheets"])
def test_a_notebook_field_of_any_type_is_read_or_refused_never_raised(right, tmp_path, field):
    for value in ODD:
        nb = copy.deepcopy(right)
        nb[field] = value
        _load(nb, tmp_path)


@pytest.mark.parametrize("field", ["grade", "solution", "locked", "points", "grade_id", "schema_version", "task",
                                   "checksum"])
def test_nbgrader_cell_metadata_of_any_type_is_restored_never_raised(right, tmp_path, field):
    clean = [c.source for c in _load(right, tmp_path).cells]
    for index in (1, 3, 4):
        for value in ODD:
            nb = copy.deepcopy(right)
            nb["cells"][index]["metadata"].setdefault("nbgrader", {})[field] = value
            program = _load(nb, tmp_path)
            assert not isinstance(program, SubmissionError), (index, field, value, program)
            assert [c.source for c in program.cells] == clean, (index, field, value)
