"""Stage 4 of grading: results and points, and the stable JSON contract.

``ExerciseResult.to_json()`` is read by other tools (LMS exports, the class
grader, nbgrader): its keys only ever gain members, never change meaning.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .details import Details


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


@dataclass(frozen=True)
class ModelTrace:
    """What the integrity report compares between two trained models, recorded by the held-out
    accuracy check: the predicted class of every held-out input (base64 of uint8: 1,000 inputs in
    1,336 characters) and digests of the trained weights and of the training history. The grader
    keeps it for the instructor (results.json, the nbgrader result file); no feedback shows it."""

    predicted: str
    weights_digest: str = ""
    history_digest: str = ""

    @classmethod
    def of(cls, labels: Any, weights_digest: str = "", history_digest: str = "") -> ModelTrace:
        import numpy as np

        values = np.asarray(labels)
        if values.size and (values.min() < 0 or values.max() > 255):
            raise ValueError("class indices must lie in 0..255 to be packed")
        return cls(base64.b64encode(values.astype(np.uint8).tobytes()).decode("ascii"), weights_digest,
                   history_digest)

    def labels(self) -> Any:
        import numpy as np

        return np.frombuffer(base64.b64decode(self.predicted.encode("ascii")), dtype=np.uint8).astype(np.int64)

    def to_json(self) -> dict[str, str]:
        return {"predicted": self.predicted, "weights_digest": self.weights_digest,
                "history_digest": self.history_digest}

    @classmethod
    def from_json(cls, data: Any) -> ModelTrace | None:
        if not isinstance(data, dict) or not isinstance(data.get("predicted"), str):
            return None
        return cls(data["predicted"], str(data.get("weights_digest") or ""), str(data.get("history_digest") or ""))


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
    details: Details = field(default_factory=Details)
    #: The trained model's held-out predictions and digests, for the integrity report (JSON key
    #: ``integrity``, only when set); never shown to the student.
    trace: ModelTrace | None = None

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
            data["details"] = self.details.to_json()
        if self.mistake:
            data["mistake"] = self.mistake
        if self.trace is not None:
            data["integrity"] = self.trace.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckResult:
        status = Status(data.get("status") or ("passed" if data.get("passed") else "failed"))
        earned = float(data["points"]) if status is Status.PARTIAL else None
        return cls(name=data["name"], target=data["target"], max_points=float(data["max_points"]),
                   status=status, message=data.get("message", ""), hint=data.get("hint", ""),
                   hidden=bool(data.get("hidden", False)), earned=earned,
                   details=Details.from_json(data.get("details")), mistake=data.get("mistake") or None,
                   trace=ModelTrace.from_json(data.get("integrity")))


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
