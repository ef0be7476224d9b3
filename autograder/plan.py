"""Stage 1 of grading: an exercise's plans, before any student's code runs.

A plan (:mod:`autograder.kinds`) is pure data made from a declaration. Public
ones are recorded in the student release (``exercises/<ex>/public_checks.json``)
so that a student can self-check without the solutions; hidden ones are
planned from ``solutions/`` by running the reference solution, once per
version of the exercise (kept on the grader's disk by :mod:`autograder.plan_store`,
and in each process by a hash of the solution notebook and ``checks.py``), and
never leave the grader. Grading (:mod:`autograder.grade`)
only ever starts from plans.
"""

from __future__ import annotations

import copy
import hashlib
import json
from functools import lru_cache
from pathlib import Path

from .course import Exercise
from .kinds import Plan, Planning, kind_of, plan_from_json
from .load import load_program
from .plan_store import stored_plans
from .student import open_student


def load_plans(path: Path, exercise: Exercise) -> list[Plan]:
    """Plans recorded in a release file, bound to their exercise (data tasks, released files)."""
    data = json.loads(Path(path).read_text())
    plans = [plan_from_json(d) for d in data["checks"]]
    for plan in plans:
        kind_of(plan).bind(plan, exercise)
    return plans


def public_plans(exercise: Exercise) -> list[Plan]:
    """The public checks recorded in the student release."""
    if not exercise.public_checks_path.is_file():
        raise FileNotFoundError(f"{exercise.public_checks_path} is missing: regenerate the "
                                "release with `deepgrade release`")
    return load_plans(exercise.public_checks_path, exercise)


def plan_from_reference(exercise: Exercise, *, hidden: bool) -> list[Plan]:
    """Plan the exercise's public or hidden checks from their declarations (running the
    reference solution when a kind needs it)."""
    checks = [c for c in exercise.checks() if c.hidden == hidden]
    secret = (exercise.source_dir / "checks.py").read_bytes() if hidden else b""
    if not any(kind_of(c).runs_reference for c in checks):
        planning = Planning(reference=None, exercise=exercise, secret=secret)
        return [kind_of(c).plan(c, planning) for c in checks]
    with open_student(load_program(exercise.solution_notebook), checks) as reference:
        planning = Planning(reference=reference, exercise=exercise, secret=secret)
        return [kind_of(c).plan(c, planning) for c in checks]


def released_plans(exercise: Exercise) -> list[Plan]:
    """The public checks as the release records them (``public_checks.json``): planned from the
    reference once per version of the exercise (:mod:`autograder.plan_store`), so that
    ``nbgrader generate_assignment`` after ``deepgrade release`` runs no reference again."""
    return stored_plans(exercise, lambda: plan_from_reference(exercise, hidden=False), hidden=False)


def source_hash(exercise: Exercise) -> str:
    """What the hidden plans depend on: the solution notebook and ``checks.py``."""
    h = hashlib.sha256()
    for path in (exercise.solution_notebook, exercise.source_dir / "checks.py"):
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


@lru_cache(maxsize=32)
def _hidden_plans_cached(exercise: Exercise, content: str) -> tuple[Plan, ...]:
    return tuple(stored_plans(exercise, lambda: plan_from_reference(exercise, hidden=True)))


def hidden_plans(exercise: Exercise) -> list[Plan]:
    """Hidden checks, planned once per process for each version of the solution."""
    # Copies: a caller that changes a plan (a benchmark's seed, a test's budget) changes its own.
    return [copy.copy(plan) for plan in _hidden_plans_cached(exercise, source_hash(exercise))]


def exercise_plans(exercise: Exercise, *, hidden: bool = False, targets: tuple[str, ...] = ()) -> list[Plan]:
    """Every plan a grading runs: the public ones, then the hidden ones, of ``targets`` if given."""
    plans = public_plans(exercise) + (hidden_plans(exercise) if hidden else [])
    return [p for p in plans if p.target in targets] if targets else plans
