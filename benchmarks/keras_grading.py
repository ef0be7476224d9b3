"""Grade each Keras reference solution over several seeds and say what it costs.

For every model exercise and seed this grades the reference notebook with all
its checks (public and hidden), as ``deepgrade check --hidden`` would, and
prints the training time, the grader's overhead beyond training and beyond
one TensorFlow import, and the validation and held-out accuracy. The pass marks
in ``solutions/<ex>/checks.py`` must sit below the worst seed.

    make install
    DEEPGRADE_DATA=../shared/data .venv/bin/python benchmarks/keras_grading.py \\
        [--seeds 0,1,2] [--exercises ex05_mlp,ex06_cnn,ex07_lstm] [--write docs/keras-grading.md]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.course import Course  # noqa: E402
from autograder.kinds import kind_of  # noqa: E402
from autograder.load import load_program  # noqa: E402
from autograder.plan import hidden_plans, public_plans  # noqa: E402
from autograder.student import open_student  # noqa: E402
from autograder.quiet import QUIET_ENV  # noqa: E402

EXERCISES = ("ex05_mlp", "ex06_cnn", "ex07_lstm")
#: The Markdown below this line is written by hand and kept when the measurements are rewritten.
KEEP_MARK = "<!-- written by hand below: benchmarks/keras_grading.py keeps it -->"


def tensorflow_import_seconds() -> float:
    """One TensorFlow import in a fresh, quiet process (what every grading pays once)."""
    code = "import time; t = time.perf_counter(); import tensorflow, keras; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, **QUIET_ENV}, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def grade_once(name: str, seed: int) -> dict:
    course = Course(ROOT)
    exercise = course.exercise(name)
    plans = public_plans(exercise) + hidden_plans(exercise)
    for plan in plans:
        if hasattr(plan, "training"):  # model checks; value checks of the same exercise are unchanged
            plan.training = dataclasses.replace(plan.training, seed=seed)
    started = time.perf_counter()
    with open_student(load_program(exercise.solution_notebook), plans) as student:
        results = [kind_of(plan).judge(plan, student) for plan in plans]
    total = time.perf_counter() - started
    by_split = {r.details.accuracy.split: r.details.accuracy for r in results if r.details.accuracy is not None}
    train = next(r.details.training.seconds for r in results if r.details.training is not None)
    learning = next((r.details.learning for r in results if r.details.learning is not None), None)
    nan = float("nan")
    return {"exercise": name, "seed": seed, "total": total, "train": train,
            "real": learning.accuracy if learning is not None and learning.accuracy is not None else nan,
            "relabelled": (learning.relabelled_accuracy if learning is not None
                           and learning.relabelled_accuracy is not None else nan),
            "validation": by_split["validation"].accuracy, "test": by_split["test"].accuracy,
            "pass_at": by_split["test"].pass_at, "zero_at": by_split["test"].zero_at,
            "points": sum(r.points for r in results), "max_points": sum(r.max_points for r in results)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--exercises", default=",".join(EXERCISES))
    parser.add_argument("--write", help="also write the results as Markdown to this file")
    args = parser.parse_args()

    tf_import = statistics.median(tensorflow_import_seconds() for _ in range(3))
    rows = []
    header = (f"{'exercise':10} {'seed':>4} {'train s':>8} {'total s':>8} {'overhead s':>10} "
              f"{'beyond TF import':>16} {'val acc':>8} {'test acc':>8} {'relabelled':>10} {'gap':>6} {'points':>7}")
    print(f"TensorFlow import (median of 3): {tf_import:.2f} s\n{header}", flush=True)
    for name in args.exercises.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            row = grade_once(name, seed)
            # two trainings (real labels, then relabelled classes), each in its own process
            row["overhead"] = row["total"] - 2 * row["train"]
            row["beyond_import"] = row["overhead"] - 2 * tf_import
            rows.append(row)
            print(f"{name:10} {seed:4d} {row['train']:8.1f} {row['total']:8.1f} {row['overhead']:10.1f} "
                  f"{row['beyond_import']:16.1f} {row['validation']:8.3f} {row['test']:8.3f} "
                  f"{row['relabelled']:10.3f} {row['real'] - row['relabelled']:+6.3f} "
                  f"{row['points']:g}/{row['max_points']:g}", flush=True)
    if args.write:
        write_markdown(Path(args.write), rows, tf_import)
        print(f"wrote {args.write}")


def write_markdown(path: Path, rows: list[dict], tf_import: float) -> None:
    lines = [
        "# Grading the Keras references: time and accuracy over seeds",
        "",
        f"Measured by `benchmarks/keras_grading.py` on {platform.machine()} Linux, "
        f"{os.cpu_count()} CPU cores, Python {platform.python_version()}, CPU only "
        "(`tensorflow-cpu`, `TF_ENABLE_ONEDNN_OPTS=0` as in grading). Each row grades the reference "
        "notebook with every check, public and hidden, as `deepgrade check --hidden` does: the "
        "student's function trains twice (the real labels, then, in a fresh process, the classes "
        "relabelled for the learning check). *total* is the whole grading, *train* one training "
        "call, *overhead* the rest beyond the two trainings (two worker starts and TensorFlow "
        "imports, sending the data, predicting, judging), and *beyond TF import* the overhead less "
        f"two TensorFlow imports ({tf_import:.2f} s each, median of 3 fresh imports). *relabelled* is "
        "the held-out accuracy of the second training against the relabelled classes; *gap* the "
        "held-out accuracy on the real labels less that.",
        "",
        "| exercise | seed | train s | total s | overhead s | beyond TF import s | validation acc | held-out acc "
        "| relabelled acc | gap | points |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['exercise']} | {r['seed']} | {r['train']:.1f} | {r['total']:.1f} | {r['overhead']:.1f} | "
                     f"{r['beyond_import']:.1f} | {r['validation']:.3f} | {r['test']:.3f} | "
                     f"{r['relabelled']:.3f} | {r['real'] - r['relabelled']:+.3f} | "
                     f"{r['points']:g}/{r['max_points']:g} |")
    lines += ["", "## Marks against the measurements", "",
              "| exercise | worst validation | worst held-out | pass mark | zero mark | worst relabelled "
              "| largest gap | learning: max gap, min accuracy | slowest training | budget |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    course = Course(ROOT)
    for name in dict.fromkeys(r["exercise"] for r in rows):
        mine = [r for r in rows if r["exercise"] == name]
        training = next(c.training for c in course.exercise(name).checks() if hasattr(c, "training"))
        rule = training.learning
        declared = f"{rule.max_gap:.2f}, {rule.min_accuracy:.2f}" if rule else "-"
        lines.append(f"| {name} | {min(r['validation'] for r in mine):.3f} | {min(r['test'] for r in mine):.3f} | "
                     f"{mine[0]['pass_at']:.2f} | {mine[0]['zero_at']:.2f} | "
                     f"{min(r['relabelled'] for r in mine):.3f} | {max(r['real'] - r['relabelled'] for r in mine):+.3f} | "
                     f"{declared} | {max(r['train'] for r in mine):.1f} s | {training.budget:g} s |")
    kept = path.read_text().split(KEEP_MARK, 1)[1] if path.is_file() and KEEP_MARK in path.read_text() else "\n"
    path.write_text("\n".join(lines) + "\n\n" + KEEP_MARK + kept)


if __name__ == "__main__":
    main()
