"""Shared fixtures: the repository's course, and submissions written on the fly."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from autograder.course import Course

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def course() -> Course:
    return Course(ROOT)


@pytest.fixture
def submission(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a ``.py`` submission from source text and return its path."""
    def write(source: str, name: str = "submission.py") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(source))
        return path
    return write


@pytest.fixture
def student_copy(tmp_path: Path) -> Path:
    """What a student has: the release only (exercises/), no solutions/."""
    shutil.copytree(ROOT / "exercises", tmp_path / "course" / "exercises")
    return tmp_path / "course"
