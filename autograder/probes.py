"""Extra plain data for pictures, asked of the student's code after its checks ran.

A check declares the picture reports draw from it (``Check(..., draws="decision_boundary")``);
:data:`PICTURES` maps that name to a probe builder. A probe gets the live
student process (after the checks) and returns ``{check name: details}``,
merged into that check's ``details``. It only uses the check's first public
case, whose expected value the student may see anyway.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .details import Boundary, Details
from .kinds import Plan, PlannedCheck
from .run.session import OutcomeStatus

if TYPE_CHECKING:
    from .run.session import StudentProcess

Probe = Callable[["StudentProcess"], "dict[str, Details] | None"]


def _pair(value: Any) -> list[float] | None:
    try:
        items = [float(v) for v in list(value)[:2]]
    except (TypeError, ValueError):
        return None
    return items if len(items) == 2 and all(math.isfinite(v) for v in items) else None


def decision_boundary(plan: PlannedCheck) -> Probe:
    """The student's line ``(intercept, slope)`` and the reference's, for the same coefficients."""
    case = plan.cases[0]

    def probe(student: StudentProcess) -> dict[str, Details] | None:
        outcome = student.call(plan.target, *case.args, timeout=2.0, **case.kwargs)
        return {plan.name: Details(boundary=Boundary(
            coefficients=[float(a) for a in case.args],
            reference=_pair(case.expected),
            student=_pair(outcome.value) if outcome.status is OutcomeStatus.OK else None))}
    return probe


#: Pictures a check may declare (``draws``), each a builder of its probe.
PICTURES: dict[str, Callable[[PlannedCheck], Probe]] = {"decision_boundary": decision_boundary}


def probes_for(plans: Sequence[Plan]) -> list[Probe]:
    """The probes of the public checks that declare a picture and have a case with an expected value."""
    return [PICTURES[p.draws](p) for p in plans
            if p.draws in PICTURES and not p.hidden and isinstance(p, PlannedCheck) and p.cases
            and p.cases[0].expected is not None]
