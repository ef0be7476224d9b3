"""Measure the code half of the integrity report on generated classes; write its baseline.

For every exercise this generates classes (:mod:`autograder.integrity.synthetic`:
independent right and wrong answers, each student with cells of their own or
none, and planted copies disguised by renamed variables, reordered cells,
changed comments, or all three), compares every pair as the report does, and
records the most evidence an independent pair reached and the least a planted
pair did (:attr:`autograder.integrity.code.CodeMatch.evidence`). The flag of
each exercise (``min_evidence``) is set above the most alike independent pair,
and written to
``autograder/integrity/code_baseline.json``; the table goes into docs/integrity.md.

    .venv/bin/python benchmarks/integrity_code.py [--sizes 40,300] [--seeds 3] [--exercises ...]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.course import Course  # noqa: E402
from autograder.integrity.baseline import CODE_BASELINE_FILE  # noqa: E402
from autograder.integrity.code import Release, compare_code, read_student_code  # noqa: E402
from autograder.integrity.report import exercise_release  # noqa: E402
from autograder.integrity.synthetic import generate_class  # noqa: E402

#: The flag sits this far above the most alike independent pair (in evidence: about two shared
#: fingerprints of a copy).
MARGIN = 2.0


def measure(name: str, size: int, seed: int, folder: Path) -> dict:
    course = Course(ROOT)
    exercise = course.exercise(name)
    release: Release = exercise_release(exercise)
    made = generate_class(exercise.student_notebook, exercise.solution_notebook, students=size,
                          copies=max(8, size // 10), seed=seed, keep=set(release.kept))
    where = folder / f"{name}-{size}-{seed}"
    made.write(where)
    started = time.perf_counter()
    codes = {s.name: read_student_code(where / s.name / name / f"{name}.ipynb", release) for s in made.students}
    pairs = compare_code(codes)
    seconds = time.perf_counter() - started
    planted = made.planted
    copies = {s.name: s.disguise for s in made.students if s.copied_from}
    independent = [p for p in pairs if (p.a, p.b) not in planted]
    found = [p for p in pairs if (p.a, p.b) in planted]
    missing = len(planted) - len(found)
    n = len(made.students)
    by_disguise: dict[str, int] = {}
    for p in found:
        how = copies.get(p.b) or copies.get(p.a) or ""
        by_disguise[how] = min(by_disguise.get(how, 10.0**9), p.evidence)
    return {"exercise": name, "size": n, "seed": seed, "pairs": n * (n - 1) // 2 - len(planted),
            "planted": len(planted),
            "independent_max": max((p.evidence for p in independent), default=0.0),
            "independent_evidence": [p.evidence for p in independent],
            "planted_min": min((p.evidence for p in found), default=0.0) if not missing else 0.0,
            "planted_evidence": [p.evidence for p in found] + [0.0] * missing,
            "planted_min_by_disguise": by_disguise, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="40,300")
    parser.add_argument("--seeds", type=int, default=3, help="classes per size (seeds 0..N-1)")
    parser.add_argument("--exercises", default=",".join(Course(ROOT).exercise_names))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="deepgrade-integrity-") as tmp:
        for name in args.exercises.split(","):
            for size in (int(s) for s in args.sizes.split(",")):
                for seed in range(args.seeds if size <= 100 else 1):
                    row = measure(name, size, seed, Path(tmp))
                    rows.append(row)
                    print(f"{name:24} {row['size']:4d} seed {seed}: independent max {row['independent_max']:5.1f}; "
                          f"planted min {row['planted_min']:5.1f}; {row['seconds']:.1f} s", flush=True)
    baseline = {"measured": (f"{datetime.date.today()} by benchmarks/integrity_code.py on {platform.machine()} "
                             f"Linux, {os.cpu_count()} CPU cores, Python {platform.python_version()}"),
                "exercises": {}}
    for name in dict.fromkeys(r["exercise"] for r in rows):
        mine = [r for r in rows if r["exercise"] == name]
        evidence = [e for r in mine for e in r["independent_evidence"]]
        highest = max(r["independent_max"] for r in mine)
        pairs = sum(r["pairs"] for r in mine)
        disguises = sorted({h for r in mine for h in r["planted_min_by_disguise"]})
        baseline["exercises"][name] = {
            "min_evidence": round(highest + MARGIN, 1),
            "independent": {"pairs": pairs, "max_evidence": round(highest, 2),
                            "mean_evidence": round(sum(evidence) / max(1, pairs), 4),
                            "classes": [[r["size"], r["seed"]] for r in mine]},
            "planted": {"pairs": sum(r["planted"] for r in mine),
                        "min_evidence": round(min(r["planted_min"] for r in mine), 2),
                        "min_by_disguise": {how: round(min(r["planted_min_by_disguise"].get(how, 10.0**9)
                                                           for r in mine), 2)
                                            for how in disguises}},
            "seconds_median": round(statistics.median(r["seconds"] for r in mine), 3)}
        flag = baseline["exercises"][name]["min_evidence"]
        baseline["exercises"][name]["found"] = {
            str(size): [sum(e >= flag for r in mine if r["size"] == size for e in r["planted_evidence"]),
                        sum(r["planted"] for r in mine if r["size"] == size)]
            for size in sorted({r["size"] for r in mine})}
    if not args.no_write:
        (ROOT / CODE_BASELINE_FILE).write_text(json.dumps(baseline, indent=1, sort_keys=True) + "\n")
        print(f"wrote {ROOT / CODE_BASELINE_FILE}")
    for name, m in baseline["exercises"].items():
        print(f"{name:24} flag from {m['min_evidence']:5.1f}; independent max {m['independent']['max_evidence']:5.1f}"
              f" over {m['independent']['pairs']:,} pairs; planted min {m['planted']['min_evidence']:5.1f} "
              f"({m['planted']['pairs']} pairs); found {m['found']}")


if __name__ == "__main__":
    main()
