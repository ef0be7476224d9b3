"""Expectations: a check with its cases' expected answers and its mistakes' fingerprints.

A :class:`PlannedCheck` is pure data, made by running the reference solution on
a :class:`~autograder.spec.Check`'s cases. Public ones are recorded in the
student release (``exercises/<ex>/public_checks.json``) so that a student can
self-check without the solutions; hidden ones are planned when grading, from
``solutions/``, and never leave the grader.
"""

from __future__ import annotations

import copy
import hashlib
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .run.codec import from_json, normalize, to_json
from .run.session import StudentProcess
from .spec import BuiltModelCheck, Check, LearningCheck, Marks, ModelCheck, Tolerance, describe_call

#: Kinds whose checks train the student's model (and share that training).
TRAINED_KINDS = ("model", "learning")


class ReferenceSolutionError(Exception):
    """The reference solution failed on a case: the exercise itself needs fixing."""


@dataclass
class PlannedCase:
    shows: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    expected: Any = None
    raises: str = ""
    variants: list[tuple[str, Any]] = field(default_factory=list)  # (hint, wrong answer)


@dataclass
class PlannedCheck:
    name: str
    target: str
    points: float
    about: str
    kind: str
    hidden: bool
    tolerance: Tolerance
    hint: str
    timeout: float
    bounds: tuple[float, float] | None
    raised_mistakes: list[tuple[str, str, str]]  # (hint, exception name, message part)
    cases: list[PlannedCase]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "target": self.target, "points": self.points, "about": self.about,
            "kind": self.kind, "hidden": self.hidden, "tolerance": self.tolerance.as_dict(),
            "hint": self.hint, "timeout": self.timeout,
            "bounds": list(self.bounds) if self.bounds else None,
            "raised_mistakes": [list(m) for m in self.raised_mistakes],
            "cases": [{"shows": c.shows, "args": to_json(list(c.args)), "kwargs": to_json(c.kwargs)
                       if c.kwargs else {}, "expected": to_json(c.expected), "raises": c.raises,
                       "variants": [[h, to_json(v)] for h, v in c.variants]} for c in self.cases],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PlannedCheck:
        cases = [PlannedCase(c["shows"], tuple(from_json(c["args"])),
                             {k: from_json(v) for k, v in c.get("kwargs", {}).items()},
                             from_json(c["expected"]), c.get("raises", ""),
                             [(h, from_json(v)) for h, v in c.get("variants", [])])
                 for c in d["cases"]]
        return cls(d["name"], d["target"], float(d["points"]), d.get("about", ""), d["kind"],
                   bool(d.get("hidden")), Tolerance(**d["tolerance"]), d.get("hint", ""),
                   float(d.get("timeout", 10.0)),
                   tuple(d["bounds"]) if d.get("bounds") else None, [tuple(m) for m in d.get("raised_mistakes", [])],
                   cases)


def _variant_output(fn: Any, args: tuple, kwargs: dict) -> Any:
    """What a wrong implementation returns on a case (None when it cannot run there)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return normalize(fn(*copy.deepcopy(args), **copy.deepcopy(kwargs)))
    except Exception:
        return None


def plan_check(check: Check, reference: StudentProcess) -> PlannedCheck:
    """Run the reference on every case of ``check`` and record what is expected."""
    planned_cases = []
    for case in check.make_cases():
        args = tuple(normalize(a) for a in case.args)
        kwargs = {k: normalize(v) for k, v in case.kwargs.items()}
        shows = describe_call(check.target, case, check.kind)
        if check.kind == "value":
            outcome = reference.get(check.target, timeout=max(check.timeout, 60))
        else:
            outcome = reference.call(check.target, *args, timeout=max(check.timeout, 60), **kwargs)
        if case.raises:
            if outcome.status != "raised" or case.raises not in outcome.error.get("types", []):
                raise ReferenceSolutionError(f"{check.name}: reference {shows} should raise {case.raises}, "
                                     f"got {outcome.status} {outcome.error or outcome.detail}")
            expected = None
        elif check.bounds is not None:
            expected = None  # only the form is checked: the value itself must not be revealed
        elif outcome.status != "ok":
            raise ReferenceSolutionError(f"{check.name}: reference {shows} gave {outcome.status}: "
                                 f"{outcome.error or outcome.detail}")
        else:
            expected = outcome.value
        variants = []
        for mistake in check.mistakes:
            if mistake.variant is not None:
                out = _variant_output(mistake.variant, args, kwargs)
                if out is not None:
                    variants.append((mistake.hint, out))
        planned_cases.append(PlannedCase(shows, args, kwargs, expected, case.raises, variants))
    raised = [(m.hint, m.raised, m.message) for m in check.mistakes if m.raised]
    return PlannedCheck(check.name, check.target, float(check.points), check.about, check.kind,
                        check.hidden, check.tolerance, check.hint, check.timeout, check.bounds, raised,
                        planned_cases)


@dataclass
class PlannedModelCheck:
    """A trained-model check: what to train and how to score it. Nothing is
    recorded from the reference: the marks are declared, with their measurement."""

    name: str
    target: str
    points: float
    about: str
    hidden: bool
    hint: str
    training: dict[str, Any]  # Training.as_dict()
    marks: Marks | None
    split: str
    raised_mistakes: list[tuple[str, str, str]]
    kind: str = "model"

    @property
    def timeout(self) -> float:
        return float(self.training["budget"])

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "target": self.target, "points": self.points, "about": self.about,
                "kind": self.kind, "hidden": self.hidden, "hint": self.hint, "training": self.training,
                "marks": vars(self.marks) if self.marks else None, "split": self.split,
                "raised_mistakes": [list(m) for m in self.raised_mistakes]}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PlannedModelCheck:
        return cls(d["name"], d["target"], float(d["points"]), d.get("about", ""), bool(d.get("hidden")),
                   d.get("hint", ""), d["training"], Marks(**d["marks"]) if d.get("marks") else None,
                   d.get("split", "test"), [tuple(m) for m in d.get("raised_mistakes", [])],
                   d.get("kind", "model"))


@dataclass
class PlannedBuildCheck:
    """A model-building check with the reference's summary and predictions recorded."""

    name: str
    target: str
    points: float
    about: str
    hidden: bool
    hint: str
    timeout: float
    tolerance: Tolerance
    raised_mistakes: list[tuple[str, str, str]]
    shows: str
    request: dict[str, Any]  # args, kwargs, weights, x: what the "build" request sends
    expected: dict[str, Any]  # {"summary": ..., "predictions": ...} from the reference
    kind: str = "build"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "target": self.target, "points": self.points, "about": self.about,
                "kind": self.kind, "hidden": self.hidden, "hint": self.hint, "timeout": self.timeout,
                "tolerance": self.tolerance.as_dict(),
                "raised_mistakes": [list(m) for m in self.raised_mistakes], "shows": self.shows,
                "request": to_json(self.request), "expected": to_json(self.expected)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PlannedBuildCheck:
        return cls(d["name"], d["target"], float(d["points"]), d.get("about", ""), bool(d.get("hidden")),
                   d.get("hint", ""), float(d.get("timeout", 60)), Tolerance(**d["tolerance"]),
                   [tuple(m) for m in d.get("raised_mistakes", [])], d.get("shows", ""),
                   from_json(d["request"]), from_json(d["expected"]))


AnyPlan = PlannedCheck | PlannedModelCheck | PlannedBuildCheck
_KINDS: dict[str, type[PlannedModelCheck] | type[PlannedBuildCheck]] = {
    "model": PlannedModelCheck, "learning": PlannedModelCheck, "build": PlannedBuildCheck}


def plan_from_json(d: dict[str, Any]) -> AnyPlan:
    kind = _KINDS.get(d.get("kind", ""))
    return kind.from_json(d) if kind is not None else PlannedCheck.from_json(d)


def _raised(mistakes) -> list[tuple[str, str, str]]:
    return [(m.hint, m.raised, m.message) for m in mistakes if m.raised]


def relabelling(classes: int, secret: bytes, target: str) -> list[int]:
    """The class each class becomes for the learning check: a permutation that moves every
    class, drawn from ``secret`` (the hidden checks.py), so no student can know it."""
    if classes == 2:
        return [1, 0]
    seed = int.from_bytes(hashlib.sha256(secret + b"\0" + target.encode()).digest()[:8], "big")
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(classes)
        if not (order == np.arange(classes)).any():
            return [int(c) for c in order]


def plan_model_check(check: ModelCheck | LearningCheck, secret: bytes = b"") -> PlannedModelCheck:
    """A trained-model check; a hidden one of a training with ``learning`` also gets the
    relabelling (hidden plans never leave the grader)."""
    training = check.training.as_dict()
    if check.hidden and check.training.learning is not None:
        from .tasks import task

        training["relabel"] = relabelling(task(check.training.task).classes, secret, check.target)
    marks = check.marks if isinstance(check, ModelCheck) else None
    split = check.split if isinstance(check, ModelCheck) else "test"
    return PlannedModelCheck(check.name, check.target, float(check.points), check.about, check.hidden,
                             check.hint, training, marks, split, _raised(check.mistakes), check.kind)


def plan_build_check(check: BuiltModelCheck, reference: StudentProcess) -> PlannedBuildCheck:
    weights = check.weights() if callable(check.weights) else check.weights
    request = {"args": [normalize(a) for a in check.args],
               "kwargs": {k: normalize(v) for k, v in check.kwargs.items()},
               "weights": None if weights is None else [normalize(w) for w in weights],
               "x": None if check.x is None else normalize(check.x)}
    outcome = reference.request({"op": "build", "target": check.target, **request},
                                timeout=max(check.timeout, 120))
    if outcome.status != "ok" or not (outcome.value or {}).get("model"):
        raise ReferenceSolutionError(f"{check.name}: reference {check.target} gave {outcome.status}: "
                                     f"{outcome.error or outcome.detail or outcome.value}")
    shows = check.shows or f"{check.target}()"
    return PlannedBuildCheck(check.name, check.target, float(check.points), check.about, check.hidden,
                             check.hint, check.timeout, check.tolerance, _raised(check.mistakes), shows,
                             request, outcome.value)


def plan_any(check: Check | ModelCheck | LearningCheck | BuiltModelCheck, reference: StudentProcess | None,
             secret: bytes = b"") -> AnyPlan:
    """Plan any kind of check (the reference process is needed for calls and builds; ``secret``,
    the hidden checks.py, for the learning check's relabelling)."""
    if isinstance(check, (ModelCheck, LearningCheck)):
        return plan_model_check(check, secret)
    assert reference is not None, f"{check.name} needs the reference solution's process"
    if isinstance(check, BuiltModelCheck):
        return plan_build_check(check, reference)
    return plan_check(check, reference)


def needs_keras(plans_or_checks) -> bool:
    """Whether the student's process must preload the Keras requests."""
    return any(getattr(p, "kind", "") in (*TRAINED_KINDS, "build") for p in plans_or_checks)


def load_plans(path: Path) -> list[AnyPlan]:
    data = json.loads(Path(path).read_text())
    return [plan_from_json(d) for d in data["checks"]]
