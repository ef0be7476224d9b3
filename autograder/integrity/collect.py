"""What the report reads: a graded OUT folder, or an nbgrader course after autograde.

``deepgrade grade`` leaves ``OUT/results.json``: each entry names the student,
the exercise and the graded file, and for a model exercise carries
``integrity`` (the held-out predicted labels, packed, and the digests of the
trained weights and history). ``nbgrader autograde`` with deepgrade's
preprocessor leaves the same entry as ``<notebook>.deepgrade.json`` beside each
autograded notebook. The held-out labels come from the course's data task,
here, on the instructor's side.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..course import Course, CourseError
from .models import unpack_labels
from .report import ModelEvidence, Submission

#: Beside an autograded notebook: the grader's result for it (``<stem>.deepgrade.json``).
NBGRADER_RESULT_SUFFIX = ".deepgrade.json"


def model_evidence(entry: dict[str, Any] | None) -> ModelEvidence | None:
    """The ``integrity`` member of a result entry, or None (a value exercise, a failed training)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("predicted"), str):
        return None
    try:
        predicted = unpack_labels(entry["predicted"])
    except (ValueError, TypeError):
        return None
    return ModelEvidence(predicted, str(entry.get("weights_digest") or ""), str(entry.get("history_digest") or ""))


def from_results(out: Path) -> list[Submission]:
    """Every graded submission of ``OUT/results.json`` (a missing file is kept: no code)."""
    path = out / "results.json"
    if not path.is_file():
        raise FileNotFoundError(f"no results.json in {out}: grade the class first (deepgrade grade ... --out {out})")
    data = json.loads(path.read_text())
    found = []
    for record in data.get("submissions", []):
        graded = record.get("submission")
        found.append(Submission(student=str(record["student"]), exercise=str(record["exercise"]),
                                path=Path(graded) if graded else None,
                                model=model_evidence(record.get("integrity"))))
    return found


def from_nbgrader(course_root: Path) -> list[Submission]:
    """Every autograded notebook of an nbgrader course: ``autograded/<student>/<assignment>/*.ipynb``."""
    autograded = course_root / "autograded"
    if not autograded.is_dir():
        raise FileNotFoundError(f"no autograded/ folder in {course_root}: run nbgrader autograde first")
    found = []
    for notebook in sorted(autograded.glob("*/*/*.ipynb")):
        student, assignment = notebook.parent.parent.name, notebook.parent.name
        result = notebook.with_name(notebook.stem + NBGRADER_RESULT_SUFFIX)
        entry = json.loads(result.read_text()) if result.is_file() else {}
        found.append(Submission(student=student, exercise=str(entry.get("exercise") or notebook.stem or assignment),
                                path=notebook, model=model_evidence(entry.get("integrity"))))
    return found


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
