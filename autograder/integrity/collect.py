"""What the report reads: a graded OUT folder, or an nbgrader course after autograde.

``deepgrade grade`` leaves ``OUT/results.json``: each entry names the student,
the exercise and the graded file, and for a model exercise its held-out
accuracy check carries ``integrity`` (:class:`autograder.score.ModelTrace`: the
held-out predicted labels, packed, and digests of the trained weights and
history). ``nbgrader autograde`` with deepgrade's preprocessor leaves the same
result as ``<notebook>.deepgrade.json`` beside each autograded notebook. The
held-out labels come from the course's data task, here, on the instructor's side.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..course import Course, CourseError
from ..nbgrader import RESULT_SUFFIX
from ..results import ClassResults
from ..score import ExerciseResult
from .report import ModelEvidence, Submission


def model_evidence(result: ExerciseResult) -> ModelEvidence | None:
    """The held-out answers and digests that a result's accuracy check recorded (its ``trace``),
    or None (a value exercise, a model that was not scored)."""
    for check in result.checks:
        if check.trace is not None:
            try:
                return ModelEvidence(np.asarray(check.trace.labels()), check.trace.weights_digest,
                                     check.trace.history_digest)
            except (ValueError, TypeError):
                return None
    return None


def from_results(out: Path) -> list[Submission]:
    """Every graded submission of ``OUT/results.json`` (a missing file is kept: no code)."""
    return [Submission(student=r.student, exercise=r.exercise, path=Path(r.submission) if r.submission else None,
                       model=model_evidence(r.result))
            for r in ClassResults.read(out).records]


def from_nbgrader(course_root: Path) -> list[Submission]:
    """Every autograded notebook of an nbgrader course: ``autograded/<student>/<assignment>/*.ipynb``."""
    autograded = course_root / "autograded"
    if not autograded.is_dir():
        raise FileNotFoundError(f"no autograded/ folder in {course_root}: run nbgrader autograde first")
    found = []
    for notebook in sorted(autograded.glob("*/*/*.ipynb")):
        student, assignment = notebook.parent.parent.name, notebook.parent.name
        result = notebook.with_name(notebook.stem + RESULT_SUFFIX)
        entry = _result_file(result)
        found.append(Submission(student=student, exercise=(entry.exercise if entry else "") or notebook.stem
                                or assignment, path=notebook, model=model_evidence(entry) if entry else None))
    return found


def _result_file(path: Path) -> ExerciseResult | None:
    """The result autograde kept beside a notebook; None when there is none or it cannot be read
    (the notebook is still compared by its code)."""
    try:
        return ExerciseResult.from_json(json.loads(path.read_text())) if path.is_file() else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def held_out_labels(course: Course, exercise: str) -> np.ndarray | None:
    """The labels of a model exercise's held-out split (None for other exercises)."""
    try:
        release = course.exercise(exercise).public_checks_path
    except CourseError:
        return None
    if not release.is_file():
        return None
    for check in json.loads(release.read_text())["checks"]:
        task = (check.get("training") or {}).get("task")
        if task and check.get("split", "test") == "test":
            _, labels = course.task(task).split("test")
            return np.asarray(labels)
    return None
