"""The grader records what the integrity report compares, and only the instructor's files carry it.

Two students hand in ex10_fine_tuning: ada the reference solution, ada's copy with every name
changed and comments added. ``deepgrade grade`` trains each under the grader's seed, so the
copy trains the same network: results.json carries each model's held-out answers and a
digest of its weights (equal for the two), the feedback pages, Gradescope's files and
grades.csv carry neither, and ``deepgrade integrity`` lists the pair for identical weights.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from autograder.cli import main
from autograder.course import Course
from autograder.integrity.collect import held_out_labels
from autograder.release.fill import fill_notebook, write_notebook
from autograder.score import ModelTrace

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = "ex10_fine_tuning"
COPIED = ("def fine_tune(pretrained, xs, ys, xv, yv):\n"
          "    # freeze what was learned on 0-4\n"
          "    pretrained.trainable = False\n"
          "    net = keras.Sequential(pretrained.layers[:-2] + [layers.Dense(256, activation='relu'),\n"
          "                                                     layers.Dropout(0.5),\n"
          "                                                     layers.Dense(5, activation='softmax')])\n"
          "    net.compile(loss='sparse_categorical_crossentropy', optimizer='adam', metrics=['accuracy'])\n"
          "    net.fit(xs, ys, batch_size=32, epochs=3, validation_data=(xv, yv), verbose=0)  # 3 epochs\n"
          "    return net\n")


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    course = Course(ROOT)
    exercise = course.exercise(EXERCISE)
    folder = tmp_path_factory.mktemp("integrity-grader")
    write_notebook(fill_notebook(exercise.student_notebook, exercise.solution_notebook),
                   folder / "class" / "ada" / EXERCISE / f"{EXERCISE}.ipynb")
    write_notebook(fill_notebook(exercise.student_notebook, exercise.solution_notebook, {"fine-tune": COPIED}),
                   folder / "class" / "bo" / EXERCISE / f"{EXERCISE}.ipynb")
    out = folder / "out"
    assert main(["grade", str(folder / "class"), "--out", str(out), "--workers", "2", "--exercise", EXERCISE,
                 "--course", str(ROOT)]) == 0
    return out


def _traces(out: Path) -> dict[str, tuple[ModelTrace, dict]]:
    found = {}
    for record in json.loads((out / "results.json").read_text())["submissions"]:
        [check] = [c for c in record["checks"] if "integrity" in c]  # the held-out accuracy check only
        trace = ModelTrace.from_json(check["integrity"])
        assert trace is not None
        found[record["student"]] = (trace, check)
    return found


def test_results_keep_the_held_out_answers_and_the_weights_digest(graded):
    traces = _traces(graded)
    assert set(traces) == {"ada", "bo"}
    labels = held_out_labels(Course(ROOT), EXERCISE)
    assert labels is not None
    for trace, check in traces.values():
        predicted = trace.labels()
        assert predicted.shape == labels.shape
        # the answers are the model's: they give the accuracy the check scored
        assert np.mean(predicted == labels) == pytest.approx(check["details"]["accuracy"])
        assert len(trace.weights_digest) == 64 and len(trace.history_digest) == 64
    # the copy, renamed and commented, trained under the grader's seed: the same network
    assert traces["ada"][0] == traces["bo"][0]


def test_feedback_gradescope_and_grades_csv_carry_none_of_it(graded):
    trace = _traces(graded)["ada"][0]
    said = [p.read_text() for p in (graded / "feedback").glob("*.html")]
    said += [p.read_text() for p in (graded / "gradescope").rglob("*.json")]
    said.append((graded / "grades.csv").read_text())
    assert len(said) >= 5
    for text in said:
        assert trace.predicted[:40] not in text and trace.weights_digest not in text and "integrity" not in text


def test_the_report_lists_the_copy_for_identical_weights(graded, capsys):
    assert main(["integrity", str(graded), "--course", str(ROOT)]) == 0
    assert f"{EXERCISE}: 1 pair(s) of 2 submissions: ada & bo" in capsys.readouterr().out
    twin = json.loads((graded / "integrity.json").read_text())
    [pair] = twin["exercises"][0]["pairs"]
    assert pair["flags"]["same_weights"] and pair["flags"]["same_history"]
    assert pair["model"]["share"] == 1.0
    page = (graded / "integrity.html").read_text()
    assert "Identical trained weights" in page and "<script" not in page
