"""Measure how alike independent trainings of each model exercise are, for the integrity report.

Two networks trained independently share some mistakes (the hard inputs) but
not all; two copies of one training share all of them. For every model
exercise this trains the reference solution over several seeds, and right
solutions of another shape (fewer units or filters) over a few, each as the
grader trains a student's function (same data, seed, process), takes the
held-out predictions, and measures the shared-error share
(:func:`autograder.integrity.models.shared_errors`) of every pair. It writes
``autograder/integrity/trainings.json``: the distribution, the threshold the
report flags above, and each held-out input's error count over the trainings
(the tests build synthetic classes from it instead of training).

    make install
    DEEPGRADE_DATA=../shared/data .venv/bin/python benchmarks/integrity_trainings.py \\
        [--seeds 0,1,2,3,4] [--shape-seeds 0,1] [--exercises ex05_mlp,...]

Raw predictions are kept in --raw (default /tmp/deepgrade-integrity-trainings) so that an
interrupted run resumes, and ``--summarise`` rewrites the JSON from them alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import itertools
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.compare.models import predicted_labels  # noqa: E402
from autograder.course import Course  # noqa: E402
from autograder.integrity.models import pack_labels, shared_errors, unpack_labels  # noqa: E402
from autograder.integrity.trainings import TRAININGS_FILE  # noqa: E402
from autograder.kinds.ensembles import stacked  # noqa: E402
from autograder.kinds.trained import PlannedModelCheck, predictions, train_once  # noqa: E402
from autograder.load import load_program  # noqa: E402
from autograder.plan import public_plans  # noqa: E402
from autograder.student import open_student  # noqa: E402

#: Right solutions of another shape: replacements in the reference's code.
SHAPES: dict[str, list[tuple[str, str]]] = {
    "ex05_mlp": [("Dense(256", "Dense(128"), ("epochs=15", "epochs=12")],
    "ex06_cnn": [("Conv2D(32, 3", "Conv2D(16, 3"), ("Conv2D(64, 3", "Conv2D(32, 3")],
    "ex07_lstm": [("LSTM(32)", "LSTM(48)"), ("Embedding(NUM_WORDS, 32)", "Embedding(NUM_WORDS, 48)")],
    "ex09_one_vs_all": [("Dense(64, activation", "Dense(32, activation")],
    "ex10_fine_tuning": [("Dense(256, activation", "Dense(128, activation")],
}


def _program(exercise, shape: bool):
    program = load_program(exercise.solution_notebook)
    if not shape:
        return program
    cells = []
    for cell in program.cells:
        source = cell.source
        for old, new in SHAPES[exercise.name]:
            source = source.replace(old, new)
        cells.append(dataclasses.replace(cell, source=source))
    changed = [c for c, o in zip(cells, program.cells, strict=True) if c.source != o.source]
    assert changed, f"{exercise.name}: the shape replacements match nothing"
    return dataclasses.replace(program, cells=tuple(cells))


def train(name: str, seed: int, shape: bool) -> dict:
    """One training as the grader does it; the held-out predicted labels."""
    exercise = Course(ROOT).exercise(name)
    plan = next(p for p in public_plans(exercise) if isinstance(p, PlannedModelCheck) and p.marks is not None)
    plan.training = dataclasses.replace(plan.training, seed=seed, budget=900.0)
    started = time.perf_counter()
    with open_student(_program(exercise, shape), [plan]) as student:
        trained = train_once(plan, student)
        if trained.failure:
            raise RuntimeError(f"{name} seed {seed}: {trained.failure.message}")
        got, failure = predictions(plan, student, trained, "test")
        if failure:
            raise RuntimeError(f"{name} seed {seed}: {failure.message}")
    _, labels = plan.data.split("test")
    if plan.members:
        got, problem = stacked(got, len(labels), plan.members)
        assert problem is None, problem
    labels_pred = predicted_labels(np.asarray(got), plan.data.classes)
    return {"seed": seed, "shape": "other" if shape else "reference", "predicted": pack_labels(labels_pred),
            "accuracy": float(np.mean(labels_pred == labels)), "train_seconds": trained.seconds,
            "seconds": time.perf_counter() - started, "task": plan.data.name}


def summarise(name: str, runs: list[dict]) -> dict:
    exercise = Course(ROOT).exercise(name)
    task = Course(ROOT).task(runs[0]["task"])
    _, labels = task.split("test")
    predicted = [unpack_labels(r["predicted"]) for r in runs]
    pairs = []
    for (i, a), (j, b) in itertools.combinations(enumerate(predicted), 2):
        s = shared_errors(a, b, labels)
        pairs.append({"a": i, "b": j, "share": round(s.share, 4), "same": s.same, "union": s.union})
    shares = [p["share"] for p in pairs]
    wrong = np.stack([p != labels for p in predicted])
    wrong_answers = np.where(wrong, np.stack(predicted), -1)
    mode = [int(np.bincount(col[col >= 0]).argmax()) if (col >= 0).any() else int(labels[i])
            for i, col in enumerate(wrong_answers.T)]
    highest = max(shares)
    return {
        "exercise": name, "task": task.name, "classes": task.classes, "inputs": int(len(labels)),
        "trainings": [{k: r[k] for k in ("seed", "shape", "accuracy", "train_seconds")} for r in runs],
        "pairs": pairs,
        "share": {"mean": round(float(np.mean(shares)), 4), "sd": round(float(np.std(shares)), 4),
                  "min": round(min(shares), 4), "max": round(highest, 4)},
        # Halfway from the most alike independent pair to identical predictions.
        "threshold": round((highest + 1.0) / 2, 4),
        "error_counts": pack_labels(wrong.sum(axis=0)),
        "common_wrong_answer": pack_labels(np.asarray(mode)),
        "exercise_title": exercise.name,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--shape-seeds", default="0,1")
    parser.add_argument("--exercises", default=",".join(SHAPES))
    parser.add_argument("--raw", default="/tmp/deepgrade-integrity-trainings")
    parser.add_argument("--summarise", action="store_true", help="only rewrite the JSON from the raw runs")
    args = parser.parse_args()
    raw = Path(args.raw)
    raw.mkdir(parents=True, exist_ok=True)
    names = args.exercises.split(",")
    plan = [(n, int(s), False) for n in names for s in args.seeds.split(",")]
    plan += [(n, int(s), True) for n in names for s in args.shape_seeds.split(",") if s]
    for name, seed, shape in plan if not args.summarise else []:
        path = raw / f"{name}-{'other' if shape else 'reference'}-{seed}.json"
        if path.is_file():
            continue
        run = train(name, seed, shape)
        path.write_text(json.dumps(run))
        print(f"{name:18} {run['shape']:9} seed {seed}: accuracy {run['accuracy']:.3f}, "
              f"trained in {run['train_seconds']:.1f} s", flush=True)
    target = ROOT / TRAININGS_FILE
    measured = json.loads(target.read_text()) if target.is_file() else {"exercises": {}}
    for name in names:
        runs = [json.loads(p.read_text()) for p in sorted(raw.glob(f"{name}-*.json"))]
        if len(runs) < 3:
            continue
        measured["exercises"][name] = summarise(name, runs)
        s = measured["exercises"][name]
        print(f"{name:18} {len(runs)} trainings, {len(s['pairs'])} pairs: share {s['share']['min']:.3f}-"
              f"{s['share']['max']:.3f} (mean {s['share']['mean']:.3f}); threshold {s['threshold']:.3f}")
    measured["measured"] = (f"{datetime.date.today()} by benchmarks/integrity_trainings.py on {platform.machine()} "
                            f"Linux, {os.cpu_count()} CPU cores, Python {platform.python_version()}, CPU only")
    target.write_text(json.dumps(measured, indent=1, sort_keys=True) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
