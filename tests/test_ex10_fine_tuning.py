"""ex10_fine_tuning: a pre-trained network reused, frozen, under a new head, graded as a class would be.

Realistic submissions, each graded once with the hidden checks as ``deepgrade grade`` grades them
(in the sandbox, each model process forked from its slot's pre-warmed TensorFlow process),
concurrently, the first time a test needs them (each grading is child processes, so threads
overlap them): right ones of other shapes get 10/10, the learning check's second training
included; wrong ones fail exactly the checks of their mistake, with a hint that says what to do
(three of them without the learning check's second training, to keep the file near two minutes on
two cores: their mistake is elsewhere). The released network (``base_model.json``) is in sync with
the solution and scores what it records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from graded_once import GradedOnce, InSandbox

from autograder.compare.models import accuracy
from autograder.course import Course
from autograder.load.program import CodeCell, Program
from autograder.plan import exercise_plans
from autograder.pretrained import made_from, read_model_file
from autograder.release.fill import fill_notebook, write_notebook
from autograder.release.networks import declared_networks, source_hash
from autograder.release.pipeline import release_exercise
from autograder.run.session import Limits, StudentProcess
from autograder.score import ExerciseResult
from autograder.student import KERAS_LOAD_TIMEOUT

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = "ex10_fine_tuning"
COURSE = Course(ROOT)
ARCH, FROZEN, VALIDATION, HELD_OUT, LEARNS = (
    "fine_tune_architecture", "fine_tune_base_frozen", "fine_tune_validation_accuracy",
    "fine_tune_test_accuracy", "fine_tune_learns_from_its_data")
ALL_CHECKS = (ARCH, FROZEN, VALIDATION, HELD_OUT, LEARNS)

HEADER = """
import numpy as np
import keras
from keras import layers
"""


def fine_tune(body: str) -> str:
    return HEADER + "\n\ndef fine_tune(base, x_train, y_train, x_val, y_val):\n" + body


FIT = "    model.fit(x_train, y_train, batch_size=32, epochs={epochs}, validation_data=(x_val, y_val), verbose=0)\n"
COMPILE = "    model.compile(loss='sparse_categorical_crossentropy', optimizer={optimizer}, metrics=['accuracy'])\n"


def head(*lines: str, optimizer: str = "'adam'", epochs: int = 3, fit: bool = True, ret: str = "model") -> str:
    """The body of a fine_tune: ``lines`` build ``model``; then compile, fit and return."""
    body = "".join(f"    {line}\n" for line in lines) + COMPILE.format(optimizer=optimizer)
    if fit:
        body += FIT.format(epochs=epochs)
    return body + f"    return {ret}\n"


SEQUENTIAL_HEAD = ("model = keras.Sequential(base.layers[:-2] + [layers.Dense(256, activation='relu'), "
                   "layers.Dropout(0.5), layers.Dense({units}, activation='{activation}')])")

# name -> source; "release_filled" is the student release with the reference's answer typed in.
RIGHT = {
    "functional_on_base_input_extra_dropout": fine_tune(head(
        "base.trainable = False",
        "features = base.get_layer('base_flatten').output",
        "x = layers.Dropout(0.25)(features)",
        "x = layers.Dense(128, activation='relu')(x)",
        "x = layers.Dropout(0.5)(x)",
        "model = keras.Model(base.input, layers.Dense(5, activation='softmax')(x))",
        epochs=5)),
    "per_layer_trainable_cut_three_rmsprop": fine_tune(head(
        "for layer in base.layers:",
        "    if isinstance(layer, layers.Conv2D):",
        "        layer.trainable = False",
        "model = keras.Sequential(base.layers[:-3] + [layers.Flatten(), layers.Dense(64, activation='relu'),",
        "                                             layers.Dense(5, activation='softmax')])",
        optimizer="keras.optimizers.RMSprop(1e-3)", epochs=6)),
    "nested_feature_model_nadam_wide_head": fine_tune(head(
        "base.trainable = False",
        "features = keras.Model(base.inputs, base.layers[-3].output, name='features')",
        "model = keras.Sequential([keras.Input(shape=(28, 28, 1)), features, layers.Dense(512, activation='relu'),",
        "                          layers.Dropout(0.4), layers.Dense(5, activation='softmax')])",
        optimizer="'nadam'", epochs=4)),
}

# name -> (source, {check: expected status}, {check: fragment of its hint}); the others pass
WRONG = {
    # trains the reused convolution layers along with the head
    "base_not_frozen": (fine_tune(head(SEQUENTIAL_HEAD.format(units=5, activation="softmax"))),
                        {FROZEN: "failed"}, {FROZEN: "base.trainable = False"}),
    # a CNN of the student's own: nothing of base is reused (trained from scratch, like the marks' baseline)
    "own_conv_layers_instead_of_base": (
        fine_tune(head("model = keras.Sequential([keras.Input(shape=(28, 28, 1)), "
                       "layers.Conv2D(32, 3, activation='relu'), layers.MaxPooling2D(), layers.Flatten(), "
                       "layers.Dense(5, activation='softmax')])")),
        {FROZEN: "failed", VALIDATION: "partial", HELD_OUT: "partial"},
        {FROZEN: "Build on the layers of `base`", VALIDATION: "under-trained"}),
    # ten outputs, one per digit 0-9: the labels are 0-4
    "ten_unit_head": (
        fine_tune(head("base.trainable = False", SEQUENTIAL_HEAD.format(units=10, activation="softmax"))),
        {ARCH: "failed", VALIDATION: "failed", HELD_OUT: "failed", LEARNS: "failed"},
        {ARCH: "Dense(5, activation='softmax')", VALIDATION: "Dense(5, activation='softmax')",
         HELD_OUT: "Dense(5, activation='softmax')"}),
    # five sigmoids: still accurate, but not class probabilities
    "sigmoid_head": (
        fine_tune(head("base.trainable = False", SEQUENTIAL_HEAD.format(units=5, activation="sigmoid"))),
        {ARCH: "failed"}, {ARCH: "activation='softmax'"}),
    # compiled, never fitted: the new head keeps its random weights
    "head_never_trained": (
        fine_tune(head("base.trainable = False", SEQUENTIAL_HEAD.format(units=5, activation="softmax"), fit=False)),
        {VALIDATION: "failed", HELD_OUT: "failed", LEARNS: "failed"},
        {VALIDATION: "call model.fit", HELD_OUT: "call model.fit"}),
    # the digits' own numbers 5-9 as labels of a 5-unit output
    "labels_as_digits_5_to_9": (
        fine_tune(head("base.trainable = False", SEQUENTIAL_HEAD.format(units=5, activation="softmax"),
                       fit=False).replace("    return model\n", "    model.fit(x_train, y_train + 5, epochs=3, "
                                                                   "verbose=0)\n    return model\n")),
        dict.fromkeys(ALL_CHECKS, "failed"), dict.fromkeys(ALL_CHECKS, "the labels are already 0-4")),
    # model.trainable = False after adding the head: nothing can learn (the layer summary says so)
    "whole_model_frozen": (
        fine_tune(head(SEQUENTIAL_HEAD.format(units=5, activation="softmax"), "model.trainable = False")),
        {VALIDATION: "failed", HELD_OUT: "failed"},
        {VALIDATION: "No layer of the new head is trainable", HELD_OUT: "No layer of the new head is trainable"}),
    # model.fit's History, not the model
    "returns_the_history": (
        fine_tune(head("base.trainable = False", SEQUENTIAL_HEAD.format(units=5, activation="softmax"),
                       fit=False, ret="model.fit(x_train, y_train, epochs=3, verbose=0)")),
        dict.fromkeys(ALL_CHECKS, "failed"), dict.fromkeys(ALL_CHECKS, "return the model itself")),
}

#: Graded without the learning check (its verdict is not what these test; it costs a second training).
WITHOUT_LEARNING = ("base_not_frozen", "own_conv_layers_instead_of_base", "sigmoid_head", "whole_model_frozen")


def _filled_release(folder: Path) -> Path:
    """The student release as a student hands it in: the reference's answer typed into the stub."""
    exercise = COURSE.exercise(EXERCISE)
    path = folder / "release_filled" / f"{EXERCISE}.ipynb"
    write_notebook(fill_notebook(exercise.student_notebook, exercise.solution_notebook), path)
    return path


def _grader(folder: Path, sandbox: InSandbox) -> Callable[[str], ExerciseResult]:
    def grade(name: str) -> ExerciseResult:
        if name == "release_filled":
            path = _filled_release(folder)
        else:
            path = folder / f"{name}.py"
            path.write_text(RIGHT[name] if name in RIGHT else WRONG[name][0])
        plans = exercise_plans(COURSE.exercise(EXERCISE), hidden=True)
        if name in WITHOUT_LEARNING:  # no second training: the check left out, nothing gated by it
            plans = [p for p in plans if p.kind != "learning"]
            for plan in plans:
                plan.relabel = None
        return sandbox.grade(path, COURSE.exercise(EXERCISE), plans)
    return grade


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Iterator[GradedOnce]:
    """Every submission graded once, three at a time in the sandbox, on first use."""
    folder = tmp_path_factory.mktemp("ex10_submissions")
    with InSandbox(COURSE, hide=(folder,)) as sandbox:
        yield GradedOnce(_grader(folder, sandbox), ["release_filled", *RIGHT, *WRONG])


def by_name(result: ExerciseResult) -> dict:
    return {c.name: c for c in result.checks}


# -- right submissions: full points, the learning check included ---------------------------------

@pytest.mark.parametrize("name", ["release_filled", *RIGHT])
def test_right_fine_tunings_of_other_shapes_get_full_points(graded, name):
    result = graded(name)
    checks = by_name(result)
    assert set(checks) == set(ALL_CHECKS)
    assert result.score == result.max_score == 10, {c.name: (c.status, c.message) for c in result.checks}
    assert "base_conv1, base_conv2, base_conv3, base_conv4 reused, weights unchanged" in checks[FROZEN].message
    seen = checks[LEARNS].details.learning
    assert seen is not None and abs(seen.accuracy - seen.relabelled_accuracy) <= seen.max_gap


# -- wrong submissions: exactly their checks fail, each with an actionable hint ------------------

@pytest.mark.parametrize("name", sorted(WRONG))
def test_a_wrong_fine_tuning_fails_exactly_its_checks_with_a_hint(graded, name):
    _, statuses, hints = WRONG[name]
    checks = by_name(graded(name))
    graded_checks = [c for c in ALL_CHECKS if not (c == LEARNS and name in WITHOUT_LEARNING)]
    assert set(checks) == set(graded_checks)
    got = {check: checks[check].status for check in graded_checks}
    assert got == {check: statuses.get(check, "passed") for check in graded_checks}, {
        c: (checks[c].status, checks[c].message) for c in graded_checks}
    for check, fragment in hints.items():
        assert fragment in checks[check].hint, (check, checks[check].message, checks[check].hint)
    for check in statuses:
        assert checks[check].points < checks[check].max_points and checks[check].hint


def test_trained_reused_layers_are_named_with_how_far_they_moved(graded):
    checks = by_name(graded("base_not_frozen"))
    message = checks[FROZEN].message
    assert message.startswith("the reused layers were trained: base_conv1") and "changed by up to" in message
    assert checks[HELD_OUT].passed  # it is accurate: the frozen check alone asks for the reuse


def test_own_layers_are_named_and_score_below_the_marks_set_above_them(graded):
    checks = by_name(graded("own_conv_layers_instead_of_base"))
    assert "does not reuse the released network's base_conv1, base_conv2, base_conv3, base_conv4" in \
        checks[FROZEN].message
    for check in (VALIDATION, HELD_OUT):
        assert 0 < checks[check].points < checks[check].max_points


def test_a_label_outside_the_output_names_the_relabelling(graded):
    checks = by_name(graded("labels_as_digits_5_to_9"))
    assert "raised InvalidArgumentError" in checks[ARCH].message
    # TensorFlow's reason, without the 2,000 characters of its own stack that come before it
    assert "is not in [0, 5)" in checks[ARCH].message or "outside the valid range of [0, 5)" in checks[ARCH].message
    assert "site-packages" not in checks[ARCH].message and len(checks[ARCH].message) < 600
    assert "label 0 is the digit 5" in checks[ARCH].hint and "Dense(5, activation='softmax')" in checks[ARCH].hint


def test_a_frozen_head_is_named_as_the_mistake_not_as_chance(graded):
    checks = by_name(graded("whole_model_frozen"))
    for check in (VALIDATION, HELD_OUT):
        assert checks[check].mistake == "frozen_head", (checks[check].message, checks[check].hint)
        assert "near chance" not in checks[check].hint and "dense" in checks[check].hint  # the head's layers named
    assert checks[FROZEN].passed and checks[FROZEN].mistake is None


def test_ten_outputs_are_not_scored_and_the_head_that_never_trained_is_at_chance(graded):
    ten = by_name(graded("ten_unit_head"))
    assert "output has shape (250, 10); expected (250, 5)" in ten[ARCH].message
    assert ten[HELD_OUT].message.startswith("not scored") and ten[HELD_OUT].points == 0
    untrained = by_name(graded("head_never_trained"))
    assert untrained[HELD_OUT].details.accuracy.accuracy < 0.5
    assert "at least 50% shows learning" in untrained[LEARNS].message


# -- the released network ---------------------------------------------------------------------

def test_release_and_base_model_json_are_in_sync_with_the_solution():
    exercise = COURSE.exercise(EXERCISE)
    report = release_exercise(exercise, write=False)  # what `deepgrade release --check` does, for ex10
    assert not report.stale, [str(p.relative_to(ROOT)) for p in report.stale]
    (pretrained,) = declared_networks(exercise)
    source, release = exercise.source_dir / pretrained.file, exercise.release_dir / pretrained.file
    assert made_from(source) == made_from(release) == source_hash(exercise, pretrained)
    assert source.read_bytes() == release.read_bytes()  # nbgrader copies the source's; ours is the same


def test_the_released_network_scores_what_it_records_on_digits_0_to_4():
    """The file's weights reach, on the held-out digits 0-4, the accuracy recorded when the
    reference's train_base made them (rebuilt in a process of its own, as students load it)."""
    exercise = COURSE.exercise(EXERCISE)
    (pretrained,) = declared_networks(exercise)
    path = exercise.release_dir / pretrained.file
    recorded = json.loads(path.read_text())
    assert recorded["made_by"] == f"solutions/{EXERCISE}: train_base on task digits_0_to_4, seed 0"
    kept = [layer["name"] for layer in read_model_file(path)["layers"] if layer["class"] in pretrained.keep]
    assert kept == ["base_conv1", "base_conv2", "base_conv3", "base_conv4"]
    code = ("from autograder.pretrained import load_model\n\n"
            "def predict_released(path, x):\n    return load_model(path).predict(x, verbose=0)\n")
    x, y = COURSE.task(pretrained.task).split("test")
    program = Program("<released network>", (CodeCell(code, "released"),))
    with StudentProcess(program, limits=Limits(load_timeout=KERAS_LOAD_TIMEOUT)) as process:
        outcome = process.call("predict_released", str(path), x, timeout=180)
    assert outcome.status == "ok", (outcome.status, outcome.error, outcome.detail)
    reached = accuracy(np.asarray(outcome.value), y, 5)
    assert reached == pytest.approx(recorded["test_accuracy"], abs=0.0021)  # one digit of 500, rounding
    assert reached >= 0.97


# -- the release and the marks ----------------------------------------------------------------

def test_the_student_release_holds_what_fine_tune_needs_and_no_answer():
    exercise = COURSE.exercise(EXERCISE)
    cells = json.loads(exercise.student_notebook.read_text())["cells"]
    source = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in cells}
    meta = {c["metadata"]["nbgrader"]["grade_id"]: c["metadata"] for c in cells}
    assert "def train_base(" in source["train-base"]  # given code: locked, never an answer cell
    assert meta["train-base"]["nbgrader"]["locked"] and not meta["train-base"]["nbgrader"]["solution"]
    assert 'load_model("base_model.json")' in source["load-base"] and "demo" in meta["load-base"]["tags"]
    assert "raise NotImplementedError()" in source["fine-tune"] and "trainable" not in source["fine-tune"]
    assert (exercise.release_dir / "base_model.json").is_file()
    assert not (exercise.release_dir / "checks.py").exists()


def test_marks_sit_below_the_reference_and_above_the_from_scratch_baseline():
    """Each accuracy mark cites the reference's seeds and the same network trained from scratch:
    the pass mark is at least 0.02 below the reference's worst seed and above the baseline's best."""
    checked = 0
    for check in COURSE.exercise(EXERCISE).checks():
        marks = getattr(check, "marks", None)
        if marks is None:
            continue
        worst = float(re.search(r"reference \S+ accuracy (0\.\d+)-", marks.measured).group(1))
        best_scratch = float(re.search(r"from scratch 0\.\d+-(0\.\d+)", marks.measured).group(1))
        assert best_scratch < marks.pass_at <= worst - 0.02 + 1e-9, (check.name, marks)
        checked += 1
    assert checked == 2
    (learning,) = {c.training.learning for c in COURSE.exercise(EXERCISE).checks()}
    gaps = [float(g) for g in re.findall(r"[-+]\d\.\d+", learning.measured.split("gap", 1)[1])]
    worst = float(re.search(r"relabelled accuracy (0\.\d+)-", learning.measured).group(1))
    assert len(gaps) == 3 and learning.max_gap >= max(gaps) + 0.02
    assert learning.min_accuracy <= worst - 0.1
