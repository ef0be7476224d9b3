"""Stage 4 of grading: results and points, and the stable JSON contract.

``ExerciseResult.to_json()`` is read by other tools (LMS exports, the class
grader, nbgrader): its keys only ever gain members, never change meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Status(str, Enum):
    """The verdict of a check. It is a ``str`` (``Status.PASSED == "passed"``), so the JSON
    contract and every report read it as the plain word."""

    #: All the check's points.
    PASSED = "passed"
    #: A share of them: a trained model between the lower and the pass mark.
    PARTIAL = "partial"
    #: None: a wrong answer.
    FAILED = "failed"
    #: None: the stub is still there, or nothing was handed in.
    NOT_ATTEMPTED = "not_attempted"
    #: None: the code crashed the process, or the answer could not be read.
    ERROR = "error"
    #: None: over the check's time budget.
    TIMEOUT = "timeout"

    def __str__(self) -> str:
        return self.value


@dataclass(kw_only=True)
class CheckResult:
    """The verdict of one check."""

    name: str
    target: str
    max_points: float
    status: Status
    message: str = ""
    hint: str = ""
    hidden: bool = False
    earned: float | None = None  # points of a "partial" verdict
    #: The named mistake the diagnosis recognised ("tanh_for_sigmoid", "transposed_result"), as an id
    #: the class report counts; None when the check passed or no known mistake fits.
    mistake: str | None = None
    #: Plain data for reports that draw rather than say (accuracy, confusion matrix,
    #: training curves); never holds a hidden check's reference values.
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.status = Status(self.status)

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def points(self) -> float:
        if self.passed:
            return self.max_points
        if self.status is Status.PARTIAL and self.earned is not None:
            return round(min(max(self.earned, 0.0), self.max_points), 2)
        return 0.0

    def to_json(self) -> dict[str, Any]:
        data = {"name": self.name, "target": self.target, "points": self.points,
                "max_points": self.max_points, "passed": self.passed, "message": self.message,
                "hint": self.hint, "status": self.status.value, "hidden": self.hidden}
        if self.details:
            data["details"] = self.details
        if self.mistake:
            data["mistake"] = self.mistake
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckResult:
        status = Status(data.get("status") or ("passed" if data.get("passed") else "failed"))
        earned = float(data["points"]) if status is Status.PARTIAL else None
        return cls(name=data["name"], target=data["target"], max_points=float(data["max_points"]),
                   status=status, message=data.get("message", ""), hint=data.get("hint", ""),
                   hidden=bool(data.get("hidden", False)), earned=earned,
                   details=dict(data.get("details") or {}), mistake=data.get("mistake") or None)


@dataclass(kw_only=True)
class ExerciseResult:
    """All checks of one exercise for one submission; the score is their sum."""

    exercise: str
    checks: list[CheckResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(c.points for c in self.checks)

    @property
    def max_score(self) -> float:
        return sum(c.max_points for c in self.checks)

    @property
    def all_passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def not_attempted(self) -> bool:
        return bool(self.checks) and all(c.status is Status.NOT_ATTEMPTED for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "score": self.score, "max_score": self.max_score,
                "checks": [c.to_json() for c in self.checks], "notes": list(self.notes)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExerciseResult:
        return cls(exercise=data["exercise"], checks=[CheckResult.from_json(c) for c in data.get("checks", [])],
                   notes=list(data.get("notes", [])))
