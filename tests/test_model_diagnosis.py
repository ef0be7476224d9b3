"""A weak model gets the hint that names its mistake, and no other.

Unit tests of the diagnosis on plain data (what the grader sees), then two real
gradings, as the class grader grades: inputs divided by 255 again inside ``train_mlp``,
and a network trained at the notebook's top level on the data cell's names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.compare.diagnose import diagnose_weak_model, frozen_head, weak_model_hint
from autograder.course import Course

ROOT = Path(__file__).resolve().parents[1]
DIGITS = Course(ROOT).task("mnist_flat")  # hints are worded from the course's data task
SUMMARY = {"loss": "sparse_categorical_crossentropy"}

#: A distinctive phrase of each diagnosis.
PHRASES = {
    "loss": "sparse_categorical_crossentropy'",
    "untrained": "looks untrained",
    "rescaled": "trained on rescaled inputs",
    "chance": "near chance",
    "overfits": "over-fits",
    "under": "under-trained",
}


def _only(hint: str, kind: str) -> None:
    assert PHRASES[kind] in hint, hint
    assert [k for k, phrase in PHRASES.items() if phrase in hint] == [kind], hint


def _history(train_acc: list[float], loss: list[float]) -> dict[str, list[float]]:
    return {"accuracy": train_acc, "loss": loss}


@pytest.mark.parametrize("kind, acc, summary, history, rescaled", [
    ("loss", 0.11, {"loss": "mse"}, _history([0.1, 0.1], [3.0, 2.9]), {}),
    ("untrained", 0.10, SUMMARY, {}, {}),
    ("rescaled", 0.69, SUMMARY, _history([0.6, 0.7], [1.2, 1.0]), {"divided by 255": 0.93, "times 255": 0.1}),
    ("chance", 0.11, SUMMARY, _history([0.11, 0.11], [2.3, 2.3]), {"divided by 255": 0.10}),
    ("overfits", 0.78, SUMMARY, _history([0.9, 0.99, 0.999], [0.3, 0.05, 0.01]), {}),
    ("under", 0.80, SUMMARY, _history([0.6, 0.75, 0.82], [1.0, 0.7, 0.55]), {}),
])
def test_each_weak_model_gets_its_own_hint(kind, acc, summary, history, rescaled):
    hint = weak_model_hint(acc, chance=0.1, loss_hints=DIGITS.loss_hints(), noun=DIGITS.noun, summary=summary, history=history, rescaled=rescaled,
                           target="train_mlp")
    _only(hint, kind)


def test_under_training_says_the_loss_was_still_falling():
    hint = weak_model_hint(0.8, chance=0.1, loss_hints=DIGITS.loss_hints(), noun=DIGITS.noun, summary=SUMMARY,
                           history=_history([0.6, 0.75, 0.82], [1.0, 0.7, 0.55]))
    assert "training accuracy 82%" in hint and "3 epochs seen" in hint and "still falling" in hint


@pytest.mark.parametrize("kind, acc, summary, history, rescaled", [
    ("wrong_loss_mse", 0.11, {"loss": "mse"}, _history([0.1, 0.1], [3.0, 2.9]), {}),
    ("untrained", 0.10, SUMMARY, {}, {}),
    ("rescaled_inputs", 0.69, SUMMARY, _history([0.6, 0.7], [1.2, 1.0]), {"divided by 255": 0.93}),
    ("accuracy_at_chance", 0.11, SUMMARY, _history([0.11, 0.11], [2.3, 2.3]), {}),
    ("overfitting", 0.78, SUMMARY, _history([0.9, 0.99, 0.999], [0.3, 0.05, 0.01]), {}),
    ("undertrained", 0.80, SUMMARY, _history([0.6, 0.75, 0.82], [1.0, 0.7, 0.55]), {}),
])
def test_each_diagnosis_names_its_mistake_as_a_field(kind, acc, summary, history, rescaled):
    found = diagnose_weak_model(acc, chance=0.1, loss_hints=DIGITS.loss_hints(), noun=DIGITS.noun, summary=summary,
                                history=history, rescaled=rescaled, target="train_mlp")
    assert found.mistake == kind
    assert found.hint == weak_model_hint(acc, chance=0.1, loss_hints=DIGITS.loss_hints(), noun=DIGITS.noun,
                                         summary=summary, history=history, rescaled=rescaled, target="train_mlp")


@pytest.mark.parametrize("epochs", [4, 12])
def test_an_under_trained_model_is_told_the_references_epochs(epochs):
    hint = weak_model_hint(0.8, chance=0.1, summary=SUMMARY, history=_history([0.6, 0.82], [1.0, 0.55]),
                           epochs=epochs)
    assert "2 epochs seen" in hint and f"the reference trains {epochs} epochs" in hint
    untrained = weak_model_hint(0.1, chance=0.1, summary=SUMMARY, history={}, epochs=epochs)
    assert f"epochs={epochs}," in untrained


def test_one_epoch_is_said_in_the_singular():
    hint = weak_model_hint(0.8, chance=0.1, summary=SUMMARY, history=_history([0.82], [0.55]))
    assert "1 epoch seen" in hint and "train for more epochs" in hint


def _dense(name, params, trainable):
    return {"class": "Dense", "name": name, "params": params, "trainable": trainable}


def test_a_frozen_head_is_named_from_the_layer_summarys_trainable_flags():
    conv = {"class": "Conv2D", "name": "conv", "params": 320, "trainable": False}
    head = [_dense("dense_a", 1000, False), _dense("dense_b", 55, False)]
    found = frozen_head({"layers": [conv, *head]}, {"conv"})
    assert found is not None and found.mistake == "frozen_head"
    assert "No layer of the new head is trainable (dense_a, dense_b" in found.hint
    # one trainable layer in the head: it can learn, so no such diagnosis
    assert frozen_head({"layers": [conv, head[0], _dense("dense_b", 55, True)]}, {"conv"}) is None
    # no base: the whole model frozen
    whole = frozen_head({"layers": head}, set())
    assert whole is not None and whole.mistake == "frozen_model"
    # summaries from before the flag was recorded: trainable is assumed
    assert frozen_head({"layers": [{"class": "Dense", "name": "d", "params": 10}]}, set()) is None


# -- real trainings (ex05, public checks: one training each) ------------------------------

@pytest.fixture(scope="module")
def prewarmed(course, tmp_path_factory):
    """Both are graded as ``deepgrade grade`` grades them, each process forked from one pre-warmed
    TensorFlow process (tests/prewarmed.py): one TensorFlow import, not two."""
    from prewarmed import PrewarmedGrader

    grader = PrewarmedGrader(course, tmp_path_factory.mktemp("prewarmed"))
    yield grader
    grader.close()


DOUBLE_RESCALE = """
import keras
from keras import layers

def train_mlp(x_train, y_train, x_val, y_val):
    x_train, x_val = x_train / 255.0, x_val / 255.0  # as the slides do with raw pixels
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(64, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    # validation accuracy 0.524 on the inputs as given, 0.69 on them divided by 255 (8 epochs: 0.602; same hint)
    model.fit(x_train, y_train, epochs=5, batch_size=32, verbose=0, validation_data=(x_val, y_val))
    return model
"""


def test_inputs_divided_by_255_again_get_the_rescaling_hint(prewarmed, submission):
    result = prewarmed.grade(submission(DOUBLE_RESCALE), "ex05_mlp")
    check = next(c for c in result.checks if c.name == "mlp_validation_accuracy")
    assert check.status in ("failed", "partial"), check
    _only(check.hint, "rescaled")
    assert "divided by 255" in check.hint and "already in [0, 1]" in check.hint


def test_a_network_trained_at_the_top_level_gets_the_inside_the_function_hint(prewarmed, tmp_path):
    from autograder.release.fill import fill_notebook

    release = ROOT / "exercises" / "ex05_mlp" / "ex05_mlp.ipynb"
    nb = fill_notebook(release, ROOT / "solutions" / "ex05_mlp" / "ex05_mlp.ipynb", {
        "train-mlp": "def train_mlp(x_train, y_train, x_val, y_val):\n    return model\n"})
    data_cell = next(i for i, c in enumerate(nb["cells"]) if "demo" in c["metadata"].get("tags", []))
    nb["cells"].insert(data_cell + 1, {
        "cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
        "source": ("model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10, activation='softmax')])\n"
                   "model.compile(loss='sparse_categorical_crossentropy', optimizer='adam')\n"
                   "model.fit(x_train, y_train, epochs=5, verbose=0)\n")})
    path = tmp_path / "ex05_mlp.ipynb"
    path.write_text(json.dumps(nb))
    result = prewarmed.grade(path, "ex05_mlp")
    check = next(c for c in result.checks if c.name == "mlp_validation_accuracy")
    assert check.status == "failed", check
    assert "trains a model at the top level on `x_train`" in check.hint
    assert "build, compile and fit the network inside train_mlp" in check.hint
    assert [k for k, phrase in PHRASES.items() if phrase in check.hint] == []  # no other diagnosis
    note = next(n for n in result.notes if "NameError" in n)
    assert f"cell {data_cell + 2} raised NameError: name 'x_train' is not defined" in note
    assert f"`x_train` is defined by cell {data_cell + 1}, which is not run while grading" in note
