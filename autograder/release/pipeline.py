"""Generating an exercise's student release from the instructor's source.

The student notebook flows through nbgrader's own preprocessors, in the order
``nbgrader generate_assignment`` uses (less the gradebook and header steps),
so the release is what nbgrader itself would hand out. The public checks'
expectations are recorded by running the reference solution.

The nbgrader test cells in the source notebook are generated from
``checks.py`` first (:mod:`autograder.release.cells`), so the source
notebook is written too when a check was added, removed or changed.

``release_exercise(..., write=False)`` builds everything in memory and reports
which files would change: the staleness test uses it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from ..course import Course, Exercise
from ..kinds import Plan
from ..plan import released_plans

#: The nbgrader preprocessors, by name, in the order generate_assignment runs them.
STUDENT_NOTEBOOK_STEPS = (
    "LockCells", "ClearSolutions", "ClearOutput", "CheckCellMetadata", "ComputeChecksums",
    "ClearHiddenTests", "ClearMarkScheme", "ComputeChecksums", "CheckCellMetadata",
)


#: Floats recorded from the reference (public_checks.json) are compared with this relative
#: tolerance: the last digits of a float64 result depend on the machine's BLAS, and a
#: release must not count as stale, or be rewritten, because another machine made it.
RELEASE_RTOL = 1e-9
RELEASE_ATOL = 1e-12


def _same_data(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return (isinstance(a, (int, float)) and isinstance(b, (int, float))
                and (a == b or math.isclose(a, b, rel_tol=RELEASE_RTOL, abs_tol=RELEASE_ATOL)))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_data(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_data(x, y) for x, y in zip(a, b, strict=False))
    return type(a) is type(b) and a == b


def same_release(path: Path, old: str, new: str) -> bool:
    """Whether ``old`` and ``new`` are the same release file: equal text, or for JSON the
    same data with floats equal within :data:`RELEASE_RTOL`."""
    if old == new:
        return True
    if path.suffix != ".json":
        return False
    try:
        return _same_data(json.loads(old), json.loads(new))
    except ValueError:
        return False


@dataclass
class ReleaseReport:
    written: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)


def student_notebook_text(solution_notebook: Path | str) -> str:
    """The student notebook, as the text to write: solutions replaced by stubs,
    hidden tests and outputs removed, checksums computed. ``solution_notebook``
    is the source notebook's path or its text."""
    import nbformat
    from nbgrader import preprocessors

    if isinstance(solution_notebook, Path):
        nb = nbformat.read(str(solution_notebook), as_version=4)
    else:
        nb = nbformat.reads(solution_notebook, as_version=4)
    resources: dict = {}
    for name in STUDENT_NOTEBOOK_STEPS:
        nb, resources = getattr(preprocessors, name)().preprocess(nb, resources)
    return nbformat.writes(nb) + "\n"


def public_checks_text(exercise: Exercise, plans: list[Plan]) -> str:
    data = {"exercise": exercise.name, "format": 1,
            "generated_from": f"solutions/{exercise.name}",
            "checks": [p.to_json() for p in plans]}
    return json.dumps(data, indent=1) + "\n"


def release_exercise(exercise: Exercise, *, write: bool = True) -> ReleaseReport:
    """Build (and, with ``write``, save) one exercise's release files."""
    from .cells import synced_notebook_text
    from .networks import network_files

    source = synced_notebook_text(exercise.solution_notebook, exercise.name, exercise.checks())
    plans = released_plans(exercise)
    files = {
        exercise.solution_notebook: source,
        exercise.student_notebook: student_notebook_text(source),
        exercise.public_checks_path: public_checks_text(exercise, plans),
        **network_files(exercise),  # networks a transfer-learning exercise hands out
    }
    report = ReleaseReport()
    for path, text in files.items():
        if path.is_file() and same_release(path, path.read_text(), text):
            continue
        report.stale.append(path)
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            report.written.append(path)
    return report


def release_course(course: Course, names: list[str] | None = None, *, write: bool = True) -> ReleaseReport:
    total = ReleaseReport()
    for name in names or [n for n in course.exercise_names if course.exercise(n).has_solution]:
        part = release_exercise(course.exercise(name), write=write)
        total.written += part.written
        total.stale += part.stale
    return total
