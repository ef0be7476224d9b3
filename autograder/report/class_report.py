"""What a class got wrong, not only its points: the class report's data.

Built from every student's :class:`~autograder.score.ExerciseResult` (from
``deepgrade grade``'s results.json, or nbgrader's gradebook): per exercise the
scores, per check the pass rate, per named mistake (``CheckResult.mistake``)
how many students made it with its hint and an example student, most common
first; per model check the accuracies against the marks; the learning checks
that failed; the students whose grading ended in an error or a time-out.

A student counts once per mistake of an exercise, however many checks name it.
Everything here is plain data (:meth:`ClassReport.to_json` is ``class.json``);
:mod:`autograder.report.class_page` draws it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..results import Record
from ..score import ExerciseResult, Status

#: A grading that did not give the student's code a verdict of its own.
TROUBLE = (Status.ERROR, Status.TIMEOUT)


@dataclass(frozen=True)
class Graded:
    """One student's result on one exercise."""

    student: str
    result: ExerciseResult


@dataclass
class CheckRate:
    check: str
    hidden: bool
    passed: int = 0
    partial: int = 0
    graded: int = 0  # students with a verdict on this check

    @property
    def pass_rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0


@dataclass
class MistakeCount:
    """How many students of the class made one named mistake in one exercise."""

    exercise: str
    mistake: str
    students: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    hint: str = ""

    @property
    def count(self) -> int:
        return len(self.students)

    @property
    def example(self) -> str:
        return self.students[0] if self.students else ""


@dataclass
class Accuracy:
    """A model check's accuracy for one student, against the marks."""

    student: str
    accuracy: float
    points: float
    max_points: float


@dataclass
class ModelMarks:
    exercise: str
    check: str
    split: str
    pass_at: float
    zero_at: float
    accuracies: list[Accuracy] = field(default_factory=list)


@dataclass
class Incident:
    """A check that did not end in a verdict on the answer (an error, a time-out), or a failed
    learning check: who, where, and what the grader said."""

    student: str
    exercise: str
    check: str
    status: str
    message: str


@dataclass
class ExerciseSummary:
    exercise: str
    max_score: float
    scores: dict[str, float] = field(default_factory=dict)  # student -> points
    not_attempted: int = 0
    checks: list[CheckRate] = field(default_factory=list)

    @property
    def mean(self) -> float:
        return sum(self.scores.values()) / len(self.scores) if self.scores else 0.0


@dataclass
class ClassReport:
    students: list[str]
    exercises: list[ExerciseSummary]
    mistakes: list[MistakeCount]  # most common first
    models: list[ModelMarks]
    learning: list[Incident]
    troubles: list[Incident]

    def to_json(self) -> dict[str, Any]:
        return {
            "students": self.students,
            "exercises": [{**asdict(e), "mean": e.mean,
                           "checks": [{**asdict(c), "pass_rate": c.pass_rate} for c in e.checks]}
                          for e in self.exercises],
            "mistakes": [{**asdict(m), "count": m.count, "example": m.example} for m in self.mistakes],
            "models": [asdict(m) for m in self.models],
            "learning": [asdict(i) for i in self.learning],
            "troubles": [asdict(i) for i in self.troubles],
        }


def class_report(graded: Iterable[Graded]) -> ClassReport:
    """The class report of every (student, exercise) result."""
    entries = sorted(graded, key=lambda g: (g.result.exercise, g.student))
    exercises: dict[str, ExerciseSummary] = {}
    rates: dict[tuple[str, str], CheckRate] = {}
    mistakes: dict[tuple[str, str], MistakeCount] = {}
    models: dict[tuple[str, str], ModelMarks] = {}
    learning: list[Incident] = []
    troubles: list[Incident] = []
    for entry in entries:
        result, student = entry.result, entry.student
        summary = exercises.setdefault(result.exercise, ExerciseSummary(result.exercise, result.max_score))
        summary.max_score = max(summary.max_score, result.max_score)
        summary.scores[student] = result.score
        summary.not_attempted += result.not_attempted
        for check in result.checks:
            rate = rates.get((result.exercise, check.name))
            if rate is None:
                rate = rates[(result.exercise, check.name)] = CheckRate(check.name, check.hidden)
                summary.checks.append(rate)
            rate.graded += 1
            rate.passed += check.passed
            rate.partial += check.status is Status.PARTIAL
            if check.mistake and not check.passed:
                found = mistakes.setdefault((result.exercise, check.mistake),
                                            MistakeCount(result.exercise, check.mistake, hint=check.hint))
                if student not in found.students:
                    found.students.append(student)
                if check.name not in found.checks:
                    found.checks.append(check.name)
            seen = check.details.accuracy
            if seen is not None and seen.pass_at is not None:  # a model check, measured against its marks
                marks = models.setdefault((result.exercise, check.name), ModelMarks(
                    result.exercise, check.name, seen.split or "", seen.pass_at, seen.zero_at or 0.0))
                marks.accuracies.append(Accuracy(student, seen.accuracy, check.points, check.max_points))
            if check.status in TROUBLE:
                troubles.append(Incident(student, result.exercise, check.name, check.status.value, check.message))
            elif check.details.learning is not None and not check.passed:
                learning.append(Incident(student, result.exercise, check.name, check.status.value, check.message))
    ranked = sorted(mistakes.values(), key=lambda m: (-m.count, m.exercise, m.mistake))
    return ClassReport(students=sorted({g.student for g in entries}), exercises=list(exercises.values()),
                       mistakes=ranked, models=list(models.values()), learning=learning, troubles=troubles)


def graded_from_records(records: Iterable[Record]) -> list[Graded]:
    """A graded class's records (one per student and exercise) as the class report reads them."""
    return [Graded(r.student, r.result) for r in records]


def class_summary_text(report: ClassReport, width: int = 100, mistakes: int = 5) -> str:
    """For a terminal: each exercise's totals, then the ``mistakes`` most common named mistakes
    (class.html has them all, with every check's pass rate)."""
    import textwrap

    ew = max([8] + [len(e.exercise) for e in report.exercises]) + 2
    lines = [f"{'exercise':<{ew}}{'students':>9}{'mean':>8}{'max':>6}{'not attempted':>15}", "-" * (ew + 38)]
    lines += [f"{e.exercise:<{ew}}{len(e.scores):>9}{e.mean:>8.2g}{e.max_score:>6g}{e.not_attempted:>15}"
              for e in report.exercises]
    if report.mistakes:
        total = len(report.students)
        lines += ["", f"most common mistakes (of {len(report.mistakes)}):"]
        for m in report.mistakes[:mistakes]:
            lines += textwrap.wrap(f"{m.count:>3} of {total}  {m.exercise}  {m.mistake}  (e.g. {m.example})", width,
                                   subsequent_indent=" " * 12)
    return "\n".join(lines)
