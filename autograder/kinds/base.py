"""What every kind of check is made of: a declaration, a plan, a JSON form and a judge.

A *declaration* (in ``solutions/<ex>/checks.py``, from :mod:`autograder.spec`)
says what the instructor wants. Its :class:`CheckKind` turns it into a
:class:`Plan` (stage 1, planning: expectations from the reference solution,
pure data that can be written to the release as JSON) and later judges a
student's process against that plan (stage 2, grading). The stages only ever
call the kind found by :func:`~autograder.kinds.kind_of`; they never compare a
kind's name.

Invariants:
- a plan holds plain data only (numbers, arrays, strings): what a hidden plan
  holds never leaves the grader;
- :meth:`CheckKind.judge` never raises for anything the student's code does:
  every failure is a :class:`~autograder.score.CheckResult` with a status.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from ..details import Details
from ..run.session import OutcomeStatus
from ..score import CheckResult, Status

if TYPE_CHECKING:
    from ..course import Course, Exercise
    from ..run.session import Outcome, StudentProcess

CRASH_HINT = ("Your code ended the Python process (sys.exit, os._exit, or a crash). "
              "Return a value instead of exiting.")
TIMEOUT_HINT = "Look for a loop that never ends, or work far larger than the task needs."


class ReferenceSolutionError(Exception):
    """The reference solution failed on a case: the exercise itself needs fixing."""


class RaisedMistake(NamedTuple):
    """A declared mistake recognised by what the code raised, as plan data (a JSON list)."""

    hint: str
    raised: str  # the exception's type name
    message: str  # part of its message
    name: str = ""  # the mistake's id (``Mistake.name``)


#: The mistake of code that uses the data cell's names at the top level (that cell is left out
#: while grading): training outside the graded function.
TOP_LEVEL = "trained_at_top_level"


@dataclass(kw_only=True)
class Plan:
    """The fields every planned check has; a kind's plan adds its own."""

    kind: str
    name: str
    target: str
    points: float
    about: str = ""
    hidden: bool = False
    hint: str = ""  # the check's own hint, when no known mistake says more
    timeout: float = 10.0
    #: Mistakes recognised by what the code raised.
    raised_mistakes: list[RaisedMistake] = field(default_factory=list)
    #: The picture reports draw from this check (see :mod:`autograder.probes`); "" for none.
    draws: str = ""

    def __post_init__(self) -> None:
        self.raised_mistakes = [RaisedMistake(*m) for m in self.raised_mistakes]

    def result(self, status: Status | str, message: str = "", hint: str = "", *,
               earned: float | None = None, details: Details | None = None,
               mistake: str = "") -> CheckResult:
        """This check's verdict; a failure without a hint of its own gets the check's hint.
        ``mistake``: the id of the named mistake that the hint is about (none for a pass)."""
        status = Status(status)
        if status is not Status.PASSED:
            hint = hint or self.hint
        return CheckResult(name=self.name, target=self.target, max_points=self.points, status=status,
                           message=message, hint=hint, hidden=self.hidden, earned=earned,
                           details=details or Details(), mistake=None if status is Status.PASSED else mistake or None)

    def common_json(self) -> dict[str, Any]:
        data = {"name": self.name, "target": self.target, "points": self.points, "about": self.about,
                "kind": self.kind, "hidden": self.hidden, "hint": self.hint}
        if self.draws:
            data["draws"] = self.draws
        return data

    @staticmethod
    def common_fields(d: dict[str, Any]) -> dict[str, Any]:
        return {"kind": d["kind"], "name": d["name"], "target": d["target"], "points": float(d["points"]),
                "about": d.get("about", ""), "hidden": bool(d.get("hidden")), "hint": d.get("hint", ""),
                "raised_mistakes": [RaisedMistake(*m) for m in d.get("raised_mistakes", [])],
                "draws": d.get("draws", "")}

    def to_json(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Plan:
        raise NotImplementedError


@dataclass(frozen=True)
class Planning:
    """What planning a check may use: the reference solution's process (None when no
    check of the exercise runs it), the hidden ``checks.py`` as a secret (the learning
    check's relabelling) and the exercise (its course's data tasks, its released files)."""

    reference: StudentProcess | None
    exercise: Exercise
    secret: bytes = b""

    @property
    def course(self) -> Course:
        return self.exercise.course


class CheckKind(ABC):
    """One kind of check. Subclasses are declared once with :func:`autograder.kinds.register`."""

    #: The ``kind`` of declarations and plans this kind handles.
    name: ClassVar[str]
    #: The plan class; its ``from_json`` reads the release.
    plan_type: ClassVar[type[Plan]]
    #: Planning runs the reference solution (False: the plan is the declaration itself).
    runs_reference: ClassVar[bool] = True
    #: The student's process preloads the Keras requests, and the notebook's own calls of the
    #: target are left out: the grader calls it with its inputs, seed and budget.
    uses_keras: ClassVar[bool] = False

    @abstractmethod
    def plan(self, check: Any, planning: Planning) -> Plan:
        """Stage 1: the plan of a declaration (expectations from the reference)."""

    @abstractmethod
    def judge(self, plan: Any, student: StudentProcess) -> CheckResult:
        """Stage 2: run the plan against the student's process and decide."""

    def bind(self, plan: Any, exercise: Exercise) -> None:
        """Attach what a plan read from JSON needs of its exercise (the course's data task, a
        released file). Default: nothing."""
        return None

    def from_json(self, d: dict[str, Any]) -> Plan:
        return self.plan_type.from_json(d)


def mistake_id(mistake: Any, owner: str, index: int) -> str:
    """A declared mistake's id: its ``name``, else its place among ``owner``'s mistakes
    (``"sigmoid_values.3"``), stable while the declarations keep their order."""
    return mistake.name or f"{owner}.{index + 1}"


def raised_mistakes(mistakes: Sequence[Any], owner: str = "",
                    numbers: dict[str, str] | None = None) -> list[RaisedMistake]:
    """The declared mistakes recognised by an exception, as plan data; ``numbers`` fill the
    hints' ``{epochs}``-style fields (:meth:`autograder.spec.Training.numbers`)."""
    return [RaisedMistake(fill_numbers(m.hint, numbers or {}), m.raised, m.message, mistake_id(m, owner, i))
            for i, m in enumerate(mistakes) if m.raised]


def fill_numbers(hint: str, numbers: dict[str, str]) -> str:
    """``{epochs}`` and its kind replaced by the reference's numbers (other braces are left alone)."""
    for key, value in numbers.items():
        hint = hint.replace("{" + key + "}", value)
    return hint


def known_mistake(plan: Plan, error: dict[str, Any]) -> RaisedMistake | None:
    """The declared mistake that raises this exception, if any."""
    for mistake in plan.raised_mistakes:
        if mistake.raised in error.get("types", []) and mistake.message.lower() in error.get("message", "").lower():
            return mistake
    return None


def top_level_use(plan: Plan, student: StudentProcess, error: dict[str, Any]) -> str:
    """The hint for a cell that stopped on a NameError for a name of the data cell (which grading
    leaves out): the code trains or computes at the notebook's top level, not inside the function."""
    name = error.get("name")
    if "NameError" not in error.get("types", []) or name not in student.program.left_out_names:
        return ""
    return (f"{error['cell']} trains a model (or computes) at the top level on `{name}` from the data cell, "
            f"which is not run while grading: the grader calls {plan.target} with the arrays itself. "
            f"Train inside {plan.target}, on the arrays it receives, and return the result.")


def raised_text(outcome: Outcome) -> str:
    err = outcome.error
    name = (err.get("types") or ["Exception"])[0]
    text = f"raised {name}: {err.get('message', '')}".rstrip(": ")
    if err.get("where"):
        text += f" ({err['where']})"
    return text


def _missing(plan: Plan, student: StudentProcess) -> CheckResult:
    """The target is not defined: not attempted, or say which cell failed."""
    errors = student.cell_errors
    if any("NotImplementedError" in e.get("types", []) for e in errors):
        return plan.result(Status.NOT_ATTEMPTED, f"not attempted: `{plan.target}` is still the stub")
    message = f"`{plan.target}` is not defined"
    hint = f"Define `{plan.target}` with exactly this name."
    mistake = "not_defined"
    if errors:
        first = errors[0]
        message += f"; {first['cell']} raised {first['types'][0]}: {first['message']}"
        if first.get("where"):
            message += f" ({first['where']})"
        known, outside = known_mistake(plan, first), top_level_use(plan, student, first)
        if outside:
            hint, mistake = outside, TOP_LEVEL
        elif known is not None:
            hint, mistake = known.hint, known.name
        else:
            hint, mistake = "Fix the error above: the cells after it may define the name, but this one stopped.", ""
    return plan.result(Status.FAILED, message, hint, mistake=mistake)


def failed_outcome(plan: Plan, shows: str, outcome: Outcome, student: StudentProcess) -> CheckResult:
    """The verdict for an answer that never came: missing, stub, timeout, crash, exception."""
    if outcome.status is OutcomeStatus.MISSING:
        return _missing(plan, student)
    if outcome.not_implemented:
        return plan.result(Status.NOT_ATTEMPTED, f"not attempted: `{plan.target}` still raises NotImplementedError")
    if outcome.status is OutcomeStatus.TIMEOUT:
        return plan.result(Status.TIMEOUT, f"{shows} {outcome.detail}", TIMEOUT_HINT)
    if outcome.status is OutcomeStatus.CRASHED:
        return plan.result(Status.ERROR, f"{shows}: {outcome.detail}", CRASH_HINT)
    if outcome.status is OutcomeStatus.NOT_CALLABLE:
        return plan.result(Status.FAILED, f"`{plan.target}` is a {outcome.detail}, not a function",
                           f"Define `{plan.target}` with `def {plan.target}(...):`.", mistake="not_a_function")
    if outcome.status is OutcomeStatus.RAISED:
        known = known_mistake(plan, outcome.error)
        outside = top_level_use(plan, student, outcome.error)
        if outside:
            return plan.result(Status.FAILED, f"{shows} {raised_text(outcome)}", outside, mistake=TOP_LEVEL)
        return plan.result(Status.FAILED, f"{shows} {raised_text(outcome)}", known.hint if known else "",
                           mistake=known.name if known else "")
    return plan.result(Status.ERROR, f"{shows}: the answer could not be read ({outcome.detail})")
