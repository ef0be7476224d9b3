"""Stage 4 of grading: results and points, and the stable JSON contract.

``ExerciseResult.to_json()`` is read by other tools (LMS exports, the class
grader, nbgrader): its keys only ever gain members, never change meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Statuses of a check. "passed" earns all its points, "partial" a share of them
#: (a trained model between the lower and the pass mark), the others none.
STATUSES = ("passed", "partial", "failed", "not_attempted", "error", "timeout")


@dataclass
class CheckResult:
    """The verdict of one check."""

    name: str
    target: str
    max_points: float
    status: str
    message: str = ""
    hint: str = ""
    hidden: bool = False
    earned: float | None = None  # points of a "partial" verdict
    #: Plain data for reports that draw rather than say (accuracy, confusion matrix,
    #: training curves); never holds a hidden check's reference values.
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def points(self) -> float:
        if self.passed:
            return self.max_points
        if self.status == "partial" and self.earned is not None:
            return round(min(max(self.earned, 0.0), self.max_points), 2)
        return 0.0

    def to_json(self) -> dict[str, Any]:
        data = {"name": self.name, "target": self.target, "points": self.points,
                "max_points": self.max_points, "passed": self.passed, "message": self.message,
                "hint": self.hint, "status": self.status, "hidden": self.hidden}
        if self.details:
            data["details"] = self.details
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckResult:
        status = data.get("status") or ("passed" if data.get("passed") else "failed")
        earned = float(data["points"]) if status == "partial" else None
        return cls(data["name"], data["target"], float(data["max_points"]), status,
                   data.get("message", ""), data.get("hint", ""), bool(data.get("hidden", False)),
                   earned, dict(data.get("details") or {}))


@dataclass
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
        return bool(self.checks) and all(c.status == "not_attempted" for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "score": self.score, "max_score": self.max_score,
                "checks": [c.to_json() for c in self.checks], "notes": list(self.notes)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExerciseResult:
        return cls(data["exercise"], [CheckResult.from_json(c) for c in data.get("checks", [])],
                   list(data.get("notes", [])))
