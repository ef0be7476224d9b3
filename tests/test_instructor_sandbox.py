"""Every instructor path runs a student's code in the sandbox, on the same files.

``deepgrade check --hidden`` and ``deepgrade grade`` give the same score to a
submission that reaches for the reference, to one with helper modules beside it
(right, or with the mistake in the helper), and to one that fills its folder.
(``nbgrader autograde`` on the same kinds of submission: tests/test_nbgrader_hostile.py.)
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from autograder import cli
from autograder.batch import Options, run_batch
from autograder.isolate.submission import MAX_FILES, submission_files

ROOT = Path(__file__).resolve().parents[1]
GOOD = (ROOT / "tests" / "hostile" / "_good.py").read_text()
TANH = "import numpy as np\n\ndef sigmoid(z):\n    return np.tanh(z)\n"
RIGHT = "import numpy as np\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"
REST = ("p_fake = 1 / (1 + np.exp(-1.52))\n\ndef predict_no_hidden(X, W, b):\n"
        "    return sigmoid(X @ W + b)\n")
COPY_REFERENCE = f"""
import json, numpy as np
nb = json.load(open({str(ROOT / 'solutions' / 'ex01_sigmoid' / 'ex01_sigmoid.ipynb')!r}))
for cell in nb["cells"]:
    if cell["cell_type"] == "code" and "grade" not in "".join(cell["source"])[:60]:
        try:
            exec("".join(cell["source"]))
        except Exception:
            pass
"""


def check(path: Path, hidden: bool) -> dict:
    out = io.StringIO()
    args = ["check", str(path), "-e", "ex01_sigmoid", "--format", "json", "--course", str(ROOT)]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        cli.main(args + (["--hidden"] if hidden else []))
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    base = tmp_path_factory.mktemp("instructor")
    students = {
        "copier": {"ex01_sigmoid.py": COPY_REFERENCE},
        "helper_right": {"ex01_sigmoid.py": "import numpy as np\nfrom mysig import sigmoid\n" + REST,
                         "mysig.py": RIGHT},
        "helper_wrong": {"ex01_sigmoid.py": "import numpy as np\nfrom mysig import sigmoid\n" + REST,
                         "mysig.py": TANH},
        "package": {"ex01_sigmoid.py": "import numpy as np\nfrom mylib.act import sigmoid\n" + REST,
                    "mylib/__init__.py": "", "mylib/act.py": RIGHT},
        "filler": {"ex01_sigmoid.py": GOOD + "\nfor i in range(12):\n    with open(f'f{i}.bin', 'wb') as f:\n"
                                             "        for _ in range(32):\n            f.write(b'0' * (1 << 20))\n"},
    }
    for student, files in students.items():
        for name, text in files.items():
            path = base / "class" / student / "ex01_sigmoid" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    batch = run_batch(__import__("autograder.course", fromlist=["Course"]).Course(ROOT), base / "class",
                      base / "out", Options(workers=2), log=lambda _: None)
    return base / "class", {r.student: r.to_json() for r in batch.records}  # as results.json keeps them


def _path(folder: Path, student: str) -> Path:
    return folder / student / "ex01_sigmoid" / "ex01_sigmoid.py"


def test_check_hidden_cannot_read_the_reference(klass):
    folder, graded = klass
    report = check(_path(folder, "copier"), hidden=True)
    assert report["score"] == graded["copier"]["score"] == 0


@pytest.mark.parametrize("student", ["helper_right", "helper_wrong", "package"])
def test_files_beside_the_submission_reach_every_path(klass, student):
    folder, graded = klass
    own, hidden = check(_path(folder, student), hidden=False), check(_path(folder, student), hidden=True)
    record = graded[student]
    assert [(c["name"], c["status"], c["hint"]) for c in hidden["checks"]] == \
        [(c["name"], c["status"], c["hint"]) for c in record["checks"]]
    assert hidden["score"] == record["score"]
    assert [c["status"] for c in own["checks"]] == [c["status"] for c in hidden["checks"] if not c["hidden"]]
    if student == "helper_wrong":
        assert record["score"] < record["max_score"]
        assert any("tanh" in c["hint"] for c in record["checks"])
        assert "ModuleNotFoundError" not in json.dumps(record)
    else:
        assert record["score"] == record["max_score"] == 12


def test_a_submission_that_fills_its_folder_is_stopped_with_a_clear_message(klass):
    _, graded = klass
    record = graded["filler"]
    notes = " ".join(record["notes"])
    assert "No space left on device" in notes and "limited in size" in notes
    assert record["score"] == record["max_score"]  # its answers were right: only the writing failed
    assert len(graded) == 5


def test_what_the_sandbox_gets_is_bounded_and_said(tmp_path):
    main = tmp_path / "ex01_sigmoid.ipynb"
    main.write_text("{}")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text("x = 1")
    (tmp_path / ".secret").write_text("no")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "a.pyc").write_text("no")
    os.symlink("/etc/passwd", tmp_path / "passwd")
    files = submission_files(main, whole_folder=True)
    assert [str(p.relative_to(tmp_path)) for p in files.files] == ["ex01_sigmoid.ipynb", "pkg/mod.py"]
    assert files.left_out == ("passwd",)  # links could point anywhere; hidden files and caches: not said
    assert "were not given to the grader" in files.notes()[0]
    assert submission_files(main, whole_folder=False).files == (main.resolve(),)
    for i in range(MAX_FILES):
        (tmp_path / f"data{i:03d}.txt").write_text("1")
    files = submission_files(main, whole_folder=True)
    assert len(files.files) == MAX_FILES and files.files[0].name == "ex01_sigmoid.ipynb"
    assert set(files.left_out) == {"data199.txt", "passwd", "pkg/mod.py"}


def test_a_course_can_refuse_files_beside_a_submission(tmp_path):
    from autograder.course import Course

    (tmp_path / "exercises").mkdir()
    (tmp_path / "deepgrade.toml").write_text('[submissions]\nreject = ["*.h5", "weights/*"]\n')
    folder = tmp_path / "sub"
    (folder / "weights").mkdir(parents=True)
    main = folder / "ex05_mlp.ipynb"
    main.write_text("{}")
    for name in ("model.h5", "weights/w.npy", "helper.py"):
        (folder / name).write_text("x")
    files = submission_files(main, True, Course(tmp_path).rejected_files)
    assert [p.name for p in files.files] == ["ex05_mlp.ipynb", "helper.py"]
    assert files.rejected == ("model.h5", "weights/w.npy")
    assert "does not accept" in " ".join(files.notes())
    assert Course(ROOT).rejected_files == ()
