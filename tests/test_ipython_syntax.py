"""IPython syntax as Jupyter runs it: the cell reader, the grading shell, and every path.

A notebook that runs top to bottom in Jupyter gets the verdicts its code gets
without the magics, and the report says which lines were not run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from autograder.batch import Options, run_batch
from autograder.batch.progress import Progress
from autograder.grade import grade_submission
from autograder.load import program_from_sources
from autograder.load.ipython import transform_cell
from autograder.run.worker import Submission
from ipython_habits import HABITS, TANH_HINT, write_class


# -- the reader ---------------------------------------------------------------------------
@pytest.mark.parametrize("source, python, not_run", [
    ("%matplotlib inline\nimport numpy as np",
     "get_ipython().run_line_magic('matplotlib', 'inline')\nimport numpy as np\n", ()),
    ("!pip install -q numpy\nx = 1", "get_ipython().system('pip install -q numpy')\nx = 1\n",
     ("!pip install -q numpy",)),
    ("files = !ls", "files = get_ipython().getoutput('ls')\n", ("!ls",)),
    ("%%bash\nls /\n", "get_ipython().run_cell_magic('bash', '', 'ls /\\n')\n", ("%%bash",)),
    ("np.exp?", "get_ipython().run_line_magic('pinfo', 'np.exp')\n", ()),
    ("if True:\n    %time x = 1\n", "if True:\n    get_ipython().run_line_magic('time', 'x = 1')\n", ()),
    ("%pip install numpy\n%frob x\n%pip install numpy", None, ("%pip install numpy", "%frob x")),
])
def test_transform_cell_uses_ipython_and_lists_what_will_not_run(source, python, not_run):
    cell = transform_cell(source)
    if python is not None:
        assert cell.source == python
    assert cell.not_run == not_run


@pytest.mark.parametrize("source", ["def f(x):\n    return x % 2\n", "a = '%s!' % 'b'  # what?\n",
                                    "print('50% done!')"])
def test_plain_python_is_left_as_it_is(source):
    cell = transform_cell(source)
    assert cell.source.rstrip("\n") == source.rstrip("\n")
    assert cell.not_run == ()


def test_program_keeps_the_original_cell_and_its_notes_once():
    program = program_from_sources(["!pip install numpy\nimport numpy as np", "x = 1", "!pip install numpy"])
    assert program.not_run == ("!pip install numpy",)
    assert program.cells[0].original.startswith("!pip")
    assert "get_ipython().system" in program.cells[0].source


# -- the grading shell, in the student's process -----------------------------------------
def run_cells(*sources: str) -> Submission:
    program = program_from_sources(list(sources))
    return Submission(program.as_message())


def test_time_and_prun_run_the_body_once_and_keep_what_it_defines():
    sub = run_cells("calls = []", "%%time\ndef f():\n    return 3\ncalls.append(1)\n",
                    "y = %time f()", "%prun -s cumulative calls.append(2)")
    assert sub.cell_errors == []
    assert sub.namespace["f"]() == 3 and sub.namespace["y"] == 3
    assert sub.namespace["calls"] == [1, 2]


def test_timeit_runs_once_and_binds_no_new_names_as_in_ipython():
    sub = run_cells("calls = []", "%timeit -n 100 -r 3 calls.append(1)", "%%timeit\nnew_name = calls.append(2)\n")
    assert sub.namespace["calls"] == [1, 2]
    assert "new_name" not in sub.namespace


def test_capture_keeps_the_output_in_a_variable():
    sub = run_cells("%%capture out\nprint('hello')\nz = 5\n")
    assert sub.namespace["z"] == 5
    assert sub.namespace["out"].stdout == "hello\n"


def test_env_sets_and_reads_variables(monkeypatch):
    monkeypatch.delenv("DG_HABIT", raising=False)
    sub = run_cells("%env DG_HABIT=7", "v = %env DG_HABIT")
    assert sub.namespace["v"] == "7"
    assert os.environ.pop("DG_HABIT") == "7"


def test_writefile_writes_into_the_working_folder_and_is_importable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    sub = run_cells("%%writefile helper_habit.py\nVALUE = 41\n", "from helper_habit import VALUE")
    assert sub.cell_errors == [] and sub.namespace["VALUE"] == 41
    assert (tmp_path / "helper_habit.py").read_text() == "VALUE = 41\n"


def test_shell_escapes_return_empty_output_and_run_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sub = run_cells("files = !touch made_by_shell", "!touch made_by_shell", "%%bash\ntouch made_by_shell\n",
                    "%unknown_magic arg", "display(3)")
    assert sub.cell_errors == []
    assert sub.namespace["files"] == []
    assert not (tmp_path / "made_by_shell").exists()


def test_an_error_in_a_magic_body_names_the_students_line():
    sub = run_cells("%%time\nx = 1\ny = undefined_name\n")
    (error,) = sub.cell_errors
    assert error["types"][0] == "NameError"
    assert error["where"] == "In [1], line 3: y = undefined_name"


def test_cell_outputs_are_kept_for_the_feedback():
    sub = run_cells("print('a')\n1 + 1", "raise ValueError('no')")
    assert sub.outputs[0]["stdout"] == "a\n" and sub.outputs[0]["result"] == "2"
    assert sub.outputs[1]["error"]["types"][0] == "ValueError"


# -- every path: the same verdicts as the code without magics ----------------------------
def _verdicts(result) -> list[tuple]:
    return [(c.name, c.status, c.points, c.hint) for c in result.checks]


@pytest.fixture(scope="module")
def habit_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("habits")
    return folder, write_class(folder / "class")


@pytest.fixture(scope="module")
def checked(habit_class, course):
    folder, students = habit_class
    return {s: grade_submission(folder / "class" / s / "ex01_sigmoid" / "ex01_sigmoid.ipynb", "ex01_sigmoid",
                                hidden=True, course=course) for s in students}


@pytest.mark.parametrize("habit", sorted(HABITS))
def test_deepgrade_check_gives_the_plain_codes_verdicts(checked, habit):
    right, wrong = checked[f"{habit}-right"], checked[f"{habit}-wrong"]
    assert right.score == right.max_score == 12, right.to_json()
    assert _verdicts(right) == _verdicts(checked["plain-right"])
    assert _verdicts(wrong) == _verdicts(checked["plain-wrong"])
    assert any(TANH_HINT in c.hint for c in wrong.checks)
    for expected in HABITS[habit][1]:
        assert sum(expected in n for n in right.notes) == 1, right.notes
    if not HABITS[habit][1]:
        assert not any("not run" in n for n in right.notes), right.notes
    assert not any("raised" in n for n in right.notes + wrong.notes), right.notes + wrong.notes


def test_deepgrade_grade_agrees_with_check(tmp_path, checked, course):
    # A class of its own: `deepgrade check` ran %%writefile in the other one, as Jupyter would.
    students = write_class(tmp_path / "class")
    batch = run_batch(course, tmp_path / "class", tmp_path / "out", Options(workers=2),
                      progress=Progress(len(students), stream=open(os.devnull, "w")), log=lambda _: None)
    graded = {r.student: r.to_json() for r in batch.records}  # as results.json keeps them
    assert set(graded) == set(students)
    for student, result in checked.items():
        record = graded[student]
        assert [(c["name"], c["status"], c["points"], c["hint"]) for c in record["checks"]] == \
            _verdicts(result), student
        assert record["notes"] == result.notes, student


def test_the_check_cell_reads_the_kernel_history_the_same_way(course):
    from autograder.nbgrader.kernel import grade_check

    history = ["!pip install -q numpy\nimport numpy as np", "%%time\n" + "def sigmoid(z):\n    return np.tanh(z)\n"]
    result = grade_check("ex01_sigmoid", "sigmoid_values", history=history, course=course)
    assert result is not None and result.status == "failed"
    assert TANH_HINT in result.hint


def test_pytest_on_a_release_with_magics_gives_the_same_points_and_notes(student_copy):
    import subprocess
    import sys

    from ipython_habits import habit_notebook

    nb = habit_notebook("pip_escape", right=False)
    (student_copy / "exercises" / "ex01_sigmoid" / "ex01_sigmoid.ipynb").write_text(json.dumps(nb))
    proc = subprocess.run([sys.executable, "-m", "pytest", "exercises/ex01_sigmoid"], cwd=student_copy,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout
    assert TANH_HINT in proc.stdout
    assert "ex01_sigmoid note: `!pip install -q numpy` was not run while grading" in proc.stdout
    assert proc.stdout.count("was not run while grading") == 1
    assert "SyntaxError" not in proc.stdout
