"""Expectations: a check with its cases' expected answers and its mistakes' fingerprints.

A :class:`PlannedCheck` is pure data, made by running the reference solution on
a :class:`~autograder.spec.Check`'s cases. Public ones are recorded in the
student release (``exercises/<ex>/public_checks.json``) so that a student can
self-check without the solutions; hidden ones are planned when grading, from
``solutions/``, and never leave the grader.
"""

from __future__ import annotations

import copy
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .run.codec import from_json, normalize, to_json
from .run.session import StudentProcess
from .spec import Check, Tolerance, describe_call


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
    def from_json(cls, d: dict[str, Any]) -> "PlannedCheck":
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


def load_plans(path: Path) -> list[PlannedCheck]:
    data = json.loads(Path(path).read_text())
    return [PlannedCheck.from_json(d) for d in data["checks"]]
