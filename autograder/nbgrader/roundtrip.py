"""Driving the real ``nbgrader`` command on a copy of the course.

Used by the round-trip test and by ``make nbgrader-demo`` (``python -m
autograder.nbgrader.roundtrip``): copy the course's source (solutions/ and
nbgrader_config.py) to a folder, ``nbgrader generate_assignment`` every
exercise, put submissions in nbgrader's ``submitted/<student>/<exercise>/``,
``nbgrader autograde``, ``nbgrader export`` to CSV and ``nbgrader
generate_feedback``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

#: The instructor's side of a course: its source, nbgrader's settings, and the data tasks (which the
#: release folder holds beside the exercises: students' self-checks need them too).
COURSE_FILES = ("solutions", "nbgrader_config.py", "exercises/tasks.py")


class NbgraderFailed(Exception):
    pass


def copy_course(root: Path, dest: Path) -> Path:
    """The instructor's side of the course (no release, no gradebook) in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        else:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def nbgrader_command() -> list[str]:
    script = Path(sys.executable).parent / "nbgrader"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "nbgrader"]


def nbgrader(course: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in the course folder; raise with its log when it fails."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    # nbgrader runs `alembic` (the gradebook's migrations) from PATH: use this environment's.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.pop("DEEPGRADE_COURSE", None)
    proc = subprocess.run([*nbgrader_command(), *args], cwd=course, capture_output=True, text=True,
                          timeout=timeout, env=env)
    if proc.returncode != 0:
        raise NbgraderFailed(f"nbgrader {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-4000:]}")
    return proc


def exercise_names(course: Path) -> list[str]:
    return sorted(p.parent.name for p in (course / "solutions").glob("*/checks.py"))


def release(course: Path, exercises: list[str] | None = None) -> None:
    for name in exercises or exercise_names(course):
        nbgrader(course, "generate_assignment", name, "--force")


def submit(course: Path, student: str, exercise: str, notebook: dict | Path) -> Path:
    """Put a student's notebook where ``nbgrader collect`` would: submitted/<student>/<exercise>/."""
    dest = course / "submitted" / student / exercise / f"{exercise}.ipynb"
    dest.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(notebook, Path):
        shutil.copy2(notebook, dest)
    else:
        dest.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    return dest


def autograde(course: Path, exercises: list[str]) -> None:
    for name in exercises:
        nbgrader(course, "autograde", name, "--force")


def export_grades(course: Path, to: str = "grades.csv") -> list[dict[str, str]]:
    nbgrader(course, "export", "--to", to)
    with open(course / to, newline="") as f:
        return list(csv.DictReader(f))


def generate_feedback(course: Path, exercises: list[str]) -> None:
    for name in exercises:
        nbgrader(course, "generate_feedback", name, "--force")


def scores(rows: list[dict[str, str]]) -> dict[tuple[str, str], tuple[float, float]]:
    """(student, exercise) -> (score, max score) from ``nbgrader export``'s CSV."""
    return {(r["student_id"], r["assignment"]): (float(r["score"]), float(r["max_score"])) for r in rows}


def class_round_trip(root: Path, examples: Path, work: Path,
                     say: Callable[[str], None] = lambda text: None) -> list[dict[str, str]]:
    """The example class through nbgrader: release, submit, autograde, export, feedback.
    ``say`` hears each step as it starts and how long the last one took."""
    started = time.monotonic()

    def step(text: str) -> None:
        say(f"[{time.monotonic() - started:5.0f} s] {text}")

    course = copy_course(root, work)
    step(f"nbgrader generate_assignment: every exercise, in {course}")
    nbgrader(course, "generate_assignment", "*", "--force")  # "*": every exercise, one nbgrader start
    handed = [(s.name, nb) for s in sorted(p for p in examples.iterdir() if p.is_dir())
              for nb in sorted(s.glob("*/*.ipynb"))]
    for student, nb in handed:
        submit(course, student, nb.parent.name, nb)
    students = len({s for s, _ in handed})
    step(f"nbgrader autograde: {len(handed)} notebooks of {students} students, each in the sandbox (the longest "
         "step: each model exercise trains twice, several minutes in all)")
    nbgrader(course, "autograde", "*", "--force")
    step("nbgrader export and generate_feedback")
    rows = export_grades(course)
    nbgrader(course, "generate_feedback", "*", "--force")
    step("done")
    return rows


def format_grades(rows: list[dict[str, str]]) -> str:
    lines = [f"{'student':<10}{'exercise':<26}{'points':>10}", "-" * 46]
    totals: dict[str, list[float]] = {}
    for r in sorted(rows, key=lambda r: (r["student_id"], r["assignment"])):
        score, top = float(r["score"]), float(r["max_score"])
        lines.append(f"{r['student_id']:<10}{r['assignment']:<26}{f'{score:g}/{top:g}':>10}")
        t = totals.setdefault(r["student_id"], [0.0, 0.0])
        t[0] += score
        t[1] += top
    lines.append("")
    lines += [f"{s}: {a:g}/{b:g} points" for s, (a, b) in totals.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from ..quiet import quiet_tensorflow

    quiet_tensorflow()
    parser = argparse.ArgumentParser(description="Grade the example class with the real nbgrader round trip.")
    parser.add_argument("--course", default=".", help="the course folder (default: here)")
    parser.add_argument("--examples", default="examples/class", help="<student>/<exercise>/<notebook> folders")
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    root = Path(args.course).resolve()
    examples = Path(args.examples)
    examples = examples if examples.is_absolute() else root / examples
    keep = Path(args.keep).resolve() if args.keep else None
    if keep is not None and keep.exists() and any(keep.iterdir()):
        if not ((keep / "nbgrader_config.py").is_file() and (keep / "solutions").is_dir()):
            print(f"nbgrader-demo: --keep {keep} is a folder with other files in it: give a new or an earlier "
                  "--keep folder", file=sys.stderr)
            return 2
        shutil.rmtree(keep)  # an earlier run's course copy: replaced
    with tempfile.TemporaryDirectory(prefix="deepgrade-nbgrader-") as tmp:
        work = keep or Path(tmp) / "course"
        try:
            rows = class_round_trip(root, examples, work, say=lambda text: print(text, flush=True))
        except NbgraderFailed as exc:
            print(f"nbgrader-demo: {exc}", file=sys.stderr)
            return 1
        print(f"\nnbgrader export ({work / 'grades.csv'}):\n" if keep else "\nnbgrader export:\n")
        print(format_grades(rows))
        if keep:
            print(f"\nkept in {work}: autograded/, feedback/, gradebook.db")
    return 0


if __name__ == "__main__":
    sys.exit(main())
