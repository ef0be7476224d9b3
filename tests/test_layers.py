"""The import contracts in pyproject.toml hold, and they do fail on an upward import or a new cycle.

Each case runs ``lint-imports`` on a copy of the package in a temporary folder, with one
import planted, so the check is shown to catch what it is there for.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), str(root / "pyproject.toml"), "--no-cache"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "autograder", tmp_path / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _plant(module: Path, line: str) -> None:
    module.write_text(module.read_text() + f"\n\ndef _planted():\n    {line}\n")


def test_the_package_keeps_its_contracts(copy):
    proc = _lint(copy)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 kept, 0 broken" in proc.stdout


def test_an_upward_import_breaks_the_layers(copy):
    # score is the bottom layer; report sits above it and renders scores
    _plant(copy / "autograder" / "score.py", "from .report import format_result  # noqa")
    proc = _lint(copy)
    assert proc.returncode != 0
    assert "Layers: front ends on top" in proc.stdout and "BROKEN" in proc.stdout
    assert "autograder.score -> autograder.report" in proc.stdout


def test_a_cycle_inside_one_package_breaks_the_cycle_contract(copy):
    # submission imports backends; backends importing submission back is a cycle within isolate/,
    # which the layers contract (between packages) cannot see
    _plant(copy / "autograder" / "isolate" / "backends.py", "from .submission import submission_files  # noqa")
    proc = _lint(copy)
    assert proc.returncode != 0
    assert "No import cycles among the modules of any package BROKEN" in proc.stdout.replace("\n", " ")
    assert "autograder.isolate" in proc.stdout and "- .backends -> .submission (1 import)" in proc.stdout
