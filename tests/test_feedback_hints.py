"""Hints whose numbers come from the reference, and the named mistake each failed check carries.

The numbers in a Keras hint (epochs, output units) are the training's own, from
``checks.py``: the same mistake in another exercise, or after the reference
changes, reads another number. The mistake's id is a field of the result, set
where the diagnosis names it, never parsed back out of the message.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from autograder.course import Course
from autograder.grade import grade_submission
from autograder.kinds import kind_of
from autograder.kinds.base import Planning
from autograder.spec import BuiltModelCheck, Check, LearningCheck, ModelCheck

ROOT = Path(__file__).resolve().parents[1]
COURSE = Course(ROOT)


def _nb_epoch_hint(check: ModelCheck | LearningCheck, exercise: str) -> str:
    plan = kind_of(check).plan(check, Planning(reference=None, exercise=COURSE.exercise(exercise)))
    return next(m.hint for m in plan.raised_mistakes if m.name == "keras1_nb_epoch")


def test_the_nb_epoch_hint_says_the_references_epochs_and_follows_a_changed_reference():
    lstm = next(c for c in COURSE.exercise("ex07_lstm").checks() if isinstance(c, ModelCheck))
    assert lstm.training.epochs == 4
    assert "model.fit(..., epochs=4) (the reference trains 4 epochs)" in _nb_epoch_hint(lstm, "ex07_lstm")
    # a checks.py whose reference trains 9 epochs: the same mistake is told 9
    changed = dataclasses.replace(lstm, training=dataclasses.replace(lstm.training, epochs=9))
    hint = _nb_epoch_hint(changed, "ex07_lstm")
    assert "epochs=9) (the reference trains 9 epochs)" in hint and "epochs=4" not in hint and "20" not in hint


def test_the_output_dim_hint_names_the_tasks_output_layer():
    def hint(exercise: str) -> str:
        check = next(c for c in COURSE.exercise(exercise).checks() if isinstance(c, ModelCheck))
        plan = kind_of(check).plan(check, Planning(reference=None, exercise=COURSE.exercise(exercise)))
        return next(m.hint for m in plan.raised_mistakes if m.name == "keras1_output_dim")
    assert "layers.Dense(1, activation='sigmoid')" in hint("ex07_lstm")
    assert "layers.Dense(10, activation='softmax')" in hint("ex05_mlp")
    assert "layers.Dense(5, activation='softmax')" in hint("ex10_fine_tuning")


def _fit_epochs(source: str, target: str) -> int:
    """The ``epochs=`` of the ``fit`` call inside the solution's ``target``."""
    import ast

    tree = ast.parse(source)
    function = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == target)
    return next(int(k.value.value) for n in ast.walk(function) if isinstance(n, ast.Call)
                and getattr(n.func, "attr", "") == "fit" for k in n.keywords
                if k.arg == "epochs" and isinstance(k.value, ast.Constant))


@pytest.mark.parametrize("exercise", ["ex05_mlp", "ex06_cnn", "ex07_lstm", "ex09_one_vs_all", "ex10_fine_tuning"])
def test_declared_epochs_are_the_solutions_own(exercise):
    ex = COURSE.exercise(exercise)
    training = next(c.training for c in ex.checks() if isinstance(c, ModelCheck))
    cells = json.loads(ex.solution_notebook.read_text())["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code"
                       and not "".join(c["source"]).lstrip().startswith(("%", "!")))
    assert training.epochs == _fit_epochs(source, training.target)


def test_every_declared_mistake_of_the_course_has_a_name():
    unnamed = []
    for name in COURSE.exercise_names:
        for check in COURSE.exercise(name).checks():
            mistakes = check.mistakes if isinstance(check, (Check, BuiltModelCheck)) else check.training.mistakes
            unnamed += [f"{name}/{check.name}: {m.hint[:40]}" for m in mistakes if not m.name]
    assert unnamed == []
    for task in COURSE.tasks.values():
        assert all(m.name for m in task.label_mistakes())


# -- real gradings (no training: each fails before or at fit) -------------------------------------

KERAS1_LSTM = """
import keras
from keras import layers

def train_lstm(x_train, y_train, x_val, y_val):
    model = keras.Sequential([keras.Input(shape=(150,), dtype="int32"), layers.Embedding(5000, 32),
                              layers.LSTM(32), layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x_train, y_train, nb_epoch=4, batch_size=64, verbose=0)
    return model
"""


def test_an_lstm_fitted_with_keras1_nb_epoch_is_told_the_references_epochs(submission):
    result = grade_submission(submission(KERAS1_LSTM), "ex07_lstm", course=COURSE)
    check = next(c for c in result.checks if c.name == "lstm_validation_accuracy")
    assert check.status == "failed" and "nb_epoch" in check.message
    assert "epochs=4" in check.hint and "epochs=20" not in check.hint
    assert check.mistake == "keras1_nb_epoch"
    assert check.to_json()["mistake"] == "keras1_nb_epoch"


def test_training_at_the_top_level_of_the_solution_cell_is_named(tmp_path):
    """The network built and fitted in the solution cell on the data cell's x_train, the function
    returning that global: the cell stops on a NameError before ``def train_mlp``."""
    from autograder.release.fill import fill_notebook

    release = ROOT / "exercises" / "ex05_mlp" / "ex05_mlp.ipynb"
    nb = fill_notebook(release, ROOT / "solutions" / "ex05_mlp" / "ex05_mlp.ipynb", {
        "train-mlp": ("model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10, activation='softmax')])\n"
                      "model.compile(loss='sparse_categorical_crossentropy', optimizer='adam')\n"
                      "model.fit(x_train, y_train, epochs=5, verbose=0)\n\n"
                      "def train_mlp(x_train, y_train, x_val, y_val):\n    return model\n")})
    path = tmp_path / "ex05_mlp.ipynb"
    path.write_text(json.dumps(nb))
    result = grade_submission(path, "ex05_mlp", course=COURSE)
    for check in result.checks:
        assert check.status == "failed", check
        assert check.mistake == "trained_at_top_level", (check.message, check.hint)
        assert "train inside the function, on the arrays it receives" in check.hint
        assert "Fix the error above" not in check.hint
