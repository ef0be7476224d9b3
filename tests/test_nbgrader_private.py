"""What deepgrade relies on in nbgrader's private API (autograder/nbgrader/nbgrader_private.py):
pinned, so an nbgrader upgrade that changes it fails here first."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell
from nbgrader.preprocessors import ClearHiddenTests

from autograder.nbgrader.nbgrader_private import remove_hidden_tests

SOURCE = ("from autograder.nbgrader import grade\n"
          "grade('ex01_sigmoid', 'sigmoid_values')\n"
          "### BEGIN HIDDEN TESTS\n"
          "grade('ex01_sigmoid', 'sigmoid_values', hidden=True)\n"
          "### END HIDDEN TESTS")


def test_the_hidden_region_and_its_delimiters_are_removed():
    cell = new_code_cell(SOURCE)
    assert remove_hidden_tests(ClearHiddenTests(), cell) is True
    assert cell.source == "from autograder.nbgrader import grade\ngrade('ex01_sigmoid', 'sigmoid_values')"


def test_a_cell_without_a_region_is_left_as_it_is():
    cell = new_code_cell("x = 1\nprint(x)")
    assert remove_hidden_tests(ClearHiddenTests(), cell) is False
    assert cell.source == "x = 1\nprint(x)"


def test_the_delimiters_are_the_preprocessors_own():
    clearer = ClearHiddenTests(begin_test_delimeter="BEGIN SECRET", end_test_delimeter="END SECRET")
    cell = new_code_cell("a = 1\n# BEGIN SECRET\nb = 2\n# END SECRET\nc = 3")
    assert remove_hidden_tests(clearer, cell) is True and cell.source == "a = 1\nc = 3"
    untouched = new_code_cell(SOURCE)
    assert remove_hidden_tests(clearer, untouched) is False and untouched.source == SOURCE


@pytest.mark.parametrize("source", [
    "### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS\nx\n### END HIDDEN TESTS",   # nested
    "### BEGIN HIDDEN TESTS\nx = 1",                                             # never ended
])
def test_a_broken_region_raises_runtime_error(source):
    with pytest.raises(RuntimeError):
        remove_hidden_tests(ClearHiddenTests(), new_code_cell(source))
