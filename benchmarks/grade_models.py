"""Benchmark: model submissions graded by `deepgrade grade`, fresh processes against pre-warmed.

A class of STUDENTS students each handing in the ex05_mlp reference (public checks: one
training per submission), graded in the bwrap sandbox four ways in one run: fresh
processes and pre-warmed (forked from one TensorFlow process per slot), each with 1 and 2
workers. For each it reports the wall time, the submissions per minute, the median
overhead per submission beyond the student's own training (the record's seconds less
the training seconds the architecture check reports), and the ratio of the students'
training time to wall time x workers (1.0 would be every slot training all the time).

    python benchmarks/grade_models.py [--students 6] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.batch.runner import Options, run_batch  # noqa: E402
from autograder.course import Course  # noqa: E402
from autograder.release.fill import fill_notebook, write_notebook  # noqa: E402

EXERCISE = "ex05_mlp"


def make_class(folder: Path, students: int) -> None:
    exercise = Course(ROOT).exercise(EXERCISE)
    nb = fill_notebook(exercise.student_notebook, exercise.solution_notebook)
    for i in range(students):
        write_notebook(nb, folder / f"student{i:02d}" / EXERCISE / f"{EXERCISE}.ipynb")


def run(klass: Path, out: Path, workers: int, prewarm: bool) -> dict:
    started = time.monotonic()
    said: list[str] = []
    batch = run_batch(Course(ROOT), klass, out, Options(workers=workers, hidden=False, device="cpu",
                                                        exercises=[EXERCISE], use_cache=False, prewarm=prewarm),
                      log=said.append)
    wall = time.monotonic() - started
    overheads, trainings = [], []
    for record in batch.records:
        checks = {c.name: c for c in record.result.checks}
        training = checks["mlp_architecture"].details.training
        assert training is not None and training.seconds is not None
        train = training.seconds
        trainings.append(train)
        overheads.append((record.seconds or 0.0) - train)
        assert record.raw_score == record.max_score, record
    return {"wall": wall, "n": len(batch.records), "overhead": statistics.median(overheads),
            "overhead_range": (min(overheads), max(overheads)), "train": statistics.median(trainings),
            "ratio": sum(trainings) / (wall * workers), "said": said}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--markdown", help="also write the results as a Markdown table to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deepgrade-bench-") as tmp:
        klass = Path(tmp) / "class"
        make_class(klass, args.students)
        rows = []
        for workers in (1, 2):
            for prewarm in (False, True):
                result = run(klass, Path(tmp) / f"out-{workers}-{prewarm}", workers, prewarm)
                rows.append((workers, prewarm, result))
                print(f"workers {workers}, {'pre-warmed' if prewarm else 'fresh'}: {result}", flush=True)
    load = os.getloadavg()
    lines = [f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
             f"load average after the run {load[0]:.1f}",
             "",
             "| run | submissions | wall s | submissions/min | training s (median) | overhead beyond training s "
             "(median, range) | training / (wall x workers) |",
             "|---|---|---|---|---|---|---|"]
    for workers, prewarm, r in rows:
        lo, hi = r["overhead_range"]
        lines.append(f"| {workers} worker(s), {'pre-warmed' if prewarm else 'fresh processes'} | {r['n']} | "
                     f"{r['wall']:.1f} | {60 * r['n'] / r['wall']:.1f} | {r['train']:.2f} | "
                     f"{r['overhead']:.2f} ({lo:.2f}-{hi:.2f}) | {r['ratio']:.2f} |")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")


if __name__ == "__main__":
    main()
