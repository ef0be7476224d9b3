"""The judges of every check kind, against a fake student's process (no process, no TensorFlow).

A plan is plain data and a judge only talks to the student through ``call``, ``get`` and
``request``: :class:`FakeStudent` answers those with canned :class:`Outcome`s and records
what it was asked, so these tests see both the verdicts and what crossed the boundary
(the held-out labels never do).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pytest

from autograder.kinds import (
    KINDS,
    PlannedBuildCheck,
    PlannedCase,
    PlannedCheck,
    PlannedModelCheck,
    Planning,
    kind_of,
    plan_from_json,
    register,
)
from autograder.details import ArchitectureSeen
from autograder.kinds.base import CRASH_HINT, TIMEOUT_HINT
from autograder.kinds.built import BuildKind
from autograder.kinds.trained import (
    RELABELLED,
    Learned,
    LearningKind,
    ModelKind,
    Verdict,
    judge_learning,
    relabelling,
    run_learning_check,
)
from autograder.kinds.calls import CallKind, ValueKind
from autograder.pretrained import model_file_text
from autograder.run.session import Outcome
from autograder.score import Status
from autograder.spec import (
    Architecture,
    BuiltModelCheck,
    Case,
    Check,
    Learning,
    LearningCheck,
    Marks,
    ModelCheck,
    Pretrained,
    Tolerance,
    Training,
)
from autograder.tasks import Task

# -- outcomes and the fake student's process ---------------------------------------------------


def ok(value: Any = None) -> Outcome:
    return Outcome("ok", value=value)


def raised(exc: BaseException, where: str = "") -> Outcome:
    """What the worker answers when the student's code raised ``exc``."""
    return Outcome("raised", error={"types": [t.__name__ for t in type(exc).__mro__], "message": str(exc),
                                    "where": where}, detail=type(exc).__name__)


def timed_out(seconds: float) -> Outcome:
    return Outcome("timeout", detail=f"did not finish within {seconds:g} s")


CRASHED = Outcome("crashed", detail="the process ended (killed by SIGKILL)")
MISSING = Outcome("missing")

Answer = Callable[[dict[str, Any]], Outcome]


def always(outcome: Outcome) -> Answer:
    return lambda message: outcome


def running(fn: Callable[..., Any]) -> Answer:
    """Answer ``call`` requests by running ``fn`` as the student's function."""
    def answer(message: dict[str, Any]) -> Outcome:
        try:
            return ok(fn(*message["args"], **message["kwargs"]))
        except Exception as exc:
            return raised(exc)
    return answer


class FakeProgram:
    left_out_names: dict[str, str] = {}

    def cell(self, label: str) -> None:
        return None


class FakeStudent:
    """The StudentProcess interface the judges use, answered by ``answer(message)``."""

    def __init__(self, answer: Answer, *, cell_errors: list[dict[str, Any]] | None = None):
        self.answer = answer
        self.asked: list[tuple[dict[str, Any], float | None]] = []
        self.cell_errors = cell_errors or []
        self.memo: dict[Any, Any] = {}
        self.starts = 1
        self.closed = 0
        self.program = FakeProgram()

    def request(self, message: dict[str, Any], timeout: float | None = None) -> Outcome:
        self.asked.append((message, timeout))
        return self.answer(message)

    def call(self, target: str, *args: Any, timeout: float | None = None, **kwargs: Any) -> Outcome:
        return self.request({"op": "call", "target": target, "args": list(args), "kwargs": kwargs}, timeout)

    def get(self, target: str, timeout: float | None = None) -> Outcome:
        return self.request({"op": "get", "target": target}, timeout)

    def close(self) -> None:
        self.closed += 1
        self.starts += 1

    def ops(self, op: str) -> list[dict[str, Any]]:
        return [message for message, _ in self.asked if message["op"] == op]


def cell_error(exc: BaseException, cell: str = "cell 3", **extra: Any) -> dict[str, Any]:
    return {"cell": cell, "types": [t.__name__ for t in type(exc).__mro__], "message": str(exc), "where": "",
            **extra}


# -- call and value checks -----------------------------------------------------------------------

X = np.array([1.0, 2.0])
SHOWS = "double(np.array([1., 2.]))"


def case(*args: Any, expected: Any = None, shows: str = SHOWS, raises: str = "",
         variants: list[tuple[str, Any]] | None = None, **kwargs: Any) -> PlannedCase:
    return PlannedCase(shows=shows, args=args, kwargs=kwargs, expected=expected, raises=raises,
                       variants=variants or [])


def call_plan(*cases: PlannedCase, target: str = "double", kind: str = "call", **fields: Any) -> PlannedCheck:
    fields.setdefault("points", 2.0)
    return PlannedCheck(kind=kind, name=f"{target}_check", target=target,
                        cases=list(cases) or [case(X, expected=2 * X)], **fields)


def value_plan(expected: Any = 4, **fields: Any) -> PlannedCheck:
    return call_plan(case(expected=expected, shows="answer"), target="answer", kind="value", **fields)


def judge(plan: Any, student: FakeStudent):
    return kind_of(plan).judge(plan, student)


def test_call_passes_when_every_case_matches():
    plan = call_plan(case(X, expected=2 * X), case(np.array([-3.0]), expected=np.array([-6.0]), shows="double(-3)"),
                     about="double doubles its input")
    student = FakeStudent(running(lambda x: 2 * x))
    result = judge(plan, student)
    assert result.status is Status.PASSED
    assert result.points == 2.0
    assert result.message == "double doubles its input"
    assert [m["target"] for m in student.ops("call")] == ["double", "double"]
    assert all(timeout == plan.timeout for _, timeout in student.asked)


def test_public_wrong_value_shows_the_call_the_answer_and_the_expected_value():
    plan = call_plan(hint="Multiply the input by 2.")
    result = judge(plan, FakeStudent(running(lambda x: 3 * x)))
    assert result.status is Status.FAILED
    assert result.points == 0.0
    assert result.message == f"{SHOWS} returned [3., 6.]; expected [2., 4.]"
    assert result.hint == "Multiply the input by 2."


def test_the_first_failing_case_decides_and_later_cases_are_not_called():
    plan = call_plan(case(X, expected=2 * X), case(X, expected=3 * X, shows="second"), case(X, expected=2 * X))
    student = FakeStudent(running(lambda x: 2 * x))
    result = judge(plan, student)
    assert result.message.startswith("second returned")
    assert len(student.ops("call")) == 2


def test_hidden_wrong_value_hides_inputs_and_expected_but_says_how_far_off():
    secret_in, secret_out = np.array([4.25, 7.5]), np.array([0.123456, 7.654321])
    plan = call_plan(case(secret_in, expected=secret_out, shows="double(np.array([4.25, 7.5]))"), hidden=True)
    result = judge(plan, FakeStudent(always(ok(np.array([0.5, 7.654321])))))
    assert result.status is Status.FAILED
    assert result.hidden
    assert result.message == ("double(<hidden input>) returned wrong values "
                              "(largest difference more than 0.1; 1 of 2 values differ)")
    everything = json.dumps(result.to_json())
    for secret in ("0.123456", "0.1235", "4.25", "7.5"):
        assert secret not in everything


def test_hidden_wrong_form_says_the_problem_without_the_inputs():
    plan = call_plan(case(np.array([4.25, 7.5]), expected=np.array([1.0, 2.0]), shows="double(4.25, 7.5)"),
                     hidden=True)
    result = judge(plan, FakeStudent(always(ok(None))))
    assert result.message == "double(<hidden input>) returned None"
    assert "return" in result.hint
    assert "4.25" not in result.message


@pytest.mark.parametrize("hidden", [False, True])
def test_a_known_mistakes_variant_gives_its_hint(hidden):
    adds = "Multiply by 2, do not add 2."
    plan = call_plan(case(X, expected=2 * X, variants=[("Use float division.", np.array([9.0, 9.0])),
                                                       (adds, X + 2)]),
                     hidden=hidden, hint="the check's own hint")
    result = judge(plan, FakeStudent(running(lambda x: x + 2)))
    assert result.status is Status.FAILED
    assert result.hint == adds


def test_a_case_that_must_raise_passes_when_the_student_raises_it_or_a_subclass():
    plan = call_plan(case(np.array([-1.0]), raises="ValueError", shows="double(-1)"))

    def strict(x):
        raise ValueError("negative input")

    assert judge(plan, FakeStudent(running(strict))).status is Status.PASSED

    def subclass(x):
        raise UnicodeError("negative input")  # a ValueError subclass

    assert judge(plan, FakeStudent(running(subclass))).status is Status.PASSED


def test_a_case_that_must_raise_fails_when_nothing_is_raised():
    plan = call_plan(case(np.array([-1.0]), raises="ValueError", shows="double(-1)"))
    result = judge(plan, FakeStudent(always(ok(-2.0))))
    assert result.status is Status.FAILED
    assert result.message == "double(-1) returned -2.0 instead of raising ValueError"


def test_a_case_that_must_raise_fails_when_another_exception_is_raised():
    plan = call_plan(case(np.array([-1.0]), raises="ValueError", shows="double(-1)"))
    result = judge(plan, FakeStudent(always(raised(TypeError("bad operand")))))
    assert result.status is Status.FAILED
    assert result.message == "double(-1) raised TypeError: bad operand"


@pytest.mark.parametrize("answer", [0.0, 0.5, 1.0, np.float32(0.25), np.array(0.75)])
def test_bounds_accept_any_number_inside(answer):
    plan = value_plan(expected=None, bounds=(0.0, 1.0))
    assert judge(plan, FakeStudent(always(ok(answer)))).status is Status.PASSED


def test_bounds_reject_a_number_outside_without_a_reference_value():
    result = judge(value_plan(expected=None, bounds=(0.0, 1.0)), FakeStudent(always(ok(1.5))))
    assert result.status is Status.FAILED
    assert result.message == "answer = 1.5 is outside [0, 1]"


@pytest.mark.parametrize("answer", [float("nan"), "0.5", True, None])
def test_bounds_reject_what_is_not_a_number(answer):
    result = judge(value_plan(expected=None, bounds=(0.0, 1.0)), FakeStudent(always(ok(answer))))
    assert result.status is Status.FAILED


def test_bounds_say_to_assign_a_number_for_text():
    result = judge(value_plan(expected=None, bounds=(0.0, 1.0)), FakeStudent(always(ok("0.5"))))
    assert result.message == "answer is '0.5', not a number"
    assert "Assign a number" in result.hint


def test_a_missing_target_is_not_defined():
    result = judge(call_plan(), FakeStudent(always(MISSING)))
    assert result.status is Status.FAILED
    assert result.message == "`double` is not defined"
    assert result.hint == "Define `double` with exactly this name."


def test_a_missing_target_names_the_cell_that_failed():
    student = FakeStudent(always(MISSING), cell_errors=[cell_error(SyntaxError("invalid syntax"))])
    result = judge(call_plan(), student)
    assert result.status is Status.FAILED
    assert result.message == "`double` is not defined; cell 3 raised SyntaxError: invalid syntax"
    assert "Fix the error above" in result.hint


def test_a_missing_target_after_a_known_mistakes_exception_gets_its_hint():
    plan = call_plan(raised_mistakes=[("Import numpy as np first.", "NameError", "'np'")])
    student = FakeStudent(always(MISSING), cell_errors=[cell_error(NameError("name 'np' is not defined"))])
    assert judge(plan, student).hint == "Import numpy as np first."


def test_a_missing_target_behind_the_stub_is_not_attempted():
    student = FakeStudent(always(MISSING), cell_errors=[cell_error(NotImplementedError())])
    result = judge(call_plan(), student)
    assert result.status is Status.NOT_ATTEMPTED
    assert result.points == 0.0
    assert "still the stub" in result.message


def test_the_stub_raising_not_implemented_is_not_attempted():
    result = judge(call_plan(), FakeStudent(always(raised(NotImplementedError("write your code here")))))
    assert result.status is Status.NOT_ATTEMPTED
    assert result.message == "not attempted: `double` still raises NotImplementedError"


def test_a_timeout_is_its_own_status_with_the_timeout_hint():
    plan = call_plan(timeout=3.0, hint="the check's own hint")
    student = FakeStudent(always(timed_out(3.0)))
    result = judge(plan, student)
    assert result.status is Status.TIMEOUT
    assert result.points == 0.0
    assert result.message == f"{SHOWS} did not finish within 3 s"
    assert result.hint == TIMEOUT_HINT
    assert student.asked[0][1] == 3.0


def test_a_crash_is_an_error_with_the_crash_hint():
    result = judge(call_plan(), FakeStudent(always(CRASHED)))
    assert result.status is Status.ERROR
    assert result.message == f"{SHOWS}: the process ended (killed by SIGKILL)"
    assert result.hint == CRASH_HINT


def test_a_target_that_is_not_a_function_says_so():
    result = judge(call_plan(), FakeStudent(always(Outcome("not_callable", detail="int"))))
    assert result.status is Status.FAILED
    assert result.message == "`double` is a int, not a function"
    assert "def double(" in result.hint


def test_an_exception_of_a_declared_raised_mistake_gives_its_hint():
    plan = call_plan(hint="the check's own hint",
                     raised_mistakes=[("Reshape x to a column first.", "ValueError", "SHAPES")])
    error = ValueError("operands could not be broadcast together with shapes (2,) (3,)")
    result = judge(plan, FakeStudent(always(raised(error, where="line 4"))))
    assert result.status is Status.FAILED
    assert result.message == f"{SHOWS} raised ValueError: {error} (line 4)"
    assert result.hint == "Reshape x to a column first."


def test_an_exception_of_no_declared_mistake_gets_the_checks_hint():
    plan = call_plan(hint="the check's own hint",
                     raised_mistakes=[("Reshape x to a column first.", "ValueError", "shapes")])
    result = judge(plan, FakeStudent(always(raised(ValueError("math domain error")))))
    assert result.hint == "the check's own hint"


def test_a_value_check_reads_the_variable_and_words_it_as_an_assignment():
    student = FakeStudent(always(ok(3)))
    result = judge(value_plan(expected=4), student)
    assert result.status is Status.FAILED
    assert result.message == "answer = 3; expected 4"
    assert student.asked == [({"op": "get", "target": "answer"}, 10.0)]


def test_a_hidden_value_check_says_how_far_off_without_the_expected_value():
    result = judge(value_plan(expected=4.0, hidden=True), FakeStudent(always(ok(1.5))))
    assert result.message == "answer = 1.5 is wrong (off by more than 1)"
    assert "4" not in result.message


def test_a_value_check_passes_on_an_equal_number_of_another_type():
    assert judge(value_plan(expected=4), FakeStudent(always(ok(np.float32(4.0))))).passed


# -- built models ----------------------------------------------------------------------------------


def model_summary(*layers: tuple[str, str | None], params: int = 21, loss: str = "") -> dict[str, Any]:
    return {"class": "Sequential", "params": params, "loss": loss,
            "layers": [{"class": "InputLayer"}] + [{"class": c, "activation": a} for c, a in layers]}


REFERENCE = model_summary(("Dense", "relu"), ("Dense", "softmax"))
PREDICTIONS = np.array([[0.2, 0.8], [0.6, 0.4]])


def build_plan(**fields: Any) -> PlannedBuildCheck:
    request = {"args": [3], "kwargs": {}, "weights": [np.ones((2, 3)), np.zeros(3)], "x": np.array([[1.0, 2.0]])}
    return PlannedBuildCheck(kind="build", name="build_mlp_check", target="build_mlp", points=3.0,
                             shows="build_mlp(3)", request=request,
                             expected={"model": True, "summary": REFERENCE, "predictions": PREDICTIONS}, **fields)


def built(summary: dict[str, Any] = REFERENCE, predictions: np.ndarray = PREDICTIONS) -> FakeStudent:
    return FakeStudent(always(ok({"model": True, "summary": summary, "predictions": predictions})))


def test_build_passes_with_the_same_layers_parameters_activations_and_predictions():
    plan = build_plan(about="a two-layer network")
    student = built(predictions=PREDICTIONS + 1e-7)
    result = judge(plan, student)
    assert result.status is Status.PASSED
    assert result.points == 3.0
    assert result.message == "a two-layer network"
    (message, timeout), = student.asked
    assert message["op"] == "build" and message["target"] == "build_mlp" and message["args"] == [3]
    assert np.array_equal(message["weights"][0], np.ones((2, 3))) and np.array_equal(message["x"], [[1.0, 2.0]])
    assert timeout == plan.timeout


def test_build_fails_on_another_layer_list():
    summary = model_summary(("Dense", "relu"), ("Dropout", None), ("Dense", "softmax"))
    result = judge(build_plan(), built(summary))
    assert result.status is Status.FAILED
    assert result.message == "build_mlp(3) has layers Dense, Dropout, Dense; expected Dense, Dense"


def test_build_fails_on_another_parameter_count():
    summary = model_summary(("Dense", "relu"), ("Dense", "softmax"), params=30)
    result = judge(build_plan(), built(summary))
    assert result.status is Status.FAILED
    assert result.message == "build_mlp(3) has 30 parameters; expected 21"


def test_build_fails_on_another_activation_and_the_hint_names_it():
    summary = model_summary(("Dense", "sigmoid"), ("Dense", "softmax"))
    result = judge(build_plan(), built(summary))
    assert result.status is Status.FAILED
    assert result.message == "build_mlp(3): layer 1 (Dense) uses activation 'sigmoid'; expected 'relu'"
    assert result.hint == "Pass activation='relu' to layer 1."


def test_build_fails_on_predictions_off_and_a_public_check_shows_the_expected_ones():
    result = judge(build_plan(), built(predictions=np.array([[0.5, 0.5], [0.6, 0.4]])))
    assert result.status is Status.FAILED
    assert result.message == ("build_mlp(3) with the given weights predicted [[0.5, 0.5], [0.6, 0.4]]; "
                              "expected [[0.2, 0.8], [0.6, 0.4]]")


def test_build_hidden_predictions_off_never_show_the_expected_ones():
    result = judge(build_plan(hidden=True), built(predictions=np.array([[0.5, 0.5], [0.6, 0.4]])))
    assert result.status is Status.FAILED
    assert "0.8" not in result.message and "expected" not in result.message


@pytest.mark.parametrize(("type_name", "hint"), [("History", "return the model itself"),
                                                 ("NoneType", "end it with `return model`"),
                                                 ("ndarray", "Return the trained Keras model")])
def test_build_of_something_not_a_model_says_what_to_return(type_name, hint):
    result = judge(build_plan(), FakeStudent(always(ok({"model": False, "type": type_name}))))
    assert result.status is Status.FAILED
    assert result.message == f"build_mlp returned a {type_name}, not a Keras model"
    assert hint in result.hint


def test_build_of_a_missing_function_is_not_defined():
    result = judge(build_plan(), FakeStudent(always(MISSING)))
    assert result.status is Status.FAILED
    assert result.message == "`build_mlp` is not defined"


# -- trained models: a tiny in-memory task -------------------------------------------------------

CLASSES = 3


def tiny_split(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` examples whose first feature is the class: a fake model can read the label off it."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % CLASSES
    rng.shuffle(y)
    return np.column_stack([y, rng.random(n)]).astype(np.float32), y.astype(np.int64)


def load_tiny() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {"train": tiny_split(20, 1), "validation": tiny_split(12, 2), "test": tiny_split(15, 3)}


TINY = Task(name="tiny", load=load_tiny, classes=CLASSES, describe="points as (n, 2) float32", noun="point")
TINY_PIXELS = Task(name="tiny-pixels", load=load_tiny, classes=CLASSES, describe="points as (n, 2) float32",
                   noun="point", rescalings=(("divided by 255", 1 / 255),))
ARCH = Architecture(allowed=("Dense", "Flatten"), hints={"Conv2D": "No convolutions here: use Dense layers."},
                    outputs=CLASSES)
LEARNING = Learning(max_gap=0.15, min_accuracy=0.6)
MLP = model_summary(("Dense", "relu"), ("Dense", "softmax"), loss="sparse_categorical_crossentropy")
HISTORY = {"loss": [1.0, 0.5], "accuracy": [0.6, 0.9]}
RELABEL = relabelling(CLASSES, b"hidden checks.py", "train_model")


def training(*, learning: Learning | None = None) -> Training:
    return Training(target="train_model", task="tiny", architecture=ARCH, budget=30.0, seed=7,
                    reference="the reference: 3 s", learning=learning)


def model_plan(name: str = "mlp_architecture", *, kind: str = "model", marks: Marks | None = None,
               split: str = "test", task: Task = TINY, learning: Learning | None = None,
               relabel: list[int] | None = None, **fields: Any) -> PlannedModelCheck:
    fields.setdefault("points", 4.0)
    return PlannedModelCheck(kind=kind, name=name, target="train_model", timeout=30.0,
                             training=training(learning=learning),
                             relabel=tuple(relabel) if relabel is not None else None, marks=marks, split=split,
                             task=task, **fields)


MARKS = Marks(pass_at=0.8, zero_at=0.4)


def accuracy_plan(split: str = "test", **fields: Any) -> PlannedModelCheck:
    return model_plan(f"mlp_{split}_accuracy", marks=MARKS, split=split, hidden=split == "test", **fields)


def learning_plan(**fields: Any) -> PlannedModelCheck:
    return model_plan("mlp_learns", kind="learning", hidden=True, learning=LEARNING, relabel=RELABEL, **fields)


def one_hot(classes: np.ndarray, width: int = CLASSES) -> np.ndarray:
    return np.eye(width, dtype=np.float32)[classes]


#: A fake trained model: the predictions for some inputs (or the Outcome of asking for them).
Model = Callable[[np.ndarray], Any]


def right_on(first: int | None = None, relabel: list[int] | None = None) -> Model:
    """A model right on the first ``first`` inputs (all when None) and wrong on the rest;
    with ``relabel``, right about the relabelled classes."""
    def predict(x: np.ndarray) -> np.ndarray:
        y = np.rint(x[:, 0]).astype(int)
        if relabel is not None:
            y = np.asarray(relabel)[y]
        wrong = np.arange(len(y)) >= (len(y) if first is None else first)
        return one_hot(np.where(wrong, (y + 1) % CLASSES, y))
    return predict


def trained_on_rescaled(relabel: list[int] | None = None) -> Model:
    """A model right only on inputs divided by 255 (it was trained on them): class 0 on the real ones."""
    def predict(x: np.ndarray) -> np.ndarray:
        y = np.rint(x[:, 0] * 255).astype(int)
        y = np.where(y < CLASSES, y, 0)
        return one_hot(y if relabel is None else np.asarray(relabel)[y])
    return predict


class TrainedStudent(FakeStudent):
    """Answers ``train`` with ``train`` (a model by default) and ``predict`` with each slot's model."""

    def __init__(self, models: dict[str, Model], *, train: Outcome | None = None, summary: dict[str, Any] = MLP,
                 history: dict[str, list[float]] | None = None, **kwargs: Any):
        self.models = models
        self.train = train or ok({"model": True, "summary": summary,
                                  "history": HISTORY if history is None else history, "seconds": 1.5})
        super().__init__(self.respond, **kwargs)

    def respond(self, message: dict[str, Any]) -> Outcome:
        if message["op"] == "train":
            return self.train
        if message["op"] == "predict":
            answer = self.models[message.get("slot", "")](np.asarray(message["x"]))
            return answer if isinstance(answer, Outcome) else ok(answer)
        raise AssertionError(f"unexpected request {message}")

    def trainings(self, slot: str = "") -> list[dict[str, Any]]:
        return [m for m in self.ops("train") if m["slot"] == slot]


def sent_arrays(value: Any) -> Iterator[np.ndarray]:
    """Every array in a request, however nested."""
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from sent_arrays(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from sent_arrays(v)


def test_architecture_check_passes_with_the_models_details():
    plan = model_plan(about="a small MLP")
    student = TrainedStudent({"": right_on()})
    result = judge(plan, student)
    assert result.status is Status.PASSED
    assert result.points == 4.0
    assert result.message == "a small MLP: Dense -> Dense, 21 parameters; trained in 1.5 s"
    assert result.details.to_json() == {"layers": ["Dense", "Dense"], "params": 21, "train_seconds": 1.5,
                                        "history": HISTORY}
    assert result.details.architecture == ArchitectureSeen(["Dense", "Dense"], 21)
    x_val, _ = TINY.split("validation")
    (predict,) = student.ops("predict")
    assert np.array_equal(predict["x"], x_val)


def test_architecture_check_fails_a_disallowed_layer_with_the_architectures_hint():
    summary = model_summary(("Conv2D", "relu"), ("Flatten", None), ("Dense", "softmax"))
    result = judge(model_plan(), TrainedStudent({"": right_on()}, summary=summary))
    assert result.status is Status.FAILED
    assert result.message == "the model has Conv2D layer(s); this exercise allows only Dense, Flatten"
    assert result.hint == "No convolutions here: use Dense layers."


def test_accuracy_at_the_pass_mark_gets_full_points():
    result = judge(accuracy_plan(), TrainedStudent({"": right_on(12)}))  # 12 of 15 = 0.8
    assert result.status is Status.PASSED
    assert result.points == 4.0
    assert result.message == "held-out test accuracy 0.800 (full points from 0.80, none at 0.40 or below)"
    assert result.details.accuracy.accuracy == pytest.approx(0.8)
    assert np.sum(result.details.confusion.matrix) == 15


def test_accuracy_above_the_pass_mark_gets_full_points():
    assert judge(accuracy_plan(), TrainedStudent({"": right_on()})).points == 4.0


def test_accuracy_between_the_marks_gets_points_in_proportion():
    result = judge(accuracy_plan(), TrainedStudent({"": right_on(9)}))  # 0.6: half way from 0.4 to 0.8
    assert result.status is Status.PARTIAL
    assert result.earned == 2.0
    assert result.points == 2.0
    assert result.message == ("held-out test accuracy 0.600: 2 of 4 points "
                              "(full points from 0.80, none at 0.40 or below)")
    assert result.hint  # a weak model is told why


def test_accuracy_at_or_below_the_zero_mark_fails_with_a_hint():
    result = judge(accuracy_plan(), TrainedStudent({"": right_on(6)}))  # 0.4
    assert result.status is Status.FAILED
    assert result.points == 0.0
    assert result.message == "held-out test accuracy 0.400 (full points from 0.80, none at 0.40 or below)"
    assert "Accuracy near chance (33%)" in result.hint


def test_an_untrained_model_is_told_to_call_fit():
    result = judge(accuracy_plan(), TrainedStudent({"": right_on(3)}, history={}))
    assert result.status is Status.FAILED
    assert "model.fit" in result.hint


def test_output_of_the_wrong_shape_is_not_scored_with_the_tasks_output_hint():
    student = TrainedStudent({"": lambda x: np.full((len(x), 10), 0.1, dtype=np.float32)})
    result = judge(accuracy_plan(), student)
    assert result.status is Status.FAILED
    assert result.message == "not scored: the model's output has shape (15, 10); expected (15, 3)"
    assert result.hint == TINY.output_hint()
    assert "Dense(3, activation='softmax')" in result.hint


def test_predictions_on_the_test_split_send_its_inputs_never_its_labels():
    student = TrainedStudent({"": right_on(), RELABELLED: right_on(relabel=RELABEL)})
    for plan in (accuracy_plan("validation"), accuracy_plan("test", learning=LEARNING, relabel=RELABEL),
                 learning_plan()):
        judge(plan, student)
    x_test, y_test = TINY.split("test")
    assert any(np.array_equal(m["x"], x_test) for m in student.ops("predict"))
    for message, _ in student.asked:
        for array in sent_arrays(message):
            assert not np.array_equal(array, x_test) or message["op"] == "predict"
            for labels in (y_test, np.asarray(RELABEL)[y_test]):
                assert not (array.shape == labels.shape and np.array_equal(array, labels)), message["op"]


def test_training_receives_the_training_and_validation_splits_with_the_seed_and_budget():
    student = TrainedStudent({"": right_on()})
    judge(model_plan(), student)
    ((message, timeout),) = [(m, t) for m, t in student.asked if m["op"] == "train"]
    expected = [a for name in ("train", "validation") for a in TINY.split(name)]
    assert len(message["args"]) == 4
    assert all(np.array_equal(got, want) for got, want in zip(message["args"], expected, strict=True))
    assert message["seed"] == 7 and message["slot"] == ""
    assert timeout == 30.0


def test_one_training_is_shared_by_every_check_of_it():
    student = TrainedStudent({"": right_on()})
    results = [judge(plan, student) for plan in (model_plan(), accuracy_plan("validation"), accuracy_plan("test"))]
    assert [r.status for r in results] == [Status.PASSED] * 3
    assert len(student.ops("train")) == 1
    # each split is predicted once, whatever the number of checks on it
    assert len(student.ops("predict")) == 2


def test_a_training_timeout_times_out_every_check_of_that_training():
    student = TrainedStudent({"": right_on()}, train=timed_out(30))
    plans = (model_plan(), accuracy_plan("validation"), accuracy_plan("test"), learning_plan())
    results = [judge(plan, student) for plan in plans]
    assert [r.status for r in results] == [Status.TIMEOUT] * 4
    assert all(r.points == 0.0 for r in results)
    assert results[0].message == ("train_model did not finish training within its budget of 30 s "
                                  "(the reference: 3 s)")
    assert "fewer epochs" in results[0].hint
    assert len(student.ops("train")) == 1  # an overrun is not retried
    assert student.ops("predict") == []


def test_a_training_function_that_returns_a_history_is_told_to_return_the_model():
    student = TrainedStudent({"": right_on()}, train=ok({"model": False, "type": "History"}))
    result = judge(accuracy_plan(), student)
    assert result.status is Status.FAILED
    assert "return the model itself" in result.hint


def test_a_crash_while_predicting_is_an_error_for_the_check():
    result = judge(accuracy_plan(), TrainedStudent({"": lambda x: CRASHED}))
    assert result.status is Status.ERROR
    assert "model.predict on the held-out test inputs" in result.message


# -- the learning check ---------------------------------------------------------------------------


def test_judge_learning_fails_and_gates_a_gap_above_max_gap():
    verdict = judge_learning(learning_plan(), Learned(accuracy=0.9, relabelled=0.6))
    assert (verdict.passed, verdict.gates, verdict.status) == (False, True, Status.FAILED)
    assert verdict.message.startswith("train_model did not learn from its data: ")
    assert "60.0%" in verdict.message and "90.0%" in verdict.message and "at most 0.15 apart" in verdict.message
    assert "knows more about the held-out data" in verdict.hint


def test_judge_learning_near_chance_after_relabelling_says_same_predictions_whatever_labels():
    verdict = judge_learning(learning_plan(), Learned(accuracy=0.9, relabelled=0.4))  # chance 1/3, + 0.1
    assert verdict.gates
    assert "returned the same predictions whatever labels it was given" in verdict.hint


def test_judge_learning_passes_a_small_gap():
    verdict = judge_learning(learning_plan(), Learned(accuracy=0.9, relabelled=0.8))
    assert (verdict.passed, verdict.gates, verdict.status) == (True, False, Status.PASSED)


def test_judge_learning_fails_below_min_accuracy_without_gating():
    verdict = judge_learning(learning_plan(), Learned(accuracy=0.5, relabelled=0.45))
    assert (verdict.passed, verdict.gates) == (False, False)
    assert verdict.message.endswith("at least 60% shows learning")
    assert "barely learns" in verdict.hint


def test_judge_learning_fails_and_gates_when_a_training_failed():
    seen = Learned(failure=Verdict(Status.TIMEOUT, "trained again ..., did not finish", "Train for fewer epochs."))
    verdict = judge_learning(learning_plan(), seen)
    assert (verdict.passed, verdict.gates, verdict.status) == (False, True, Status.TIMEOUT)
    assert verdict.hint == "Train for fewer epochs."


def test_relabelling_moves_every_class_and_depends_only_on_the_secret_and_target():
    assert sorted(RELABEL) == list(range(CLASSES))
    assert all(new != old for old, new in enumerate(RELABEL))
    assert relabelling(CLASSES, b"hidden checks.py", "train_model") == RELABEL
    assert relabelling(2, b"anything", "t") == [1, 0]


def test_a_network_that_ignores_its_data_fails_learning_and_its_held_out_accuracy_is_not_scored():
    student = TrainedStudent({"": right_on(), RELABELLED: right_on()})  # the same answers whatever labels
    learning = run_learning_check(learning_plan(), student)
    assert learning.status is Status.FAILED
    assert learning.points == 0.0
    assert "did not learn from its data" in learning.message
    assert "same predictions whatever labels" in learning.hint
    assert learning.details.learning.accuracy == 1.0
    assert learning.details.learning.relabelled_accuracy == 0.0

    held_out = judge(accuracy_plan(learning=LEARNING, relabel=RELABEL), student)
    assert held_out.status is Status.FAILED
    assert held_out.points == 0.0
    assert held_out.message.startswith("not scored: train_model did not learn from its data")
    public = judge(accuracy_plan("validation"), student)
    assert public.status is Status.PASSED  # only the held-out accuracy is gated


def test_the_second_training_is_on_relabelled_classes_in_a_fresh_process_once():
    student = TrainedStudent({"": right_on(), RELABELLED: right_on(relabel=RELABEL)})
    judge(accuracy_plan(learning=LEARNING, relabel=RELABEL), student)
    judge(learning_plan(), student)
    assert student.closed == 1
    assert len(student.trainings("")) == 1
    (second,) = student.trainings(RELABELLED)
    x_train, y_train = TINY.split("train")
    x_val, y_val = TINY.split("validation")
    assert np.array_equal(second["args"][0], x_train) and np.array_equal(second["args"][2], x_val)
    assert np.array_equal(second["args"][1], np.asarray(RELABEL)[y_train])
    assert np.array_equal(second["args"][3], np.asarray(RELABEL)[y_val])


def test_a_network_that_learns_from_its_data_passes_and_keeps_its_held_out_points():
    student = TrainedStudent({"": right_on(), RELABELLED: right_on(relabel=RELABEL)})
    learning = judge(learning_plan(), student)
    assert learning.status is Status.PASSED
    assert learning.points == 4.0
    held_out = judge(accuracy_plan(learning=LEARNING, relabel=RELABEL), student)
    assert held_out.status is Status.PASSED
    assert held_out.points == 4.0


def test_a_weak_learner_fails_learning_below_min_accuracy_but_its_accuracy_is_still_scored():
    student = TrainedStudent({"": right_on(9), RELABELLED: right_on(9, relabel=RELABEL)})  # 0.6 both times
    plan = learning_plan()
    plan.training = dataclasses.replace(plan.training, learning=dataclasses.replace(LEARNING, min_accuracy=0.7))
    learning = run_learning_check(plan, student)
    assert learning.status is Status.FAILED
    assert "at least 70% shows learning" in learning.message
    held_out = judge(accuracy_plan(learning=LEARNING, relabel=RELABEL), student)
    assert held_out.status is Status.PARTIAL
    assert held_out.points == 2.0


def test_a_learning_check_on_a_disallowed_network_is_not_scored_and_not_trained_again():
    summary = model_summary(("Conv2D", "relu"), ("Dense", "softmax"))
    student = TrainedStudent({"": right_on(), RELABELLED: right_on(relabel=RELABEL)}, summary=summary)
    result = run_learning_check(learning_plan(), student)
    assert result.status is Status.FAILED
    assert result.message.startswith("not scored: the model has Conv2D layer(s)")
    assert student.trainings(RELABELLED) == []


def test_a_weak_model_trained_on_rescaled_inputs_is_told_so():
    student = TrainedStudent({"": trained_on_rescaled()})
    result = judge(accuracy_plan(task=TINY_PIXELS), student)
    assert result.status is Status.FAILED
    assert "trained on rescaled inputs" in result.hint
    assert "divided by 255 (100%)" in result.hint


def test_a_weak_model_trained_on_rescaled_inputs_is_told_so_with_a_learning_check_too():
    student = TrainedStudent({"": trained_on_rescaled(), RELABELLED: trained_on_rescaled(RELABEL)})
    plan = accuracy_plan(task=TINY_PIXELS, learning=Learning(max_gap=0.15, min_accuracy=0.2), relabel=RELABEL)
    result = judge(plan, student)
    assert result.status is Status.FAILED  # accuracy 1/3: class 0 for every input as given
    assert student.closed == 1  # the learning check's second training ran, and did not gate
    assert "trained on rescaled inputs" in result.hint


# -- the registry and the release's JSON --------------------------------------------------------

TRAINING = Training(target="train_model", task="tiny", architecture=ARCH, learning=LEARNING)
DECLARATIONS = [
    (Check("double_values", target="double", points=1), CallKind),
    (Check("answer_value", target="answer", points=1, kind="value"), ValueKind),
    (BuiltModelCheck("mlp_built", target="build_mlp", points=1), BuildKind),
    (ModelCheck("mlp_architecture", training=TRAINING, points=1), ModelKind),
    (ModelCheck("mlp_accuracy", training=TRAINING, points=1, marks=MARKS), ModelKind),
    (LearningCheck("mlp_learns", training=TRAINING, points=1), LearningKind),
]


@pytest.mark.parametrize(("declaration", "kind"), DECLARATIONS, ids=lambda d: getattr(d, "name", None))
def test_kind_of_a_declaration(declaration, kind):
    assert type(kind_of(declaration)) is kind
    assert kind_of(declaration) is KINDS[kind.name]
    assert kind_of(kind.name) is KINDS[kind.name]


def plans() -> list[Any]:
    return [
        call_plan(case(X, expected=2 * X, variants=[("Multiply.", X + 2)]),
                  case(np.array([[1, 2]]), expected=(1.5, np.array([3])), shows="double(pair)"),
                  case(np.array([-1.0]), raises="ValueError", shows="double(-1)"),
                  raised_mistakes=[("Reshape first.", "ValueError", "shapes")], hidden=True, timeout=4.0,
                  tolerance=Tolerance(rtol=0, atol=1e-3, squeeze=True), about="doubles", hint="Times two.",
                  draws="decision_boundary"),
        value_plan(expected=None, bounds=(0.0, 1.0)),
        value_plan(expected="relu"),
        build_plan(raised_mistakes=[("Flatten first.", "ValueError", "rank")], timeout=45.0, hidden=True),
        model_plan(about="a small MLP"),
        accuracy_plan("validation"),
        accuracy_plan("test", learning=LEARNING, relabel=RELABEL,
                      raised_mistakes=[("Use sparse labels.", "ValueError", "shapes")]),
        learning_plan(),
    ]


@pytest.mark.parametrize("plan", plans(), ids=lambda p: f"{p.kind}-{p.name}")
def test_kind_of_a_plan(plan):
    assert kind_of(plan).plan_type is type(plan)
    assert kind_of(plan).name == plan.kind


@pytest.mark.parametrize("plan", plans(), ids=lambda p: f"{p.kind}-{p.name}")
def test_a_plan_round_trips_through_the_releases_json(plan):
    written = json.loads(json.dumps(plan.to_json()))
    read = plan_from_json(written)
    assert type(read) is type(plan)
    assert read.to_json() == written
    assert read.raised_mistakes == [tuple(m) for m in plan.raised_mistakes]
    assert read.timeout == plan.timeout
    if isinstance(plan, PlannedModelCheck):  # the training comes back typed, its relabelling beside it
        assert read.training == plan.training
        assert isinstance(read.training.architecture, Architecture)
        assert read.relabel == plan.relabel


def test_a_hidden_learning_plan_writes_its_relabelling_inside_the_training():
    """The JSON keeps its shape (public_checks.json and released exercises are unchanged)."""
    written = learning_plan().to_json()
    assert written["training"]["relabel"] == list(RELABEL)
    assert written["training"]["learning"] == {"max_gap": 0.15, "min_accuracy": 0.6, "measured": ""}
    assert "relabel" not in model_plan().to_json()["training"]


def test_a_model_plan_read_back_is_bound_to_its_task():
    read = plan_from_json(json.loads(json.dumps(accuracy_plan().to_json())))
    assert read.task is None
    exercise = SimpleNamespace(course=SimpleNamespace(task=lambda name: {"tiny": TINY}[name]))
    kind_of(read).bind(read, exercise)
    assert read.task is TINY
    assert judge(read, TrainedStudent({"": right_on()})).points == 4.0


def test_a_plan_read_back_judges_like_the_original():
    plan = call_plan(case(X, expected=2 * X, variants=[("Multiply by 2, do not add 2.", X + 2)]))
    read = plan_from_json(json.loads(json.dumps(plan.to_json())))
    for student_fn in (lambda x: 2 * x, lambda x: x + 2, lambda x: 3 * x):
        original, again = judge(plan, FakeStudent(running(student_fn))), judge(read, FakeStudent(running(student_fn)))
        assert (again.status, again.message, again.hint) == (original.status, original.message, original.hint)


def test_a_call_plan_with_keyword_arguments_round_trips_through_the_releases_json():
    plan = call_plan(case(X, expected=X.sum(), shows="total(x, axis=0)", axis=0), target="total")
    written = json.loads(json.dumps(plan.to_json()))
    read = plan_from_json(written)
    assert read.cases[0].kwargs == {"axis": 0}
    assert read.to_json() == written


def test_an_unknown_kind_names_the_known_ones_and_register():
    with pytest.raises(ValueError, match="unknown check kind 'essay'") as raised_error:
        kind_of(SimpleNamespace(kind="essay", name="q1"))
    message = str(raised_error.value)
    assert message.startswith("'q1'")
    assert "known: call, value, build, model, learning" in message
    assert "autograder.kinds.register" in message
    with pytest.raises(ValueError, match="unknown check kind 'essay'"):
        plan_from_json({"kind": "essay", "name": "q1"})


def test_a_new_kind_of_value_check_is_one_declaration():
    """spec.py does not name kinds: what a case means (a call, a variable read once) is the kind's
    declaration, found through the registry."""
    class Setting(ValueKind):
        name = "setting"

    register(Setting)
    try:
        check = Check("rate_setting", target="learning_rate", points=1, kind="setting")
        reference = FakeStudent(always(ok(0.01)))
        plan = kind_of(check).plan(check, Planning(reference=reference, exercise=cast(Any, None)))
        assert [c.shows for c in plan.cases] == ["learning_rate"]  # read once, named as a variable
        assert [c.expected for c in plan.cases] == [0.01]
        assert [m["op"] for m, _ in reference.asked] == ["get"]
        wrong = judge(plan, FakeStudent(always(ok(0.5))))
        assert wrong.status is Status.FAILED
        assert wrong.message.startswith("learning_rate = 0.5")
    finally:
        del KINDS["setting"]


def test_a_call_check_plans_its_declared_cases_only_shown_as_calls():
    check = Check("double_values", target="double", points=1, cases=[Case(X)])
    reference = FakeStudent(running(lambda x: 2 * x))
    plan = kind_of(check).plan(check, Planning(reference=reference, exercise=cast(Any, None)))
    assert [c.shows for c in plan.cases] == ["double(np.array([1., 2.]))"]
    empty = Check("noop", target="double", points=1)
    assert kind_of(empty).plan(empty, Planning(reference=reference, exercise=cast(Any, None))).cases == []


def test_registering_another_kind_under_a_taken_name_is_refused():
    class Impostor(CallKind):
        name = "call"

    with pytest.raises(ValueError, match="already registered by CallKind"):
        register(Impostor)
    assert type(KINDS["call"]) is CallKind


# == one-vs-all (Training(members=k)) ============================================================

MEMBER_ARCH = Architecture(required={"Dense layer": ("Dense",)}, allowed=("Dense",), outputs=1,
                           output_activation="sigmoid")
MEMBER = model_summary(("Dense", "relu"), ("Dense", "sigmoid"), loss="binary_crossentropy")


def ova_plan(name: str = "ova_architecture", *, marks: Marks | None = None, per_member: bool = False,
             split: str = "validation", members: int = CLASSES) -> PlannedModelCheck:
    data = Training(target="train_ova", task="tiny", architecture=MEMBER_ARCH, budget=30.0,
                    members=members)
    return PlannedModelCheck(kind="model", name=name, target="train_ova", points=4.0, timeout=30.0, training=data,
                             marks=marks, split=split, per_member=per_member, task=TINY)


def members_right(first: int | None = None) -> Model:
    """k honest binary classifiers: member k fires on class k (right on the first ``first`` inputs)."""
    def predict(x: np.ndarray) -> list[np.ndarray]:
        y = np.rint(x[:, 0]).astype(int)
        wrong = np.arange(len(y)) >= (len(y) if first is None else first)
        y = np.where(wrong, (y + 1) % CLASSES, y)
        return [np.where(y == k, 0.9, 0.2).astype(np.float32)[:, None] for k in range(CLASSES)]
    return predict


def softmax_sliced(x: np.ndarray) -> list[np.ndarray]:
    p = one_hot(np.rint(x[:, 0]).astype(int)) * 0.8 + 0.2 / CLASSES
    return [p[:, [k]] for k in range(CLASSES)]


def ensemble(count: int = CLASSES, member: dict[str, Any] = MEMBER) -> dict[str, Any]:
    return {"class": "Ensemble", "members": [member] * count, "layers": member["layers"], "params": 21 * count,
            "loss": member["loss"]}


def test_one_vs_all_members_are_asked_for_and_an_honest_vote_scores():
    student = TrainedStudent({"": members_right()}, summary=ensemble())
    arch = judge(ova_plan(), student)
    acc = judge(ova_plan("ova_accuracy", marks=MARKS), student)
    assert arch.status is Status.PASSED and acc.status is Status.PASSED
    assert student.trainings()[0]["members"] == CLASSES


def test_one_vs_all_a_softmax_split_into_members_is_not_scored():
    result = judge(ova_plan("ova_accuracy", marks=MARKS), TrainedStudent({"": softmax_sliced}, summary=ensemble()))
    assert result.status is Status.FAILED and result.points == 0
    assert "sum to 1 for every input" in result.message and "separate networks" in result.hint


def test_one_vs_all_the_wrong_number_of_members_is_said():
    result = judge(ova_plan(), TrainedStudent({"": members_right()}, summary=ensemble(CLASSES - 1)))
    assert result.status is Status.FAILED and f"returned {CLASSES - 1} model(s); expected {CLASSES}" in result.message


def test_one_vs_all_a_member_with_a_softmax_layer_is_named():
    softmax_member = model_summary(("Dense", "relu"), ("Dense", "softmax"))
    summary = ensemble()
    summary["members"] = [MEMBER, softmax_member, MEMBER]
    student = TrainedStudent({"": members_right()}, summary=summary)
    assert judge(ova_plan(), student).status is Status.FAILED  # a 1-unit softmax answers 1 whatever the input
    summary["members"][1] = model_summary(("Conv2D", "relu"), ("Dense", "sigmoid"))
    result = judge(ova_plan(), TrainedStudent({"": members_right()}, summary=summary))
    assert result.message.startswith("classifier 1 ('point 1 or not')")


def test_one_vs_all_one_model_instead_of_a_list_says_to_return_the_list():
    student = TrainedStudent({"": members_right()}, train=ok({"model": False, "type": "Sequential", "members": 3}))
    result = judge(ova_plan(), student)
    assert "not a list of 3 Keras models" in result.message and "[model_0, ..., model_2]" in result.hint


def test_per_member_accuracy_scores_the_weakest_member_on_its_own_class():
    plan = ova_plan("ova_members", marks=Marks(pass_at=0.95, zero_at=0.6), per_member=True, split="test")
    result = judge(plan, TrainedStudent({"": members_right(first=12)}, summary=ensemble()))
    each = result.details.members.member_accuracies
    assert len(each) == CLASSES and result.details.accuracy.accuracy == min(each) < 1.0
    assert "weakest classifier" in result.message and result.status is Status.PARTIAL


# == released networks: frozen layers ============================================================

def released_file(tmp_path: Path, kernel: np.ndarray) -> Path:
    path = tmp_path / "base_model.json"
    path.write_text(model_file_text(config='{"class_name": "Sequential"}', made_from="x", about={}, layers=[
        {"name": "conv", "class": "Conv2D", "weights": [kernel, np.zeros(2, np.float32)]},
        {"name": "head", "class": "Dense", "weights": [np.ones((2, 2), np.float32)]}]))
    return path


def frozen_plan(path: Path) -> PlannedModelCheck:
    pretrained = Pretrained(file=path.name, target="train_base", task="tiny", keep=("Conv2D",))
    data = Training(target="fine_tune", task="tiny", architecture=ARCH, budget=30.0, pretrained=pretrained)
    return PlannedModelCheck(kind="model", name="base_frozen", target="fine_tune", points=2.0, timeout=30.0,
                             training=data, frozen=True, task=TINY, base_file=path)


KERNEL = np.arange(6, dtype=np.float32).reshape(3, 2)


def after_training(kernel: np.ndarray, *, in_model: bool = True) -> TrainedStudent:
    value = {"model": True, "summary": MLP, "history": HISTORY, "seconds": 1.0,
             "base_layers": [{"name": "conv", "class": "Conv2D", "in_model": in_model,
                              "weights": [kernel, np.zeros(2, np.float32)]}]}
    return TrainedStudent({"": right_on()}, train=ok(value))


def test_frozen_layers_unchanged_pass_and_the_released_network_is_sent(tmp_path):
    path = released_file(tmp_path, KERNEL)
    student = after_training(KERNEL.copy())
    result = judge(frozen_plan(path), student)
    assert result.status is Status.PASSED and "conv reused" in result.message
    sent = student.trainings()[0]["pretrained"]
    assert sent["keep"] == ["Conv2D"] and [layer["name"] for layer in sent["layers"]] == ["conv", "head"]


def test_frozen_layers_that_were_trained_fail_with_the_freeze_hint(tmp_path):
    result = judge(frozen_plan(released_file(tmp_path, KERNEL)), after_training(KERNEL + 0.01))
    assert result.status is Status.FAILED and "changed by up to 0.01" in result.message
    assert "trainable = False" in result.hint


def test_layers_not_reused_fail_with_the_reuse_hint(tmp_path):
    result = judge(frozen_plan(released_file(tmp_path, KERNEL)), after_training(KERNEL, in_model=False))
    assert result.status is Status.FAILED and "does not reuse" in result.message and "base.layers" in result.hint


def test_a_reported_weight_of_another_shape_counts_as_changed(tmp_path):
    result = judge(frozen_plan(released_file(tmp_path, KERNEL)), after_training(KERNEL.T.copy()))
    assert result.status is Status.FAILED and "of another shape" in result.message


def test_one_vs_all_a_member_ending_in_a_one_unit_softmax_is_named():
    summary = ensemble()
    summary["members"] = [MEMBER, model_summary(("Dense", "relu"), ("Dense", "softmax")), MEMBER]
    result = judge(ova_plan(), TrainedStudent({"": members_right()}, summary=summary))
    assert result.status is Status.FAILED
    assert "classifier 1" in result.message and "'softmax', not 'sigmoid'" in result.message
    assert "always answers 1" in result.hint


def test_per_member_details_hold_the_weakest_members_accuracy_and_the_votes_apart():
    plan = ova_plan("ova_members", marks=Marks(pass_at=0.95, zero_at=0.6), per_member=True, split="test")
    result = judge(plan, TrainedStudent({"": members_right(first=12)}, summary=ensemble()))
    assert result.details.accuracy.accuracy == min(result.details.members.member_accuracies)
    assert result.details.members.vote_accuracy == pytest.approx(12 / 15)
    assert result.details.confusion.of == "vote"  # the matrix is the vote's


def test_a_weak_vote_gets_one_vs_all_advice_not_the_categorical_loss():
    at_chance = TrainedStudent({"": lambda x: [np.full((len(x), 1), 0.5, np.float32)] * CLASSES},
                               summary=ensemble())
    result = judge(ova_plan("ova_accuracy", marks=MARKS), at_chance)
    assert "(y_train == k)" in result.hint and "sparse_categorical" not in result.hint
    categorical = ensemble(member=model_summary(("Dense", "relu"), ("Dense", "sigmoid"),
                                                loss="sparse_categorical_crossentropy"))
    result = judge(ova_plan("ova_accuracy", marks=MARKS), TrainedStudent({"": members_right(first=5)},
                                                                          summary=categorical))
    assert "loss='binary_crossentropy' on the labels (y_train == k)" in result.hint
