"""Stage 4 of grading: results and points, and the stable JSON contract.

``ExerciseResult.to_json()`` is read by other tools (LMS exports, the class
grader, nbgrader): its keys only ever gain members, never change meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Statuses of a check. Only "passed" earns points.
STATUSES = ("passed", "failed", "not_attempted", "error", "timeout")


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

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def points(self) -> float:
        return self.max_points if self.passed else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "target": self.target, "points": self.points,
                "max_points": self.max_points, "passed": self.passed, "message": self.message,
                "hint": self.hint, "status": self.status, "hidden": self.hidden}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CheckResult":
        status = data.get("status") or ("passed" if data.get("passed") else "failed")
        return cls(data["name"], data["target"], float(data["max_points"]), status,
                   data.get("message", ""), data.get("hint", ""), bool(data.get("hidden", False)))


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
    def from_json(cls, data: dict[str, Any]) -> "ExerciseResult":
        return cls(data["exercise"], [CheckResult.from_json(c) for c in data.get("checks", [])],
                   list(data.get("notes", [])))
