"""The integrity report on generated classes: every planted copy found, no independent pair flagged.

Each class (:mod:`autograder.integrity.synthetic`) has 40 independent students per
exercise (right and wrong answers, with cells of their own or none) and eight
planted copies (renamed variables, reordered cells, changed comments, all three).
The seeds differ from those ``benchmarks/integrity_code.py`` measured the
baseline on, so the thresholds meet classes they were not set on. Model
exercises get held-out predictions drawn from the measured trainings
(``trainings.json``): nothing is trained here.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from autograder.course import Course
from autograder.integrity.collect import held_out_labels
from autograder.integrity.report import ModelEvidence, Submission, exercise_release, report_exercise
from autograder.integrity.synthetic import GeneratedClass, add_predictions, generate_class
from autograder.integrity.trainings import training_baselines

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = Course(ROOT).exercise_names
SEEDS = (101, 202)


def _submissions(made: GeneratedClass, folder: Path) -> list[Submission]:
    made.write(folder)
    out = []
    for s in made.students:
        model = (ModelEvidence(s.predicted, s.weights_digest, s.history_digest)
                 if s.predicted is not None else None)
        out.append(Submission(s.name, made.exercise, folder / s.name / made.exercise / f"{made.exercise}.ipynb",
                              model))
    return out


def _model_exercise(course: Course, name: str) -> bool:
    checks = json.loads(course.exercise(name).public_checks_path.read_text())["checks"]
    return any(c.get("training") for c in checks)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", EXERCISES)
def test_planted_copies_are_found_and_independent_work_is_not_flagged(course, tmp_path, name, seed):
    exercise = course.exercise(name)
    release = exercise_release(exercise)
    made = generate_class(exercise.student_notebook, exercise.solution_notebook, students=40, copies=8,
                          seed=seed, keep=set(release.kept))
    labels = None
    if _model_exercise(course, name):
        labels = held_out_labels(course, name)
        add_predictions(made, training_baselines()[name], np.random.default_rng(seed), labels)
    report = report_exercise(name, _submissions(made, tmp_path), release, labels)
    listed = {(p.a, p.b) for p in report.pairs}
    planted = made.planted
    assert len(planted) >= 8
    assert planted <= listed, f"planted pairs not found: {sorted(planted - listed)}"
    assert not listed - planted, f"independent pairs flagged: {sorted(listed - planted)}"
    code_flagged = {(p.a, p.b) for p in report.pairs if p.code_flagged}
    assert planted <= code_flagged  # the code of every copy, whatever its model shows
    if labels is not None:
        by_name = {s.name: s for s in made.students}
        for pair in report.pairs:
            copy = by_name[pair.b] if by_name[pair.b].copied_from else by_name[pair.a]
            if copy.copied_model == "same training" and copy.copied_from in (pair.a, pair.b):
                assert pair.identical_training
            if copy.copied_model == "weights" and copy.copied_from in (pair.a, pair.b):
                assert pair.errors_flagged and not pair.identical_training
        assert not any(p.errors_flagged or p.identical_training for p in report.pairs if (p.a, p.b) not in planted)


def test_every_model_exercise_has_measured_trainings(course):
    measured = training_baselines()
    for name in EXERCISES:
        if _model_exercise(course, name):
            base = measured[name]
            assert base.trainings >= 5 and base.highest < base.threshold < 1.0
            labels = held_out_labels(course, name)
            assert labels is not None and len(labels) == base.inputs == len(base.error_counts)


def test_independent_trainings_share_fewer_mistakes_than_the_threshold(course):
    """Synthetic independent students, drawn from the measured error rates, stay under the flag (the
    real trainings' pairs are under it by construction: it sits halfway from their highest to 1)."""
    rng = np.random.default_rng(5)
    from autograder.integrity.models import shared_errors
    from autograder.integrity.synthetic import synthetic_predictions

    for name, base in training_baselines().items():
        labels = held_out_labels(course, name)
        assert labels is not None
        draws = [synthetic_predictions(base, labels, rng) for _ in range(12)]
        shares = [shared_errors(a, b, labels).share for i, a in enumerate(draws) for b in draws[i + 1:]]
        assert max(shares) < base.threshold
