"""Running planned checks against a student's process and turning outcomes into verdicts.

This is where "what was called, what came back, what was expected" is worded.
Public checks show the expected value; hidden checks only say how far off an
answer is, never the reference value.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .compare import compare_values, matches, show_value
from .compare.values import NONFINITE_HINT, as_number
from .plan import PlannedCase, PlannedCheck
from .run.session import Outcome, StudentProcess
from .score import CheckResult

#: How a hidden case's call is shown: its inputs are never shown to a student, in any report.
HIDDEN_INPUT = "<hidden input>"

CRASH_HINT = ("Your code ended the Python process (sys.exit, os._exit, or a crash). "
              "Return a value instead of exiting.")
TIMEOUT_HINT = "Look for a loop that never ends, or work far larger than the task needs."


def _raised_text(outcome: Outcome) -> str:
    err = outcome.error
    name = (err.get("types") or ["Exception"])[0]
    text = f"raised {name}: {err.get('message', '')}".rstrip(": ")
    if err.get("where"):
        text += f" ({err['where']})"
    return text


def _missing(check: PlannedCheck, student: StudentProcess) -> CheckResult:
    """The target is not defined: not attempted, or say which cell failed."""
    errors = student.cell_errors
    if any("NotImplementedError" in e.get("types", []) for e in errors):
        return CheckResult(check.name, check.target, check.points, "not_attempted",
                           f"not attempted: `{check.target}` is still the stub", hidden=check.hidden)
    message = f"`{check.target}` is not defined"
    hint = f"Define `{check.target}` with exactly this name."
    if errors:
        first = errors[0]
        message += f"; {first['cell']} raised {first['types'][0]}: {first['message']}"
        if first.get("where"):
            message += f" ({first['where']})"
        hint = (_known_mistake(check, first) or
                "Fix the error above: the cells after it may define the name, but this one stopped.")
    return CheckResult(check.name, check.target, check.points, "failed", message, hint,
                       check.hidden)


def failed_outcome(check: Any, shows: str, outcome: Outcome, student: StudentProcess) -> CheckResult:
    """The verdict for an answer that never came: missing, stub, timeout, crash, exception."""
    def fail(message: str, hint: str = "", status: str = "failed") -> CheckResult:
        return CheckResult(check.name, check.target, check.points, status, message,
                           hint or check.hint, check.hidden)

    if outcome.status == "missing":
        return _missing(check, student)
    if outcome.not_implemented:
        return fail(f"not attempted: `{check.target}` still raises NotImplementedError",
                    status="not_attempted")
    if outcome.status == "timeout":
        return fail(f"{shows} {outcome.detail}", TIMEOUT_HINT, "timeout")
    if outcome.status == "crashed":
        return fail(f"{shows}: {outcome.detail}", CRASH_HINT, "error")
    if outcome.status == "not_callable":
        return fail(f"`{check.target}` is a {outcome.detail}, not a function",
                    f"Define `{check.target}` with `def {check.target}(...):`.")
    if outcome.status == "raised":
        return fail(f"{shows} {_raised_text(outcome)}", _known_mistake(check, outcome.error))
    return fail(f"{shows}: the answer could not be read ({outcome.detail})", status="error")


def _known_mistake(check: Any, error: dict[str, Any]) -> str:
    """The hint of a declared mistake that raises this exception, if any."""
    for hint, name, part in check.raised_mistakes:
        if name in error.get("types", []) and part.lower() in error.get("message", "").lower():
            return hint
    return ""


def _call(student: StudentProcess, check: PlannedCheck, case: PlannedCase) -> Outcome:
    if check.kind == "value":
        return student.get(check.target, timeout=check.timeout)
    return student.call(check.target, *case.args, timeout=check.timeout, **case.kwargs)


def run_check(check: Any, student: StudentProcess) -> CheckResult:
    """All cases of one check; the first failing case decides the message."""
    if check.kind in ("model", "learning", "build"):
        from .evaluate_models import run_build_check, run_learning_check, run_model_check

        runs: dict[str, Callable[[Any, StudentProcess], CheckResult]] = {
            "model": run_model_check, "learning": run_learning_check, "build": run_build_check}
        return runs[check.kind](check, student)
    for case in check.cases:
        outcome = _call(student, check, case)
        failure = judge_case(check, case, outcome, student)
        if failure is not None:
            return failure
    return CheckResult(check.name, check.target, check.points, "passed", check.about,
                       hidden=check.hidden)


def judge_case(check: PlannedCheck, case: PlannedCase, outcome: Outcome,
               student: StudentProcess) -> CheckResult | None:
    """None when the case passed, else the failed verdict."""
    def fail(message: str, hint: str = "", status: str = "failed") -> CheckResult:
        return CheckResult(check.name, check.target, check.points, status, message,
                           hint or check.hint, check.hidden)

    shows = shown_call(check, case)
    if outcome.status == "raised" and case.raises and case.raises in outcome.error.get("types", []):
        return None
    if outcome.status != "ok":
        return failed_outcome(check, shows, outcome, student)
    got = outcome.value
    if case.raises:
        return fail(f"{shows} returned {show_value(got)} instead of raising {case.raises}")
    if check.bounds is not None:
        return _judge_bounds(check, shows, got, fail)
    verdict = compare_values(got, case.expected, check.tolerance)
    if verdict.ok:
        return None
    hint = next((h for h, wrong in case.variants if matches(got, wrong, check.tolerance)), "")
    if not hint and verdict.hint == NONFINITE_HINT and check.hint:
        hint = check.hint  # the instructor's hint for this check knows what overflows here
    hint = hint or verdict.hint
    answer = f"{shows} = {show_value(got)}" if check.kind == "value" else f"{shows} returned {show_value(got)}"
    if check.hidden:
        far = verdict.distance(coarse=True)
        if verdict.about_form:
            return fail(f"{shows} {verdict.problem}", hint)
        if check.kind == "value":
            return fail(f"{answer} is wrong ({far})", hint)
        return fail(f"{shows} returned wrong values ({far})", hint)
    message = answer
    if verdict.about_form:
        message += f": {verdict.problem.removeprefix('returned ')}"
    message += f"; expected {show_value(case.expected)}"
    return fail(message, hint)


def shown_call(check: PlannedCheck, case: PlannedCase) -> str:
    """What a verdict says was called. This is the one place that decides what a student may
    see of a hidden check's case: the function's name, never its inputs (nor, by
    :func:`judge_case`, the reference value)."""
    if check.hidden and check.kind != "value" and case.shows != check.target:
        return f"{check.target}({HIDDEN_INPUT})"
    return case.shows


def _judge_bounds(check: PlannedCheck, shows: str, got: Any, fail) -> CheckResult | None:
    number = as_number(got)
    lo, hi = check.bounds or (-math.inf, math.inf)
    if number is None:
        return fail(f"{shows} is {show_value(got)}, not a number",
                    "Assign a number (for example 0.5), not a string or a formula's text.")
    if not (lo <= number <= hi) or math.isnan(number):
        return fail(f"{shows} = {number:g} is outside [{lo:g}, {hi:g}]")
    return None
