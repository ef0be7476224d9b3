"""Running model checks: train once per grading, predict on the grader's inputs, judge.

The training function is called once per student's process, whatever the
number of checks about it; every check then reuses that outcome (a timeout
too: an overrun is not retried). Predictions are requested per split, and the
held-out labels stay here: only the inputs are sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .compare import compare_values, show_value
from .compare.models import (accuracy, accuracy_hint, architecture_problem, confusion_matrix,
                             layer_classes, output_problem, params_problem)
from .evaluate import failed_outcome
from .plan import PlannedBuildCheck, PlannedModelCheck
from .run.session import StudentProcess
from .score import CheckResult
from .spec import Architecture
from .tasks import Task, task

PREDICT_TIMEOUT = 120.0
SPLIT_NAMES = {"test": "held-out test", "validation": "validation", "train": "training"}


@dataclass
class Verdict:
    """A check-independent failure (status, message, hint), shared by the checks of one model."""

    status: str
    message: str
    hint: str = ""

    def result(self, check: Any) -> CheckResult:
        return CheckResult(check.name, check.target, check.points, self.status, self.message,
                           self.hint or check.hint, check.hidden)


@dataclass
class Trained:
    summary: dict[str, Any] = field(default_factory=dict)
    history: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    incarnation: int = 0
    failure: Verdict | None = None


def _shows(target: str, data: Task) -> str:
    return f"{target}(x_train, y_train, x_val, y_val) with {data.describe}"


def _not_a_model(target: str, type_name: str) -> Verdict:
    if type_name == "History":
        hint = "model.fit returns a History object: return the model itself (`return model`)."
    elif type_name == "NoneType":
        hint = f"`{target}` returns nothing: end it with `return model`."
    else:
        hint = "Return the trained Keras model (keras.Sequential or keras.Model)."
    return Verdict("failed", f"{target} returned a {type_name}, not a Keras model", hint)


def train_once(plan: PlannedModelCheck, student: StudentProcess) -> Trained:
    """Train the student's model (or reuse this grading's earlier outcome)."""
    key = ("train", plan.target)
    if key in student.memo:
        return student.memo[key]
    training, data = plan.training, task(plan.training["task"])
    shows = _shows(plan.target, data)
    outcome = student.request({"op": "train", "target": plan.target, "args": data.training_args(),
                               "seed": int(training.get("seed", 0))}, timeout=float(training["budget"]))
    trained = Trained()
    if outcome.status == "timeout":
        reference = f" ({training['reference']})" if training.get("reference") else ""
        trained.failure = Verdict("timeout", f"{plan.target} did not finish training within its budget "
                                  f"of {float(training['budget']):g} s{reference}",
                                  "Train for fewer epochs, or use a smaller model or a larger batch size.")
    elif outcome.status != "ok":
        failed = failed_outcome(plan, shows, outcome, student)
        trained.failure = Verdict(failed.status, failed.message, failed.hint)
    elif not outcome.value.get("model"):
        trained.failure = _not_a_model(plan.target, str(outcome.value.get("type")))
    else:
        value = outcome.value
        trained = Trained(value.get("summary") or {}, value.get("history") or {},
                          float(value.get("seconds") or 0.0), student.starts)
    student.memo[key] = trained
    return trained


def predictions(plan: PlannedModelCheck, student: StudentProcess, trained: Trained,
                split: str) -> tuple[Any, Verdict | None]:
    """The trained model's outputs on a split's inputs (never its labels)."""
    key = ("predict", plan.target, split)
    if key in student.memo:
        return student.memo[key]
    if student.starts != trained.incarnation:
        answer = (None, Verdict("error", f"the process that trained {plan.target} ended before it "
                                "could predict", "An earlier check crashed the process; fix that first."))
    else:
        x, _ = task(plan.training["task"]).split(split)
        outcome = student.request({"op": "predict", "target": plan.target, "x": x}, timeout=PREDICT_TIMEOUT)
        if outcome.status == "ok":
            answer = (outcome.value, None)
        else:
            failed = failed_outcome(plan, f"model.predict on the {SPLIT_NAMES[split]} inputs", outcome, student)
            answer = (None, Verdict(failed.status, failed.message, failed.hint))
    student.memo[key] = answer
    return answer


def _describe(summary: dict[str, Any]) -> str:
    return f"{' -> '.join(layer_classes(summary))}, {int(summary.get('params', 0)):,} parameters"


def run_model_check(plan: PlannedModelCheck, student: StudentProcess) -> CheckResult:
    trained = train_once(plan, student)
    if trained.failure:
        return trained.failure.result(plan)
    arch = Architecture.from_dict(plan.training["architecture"])
    data = task(plan.training["task"])
    if plan.marks is None:
        return _judge_architecture(plan, student, trained, arch, data)
    problem = architecture_problem(trained.summary, arch)
    if problem:
        return Verdict("failed", f"not scored: {problem[0]}", problem[1]).result(plan)
    return _judge_accuracy(plan, student, trained, arch, data)


def _judge_architecture(plan: PlannedModelCheck, student: StudentProcess, trained: Trained,
                        arch: Architecture, data: Task) -> CheckResult:
    got, failure = predictions(plan, student, trained, "validation")
    if failure:
        return failure.result(plan)
    n = len(data.split("validation")[1])
    problem = (architecture_problem(trained.summary, arch) or output_problem(got, n, arch)
               or params_problem(trained.summary, arch))
    if problem:
        return Verdict("failed", problem[0], problem[1]).result(plan)
    message = f"{plan.about or 'the model'}: {_describe(trained.summary)}; trained in {trained.seconds:.1f} s"
    return CheckResult(plan.name, plan.target, plan.points, "passed", message, hidden=plan.hidden,
                       details={"layers": layer_classes(trained.summary), "params": trained.summary.get("params"),
                                "train_seconds": trained.seconds, "history": trained.history})


def _judge_accuracy(plan: PlannedModelCheck, student: StudentProcess, trained: Trained,
                    arch: Architecture, data: Task) -> CheckResult:
    assert plan.marks is not None
    got, failure = predictions(plan, student, trained, plan.split)
    if failure:
        return failure.result(plan)
    _, labels = data.split(plan.split)
    n = len(labels)
    p = got[:, None] if (arch.outputs == 1 and getattr(got, "ndim", 0) == 1) else got
    if getattr(p, "shape", None) != (n, arch.outputs):
        problem = output_problem(got, n, arch) or ("the output cannot be scored", "")
        return Verdict("failed", f"not scored: {problem[0]}", problem[1]).result(plan)
    acc = accuracy(p, labels, data.classes)
    marks = plan.marks
    earned = round(marks.points(acc, plan.points), 2)
    details = {"accuracy": acc, "split": plan.split, "pass_at": marks.pass_at, "zero_at": marks.zero_at,
               "train_seconds": trained.seconds, "history": trained.history}
    if data.classes > 2:
        details["confusion_matrix"] = confusion_matrix(p, labels, data.classes)
    said = f"{SPLIT_NAMES[plan.split]} accuracy {acc:.3f}"
    rule = f"full points from {marks.pass_at:.2f}, none at {marks.zero_at:.2f} or below"
    if acc >= marks.pass_at:
        return CheckResult(plan.name, plan.target, plan.points, "passed", f"{said} ({rule})",
                           hidden=plan.hidden, details=details)
    hint = accuracy_hint(acc, data.chance, data.classes, trained.summary, trained.history)
    if earned > 0:
        return CheckResult(plan.name, plan.target, plan.points, "partial",
                           f"{said}: {earned:g} of {plan.points:g} points ({rule})", hint, plan.hidden,
                           earned, details)
    return CheckResult(plan.name, plan.target, plan.points, "failed", f"{said} ({rule})", hint,
                       plan.hidden, details=details)


# -- model-building checks ----------------------------------------------------------------

def run_build_check(plan: PlannedBuildCheck, student: StudentProcess) -> CheckResult:
    outcome = student.request({"op": "build", "target": plan.target, **plan.request}, timeout=plan.timeout)
    if outcome.status != "ok":
        return failed_outcome(plan, plan.shows, outcome, student)
    value = outcome.value or {}
    if not value.get("model"):
        return _not_a_model(plan.target, str(value.get("type"))).result(plan)
    expected = plan.expected
    want, got = expected["summary"], value["summary"]
    if layer_classes(got) != layer_classes(want):
        return Verdict("failed", f"{plan.shows} has layers {', '.join(layer_classes(got)) or 'none'}; "
                       f"expected {', '.join(layer_classes(want))}").result(plan)
    if got.get("params") != want.get("params"):
        return Verdict("failed", f"{plan.shows} has {got.get('params')} parameters; expected "
                       f"{want.get('params')}").result(plan)
    for i, (g, w) in enumerate(zip(_layers(got), _layers(want)), start=1):
        if g.get("activation") != w.get("activation"):
            return Verdict("failed", f"{plan.shows}: layer {i} ({g.get('class')}) uses activation "
                           f"{g.get('activation')!r}; expected {w.get('activation')!r}",
                           f"Pass activation='{w.get('activation')}' to layer {i}.").result(plan)
    if "predictions" in expected:
        verdict = compare_values(value.get("predictions"), expected["predictions"], plan.tolerance)
        if not verdict.ok:
            shown = "" if plan.hidden else f"; expected {show_value(expected['predictions'])}"
            return Verdict("failed", f"{plan.shows} with the given weights predicted "
                           f"{show_value(value.get('predictions'))}{shown}", verdict.hint).result(plan)
    return CheckResult(plan.name, plan.target, plan.points, "passed", plan.about, hidden=plan.hidden)


def _layers(summary: dict[str, Any]) -> list[dict[str, Any]]:
    return [layer for layer in summary.get("layers", []) if layer.get("class") != "InputLayer"]
