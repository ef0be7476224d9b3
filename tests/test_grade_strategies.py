"""run_batch's two strategies (threads here, a Dask cluster) share one interface: whatever a
strategy grades, the runner alone caches it, counts it and puts it in the class's order. A
strategy that finishes in any order and fails some gradings shows it, without a sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder.batch import runner
from autograder.batch.options import Options
from autograder.batch.record import Record
from autograder.batch.runner_dask import DaskRunner
from autograder.batch.runner_local import LocalRunner
from autograder.batch.strategy import GradedJob, Job, Say, Work
from autograder.course import Course
from autograder.isolate.backends import Sandbox
from autograder.score import CheckResult, ExerciseResult, Status

ROOT = Path(__file__).resolve().parents[1]
STUDENTS = ["ada", "bob", "cy", "dee"]


class Reversed:
    """Grades its jobs last first; ``bob`` is a grader failure (not cacheable)."""

    made: list[Reversed] = []

    def __init__(self, options: Options, say: Say):
        self.options, self.say = options, say
        self.asked: list[str] = []
        self.prepared: list[str] = []
        self.closed = False
        Reversed.made.append(self)

    def prepare(self, course: Course, exercises: list[str], hidden: bool, device: str | None) -> None:
        self.prepared = exercises

    def sandbox(self, options: Options, hide: tuple[Path, ...]) -> Sandbox:
        return Sandbox("fake", ("nothing",), hide=hide)

    def describe(self, sandbox: Sandbox) -> str:
        return f"graded backwards, {sandbox.name}"

    def grade(self, work: Work, jobs: list[Job]) -> Iterator[GradedJob]:
        for job in reversed(jobs):
            student = job.found.student
            self.asked.append(student)
            failed = student == "bob"
            check = CheckResult(name="sigmoid_values", target="sigmoid", max_points=work.max_scores["ex01_sigmoid"],
                                status=Status.ERROR if failed else Status.PASSED, message=f"graded {student}")
            record = Record(student=student, result=ExerciseResult(exercise="ex01_sigmoid", checks=[check]),
                            submission=str(job.found.path), key=job.key,
                            grader_error="the grader broke" if failed else "")
            yield GradedJob(job, record, not failed)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def klass(tmp_path: Path) -> Path:
    for i, student in enumerate(STUDENTS):
        path = tmp_path / "class" / student / "ex01_sigmoid" / "ex01_sigmoid.py"
        path.parent.mkdir(parents=True)
        path.write_text(f"# {student} {i}\ndef sigmoid(z):\n    return z\n")
    return tmp_path / "class"


def test_the_runner_caches_orders_and_closes_whatever_strategy_grades(klass, tmp_path, monkeypatch):
    monkeypatch.setitem(runner.RUNNERS, "local", Reversed)
    Reversed.made.clear()
    said: list[str] = []
    options = Options(hidden=False, exercises=["ex01_sigmoid"])
    batch = runner.run_batch(Course(ROOT), klass, tmp_path / "out", options, log=said.append)
    (first,) = Reversed.made
    assert first.prepared == ["ex01_sigmoid"]
    assert first.asked == STUDENTS[::-1]
    assert first.closed
    assert "deepgrade: graded backwards, fake" in said
    assert [r.student for r in batch.records] == STUDENTS  # the class's order, not the finishing order
    assert (batch.graded, batch.cached) == (4, 0)
    assert batch.grader_errors == 1

    again = runner.run_batch(Course(ROOT), klass, tmp_path / "out", options, log=said.append)
    assert Reversed.made[1].asked == ["bob"]  # the verdicts came from the cache; the failure is graded again
    assert (again.graded, again.cached) == (1, 3)
    assert [r.student for r in again.records] == STUDENTS


def test_a_strategy_is_closed_when_grading_stops(klass, tmp_path, monkeypatch):
    class Breaks(Reversed):
        def grade(self, work: Work, jobs: list[Job]) -> Iterator[GradedJob]:
            yield from super().grade(work, jobs[:1])
            raise KeyboardInterrupt

    monkeypatch.setitem(runner.RUNNERS, "local", Breaks)
    Reversed.made.clear()
    with pytest.raises(KeyboardInterrupt):
        runner.run_batch(Course(ROOT), klass, tmp_path / "out", Options(hidden=False), log=lambda _: None)
    assert Reversed.made[0].closed
    assert len(list((tmp_path / "out" / "cache").glob("*.json"))) == 1  # what finished is kept


def test_the_option_names_the_strategy():
    assert Options().strategy == "local" and Options(cluster="local:2").strategy == "dask"
    assert runner.RUNNERS == {"local": LocalRunner, "dask": DaskRunner}
