"""Every picture says what it shows: its caption, title, axis labels and ticks come from its data.

Each picture kind is rendered for a right, a wrong and a missing answer; the
tests read the picture's description (the image's alt text), which is written
from the drawn axes themselves (:func:`autograder.report.pictures.axes_said`).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from autograder.report.html import exercise_html, student_page
from autograder.details import Boundary, Details
from autograder.report.pictures import Picture, boundary_picture, confusion_picture, figures, history_picture
from autograder.results import Record
from autograder.score import ExerciseResult

pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parents[1]

CURVES = {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.8, 0.7], "accuracy": [0.6, 0.8, 0.9],
          "val_accuracy": [0.55, 0.7, 0.8]}


def _matrix(n: int, right: int, wrong: int) -> list[list[int]]:
    return [[right if i == j else wrong for j in range(n)] for i in range(n)]


def _boundary(data: dict) -> Boundary:
    """A boundary as a check's details keep it (JSON), typed."""
    boundary = Details.from_json({"boundary": data}).boundary
    assert boundary is not None
    return boundary


def _history(data: dict) -> dict[str, list[float]]:
    return Details.from_json({"history": data}).history or {}


def _confusion(details: dict) -> Picture | None:
    """The confusion picture of a check's details (JSON), when they hold a matrix at all."""
    confusion = Details.from_json(details).confusion
    return confusion_picture(confusion) if confusion is not None else None


# -- decision boundary -----------------------------------------------------------------------------

def test_a_right_boundary_is_drawn_dashed_over_the_reference():
    picture = boundary_picture(_boundary({"coefficients": [1.0, 2.0, 4.0], "reference": [-0.25, -0.5],
                                "student": [-0.25, -0.5]}))
    assert picture is not None
    assert picture.caption.startswith("Your decision boundary (dashed) against the reference (solid)")
    assert "yours x2 = -0.25 - 0.5 x1" in picture.alt and "title 'b0, b1, b2 = 1, 2, 4'" in picture.alt
    assert "x axis 'x1'" in picture.alt and "y axis 'x2'" in picture.alt


def test_a_wrong_boundary_says_both_lines():
    picture = boundary_picture(_boundary({"coefficients": [1.0, 2.0, 4.0], "reference": [-0.25, -0.5],
                                "student": [-0.5, -0.25]}))
    assert picture is not None and "Reference x2 = -0.25 - 0.5 x1; yours x2 = -0.5 - 0.25 x1" in picture.alt


@pytest.mark.parametrize("student", [None, [float("nan"), 1.0], "junk"])
def test_a_missing_boundary_is_never_called_yours(student):
    picture = boundary_picture(_boundary({"coefficients": [1.0, 2.0, 4.0], "reference": [-0.25, -0.5], "student": student}))
    assert picture is not None
    assert "dashed" not in picture.caption and "Your decision boundary" not in picture.caption
    assert "your function gave no line" in picture.caption and "no line of yours" in picture.alt


# -- training curves -------------------------------------------------------------------------------

def test_training_curves_have_whole_epochs():
    picture = history_picture(_history({k: v * 3 for k, v in CURVES.items()}))  # nine epochs
    assert picture is not None and picture.caption.startswith("Training curves: 9 epochs")
    ticks = re.findall(r"x axis 'epoch' ticks \[([^\]]*)\]", picture.alt)
    assert len(ticks) == 2  # the loss panel and the accuracy panel
    for said in ticks:
        values = [float(t.replace("\u2212", "-")) for t in said.split(", ")]
        assert values and all(v == int(v) and 1 <= v <= 9 for v in values), said


def test_a_two_epoch_run_has_no_half_epochs():
    picture = history_picture(_history({"loss": [0.5, 0.3], "val_loss": [0.6, 0.4]}))
    assert picture is not None and "x axis 'epoch' ticks [1, 2]" in picture.alt


def test_one_epoch_is_a_point_with_its_value():
    picture = history_picture(_history({"loss": [0.53], "val_loss": [0.41], "accuracy": [0.9], "val_accuracy": [0.92]}))
    assert picture is not None
    assert picture.caption == "Training: one epoch (accuracy 0.9, loss 0.53, val_accuracy 0.92, val_loss 0.41)"
    assert picture.alt.count("x axis 'epoch' ticks [1]") == 2  # no axis from 0.96 to 1.04


@pytest.mark.parametrize("history", [{}, {"loss": []}, {"loss": [float("nan")]}, {"loss": "junk"}])
def test_no_curves_no_picture(history):
    assert history_picture(_history(history)) is None


# -- confusion matrices ----------------------------------------------------------------------------

def test_the_matrix_says_its_split_and_its_own_accuracy():
    details = {"confusion_matrix": _matrix(10, 66, 34 // 9), "split": "validation", "noun": "digit",
               "class_names": [str(k) for k in range(10)], "accuracy": 0.66}
    picture = _confusion(details)
    assert picture is not None
    total = 10 * 66 + 90 * (34 // 9)
    assert picture.caption == f"Confusion matrix of the model on the validation digits (accuracy {660 / total:.3f})"
    assert "held-out" not in picture.caption and "held-out" not in picture.alt
    assert f"title 'validation, accuracy {660 / total:.3f}'" in picture.alt
    assert "x axis 'predicted digit'" in picture.alt and "y axis 'true digit'" in picture.alt


def test_the_classes_are_labelled_as_the_task_declares_them():
    details = {"confusion_matrix": _matrix(5, 50, 1), "split": "test", "noun": "digit",
               "class_names": ["5", "6", "7", "8", "9"]}
    picture = _confusion(details)
    assert picture is not None and "held-out test digits" in picture.caption
    assert "x axis 'predicted digit' ticks [5, 6, 7, 8, 9]" in picture.alt
    assert "y axis 'true digit' ticks [5, 6, 7, 8, 9]" in picture.alt and "(5-9)" in picture.alt


def test_a_one_vs_all_matrix_is_the_votes_not_the_weakest_members():
    details = {"confusion_matrix": _matrix(10, 95, 0), "split": "validation", "noun": "digit",
               "matrix_of": "vote", "accuracy": 0.948, "vote_accuracy": 1.0, "member_accuracies": [0.948] * 10}
    picture = _confusion(details)
    assert picture is not None
    assert picture.caption == "Confusion matrix of the 10-class vote on the validation digits (accuracy 1.000)"
    assert "0.948" not in picture.caption and "0.948" not in picture.alt


@pytest.mark.parametrize("matrix", [None, "junk", [[1, 2]], []])
def test_a_missing_or_broken_matrix_draws_nothing(matrix):
    assert _confusion({"confusion_matrix": matrix}) is None


# -- pages -----------------------------------------------------------------------------------------

def _model_record() -> dict:
    matrix_details = {"accuracy": 0.66, "split": "validation", "confusion_matrix": _matrix(3, 20, 5),
                      "class_names": ["0", "1", "2"], "noun": "digit", "history": CURVES}
    checks = [
        {"name": "mlp_architecture", "target": "train_mlp", "points": 2, "max_points": 2, "passed": True,
         "status": "passed", "message": "3 Dense layers", "details": {"history": CURVES}},
        {"name": "mlp_validation_accuracy", "target": "train_mlp", "points": 1, "max_points": 3, "passed": False,
         "status": "partial", "message": "validation accuracy 0.660", "hint": "Train longer.",
         "details": matrix_details},
        {"name": "mlp_test_accuracy", "target": "train_mlp", "points": 0, "max_points": 4, "passed": False,
         "status": "failed", "message": "held-out test accuracy 0.5", "hidden": True,
         "details": {**matrix_details, "split": "test"}},
    ]
    return {"exercise": "ex05_mlp", "score": 3, "max_score": 9, "checks": checks, "notes": []}


def test_an_exercise_draws_its_training_curves_once_and_each_matrix_under_its_split():
    page = exercise_html(ExerciseResult.from_json(_model_record()))
    alts = re.findall(r'<img alt="([^"]*)"', page)
    assert sum(a.startswith("Training curves") for a in alts) == 1
    matrices = [a for a in alts if a.startswith("Confusion matrix")]
    assert [("validation" in a, "held-out test" in a) for a in matrices] == [(True, False), (False, True)]
    assert page.count('data-picture="history"') == 1 and page.count('data-picture="confusion_matrix"') == 2


def test_figures_leave_out_the_curves_on_request():
    assert [p.kind for p in figures(Details.from_json(_model_record()["checks"][1]["details"]), curves=False)] == ["confusion_matrix"]


def test_a_not_attempted_exercise_shows_no_boundary_of_the_students():
    record = {"exercise": "ex03_decision_boundary", "score": 0, "max_score": 2, "notes": [], "checks": [
        {"name": "boundary_line", "target": "decision_boundary", "points": 0, "max_points": 2, "passed": False,
         "status": "not_attempted", "message": "not attempted",
         "details": {"boundary": {"coefficients": [1, 2, 4], "reference": [-0.25, -0.5], "student": None}}}]}
    page = student_page("ben", [Record(student="ben", result=ExerciseResult.from_json(record))])
    assert "Your decision boundary (dashed)" not in page and "your function gave no line" in page
    assert "<script" not in page


# -- a model exercise's page, graded for real, in a real browser -------------------------------------

ONE_EPOCH_MLP = """
import keras
from keras import layers

def train_mlp(x_train, y_train, x_val, y_val):
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(32, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x_train[:2000], y_train[:2000], epochs=1, batch_size=64, verbose=0, validation_data=(x_val, y_val))
    return model
"""


@pytest.fixture(scope="module")
def mlp_page(tmp_path_factory) -> tuple[Path, dict]:
    from autograder.course import Course
    from autograder.grade import grade_submission

    folder = tmp_path_factory.mktemp("mlp")
    (folder / "submission.py").write_text(ONE_EPOCH_MLP)
    result = grade_submission(folder / "submission.py", "ex05_mlp", course=Course(ROOT))
    record = result.to_json()
    (folder / "ben.html").write_text(student_page("ben", [Record(student="ben", result=result)]))
    return folder / "ben.html", record


def test_a_graded_model_exercise_says_its_split_classes_and_one_epoch(mlp_page):
    path, record = mlp_page
    page = path.read_text()
    alts = re.findall(r'<img alt="([^"]*)"', page)
    assert sum(a.startswith("Training: one epoch") for a in alts) == 1  # once for the exercise
    assert "x axis &#x27;epoch&#x27; ticks [1]" in page
    matrices = [a for a in alts if a.startswith("Confusion matrix")]
    assert len(matrices) == 1 and "on the validation digits" in matrices[0]
    accuracy = next(c for c in record["checks"] if c["name"] == "mlp_validation_accuracy")["details"]["accuracy"]
    assert f"(accuracy {accuracy:.3f})" in matrices[0]
    assert "ticks [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]" in matrices[0].replace("&#x27;", "'")


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_the_model_exercise_page_in_chromium(mlp_page, tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no browser: {CHROMIUM} is missing (make install installs Debian's chromium)")
    path, record = mlp_page
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(path.as_uri())
        images = page.locator("figure img")
        assert images.count() == 2  # the curves once, the validation matrix once
        for k in range(images.count()):
            image = images.nth(k)
            assert image.evaluate("i => i.complete && i.naturalWidth > 100"), k
            caption = image.locator("xpath=../figcaption").inner_text()
            assert image.get_attribute("alt").startswith(caption)  # the description begins with the caption
        assert page.evaluate("document.scripts.length") == 0
        height = page.evaluate("document.documentElement.scrollHeight")
        shot = tmp_path / "ex05_mlp_feedback.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 20_000 and height < 2500, height
