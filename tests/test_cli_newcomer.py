"""What a new user meets in the first hour with ``deepgrade``: the course is the one around the
working directory (or ``--course``) and is named; a mistake on the command line is one line and
exit 2, never a traceback; ``--version``; ``release --check`` says what it checked; a zip is graded;
``--workers`` defaults to the usable cores."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.cli import usable_cores

ROOT = Path(__file__).resolve().parents[1]
CLASS = ROOT / "examples" / "class"


def deepgrade(*argv: str, cwd: Path = ROOT, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DEEPGRADE_COURSE"}
    return subprocess.run([sys.executable, "-m", "autograder.cli", *argv], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def one_line_usage_error(proc: subprocess.CompletedProcess[str], text: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and text in lines[0], proc.stderr


def test_version():
    proc = deepgrade("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == "deepgrade 0.1.0"


@pytest.mark.parametrize("argv, text", [
    (["grade", "examples/class", "--out", "out-x", "--workers", "0"], "--workers/-j: must be at least 1, got 0"),
    (["grade", "examples/class", "--out", "out-x", "--workers", "two"], "expected a whole number, got 'two'"),
    (["grade", "examples/class"], "the following arguments are required: --out/-o"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["grade", "no-such-class", "--out", "out-x"], "no submissions folder (or download .zip) at no-such-class"),
    (["check", "examples/class/ada/ex01_sigmoid/ex01_sigmoid.ipynb", "-e", "ex01_sigmoid", "--course",
      "/nonexistent-course"], "/nonexistent-course"),
])
def test_a_command_line_mistake_is_one_line_and_exit_2(argv, text):
    one_line_usage_error(deepgrade(*argv), text)


def test_out_naming_a_file_is_a_usage_error(tmp_path):
    taken = tmp_path / "results.txt"
    taken.write_text("mine\n")
    one_line_usage_error(deepgrade("grade", str(CLASS), "--out", str(taken), "-e", "ex01_sigmoid"),
                         f"--out {taken} is a file, not a folder")
    assert taken.read_text() == "mine\n"
    one_line_usage_error(deepgrade("report", str(taken)), f"OUT {taken} is a file, not a folder")


def test_check_on_a_students_copy_uses_the_course_of_the_working_directory(tmp_path):
    # a student's copy of the release looks like a course (it has exercises/) but holds no solutions
    student = tmp_path / "student"
    shutil.copytree(ROOT / "exercises" / "ex01_sigmoid", student / "exercises" / "ex01_sigmoid")
    handed = student / "exercises" / "ex01_sigmoid" / "ex01_sigmoid.ipynb"
    shutil.copy(CLASS / "ada" / "ex01_sigmoid" / "ex01_sigmoid.ipynb", handed)
    proc = deepgrade("check", str(handed), "-e", "ex01_sigmoid", "--hidden")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ex01_sigmoid: 12/12 points" in proc.stdout
    assert f"course {ROOT} (from the working directory)" in proc.stdout
    # the student, in their own copy, checks against it (public checks only)
    proc = deepgrade("check", str(handed), "-e", "ex01_sigmoid", cwd=student)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"course {student} (from the working directory)" in proc.stdout


def test_outside_any_course_the_course_around_the_submission_is_used(tmp_path):
    proc = deepgrade("check", str(CLASS / "ada" / "ex04_nll" / "ex04_nll.ipynb"), "-e", "ex04_nll", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"course {ROOT} (from around {CLASS / 'ada' / 'ex04_nll'})" in proc.stdout


def test_release_check_says_what_it_checked():
    proc = deepgrade("release", "--check", "ex01_sigmoid", "ex04_nll")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("checked 2 exercises (ex01_sigmoid, ex04_nll): each student notebook and "
                                  "public_checks.json against solutions/")
    assert f"course {ROOT}" in proc.stdout and proc.stdout.rstrip().endswith("up to date")


def test_release_check_names_a_stale_file(tmp_path):
    course = tmp_path / "course"
    for part in ("solutions/ex01_sigmoid", "exercises/ex01_sigmoid"):
        shutil.copytree(ROOT / part, course / part)
    shutil.copy(ROOT / "exercises" / "tasks.py", course / "exercises" / "tasks.py")
    stale = course / "exercises" / "ex01_sigmoid" / "public_checks.json"
    stale.write_text(stale.read_text().replace("sigmoid", "sigmoid ", 1))
    proc = deepgrade("release", "--check", cwd=course)
    assert proc.returncode == 1
    assert "stale: exercises/ex01_sigmoid/public_checks.json" in proc.stdout
    assert "checked 1 exercise (ex01_sigmoid)" in proc.stderr and "1 file(s) out of date" in proc.stderr


def test_a_zip_is_graded_with_the_usable_cores_and_the_course_named(tmp_path):
    download = tmp_path / "submissions.zip"
    with zipfile.ZipFile(download, "w") as zf:
        for student in ("ada", "ben"):
            zf.write(CLASS / student / "ex01_sigmoid" / "ex01_sigmoid.ipynb",
                     f"{student}/ex01_sigmoid/ex01_sigmoid.ipynb")
    out = tmp_path / "out"
    proc = deepgrade("grade", str(download), "--out", str(out), "-e", "ex01_sigmoid")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    cores = usable_cores()
    assert cores == len(os.sched_getaffinity(0))
    assert f"{cores} worker{'' if cores == 1 else 's'}); course {ROOT} (from the working directory)" in proc.stdout
    scores = {(r["student"], r["exercise"]): r["score"]
              for r in json.loads((out / "results.json").read_text())["submissions"]}
    assert scores[("ada", "ex01_sigmoid")] == 12 and scores[("ben", "ex01_sigmoid")] < 12
