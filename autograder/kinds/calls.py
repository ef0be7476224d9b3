"""Value checks: call the student's function (``call``) or read a variable (``value``) on
each case, and compare the answer with the reference's.

This is where "what was called, what came back, what was expected" is worded.
Public checks show the expected value; hidden checks only say how far off an
answer is, never the reference value nor a case's inputs (:func:`shown_call`).
"""

from __future__ import annotations

import copy
import math
import warnings
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from ..compare import compare_values, matches, show_value
from ..compare.values import NONFINITE_HINT, as_number
from ..run.codec import from_json, normalize, to_json
from ..run.session import Outcome, OutcomeStatus, StudentProcess
from ..score import CheckResult, Status
from ..spec import Case, Check, Tolerance, describe_call
from .base import (
    CheckKind,
    Plan,
    Planning,
    ReferenceSolutionError,
    failed_outcome,
    mistake_id,
    raised_mistakes,
)

#: How a hidden case's call is shown: its inputs are never shown to a student, in any report.
HIDDEN_INPUT = "<hidden input>"


class Variant(NamedTuple):
    """A declared mistake's answer on one case: an answer equal to it gets its hint."""

    hint: str
    answer: Any
    name: str = ""  # the mistake's id (``Mistake.name``)


@dataclass(kw_only=True)
class PlannedCase:
    shows: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    expected: Any = None
    raises: str = ""
    variants: list[Variant] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.variants = [Variant(*v) for v in self.variants]


@dataclass(kw_only=True)
class PlannedCheck(Plan):
    """A call or value check with each case's expected answer and the mistakes' fingerprints."""

    tolerance: Tolerance = Tolerance()
    bounds: tuple[float, float] | None = None  # only "a number in [lo, hi]" is checked
    cases: list[PlannedCase] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            **self.common_json(), "tolerance": self.tolerance.as_dict(), "timeout": self.timeout,
            "bounds": list(self.bounds) if self.bounds else None,
            "raised_mistakes": [list(m) for m in self.raised_mistakes],
            "cases": [{"shows": c.shows, "args": to_json(list(c.args)), "kwargs": to_json(c.kwargs)
                       if c.kwargs else {}, "expected": to_json(c.expected), "raises": c.raises,
                       "variants": [[v.hint, to_json(v.answer), v.name] for v in c.variants]}
                      for c in self.cases],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PlannedCheck:
        cases = [PlannedCase(shows=c["shows"], args=tuple(from_json(c["args"])),
                             kwargs=from_json(c["kwargs"]) if c.get("kwargs") else {},
                             expected=from_json(c["expected"]), raises=c.get("raises", ""),
                             variants=[Variant(v[0], from_json(v[1]), *v[2:]) for v in c.get("variants", [])])
                 for c in d["cases"]]
        return cls(**cls.common_fields(d), tolerance=Tolerance(**d["tolerance"]),
                   timeout=float(d.get("timeout", 10.0)),
                   bounds=(float(d["bounds"][0]), float(d["bounds"][1])) if d.get("bounds") else None,
                   cases=cases)


def _variant_output(fn: Any, args: tuple, kwargs: dict) -> Any:
    """What a wrong implementation returns on a case (None when it cannot run there)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return normalize(fn(*copy.deepcopy(args), **copy.deepcopy(kwargs)))
    except Exception:
        return None


class CallKind(CheckKind):
    """``Check(kind="call")``: the student's function is called on each case."""

    name = "call"
    plan_type = PlannedCheck
    #: How a verdict reads the answer: "f(x) returned 3" (a call) or "x = 3" (a variable).
    reads_variable: ClassVar[bool] = False

    def ask(self, student: StudentProcess, plan: PlannedCheck, case: PlannedCase, *,
            timeout: float) -> Outcome:
        return student.call(plan.target, *case.args, timeout=timeout, **case.kwargs)

    def cases(self, check: Check) -> list[Case]:
        """The cases planned: the declared ones; a variable is read once even when none is declared."""
        cases = check.make_cases()
        return [Case()] if self.reads_variable and not cases else cases

    def shows(self, check: Check, case: Case) -> str:
        """How a case reads in messages: the call (``sigmoid(np.array([0.]))``), or the variable's name."""
        if self.reads_variable and not case.shows:
            return check.target
        return describe_call(check.target, case)

    def plan(self, check: Check, planning: Planning) -> PlannedCheck:
        """Run the reference on every case of ``check`` and record what is expected."""
        reference = planning.reference
        assert reference is not None, f"{check.name} needs the reference solution's process"
        cases = []
        for case in self.cases(check):
            args = tuple(normalize(a) for a in case.args)
            kwargs = {k: normalize(v) for k, v in case.kwargs.items()}
            planned = PlannedCase(shows=self.shows(check, case), args=args, kwargs=kwargs,
                                  raises=case.raises)
            outcome = self.ask(reference, _shell(check), planned, timeout=max(check.timeout, 60))
            planned.expected = _expected(check, planned, outcome)
            planned.variants = [Variant(m.hint, out, mistake_id(m, check.name, i))
                                for i, m in enumerate(check.mistakes) if m.variant is not None
                                for out in [_variant_output(m.variant, args, kwargs)] if out is not None]
            cases.append(planned)
        return PlannedCheck(kind=check.kind, name=check.name, target=check.target, points=float(check.points),
                            about=check.about, hidden=check.hidden, hint=check.hint, timeout=check.timeout,
                            raised_mistakes=raised_mistakes(check.mistakes, check.name), tolerance=check.tolerance,
                            bounds=check.bounds, cases=cases, draws=check.draws)

    def judge(self, plan: PlannedCheck, student: StudentProcess) -> CheckResult:
        """All cases of one check; the first failing case decides the message."""
        for case in plan.cases:
            failure = self.judge_case(plan, case, self.ask(student, plan, case, timeout=plan.timeout), student)
            if failure is not None:
                return failure
        return plan.result(Status.PASSED, plan.about)

    def judge_case(self, plan: PlannedCheck, case: PlannedCase, outcome: Outcome,
                   student: StudentProcess) -> CheckResult | None:
        """None when the case passed, else the failed verdict."""
        shows = shown_call(plan, case)
        if outcome.status is OutcomeStatus.RAISED and case.raises and case.raises in outcome.error.get("types", []):
            return None
        if outcome.status is not OutcomeStatus.OK:
            return failed_outcome(plan, shows, outcome, student)
        got = outcome.value
        if case.raises:
            return plan.result(Status.FAILED, f"{shows} returned {show_value(got)} instead of raising {case.raises}")
        if plan.bounds is not None:
            return _judge_bounds(plan, shows, got)
        verdict = compare_values(got, case.expected, plan.tolerance)
        if verdict.ok:
            return None
        known = next((v for v in case.variants if matches(got, v.answer, plan.tolerance)), None)
        hint, mistake = (known.hint, known.name) if known else ("", "")
        if not hint and verdict.hint == NONFINITE_HINT and plan.hint:
            hint = plan.hint  # the instructor's hint for this check knows what overflows here
        if not hint:
            hint, mistake = verdict.hint, verdict.mistake
        answer = f"{shows} = {show_value(got)}" if self.reads_variable else f"{shows} returned {show_value(got)}"
        if plan.hidden:
            far = verdict.distance(coarse=True)
            if verdict.about_form:
                return plan.result(Status.FAILED, f"{shows} {verdict.problem}", hint, mistake=mistake)
            if self.reads_variable:
                return plan.result(Status.FAILED, f"{answer} is wrong ({far})", hint, mistake=mistake)
            return plan.result(Status.FAILED, f"{shows} returned wrong values ({far})", hint, mistake=mistake)
        message = answer
        if verdict.about_form:
            message += f": {verdict.problem.removeprefix('returned ')}"
        message += f"; expected {show_value(case.expected)}"
        return plan.result(Status.FAILED, message, hint, mistake=mistake)


class ValueKind(CallKind):
    """``Check(kind="value")``: a variable the student's notebook sets is read once."""

    name = "value"
    reads_variable = True

    def ask(self, student: StudentProcess, plan: PlannedCheck, case: PlannedCase, *,
            timeout: float) -> Outcome:
        return student.get(plan.target, timeout=timeout)


def _shell(check: Check) -> PlannedCheck:
    """A plan with no cases yet, for asking the reference."""
    return PlannedCheck(kind=check.kind, name=check.name, target=check.target, points=float(check.points))


def _expected(check: Check, case: PlannedCase, outcome: Outcome) -> Any:
    if case.raises:
        if outcome.status is not OutcomeStatus.RAISED or case.raises not in outcome.error.get("types", []):
            raise ReferenceSolutionError(f"{check.name}: reference {case.shows} should raise {case.raises}, "
                                         f"got {outcome.status} {outcome.error or outcome.detail}")
        return None
    if check.bounds is not None:
        return None  # only the form is checked: the value itself must not be revealed
    if outcome.status is not OutcomeStatus.OK:
        raise ReferenceSolutionError(f"{check.name}: reference {case.shows} gave {outcome.status}: "
                                     f"{outcome.error or outcome.detail}")
    return outcome.value


def shown_call(plan: PlannedCheck, case: PlannedCase) -> str:
    """What a verdict says was called. This is the one place that decides what a student may
    see of a hidden check's case: the function's name, never its inputs (nor, by
    :meth:`CallKind.judge_case`, the reference value)."""
    if plan.hidden and case.shows != plan.target:
        return f"{plan.target}({HIDDEN_INPUT})"
    return case.shows


def _judge_bounds(plan: PlannedCheck, shows: str, got: Any) -> CheckResult | None:
    number = as_number(got)
    lo, hi = plan.bounds or (-math.inf, math.inf)
    if number is None:
        return plan.result(Status.FAILED, f"{shows} is {show_value(got)}, not a number",
                           "Assign a number (for example 0.5), not a string or a formula's text.")
    if not (lo <= number <= hi) or math.isnan(number):
        return plan.result(Status.FAILED, f"{shows} = {number:g} is outside [{lo:g}, {hi:g}]")
    return None
