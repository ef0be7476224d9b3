"""The catalogue: realistic student submissions and the verdict each must get.

Correct variants (expit, the tanh identity, loops, float32, 0-d arrays, ...)
must get full marks with the hidden checks; each wrong one must fail exactly the
checks of the function it gets wrong, with the hint written for its mistake,
and keep the points of every other check. The expected verdicts are in
``tests/catalogue/expectations.py``.

Every selected submission is graded once, concurrently, the first time a test
needs one (each grading is a child process, so threads overlap them).
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import os
import sys
from pathlib import Path

import pytest
from graded_once import GradedOnce

from autograder.course import Course
from autograder.grade import grade_program, hidden_plans
from autograder.load import load_program
from autograder.score import ExerciseResult

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = Path(__file__).resolve().parent / "catalogue"
#: Every exercise with a folder of submissions here: a new exercise's folder needs no edit of this file.
EXERCISES = tuple(sorted(p.name for p in CATALOGUE.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))))
MIN_CORRECT, MIN_WRONG = 4, 6


def _load_expectations():
    spec = importlib.util.spec_from_file_location("deepgrade_catalogue_expectations",
                                                  CATALOGUE / "expectations.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


EXPECTED = _load_expectations().EXPECTATIONS
FILES = sorted(p.relative_to(CATALOGUE).as_posix() for ex in EXERCISES for p in (CATALOGUE / ex).glob("*.py"))
COURSE = Course(ROOT)


def numpy_targets(exercise: str) -> tuple[str, ...]:
    """The catalogue covers the NumPy checks (ex02's Keras part is tested in test_keras_models)."""
    return tuple(dict.fromkeys(c.target for c in COURSE.exercise(exercise).checks()
                               if c.kind in ("call", "value")))


def _grade(entry: str) -> ExerciseResult:
    exercise = entry.split("/")[0]
    return grade_program(load_program(CATALOGUE / entry), COURSE.exercise(exercise), hidden=True,
                         targets=numpy_targets(exercise))


def _plan_every_exercise() -> None:
    """The hidden checks planned once per exercise, before grading in parallel."""
    for exercise in EXERCISES:
        hidden_plans(COURSE.exercise(exercise))


@pytest.fixture(scope="module")
def graded(request: pytest.FixtureRequest) -> GradedOnce:
    selected = [item.callspec.params["entry"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_verdict" and hasattr(item, "callspec")]
    return GradedOnce(_grade, selected, workers=max(2, min(8, 2 * (os.cpu_count() or 1))),
                      before=_plan_every_exercise)


def _docstring(entry: str) -> str:
    return ast.get_docstring(ast.parse((CATALOGUE / entry).read_text())) or ""


def _report(entry: str, result: ExerciseResult, problems: list[str]) -> str:
    lines = [f"{entry}: {_docstring(entry)}", f"score {result.score:g}/{result.max_score:g}"]
    lines += [f"  - {p}" for p in problems]
    lines.append("checks:")
    for c in result.checks:
        lines.append(f"  {c.name} ({c.target}) [{c.status}] {c.message}")
        if not c.passed:
            lines.append(f"      hint: {c.hint or '(none)'}")
    lines += [f"note: {n}" for n in result.notes]
    return "\n".join(lines)


@functools.cache
def _declared_names(exercise: str, check: str) -> dict[str, str]:
    """The hints of the check's declared mistakes -> their names."""
    declared = next(c for c in COURSE.exercise(exercise).checks() if c.name == check)
    return {m.hint: m.name for m in getattr(declared, "mistakes", ()) if m.name}


@pytest.mark.parametrize("entry", FILES)
def test_verdict(entry: str, graded: GradedOnce) -> None:
    assert entry in EXPECTED, f"{entry} has no expected verdict in tests/catalogue/expectations.py"
    expected = EXPECTED[entry]
    result = graded(entry)
    names = [c.name for c in result.checks]
    problems = [f"expectations name {name!r}, which is not a check of {result.exercise}"
                for name in expected.fails if name not in names]
    for c in result.checks:
        part = expected.fails.get(c.name)
        if part is None:
            if not c.passed:
                problems.append(f"{c.name} should pass but is {c.status}")
            continue
        if c.status != expected.status:
            problems.append(f"{c.name} should be {expected.status} but is {c.status}")
        if part.lower() not in c.hint.lower():
            problems.append(f"{c.name}: the hint should contain {part!r}, got {c.hint!r}")
        named = _declared_names(result.exercise, c.name).get(c.hint)
        if named is not None and c.mistake != named:  # the class report counts it by this id
            problems.append(f"{c.name}: the declared mistake's hint, but mistake={c.mistake!r}, not {named!r}")
    if expected.correct and result.score != result.max_score:
        problems.append(f"a correct submission should get full marks, got {result.score:g}/{result.max_score:g}")
    if problems:
        pytest.fail(_report(entry, result, problems), pytrace=False)


def test_every_entry_has_a_file_and_an_expectation() -> None:
    missing_files = sorted(set(EXPECTED) - set(FILES))
    missing_expectations = sorted(set(FILES) - set(EXPECTED))
    assert not missing_files, f"expected verdicts for files that do not exist: {missing_files}"
    assert not missing_expectations, f"catalogue files without an expected verdict: {missing_expectations}"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_each_exercise_has_enough_variants(exercise: str) -> None:
    entries = [e for e in FILES if e.startswith(exercise + "/") and e in EXPECTED]
    correct = [e for e in entries if EXPECTED[e].correct]
    wrong = [e for e in entries if not EXPECTED[e].correct]
    assert len(correct) >= MIN_CORRECT, f"{exercise}: only {len(correct)} correct variants: {correct}"
    assert len(wrong) >= MIN_WRONG, f"{exercise}: only {len(wrong)} wrong variants: {wrong}"


@pytest.mark.parametrize("entry", FILES)
def test_file_is_documented_and_defines_every_name(entry: str) -> None:
    tree = ast.parse((CATALOGUE / entry).read_text())
    doc = ast.get_docstring(tree)
    assert doc and "\n" not in doc.strip(), f"{entry} must start with a one-line module docstring"
    if entry in EXPECTED:
        kind = "Correct" if EXPECTED[entry].correct else "Wrong"
        assert doc.startswith(kind + ":"), f"{entry}: the docstring should start with {kind + ':'!r}: {doc!r}"
    defined = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            defined |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined |= {(a.asname or a.name).split(".")[0] for a in node.names}
    targets = set(numpy_targets(entry.split("/")[0]))
    assert targets <= defined, f"{entry} does not define {sorted(targets - defined)}"
