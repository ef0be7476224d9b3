"""The integrity report of a class: ranked pairs per exercise, with their evidence.

Input: what the grader recorded (:class:`Submission`: who, which exercise, the
graded file, and for model exercises the held-out predictions and digests).
Output: per exercise, every pair whose code or models are more alike than
independent work was measured to be, ranked, and the clusters they form.
It is never a verdict and changes no points: the instructor judges.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..course import Exercise
from ..load import load_program
from .baseline import CodeBaseline, code_baseline
from .code import CodeMatch, Release, StudentCode, compare_code, read_student_code, student_code
from .models import SharedErrors, both_wrong, shared_errors
from .trainings import TrainingBaseline, training_baselines


@dataclass(frozen=True)
class ModelEvidence:
    """A graded model's held-out predicted labels and the digests of its training."""

    predicted: np.ndarray
    weights_digest: str = ""
    history_digest: str = ""


@dataclass(frozen=True)
class Submission:
    student: str
    exercise: str
    path: Path | None = None
    model: ModelEvidence | None = None


@dataclass(frozen=True)
class ModelMatch:
    shared: SharedErrors
    same_weights: bool
    same_history: bool
    #: Held-out inputs both got wrong alike (a few, for the page) and the true labels there.
    examples: tuple[int, ...] = ()


@dataclass
class Pair:
    """Two submissions of one exercise and why they are listed. The flags are the decision;
    ``strength`` only ranks (how far past its threshold the strongest evidence is)."""

    exercise: str
    a: str
    b: str
    code: CodeMatch | None = None
    model: ModelMatch | None = None
    code_flagged: bool = False
    errors_flagged: bool = False

    @property
    def identical_training(self) -> bool:
        return bool(self.model and (self.model.same_weights or self.model.same_history))

    @property
    def flagged(self) -> bool:
        return self.code_flagged or self.errors_flagged or self.identical_training

    def strength(self, code: CodeBaseline, trained: TrainingBaseline | None) -> float:
        ranks = [0.0]
        if self.code is not None:
            ranks.append(self.code.evidence / code.min_evidence)
        if self.model is not None and trained is not None:
            ranks.append(self.model.shared.share / trained.threshold)
        if self.identical_training:
            ranks.append(10.0)
        return max(ranks)


@dataclass
class ExerciseReport:
    exercise: str
    submissions: int
    code_baseline: CodeBaseline
    training_baseline: TrainingBaseline | None
    pairs: list[Pair] = field(default_factory=list)  # flagged ones, strongest first
    clusters: list[list[str]] = field(default_factory=list)  # of two or more, by flagged pairs
    codes: dict[str, StudentCode] = field(default_factory=dict)
    labels: np.ndarray | None = None  # the held-out labels (model exercises)
    inputs: np.ndarray | None = None  # the held-out inputs, for pictures (set by the caller)
    predicted: dict[str, np.ndarray] = field(default_factory=dict)  # of the students in flagged pairs
    #: Students whose graded file is no longer there (moved or deleted since grading): not compared.
    unreadable: list[str] = field(default_factory=list)


def exercise_release(exercise: Exercise) -> Release:
    """What the course handed out: the release notebook, and the names the checks ask for."""
    targets: set[str] = set()
    if exercise.public_checks_path.is_file():
        targets = {str(c.get("target")) for c in json.loads(exercise.public_checks_path.read_text())["checks"]}
    if not exercise.student_notebook.is_file():
        return Release(frozenset(targets), frozenset(), frozenset())
    release = Release.from_cells(load_program(exercise.student_notebook).cells)
    return Release(release.kept | targets, release.units, release.hashes)


def _clusters(pairs: list[Pair]) -> list[list[str]]:
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for p in pairs:
        parent[root(p.a)] = root(p.b)
    groups: dict[str, list[str]] = defaultdict(list)
    for x in parent:
        groups[root(x)].append(x)
    return sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: (-len(g), g))


def report_exercise(exercise: str, submissions: list[Submission], release: Release,
                    labels: np.ndarray | None = None) -> ExerciseReport:
    """Compare every pair of one exercise's submissions (keyed by student)."""
    codes = {s.student: read_student_code(s.path, release) if s.path else student_code([], release)
             for s in submissions}
    baseline = code_baseline(exercise)
    trained = training_baselines().get(exercise)
    pairs: dict[tuple[str, str], Pair] = {}
    for match in compare_code(codes):
        pairs[(match.a, match.b)] = Pair(exercise, match.a, match.b, code=match,
                                         code_flagged=baseline.flags(match.evidence))
    models = {s.student: s.model for s in submissions if s.model is not None}
    if labels is not None and len(models) > 1:
        _model_pairs(exercise, models, np.asarray(labels), trained, pairs)
    flagged = [p for p in pairs.values() if p.flagged]
    flagged.sort(key=lambda p: (-p.strength(baseline, trained), p.a, p.b))
    listed = {k for p in flagged for k in (p.a, p.b)}
    return ExerciseReport(exercise, len(submissions), baseline, trained, flagged, _clusters(flagged),
                          {k: v for k, v in codes.items() if k in listed}, labels,
                          predicted={k: m.predicted for k, m in models.items() if k in listed},
                          unreadable=sorted(s.student for s in submissions if s.path and not s.path.is_file()))


def _model_pairs(exercise: str, models: dict[str, ModelEvidence], labels: np.ndarray,
                 trained: TrainingBaseline | None, pairs: dict[tuple[str, str], Pair]) -> None:
    names = sorted(k for k, m in models.items() if m.predicted.shape == labels.shape)
    if not names:
        return
    predicted = np.stack([models[k].predicted for k in names])
    wrong = predicted != labels
    for i, a in enumerate(names):
        # Vectorised over the partners: same wrong answers, and either wrong.
        same = ((predicted[i + 1:] == predicted[i]) & wrong[i] & wrong[i + 1:]).sum(axis=1)
        union = (wrong[i] | wrong[i + 1:]).sum(axis=1)
        for j, b in enumerate(names[i + 1:]):
            ma, mb = models[a], models[b]
            same_weights = bool(ma.weights_digest) and ma.weights_digest == mb.weights_digest
            same_history = bool(ma.history_digest) and ma.history_digest == mb.history_digest
            share = float(same[j] / union[j]) if union[j] else 0.0
            over = bool(trained is not None and share >= trained.threshold and same[j] >= MIN_SHARED_ERRORS)
            if not (over or same_weights or same_history or (a, b) in pairs):
                continue
            s = shared_errors(ma.predicted, mb.predicted, labels)
            match = ModelMatch(s, same_weights, same_history, tuple(both_wrong(ma.predicted, mb.predicted,
                                                                               labels)[:8].tolist()))
            pair = pairs.setdefault((a, b), Pair(exercise, a, b))
            pair.model, pair.errors_flagged = match, over


#: Fewer shared mistakes than this are no evidence, whatever their share (a near-perfect pair).
MIN_SHARED_ERRORS = 5


def class_report(submissions: list[Submission], releases: dict[str, Release],
                 labels: dict[str, np.ndarray] | None = None, workers: int | None = None) -> list[ExerciseReport]:
    """Every exercise's report, in exercise order; exercises side by side on ``workers`` processes
    (default: one per core), each reading its own notebooks."""
    by_exercise: dict[str, list[Submission]] = defaultdict(list)
    for s in submissions:
        by_exercise[s.exercise].append(s)
    jobs = [(name, subs, releases.get(name) or Release.empty(), (labels or {}).get(name))
            for name, subs in sorted(by_exercise.items())]
    workers = min(len(jobs), workers or os.cpu_count() or 1)
    if workers <= 1:
        return [report_exercise(*job) for job in jobs]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(report_exercise, *zip(*jobs, strict=True)))
