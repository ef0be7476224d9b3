"""The student release is generated from solutions/, is up to date, and gives nothing away."""

import json
import shutil
from pathlib import Path

import pytest

from autograder.release import release_course
from autograder.release.fill import solution_code


def test_committed_release_is_in_sync_with_the_solutions(course):
    report = release_course(course, write=False)
    stale = [str(p.relative_to(course.root)) for p in report.stale]
    assert not stale, f"exercises/ is stale, run `deepgrade release`: {stale}"


@pytest.fixture(scope="module")
def exercises(course):
    return [course.exercise(n) for n in course.exercise_names]


def solution_lines(exercise):
    nb = json.loads(exercise.solution_notebook.read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            src = "".join(cell["source"])
            body = src.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
            yield from (line.strip() for line in body.splitlines() if line.strip())


def test_release_holds_no_solution_code(exercises):
    for ex in exercises:
        released = ex.student_notebook.read_text()
        assert "BEGIN SOLUTION" not in released and "raise NotImplementedError()" in released
        compared = 0
        for line in solution_lines(ex):
            if line.startswith("#") and "YOUR CODE" in line:
                continue
            if sum(ch.isalnum() for ch in line) < 4:
                continue  # punctuation such as "])" says nothing about the solution
            assert json.dumps(line)[1:-1] not in released, f"{ex.name}: solution line {line!r} released"
            compared += 1
        assert compared, f"{ex.name}: no solution line was compared"


def test_release_holds_no_hidden_check(exercises):
    for ex in exercises:
        data = json.loads(ex.public_checks_path.read_text())
        hidden_names = {c.name for c in ex.checks() if c.hidden}
        public_names = {c["name"] for c in data["checks"]}
        assert hidden_names and not (hidden_names & public_names), ex.name
        assert all(not c["hidden"] for c in data["checks"])
        assert not (ex.release_dir / "checks.py").exists()
        assert "BEGIN HIDDEN TESTS" not in ex.student_notebook.read_text()


@pytest.mark.parametrize("name, answers", [
    ("ex01_sigmoid", ("0.8205", "0.82053", "0.1794")),  # p_fake
    ("ex08_perceptron", ("0.75", "3 / 4", "3/4")),  # xor_best_accuracy
])
def test_the_by_hand_answer_is_not_handed_to_the_student(course, name, answers):
    ex = course.exercise(name)
    released = ex.public_checks_path.read_text() + ex.student_notebook.read_text()
    for text in answers:
        assert text not in released


def test_solution_code_strips_only_the_markers():
    src = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    assert solution_code(src) == "def f(x):\n    return x\n"


def test_a_release_made_on_another_machine_is_not_stale():
    """The last digits of float64 results depend on the BLAS: 1 ulp apart is the same release."""
    from autograder.release.pipeline import same_release

    old = json.dumps({"checks": [{"data": [0.4714443238495749, 2.0], "about": "p = 0.5"}]})
    same = json.dumps({"checks": [{"data": [0.4714443238495748, 2.0], "about": "p = 0.5"}]})
    assert same_release(Path("public_checks.json"), old, same)
    for changed in ({"checks": [{"data": [0.4714443, 2.0], "about": "p = 0.5"}]},
                    {"checks": [{"data": [0.4714443238495749, 2.0], "about": "p = 0.6"}]},
                    {"checks": [{"data": [0.4714443238495749, 2.0, 3.0], "about": "p = 0.5"}]},
                    {"checks": [{"data": [0.4714443238495749, "2.0"], "about": "p = 0.5"}]}):
        assert not same_release(Path("public_checks.json"), old, json.dumps(changed)), changed
    assert not same_release(Path("ex.ipynb"), '{"a": 0.4714443238495749}', '{"a": 0.4714443238495748}')


def test_the_public_plans_are_planned_once_and_keyed_by_the_source_alone(course, tmp_path, monkeypatch):
    """``deepgrade release``, ``release --check`` and ``nbgrader generate_assignment`` record the
    public plans that the plan store keeps: a later process reads them back (the reference is not
    run again) and records the same release; an edit of ``checks.py`` plans them again; the
    release folder they write is no part of their key."""
    from autograder import plan as plan_module
    from autograder.course import Course
    from autograder.plan import released_plans
    from autograder.plan_store import PLAN_CACHE_ENV, plans_key
    from autograder.release.pipeline import public_checks_text

    monkeypatch.setenv(PLAN_CACHE_ENV, str(tmp_path / "plans"))
    copy = tmp_path / "course"
    for part in ("solutions/ex01_sigmoid", "exercises/ex01_sigmoid"):
        shutil.copytree(course.root / part, copy / part)
    shutil.copy(course.root / "exercises" / "tasks.py", copy / "exercises" / "tasks.py")
    exercise = Course(copy).exercise("ex01_sigmoid")
    released = exercise.public_checks_path.read_text()
    assert public_checks_text(exercise, released_plans(exercise)) == released  # planned and stored
    assert list((tmp_path / "plans").glob("ex01_sigmoid-public-*.json"))

    def never(*args, **kwargs):
        raise AssertionError("planned again: the stored public plans were not used")

    monkeypatch.setattr(plan_module, "plan_from_reference", never)
    key = plans_key(exercise, hidden=False)
    exercise.public_checks_path.write_text("{}")  # the release, as nbgrader empties it before writing
    assert plans_key(exercise, hidden=False) == key
    assert public_checks_text(exercise, released_plans(exercise)) == released  # read back
    checks = exercise.source_dir / "checks.py"
    checks.write_text(checks.read_text() + "\n# edited\n")
    assert plans_key(exercise, hidden=False) != key
    with pytest.raises(AssertionError, match="planned again"):
        released_plans(exercise)
