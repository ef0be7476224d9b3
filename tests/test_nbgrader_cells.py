"""nbgrader test cells: in sync with checks.py, graded once per target, scored by nbgrader's rule.

These run without the nbgrader command (the round trip is test_nbgrader_roundtrip.py).
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder.kinds import HIDDEN_INPUT
from autograder.release import cells as nbcells
from autograder.nbgrader import kernel
from autograder.score import CheckResult
from autograder.spec import Case, Check

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def exercises(course):
    return [course.exercise(n) for n in course.exercise_names if course.exercise(n).has_solution]


def test_test_cells_are_in_sync_with_checks_py(exercises):
    """Names, points and hidden flags: one test cell per check, nothing else."""
    for ex in exercises:
        nb = nbformat.read(str(ex.solution_notebook), as_version=4)
        found = nbcells.read_grade_cells(nb)
        got = sorted((c.check, c.grade_id, c.points, c.hidden) for c in found)
        want = sorted((c.name, f"test-{c.name}", float(c.points), c.hidden) for c in ex.checks())
        assert got == want, ex.name
        checks = {c.name: c for c in ex.checks()}
        for cell in found:
            check = checks[cell.check]
            call = f'grade("{ex.name}", "{check.name}"' + (", hidden=True)" if check.hidden else ")")
            assert call in cell.source, cell.source
            # after the answer cell that defines its target, before the next answer cell
            answer = nbcells.answer_cell_index(nb.cells, check.target)
            assert answer is not None and answer < cell.index
            between = nb.cells[answer + 1:cell.index]
            assert not any(c.metadata.get("nbgrader", {}).get("solution") for c in between), cell.check
            if check.hidden:
                hidden_block = cell.source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS")[0]
                assert call in hidden_block


def test_syncing_is_idempotent_and_the_committed_source_is_synced(exercises):
    for ex in exercises:
        text = ex.solution_notebook.read_text()
        nb = nbformat.reads(text, as_version=4)
        once = nbcells.sync_test_cells(nb, ex.name, ex.checks())
        twice = nbcells.sync_test_cells(once, ex.name, ex.checks())
        assert nbformat.writes(once) + "\n" == text
        assert nbformat.writes(twice) == nbformat.writes(once)


def _notebook():
    answer = new_code_cell("### BEGIN SOLUTION\ndef f(x):\n    return x\n### END SOLUTION",
                           metadata={"nbgrader": {"grade": False, "grade_id": "f", "locked": False,
                                                  "schema_version": 3, "solution": True, "task": False}})
    mine = new_code_cell("assert f(1) == 1", metadata={"nbgrader": {
        "grade": True, "grade_id": "handwritten", "locked": True, "points": 1, "schema_version": 3,
        "solution": False, "task": False}})
    return new_notebook(cells=[new_code_cell("import numpy as np"), answer, mine])


def test_syncing_follows_checks_py_and_leaves_other_cells_alone():
    nb = nbcells.sync_test_cells(_notebook(), "exx", [Check("f_a", "f", 2), Check("f_b", "f", 1.5, hidden=True)])
    assert [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells] == [
        None, "f", "test-f_a", "test-f_b", "handwritten"]
    assert nb.cells[3].metadata.nbgrader.points == 1.5
    changed = nbcells.sync_test_cells(nb, "exx", [Check("f_b", "f", 3)])  # f_a removed, f_b public, 3 points
    info = nbcells.read_grade_cells(changed)
    assert [(c.check, c.points, c.hidden) for c in info] == [("f_b", 3.0, False), ("", 1.0, False)]
    assert info[1].grade_id == "handwritten"


def test_a_check_whose_target_has_no_answer_cell_is_an_error():
    with pytest.raises(nbcells.AnswerCellMissing, match="`g`"):
        nbcells.sync_test_cells(_notebook(), "exx", [Check("g_a", "g", 1)])


@pytest.mark.parametrize("source,name,defined", [
    ("def sigmoid(z):\n    pass", "sigmoid", True),
    ("p_fake = 0.82", "p_fake", True),
    ("p_fake: float = 0.82", "p_fake", True),
    ("p_fake == 0.82", "p_fake", False),
    ("def sigmoid_fast(z): pass", "sigmoid", False),
    ("    sigmoid = 1", "sigmoid", False),
])
def test_which_cell_defines_a_target(source, name, defined):
    assert nbcells.defines(source, name) is defined


# -- nbgrader's partial-credit rule, as nbgrader 0.9.6 applies it ---------------------------

def _graded_cell(points, *outputs):
    return new_code_cell("grade(...)", metadata={"nbgrader": {
        "grade": True, "solution": False, "grade_id": "t", "points": points, "locked": True,
        "schema_version": 3, "task": False}}, outputs=list(outputs))


@pytest.mark.parametrize("returned,points", [(2.0, 2.0), (1.25, 1.25), (0.0, 0.0)])
def test_nbgrader_scores_a_test_cell_by_the_number_it_returns(returned, points):
    from nbgrader.utils import determine_grade

    cell = _graded_cell(2, new_output("stream", name="stdout", text="[PART] x (1.25/2)\n"),
                        new_output("execute_result", data={"text/plain": repr(returned)}, execution_count=1))
    assert determine_grade(cell) == (points, 2.0)


def test_nbgrader_gives_zero_to_a_cell_with_stderr():
    from nbgrader.utils import determine_grade

    cell = _graded_cell(2, new_output("stream", name="stderr", text="oops\n"),
                        new_output("execute_result", data={"text/plain": "2.0"}, execution_count=1))
    assert determine_grade(cell) == (0, 2.0)


def test_grade_in_the_kernel_prints_a_pass_on_stdout_and_anything_else_on_stderr(monkeypatch, capsys):
    partial = CheckResult(name="mlp_accuracy", target="build_model", max_points=4.0, status="partial", message="test accuracy 0.85 (pass mark 0.9)",
                          hint="Train for more epochs.", earned=2.5)
    passed = CheckResult(name="mlp_architecture", target="build_model", max_points=2.0, status="passed")
    monkeypatch.delenv("DEEPGRADE_WORKER", raising=False)
    monkeypatch.setattr(kernel, "grade_check", lambda *a, **k: passed)
    assert kernel.grade("ex05_mlp", "mlp_architecture") is None  # no Out[...] number
    assert capsys.readouterr().out.strip() == "[pass] mlp_architecture (2/2)"
    monkeypatch.setattr(kernel, "grade_check", lambda *a, **k: partial)
    assert kernel.grade("ex05_mlp", "mlp_accuracy") is None
    out = capsys.readouterr()
    assert out.out == "" and "mlp_accuracy (2.5/4)" in out.err and "Train for more epochs." in out.err


# -- grading in the kernel ----------------------------------------------------------------

SIGMOID = "import numpy as np\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n"
WRONG_SIGMOID = "import numpy as np\ndef sigmoid(z):\n    return np.tanh(z)\n"


@pytest.fixture
def counted(monkeypatch):
    """Count the worker gradings (one per target and replayed history)."""
    kernel.clear_cache()
    calls = []
    real = kernel._grade_target

    def counting(sources, exercise, target, hidden):
        calls.append(target)
        return real(sources, exercise, target, hidden)

    monkeypatch.setattr(kernel, "_grade_target", counting)
    yield calls
    kernel.clear_cache()


def test_one_grading_serves_every_test_cell_of_a_target(course, counted):
    history = [SIGMOID, '# sigmoid_values: 2 points\nfrom autograder.nbgrader import grade\n'
                        'grade("ex01_sigmoid", "sigmoid_values")']
    results = [kernel.grade_check("ex01_sigmoid", name, hidden=hidden, history=history, course=course)
               for name, hidden in (("sigmoid_values", False), ("sigmoid_extremes", False),
                                    ("sigmoid_random", True))]
    assert [r.status for r in results] == ["passed"] * 3
    assert counted == ["sigmoid"]
    # the test cells in the history are not replayed, so they do not change the key
    kernel.grade_check("ex01_sigmoid", "sigmoid_values", history=history[:1], course=course)
    assert counted == ["sigmoid"]
    # new code is graded afresh
    kernel.grade_check("ex01_sigmoid", "sigmoid_values", history=history + ["x = 1"], course=course)
    assert counted == ["sigmoid", "sigmoid"]


def test_hidden_messages_do_not_show_hidden_inputs(course, counted):
    from autograder.grade import hidden_plans

    result = kernel.grade_check("ex01_sigmoid", "sigmoid_random", hidden=True, history=[WRONG_SIGMOID],
                                course=course)
    assert result.status == "failed" and HIDDEN_INPUT in result.message
    for plan in hidden_plans(course.exercise("ex01_sigmoid")):
        for case in plan.cases:
            if plan.kind != "value":
                assert case.shows not in result.message


def test_no_report_shows_a_hidden_input(course, tmp_path):
    """One decision (evaluate.shown_call): check --hidden, results.json, the HTML and
    Gradescope feedback all show a hidden case as `target(<hidden input>)`."""
    from autograder.batch import Options, run_batch
    from autograder.batch.outputs import write_outputs
    from autograder.grade import grade_submission, hidden_plans
    from autograder.results import ClassResults

    path = tmp_path / "class" / "ben" / "ex01_sigmoid" / "ex01_sigmoid.py"
    path.parent.mkdir(parents=True)
    path.write_text("import numpy as np\n" + WRONG_SIGMOID + "\np_fake = 0.5\n"
                    "def predict_no_hidden(X, W, b):\n    return np.tanh(X @ W + b)\n")
    result = grade_submission(path, "ex01_sigmoid", hidden=True, course=course)
    batch = run_batch(course, tmp_path / "class", tmp_path / "out", Options(), log=lambda _: None)
    write_outputs(ClassResults(batch.records, "sandbox"), tmp_path / "out")
    texts = [json.dumps(result.to_json())] + [p.read_text() for p in (tmp_path / "out").rglob("*")
                                                if p.is_file() and p.suffix in (".json", ".html", ".csv")]
    assert any(HIDDEN_INPUT in t or "&lt;hidden input&gt;" in t for t in texts[1:])
    shown = [case.shows for plan in hidden_plans(course.exercise("ex01_sigmoid")) if plan.kind != "value"
             for case in plan.cases if case.shows != plan.target]
    assert shown
    for text in texts:
        for call in shown:
            assert call not in text and call.replace("'", "&#x27;") not in text


def test_a_hidden_check_without_the_solutions_claims_no_points(student_copy, capsys, monkeypatch):
    from autograder.course import Course

    monkeypatch.chdir(student_copy / "exercises" / "ex01_sigmoid")
    monkeypatch.delenv("DEEPGRADE_WORKER", raising=False)
    assert kernel.grade_check("ex01_sigmoid", "sigmoid_random", hidden=True, history=[SIGMOID],
                              course=Course(student_copy)) is None
    assert kernel.grade("ex01_sigmoid", "sigmoid_random", hidden=True) is None
    assert "graded when your notebook is collected" in capsys.readouterr().out


def test_an_unknown_check_says_to_release_again(course):
    with pytest.raises(kernel.GradingError, match="deepgrade release"):
        kernel.grade_check("ex01_sigmoid", "no_such_check", history=[SIGMOID], course=course)


# -- the nbgrader configuration -----------------------------------------------------------

@pytest.fixture(scope="module")
def config():
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()


def test_config_makes_the_repository_the_course(config):
    from autograder.nbgrader.preprocessors import ReleaseExercise, SkipGradingOnlyCells

    assert config.CourseDirectory.source_directory == "solutions"
    assert config.CourseDirectory.release_directory == "exercises"
    assert "checks.py" in config.CourseDirectory.ignore
    assert config.GenerateAssignment.preprocessors[0] is ReleaseExercise
    from nbgrader.preprocessors import Execute, SaveAutoGrades

    from autograder.nbgrader.autograde import FeedbackWithoutHiddenTests, GradeInSandbox

    pre = config.Autograde.autograde_preprocessors
    # no kernel at autograde: the sandboxed grading takes Execute's place, before the scores are saved
    assert pre[0] is SkipGradingOnlyCells and pre[1] is GradeInSandbox and Execute not in pre
    assert pre.index(GradeInSandbox) < pre.index(SaveAutoGrades)
    assert config.GenerateFeedback.preprocessors[0] is FeedbackWithoutHiddenTests
    assert config.OverwriteCells.add_missing_cells is True
    # nbgrader validate (the student's kernel): training cells take minutes; an endless loop is interrupted
    assert 120 <= config.Execute.timeout <= 900 and config.Execute.interrupt_on_timeout is True


TF_NOISE = [
    # what TensorFlow 2.21 (CPU) printed on import here, without QUIET_ENV
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
    "I0000 00:00:1795295881.593770    4878 port.cc:153] oneDNN custom operations are on. You may see "
    "slightly different numerical results due to floating-point round-off errors from different "
    "computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.\n"
    "I0000 00:00:1795295881.638520    4878 cpu_feature_guard.cc:227] This TensorFlow binary is optimized "
    "to use available CPU instructions in performance-critical operations.\n"
    "To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow "
    "with the appropriate compiler flags.\n",
    "2025-11-21 10:00:00.123456: I tensorflow/core/util/port.cc:153] oneDNN custom operations are on. "
    "You may see slightly different numerical results due to floating-point round-off errors.\n",
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
    "E0000 00:00:1763718000.123456   12345 cuda_dnn.cc:8310] Unable to register cuDNN factory\n",
    "2025-11-21 10:00:01.5: I tensorflow/core/platform/cpu_feature_guard.cc:210] This TensorFlow binary is "
    "optimized to use available CPU instructions in performance-critical operations.\n"
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow.\n",
    "WARNING:absl:Compiled the loaded model, but the compiled metrics have yet to be built.\n",
    # Keras 3 imports matplotlib, whose first import on a loaded machine says this once
    "Matplotlib is building the font cache; this may take a moment.\n",
]
NOT_NOISE = [
    "Traceback (most recent call last):\n  ValueError: bad shape\n",
    "2025-11-21 10:00:00.123456: I tensorflow/core/util/port.cc:153] oneDNN custom operations are on.\n"
    "my own warning\n",
    "UserWarning: Do not pass an `input_shape` argument to a layer.\n",
]


def test_ignore_pattern_drops_tensorflow_log_lines_only(config):
    from nbgrader.preprocessors import IgnorePattern
    from nbgrader.utils import determine_grade

    pp = IgnorePattern(config=config)
    assert pp.enabled
    for text in TF_NOISE:
        cell = _graded_cell(2, new_output("stream", name="stderr", text=text),
                            new_output("execute_result", data={"text/plain": "2.0"}, execution_count=1))
        cell, _ = pp.preprocess_cell(cell, {}, 0)
        assert determine_grade(cell) == (2.0, 2.0), text
    for text in NOT_NOISE:
        cell = _graded_cell(2, new_output("stream", name="stderr", text=text))
        cell, _ = pp.preprocess_cell(cell, {}, 0)
        assert determine_grade(cell) == (0, 2.0), text


def test_quiet_tensorflow_drops_the_font_cache_notice_and_nothing_else_matplotlib_says(caplog):
    """Keras 3 imports matplotlib; its one-time font-cache notice (logged when building the cache
    takes over 5 s) reached a student's first Keras cell on a loaded machine."""
    import logging

    from autograder.quiet import quiet_tensorflow

    quiet_tensorflow()
    quiet_tensorflow()  # idempotent: one filter
    fonts = logging.getLogger("matplotlib.font_manager")
    assert len(fonts.filters) == 1
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        fonts.warning("Matplotlib is building the font cache; this may take a moment.")
        fonts.warning("findfont: Font family 'Nope' not found.")
    assert [r.getMessage() for r in caplog.records] == ["findfont: Font family 'Nope' not found."]


def test_the_kernel_inherits_quiet_tensorflow_from_the_config():
    """Loading nbgrader_config.py sets QUIET_ENV in nbgrader's process; kernels inherit it."""
    import json
    import os
    import subprocess
    import sys

    from autograder.quiet import QUIET_ENV

    env = {k: v for k, v in os.environ.items() if k not in QUIET_ENV}
    code = ("import json, os\nfrom traitlets.config.loader import PyFileConfigLoader\n"
            f"PyFileConfigLoader('nbgrader_config.py', path={str(ROOT)!r}).load_config()\n"
            f"print(json.dumps({{k: os.environ.get(k) for k in {sorted(QUIET_ENV)!r}}}))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == QUIET_ENV


def test_demo_cells_are_skipped_by_nbgrader_execute(tmp_path, config):
    """The preprocessor tags demo cells; nbgrader's own Execute then does not run them."""
    from nbgrader.preprocessors import Execute

    from autograder.nbgrader.preprocessors import SkipGradingOnlyCells

    nb = new_notebook(cells=[
        new_code_cell("open('ran-normal', 'w').close()"),
        new_code_cell("open('ran-demo', 'w').close()\nraise SystemExit('heavy')", metadata={"tags": ["demo"]}),
        new_code_cell("print('check')", metadata={"tags": ["deepgrade:check"]}),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    resources = {"metadata": {"path": str(tmp_path)}}
    nb, resources = SkipGradingOnlyCells(config=config).preprocess(nb, resources)
    nb, _ = Execute(config=config).preprocess(copy.deepcopy(nb), resources)
    assert (tmp_path / "ran-normal").exists() and not (tmp_path / "ran-demo").exists()
    assert nb.cells[1].outputs[0].text.startswith("(not run while grading")
    assert "skip-execution" in nb.cells[2].metadata.tags and nb.cells[2].outputs[0].text.startswith("(not run")
