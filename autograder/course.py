"""Where a course's exercises live, and what each exercise is made of.

A course is a folder with ``solutions/<exercise>/`` (the instructor's source:
the solution notebook and ``checks.py``) and ``exercises/<exercise>/`` (the
student release: the notebook and ``public_checks.json``). A student's copy
has only ``exercises/``.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .spec import AnyCheck

if TYPE_CHECKING:
    from .tasks import Task

PUBLIC_CHECKS = "public_checks.json"
#: The course's data tasks, beside its exercises (``TASKS = [autograder.tasks.Task(...), ...]``).
TASKS_FILE = "tasks.py"
#: Optional course settings at the course's root. Today one setting:
#:
#:     [submissions]
#:     reject = ["*.h5", "*.keras", "data/*"]   # files handed in beside a notebook that the
#:                                              # grader never gives to the student's code
SETTINGS_FILE = "deepgrade.toml"


class CourseError(Exception):
    """The course or an exercise cannot be found; the message says what to do."""


@dataclass(frozen=True)
class Exercise:
    name: str
    course: Course

    @property
    def release_dir(self) -> Path:
        return self.course.exercises_dir / self.name

    @property
    def source_dir(self) -> Path:
        return self.course.solutions_dir / self.name

    @property
    def public_checks_path(self) -> Path:
        return self.release_dir / PUBLIC_CHECKS

    @property
    def student_notebook(self) -> Path:
        return self.release_dir / f"{self.name}.ipynb"

    @property
    def solution_notebook(self) -> Path:
        return self.source_dir / f"{self.name}.ipynb"

    @property
    def has_solution(self) -> bool:
        return (self.source_dir / "checks.py").is_file() and self.solution_notebook.is_file()

    def checks(self) -> list[AnyCheck]:
        """The instructor's check declarations (needs ``solutions/``)."""
        path = self.source_dir / "checks.py"
        if not path.is_file():
            raise CourseError(f"{self.name}: no {path}; hidden checks need the course's solutions/ folder")
        return list(_run_file(path, f"deepgrade_checks_{self.name}").CHECKS)


@lru_cache(maxsize=8)
def _declared_tasks(path: str, stamp: int) -> dict[str, Task]:
    """Read once per version of the file: a task's loaded data is cached by the task itself."""
    declared = _run_file(Path(path), f"deepgrade_tasks_{stamp}").TASKS
    return {t.name: t for t in declared}


def _run_file(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Course:
    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        self.exercises_dir = self.root / "exercises"
        self.solutions_dir = self.root / "solutions"

    @cached_property
    def settings(self) -> dict:
        """The course's ``deepgrade.toml`` (empty when there is none)."""
        import tomllib

        path = self.root / SETTINGS_FILE
        if not path.is_file():
            return {}
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise CourseError(f"{path} cannot be read: {exc}") from None

    @property
    def rejected_files(self) -> tuple[str, ...]:
        """Patterns (``fnmatch``, on the path relative to the submission's folder and on the
        file name) of files beside a submission that the grader does not accept."""
        reject = self.settings.get("submissions", {}).get("reject", [])
        if not isinstance(reject, list) or not all(isinstance(r, str) for r in reject):
            raise CourseError(f"{self.root / SETTINGS_FILE}: submissions.reject must be a list of patterns")
        return tuple(reject)

    @cached_property
    def tasks(self) -> dict[str, Task]:
        """The course's data tasks by name (``exercises/tasks.py``; none without it)."""
        path = self.exercises_dir / TASKS_FILE
        if not path.is_file():
            return {}
        return _declared_tasks(str(path), path.stat().st_mtime_ns)

    def task(self, name: str) -> Task:
        if name not in self.tasks:
            known = ", ".join(self.tasks) or f"none: declare them in {self.exercises_dir / TASKS_FILE}"
            raise CourseError(f"unknown data task {name!r} (known: {known})")
        return self.tasks[name]

    @cached_property
    def exercise_names(self) -> list[str]:
        names = {p.parent.name for p in self.exercises_dir.glob(f"*/{PUBLIC_CHECKS}")}
        names |= {p.parent.name for p in self.solutions_dir.glob("*/checks.py")}
        return sorted(names)

    def exercise(self, name: str) -> Exercise:
        if name not in self.exercise_names:
            known = ", ".join(self.exercise_names) or "none"
            raise CourseError(f"unknown exercise {name!r} (known: {known})")
        return Exercise(name, self)


def _looks_like_course(path: Path) -> bool:
    return (path / "exercises").is_dir() or (path / "solutions").is_dir()


def nearest_course(start: Path) -> Course | None:
    """The nearest folder at or above ``start`` with ``exercises/``, as a course (None: none)."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / "exercises").is_dir():
            return Course(folder)
    return None


def find_course(start: str | Path | None = None) -> Course:
    """The course: ``$DEEPGRADE_COURSE``, else the nearest folder above ``start`` (or
    the working directory) with ``exercises/`` or ``solutions/``, else the one this
    package was installed from."""
    if os.environ.get("DEEPGRADE_COURSE"):
        return Course(os.environ["DEEPGRADE_COURSE"])
    nearest = nearest_course(Path(start or Path.cwd()))
    if nearest is not None:
        return nearest
    package_root = Path(__file__).resolve().parents[1]
    if _looks_like_course(package_root):
        return Course(package_root)
    raise CourseError("no course found: run inside a course folder (one with exercises/) "
                      "or set DEEPGRADE_COURSE")
