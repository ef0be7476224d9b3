"""Benchmark: grade a generated class with `deepgrade grade`, and the same class with
`nbgrader autograde`, in the same run.

The class: STUDENTS students, each handing in notebooks for EXERCISES, a mix of
correct answers, typical mistakes, untouched stubs and hostile code (endless
loop, os._exit, an output flood; no memory hog: nbgrader's kernels have no
memory limit and the machine is shared). Prints submissions per minute,
the grader's overhead per submission (median wall time of grading a correct
submission, whose own code takes microseconds), and the ratio to nbgrader.

    python benchmarks/grade_class.py [--students 30] [--workers 2] [--no-nbgrader] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.course import Course  # noqa: E402
from autograder.release.fill import fill_notebook, write_notebook  # noqa: E402

EXERCISES = ["ex01_sigmoid", "ex03_decision_boundary"]
TIMEOUT = 10  # seconds per check (deepgrade) and per cell (nbgrader)

WRONG = {
    "ex01_sigmoid": {"predict-no-hidden": "def predict_no_hidden(X, W, b):\n    return sigmoid(X @ W)\n"},
    "ex03_decision_boundary": {"decision-boundary": "def decision_boundary(b0, b1, b2):\n    return (-b1 / b2, -b0 / b2)\n"},
}
ANSWER = {"ex01_sigmoid": "predict-no-hidden", "ex03_decision_boundary": "decision-boundary"}
HOSTILE = {
    "loop": "def {f}(*a):\n    while True:\n        pass\n",
    "exit": "import os\ndef {f}(*a):\n    os._exit(3)\n",
    "flood": "import sys\nfor _ in range(20000):\n    print('x' * 500)\ndef {f}(*a):\n    return None\n",
}
FUNCTION = {"ex01_sigmoid": "predict_no_hidden", "ex03_decision_boundary": "decision_boundary"}


def kind_of(i: int) -> str:
    """About half right, a quarter wrong, some stubs, one of each hostile kind (cycling)."""
    cycle = ["ok", "ok", "wrong", "ok", "stub", "ok", "wrong", "hostile"]
    return cycle[i % len(cycle)]


def make_class(folder: Path, students: int) -> dict[str, int]:
    course = Course(ROOT)
    counts: dict[str, int] = {}
    hostile = list(HOSTILE)
    for i in range(students):
        kind = kind_of(i)
        student = f"student{i:02d}"
        for ex_name in EXERCISES:
            ex = course.exercise(ex_name)
            if kind == "ok":
                nb = fill_notebook(ex.student_notebook, ex.solution_notebook)
            elif kind == "wrong":
                nb = fill_notebook(ex.student_notebook, ex.solution_notebook, WRONG[ex_name])
            elif kind == "stub":
                nb = fill_notebook(ex.student_notebook)
            else:
                h = hostile[(i // 8) % len(hostile)]
                kind = f"hostile:{h}"
                nb = fill_notebook(ex.student_notebook, ex.solution_notebook,
                                   {ANSWER[ex_name]: HOSTILE[h].format(f=FUNCTION[ex_name])})
            write_notebook(nb, folder / student / ex_name / f"{ex_name}.ipynb")
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def run_deepgrade(klass: Path, out: Path, workers: int, sandbox: str = "auto") -> dict:
    env = {**os.environ, "DEEPGRADE_OFFLINE": "1"}
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", str(klass), "--out", str(out),
                           "--workers", str(workers), "--timeout", str(TIMEOUT), "--sandbox", sandbox,
                           "--course", str(ROOT), "--no-cache"],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"deepgrade grade failed:\n{proc.stderr[-3000:]}")
    records = json.loads((out / "results.json").read_text())["submissions"]
    correct = [r["seconds"] for r in records if r["score"] == r["max_score"] and r.get("seconds")]
    sandbox_line = next((l for l in proc.stderr.splitlines() if "sandbox:" in l), "")
    return {"wall": wall, "n": len(records), "per_min": 60 * len(records) / wall,
            "overhead": statistics.median(correct) if correct else float("nan"),
            "points": {(r["student"], r["exercise"]): r["score"] for r in records}, "sandbox": sandbox_line}


#: ``nbgrader autograde`` as it ran before deepgrade took grading out of the kernel: nbgrader's
#: own Execute step (a kernel of the grading account), each test cell's grade() in it.
KERNEL_CHAIN = """
from nbgrader.converters import Autograde
from autograder.nbgrader.preprocessors import SkipGradingOnlyCells
c.Autograde.autograde_preprocessors = [SkipGradingOnlyCells,
                                       *Autograde.class_traits()["autograde_preprocessors"].default()]
"""


def run_nbgrader(klass: Path, work: Path, mode: str = "sandbox") -> dict:
    """nbgrader's own round trip: generate the assignment, copy the submissions, autograde.
    ``mode`` "sandbox" is the course's nbgrader_config.py; "kernel" the chain before it."""
    from autograder.nbgrader.roundtrip import export_grades, scores

    nbgrader = shutil.which("nbgrader", path=str(Path(sys.executable).parent)) or shutil.which("nbgrader")
    if nbgrader is None:
        return {"error": "nbgrader is not installed"}
    shutil.copytree(ROOT / "solutions", work / "solutions")
    shutil.copy(ROOT / "nbgrader_config.py", work / "nbgrader_config.py")
    if mode == "kernel":
        with open(work / "nbgrader_config.py", "a") as config:
            config.write(KERNEL_CHAIN)
    env = {**os.environ, "DEEPGRADE_OFFLINE": "1", "PYTHONPATH": str(ROOT),
           "PATH": f"{Path(nbgrader).parent}{os.pathsep}{os.environ.get('PATH', '')}"}  # nbgrader runs alembic
    for ex in EXERCISES:
        subprocess.run([nbgrader, "generate_assignment", ex, "--force"], cwd=work, env=env, check=True,
                       capture_output=True)
    shutil.copytree(klass, work / "submitted")
    t = time.perf_counter()
    failures = 0
    for ex in EXERCISES:
        proc = subprocess.run([nbgrader, "autograde", ex, "--force",
                               f"--ExecutePreprocessor.timeout={TIMEOUT}"],
                              cwd=work, env=env, capture_output=True, text=True)
        failures += proc.returncode != 0
    wall = time.perf_counter() - t
    graded = len(list((work / "autograded").glob("*/*/*.ipynb")))
    cwd = os.getcwd()
    try:
        os.chdir(work)
        points = {k: v[0] for k, v in scores(export_grades(work)).items()}
    except Exception:  # noqa: BLE001 - a failed export is reported, not fatal
        points = {}
    finally:
        os.chdir(cwd)
    return {"wall": wall, "n": graded, "per_min": 60 * graded / wall, "failures": failures,
            "per_notebook": wall / max(graded, 1), "points": points}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-nbgrader", action="store_true")
    parser.add_argument("--markdown", help="also write the results as a Markdown table to this file")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="deepgrade-bench-"))
    try:
        klass = base / "class"
        counts = make_class(klass, args.students)
        n = sum(counts.values())
        print(f"class: {args.students} students x {len(EXERCISES)} exercises = {n} notebooks: "
              + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        rows = []
        one = run_deepgrade(klass, base / "out1", 1)
        rows.append(("deepgrade grade, 1 worker", one))
        par = run_deepgrade(klass, base / "outN", args.workers)
        rows.append((f"deepgrade grade, {args.workers} workers", par))
        plain = run_deepgrade(klass, base / "outR", args.workers, sandbox="rlimits")
        rows.append((f"deepgrade grade, {args.workers} workers, no sandbox (rlimits only)", plain))
        assert one["points"] == par["points"], "parallel grading changed a score"
        try:
            nb = None if args.no_nbgrader else run_nbgrader(klass, base / "nbgrader")
            before = None if args.no_nbgrader else run_nbgrader(klass, base / "nbgrader-kernel", "kernel")
        except (subprocess.CalledProcessError, OSError) as exc:
            nb = {"error": f"{exc} {getattr(exc, 'stderr', b'') or b''!r}"[-500:]}
            before = None
        lines = [f"machine: {platform.node()}, {os.cpu_count()} CPUs (shared with other jobs), "
                 f"Python {platform.python_version()}", one["sandbox"], "",
                 "| run | submissions | wall s | submissions/min | overhead per submission s |",
                 "|---|---|---|---|---|"]
        for name, r in rows:
            lines.append(f"| {name} | {r['n']} | {r['wall']:.1f} | {r['per_min']:.0f} | {r['overhead']:.3f} |")
        if nb and "error" not in nb:
            lines.append(f"| nbgrader autograde (1 process), graded in the sandbox | {nb['n']} | {nb['wall']:.1f} "
                         f"| {nb['per_min']:.0f} | - |")
            if before:
                lines.append(f"| nbgrader autograde (1 process), before: a kernel runs the notebook | "
                             f"{before['n']} | {before['wall']:.1f} | {before['per_min']:.0f} | - |")
            lines.append("")
            lines.append(f"ratio, same run: deepgrade ({args.workers} workers) grades "
                         f"{par['per_min'] / nb['per_min']:.1f}x as many submissions per minute as nbgrader "
                         f"autograde; with 1 worker {one['per_min'] / nb['per_min']:.1f}x."
                         + (f" (nbgrader exited non-zero {nb['failures']} time(s).)" if nb["failures"] else ""))
            if before:
                lines.append(f"nbgrader autograde seconds per notebook: {before['per_notebook']:.2f} before "
                             f"(kernel; exited non-zero {before['failures']} time(s)), "
                             f"{nb['per_notebook']:.2f} now (sandbox)")
                same = {k for k in nb["points"] if before["points"].get(k) == nb["points"][k]}
                lines.append(f"same points before and now: {len(same)} of {len(nb['points'])} notebooks"
                             + (f"; differ: {sorted(set(nb['points']) - same)[:8]}" if len(same) < len(nb["points"]) else ""))
            deep = {(s, e): p for (s, e), p in par["points"].items()}
            agree = sum(1 for k, v in nb["points"].items() if deep.get(k) == v)
            lines.append(f"nbgrader autograde (sandbox) agrees with deepgrade grade on {agree} of "
                         f"{len(nb['points'])} notebooks")
        elif nb:
            lines.append(f"nbgrader: {nb['error']}")
        text = "\n".join(lines)
        print(text)
        if args.markdown:
            Path(args.markdown).write_text(text + "\n")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
