"""Gradescope's own autograder: ``deepgrade gradescope build OUT.zip`` writes the archive a
Gradescope programming assignment takes, and ``run_autograder`` in it grades a submission there.

Gradescope's autograder specification: the archive is unpacked into ``/autograder/source``;
``setup.sh`` runs once (as root, Ubuntu) when the image is built; for each submission Gradescope
puts the student's files into ``/autograder/submission``, runs ``/autograder/run_autograder``
(our ``run_autograder``, copied there) and reads ``/autograder/results/results.json``.

``run_autograder`` runs ``deepgrade check --hidden --format json`` on each exercise's file, so
a submission is graded there exactly as on the instructor's machine: in the sandbox, with the
hidden checks, and the same verdicts; this module only turns that JSON into Gradescope's.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

from ..report.gradescope import gradescope_results
from ..results import Record
from ..score import ExerciseResult
from .names import SUFFIXES, counter, exercise_in

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, in /autograder/source, when it builds the autograder's image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# bubblewrap: the sandbox student code runs in (without user namespaces deepgrade falls back and says so)
apt-get install -y -qq python3 python3-venv python3-pip bubblewrap >/dev/null
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet --upgrade pip
# deepgrade{extras_note}
/autograder/venv/bin/pip install --quiet "/autograder/source{extras}"
# the hidden checks, the reference solutions and the data are root's alone: where no sandbox can
# hide them (no user namespaces), the student's code runs as an unprivileged user of its own
chmod -R go-rwx /autograder/source/solutions /autograder/source/data 2>/dev/null || true
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission: the student's files are in /autograder/submission,
# the results go to /autograder/results/results.json.
set -u
ROOT="${{DEEPGRADE_AUTOGRADER_ROOT:-/autograder}}"
PY="${{DEEPGRADE_PYTHON:-$ROOT/venv/bin/python}}"
cd "$ROOT/source"
export DEEPGRADE_DATA="$ROOT/source/data" DEEPGRADE_COURSE="$ROOT/source"
exec "$PY" -m autograder.lms.gradescope run --root "$ROOT" {exercises}
"""

#: The course's files the archive carries (beside the grader's own package).
PROJECT = ("autograder", "datasets", "pyproject.toml", "README.md", "deepgrade.toml")


def _add_tree(zf: zipfile.ZipFile, path: Path, arcname: str) -> None:
    if path.is_file():
        zf.write(path, arcname)
        return
    for p in sorted(path.rglob("*")):
        parts = p.relative_to(path).parts
        if p.is_file() and not any(x in ("__pycache__", ".ipynb_checkpoints") or x.startswith(".") for x in parts):
            zf.write(p, f"{arcname}/{'/'.join(parts)}")


def _script(zf: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, time.localtime()[:6])
    info.external_attr = (stat.S_IFREG | 0o755) << 16
    zf.writestr(info, text)


def build_archive(course: Any, target: Path, exercises: list[str], data_dir: Path | None,
                  keras: bool) -> list[str]:
    """Write the autograder archive for ``exercises``; returns its member names. ``keras``:
    some exercise trains models (setup.sh installs TensorFlow for CPU)."""
    root = Path(course.root)
    extras = "[keras]" if keras else ""
    note = " and TensorFlow for CPU (tensorflow-cpu, keras)" if keras else " (NumPy exercises: no TensorFlow)"
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        _script(zf, "setup.sh", SETUP.format(extras=extras, extras_note=note))
        _script(zf, "run_autograder", RUN.format(exercises=" ".join(f"--exercise {e}" for e in exercises)))
        package = Path(__file__).resolve().parents[2]  # the grader's own source tree
        for name in PROJECT:
            for base in (root, package):
                if (base / name).exists():
                    _add_tree(zf, base / name, name)
                    break
        for e in exercises:
            _add_tree(zf, root / "solutions" / e, f"solutions/{e}")
            _add_tree(zf, root / "exercises" / e, f"exercises/{e}")
        if (root / "exercises" / "tasks.py").is_file():
            zf.write(root / "exercises" / "tasks.py", "exercises/tasks.py")
        if data_dir is not None and data_dir.is_dir():
            _add_tree(zf, data_dir, "data")
        return zf.namelist()


def _submission_for(folder: Path, exercise: str) -> Path | None:
    """The student's file for ``exercise`` among what they uploaded: named after it (a browser's
    ``(1)`` counted as newer), notebooks before modules."""
    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in SUFFIXES
             and exercise_in(p.stem, [exercise])]
    if not files:
        return None
    return max(files, key=lambda p: (p.stem == exercise or counter(p.stem) > 0, counter(p.stem),
                                     p.suffix == ".ipynb", p.stat().st_mtime))


def _not_handed(exercise: str) -> Record:
    return Record(student="", result=ExerciseResult(
        exercise=exercise, notes=[f"no file for {exercise} was handed in: upload {exercise}.ipynb"]))


def combine(results: list[Record]) -> dict[str, Any]:
    """One Gradescope results.json from several exercises' records."""
    parts = [gradescope_results(r) for r in results]
    return {"score": round(sum(p["score"] for p in parts), 4),
            "execution_time": round(sum(p["execution_time"] or 0 for p in parts), 3),
            "output": "\n".join(p["output"] for p in parts if p["output"]),
            "visibility": "visible", "stdout_visibility": "hidden",
            "tests": [t for p in parts for t in p["tests"]]}


def run(root: Path, exercises: list[str]) -> dict[str, Any]:
    """Grade ``root/submission`` (Gradescope's layout) and write ``root/results/results.json``."""
    results = []
    for exercise in exercises:
        started = time.monotonic()
        path = _submission_for(root / "submission", exercise)
        if path is None:
            results.append(_not_handed(exercise))
            continue
        proc = subprocess.run([sys.executable, "-m", "autograder.cli", "check", str(path), "--exercise", exercise,
                               "--hidden", "--format", "json"], capture_output=True, text=True,
                              env=dict(os.environ))
        try:
            result = ExerciseResult.from_json(json.loads(proc.stdout))
        except (ValueError, KeyError, TypeError):  # a usage error (an unreadable notebook): said, 0 points
            why = (proc.stderr.strip().splitlines() or ["the grader could not read the submission"])[-1]
            result = ExerciseResult(exercise=exercise, notes=[why])
        results.append(Record(student="", result=result, seconds=round(time.monotonic() - started, 3)))
    out = combine(results)
    target = root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.lms.gradescope")
    sub = parser.add_subparsers(dest="command", required=True)
    go = sub.add_parser("run", help="grade /autograder/submission into /autograder/results/results.json")
    go.add_argument("--root", default="/autograder")
    go.add_argument("--exercise", action="append", required=True)
    args = parser.parse_args(argv)
    run(Path(args.root), args.exercise)
    return 0


if __name__ == "__main__":
    sys.exit(main())
