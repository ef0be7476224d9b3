"""The same verdicts three ways: ``pytest exercises/``, a check cell in the notebook,
and ``deepgrade check``, on a student's copy of the release (no solutions/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import Course
from autograder.grade import grade_submission
from autograder.release.fill import fill_notebook, write_notebook

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = Course(ROOT).exercise_names
PUBLIC_CHECKS = {name: json.loads((ROOT / "exercises" / name / "public_checks.json").read_text())["checks"]
                 for name in EXERCISES}
PUBLIC_POINTS = {name: sum(c["points"] for c in checks) for name, checks in PUBLIC_CHECKS.items()}
#: The exercises whose checks call functions and read variables only (no Keras model).
NUMPY_EXERCISES = [name for name, checks in PUBLIC_CHECKS.items()
                   if all(c["kind"] in ("call", "value") for c in checks)]


#: What the filled copy answers: the NumPy exercises and the MLP, which stands for the model
#: exercises here (each trains for a minute or more on two cores; their references are graded with
#: every check in test_keras_models, test_ex09_one_vs_all and test_ex10_fine_tuning).
FILLED = [*NUMPY_EXERCISES, "ex05_mlp"]


@pytest.fixture
def filled_copy(student_copy: Path) -> Path:
    """The student's copy with the answer cells of FILLED filled in with the reference solution."""
    course = Course(ROOT)
    for name in FILLED:
        ex = course.exercise(name)
        target = student_copy / "exercises" / name / f"{name}.ipynb"
        write_notebook(fill_notebook(target, ex.solution_notebook), target)
    return student_copy


def run_pytest(where: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=where, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def test_pytest_on_the_untouched_release_reports_every_exercise_not_attempted(student_copy):
    proc = run_pytest(student_copy, "exercises/")
    assert proc.returncode == 1, proc.stdout[-3000:]
    summary = proc.stdout.split("deepgrade points", 1)[1]
    for name in EXERCISES:
        line = next(row for row in summary.splitlines() if row.strip().startswith(name))
        assert f"0/{PUBLIC_POINTS[name]:g}" in line and "not attempted" in line, line
    assert "Traceback" not in proc.stdout
    assert "NotImplementedError" in proc.stdout


def test_pytest_on_the_filled_release_gives_full_marks(filled_copy):
    proc = run_pytest(filled_copy, "exercises/")
    summary = proc.stdout.split("deepgrade points", 1)[1]
    for name in EXERCISES:
        line = next(row for row in summary.splitlines() if row.strip().startswith(name))
        points = PUBLIC_POINTS[name]
        assert (f"{points:g}/{points:g}" if name in FILLED else f"0/{points:g}") in line, line
    total, filled = sum(PUBLIC_POINTS.values()), sum(PUBLIC_POINTS[name] for name in FILLED)
    assert f"total: {filled:g}/{total:g} points" in proc.stdout, proc.stdout[-3000:]
    assert "validation accuracy 0.9" in proc.stdout  # the MLP's check says what it measured


@pytest.mark.parametrize("name", ["ex01_sigmoid", "ex08_perceptron"])
def test_pytest_on_one_exercise_folder(filled_copy, name):
    """What a student runs: ``pytest exercises/ex01_sigmoid`` scores that exercise alone."""
    proc = run_pytest(filled_copy, f"exercises/{name}")
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert f"total: {PUBLIC_POINTS[name]:g}/{PUBLIC_POINTS[name]:g}" in proc.stdout


def test_deepgrade_check_on_the_filled_release_gives_full_marks(filled_copy):
    """The NumPy exercises (the Keras references go through ``deepgrade check`` in test_keras_models)."""
    course = Course(filled_copy)
    assert {"ex01_sigmoid", "ex03_decision_boundary", "ex04_nll", "ex08_perceptron"} <= set(NUMPY_EXERCISES)
    for name in NUMPY_EXERCISES:
        nb = filled_copy / "exercises" / name / f"{name}.ipynb"
        result = grade_submission(nb, name, course=course)
        assert result.all_passed and result.score == PUBLIC_POINTS[name], result.to_json()


def test_check_cells_in_the_notebook_show_the_same_verdicts(filled_copy):
    import nbclient
    import nbformat

    for name in ("ex01_sigmoid", "ex04_nll"):
        path = filled_copy / "exercises" / name / f"{name}.ipynb"
        nb = nbformat.read(path, as_version=4)
        nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}}).execute()
        last = nb.cells[-1]
        shown = [o for o in last.outputs if o.output_type == "display_data"]
        assert len(shown) == 1 and not [o for o in last.outputs if o.output_type == "error"]
        text, page = shown[0].data["text/plain"], shown[0].data["text/html"]
        full = PUBLIC_POINTS[name]
        assert f"{name}: {full:g}/{full:g} points" in text, text
        assert f"{name}: {full:g} / {full:g}" in page and "deepgrade-failed" not in page
