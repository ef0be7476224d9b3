"""Time ``deepgrade integrity`` on a generated class: 300 students x 10 exercises, two cores.

Builds a graded OUT folder as ``deepgrade grade`` leaves it (notebooks, and
``results.json`` with the held-out predictions and digests of the model
exercises, drawn from the measured trainings) from a generated class with
planted copies (:mod:`autograder.integrity.synthetic`), then runs the command
as an instructor would and reports the wall-clock time and what it found. No
model is trained: the report never trains anything.

    .venv/bin/python benchmarks/integrity_report.py [--students 300] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.cli import main as deepgrade  # noqa: E402
from autograder.course import Course  # noqa: E402
from autograder.integrity.collect import held_out_labels  # noqa: E402
from autograder.integrity.report import exercise_release  # noqa: E402
from autograder.integrity.synthetic import add_predictions, generate_class  # noqa: E402
from autograder.integrity.trainings import training_baselines  # noqa: E402
from autograder.score import CheckResult, ModelTrace, Status  # noqa: E402


def build_out(folder: Path, students: int, seed: int) -> tuple[int, set[tuple[str, str, str]]]:
    course = Course(ROOT)
    entries, planted = [], set()
    for name in course.exercise_names:
        exercise = course.exercise(name)
        made = generate_class(exercise.student_notebook, exercise.solution_notebook, students=students - students // 10,
                              copies=students // 10, seed=seed, keep=set(exercise_release(exercise).kept))
        trained = training_baselines().get(name)
        if trained is not None:
            add_predictions(made, trained, np.random.default_rng(seed), held_out_labels(course, name))
        made.write(folder / "class")
        planted |= {(name, a, b) for a, b in made.planted}
        for s in made.students:
            checks = []
            if s.predicted is not None:  # as the held-out accuracy check records it
                trace = ModelTrace.of(s.predicted, s.weights_digest, s.history_digest)
                checks.append(CheckResult(name="test_accuracy", target="", max_points=1, status=Status.PASSED,
                                          trace=trace).to_json())
            entries.append({"student": s.name, "exercise": name, "score": 0, "max_score": 0, "checks": checks,
                            "notes": [], "submission": str(folder / "class" / s.name / name / f"{name}.ipynb")})
    out = folder / "out"
    out.mkdir()
    (out / "results.json").write_text(json.dumps({"sandbox": "", "submissions": entries}))
    return len(entries), planted


def _cpu_seconds() -> float:
    """User and system time of this process and its finished children (the report's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deepgrade-integrity-") as tmp:
        count, planted = build_out(Path(tmp), args.students, args.seed)
        started, cpu = time.perf_counter(), _cpu_seconds()
        deepgrade(["integrity", str(Path(tmp) / "out"), "--course", str(ROOT)])
        seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        twin = json.loads((Path(tmp) / "out" / "integrity.json").read_text())
    listed = {(e["exercise"], p["a"], p["b"]) for e in twin["exercises"] for p in e["pairs"]}
    print(f"\n{count} submissions ({args.students} students x {count // args.students} exercises): report in "
          f"{seconds:.1f} s ({cpu:.1f} CPU seconds, load average {os.getloadavg()[0]:.1f}); "
          f"planted pairs listed {len(planted & listed)} of {len(planted)}; "
          f"other pairs listed {len(listed - planted)}")


if __name__ == "__main__":
    main()
