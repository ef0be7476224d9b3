"""Submissions that misbehave get 0 for what they broke, a clear message, and the
rest of their checks still run. Student code never runs in the grader's process."""

from __future__ import annotations

import time

import pytest

from autograder.grade import grade_submission
from autograder.run.session import Limits

GOOD = '''
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))

def predict_no_hidden(X, W, b):
    return sigmoid(X @ W + b)

p_fake = 0.82
'''


def grade(course, path, **kw):
    return grade_submission(path, "ex01_sigmoid", course=course, **kw)


def by_name(result):
    return {c.name: c for c in result.checks}


def assert_only_broken(result, broken: set[str], status: str, text: str):
    checks = by_name(result)
    for name, check in checks.items():
        if name in broken:
            assert check.status == status, f"{name}: expected {status}, got {check.status}: {check.message}"
            assert text in check.message, f"{name}: {text!r} not in message {check.message!r}"
            assert "Traceback" not in check.message
        else:
            assert check.passed, f"{name} should still pass, got {check.status}: {check.message}"


SIGMOID_CHECKS = {"sigmoid_values", "sigmoid_extremes"}


def test_a_correct_submission_passes(course, submission):
    result = grade(course, submission(GOOD))
    assert result.checks and result.score == result.max_score, [c.message for c in result.checks]


def test_a_stub_is_not_attempted_in_one_line(course, submission):
    path = submission(GOOD.replace("return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))",
                                   "# YOUR CODE HERE\n    raise NotImplementedError()"))
    result = grade(course, path)
    checks = by_name(result)
    # predict_no_hidden calls the stub sigmoid: not attempted either.
    for name in SIGMOID_CHECKS | {"predict_no_hidden_values"}:
        assert checks[name].status == "not_attempted", checks[name]
        assert checks[name].points == 0 and "\n" not in checks[name].message
    assert checks["p_fake_is_probability"].passed


def test_an_exception_is_one_line_with_where_it_happened(course, submission):
    path = submission(GOOD.replace("return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))",
                                   "return {}['missing']"))
    result = grade(course, path)
    assert_only_broken(result, SIGMOID_CHECKS | {"predict_no_hidden_values"}, "failed", "raised KeyError")
    assert "line" in by_name(result)["sigmoid_values"].message


def test_an_endless_loop_times_out_and_the_other_checks_run(course, submission):
    path = submission(GOOD.replace("return sigmoid(X @ W + b)", "while True:\n        pass"))
    start = time.monotonic()
    result = grade(course, path, limits=Limits(call_timeout=1.0))
    assert time.monotonic() - start < 20
    assert_only_broken(result, {"predict_no_hidden_values"}, "timeout", "did not finish within 1 s")


@pytest.mark.parametrize("exit_code, text", [
    ("import sys; sys.exit(3)", "raised SystemExit"),
    ("import os; os._exit(3)", "exit code 3"),
    ("import ctypes; ctypes.string_at(0)", "SIGSEGV"),
])
def test_exits_and_crashes_cost_only_their_check(course, submission, exit_code, text):
    path = submission(GOOD.replace("return sigmoid(X @ W + b)", exit_code))
    result = grade(course, path)
    status = "failed" if "SystemExit" in text else "error"
    assert_only_broken(result, {"predict_no_hidden_values"}, status, text)


def test_a_crash_while_loading_fails_every_check_with_the_reason(course, submission):
    result = grade(course, submission("import os\nos._exit(7)\n" + GOOD))
    assert all(c.status == "error" and "exit code 7" in c.message for c in result.checks)


def test_a_flood_of_output_keeps_reports_small(course, submission):
    flood = GOOD.replace("return sigmoid(X @ W + b)",
                         "import sys\n    for _ in range(20000):\n"
                         "        print('x' * 500); print('y' * 500, file=sys.stderr)\n"
                         "    return sigmoid(X @ W + b)")
    result = grade(course, submission(flood))
    assert result.checks and result.score == result.max_score
    assert len(str(result.to_json())) < 20_000


def test_import_and_syntax_errors_are_named(course, submission):
    result = grade(course, submission("import numpy_does_not_exist\n" + GOOD))
    # The notebook model: a failing cell stops that cell only. In a .py file the whole
    # module is one cell, so nothing after the failing import is defined.
    assert all(not c.passed for c in result.checks)
    assert "ModuleNotFoundError" in result.checks[0].message
    result = grade(course, submission(GOOD + "\ndef broken(:\n    pass\n"))
    assert "SyntaxError" in result.checks[0].message and "line" in result.checks[0].message


def test_monkeypatching_numpy_in_the_student_process_cannot_pass_a_check(course, submission):
    cheat = '''
import numpy as np
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None

def sigmoid(z):
    return np.zeros_like(np.asarray(z, dtype=float))

def predict_no_hidden(X, W, b):
    return np.zeros((len(X), 1))

p_fake = 0.5
'''
    result = grade(course, submission(cheat), hidden=True)
    checks = by_name(result)
    assert not checks["sigmoid_values"].passed and not checks["predict_no_hidden_values"].passed
    assert not checks["p_fake_value"].passed


def test_an_object_equal_to_everything_is_not_an_answer(course, submission):
    cheat = GOOD.replace("p_fake = 0.82", '''
class Anything(float):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False

class Array(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

p_fake = Anything(5.0)
''').replace("return sigmoid(X @ W + b)", "return np.zeros((len(X), 1)).view(Array)")
    result = grade(course, submission(cheat), hidden=True)
    checks = by_name(result)
    assert not checks["predict_no_hidden_values"].passed
    assert not checks["p_fake_value"].passed and not checks["p_fake_is_probability"].passed


def test_nan_and_inf_answers_fail_with_a_hint(course, submission):
    path = submission(GOOD.replace("return sigmoid(X @ W + b)", "return np.full((len(X), 1), np.nan)"))
    check = by_name(grade(course, path))["predict_no_hidden_values"]
    assert not check.passed and "NaN" in check.message and check.hint


def test_wrong_types_are_described(course, submission):
    path = submission(GOOD.replace("return sigmoid(X @ W + b)", "return 'probabilities'")
                      .replace("p_fake = 0.82", "p_fake = '0.82'"))
    checks = by_name(grade(course, path))
    assert "returned 'probabilities'" in checks["predict_no_hidden_values"].message
    assert "not a number" in checks["p_fake_is_probability"].message


def test_a_function_returning_none_gets_the_forgotten_return_hint(course, submission):
    path = submission(GOOD.replace("return sigmoid(X @ W + b)", "p = sigmoid(X @ W + b)"))
    check = by_name(grade(course, path))["predict_no_hidden_values"]
    assert "returned None" in check.message and "return" in check.hint
