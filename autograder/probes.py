"""Extra plain data for pictures, asked of the student's code after its checks ran.

A probe gets the live student process (after the checks) and the exercise's plans,
and returns ``{check name: details}`` merged into that check's ``details``. It
only uses public cases, whose expected values the student may see anyway.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from .plan import PlannedCheck
from .run.codec import from_json, normalize  # noqa: F401 - values arrive decoded


def _pair(value: Any) -> list[float] | None:
    try:
        items = [float(v) for v in list(value)[:2]]
    except (TypeError, ValueError):
        return None
    return items if len(items) == 2 and all(math.isfinite(v) for v in items) else None


def decision_boundary(plans: list[PlannedCheck]) -> Callable | None:
    plan = next((p for p in plans if p.target == "decision_boundary" and not p.hidden and p.cases
                 and p.cases[0].expected is not None), None)
    if plan is None:
        return None
    case = plan.cases[0]

    def probe(student) -> dict[str, Any]:
        outcome = student.call("decision_boundary", *case.args, timeout=2.0, **case.kwargs)
        return {plan.name: {"boundary": {
            "coefficients": [float(a) for a in case.args],
            "student": _pair(outcome.value) if outcome.status == "ok" else None,
            "reference": _pair(case.expected)}}}
    return probe


#: Probe builders; each returns a probe or None when the exercise has nothing for it.
BUILDERS = [decision_boundary]


def probes_for(plans: Sequence[Any]) -> list[Callable]:
    """The probes the exercise's value and call checks allow (model checks need none)."""
    planned = [p for p in plans if isinstance(p, PlannedCheck)]
    return [p for p in (b(planned) for b in BUILDERS) if p is not None]
