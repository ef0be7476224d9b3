"""Gradescope's own autograder: the archive `deepgrade gradescope build` writes, and its
run_autograder run in a folder laid out as Gradescope's /autograder, for a right, a wrong and a
hostile submission: results.json valid against Gradescope's specification and equal to
`deepgrade check --hidden`. (setup.sh is checked, not run: nothing is installed here.)"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from autograder.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOOD = (ROOT / "tests" / "hostile" / "_good.py").read_text()
WRONG = GOOD.replace("sigmoid(X @ W + b)", "sigmoid(X @ W)")
HOSTILE = WRONG + """  # a wrong answer that tries to write its own marks
import os, json, pathlib
for up in pathlib.Path.cwd().parents:  # look for Gradescope's folders and the hidden checks
    for name in ("results/results.json", "source/solutions/ex01_sigmoid/checks.py"):
        target = up / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps({"score": 1000, "tests": []}))
        except OSError:
            pass
try:
    os.makedirs("/autograder/results", exist_ok=True)
    open("/autograder/results/results.json", "w").write('{"score": 1000}')
except OSError:
    pass
"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    target = tmp_path_factory.mktemp("gs") / "autograder.zip"
    assert main(["gradescope", "build", str(target), "--exercise", "ex01_sigmoid", "--course", str(ROOT),
                 "--data", str(ROOT.parent / "shared" / "data")]) == 0
    return target


def test_the_archive_holds_what_gradescope_runs(archive):
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
        scripts = {n: zf.getinfo(n) for n in ("setup.sh", "run_autograder")}
        setup = zf.read("setup.sh").decode()
        run = zf.read("run_autograder").decode()
    assert {"solutions/ex01_sigmoid/checks.py", "exercises/ex01_sigmoid/public_checks.json",
            "autograder/cli.py", "pyproject.toml"} <= names
    assert not any("ex05_mlp" in n for n in names)  # only the exercises asked for
    assert all((info.external_attr >> 16) & stat.S_IXUSR for info in scripts.values())
    assert setup.startswith("#!/usr/bin/env bash") and "bubblewrap" in setup
    assert 'pip install --quiet "/autograder/source"' in setup  # ex01 is NumPy: no TensorFlow
    assert "--exercise ex01_sigmoid" in run and "/autograder/results" in run
    subprocess.run(["bash", "-n", "-c", setup], check=True)
    subprocess.run(["bash", "-n", "-c", run], check=True)


def test_a_keras_exercise_installs_tensorflow_for_cpu(tmp_path):
    target = tmp_path / "mlp.zip"
    assert main(["gradescope", "build", str(target), "--exercise", "ex05_mlp", "--course", str(ROOT)]) == 0
    with zipfile.ZipFile(target) as zf:
        assert 'pip install --quiet "/autograder/source[keras]"' in zf.read("setup.sh").decode()


def gradescope_folder(tmp_path: Path, archive: Path, submission: str, name: str) -> Path:
    """/autograder as Gradescope lays it out: source (the archive), submission, results."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(root / "source")
    (root / "run_autograder").write_text((root / "source" / "run_autograder").read_text())
    (root / "submission").mkdir()
    (root / "submission" / name).write_text(submission)
    (root / "results").mkdir()
    return root


def check_spec(results: dict) -> None:
    """Gradescope's autograder results.json: types of every field it reads."""
    assert isinstance(results["score"], (int, float))
    assert isinstance(results["execution_time"], (int, float)) and isinstance(results["output"], str)
    assert results["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
    assert results["stdout_visibility"] in ("visible", "hidden", "after_due_date", "after_published")
    for test in results["tests"]:
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))


@pytest.mark.parametrize("kind,text", [("right", GOOD), ("wrong", WRONG), ("hostile", HOSTILE)])
def test_run_autograder_equals_check_hidden(tmp_path, archive, kind, text):
    root = gradescope_folder(tmp_path, archive, text, "ex01_sigmoid (1).py")
    env = {**os.environ, "DEEPGRADE_AUTOGRADER_ROOT": str(root), "DEEPGRADE_PYTHON": sys.executable}
    proc = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    check_spec(results)

    alone = tmp_path / "alone" / "ex01_sigmoid.py"
    alone.parent.mkdir()
    alone.write_text(text)
    direct = subprocess.run([sys.executable, "-m", "autograder.cli", "check", str(alone), "-e", "ex01_sigmoid",
                             "--hidden", "--format", "json", "--course", str(ROOT)], capture_output=True,
                            text=True, cwd=ROOT, timeout=300)
    expected = json.loads(direct.stdout)
    assert results["score"] == expected["score"]
    assert [(t["name"].split(": ", 1)[1], t["score"], t["status"]) for t in results["tests"]] == [
        (c["name"], c["points"], "passed" if c["passed"] else "failed") for c in expected["checks"]]
    maximum = sum(t["max_score"] for t in results["tests"])
    if kind == "right":
        assert results["score"] == maximum > 0
    else:
        assert results["score"] < maximum
    assert not (root / "source" / "solutions" / "ex01_sigmoid" / "checks.py").read_text().startswith('{"score"')


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to be another user")
def test_setup_leaves_the_hidden_checks_to_root(archive):
    """Where Gradescope's container has no user namespaces, the student's code runs as an
    unprivileged user beside a readable /autograder/source: setup.sh takes the hidden checks
    and the solutions out of its reach, and leaves the grader's own code readable."""
    base = Path(tempfile.mkdtemp(prefix="deepgrade-gs-"))
    try:
        base.chmod(0o755)
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(base / "source")
            setup = zf.read("setup.sh").decode()
        line = next(line for line in setup.splitlines() if line.startswith("chmod"))
        subprocess.run(["bash", "-c", line.replace("/autograder/", f"{base}/")], check=True)

        def read_as_student(path: Path) -> int:
            return subprocess.run(["setpriv", "--reuid=61999", "--regid=61999", "--clear-groups", "cat", str(path)],
                                  capture_output=True).returncode

        assert read_as_student(base / "source" / "solutions" / "ex01_sigmoid" / "checks.py") != 0
        assert read_as_student(base / "source" / "autograder" / "cli.py") == 0
    finally:
        shutil.rmtree(base)
