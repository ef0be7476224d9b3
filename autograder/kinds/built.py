"""Built-model checks: build the student's model with known weights, without training, and
compare its layers, parameter count and predictions with the reference's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..compare import compare_values, show_value
from ..compare.models import layer_classes
from ..run.codec import from_json, normalize, to_json
from ..run.session import OutcomeStatus, StudentProcess
from ..score import CheckResult, Status
from ..spec import BuiltModelCheck, Tolerance
from .base import CheckKind, Plan, Planning, ReferenceSolutionError, failed_outcome, raised_mistakes


@dataclass(kw_only=True)
class PlannedBuildCheck(Plan):
    """A model-building check with the reference's summary and predictions recorded."""

    tolerance: Tolerance = Tolerance(rtol=0.0, atol=1e-5)
    shows: str = ""
    request: dict[str, Any] = field(default_factory=dict)  # args, kwargs, weights, x: what "build" sends
    expected: dict[str, Any] = field(default_factory=dict)  # {"summary": ..., "predictions": ...}

    def to_json(self) -> dict[str, Any]:
        return {**self.common_json(), "timeout": self.timeout, "tolerance": self.tolerance.as_dict(),
                "raised_mistakes": [list(m) for m in self.raised_mistakes], "shows": self.shows,
                "request": to_json(self.request), "expected": to_json(self.expected)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PlannedBuildCheck:
        return cls(**cls.common_fields(d), timeout=float(d.get("timeout", 60)),
                   tolerance=Tolerance(**d["tolerance"]), shows=d.get("shows", ""),
                   request=from_json(d["request"]), expected=from_json(d["expected"]))


class BuildKind(CheckKind):
    """``BuiltModelCheck``: a model-building function, judged without training."""

    name = "build"
    plan_type = PlannedBuildCheck
    uses_keras = True

    def plan(self, check: BuiltModelCheck, planning: Planning) -> PlannedBuildCheck:
        reference = planning.reference
        assert reference is not None, f"{check.name} needs the reference solution's process"
        weights = check.weights() if callable(check.weights) else check.weights
        request = {"args": [normalize(a) for a in check.args],
                   "kwargs": {k: normalize(v) for k, v in check.kwargs.items()},
                   "weights": None if weights is None else [normalize(w) for w in weights],
                   "x": None if check.x is None else normalize(check.x)}
        outcome = reference.request({"op": "build", "target": check.target, **request},
                                    timeout=max(check.timeout, 120))
        if outcome.status is not OutcomeStatus.OK or not (outcome.value or {}).get("model"):
            raise ReferenceSolutionError(f"{check.name}: reference {check.target} gave {outcome.status}: "
                                         f"{outcome.error or outcome.detail or outcome.value}")
        return PlannedBuildCheck(kind=check.kind, name=check.name, target=check.target, points=float(check.points),
                                 about=check.about, hidden=check.hidden, hint=check.hint, timeout=check.timeout,
                                 raised_mistakes=raised_mistakes(check.mistakes, check.name),
                                 tolerance=check.tolerance,
                                 shows=check.shows or f"{check.target}()", request=request, expected=outcome.value)

    def judge(self, plan: PlannedBuildCheck, student: StudentProcess) -> CheckResult:
        outcome = student.request({"op": "build", "target": plan.target, **plan.request}, timeout=plan.timeout)
        if outcome.status is not OutcomeStatus.OK:
            return failed_outcome(plan, plan.shows, outcome, student)
        value = outcome.value or {}
        if not value.get("model"):
            message, hint, mistake = not_a_model(plan.target, str(value.get("type")))
            return plan.result(Status.FAILED, message, hint, mistake=mistake)
        problem = _difference(plan, value)
        if problem is not None:
            return plan.result(Status.FAILED, *problem[:2], mistake=problem[2])
        return plan.result(Status.PASSED, plan.about)


def not_a_model(target: str, type_name: str, members: int = 0) -> tuple[str, str, str]:
    """(message, hint, mistake) for a function that returned something other than a Keras model
    (or, for one-vs-all, a list of ``members`` models)."""
    if members:
        return (f"{target} returned a {type_name}, not a list of {members} Keras models",
                f"Return a list of the {members} trained binary classifiers, [model_0, ..., "
                f"model_{members - 1}], model k answering 'class k or not'.", "not_a_list_of_models")
    if type_name == "History":
        hint, mistake = "model.fit returns a History object: return the model itself (`return model`).", \
            "returned_history"
    elif type_name == "NoneType":
        hint, mistake = f"`{target}` returns nothing: end it with `return model`.", "missing_return"
    else:
        hint, mistake = "Return the trained Keras model (keras.Sequential or keras.Model).", "not_a_model"
    return f"{target} returned a {type_name}, not a Keras model", hint, mistake


def _difference(plan: PlannedBuildCheck, value: dict[str, Any]) -> tuple[str, str, str] | None:
    """How the student's built model differs from the reference's: (message, hint, mistake), or None."""
    want, got = plan.expected["summary"], value["summary"]
    if layer_classes(got) != layer_classes(want):
        return (f"{plan.shows} has layers {', '.join(layer_classes(got)) or 'none'}; "
                f"expected {', '.join(layer_classes(want))}", "", "other_layers")
    if got.get("params") != want.get("params"):
        return f"{plan.shows} has {got.get('params')} parameters; expected {want.get('params')}", "", "other_units"
    for i, (g, w) in enumerate(zip(_layers(got), _layers(want), strict=False), start=1):
        if g.get("activation") != w.get("activation"):
            return (f"{plan.shows}: layer {i} ({g.get('class')}) uses activation {g.get('activation')!r}; "
                    f"expected {w.get('activation')!r}", f"Pass activation='{w.get('activation')}' to layer {i}.",
                    f"{g.get('activation')}_for_{w.get('activation')}")
    if "predictions" in plan.expected:
        verdict = compare_values(value.get("predictions"), plan.expected["predictions"], plan.tolerance)
        if not verdict.ok:
            shown = "" if plan.hidden else f"; expected {show_value(plan.expected['predictions'])}"
            return (f"{plan.shows} with the given weights predicted {show_value(value.get('predictions'))}"
                    f"{shown}", verdict.hint, verdict.mistake)
    return None


def _layers(summary: dict[str, Any]) -> list[dict[str, Any]]:
    return [layer for layer in summary.get("layers", []) if layer.get("class") != "InputLayer"]
