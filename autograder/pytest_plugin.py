"""pytest plugin: ``pytest exercises/`` grades the student's notebooks with the public checks.

Registered by entry point (``pytest11``). Each ``exercises/<ex>/public_checks.json``
becomes a test file whose items are the exercise's checks; the student's
notebook beside it runs once, in its own process, for all of them. Failures
show the message and the hint, never a traceback; the run ends with the
points of each exercise.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .course import PUBLIC_CHECKS, Course, Exercise
from .kinds import Plan, kind_of
from .plan import load_plans
from .run.session import Limits
from .score import CheckResult, ExerciseResult, Status

RESULTS = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("deepgrade")
    group.addoption("--deepgrade-hidden", action="store_true",
                    help="also run the hidden checks (instructors: needs solutions/)")
    group.addoption("--deepgrade-device", choices=("cpu", "gpu", "auto"), default=None,
                    help="where models train (default: $DEEPGRADE_DEVICE, else auto)")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[RESULTS] = {}


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if file_path.name == PUBLIC_CHECKS:
        return ExerciseFile.from_parent(parent, path=file_path)
    return None


class CheckFailed(Exception):
    def __init__(self, result: CheckResult):
        super().__init__(result.message)
        self.result = result


class ExerciseFile(pytest.File):
    """One exercise: its checks, run against the notebook in the same folder."""

    student = None

    @property
    def exercise(self) -> Exercise:
        return Exercise(self.path.parent.name, Course(self.path.parent.parent.parent))

    def collect(self):
        plans = load_plans(self.path, self.exercise)
        if self.config.getoption("deepgrade_hidden"):
            from .plan import hidden_plans
            plans += hidden_plans(self.exercise)
        self.plans = plans
        for plan in plans:
            yield CheckItem.from_parent(self, name=plan.name, plan=plan)

    def submission(self) -> Path:
        return self.path.parent / f"{self.path.parent.name}.ipynb"

    def setup(self) -> None:
        from .grade import not_run_notes
        from .load import SubmissionError, load_program
        from .student import open_student

        self.load_error = ""
        try:
            program = load_program(self.submission())
        except SubmissionError as exc:
            self.load_error = str(exc)
            return
        name = self.exercise.name
        self.config.stash[RESULTS].setdefault(name, ExerciseResult(exercise=name)).notes.extend(not_run_notes(program))
        limits = Limits(device=self.config.getoption("deepgrade_device", None))
        self.student = open_student(program, getattr(self, "plans", []), limits=limits)

    def teardown(self) -> None:
        if self.student is not None:
            self.student.close()


class CheckItem(pytest.Item):
    def __init__(self, *, plan: Plan, **kwargs):
        super().__init__(**kwargs)
        self.plan = plan

    def runtest(self) -> None:
        parent: ExerciseFile = self.parent  # type: ignore[assignment]
        if parent.student is None:
            result = self.plan.result(Status.ERROR, parent.load_error or "the notebook could not be loaded")
        else:
            result = kind_of(self.plan).judge(self.plan, parent.student)
        results = self.config.stash[RESULTS].setdefault(parent.exercise.name,
                                                        ExerciseResult(exercise=parent.exercise.name))
        results.checks.append(result)
        if not result.passed:
            raise CheckFailed(result)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CheckFailed):
            result = excinfo.value.result
            text = result.message
            if result.hint and result.status is not Status.NOT_ATTEMPTED:
                text += f"\nhint: {result.hint}"
            return text
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"{self.parent.name}::{self.name} ({self.plan.target})"


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    results: dict[str, ExerciseResult] = config.stash.get(RESULTS, {})
    if not results:
        return
    from .report import format_summary_table

    terminalreporter.section("deepgrade points")
    rows = [(name, results[name]) for name in sorted(results)]
    for line in format_summary_table(rows, title="").splitlines():
        terminalreporter.write_line(line)
    for name, result in rows:  # what a trained model scored, even when it passed
        for check in result.checks:
            if check.details and check.passed:
                terminalreporter.write_line(f"{name} {check.name}: {check.message}")
    for name, result in rows:
        for note in result.notes:
            terminalreporter.write_line(f"{name} note: {note}")
    total = sum(r.score for _, r in rows)
    possible = sum(r.max_score for _, r in rows)
    terminalreporter.write_line(f"total: {total:g}/{possible:g} points")
