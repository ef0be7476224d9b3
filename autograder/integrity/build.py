"""``deepgrade integrity``: read what was graded, compare, write the page and its JSON twin."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..batch.cache import write_atomic
from ..course import Course, CourseError
from .code import Release
from .collect import held_out_labels
from .page import integrity_json, integrity_page
from .report import ExerciseReport, Submission, class_report, exercise_release


def build_reports(submissions: list[Submission], course: Course) -> list[ExerciseReport]:
    """The report of every exercise the submissions are for; the release and the held-out labels
    come from the course (an exercise it does not know is compared without a release)."""
    names = sorted({s.exercise for s in submissions})
    releases: dict[str, Release] = {}
    labels: dict[str, np.ndarray] = {}
    inputs: dict[str, np.ndarray] = {}
    for name in names:
        try:
            exercise = course.exercise(name)
        except CourseError:
            continue
        releases[name] = exercise_release(exercise)
        if any(s.model is not None for s in submissions if s.exercise == name):
            found = held_out_labels(course, name)
            if found is not None:
                labels[name] = found
                inputs[name] = _held_out_inputs(course, name)
    reports = class_report(submissions, releases, labels)
    for report in reports:
        report.inputs = inputs.get(report.exercise)
    return reports


def _held_out_inputs(course: Course, exercise: str) -> np.ndarray:
    for check in json.loads(course.exercise(exercise).public_checks_path.read_text())["checks"]:
        task = (check.get("training") or {}).get("task")
        if task:
            return course.task(task).split("test")[0]
    raise CourseError(f"{exercise} has no model check")


def write_report(reports: list[ExerciseReport], folder: Path) -> dict[str, Path]:
    paths = {"html": folder / "integrity.html", "json": folder / "integrity.json"}
    write_atomic(paths["html"], integrity_page(reports))
    write_atomic(paths["json"], json.dumps(integrity_json(reports), indent=1))
    return paths
