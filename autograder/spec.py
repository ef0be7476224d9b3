"""How an instructor declares an exercise's checks (in ``solutions/<exercise>/checks.py``).

A check names the student's function or variable it is about (``target``), the
points it is worth, the cases it calls, how close an answer must be, and the
common mistakes it can recognise. Expected values are never written by hand:
they come from running the reference solution on the same cases.

Example::

    CHECKS = [
        Check("sigmoid_values", target="sigmoid", points=2,
              cases=[Case(np.array([-2.0, 0.0, 2.0]))],
              mistakes=[Mistake("Use the logistic function 1 / (1 + exp(-z)), not tanh.",
                                variant=np.tanh)]),
    ]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Case:
    """One call of the student's function (or one read of a variable)."""

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    shows: str = ""  # how the call reads in messages; described from the arguments if empty
    raises: str = ""  # the exception type a correct answer raises, e.g. "ValueError"

    def __init__(self, *args: Any, shows: str = "", raises: str = "", **kwargs: Any):
        object.__setattr__(self, "args", args)
        object.__setattr__(self, "kwargs", kwargs)
        object.__setattr__(self, "shows", shows)
        object.__setattr__(self, "raises", raises)


@dataclass(frozen=True)
class Mistake:
    """A common mistake and the hint that helps a student who made it.

    It is recognised when the answer equals what ``variant`` (a wrong
    implementation with the target's signature) returns on the same case, or
    when the student's code raised an exception named ``raised`` whose message
    contains ``message``. ``name`` is the mistake's id (``"tanh_for_sigmoid"``):
    the verdict carries it (``CheckResult.mistake``) and the class report counts
    the students who made it. The hint may name the training's numbers as
    ``{epochs}``, ``{units}``, ``{classes}`` or ``{learning_rate}`` (see
    :meth:`Training.numbers`): a hint then says what the reference does.
    """

    hint: str
    variant: Callable[..., Any] | None = None
    raised: str = ""
    message: str = ""
    name: str = ""


@dataclass(frozen=True)
class Tolerance:
    """How close an answer must be: ``|got - expected| <= atol + rtol * |expected|``.

    The defaults accept float32 arithmetic and every usual way of writing the
    same formula; ``exact`` is for labels and counts.
    """

    rtol: float = 1e-4
    atol: float = 1e-6
    exact: bool = False
    squeeze: bool = False  # accept (n, 1) for (n,) and the reverse

    def as_dict(self) -> dict[str, Any]:
        return {"rtol": self.rtol, "atol": self.atol, "exact": self.exact, "squeeze": self.squeeze}


@dataclass(frozen=True)
class Check:
    """A graded claim about one of the student's names, worth ``points``."""

    name: str
    target: str
    points: float
    cases: Sequence[Case] | Callable[[], Iterable[Case]] = ()
    about: str = ""  # one line: what the check verifies, shown to the student
    kind: str = "call"  # a registered kind (autograder.kinds): "call" a function, "value" read a variable
    hidden: bool = False
    tolerance: Tolerance = Tolerance()
    mistakes: Sequence[Mistake] = ()
    hint: str = ""  # shown when the answer is wrong and no known mistake matches
    timeout: float = 10.0
    bounds: tuple[float, float] | None = None  # check only "a number in [lo, hi]", not the value
    #: A picture the reports draw from this check's first public case (autograder.probes.PICTURES),
    #: e.g. "decision_boundary": the student's line and the reference's.
    draws: str = ""

    def make_cases(self) -> list[Case]:
        """The declared cases (its kind decides what none means: a variable is still read once)."""
        return list(self.cases() if callable(self.cases) else self.cases)


def describe_arg(value: Any) -> str:
    """A short, readable description of an argument, for messages."""
    if isinstance(value, np.ndarray):
        if value.size <= 8:
            body = " ".join(np.array2string(value, precision=4, separator=", ", threshold=8).split())
            dtype = "" if value.dtype in (np.float64, np.int64) else f", dtype={value.dtype}"
            return f"np.array({body}{dtype})"
        lo, hi = (value.min(), value.max()) if value.size else (0, 0)
        return f"<{value.dtype} array of shape {value.shape}, values in [{lo:.3g}, {hi:.3g}]>"
    if isinstance(value, float):
        return repr(round(value, 8))
    return repr(value)


def describe_call(target: str, case: Case) -> str:
    """``sigmoid(np.array([-1., 0.]))``: the call a message is about."""
    if case.shows:
        return case.shows
    parts = [describe_arg(a) for a in case.args]
    parts += [f"{k}={describe_arg(v)}" for k, v in case.kwargs.items()]
    return f"{target}({', '.join(parts)})"


# -- trained models ---------------------------------------------------------------------

@dataclass(frozen=True)
class Architecture:
    """What a trained model must look like, judged on its layer summary.

    ``required`` maps a description ("a convolution layer") to the layer classes
    that satisfy it (any one of them, also inside a wrapper such as
    Bidirectional). ``allowed``, when given, lists the only layer classes the
    model may have. ``hints`` says, for a layer class, what to tell a student
    whose model has it where it does not belong, or lacks a required one.
    """

    required: dict[str, tuple[str, ...]] = field(default_factory=dict)
    allowed: tuple[str, ...] = ()
    hints: dict[str, str] = field(default_factory=dict)
    missing_hint: str = ""
    outputs: int = 10  # the output is (n, outputs); with 1, (n,) is accepted too
    output_activation: str = "softmax"  # "softmax": rows are probabilities; "sigmoid": values in [0, 1]
    max_params: int = 5_000_000

    def to_json(self) -> dict[str, Any]:
        return {"required": {k: list(v) for k, v in self.required.items()},
                "allowed": list(self.allowed), "hints": dict(self.hints),
                "missing_hint": self.missing_hint, "outputs": self.outputs,
                "output_activation": self.output_activation, "max_params": self.max_params}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Architecture:
        return cls({k: tuple(v) for k, v in d.get("required", {}).items()}, tuple(d.get("allowed", ())),
                   dict(d.get("hints", {})), d.get("missing_hint", ""), int(d.get("outputs", 10)),
                   d.get("output_activation", "softmax"), int(d.get("max_params", 5_000_000)))


@dataclass(frozen=True)
class Learning:
    """How the grader tells a network that learned from the data it was given from one that
    arrived trained, or ignores its data (:class:`LearningCheck`).

    The student's function is called a second time, in a fresh process, on the
    same inputs with the classes relabelled by a permutation the student cannot
    know (derived from the hidden ``checks.py``; two classes are swapped). A
    network that learns from its data follows the relabelling on the held-out
    inputs about as well as it follows the real labels. One that ignores its
    data, or brings what it knows of the held-out examples (weights trained on
    the public data set and pasted in), does not: its held-out accuracy on the
    real labels is far above that on the relabelled ones.

    ``max_gap``: the most by which held-out accuracy on the real labels may
    exceed that on the relabelled ones. ``min_accuracy``: the least held-out
    accuracy on the relabelled classes that shows any learning. ``measured``
    says where both come from (the reference over seeds), next to the numbers.
    """

    max_gap: float
    min_accuracy: float
    measured: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"max_gap": self.max_gap, "min_accuracy": self.min_accuracy, "measured": self.measured}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Learning:
        return cls(float(d["max_gap"]), float(d["min_accuracy"]), str(d.get("measured", "")))


@dataclass(frozen=True)
class Pretrained:
    """A network the course trains once and releases, for a transfer-learning exercise.

    ``deepgrade release`` calls the reference solution's ``target`` on ``task``
    (training and validation splits, with ``seed``) and writes the trained network
    to ``file`` in the exercise's folders (its architecture and weights as JSON,
    with the hash of the source it was made from, so it is remade only when that
    changes). The student's training function receives it, loaded, as its first
    argument; students load it in their notebook with
    ``autograder.pretrained.load_model(file)``. ``keep`` are the layer classes of
    that network a ``ModelCheck(frozen=True)`` requires in the returned model with
    their weights unchanged (reused and frozen).
    """

    file: str
    target: str
    task: str
    seed: int = 0
    keep: tuple[str, ...] = ("Conv2D",)
    budget: float = 600.0

    def to_json(self) -> dict[str, Any]:
        """What grading and the released network's hash need (``budget`` is the release's own
        limit: it is not part of what the network is)."""
        return {"file": self.file, "target": self.target, "task": self.task, "seed": self.seed,
                "keep": list(self.keep)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Pretrained:
        return cls(str(d["file"]), str(d["target"]), str(d["task"]), int(d.get("seed", 0)),
                   tuple(d.get("keep", ("Conv2D",))))


@dataclass(frozen=True)
class Training:
    """How the student's training function is run: once per grading, shared by its checks.

    ``task`` names the data (see :mod:`autograder.tasks`); the function gets the
    training and validation splits only. ``budget`` is the wall-clock limit of
    the training call, in seconds. ``reference`` records what the reference
    solution measured, for instructors and messages. With ``learning``, the
    held-out accuracy counts only for a network shown to learn from its data
    (one more training, on relabelled classes; see :class:`Learning`).

    With ``members`` (one per class of the task), the function returns that many
    models in a list, one binary classifier per class ("k or not k", one sigmoid
    output each), each judged against ``architecture``; the grader stacks their
    outputs side by side and predicts the class whose classifier is most
    confident (one-vs-all voting). Outputs that sum to one across the members
    for every input are one softmax network split in pieces, and are not scored.

    With ``pretrained`` (:class:`Pretrained`), the function is called as
    ``target(base, x_train, y_train, x_val, y_val)``, ``base`` being the released
    network, loaded afresh in the student's process.
    """

    target: str
    task: str
    architecture: Architecture
    budget: float = 120.0
    seed: int = 0
    reference: str = ""
    mistakes: Sequence[Mistake] = ()
    learning: Learning | None = None
    members: int = 0
    pretrained: Pretrained | None = None
    #: The reference's ``model.fit(..., epochs=N)`` (a test keeps it in sync with the solution):
    #: hints that name the epochs say the reference's number (0: not declared).
    epochs: int = 0

    def numbers(self, classes: int) -> dict[str, str]:
        """The numbers a hint may name (``{epochs}``, ``{outputs}``, ...), from this declaration
        and its task's class count; an undeclared one reads "..."."""
        arch = self.architecture
        return {"epochs": str(self.epochs) if self.epochs else "...", "classes": str(classes),
                "outputs": str(arch.outputs), "output_activation": arch.output_activation}

    def to_json(self) -> dict[str, Any]:
        """The training as the release writes it; the mistakes are left out (a plan carries
        them as its own ``raised_mistakes``)."""
        data = {"target": self.target, "task": self.task, "architecture": self.architecture.to_json(),
                "budget": self.budget, "seed": self.seed, "reference": self.reference}
        if self.epochs:
            data["epochs"] = self.epochs
        if self.learning is not None:
            data["learning"] = self.learning.to_json()
        if self.members:
            data["members"] = self.members
        if self.pretrained is not None:
            data["pretrained"] = self.pretrained.to_json()
        return data

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Training:
        """A training read back from :meth:`to_json` (without mistakes)."""
        learning, pretrained = d.get("learning"), d.get("pretrained")
        return cls(target=str(d["target"]), task=str(d["task"]), architecture=Architecture.from_json(d["architecture"]),
                   budget=float(d.get("budget", 120.0)), seed=int(d.get("seed", 0)),
                   reference=str(d.get("reference", "")),
                   learning=Learning.from_json(learning) if learning else None, members=int(d.get("members", 0)),
                   pretrained=Pretrained.from_json(pretrained) if pretrained else None,
                   epochs=int(d.get("epochs", 0)))


@dataclass(frozen=True)
class Marks:
    """Accuracy marks: full points at ``pass_at``, none at or below ``zero_at``, linear between.

    ``measured`` says where the marks come from (the reference's accuracy over
    seeds); it is kept next to the numbers on purpose.
    """

    pass_at: float
    zero_at: float
    measured: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.zero_at < self.pass_at <= 1.0:
            raise ValueError(f"Marks need 0 <= zero_at < pass_at <= 1, got {self.zero_at}, {self.pass_at}")

    def points(self, accuracy: float, points: float) -> float:
        if accuracy >= self.pass_at:
            return points
        if accuracy <= self.zero_at:
            return 0.0
        return points * (accuracy - self.zero_at) / (self.pass_at - self.zero_at)


class _OfTraining:
    """What every check of a trained model takes from its :class:`Training`."""

    training: Training

    @property
    def target(self) -> str:
        return self.training.target

    @property
    def mistakes(self) -> Sequence[Mistake]:
        return self.training.mistakes


@dataclass(frozen=True)
class ModelCheck(_OfTraining):
    """A graded claim about a trained model: its architecture, or its accuracy on a split.

    With ``marks`` it scores accuracy on ``split`` ("validation", which the
    student has, for public checks; "test", held out, for hidden ones); without,
    it checks the architecture, the output and the parameter budget. With
    ``per_member`` (a training with ``members``) the marks score the weakest
    member's own accuracy at telling its class from the others. With ``frozen``
    (a training with ``pretrained``) it checks that the returned model reuses the
    released network's ``keep`` layers with their weights unchanged.
    """

    name: str
    training: Training
    points: float
    marks: Marks | None = None
    split: str = "test"
    hidden: bool = False
    about: str = ""
    hint: str = ""
    per_member: bool = False
    frozen: bool = False
    kind: str = "model"

    def __post_init__(self) -> None:
        if self.per_member and not (self.marks and self.training.members):
            raise ValueError(f"{self.name}: per_member needs marks and a Training with members")
        if self.frozen and (self.marks or self.training.pretrained is None):
            raise ValueError(f"{self.name}: frozen needs a Training with pretrained, and no marks")


@dataclass(frozen=True)
class LearningCheck(_OfTraining):
    """A graded claim that the network the student's function returns comes from training on the
    data passed in: see :class:`Learning`, declared on the ``training``. Hidden by default (it
    costs one more training, and a student's self-check does not need it); while it fails, the
    held-out accuracy checks of the same training give no points."""

    name: str
    training: Training
    points: float
    hidden: bool = True
    about: str = "the network learns from the data passed to the function"
    hint: str = ""
    kind: str = "learning"

    def __post_init__(self) -> None:
        if self.training.learning is None:
            raise ValueError(f"{self.name}: declare Training(..., learning=Learning(...)) for a LearningCheck")


@dataclass(frozen=True)
class BuiltModelCheck:
    """A model-building function checked without training: build it, set known weights, predict.

    The reference solution is run on the same ``args``/``weights``/``x`` to
    record the expected layer structure, parameter count and predictions.
    """

    name: str
    target: str
    points: float
    weights: Sequence[Any] | Callable[[], Sequence[Any]] | None = None
    x: Any = None
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    shows: str = ""
    hidden: bool = False
    about: str = ""
    hint: str = ""
    tolerance: Tolerance = Tolerance(rtol=0.0, atol=1e-5)
    mistakes: Sequence[Mistake] = ()
    timeout: float = 60.0
    kind: str = "build"


#: Every kind of check a checks.py may declare.
AnyCheck = Check | ModelCheck | LearningCheck | BuiltModelCheck
