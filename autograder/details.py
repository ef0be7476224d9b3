"""What a check measured, typed: the plain data reports draw or count rather than say.

A model check records its architecture, its training curves, its accuracy against its marks,
the confusion matrix, a one-vs-all vote's members, or what the learning check saw; a check that
declares a picture (``draws="decision_boundary"``) gets the lines to draw. Each is a record of
its own, None when the check did not measure it; reports read the fields, never keys.

In JSON (``CheckResult.to_json()``'s ``details``, part of results.json's contract) they stay the
flat members they always were (``accuracy``, ``split``, ``pass_at``, ``confusion_matrix``,
``history``, ``learning``, ``boundary``, ...): :meth:`Details.to_json` writes them,
:meth:`Details.from_json` reads them, and leaves out what is malformed (a picture is never
drawn from data that is not what it claims) and what no field knows (kept in ``other``).
Details never hold a hidden check's reference values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Per metric (``loss``, ``val_accuracy``, ...) its value after each epoch.
History = dict[str, list[float]]


def _numbers(value: Any) -> list[float] | None:
    """Finite floats, or None when ``value`` is not a list of numbers."""
    if not isinstance(value, (list, tuple)):
        return None
    try:
        out = [float(v) for v in value]
    except (TypeError, ValueError):
        return None
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _history(value: Any) -> History | None:
    if not isinstance(value, dict):
        return None
    curves = {str(k): v for k, v in ((k, _numbers(v)) for k, v in value.items()) if v is not None}
    return curves


@dataclass(frozen=True)
class ArchitectureSeen:
    """The trained model's layers and parameter count (the architecture check)."""

    layers: list[str]
    params: int | None = None


@dataclass(frozen=True)
class TrainingSeen:
    """How long the student's training took and its per-epoch metrics."""

    seconds: float | None = None
    history: History | None = None


@dataclass(frozen=True)
class AccuracySeen:
    """An accuracy check's measurement: on which split, against which marks (full points from
    ``pass_at``, none at ``zero_at`` or below; None where not said)."""

    accuracy: float
    #: The split it was measured on (``validation``, ``test``); the confusion matrix's too.
    split: str | None = None
    pass_at: float | None = None
    zero_at: float | None = None


@dataclass(frozen=True)
class Confusion:
    """Rows: the true class; columns: the predicted class; with the classes' names, the noun for
    one example (``digit``), the accuracy the matrix shows, whose matrix it is (``vote`` for a
    one-vs-all vote; None: the model's), and the split it was measured on (JSON: the check's
    ``split``, the accuracy's too)."""

    matrix: list[list[int]]
    class_names: list[str] | None = None
    noun: str | None = None
    accuracy: float | None = None
    of: str | None = None
    split: str | None = None


@dataclass(frozen=True)
class Members:
    """A one-vs-all ensemble: the vote's accuracy and each member's (the check scores the weakest)."""

    vote_accuracy: float
    member_accuracies: list[float]


@dataclass(frozen=True)
class LearningSeen:
    """What the learning check measured: the model's accuracy on its data, the same network's on
    relabelled data, and the check's limits. ``measured`` is False when the two trainings could
    not be compared (the check's details say so with an empty ``learning``)."""

    measured: bool
    accuracy: float | None = None
    relabelled_accuracy: float | None = None
    max_gap: float | None = None
    min_accuracy: float | None = None


@dataclass(frozen=True)
class Boundary:
    """A decision boundary (ex03): the coefficients asked, and the line ``(intercept, slope)``
    of the reference and of the student's function (None where it gave none)."""

    coefficients: list[float]
    reference: list[float] | None
    student: list[float] | None


@dataclass
class Details:
    """Everything a check measured for the reports; each part None when not measured."""

    architecture: ArchitectureSeen | None = None
    training: TrainingSeen | None = None
    accuracy: AccuracySeen | None = None
    confusion: Confusion | None = None
    members: Members | None = None
    learning: LearningSeen | None = None
    boundary: Boundary | None = None
    #: The released network's layers a fine-tuning model reused, unchanged.
    reused: list[str] | None = None
    #: Members no field knows (written back as they came): a newer grader's, kept for the reader.
    other: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.architecture, self.training, self.accuracy, self.confusion,
                                           self.members, self.learning, self.boundary, self.reused)) \
            or bool(self.other)

    @property
    def history(self) -> History | None:
        """The training curves, when the check has them."""
        return self.training.history if self.training is not None else None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.architecture is not None:
            data["layers"] = list(self.architecture.layers)
            data["params"] = self.architecture.params
        if self.accuracy is not None:
            data["accuracy"] = self.accuracy.accuracy
            for name in ("split", "pass_at", "zero_at"):
                if getattr(self.accuracy, name) is not None:
                    data[name] = getattr(self.accuracy, name)
        if self.training is not None:
            if self.training.seconds is not None:
                data["train_seconds"] = self.training.seconds
            if self.training.history is not None:
                data["history"] = {k: list(v) for k, v in self.training.history.items()}
        if self.confusion is not None:
            data["confusion_matrix"] = [list(r) for r in self.confusion.matrix]
            if self.confusion.class_names is not None:
                data["class_names"] = list(self.confusion.class_names)
            if self.confusion.noun is not None:
                data["noun"] = self.confusion.noun
            if self.confusion.accuracy is not None:
                data["matrix_accuracy"] = self.confusion.accuracy
            if self.confusion.of is not None:
                data["matrix_of"] = self.confusion.of
            if self.confusion.split is not None:
                data.setdefault("split", self.confusion.split)
        if self.members is not None:
            data["vote_accuracy"] = self.members.vote_accuracy
            data["member_accuracies"] = list(self.members.member_accuracies)
        if self.learning is not None:
            seen = self.learning
            data["learning"] = {"accuracy": seen.accuracy, "relabelled_accuracy": seen.relabelled_accuracy,
                                "max_gap": seen.max_gap, "min_accuracy": seen.min_accuracy} if seen.measured else {}
        if self.boundary is not None:
            data["boundary"] = {"coefficients": list(self.boundary.coefficients), "student": self.boundary.student,
                                "reference": self.boundary.reference}
        if self.reused is not None:
            data["reused"] = list(self.reused)
        data.update({k: v for k, v in self.other.items() if k not in data})
        return data

    @classmethod
    def from_json(cls, data: Any) -> Details:
        """The details of a results.json or nbgrader result entry. A part that is not what it
        claims stays out of the typed fields (no report reads it) and in ``other`` (written back
        as it came)."""
        if not isinstance(data, dict):
            return cls()
        details = cls()
        layers = data.get("layers")
        if isinstance(layers, list):
            details.architecture = ArchitectureSeen([str(x) for x in layers], _count(data.get("params")))
        seconds, history = _number(data.get("train_seconds")), _history(data.get("history"))
        if seconds is not None or history is not None:
            details.training = TrainingSeen(seconds, history)
        accuracy, split = _number(data.get("accuracy")), data.get("split")
        if accuracy is not None:
            details.accuracy = AccuracySeen(accuracy, str(split) if split is not None else None,
                                            _number(data.get("pass_at")), _number(data.get("zero_at")))
        details.confusion = _confusion(data)
        votes, each = _number(data.get("vote_accuracy")), _numbers(data.get("member_accuracies"))
        if votes is not None and each is not None:
            details.members = Members(votes, each)
        learning = data.get("learning")
        if isinstance(learning, dict):
            details.learning = LearningSeen(bool(learning), *(_number(learning.get(k)) for k in (
                "accuracy", "relabelled_accuracy", "max_gap", "min_accuracy")))
        boundary = data.get("boundary")
        if isinstance(boundary, dict):
            details.boundary = Boundary(_numbers(boundary.get("coefficients")) or [],
                                        _numbers(boundary.get("reference")), _numbers(boundary.get("student")))
        reused = data.get("reused")
        if isinstance(reused, list):
            details.reused = [str(x) for x in reused]
        typed = details.to_json()
        details.other = {str(k): v for k, v in data.items() if k not in typed}
        return details

    def add(self, more: Details) -> None:
        """Take the parts ``more`` measured (a picture's probe adds its lines to a check's details)."""
        for name in ("architecture", "training", "accuracy", "confusion", "members", "learning", "boundary",
                     "reused"):
            if getattr(more, name) is not None:
                setattr(self, name, getattr(more, name))
        self.other.update(more.other)


def _confusion(data: dict[str, Any]) -> Confusion | None:
    rows = data.get("confusion_matrix")
    if not isinstance(rows, list):
        return None
    try:
        matrix = [[int(v) for v in row] for row in rows]
    except (TypeError, ValueError):
        return None
    names, noun, of, split = (data.get(k) for k in ("class_names", "noun", "matrix_of", "split"))
    return Confusion(matrix, [str(c) for c in names] if isinstance(names, list) else None,
                     str(noun) if noun is not None else None, _number(data.get("matrix_accuracy")),
                     str(of) if of is not None else None, str(split) if split is not None else None)
