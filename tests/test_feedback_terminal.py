"""Terminal output fit for an 80-100 column terminal: no doubled names, right plurals, one duration."""

from __future__ import annotations

import io

from autograder.batch.progress import Progress
from autograder.report.tables import summary_table
from autograder.report.text import duration, format_summary_table, plural
from autograder.results import Record
from autograder.score import CheckResult, ExerciseResult, Status

EXERCISES = ["ex01_sigmoid", "ex02_forward_pass", "ex03_decision_boundary", "ex04_nll", "ex05_mlp", "ex06_cnn",
             "ex07_lstm", "ex08_perceptron", "ex09_one_vs_all", "ex10_fine_tuning"]


def _records(students: list[str], exercises: list[str]) -> list[Record]:
    out = []
    for k, student in enumerate(students):
        for e in exercises:
            check = CheckResult(name="c", target="t", max_points=10, status=Status.PARTIAL, earned=float(k % 10))
            out.append(Record(student=student, result=ExerciseResult(exercise=e, checks=[check])))
    return out


def test_the_class_table_of_ten_exercises_fits_a_100_column_terminal():
    table = summary_table(_records(["ada", "ben", "cleo"], EXERCISES))
    lines = table.splitlines()
    assert max(map(len, lines)) <= 100, max(lines, key=len)
    assert lines[0].split() == ["student", *[e.split("_")[0] for e in EXERCISES], "total"]
    assert lines[3].split() == ["ben", *["1/10"] * 10, "10/100"]
    assert "ex01 = ex01_sigmoid; ex02 = ex02_forward_pass" in table  # the legend names every column


def test_a_wider_class_wraps_into_blocks_each_repeating_the_student():
    exercises = [f"week{k:02d}_assignment" for k in range(1, 15)]
    table = summary_table(_records(["a-student-with-a-long-name (12345678)", "bo"], exercises), width=80)
    lines = table.splitlines()
    assert max(map(len, lines)) <= 80
    heads = [line for line in lines if line.startswith("student")]
    assert len(heads) >= 2 and heads[-1].endswith("total") and not heads[0].endswith("total")
    shown = [h for line in heads for h in line.split()[1:] if h != "total"]
    assert shown == [e.split("_")[0] for e in exercises]  # every exercise once, in order
    assert sum(line.startswith("bo ") for line in lines) == len(heads)
    assert [line.split()[-1] for line in lines if line.startswith("bo ")][-1] == "14/140"


def test_plurals_and_one_way_to_say_a_duration():
    assert plural(1, "submission") == "1 submission" and plural(2, "submission") == "2 submissions"
    assert plural(0, "check") == "0 checks"
    assert duration(42.54) == "42.5 s" and duration(241) == "4 min 01 s" and duration(3725) == "1 h 02 min"


def test_the_progress_ends_with_counts_not_a_second_duration():
    stream = io.StringIO()
    progress = Progress(1, stream=stream)
    progress.start(done=0, cached=0)
    check = CheckResult(name="c", target="t", max_points=6, status=Status.PASSED)
    progress.tick(Record(student="ada", result=ExerciseResult(exercise="ex01_sigmoid", checks=[check])))
    progress.finish()
    last = stream.getvalue().splitlines()[-1]
    assert last == "graded 1, cached 0, of 1" and ":" not in last and " s" not in last


def test_a_students_points_table_names_each_exercise_once():
    results = [ExerciseResult(exercise="ex01_sigmoid", checks=[
        CheckResult(name="a", target="t", max_points=1, status=Status.PASSED),
        CheckResult(name="b", target="t", max_points=5, status=Status.FAILED)])]
    lines = format_summary_table([(r.exercise, r) for r in results], title="").splitlines()
    assert lines[0].split() == ["exercise", "points", "status"]
    assert lines[2].split() == ["ex01_sigmoid", "1/6", "1", "check", "failed"]
    assert all(line.count("ex01_sigmoid") <= 1 for line in lines)


def test_a_failure_shared_by_the_checks_of_one_training_is_said_once():
    from autograder.report.html import exercise_html
    from autograder.report.text import format_result

    said = dict(status=Status.FAILED, message="`train_mlp` is not defined; cell 6 raised NameError: x_train",
                hint="cell 6 trains a model at the top level: train inside the function")
    result = ExerciseResult(exercise="ex05_mlp", checks=[
        CheckResult(name="mlp_architecture", target="train_mlp", max_points=2, **said),
        CheckResult(name="mlp_validation_accuracy", target="train_mlp", max_points=3, **said),
        CheckResult(name="mlp_test_accuracy", target="train_mlp", max_points=4, hidden=True, **said),
        CheckResult(name="other", target="f", max_points=1, status=Status.FAILED, message="another", hint="h")])
    text = format_result(result)
    assert text.count("NameError") == 1 and text.count("train inside the function") == 1
    assert "[FAIL] mlp_validation_accuracy (0/3): as for mlp_architecture above" in text
    assert "another" in text
    page = exercise_html(result)
    assert page.count("NameError") == 1 and page.count("as for mlp_architecture above") == 2
