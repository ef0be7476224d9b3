"""The real nbgrader round trip on a temporary copy of the course.

``nbgrader generate_assignment`` (every exercise) writes what ``deepgrade
release`` wrote; five students hand in; ``nbgrader autograde``, ``export`` and
``generate_feedback`` run as an instructor runs them. Every score is asserted,
and equals ``deepgrade check --hidden`` on the same submitted notebook.

ada hands in every exercise but the MLP, the CNN, the LSTM and one-vs-all: each
model exercise trains twice (the learning check), and fine-tuning, the quickest
to train, stands for them here, since they take the same path through autograde
(their references are graded with every check in tests/test_keras_models.py and
tests/test_ex09_one_vs_all.py, and by `make demo`); its released network must
reach the grader through nbgrader's folders too.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

from autograder import cli
from autograder.course import Course
from autograder.nbgrader import roundtrip as rt
from autograder.release.fill import fill_notebook
from autograder.release.pipeline import same_release

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = [n for n in Course(ROOT).exercise_names if Course(ROOT).exercise(n).has_solution]
#: Model exercises left out of the round trip (see the module's docstring): 3 minutes of training.
SLOW_MODELS = ("ex05_mlp", "ex06_cnn", "ex07_lstm", "ex09_one_vs_all")


def _ben_answers() -> dict:
    spec = importlib.util.spec_from_file_location("make_class", ROOT / "examples" / "make_class.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BEN


def _cell(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def _delete(nb: dict, grade_id: str) -> dict:
    nb = copy.deepcopy(nb)
    nb["cells"].remove(_cell(nb, grade_id))
    return nb


def _edit(nb: dict, grade_id: str, source: str) -> dict:
    nb = copy.deepcopy(nb)
    _cell(nb, grade_id)["source"] = source
    return nb


def build_students(course: Path) -> dict[str, dict[str, dict]]:
    """student -> exercise -> submitted notebook, made from the release with fill.py."""
    def release(name):
        return course / "exercises" / name / f"{name}.ipynb"

    def solution(name):
        return course / "solutions" / name / f"{name}.ipynb"

    def filled(name, answers=None):
        return fill_notebook(release(name), solution(name), answers)

    ben = _ben_answers()
    cheat = "from autograder.nbgrader import grade\ngrade = lambda *args, **kwargs: 2.0\n2.0\n"
    return {
        # all correct, every exercise
        "ada": {name: filled(name) for name in EXERCISES if name not in SLOW_MODELS},
        # the typical mistakes of the example class
        "ben": {name: filled(name, ben.get(name, {})) for name in ("ex01_sigmoid", "ex04_nll")},
        # hands in the release untouched
        "cleo": {name: fill_notebook(release(name)) for name in ("ex01_sigmoid", "ex04_nll")},
        # deleted a public and a hidden test cell, and rewrote the test cell of a wrong answer
        "dan": {
            "ex01_sigmoid": _edit(_delete(filled("ex01_sigmoid", {"p-fake": "p_fake = 1 / (1 + np.exp(1.52))\n"}),
                                          "test-sigmoid_values"),
                                  "test-p_fake_value", cheat),
            "ex04_nll": _delete(filled("ex04_nll"), "test-nll_binary_random"),
        },
        # renamed a function (and used the new name consistently)
        "eve": {
            "ex01_sigmoid": filled("ex01_sigmoid", {
                "sigmoid": "def logistic(z):\n    return 1 / (1 + np.exp(-z))\n",
                "predict-no-hidden": "def predict_no_hidden(X, W, b):\n    return logistic(X @ W + b)\n"}),
            "ex04_nll": filled("ex04_nll", {
                "nll-binary": ("def binary_nll(y, p):\n    p = np.clip(p, EPSILON, 1 - EPSILON)\n"
                               "    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n")}),
        },
    }


#: The score of every (student, exercise), worked out from checks.py's points:
#: ex01 12 (sigmoid 2+1+2, predict_no_hidden 2+2, p_fake 1+2), ex02 16 (NumPy 10, Keras 2+3+1),
#: ex03 10, ex04 11 (nll_binary 2+1+2+1, nll_categorical 2+1+2), ex05-ex07 10 each (architecture 2,
#: validation accuracy 3, held-out accuracy 4, learning 1), ex08 12 (heaviside 2+1, perceptron_predict
#: 1+1, perceptron_fit 2+1+2, xor_best_accuracy 1+1), ex10 10 (architecture 2, base frozen 2, validation
#: accuracy 2, held-out accuracy 3, learning 1; the released network travels with the release).
#: A missing submission scores 0.
EXPECTED = {
    "ada": {"ex01_sigmoid": 12, "ex02_forward_pass": 16, "ex03_decision_boundary": 10, "ex04_nll": 11,
            "ex08_perceptron": 12, "ex10_fine_tuning": 10},
    # ex01: bias missing (-4, predict_no_hidden), p_fake sign (-2, hidden value);
    # ex04: the sum instead of the mean fails all four nll_binary checks (-6)
    "ben": {"ex01_sigmoid": 6, "ex04_nll": 5},
    "cleo": {"ex01_sigmoid": 0, "ex04_nll": 0},
    # ex01: the deleted cell is put back and passes; the rewritten one is restored and fails (-2)
    "dan": {"ex01_sigmoid": 10, "ex04_nll": 11},
    # ex01: `sigmoid` is not defined (-5); ex04: `nll_binary` is not defined (-6)
    "eve": {"ex01_sigmoid": 7, "ex04_nll": 5},
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course after release, submission, autograde, export and feedback."""
    course = rt.copy_course(ROOT, tmp_path_factory.mktemp("nbgrader") / "course")
    rt.nbgrader(course, "generate_assignment", "*", "--force")
    students = build_students(course)
    for student, notebooks in students.items():
        for name, nb in notebooks.items():
            rt.submit(course, student, name, nb)
    rt.nbgrader(course, "autograde", "*", "--force")
    rows = rt.export_grades(course)
    rt.nbgrader(course, "generate_feedback", "*", "--force")
    return course, students, rows


def test_nbgrader_releases_what_deepgrade_release_wrote(graded):
    course, _, _ = graded
    committed = sorted(p.relative_to(ROOT) for p in (ROOT / "exercises").rglob("*") if p.is_file())
    released = sorted(p.relative_to(course) for p in (course / "exercises").rglob("*") if p.is_file())
    assert released == committed
    for rel in committed:  # byte for byte, but for floats' last digits (RELEASE_RTOL)
        assert same_release(rel, (course / rel).read_text(), (ROOT / rel).read_text()), rel
    assert not list((course / "exercises").rglob("checks.py"))


def test_every_score_is_exact(graded):
    _, _, rows = graded
    got = rt.scores(rows)
    for student in EXPECTED:
        for name in EXERCISES:
            expected = EXPECTED[student].get(name, 0)
            assert got[(student, name)][0] == expected, (student, name, got[(student, name)])
    total = {name: sum(c.points for c in Course(ROOT).exercise(name).checks()) for name in EXERCISES}
    assert {k[1]: v[1] for k, v in got.items()} == total


def _deepgrade_check_hidden(notebook: Path, exercise: str, course: Path) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli.main(["check", str(notebook), "-e", exercise, "--hidden", "--format", "json",
                  "--course", str(course)])
    return json.loads(out.getvalue())


def test_nbgrader_scores_equal_deepgrade_check_hidden(graded):
    course, students, rows = graded
    got = rt.scores(rows)
    for student, notebooks in students.items():
        for name in notebooks:
            submitted = course / "submitted" / student / name / f"{name}.ipynb"
            report = _deepgrade_check_hidden(submitted, name, course)
            assert got[(student, name)] == (report["score"], report["max_score"]), (student, name)


def test_each_test_cell_scores_its_check(graded):
    """Cell by cell, nbgrader's points are the check's points from deepgrade check."""
    from nbgrader.api import Gradebook

    course, _, _ = graded
    submitted = course / "submitted" / "ben" / "ex01_sigmoid" / "ex01_sigmoid.ipynb"
    report = _deepgrade_check_hidden(submitted, "ex01_sigmoid", course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook("ex01_sigmoid", "ex01_sigmoid", "ben")
        cells = {g.name: g.score for g in nb.grades}
    assert cells == {f"test-{c['name']}": c["points"] for c in report["checks"]}


def test_feedback_shows_no_hidden_case_or_reference_value(graded):
    from autograder.grade import hidden_plans
    from autograder.run.codec import normalize

    course, students, _ = graded
    c = Course(course)
    for name in ("ex01_sigmoid", "ex04_nll"):
        plans = hidden_plans(c.exercise(name))
        secrets = set()
        for plan in plans:
            for case in plan.cases:
                if plan.kind != "value":
                    secrets.add(case.shows)
                value = normalize(case.expected)
                if isinstance(value, float) and len(repr(value)) > 6:  # distinctive numbers only
                    secrets |= {f"{value:.4f}", f"{value:.6g}", repr(value)}
        # a number the task itself tells the student (-ln(0.1) in ex04) is no secret
        released = (course / "exercises" / name / f"{name}.ipynb").read_text()
        secrets = {s for s in secrets if s not in released}
        assert secrets
        for student in students:
            html = (course / "feedback" / student / name / f"{name}.html").read_text()
            text = re.sub(r"<[^>]+>", "", html)
            for secret in secrets:
                assert secret not in text and secret not in html, (student, name, secret)
            assert "default_rng" not in html and "_hidden_cases" not in html  # checks.py's code


def test_demo_and_self_check_cells_are_not_run_when_autograding(graded):
    course, _, _ = graded
    nb = json.loads((course / "autograded" / "ada" / "ex03_decision_boundary"
                     / "ex03_decision_boundary.ipynb").read_text())
    skipped = [cell for cell in nb["cells"] if set(cell["metadata"].get("tags", [])) & {"demo", "deepgrade:check"}]
    assert skipped and any("demo" in cell["metadata"]["tags"] for cell in skipped)
    for cell in skipped:
        assert ["".join(o.get("text", "")) for o in cell["outputs"]] == [
            f"(not run while grading: this cell is tagged {cell['metadata']['tags'][0]})\n"]


def test_test_cells_show_only_their_verdict(graded):
    """The verdict on stderr exactly where the check scored 0; never an error (traceback)."""
    from nbgrader.api import Gradebook

    course, _, _ = graded
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for path in (course / "autograded").rglob("*.ipynb"):
            student, exercise = path.parent.parent.name, path.parent.name
            points = {g.name: (g.auto_score, g.max_score)
                      for g in gb.find_submission_notebook(exercise, exercise, student).grades}
            for cell in json.loads(path.read_text())["cells"]:
                meta = cell["metadata"].get("nbgrader", {})
                if meta.get("grade") and not meta.get("solution"):
                    kinds = [(o["output_type"], o.get("name")) for o in cell["outputs"]]
                    assert "error" not in [k for k, _ in kinds], (path, kinds)
                    failed = ("stream", "stderr") in kinds
                    assert failed == (points[meta["grade_id"]][0] == 0), (path, meta["grade_id"], kinds)


def test_autograde_keeps_the_trained_models_answers_beside_the_notebook_for_the_integrity_report(graded, tmp_path):
    """The held-out answers and weight digest go to <notebook>.deepgrade.json, never into feedback;
    ``deepgrade integrity --nbgrader`` reads them there."""
    from autograder.cli import main
    from autograder.integrity.collect import held_out_labels
    from autograder.nbgrader import RESULT_SUFFIX
    from autograder.score import ModelTrace

    course, _, _ = graded
    result = json.loads((course / "autograded" / "ada" / "ex10_fine_tuning" /
                         f"ex10_fine_tuning{RESULT_SUFFIX}").read_text())
    [check] = [c for c in result["checks"] if "integrity" in c]
    trace = ModelTrace.from_json(check["integrity"])
    assert trace is not None and len(trace.weights_digest) == 64
    labels = held_out_labels(Course(course), "ex10_fine_tuning")
    assert np.mean(trace.labels() == labels) == pytest.approx(check["details"]["accuracy"])
    numpy_only = json.loads((course / "autograded" / "ada" / "ex01_sigmoid" /
                             f"ex01_sigmoid{RESULT_SUFFIX}").read_text())
    assert not any("integrity" in c for c in numpy_only["checks"])
    for page in (course / "feedback").rglob("*.html"):
        text = page.read_text()
        assert trace.predicted[:40] not in text and trace.weights_digest not in text
    assert main(["integrity", "--nbgrader", str(course), "--out", str(tmp_path)]) == 0
    twin = json.loads((tmp_path / "integrity.json").read_text())
    assert {e["exercise"] for e in twin["exercises"]} >= {"ex01_sigmoid", "ex10_fine_tuning"}


def test_reading_notebooks_builds_no_iri_grammar():
    """nbformat validates with jsonschema, which builds 38 Lark grammars at import when the optional
    rfc3987-syntax is installed: half of every nbgrader command's start (2 CPU-s). ``make install``
    leaves it out; nothing here validates an IRI format."""
    import sys

    import jsonschema
    import nbformat

    assert nbformat.validate(nbformat.v4.new_notebook()) is None  # notebooks are still validated
    assert "iri" not in jsonschema.FormatChecker().checkers, "pip uninstall rfc3987-syntax (make install does)"
    assert "rfc3987_syntax" not in sys.modules
