"""Trained-model checks: train once per grading, predict on the grader's inputs, judge.

Two kinds share one plan (:class:`PlannedModelCheck`): ``model`` (the
architecture, or the accuracy on a split, scored against declared marks) and
``learning`` (the network learns from the data passed in: a second training on
relabelled classes). The training function is called once per student's
process, whatever the number of checks about it; every check then reuses that
outcome (a timeout too: an overrun is not retried). Predictions are requested
per split, and the held-out labels stay here: only the inputs are sent.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..compare.diagnose import Diagnosed, diagnose_weak_model, frozen_head
from ..compare.models import (
    Problem,
    accuracy,
    architecture_problem,
    confusion_matrix,
    layer_classes,
    output_problem,
    params_problem,
    predicted_labels,
)
from ..details import AccuracySeen, ArchitectureSeen, Confusion, Details, LearningSeen, Members, TrainingSeen
from ..pretrained import read_model_file
from ..run.keras_requests import BaseNetwork, TrainRequest
from ..run.session import OutcomeStatus, StudentProcess
from ..score import CheckResult, ModelTrace, Status
from ..spec import Architecture, LearningCheck, Marks, ModelCheck, Training
from ..tasks import Task
from .base import TOP_LEVEL, CheckKind, Plan, Planning, failed_outcome, raised_mistakes
from .built import not_a_model
from .ensembles import (
    disguised_softmax,
    member_accuracies,
    member_count_problem,
    member_loss_hints,
    member_problem,
    members_chance_hint,
    stacked,
)

if TYPE_CHECKING:
    from ..course import Exercise

PREDICT_TIMEOUT = 120.0
#: The slot of the second training, on relabelled classes (the learning check).
RELABELLED = "relabelled"
SPLIT_NAMES = {"test": "held-out test", "validation": "validation", "train": "training"}
#: A frozen layer's weights may differ from the released ones by float32 rounding, no more.
FROZEN_ATOL = 1e-6


def _base_file(training: Training, exercise: Exercise) -> Path | None:
    """The released network a training's function receives, in the exercise's release folder."""
    return exercise.release_dir / training.pretrained.file if training.pretrained else None


@dataclass(kw_only=True)
class PlannedModelCheck(Plan):
    """A trained-model check: what to train and how to score it. Nothing is recorded from
    the reference: the marks are declared, with their measurement. ``task`` is the course's
    data task, bound when planning or reading the release (never written to JSON)."""

    #: The declared training, without its mistakes (the plan has them as ``raised_mistakes``).
    training: Training
    #: A hidden learning check's relabelling (class -> class), drawn from the hidden checks.py;
    #: None for public plans (a hidden plan never leaves the grader).
    relabel: tuple[int, ...] | None = None
    marks: Marks | None = None
    split: str = "test"
    per_member: bool = False  # score the weakest one-vs-all member's own accuracy
    frozen: bool = False  # the released network's kept layers are reused, weights unchanged
    task: Task | None = field(default=None, repr=False, compare=False)
    #: The released network the function receives first (Training(pretrained=...)), bound like ``task``.
    base_file: Path | None = field(default=None, repr=False, compare=False)

    @property
    def members(self) -> int:
        """One-vs-all: the number of binary classifiers the function returns (0: one model)."""
        return self.training.members

    @property
    def data(self) -> Task:
        assert self.task is not None, f"{self.name}: the plan's data task was not bound (CheckKind.bind)"
        return self.task

    @property
    def architecture(self) -> Architecture:
        return self.training.architecture

    def to_json(self) -> dict[str, Any]:
        training = self.training.to_json()
        if self.relabel is not None:
            training["relabel"] = list(self.relabel)
        data = {**self.common_json(), "training": training,
                "marks": vars(self.marks) if self.marks else None, "split": self.split,
                "raised_mistakes": [list(m) for m in self.raised_mistakes]}
        if self.per_member:
            data["per_member"] = True
        if self.frozen:
            data["frozen"] = True
        return data

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PlannedModelCheck:
        training = Training.from_json(d["training"])
        relabel = d["training"].get("relabel")
        return cls(**cls.common_fields(d), timeout=training.budget, training=training,
                   relabel=tuple(int(c) for c in relabel) if relabel is not None else None,
                   marks=Marks(**d["marks"]) if d.get("marks") else None, split=d.get("split", "test"),
                   per_member=bool(d.get("per_member")), frozen=bool(d.get("frozen")))


def relabelling(classes: int, secret: bytes, target: str) -> list[int]:
    """The class each class becomes for the learning check: a permutation that moves every
    class, drawn from ``secret`` (the hidden checks.py), so no student can know it."""
    if classes == 2:
        return [1, 0]
    seed = int.from_bytes(hashlib.sha256(secret + b"\0" + target.encode()).digest()[:8], "big")
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(classes)
        if not (order == np.arange(classes)).any():
            return [int(c) for c in order]


class ModelKind(CheckKind):
    """``ModelCheck``: the trained model's architecture, or its accuracy on a split."""

    name = "model"
    plan_type = PlannedModelCheck
    runs_reference = False
    uses_keras = True

    def plan(self, check: ModelCheck | LearningCheck, planning: Planning) -> PlannedModelCheck:
        """The declaration as data; a hidden check of a training with ``learning`` also gets the
        relabelling (hidden plans never leave the grader)."""
        data = planning.course.task(check.training.task)
        if check.training.members and check.training.members != data.classes:
            raise ValueError(f"{check.name}: one-vs-all needs one member per class: members="
                             f"{check.training.members}, but task {data.name!r} has {data.classes} classes")
        relabel = (tuple(relabelling(data.classes, planning.secret, check.target))
                   if check.hidden and check.training.learning is not None else None)
        mistakes = (*check.mistakes, *data.label_mistakes())
        return PlannedModelCheck(kind=check.kind, name=check.name, target=check.target, points=float(check.points),
                                 about=check.about, hidden=check.hidden, hint=check.hint,
                                 timeout=check.training.budget,
                                 raised_mistakes=raised_mistakes(mistakes, check.training.target,
                                                                 check.training.numbers(data.classes)),
                                 training=replace(check.training, mistakes=()), relabel=relabel,
                                 marks=getattr(check, "marks", None),
                                 split=getattr(check, "split", "test"),
                                 per_member=getattr(check, "per_member", False),
                                 frozen=getattr(check, "frozen", False), task=data,
                                 base_file=_base_file(check.training, planning.exercise))

    def bind(self, plan: PlannedModelCheck, exercise: Exercise) -> None:
        plan.task = exercise.course.task(plan.training.task)
        plan.base_file = _base_file(plan.training, exercise)

    def judge(self, plan: PlannedModelCheck, student: StudentProcess) -> CheckResult:
        return run_model_check(plan, student)


class LearningKind(ModelKind):
    """``LearningCheck``: the network learns from the data passed to the function."""

    name = "learning"

    def judge(self, plan: PlannedModelCheck, student: StudentProcess) -> CheckResult:
        return run_learning_check(plan, student)


@dataclass
class Verdict:
    """A check-independent failure (status, message, hint, mistake), shared by the checks of one model."""

    status: Status
    message: str
    hint: str = ""
    mistake: str = ""

    def result(self, plan: Plan) -> CheckResult:
        return plan.result(self.status, self.message, self.hint, mistake=self.mistake)

    @classmethod
    def of(cls, result: CheckResult) -> Verdict:
        return cls(result.status, result.message, result.hint, result.mistake or "")

    @classmethod
    def problem(cls, problem: Problem | tuple[str, str], prefix: str = "") -> Verdict:
        """A model that cannot be scored, for what ``problem`` says."""
        mistake = problem.mistake if isinstance(problem, Problem) else ""
        return cls(Status.FAILED, prefix + problem[0], problem[1], mistake)


@dataclass
class Trained:
    summary: dict[str, Any] = field(default_factory=dict)
    history: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    incarnation: int = 0
    failure: Verdict | None = None
    #: The released network's kept layers after training: name, class, in_model, weights.
    base_layers: list[dict[str, Any]] = field(default_factory=list)
    #: SHA-256 of the trained weights, computed in the student's process (the weights stay there).
    weights_digest: str = ""

    def history_digest(self) -> str:
        """SHA-256 of the training history, epoch by epoch (identical for one training run twice)."""
        text = json.dumps(self.history, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest() if self.history else ""


def train_once(plan: PlannedModelCheck, student: StudentProcess, slot: str = "") -> Trained:
    """Train the student's model (or reuse this grading's earlier outcome). The ``relabelled``
    slot trains on the same inputs with the classes relabelled (the learning check)."""
    key = ("train", plan.target, slot)
    if key in student.memo:
        return student.memo[key]
    training, data = plan.training, plan.data
    shows = data.shows_call(plan.target)
    relabel = plan.relabel if slot == RELABELLED else None
    base = None
    if plan.base_file is not None and training.pretrained is not None:
        shows = shows.replace(f"{plan.target}(", f"{plan.target}(base, ", 1)
        released = read_model_file(plan.base_file)
        base = BaseNetwork(released["config"], released["layers"], training.pretrained.keep)
    request = TrainRequest(plan.target, data.training_args(relabel), seed=training.seed, slot=slot,
                           members=plan.members, base=base)
    outcome = student.request(request.to_json(), timeout=training.budget)
    trained = Trained()
    if outcome.status is OutcomeStatus.TIMEOUT:
        reference = f" ({training.reference})" if training.reference else ""
        trained.failure = Verdict(Status.TIMEOUT, f"{plan.target} did not finish training within its budget "
                                  f"of {training.budget:g} s{reference}",
                                  "Train for fewer epochs, or use a smaller model or a larger batch size.")
    elif outcome.status is not OutcomeStatus.OK:
        trained.failure = Verdict.of(failed_outcome(plan, shows, outcome, student))
        named = outcome.status is OutcomeStatus.MISSING or "NameError" in outcome.error.get("types", [])
        outside = trained_outside(plan, student) if named else ""
        if outside:
            trained.failure.hint, trained.failure.mistake = outside, TOP_LEVEL
    elif not outcome.value.get("model"):
        trained.failure = Verdict(Status.FAILED, *not_a_model(plan.target, str(outcome.value.get("type")),
                                                              plan.members))
    else:
        value = outcome.value
        trained = Trained(value.get("summary") or {}, value.get("history") or {},
                          float(value.get("seconds") or 0.0), student.starts,
                          base_layers=list(value.get("base_layers") or []),
                          weights_digest=str(value.get("weights_digest") or ""))
    student.memo[key] = trained
    return trained


def predictions(plan: PlannedModelCheck, student: StudentProcess, trained: Trained,
                split: str, slot: str = "") -> tuple[Any, Verdict | None]:
    """The trained model's outputs on a split's inputs (never its labels)."""
    key = ("predict", plan.target, split, slot)
    if key in student.memo:
        return student.memo[key]
    answer: tuple[Any, Verdict | None]
    if student.starts != trained.incarnation:
        answer = (None, Verdict(Status.ERROR, f"the process that trained {plan.target} ended before it "
                                "could predict", "An earlier check crashed the process; fix that first."))
    else:
        x, _ = plan.data.split(split)
        outcome = student.request({"op": "predict", "target": plan.target, "x": x, "slot": slot},
                                  timeout=PREDICT_TIMEOUT)
        if outcome.status is OutcomeStatus.OK:
            answer = (outcome.value, None)
        else:
            answer = (None, Verdict.of(failed_outcome(plan, f"model.predict on the {SPLIT_NAMES[split]} inputs",
                                                      outcome, student)))
    student.memo[key] = answer
    return answer


def _describe(summary: dict[str, Any]) -> str:
    return f"{' -> '.join(layer_classes(summary))}, {int(summary.get('params', 0)):,} parameters"


def run_model_check(plan: PlannedModelCheck, student: StudentProcess) -> CheckResult:
    trained = train_once(plan, student)
    if trained.failure:
        return trained.failure.result(plan)
    arch, data = plan.architecture, plan.data
    if plan.frozen:
        return _judge_frozen(plan, trained)
    if plan.marks is None:
        return _judge_architecture(plan, student, trained, arch, data)
    problem = _layers_problem(plan, trained)
    if problem:
        return Verdict.problem(problem, "not scored: ").result(plan)
    return _judge_accuracy(plan, student, trained, arch, data)


def _judge_architecture(plan: PlannedModelCheck, student: StudentProcess, trained: Trained,
                        arch: Architecture, data: Task) -> CheckResult:
    got, failure = predictions(plan, student, trained, "validation")
    if failure:
        return failure.result(plan)
    n = len(data.split("validation")[1])
    if plan.members:
        problem = (_layers_problem(plan, trained) or member_problem(trained.summary, got, n, arch, data)
                   or _scorable(plan, got, n)[1])
    else:
        problem = (architecture_problem(trained.summary, arch) or output_problem(got, n, arch, data.output_hint())
                   or params_problem(trained.summary, arch))
    if problem:
        return Verdict.problem(problem).result(plan)
    message = f"{plan.about or 'the model'}: {_describe(trained.summary)}; trained in {trained.seconds:.1f} s"
    params = trained.summary.get("params")
    return plan.result(Status.PASSED, message,
                       details=Details(architecture=ArchitectureSeen(layer_classes(trained.summary),
                                                                     int(params) if params is not None else None),
                                       training=TrainingSeen(trained.seconds, trained.history)))


def _judge_frozen(plan: PlannedModelCheck, trained: Trained) -> CheckResult:
    """The released network's kept layers are in the returned model, with the weights released."""
    assert plan.base_file is not None
    assert plan.training.pretrained is not None
    keep = plan.training.pretrained.keep
    released = {layer["name"]: layer for layer in read_model_file(plan.base_file)["layers"] if layer["class"] in keep}
    seen = {str(layer.get("name")): layer for layer in trained.base_layers}
    missing = [name for name in released if not seen.get(name, {}).get("in_model")]
    if missing:
        return plan.result(Status.FAILED, f"the returned model does not reuse the released network's "
                           f"{', '.join(missing)} layer(s)",
                           f"Build on the layers of `base` (the network passed to {plan.target}): e.g. "
                           "keras.Sequential(base.layers[:-1] + [new layers]), instead of new layers of your own.",
                           mistake="base_not_reused")
    changed = {}
    for name, layer in released.items():
        got, want = seen[name].get("weights") or [], layer["weights"]
        if len(got) != len(want) or any(not isinstance(g, np.ndarray) or g.shape != w.shape
                                        for g, w in zip(got, want, strict=False)):
            changed[name] = math.inf
            continue
        diffs = [float(np.max(np.abs(g.astype(np.float64) - w))) if w.size else 0.0
                 for g, w in zip(got, layer["weights"], strict=False)]
        if max(diffs, default=0.0) > FROZEN_ATOL:
            changed[name] = max(diffs)
    if changed:
        worst = max(changed.values())
        said = "of another shape" if math.isinf(worst) else f"changed by up to {worst:.3g}"
        return plan.result(Status.FAILED, f"the reused layers were trained: {', '.join(changed)} {said}",
                           "Freeze the reused layers before compile and fit: base.trainable = False (or "
                           "layer.trainable = False for each), so that only the new head learns.",
                           mistake="base_layers_trained")
    return plan.result(Status.PASSED, f"{plan.about or 'the released layers'}: {', '.join(released)} reused, "
                       "weights unchanged", details=Details(reused=list(released)))


def _judge_accuracy(plan: PlannedModelCheck, student: StudentProcess, trained: Trained,
                    arch: Architecture, data: Task) -> CheckResult:
    assert plan.marks is not None
    got, failure = predictions(plan, student, trained, plan.split)
    if failure:
        return failure.result(plan)
    _, labels = data.split(plan.split)
    p, problem = _scorable(plan, got, len(labels))
    if problem:
        return Verdict.problem(problem, "not scored: ").result(plan)
    if plan.split == "test" and plan.relabel:
        learning = judge_learning(plan, learned(plan, student))
        if learning.gates:
            return Verdict(Status.FAILED, f"not scored: {learning.message}", learning.hint,
                           learning.mistake).result(plan)
    acc = accuracy(p, labels, data.classes)
    marks = plan.marks
    # what the matrix shows, said by the picture: the split, the classes as the task names them
    confusion = (Confusion(confusion_matrix(p, labels, data.classes), list(data.class_labels), data.noun, acc,
                           split=plan.split) if data.classes > 2 else None)
    members = None
    said = f"{SPLIT_NAMES[plan.split]} accuracy {acc:.3f}"
    if plan.per_member:
        each = member_accuracies(p, labels)
        weakest = int(np.argmin(each))
        members = Members(acc, each)
        if confusion is not None:
            confusion = replace(confusion, of="vote")  # the matrix is the vote's, not the weakest member's
        acc = each[weakest]
        said = (f"weakest classifier: '{data.noun} {weakest} or not' at {acc:.3f} {SPLIT_NAMES[plan.split]} "
                f"accuracy (all {len(each)}: {min(each):.3f}-{max(each):.3f})")
    details = Details(training=TrainingSeen(trained.seconds, trained.history),
                      accuracy=AccuracySeen(acc, plan.split, marks.pass_at, marks.zero_at), confusion=confusion,
                      members=members)
    earned = round(marks.points(acc, plan.points), 2)
    rule = f"full points from {marks.pass_at:.2f}, none at {marks.zero_at:.2f} or below"
    if acc >= marks.pass_at:
        result = plan.result(Status.PASSED, f"{said} ({rule})", details=details)
    else:
        found = _diagnose(plan, student, trained, data, acc)
        if earned > 0:
            result = plan.result(Status.PARTIAL, f"{said}: {earned:g} of {plan.points:g} points ({rule})",
                                 found.hint, earned=earned, details=details, mistake=found.mistake)
        else:
            result = plan.result(Status.FAILED, f"{said} ({rule})", found.hint, details=details,
                                 mistake=found.mistake)
    if plan.split == "test":  # the real-label training's held-out answers, for the integrity report
        result.trace = ModelTrace.of(predicted_labels(p, data.classes), trained.weights_digest,
                                     trained.history_digest())
    return result


def _diagnose(plan: PlannedModelCheck, student: StudentProcess, trained: Trained, data: Task,
              acc: float) -> Diagnosed:
    """Why the model scores below its marks: trained outside the function, a head that cannot
    learn (the layer summary's trainable flags), else the weak model's diagnosis."""
    outside = trained_outside(plan, student)
    if outside:
        return Diagnosed(TOP_LEVEL, outside)
    base = {str(layer["name"]) for layer in read_model_file(plan.base_file)["layers"]} if plan.base_file else set()
    frozen = None if plan.members else frozen_head(trained.summary, base)
    if frozen is not None:
        return frozen
    loss_hints, chance_hint = ((member_loss_hints(data), members_chance_hint(data, plan.target)) if plan.members
                               else (data.loss_hints(), ""))
    return diagnose_weak_model(acc, chance=data.chance, loss_hints=loss_hints, noun=data.noun,
                               summary=trained.summary, history=trained.history,
                               rescaled=_rescaled(plan, student, trained, data), target=plan.target,
                               chance_hint=chance_hint, epochs=plan.training.epochs)


def trained_outside(plan: PlannedModelCheck, student: StudentProcess) -> str:
    """The hint for a model built or trained at the notebook's top level, on the data cell's names,
    which are not there while grading (that cell is left out: the grader passes the data)."""
    for error in student.cell_errors:
        name = error.get("name")
        if "NameError" in error.get("types", []) and name in student.program.left_out_names:
            return (f"{error['cell']} trains a model at the top level on `{name}` from the data cell, "
                    f"which is not run while grading. The grader passes x_train, y_train, x_val, y_val to "
                    f"{plan.target}: train inside the function, on the arrays it receives (build, compile "
                    f"and fit the network inside {plan.target}) and return it.")
    return ""


def _rescaled(plan: PlannedModelCheck, student: StudentProcess, trained: Trained,
              data: Task) -> dict[str, float]:
    """Accuracy on the split's inputs rescaled each way the task allows (a weak model only).
    Measured while the model's process lives (the learning check measures it before it closes
    that process), then read from the grading's memo."""
    found: dict[str, float] = {}
    x, labels = data.split(plan.split)
    for how, factor in data.rescalings:
        key = ("rescaled", plan.target, plan.split, how)
        if key not in student.memo and student.starts != trained.incarnation:
            continue  # the model is gone, and was not measured while it lived
        if key not in student.memo:
            outcome = student.request({"op": "predict", "target": plan.target, "x": x * np.float32(factor)},
                                      timeout=PREDICT_TIMEOUT)
            p, problem = _scorable(plan, outcome.value if outcome.status is OutcomeStatus.OK else None, len(labels))
            student.memo[key] = None if problem else accuracy(p, labels, data.classes)
        if student.memo[key] is not None:
            found[how] = student.memo[key]
    return found


def _unscorable(problem: Problem | None) -> Verdict:
    return Verdict.problem(problem or Problem("the output cannot be scored", ""), "not scored: ")


def _layers_problem(plan: PlannedModelCheck, trained: Trained) -> Problem | None:
    """The layers break the exercise's rules (each member's, for one-vs-all)."""
    if plan.members:
        return (member_count_problem(trained.summary, plan.members, plan.target)
                or member_problem(trained.summary, None, 0, plan.architecture, plan.data))
    return architecture_problem(trained.summary, plan.architecture)


def _scorable(plan: PlannedModelCheck, got: Any, n: int) -> tuple[np.ndarray, Problem | None]:
    """Predictions as an (n, outputs) array (one-vs-all: the members' confidences side by side),
    or why they cannot be scored."""
    arch, data = plan.architecture, plan.data
    if plan.members:
        confidences, problem = stacked(got, n, plan.members)
        return confidences, problem or disguised_softmax(confidences, plan.target)
    p = got[:, None] if (arch.outputs == 1 and getattr(got, "ndim", 0) == 1) else got
    if getattr(p, "shape", None) != (n, arch.outputs):
        return (np.zeros((0, arch.outputs)),
                output_problem(got, n, arch, data.output_hint()) or Problem("the output cannot be scored", ""))
    return np.asarray(p), None


# -- the learning check ---------------------------------------------------------------------

@dataclass
class Learned:
    """What the two trainings showed: held-out accuracy on the real labels and on the
    relabelled classes, or why the second training could not be judged."""

    accuracy: float = 0.0
    relabelled: float = 0.0
    failure: Verdict | None = None


def learned(plan: PlannedModelCheck, student: StudentProcess) -> Learned:
    """Train a second time on relabelled classes, in a fresh process, and compare (once per grading).

    Every prediction the other checks need from the first model is asked for
    first: the first model's process is then closed, so nothing of it (a global
    model, a cache) carries over into the second training."""
    key = ("learned", plan.target)
    if key in student.memo:
        return student.memo[key]
    data, arch = plan.data, plan.architecture
    assert plan.relabel is not None, f"{plan.name}: a learning check is hidden and planned with its relabelling"
    relabel = np.asarray(plan.relabel)
    _, labels = data.split("test")
    answer = Learned()
    trained = train_once(plan, student)
    if trained.failure:
        answer.failure = trained.failure
    else:
        for split in ("validation", "test"):
            predictions(plan, student, trained, split)
        _rescaled(plan, student, trained, data)  # the held-out check's diagnosis, if it needs one
        got, failure = predictions(plan, student, trained, "test")
        p, problem = _scorable(plan, got, len(labels))
        if failure is not None or problem is not None:
            answer.failure = failure or _unscorable(problem)
        else:
            answer.accuracy = accuracy(p, labels, data.classes)
            student.close()
            answer = _relabelled(plan, student, data, arch, relabel, labels, answer)
    student.memo[key] = answer
    return answer


def _relabelled(plan: PlannedModelCheck, student: StudentProcess, data: Task, arch: Architecture,
                relabel: np.ndarray, labels: np.ndarray, answer: Learned) -> Learned:
    second = train_once(plan, student, RELABELLED)
    if second.failure:
        answer.failure = Verdict(second.failure.status, "trained again on the same inputs with the classes "
                                 f"relabelled, {second.failure.message}", second.failure.hint, second.failure.mistake)
        return answer
    got, failure = predictions(plan, student, second, "test", RELABELLED)
    p, problem = _scorable(plan, got, len(labels))
    if failure is not None or problem is not None:
        answer.failure = failure or _unscorable(problem)
        return answer
    answer.relabelled = accuracy(p, relabel[labels], data.classes)
    return answer


@dataclass
class LearningVerdict:
    passed: bool
    gates: bool  # the held-out accuracy gets no points
    message: str
    hint: str = ""
    status: Status = Status.FAILED
    mistake: str = ""


def judge_learning(plan: PlannedModelCheck, seen: Learned) -> LearningVerdict:
    """Whether the network learned from the data passed in, in words for every report."""
    target = plan.target
    if seen.failure:
        return LearningVerdict(False, True, seen.failure.message, seen.failure.hint, seen.failure.status,
                               seen.failure.mistake)
    rule = plan.training.learning
    assert rule is not None, f"{plan.name}: judged as learning without Training(learning=...)"
    max_gap, floor = rule.max_gap, rule.min_accuracy
    chance = plan.data.chance
    gap = seen.accuracy - seen.relabelled
    said = (f"trained again on the same inputs with the classes relabelled, the network matched the new "
            f"labels on {seen.relabelled:.1%} of the held-out inputs, against {seen.accuracy:.1%} for the "
            f"real labels (the reference: at most {max_gap:.2f} apart)")
    if gap > max_gap:
        if seen.relabelled <= chance + 0.1:
            hint = (f"{target} returned the same predictions whatever labels it was given: it must train "
                    f"on x_train, y_train (the data passed to it) and return that network.")
            mistake = "ignores_its_data"
        else:
            hint = (f"{target} knows more about the held-out data than training on x_train, y_train "
                    f"teaches: build and train the network inside {target}, from fresh weights, on the data "
                    "passed to it (no weights brought along).")
            mistake = "brings_weights"
        return LearningVerdict(False, True, f"{target} did not learn from its data: {said}", hint, mistake=mistake)
    if seen.relabelled < floor:
        return LearningVerdict(False, False, f"{said}; at least {floor:.0%} shows learning",
                               "The network barely learns from its data: see the accuracy checks' hints.",
                               mistake="barely_learns")
    return LearningVerdict(True, False, said, status=Status.PASSED)


def run_learning_check(plan: PlannedModelCheck, student: StudentProcess) -> CheckResult:
    """Like the accuracy checks, a network of the wrong kind is not scored (and not trained again).
    Its details always hold ``learning`` (empty when the trainings could not be compared): reports
    tell a learning check's verdict by it."""
    result = _learning_result(plan, student)
    if result.details.learning is None:
        result.details.learning = LearningSeen(measured=False)
    return result


def _learning_result(plan: PlannedModelCheck, student: StudentProcess) -> CheckResult:
    trained = train_once(plan, student)
    if trained.failure:
        return trained.failure.result(plan)
    problem = _layers_problem(plan, trained)
    if problem:
        return Verdict.problem(problem, "not scored: ").result(plan)
    seen = learned(plan, student)
    verdict = judge_learning(plan, seen)
    rule = plan.training.learning
    details = Details(learning=LearningSeen(True, seen.accuracy, seen.relabelled, rule.max_gap if rule else None,
                                            rule.min_accuracy if rule else None)) if not seen.failure else None
    return plan.result(verdict.status, verdict.message, verdict.hint, details=details, mistake=verdict.mistake)
