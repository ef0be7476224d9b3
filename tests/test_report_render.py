"""One result, two renderings: text (terminals, deepgrade check, nbgrader feedback) and HTML
(the notebook's check cell and the class feedback page, from the same function)."""

from __future__ import annotations

from autograder.check_cell import HIDDEN_LATER, CheckReport
from autograder.report.html import exercise_html, student_page
from autograder.details import Details
from autograder.results import Record
from autograder.score import CheckResult, ExerciseResult


def _result() -> ExerciseResult:
    history = {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.8, 0.7],
               "accuracy": [0.6, 0.8, 0.9], "val_accuracy": [0.55, 0.7, 0.8]}
    matrix = [[40, 2, 0], [3, 35, 5], [0, 4, 41]]
    return ExerciseResult(exercise="ex05_mlp", checks=[
        CheckResult(name="mlp_architecture", target="train_mlp", max_points=2, status="passed", message="3 Dense layers"),
        CheckResult(name="mlp_validation_accuracy", target="train_mlp", max_points=3, status="partial", message="validation accuracy 0.80",
                    hint="Train for more epochs.", earned=1.5,
                    details=Details.from_json({"history": history, "confusion_matrix": matrix, "accuracy": 0.8})),
        CheckResult(name="p_fake_is_probability", target="p_fake", max_points=1, status="failed", message="p_fake = <b>1.52</b> is outside [0, 1]",
                    hint="A probability lies between 0 and 1."),
    ], notes=["`!pip install numpy` was not run while grading"])


def test_text_and_html_say_the_same_from_one_result():
    report = CheckReport(_result())
    text, page = repr(report), report._repr_html_()
    assert text.splitlines()[0] == "ex05_mlp: 3.5/6 points"
    assert "[FAIL] p_fake_is_probability (0/1)" in text and "hint: A probability lies" in text
    assert "note: `!pip install numpy` was not run while grading" in text
    assert text.endswith(HIDDEN_LATER) and HIDDEN_LATER in page
    assert "ex05_mlp: 3.5 / 6" in page
    assert page.count('class="deepgrade-passed"') == 1 and page.count('class="deepgrade-failed"') == 1
    assert page.count('class="deepgrade-partial"') == 1
    assert "Hint: A probability lies between 0 and 1." in page
    assert "&lt;b&gt;1.52&lt;/b&gt;" in page and "<b>1.52</b>" not in page  # a student's value is escaped
    assert page.count("<img ") == 2  # training curves and the confusion matrix
    assert "Note: `!pip install numpy` was not run while grading" in page
    assert "<script" not in page


def test_the_notebook_and_the_feedback_page_share_one_renderer():
    record = Record(student="ada", result=_result())
    fragment = exercise_html(record)
    assert fragment in student_page("ada", [record])
    assert exercise_html(record, heading="h3").replace("<h3>", "").replace("</h3>", "") in \
        CheckReport(_result())._repr_html_().replace("<h3>", "").replace("</h3>", "")


def test_pictures_reach_the_check_cell_for_the_decision_boundary(course):
    from autograder.grade import grade_program
    from autograder.load import load_program

    program = load_program(course.exercise("ex03_decision_boundary").solution_notebook)
    result = grade_program(program, course.exercise("ex03_decision_boundary"), pictures=True)
    drawn = [c.details.boundary for c in result.checks if c.details.boundary is not None]
    assert drawn and drawn[0].student == drawn[0].reference and drawn[0].student is not None
    assert "<img " in CheckReport(result)._repr_html_()
