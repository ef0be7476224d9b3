"""ex09_one_vs_all: ten binary classifiers ("digit k or not k") that vote.

Realistic wrong submissions fail exactly the checks of their mistake, each with a
hint a student can act on, and keep every other check's points; right submissions
of other shapes (functional API, a tuple, ten networks fitted in one call, other
optimizers and sizes, labels made another way, votes written another way) keep
full points (one of them graded with every hidden check, the learning check included).

Every submission is graded once, all of them concurrently the first time a test
needs one (each grading is a child process, so threads overlap them, as in
tests/test_catalogue.py), in the sandbox as ``deepgrade grade`` grades a class: each
model submission's process is forked from its slot's pre-warmed TensorFlow process
(three imports of TensorFlow in all, not one per process). Wrong models fail fast: their failure does not depend on
how well they are trained, so they train one or two epochs, and most are not
trained a second time (a model that cannot be scored skips the learning check's
relabelled training). Wrong votes are graded on the ``vote`` checks alone (no
training at all).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from graded_once import GradedOnce, InSandbox

from autograder.course import Course
from autograder.plan import exercise_plans, hidden_plans
from autograder.score import ExerciseResult

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = "ex09_one_vs_all"
COURSE = Course(ROOT)
MODEL_CHECKS = ("ova_architecture", "ova_validation_accuracy", "ova_test_accuracy", "ova_weakest_classifier",
                "ova_learns_from_its_data")
SCORED_MODEL_CHECKS = MODEL_CHECKS[1:]  # all but the architecture: "not scored" when the models are wrong
VOTE_CHECKS = ("vote_values", "vote_random")

HEADER = """
import numpy as np
from autograder.quiet import quiet_tensorflow
quiet_tensorflow()
import keras
from keras import layers
"""

VOTE = """
def vote(confidences):
    return np.argmax(confidences, axis=1)
"""

#: The wrong votes are graded on the ``vote`` checks alone: no model, no TensorFlow.
NUMPY_HEADER = """
import numpy as np
"""


@dataclass(frozen=True)
class Submission:
    """A submission's source (after the header) and the verdicts it must get.

    ``fails`` maps each check that must fail to a fragment of its hint; every
    other graded check must pass. ``says`` maps checks to a fragment of their
    message. ``targets`` limits the grading to some functions' checks; ``hidden``
    False grades the public checks only (one training: the cheaper wrong models,
    and the right ones beyond the one graded with the learning check).
    """

    source: str
    fails: dict[str, str] = field(default_factory=dict)
    says: dict[str, str] = field(default_factory=dict)
    hidden: bool = True
    targets: tuple[str, ...] = ()
    header: str = HEADER


def _every(checks: tuple[str, ...], text: str) -> dict[str, str]:
    return dict.fromkeys(checks, text)


WRONG = {
    # One network with a 10-way softmax, its output cut into ten "classifiers": the disguise.
    "softmax_split_in_ten": Submission("""
def train_one_vs_all(x_train, y_train, x_val, y_val):
    net = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(64, activation="relu"),
                            layers.Dense(10, activation="softmax")])
    net.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    net.fit(x_train, y_train, epochs=2, batch_size=250, verbose=0)
    # classifier k: the network's probability of digit k
    return [keras.Model(net.inputs, net.outputs[0][:, k:k + 1]) for k in range(10)]
""" + VOTE, fails=_every(MODEL_CHECKS, "separate networks"),
        says=_every(MODEL_CHECKS, "sum to 1 for every input")),
    # `return model` indented into the loop: the first classifier alone comes back.
    "one_model_not_a_list": Submission("""
def train_one_vs_all(x_train, y_train, x_val, y_val):
    models = []
    for k in range(10):
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(64, activation="relu"),
                                  layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="adam")
        model.fit(x_train, (y_train == k).astype("float32"), epochs=1, batch_size=250, verbose=0)
        models.append(model)
        return model
""" + VOTE, fails=_every(MODEL_CHECKS, "Return a list of the 10 trained binary classifiers"),
        says=_every(MODEL_CHECKS, "returned a Sequential, not a list of 10 Keras models")),
    # Digits 1-9 only: range(1, 10).
    "nine_classifiers": Submission("""
def train_one_vs_all(x_train, y_train, x_val, y_val):
    models = []
    for k in range(1, 10):
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(16, activation="relu"),
                                  layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="adam")
        model.fit(x_train[:500], (y_train[:500] == k).astype("float32"), epochs=1, verbose=0)
        models.append(model)
    return models
""" + VOTE, fails=_every(MODEL_CHECKS, "Return a list of 10 trained models"),
        says=_every(MODEL_CHECKS, "returned 9 model(s); expected 10")),
    # ex05's output layer kept in each classifier: ten units with a softmax.
    "ten_unit_softmax_members": Submission("""
def train_one_vs_all(x_train, y_train, x_val, y_val):
    models = []
    for k in range(10):
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(16, activation="relu"),
                                  layers.Dense(10, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
        model.fit(x_train[:500], (y_train[:500] == k).astype("int64"), epochs=1, verbose=0)
        models.append(model)
    return models
""" + VOTE, fails=_every(MODEL_CHECKS, "Dense(1, activation='sigmoid')"),
        says={"ova_architecture": "classifier 0 ('digit 0 or not'): the model's output has shape (500, 10)",
              **_every(SCORED_MODEL_CHECKS, "classifier 0 does not give one probability per input")}),
    # One unit, but a softmax over it: 1.0 for every digit, whatever the training (so none here: the
    # verdict this test asks for does not depend on it).
    "one_unit_softmax_members": Submission("""
def train_one_vs_all(x_train, y_train, x_val, y_val):
    models = []
    for k in range(10):
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(16, activation="relu"),
                                  layers.Dense(1, activation="softmax")])
        model.compile(loss="binary_crossentropy", optimizer="adam")
        models.append(model)
    return models
""" + VOTE, hidden=False, fails={"ova_architecture": "sigmoid", "ova_validation_accuracy": "sigmoid"}),
    # Each classifier fitted on the digits themselves, not on (y == k).
    "trained_on_the_digits": Submission("""
def train_one_vs_all(x_train, y_train, x_val, y_val):
    models = []
    for k in range(10):
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(32, activation="relu"),
                                  layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
        model.fit(x_train, y_train, epochs=1, batch_size=250, verbose=0)
        models.append(model)
    return models
""" + VOTE, hidden=False, fails={"ova_validation_accuracy": "(y_train == k)"}),
    # Built and compiled, never fitted.
    "never_fitted": Submission("""
def train_one_vs_all(x_train, y_train, x_val, y_val):
    models = []
    for k in range(10):
        model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(64, activation="relu"),
                                  layers.Dense(1, activation="sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="adam")
        models.append(model)
    return models
""" + VOTE, hidden=False, fails={"ova_validation_accuracy": "model.fit"}),
    # The least confident classifier.
    "vote_argmin": Submission("""
def vote(confidences):
    return np.argmin(confidences, axis=1)
""", fails=_every(VOTE_CHECKS, "argmin"), targets=("vote",), header=NUMPY_HEADER),
    # Down the columns: one "vote" per classifier.
    "vote_axis_0": Submission("""
def vote(confidences):
    return np.argmax(confidences, axis=0)
""", fails=_every(VOTE_CHECKS, "axis=1"), says={"vote_values": "shape (10,)"}, targets=("vote",),
        header=NUMPY_HEADER),
    # Ties broken towards the higher class.
    "vote_last_of_a_tie": Submission("""
def vote(confidences):
    votes = []
    for row in confidences:
        best = 0
        for k in range(10):
            if row[k] >= row[best]:
                best = k
        votes.append(best)
    return np.array(votes)
""", fails=_every(VOTE_CHECKS, "lowest class"), targets=("vote",), header=NUMPY_HEADER),
}

RIGHT = {
    # Ten separate networks (no weight shared) side by side, fitted in one call on one-hot targets:
    # each head's loss is its own binary cross-entropy. Graded with the learning check.
    "ten_heads_fitted_together": Submission("""
def train_one_vs_all(x_train, y_train, x_val, y_val):
    inputs = keras.Input(shape=(784,))
    heads = [layers.Dense(1, activation="sigmoid", name=f"is_{k}")(layers.Dense(64, activation="relu")(inputs))
             for k in range(10)]
    together = keras.Model(inputs, layers.Concatenate()(heads))
    together.compile(loss="binary_crossentropy", optimizer="adam")
    together.fit(x_train, keras.utils.to_categorical(y_train, 10), epochs=5, batch_size=250, verbose=0)
    return [keras.Model(inputs, head) for head in heads]

def vote(confidences):
    return np.argmax(np.asarray(confidences, dtype=float), axis=1).astype(int)
"""),
    # Ten fits, the functional API in a helper, a generator into a tuple, Nadam; the vote along the
    # last axis, returned as a list.
    "functional_tuple_nadam": Submission("""
def classifier(x_train, labels):
    inputs = keras.Input(shape=(784,))
    hidden = layers.Dense(64, activation="relu")(inputs)
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(hidden))
    model.compile(loss="binary_crossentropy", optimizer="nadam", metrics=["accuracy"])
    model.fit(x_train, labels, epochs=5, batch_size=250, verbose=0)
    return model

def train_one_vs_all(x_train, y_train, x_val, y_val):
    return tuple(classifier(x_train, (y_train == digit).astype("float32")) for digit in range(10))

def vote(confidences):
    return [int(k) for k in confidences.argmax(axis=-1)]
""", hidden=False),
    # Ten fits in a loop with .add(): a wider layer, Activation layers apart from Dense, Dropout,
    # RMSprop, integer 0/1 labels from np.where.
    "loop_rmsprop_dropout_activation": Submission("""
def train_one_vs_all(x_train, y_train, x_val, y_val):
    classifiers = []
    for digit in range(10):
        model = keras.Sequential()
        model.add(keras.Input(shape=(784,)))
        model.add(layers.Dense(96))
        model.add(layers.Activation("relu"))
        model.add(layers.Dropout(0.1))
        model.add(layers.Dense(1))
        model.add(layers.Activation("sigmoid"))
        model.compile(loss=keras.losses.BinaryCrossentropy(), optimizer=keras.optimizers.RMSprop(1e-3))
        model.fit(x_train, np.where(y_train == digit, 1, 0), epochs=5, batch_size=250, verbose=0)
        classifiers.append(model)
    return classifiers

def vote(confidences):
    return np.asarray(confidences).argmax(1)
""", hidden=False),
}

SUBMISSIONS = {**{f"wrong/{k}": v for k, v in WRONG.items()}, **{f"right/{k}": v for k, v in RIGHT.items()}}


def _grader(folder: Path, sandbox: InSandbox) -> Callable[[str], ExerciseResult]:
    def grade(name: str) -> ExerciseResult:
        sub = SUBMISSIONS[name]
        path = folder / f"{name.replace('/', '_')}.py"
        path.write_text(textwrap.dedent(sub.header) + textwrap.dedent(sub.source))
        exercise = COURSE.exercise(EXERCISE)
        return sandbox.grade(path, exercise, exercise_plans(exercise, hidden=sub.hidden, targets=sub.targets))
    return grade


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GradedOnce]:
    """Every submission graded once, three at a time in the sandbox, on first use; the slowest
    first (the right models train ten classifiers for five epochs)."""
    order = sorted(SUBMISSIONS, key=lambda n: (not n.startswith("right/"), n))
    folder = tmp_path_factory.mktemp("ex09_submissions")
    with InSandbox(COURSE, hide=(folder,)) as sandbox:
        yield GradedOnce(_grader(folder, sandbox), order, before=lambda: hidden_plans(COURSE.exercise(EXERCISE)))


def _report(name: str, result: ExerciseResult, problems: list[str], seconds: float) -> str:
    lines = [f"{name}: score {result.score:g}/{result.max_score:g}, graded in {seconds:.0f} s",
             *[f"  - {p}" for p in problems], "checks:"]
    for c in result.checks:
        lines.append(f"  {c.name} [{c.status}] {c.message}")
        if not c.passed:
            lines.append(f"      hint: {c.hint or '(none)'}")
    return "\n".join(lines)


def _cases(kind: str, submissions: dict[str, Submission]) -> list:
    return [pytest.param(f"{kind}/{name}", id=name) for name in sorted(submissions)]


@pytest.mark.parametrize("name", _cases("wrong", WRONG))
def test_a_wrong_submission_fails_exactly_its_checks_with_its_hint(graded, name):
    sub = SUBMISSIONS[name]
    result = graded(name)
    checks = {c.name: c for c in result.checks}
    problems = [f"{check} was not graded" for check in sub.fails if check not in checks]
    for c in result.checks:
        part = sub.fails.get(c.name)
        if part is None:
            if not c.passed:
                problems.append(f"{c.name} should pass but is {c.status}")
            continue
        if c.status != "failed" or c.points != 0:
            problems.append(f"{c.name} should fail with no points, got {c.status} ({c.points:g})")
        if part not in c.hint:
            problems.append(f"{c.name}: the hint should contain {part!r}")
    for check, part in sub.says.items():
        if check in checks and part not in checks[check].message:
            problems.append(f"{check}: the message should contain {part!r}")
    if problems:
        pytest.fail(_report(name, result, problems, graded.seconds[name]), pytrace=False)


@pytest.mark.parametrize("name", _cases("right", RIGHT))
def test_a_right_submission_of_another_shape_gets_full_points(graded, name):
    result = graded(name)
    expected = {*MODEL_CHECKS, *VOTE_CHECKS} if SUBMISSIONS[name].hidden else {
        "ova_architecture", "ova_validation_accuracy", "vote_values"}
    assert {c.name for c in result.checks} == expected
    if result.score != result.max_score:
        pytest.fail(_report(name, result, ["a right submission should get full points"], graded.seconds[name]),
                    pytrace=False)
    learning = next((c for c in result.checks if c.name == "ova_learns_from_its_data"), None)
    if learning is not None:  # it learned from its data: the relabelled vote follows the real one
        seen = learning.details.learning
        assert seen is not None and abs(seen.accuracy - seen.relabelled_accuracy) <= 0.05, seen


def test_each_kind_of_submission_is_covered():
    wrong = list(WRONG.values())
    assert len(wrong) >= 6 and len(RIGHT) >= 3
    assert any(s.hidden for s in RIGHT.values())  # a right one graded with the learning check too
    assert {check for s in wrong for check in s.fails} == {*MODEL_CHECKS, *VOTE_CHECKS}


# -- the declarations --------------------------------------------------------------------------

def test_points_and_the_marks_sit_below_the_reference_measurements_they_cite():
    """As test_keras_models holds ex05-ex07: each accuracy mark names the reference's worst seed and
    sits at least 0.02 below it; the weakest classifier earns nothing for answering "not k" always."""
    checks = COURSE.exercise(EXERCISE).checks()
    assert sum(c.points for c in checks) in (10, 12)
    marked = [c for c in checks if getattr(c, "marks", None) is not None]
    assert {c.name for c in marked} == {"ova_validation_accuracy", "ova_test_accuracy", "ova_weakest_classifier"}
    for check in marked:
        worst = float(re.search(r"accuracy (0\.\d+)-", check.marks.measured).group(1))
        assert check.marks.pass_at <= worst - 0.02, (check.name, check.marks)
    weakest = next(c for c in marked if c.per_member)
    assert weakest.marks.zero_at >= 0.90 and weakest.hidden
    (learning,) = {c.training.learning for c in checks if hasattr(c, "training")}
    gaps = [float(g) for g in re.findall(r"[-+]\d\.\d+", learning.measured.split("gap", 1)[1])]
    worst = float(re.search(r"relabelled accuracy (0\.\d+)-", learning.measured).group(1))
    assert len(gaps) == 3 and learning.max_gap >= max(gaps) + 0.02, learning
    assert learning.min_accuracy <= worst - 0.1, learning
    (training, *others) = [c.training for c in checks if hasattr(c, "training")]
    assert all(other is training for other in others)  # one training, shared by the model checks
    assert training.members == 10 and training.architecture.outputs == 1
    assert training.architecture.output_activation == "sigmoid"


def test_the_untouched_release_is_not_attempted(tmp_path):
    """What a student who has written nothing yet sees from ``deepgrade check`` (public checks)."""
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "check",
                           str(ROOT / "exercises" / EXERCISE / f"{EXERCISE}.ipynb"), "-e", EXERCISE,
                           "--format", "json"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    result = json.loads(proc.stdout)
    assert proc.returncode == 1 and result["score"] == 0
    assert {c["name"] for c in result["checks"]} == {"ova_architecture", "ova_validation_accuracy", "vote_values"}
    assert {c["status"] for c in result["checks"]} == {"not_attempted"}, result
