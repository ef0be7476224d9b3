"""The class report: what the class got wrong, counted exactly, ranked, in one inert page.

A class of 60 students is built from result records with planted mistake
frequencies (grading 60 notebooks would take long; the report reads the same
records that ``deepgrade grade`` writes), and every count is checked. The
example class is graded for real (its exercises without training), nbgrader's
gradebook is read like results.json, and the page is opened in a real browser.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.report.class_page import class_page
from autograder.details import AccuracySeen, Details, LearningSeen
from autograder.report.class_report import Graded, class_report
from autograder.score import CheckResult, ExerciseResult, Status

ROOT = Path(__file__).resolve().parents[1]
STUDENTS = [f"s{k:02d}" for k in range(60)]

#: Planted: (exercise, mistake) -> the students who make it.
PLANTED = {
    ("ex01_sigmoid", "tanh_for_sigmoid"): STUDENTS[:23],
    ("ex01_sigmoid", "exponent_sign"): STUDENTS[23:34],
    ("ex01_sigmoid", "missing_bias"): STUDENTS[30:35],  # overlaps: s30-s33 make two mistakes
    ("ex05_mlp", "rescaled_inputs"): STUDENTS[40:57],
    ("ex05_mlp", "overfitting"): STUDENTS[:3],
    ("ex05_mlp", "trained_at_top_level"): STUDENTS[57:59],
}
TIMED_OUT = STUDENTS[59:]  # their ex05 training ran past its budget
NOT_LEARNING = STUDENTS[50:54]  # of the rescaled ones: the learning check fails too


def _sigmoid_checks(student: str) -> list[CheckResult]:
    checks = []
    for name, mistakes in (("sigmoid_values", ("tanh_for_sigmoid", "exponent_sign")),
                           ("sigmoid_on_arrays", ("tanh_for_sigmoid",)),  # the same mistake, a second check
                           ("predict_no_hidden", ("missing_bias",))):
        made = [m for m in mistakes if student in PLANTED[("ex01_sigmoid", m)]]
        if made:
            checks.append(CheckResult(name=name, target="sigmoid", max_points=2, status=Status.FAILED,
                                      message="wrong", hint=f"hint for {made[0]}", mistake=made[0]))
        else:
            checks.append(CheckResult(name=name, target="sigmoid", max_points=2, status=Status.PASSED))
    return checks


def _mlp_checks(student: str) -> list[CheckResult]:
    if student in TIMED_OUT:
        return [CheckResult(name=n, target="train_mlp", max_points=p, status=Status.TIMEOUT,
                            message="train_mlp did not finish training within its budget of 60 s")
                for n, p in (("mlp_validation_accuracy", 3), ("mlp_learns_from_its_data", 1))]
    made = next((m for (ex, m), who in PLANTED.items() if ex == "ex05_mlp" and student in who), None)
    acc = 0.97 if made is None else {"rescaled_inputs": 0.70, "overfitting": 0.9,
                                     "trained_at_top_level": 0.1}[made]
    details = Details(accuracy=AccuracySeen(acc, "validation", pass_at=0.95, zero_at=0.6))
    points = 3 if acc >= 0.95 else max(0.0, round(3 * (acc - 0.6) / 0.35, 2))
    status = Status.PASSED if made is None else Status.PARTIAL if points > 0 else Status.FAILED
    accuracy = CheckResult(name="mlp_validation_accuracy", target="train_mlp", max_points=3, status=status,
                           earned=points if status is Status.PARTIAL else None, message=f"validation accuracy {acc}",
                           hint=f"hint for {made}" if made else "", mistake=made, details=details)
    learns = student not in NOT_LEARNING
    learning = CheckResult(name="mlp_learns_from_its_data", target="train_mlp", max_points=1,
                           status=Status.PASSED if learns else Status.FAILED, hidden=True,
                           message="matched" if learns else "did not learn from its data",
                           mistake=None if learns else "ignores_its_data", details=Details(learning=LearningSeen(True, acc)))
    return [accuracy, learning]


def _records() -> list[dict]:
    records = []
    for student in STUDENTS:
        for exercise, checks in (("ex01_sigmoid", _sigmoid_checks(student)), ("ex05_mlp", _mlp_checks(student))):
            records.append({"student": student, **ExerciseResult(exercise=exercise, checks=checks).to_json()})
    return records


@pytest.fixture(scope="module")
def reported(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("class")
    (out / "results.json").write_text(json.dumps({"sandbox": "test", "submissions": _records()}))
    assert main(["report", str(out), "--course", str(ROOT)]) == 0
    return out, json.loads((out / "class.json").read_text())


def test_every_planted_mistake_frequency_is_exact(reported):
    _, data = reported
    counted = {(m["exercise"], m["mistake"]): m["count"] for m in data["mistakes"]}
    expected = {key: len(who) for key, who in PLANTED.items()} | {("ex05_mlp", "ignores_its_data"): 4}
    assert counted == expected
    for m in data["mistakes"]:
        who = PLANTED.get((m["exercise"], m["mistake"]), NOT_LEARNING)
        assert sorted(m["students"]) == sorted(who) and m["example"] in who
        assert m["hint"] == ("" if m["mistake"] == "ignores_its_data" else f"hint for {m['mistake']}")
    tanh = next(m for m in data["mistakes"] if m["mistake"] == "tanh_for_sigmoid")
    assert tanh["checks"] == ["sigmoid_values", "sigmoid_on_arrays"]  # two checks, each student once


def test_the_terminal_summary_gives_exercise_totals_then_the_top_mistakes():
    from autograder.report.class_report import class_summary_text, graded_from_records
    from autograder.results import Record

    text = class_summary_text(class_report(graded_from_records(Record.from_json(r) for r in _records())))
    lines = text.splitlines()
    assert max(map(len, lines)) <= 100
    assert lines[0].split() == ["exercise", "students", "mean", "max", "not", "attempted"]
    assert lines[2].split()[:2] == ["ex01_sigmoid", "60"] and lines[3].split()[:2] == ["ex05_mlp", "60"]
    top = lines[lines.index("most common mistakes (of 7):") + 1:]
    assert [line.split()[:5] for line in top] == [
        ["23", "of", "60", "ex01_sigmoid", "tanh_for_sigmoid"], ["17", "of", "60", "ex05_mlp", "rescaled_inputs"],
        ["11", "of", "60", "ex01_sigmoid", "exponent_sign"], ["5", "of", "60", "ex01_sigmoid", "missing_bias"],
        ["4", "of", "60", "ex05_mlp", "ignores_its_data"]]


def test_the_most_common_misconception_comes_first(reported):
    _, data = reported
    counts = [m["count"] for m in data["mistakes"]]
    assert counts == sorted(counts, reverse=True)
    assert [m["mistake"] for m in data["mistakes"][:3]] == ["tanh_for_sigmoid", "rescaled_inputs", "exponent_sign"]


def test_pass_rates_scores_accuracies_learning_and_troubles(reported):
    _, data = reported
    ex01 = next(e for e in data["exercises"] if e["exercise"] == "ex01_sigmoid")
    rates = {c["check"]: (c["passed"], c["graded"]) for c in ex01["checks"]}
    assert rates == {"sigmoid_values": (60 - 34, 60), "sigmoid_on_arrays": (60 - 23, 60),
                     "predict_no_hidden": (60 - 5, 60)}
    assert len(ex01["scores"]) == 60 and ex01["scores"]["s00"] == 2 and ex01["scores"]["s59"] == 6
    (model,) = data["models"]
    assert (model["exercise"], model["check"], model["pass_at"], model["zero_at"]) == \
        ("ex05_mlp", "mlp_validation_accuracy", 0.95, 0.6)
    assert len(model["accuracies"]) == 59  # the one that timed out has no accuracy
    assert sum(a["accuracy"] == 0.7 for a in model["accuracies"]) == 17
    assert sorted(i["student"] for i in data["learning"]) == NOT_LEARNING
    assert [(i["student"], i["check"], i["status"]) for i in data["troubles"]] == [
        ("s59", "mlp_validation_accuracy", "timeout"), ("s59", "mlp_learns_from_its_data", "timeout")]


def test_the_page_ranks_the_mistakes_and_is_inert(reported):
    out, data = reported
    page = (out / "class.html").read_text()
    assert "<script" not in page.lower() and "default-src 'none'" in page
    assert [int(n) for n in re.findall(r'<td data-count="(\d+)">', page)] == [m["count"] for m in data["mistakes"]]
    assert "23 of 60 (38%)" in page
    assert page.count('data-picture="histogram"') == 3  # two exercises' points, one model's accuracies
    assert "ex05_mlp mlp_validation_accuracy: validation accuracy per student: 59 students" in page


def test_names_and_hints_are_escaped():
    hostile = CheckResult(name="c", target="t", max_points=1, status=Status.FAILED, hint="<img src=x onerror=1>",
                          mistake="m<script>")
    page = class_page(class_report([Graded("<b>eve</b>", ExerciseResult(exercise="ex01", checks=[hostile]))]))
    assert "<b>eve</b>" not in page and "&lt;b&gt;eve&lt;/b&gt;" in page
    assert "<script>" not in page and "<img src=x" not in page


def test_report_without_results_is_a_one_line_usage_error(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no results.json" in err


# -- nbgrader's gradebook ------------------------------------------------------------------------

def test_the_same_report_from_nbgrader_gradebook(tmp_path, monkeypatch):
    from nbgrader.api import Gradebook

    from autograder.nbgrader.autograde import GradeInSandbox

    course = tmp_path / "course"
    course.mkdir()
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")  # alembic
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as book:
        book.add_assignment("ex01_sigmoid")
        book.add_notebook("ex01_sigmoid", "ex01_sigmoid")
        for name in ("sigmoid_values", "sigmoid_on_arrays", "predict_no_hidden"):
            book.add_grade_cell(f"test-{name}", "ex01_sigmoid", "ex01_sigmoid", max_score=2, cell_type="code")
        for student in STUDENTS[:30]:
            book.add_student(student)
            book.add_submission("ex01_sigmoid", student)
            checks = _sigmoid_checks(student)
            points = {f"test-{c.name}": c.points for c in checks}
            for grade in book.find_submission_notebook("ex01_sigmoid", "ex01_sigmoid", student).grades:
                grade.auto_score = points[grade.name]
            # the autograded notebook as GradeInSandbox writes it (but for s00: graded by hand)
            if student != "s00":
                import nbformat

                cells = [nbformat.v4.new_code_cell("", metadata={"nbgrader": {
                    "grade": True, "solution": False, "grade_id": f"test-{c.name}", "points": 2}})
                    for c in checks]
                nb = nbformat.v4.new_notebook(cells=cells)
                GradeInSandbox._write(nb, ExerciseResult(exercise="ex01_sigmoid", checks=checks), "")
                folder = course / "autograded" / student / "ex01_sigmoid"
                folder.mkdir(parents=True)
                nbformat.write(nb, str(folder / "ex01_sigmoid.ipynb"))
        book.db.commit()
    out = tmp_path / "out"
    assert main(["report", str(out), "--nbgrader", str(course)]) == 0
    data = json.loads((out / "class.json").read_text())
    counted = {m["mistake"]: sorted(m["students"]) for m in data["mistakes"]}
    graded_by_hand = {"s00"}  # no kept verdict: its points count, its mistakes are not known
    planted = {m: sorted(set(who) & set(STUDENTS[:30]) - graded_by_hand)
               for (ex, m), who in PLANTED.items() if ex == "ex01_sigmoid"}
    assert counted == {m: who for m, who in planted.items() if who}
    (ex01,) = data["exercises"]
    assert len(ex01["scores"]) == 30 and ex01["scores"]["s00"] == 2  # s00 from the gradebook's points
    assert all(ex01["scores"][s] == sum(c.points for c in _sigmoid_checks(s)) for s in STUDENTS[:30])
    assert sqlite3.connect(course / "gradebook.db").execute("select count(*) from student").fetchone() == (30,)


# -- the example class, graded for real ----------------------------------------------------------

def test_the_example_class_report_names_bens_mistakes(tmp_path):
    out = tmp_path / "out"
    exercises = ("ex01_sigmoid", "ex03_decision_boundary", "ex08_perceptron")
    argv = ["grade", str(ROOT / "examples" / "class"), "--out", str(out), "--workers", "2", "--course", str(ROOT)]
    for exercise in exercises:
        argv += ["--exercise", exercise]
    assert main(argv) == 0
    data = json.loads((out / "class.json").read_text())
    made = {(m["exercise"], m["mistake"]): m["students"] for m in data["mistakes"]}
    # examples/make_class.py: ben forgot the bias, flipped the sign of z, swapped the boundary's
    # intercept and slope, compared the log-odds with 0.5, and never updated the perceptron's bias
    for key in (("ex01_sigmoid", "missing_bias"), ("ex01_sigmoid", "exponent_sign"),
                ("ex03_decision_boundary", "intercept_slope_swapped"), ("ex03_decision_boundary", "log_odds_half"),
                ("ex08_perceptron", "bias_not_updated")):
        assert made.get(key) == ["ben"], (key, made)
    assert all("ada" not in who for who in made.values())
    assert {e["exercise"]: e["not_attempted"] for e in data["exercises"]} == dict.fromkeys(exercises, 1)  # cleo
    # regenerated from results.json alone, the same report
    first = (out / "class.json").read_text()
    (out / "class.json").unlink()
    assert main(["report", str(out)]) == 0 and (out / "class.json").read_text() == first


# -- in a real browser -----------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_the_class_page_in_chromium(reported, tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no browser: {CHROMIUM} is missing (make install installs Debian's chromium)")
    out, data = reported
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto((out / "class.html").as_uri())
        rows = page.locator("#mistakes tr.mistake")
        assert rows.count() == len(data["mistakes"])
        assert rows.first.locator("code").inner_text() == "tanh_for_sigmoid"
        images = page.locator("img")
        assert images.count() == 3
        for k in range(images.count()):  # every picture decoded and drawn
            assert images.nth(k).evaluate("i => i.complete && i.naturalWidth > 100")
        assert page.evaluate("document.scripts.length") == 0
        page.screenshot(path=str(tmp_path / "class.png"), full_page=True)
        browser.close()
    assert errors == [] and (tmp_path / "class.png").stat().st_size > 10_000
