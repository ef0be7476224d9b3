"""The autograde step's outputs, cell by cell, and how nbgrader scores them (no nbgrader run)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.utils import determine_grade

from autograder.nbgrader.autograde import NOT_RUN, GradeInSandbox, cell_outputs, check_outputs
from autograder.score import CheckResult, ExerciseResult


def _test_cell(check: str, points: float = 2):
    return new_code_cell(f'grade("ex", "{check}")', metadata={"nbgrader": {
        "grade": True, "solution": False, "grade_id": f"test-{check}", "points": points, "locked": True,
        "schema_version": 3, "task": False}})


def _scored(cell) -> float:
    return determine_grade(nbformat.from_dict(cell))[0]


def test_each_status_scores_what_deepgrade_gave():
    cases = [
        (CheckResult(name="a", target="f", max_points=2, status="passed", message="ok"), 2.0),
        (CheckResult(name="a", target="f", max_points=2, status="partial", message="accuracy 0.85", earned=1.25), 1.25),
        (CheckResult(name="a", target="f", max_points=2, status="failed", message="f(1) returned 3; expected 2", hint="Add the bias."), 0.0),
        (CheckResult(name="a", target="f", max_points=2, status="not_attempted", message="not attempted"), 0.0),
        (CheckResult(name="a", target="f", max_points=2, status="timeout", message="f(1) did not finish"), 0.0),
        (CheckResult(name="a", target="f", max_points=2, status="error", message="the process ended"), 0.0),
    ]
    for result, points in cases:
        cell = _test_cell("a")
        cell.outputs = check_outputs(result, [])
        assert _scored(cell) == points, result.status
        streams = [o.get("name") for o in cell.outputs]
        assert ("stderr" in streams) == (points == 0), result.status
        assert "error" not in [o.output_type for o in cell.outputs]  # never a traceback


def test_a_failed_check_names_its_verdict_and_hint():
    (failed,) = check_outputs(CheckResult(name="a", target="f", max_points=2, status="failed", message="f(1) returned 3", hint="Add the bias."), [])
    assert failed.name == "stderr"
    assert failed.text == "  [FAIL] a (0/2)\n         f(1) returned 3\n   hint: Add the bias.\n"


def test_notes_come_once_and_the_cells_show_what_they_did():
    nb = new_notebook(cells=[new_code_cell("print(1)"), _test_cell("a"), _test_cell("b"),
                             _test_cell("unknown"), new_code_cell("check('ex')")])
    result = ExerciseResult(exercise="ex", checks=[CheckResult(name="a", target="f", max_points=2, status="passed", message="ok"),
                                   CheckResult(name="b", target="f", max_points=2, status="failed", message="no")], notes=["`!ls` was not run while grading"])
    ran = [{"cell": "cell 1", "stdout": "1\n", "stderr": "WARNING:absl:noise\n", "result": "2"}]
    GradeInSandbox._write(nb, result, "", ran)
    assert [o.get("text") for o in nb.cells[0].outputs] == ["1\n", None]
    assert nb.cells[0].outputs[1].data == {"text/plain": "2"}
    assert "note: `!ls` was not run" in nb.cells[1].outputs[0].text
    assert all("note:" not in str(o) for o in nb.cells[2].outputs)
    assert [_scored(c) for c in nb.cells[1:4]] == [2.0, 0.0, 0.0]  # an unknown test cell never gets points
    assert "not a check of ex" in nb.cells[3].outputs[0].text
    assert nb.cells[4].outputs[0].text == NOT_RUN


def test_a_notebook_the_grader_cannot_grade_scores_zero_everywhere():
    nb = new_notebook(cells=[_test_cell("a"), _test_cell("b")])
    GradeInSandbox._write(nb, None, "the grader failed on this notebook")
    assert [_scored(c) for c in nb.cells] == [0.0, 0.0]


def test_cell_outputs_keep_errors_and_drop_library_logs():
    outputs = cell_outputs({"stderr": "2025-01-01 12:00:00.123: I tensorflow/core/x.cc:113] hi\n",
                            "error": {"types": ["ValueError", "Exception"], "message": "bad",
                                      "where": "cell 3, line 2: x = f()"}})
    assert [o.output_type for o in outputs] == ["error"]
    assert outputs[0].traceback == ["ValueError: bad", "cell 3, line 2: x = f()"]


def test_a_module_handed_in_for_the_notebook_is_cut_into_cells_as_a_notebook_would_be():
    """A notebook saved as a script keeps its check calls: one cell of it all would be left out as a
    check cell (the student's code with it); a statement each, only the check calls are."""
    from autograder.load.notebook import read_cell
    from autograder.nbgrader.submitted import module_cells

    code = ("import numpy as np\n\n# the logistic function\n@staticmethod\n@np.vectorize\ndef sigmoid(z):\n"
            "    return 1 / (1 + np.exp(-z))\n\nfrom autograder import check\ncheck('ex01_sigmoid', 'sigmoid')\n"
            "p_fake = sigmoid(1.52)\n")
    cells = module_cells(code)
    assert "".join(cells) == code
    assert cells[1].startswith("@staticmethod\n@np.vectorize\ndef sigmoid") and cells[1].rstrip().endswith("-z))")
    run = [c for c in cells if read_cell(c, new_code_cell(c), "cell") is not None]
    assert run == [c for c in cells if "check(" not in c] and len(run) == len(cells) - 1
    assert module_cells("def broken(:\n    pass\n") == ["def broken(:\n    pass\n"]
    # cut only where ast counts lines (a form feed or \u2028 in a string is no line end) and never
    # after a ';': every cell compiles, and joined they are the module
    for odd in ('s = "a\x0cb"\ndef f():\n    return 1\nx = f()\n', 't = "a\u2028b"\ny = 2\n',
                "x = (1,\n 2); y = 3\nz = 4\n", "a = 1\r\nb = 2\r\n"):
        cells = module_cells(odd)
        assert "".join(cells) == odd
        for cell in cells:
            compile(cell, "cell", "exec")
