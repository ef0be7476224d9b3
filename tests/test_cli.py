"""``deepgrade check``: text and JSON output, exit codes 0 / 1 / 2."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.cli import main

ROOT = Path(__file__).resolve().parents[1]
CLASS = ROOT / "examples" / "class"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_correct_notebook_exits_0_with_full_marks(capsys):
    code, out, _ = run(capsys, "check", str(CLASS / "ada/ex04_nll/ex04_nll.ipynb"), "-e", "ex04_nll", "--hidden")
    assert code == 0, out
    assert "ex04_nll: 11/11 points" in out


def test_json_contract(capsys):
    code, out, _ = run(capsys, "check", str(CLASS / "ben/ex01_sigmoid/ex01_sigmoid.ipynb"),
                       "--exercise", "ex01_sigmoid", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert {"exercise", "score", "max_score", "checks"} <= data.keys()
    assert data["exercise"] == "ex01_sigmoid"
    for check in data["checks"]:
        assert {"name", "target", "points", "max_points", "passed", "message", "hint"} <= check.keys()
    assert data["score"] == sum(c["points"] for c in data["checks"])
    failed = [c for c in data["checks"] if not c["passed"]]
    assert [c["target"] for c in failed] == ["predict_no_hidden"]
    assert "bias" in failed[0]["hint"]


@pytest.mark.parametrize("argv, text", [
    (["check", "nope.ipynb", "-e", "ex01_sigmoid"], "no such file"),
    (["check", str(CLASS / "ada/ex01_sigmoid/ex01_sigmoid.ipynb"), "-e", "ex99"], "unknown exercise"),
    (["check", str(ROOT / "pyproject.toml"), "-e", "ex01_sigmoid"], "expected a .ipynb notebook or a .py module"),
])
def test_usage_errors_exit_2_with_one_line(capsys, argv, text):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert text in err and len(err.strip().splitlines()) == 1, err


def test_broken_notebook_json_is_a_usage_error(capsys, tmp_path):
    bad = tmp_path / "broken.ipynb"
    bad.write_text('{"cells": [')
    code, _, err = run(capsys, "check", str(bad), "-e", "ex01_sigmoid", "--course", str(ROOT))
    assert code == 2 and "not valid notebook JSON" in err


def test_the_console_script_runs_without_tensorflow():
    """The NumPy exercises never import TensorFlow, in the grader or the student's process."""
    probe = ("import sys, autograder.cli as c; code = c.main(['check', sys.argv[1], '-e', 'ex01_sigmoid', "
             "'--hidden']); assert 'tensorflow' not in sys.modules; sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", probe, str(CLASS / "ada/ex01_sigmoid/ex01_sigmoid.ipynb")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_student_process_does_not_import_tensorflow(tmp_path):
    from autograder.grade import grade_submission
    from autograder.course import Course
    path = tmp_path / "s.py"
    path.write_text("import sys, numpy as np\n"
                    "def sigmoid(z):\n    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n"
                    "def predict_no_hidden(X, W, b):\n    return sigmoid(X @ W + b)\n"
                    "p_fake = 2.0 if 'tensorflow' in sys.modules else 0.82\n")
    result = grade_submission(path, "ex01_sigmoid", course=Course(ROOT))
    assert result.checks and result.score == result.max_score, result.to_json()
