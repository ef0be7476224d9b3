"""The student release is generated from solutions/, is up to date, and gives nothing away."""

import json
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
