"""One ``nbgrader autograde`` run of a class with saboteurs, through the real nbgrader CLI.

Kernel-level attacks (comparison functions patched, the grading function or
module replaced, the display hook, showtraceback, builtins, ``sys.modules``,
``os._exit``, an endless loop, an output flood, edited test cells), attacks on
the file system (the gradebook, other students' submissions, solutions/, the
release, the installed grader, site-packages, the home folder), reads of
secrets (checks.py, the reference, other notebooks), signals to the parent,
a disk filler, helper modules beside the notebook and the IPython habits of
tests/ipython_habits.py, beside ordinary students. For each: the score equals
``deepgrade check --hidden`` on the same notebook; nothing outside the
submission changed; nothing read reaches any output; autograde exits 0.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import os
import site
import sys
from pathlib import Path

import pytest

from autograder import cli
from autograder.nbgrader import roundtrip as rt
from autograder.release.fill import fill_notebook
from ipython_habits import HABITS, TANH_HINT, habit_notebook

ROOT = Path(__file__).resolve().parents[1]
EX = "ex01_sigmoid"
WRONG = "def sigmoid(z):\n    return np.tanh(z)\n"
SECRET = "_hidden_cases"  # a name in solutions/ex01_sigmoid/checks.py that no release shows
MARK = "deepgrade-pwned"
LOAD_TIMEOUT = 10.0


def _cell(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def _with(nb: dict, grade_id: str, source: str) -> dict:
    nb = copy.deepcopy(nb)
    _cell(nb, grade_id)["source"] = source
    return nb


def _add_cell(nb: dict, after: str, source: str) -> dict:
    nb = copy.deepcopy(nb)
    index = nb["cells"].index(_cell(nb, after))
    nb["cells"].insert(index + 1, {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
                                   "execution_count": None})
    return nb


def attacks(course: Path, right: dict) -> dict[str, tuple[dict, dict[str, str]]]:
    """student -> (notebook, files beside it). Every attack hands in a wrong sigmoid."""
    wrong = _with(right, "sigmoid", WRONG)
    home = Path.home()
    sites = site.getsitepackages()[0]
    writes = {
        "gradebook": (f"import sqlite3\ncon = sqlite3.connect({str(course / 'gradebook.db')!r})\n"
                      "con.execute('UPDATE grade SET manual_score = 100')\ncon.commit()\n"),
        "others": (f"import glob\nfor p in glob.glob({str(course / 'submitted' / '*' / EX / '*.ipynb')!r}):\n"
                   f"    open(p, 'a').write('{MARK}')\n"),
        "course": "".join(f"open({str(p)!r}, 'a').write('# {MARK}')\n" for p in (
            course / "solutions" / EX / "checks.py", course / "solutions" / EX / f"{EX}.ipynb",
            course / "exercises" / EX / f"{EX}.ipynb", course / "nbgrader_config.py")),
        "grader": f"open({str(ROOT / 'autograder' / 'nbgrader' / '__init__.py')!r}, 'a').write('# {MARK}')\n",
        "site_packages": f"open({str(Path(sites) / (MARK + '.pth'))!r}, 'w').write('import os')\n",
        "home": (f"open({str(home / (MARK + '.txt'))!r}, 'w').write('x')\n"
                 f"open({str(home / '.bashrc')!r}, 'a').write('# {MARK}')\n"),
    }
    reads = (f"for p in [{str(course / 'solutions' / EX / 'checks.py')!r}, "
             f"{str(course / 'solutions' / EX / (EX + '.ipynb'))!r}, "
             f"{str(course / 'submitted' / 'ada' / EX / (EX + '.ipynb'))!r}]:\n"
             "    print(open(p).read())\n")
    kernel = {
        "patch_compare": ("import numpy as np\nnp.allclose = lambda *a, **k: True\n"
                          "np.isclose = lambda a, b, *x, **k: np.ones(np.shape(a), bool)\n"
                          "np.array_equal = lambda *a, **k: True\n"
                          "np.testing.assert_allclose = lambda *a, **k: None\n" + WRONG),
        "replace_grade": ("import autograder.nbgrader as agn\n"
                          "agn.grade = lambda exercise, check, hidden=False: (print('[pass] ' + check), 2.0)[1]\n"
                          + WRONG),
        "display_hook": ("import sys\nsys.displayhook = lambda value: None\n"
                         "get_ipython().display_formatter = None\n" + WRONG),
        "showtraceback": "get_ipython().showtraceback = lambda *a, **k: None\n" + WRONG,
        "builtins": ("import builtins\nbuiltins.float = lambda *a: 2.0\nbuiltins.isinstance = lambda *a: True\n"
                     + WRONG),
        "sys_modules": ("import sys, types\nsys.modules['autograder.nbgrader'] = types.SimpleNamespace("
                        "grade=lambda *a, **k: 2.0)\nsys.modules['numpy.testing'] = None\n" + WRONG),
        "os_exit": "import os\nos._exit(0)\n" + WRONG,
        "endless_loop": WRONG + "while True:\n    pass\n",
        "flood": WRONG + "import sys\nfor _ in range(200):\n    sys.stdout.write('x' * 1_000_000)\n",
        "signal_parent": (WRONG + "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"
                          "for pid in [int(p) for p in os.listdir('/proc') if p.isdigit()]:\n"
                          "    try:\n        os.kill(pid, signal.SIGKILL) if pid != os.getpid() else None\n"
                          "    except OSError:\n        pass\n"),
        # files under the per-file limit (64 MB) that add up to more than the cap (256 MB)
        "disk_filler": (WRONG + "for i in range(12):\n    with open(f'fill{i}.bin', 'wb') as f:\n"
                        "        for _ in range(32):\n            f.write(b'0' * (1 << 20))\n"),
    }
    students: dict[str, tuple[dict, dict[str, str]]] = {}
    for name, code in kernel.items():
        students[f"k-{name}"] = (_with(right, "sigmoid", code), {})
    for name, code in writes.items():
        students[f"w-{name}"] = (_with(wrong, "p-fake", "import numpy as np\np_fake = 0.8205\n"
                                        f"try:\n" + "".join(f"    {line}\n" for line in code.splitlines())
                                        + "except Exception as exc:\n    print('refused:', type(exc).__name__)\n"),
                                 {})
    students["r-secrets"] = (_with(wrong, "p-fake", "p_fake = 0.8205\ntry:\n"
                                   + "".join(f"    {line}\n" for line in reads.splitlines())
                                   + "except Exception as exc:\n    print('refused:', type(exc).__name__)\n"), {})
    students["t-edited"] = (_with(wrong, "test-sigmoid_values", "2.0"), {})
    # helper modules and a package beside the notebook, right and with the mistake in the helper
    uses_helper = _with(right, "sigmoid", "from mysig import sigmoid\n")
    students["h-right"] = (uses_helper, {"mysig.py": "import numpy as np\n\ndef sigmoid(z):\n"
                                                     "    return 1 / (1 + np.exp(-z))\n"})
    students["h-wrong"] = (uses_helper, {"mysig.py": "import numpy as np\n\n" + WRONG})
    students["h-package"] = (_with(right, "sigmoid", "from mylib.act import sigmoid\n"),
                             {"mylib/__init__.py": "", "mylib/act.py": "import numpy as np\n\ndef sigmoid(z):\n"
                                                                       "    return 1 / (1 + np.exp(-z))\n"})
    return students


def _digest(paths: list[Path]) -> dict[str, str]:
    found = {}
    for root in paths:
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def _check_hidden(notebook: Path, course: Path) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        cli.main(["check", str(notebook), "-e", EX, "--hidden", "--format", "json", "--course", str(course)])
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def autograded(tmp_path_factory):
    course = rt.copy_course(ROOT, tmp_path_factory.mktemp("nbhostile") / "course")
    with open(course / "nbgrader_config.py", "a") as config:  # the endless loop: 10 s, not 60
        config.write(f"\nc.GradeInSandbox.load_timeout = {LOAD_TIMEOUT}\n")
    rt.nbgrader(course, "generate_assignment", EX, "--force")
    release, solution = course / "exercises" / EX / f"{EX}.ipynb", course / "solutions" / EX / f"{EX}.ipynb"
    right = fill_notebook(release, solution)
    students = {"ada": (right, {}), "ben": (_with(right, "sigmoid", WRONG), {})}
    students.update(attacks(course, right))
    for habit in HABITS:
        for is_right in (True, False):
            students[f"i-{habit}-{'right' if is_right else 'wrong'}"] = (habit_notebook(habit, is_right), {})
    for student, (nb, files) in students.items():
        path = rt.submit(course, student, EX, nb)
        for name, text in files.items():
            (path.parent / name).parent.mkdir(parents=True, exist_ok=True)
            (path.parent / name).write_text(text)
    guarded = [course / "solutions", course / "exercises", course / "nbgrader_config.py", course / "submitted",
               ROOT / "autograder", ROOT / "solutions", ROOT / "exercises"]
    before = _digest(guarded)
    sites = Path(site.getsitepackages()[0])
    listings = {str(p): _listing(p) for p in (sites, Path.home())}
    proc = rt.nbgrader(course, "autograde", EX, "--force", timeout=1500)  # raises unless exit 0
    rows = rt.scores(rt.export_grades(course))
    rt.nbgrader(course, "generate_feedback", EX, "--force")
    after = _digest(guarded)
    return {"course": course, "students": students, "rows": rows, "proc": proc, "before": before,
            "after": after, "listings": listings, "listings_after": {p: _listing(Path(p)) for p in listings}}


def test_autograde_exits_0_and_grades_every_student(autograded):
    assert autograded["proc"].returncode == 0
    assert {s for s, _ in autograded["rows"]} == set(autograded["students"])


def test_every_score_equals_deepgrade_check_hidden(autograded):
    course, rows = autograded["course"], autograded["rows"]
    for student in autograded["students"]:
        if student == "k-endless_loop":  # check --hidden would wait its own 60 s: every check timed out
            assert rows[(student, EX)] == (0.0, 12.0)
            continue
        report = _check_hidden(course / "submitted" / student / EX / f"{EX}.ipynb", course)
        assert rows[(student, EX)] == (report["score"], report["max_score"]), student


def test_no_attack_gets_the_points_of_a_right_answer(autograded):
    rows = autograded["rows"]
    assert rows[("ada", EX)] == (12.0, 12.0)
    assert rows[("ben", EX)][0] < 12
    for student in autograded["students"]:
        if student[:2] in ("k-", "w-", "r-", "t-"):
            assert rows[(student, EX)][0] <= rows[("ben", EX)][0], student
    assert rows[("k-os_exit", EX)][0] == 0 and rows[("k-endless_loop", EX)][0] == 0


def test_nothing_outside_the_submission_changed(autograded):
    before, after = autograded["before"], autograded["after"]
    assert after == before, sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    assert autograded["listings_after"] == autograded["listings"]
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{autograded['course'] / 'gradebook.db'}") as gb:
        manual = [g.manual_score for student in autograded["students"]
                  for g in gb.find_submission_notebook(EX, EX, student).grades]
    assert manual and all(m is None for m in manual)


def test_nothing_read_reaches_an_output_or_the_feedback(autograded):
    course = autograded["course"]
    for folder in ("autograded", "feedback"):
        for path in (course / folder).rglob("*"):
            if path.is_file() and path.suffix in (".ipynb", ".html"):
                text = path.read_text()
                assert SECRET not in text and "BEGIN SOLUTION" not in text, path
                if folder == "feedback":
                    assert "HIDDEN TESTS" not in text and "hidden=True" not in text, path


def test_the_disk_filler_is_stopped_with_a_clear_message(autograded):
    nb = json.loads((autograded["course"] / "autograded" / "k-disk_filler" / EX / f"{EX}.ipynb").read_text())
    text = json.dumps(nb)
    assert "No space left on device" in text or "File too large" in text
    assert "limited in size" in text


def test_helper_modules_beside_the_notebook_are_graded(autograded):
    rows, course = autograded["rows"], autograded["course"]
    assert rows[("h-right", EX)] == rows[("h-package", EX)] == (12.0, 12.0)
    assert rows[("h-wrong", EX)] == rows[("ben", EX)]
    nb = (course / "autograded" / "h-wrong" / EX / f"{EX}.ipynb").read_text()
    assert TANH_HINT in nb and "ModuleNotFoundError" not in nb


def test_habits_get_the_plain_codes_points_and_say_what_was_not_run(autograded):
    rows, course = autograded["rows"], autograded["course"]
    for habit, (_, not_run) in HABITS.items():
        assert rows[(f"i-{habit}-right", EX)] == (12.0, 12.0), habit
        assert rows[(f"i-{habit}-wrong", EX)] == rows[("i-plain-wrong", EX)], habit
        nb = json.loads((course / "autograded" / f"i-{habit}-wrong" / EX / f"{EX}.ipynb").read_text())
        said = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
        for line in not_run:  # once, in the first test cell
            assert said.count(line) == 1, (habit, line, said[:2000])
        assert TANH_HINT in json.dumps(nb)
