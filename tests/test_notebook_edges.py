"""The notebook file at its edges: links, encodings, formats, sizes, ids, and the course's cells restored.

Every attack here comes through what surrounds a student's code, not the code:
each is read to a clean notebook with a note, or refused with a reason, and
never raises anything but :class:`SubmissionError`.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
from pathlib import Path

import nbformat
import pytest

from autograder import cli
from autograder.batch.discover import discover
from autograder.load import SubmissionError, load_program
from autograder.load import notebook_file as nf
from autograder.load.restore import restore_course_cells
from autograder.release.fill import fill_notebook

ROOT = Path(__file__).resolve().parents[1]
EX = "ex01_sigmoid"
RELEASE = ROOT / "exercises" / EX / f"{EX}.ipynb"
SOLUTION = ROOT / "solutions" / EX / f"{EX}.ipynb"
WRONG = "import numpy as np\n\ndef sigmoid(z):\n    return np.tanh(z)\n"


@pytest.fixture(scope="module")
def right() -> dict:
    return fill_notebook(RELEASE, SOLUTION)


def _write(nb: dict | bytes, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(nb if isinstance(nb, bytes) else json.dumps(nb).encode())
    return path


def _test_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")
            and not c["metadata"]["nbgrader"].get("solution")]


def _cell(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def _sources(path: Path, reference: Path | None = RELEASE) -> list[str]:
    return [c.source for c in load_program(path, reference=reference, submitted=True).cells]


# --- the reader -----------------------------------------------------------------------------------

def test_outputs_are_stripped_and_the_result_is_valid_nbformat(right):
    nb = copy.deepcopy(right)
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * 1000}]
    code["execution_count"] = 7
    read = nf.parse_notebook(json.dumps(nb).encode(), "nb.ipynb")
    assert all(c.get("outputs", []) == [] for c in read.notebook["cells"])
    nbformat.validate(nbformat.from_dict(read.notebook))


def test_invalid_and_repeated_cell_ids_are_replaced_with_a_note(right):
    nb = copy.deepcopy(right)
    nb["cells"][0]["id"] = "not valid!"
    nb["cells"][1]["id"] = nb["cells"][2]["id"] = "same"
    nb["cells"][3]["id"] = "x" * 65
    read = nf.parse_notebook(json.dumps(nb).encode(), "nb.ipynb")
    ids = [c["id"] for c in read.notebook["cells"]]
    assert len(set(ids)) == len(ids) and "not valid!" not in ids
    assert any("3 cell id(s)" in n for n in read.notes)
    nbformat.validate(nbformat.from_dict(read.notebook))


def test_metadata_of_the_wrong_type_is_dropped(right):
    nb = copy.deepcopy(right)
    nb["cells"][0]["metadata"] = {"tags": 5, "collapsed": "yes", "nbgrader": [], "mine": {"a": 1}}
    nb["metadata"]["kernelspec"] = "python3"
    nb["cells"][1]["metadata"] = "not a dict"
    read = nf.parse_notebook(json.dumps(nb).encode(), "nb.ipynb")
    assert read.notebook["cells"][0]["metadata"] == {"mine": {"a": 1}}
    assert read.notebook["cells"][1]["metadata"] == {}
    assert "kernelspec" not in read.notebook["metadata"]
    nbformat.validate(nbformat.from_dict(read.notebook))


def test_invalid_utf8_is_read_with_a_note_and_the_code_still_runs(right, tmp_path):
    nb = copy.deepcopy(right)
    next(c for c in nb["cells"] if c["cell_type"] == "markdown")["source"] = "Notes BAD-BYTE"
    raw = json.dumps(nb).encode().replace(b"BAD-BYTE", b"caf\xe9 \xff")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    program = load_program(_write(raw, tmp_path / "nb.ipynb"), submitted=True)
    assert any("not valid UTF-8" in n for n in program.notes)
    assert _sources(tmp_path / "nb.ipynb") == _sources(_write(right, tmp_path / "clean.ipynb"))


def test_nbformat_3_is_read(tmp_path):
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "heading", "level": 2, "source": "Title", "metadata": {}},
        {"cell_type": "code", "input": "x = 1\n", "language": "python", "outputs": [], "metadata": {}},
    ]}]}
    read = nf.read_notebook_file(_write(v3, tmp_path / "old.ipynb"))
    assert [c["cell_type"] for c in read.notebook["cells"]] == ["markdown", "code"]
    assert read.notebook["cells"][0]["source"] == "## Title"
    assert _sources(tmp_path / "old.ipynb", None) == ["x = 1\n"]


@pytest.mark.parametrize("text, why", [
    (b"[1, 2]", "not an object"), (b"{\"cells\": 3}", "no cells"), (b"{", "not valid notebook JSON"),
    (b"[" * 100_000, "not valid notebook JSON|nested too deep"),
])
def test_what_is_no_notebook_is_refused_with_the_reason(text, why, tmp_path):
    with pytest.raises(SubmissionError, match=why):
        load_program(_write(text, tmp_path / "nb.ipynb"), submitted=True)


def test_past_the_size_limits_the_student_is_told_the_limit(right, tmp_path, monkeypatch):
    path = _write(right, tmp_path / "nb.ipynb")
    monkeypatch.setattr(nf, "MAX_NOTEBOOK_BYTES", 1000)
    with pytest.raises(SubmissionError, match="more than the 0 MB|Clear Outputs"):
        load_program(path, submitted=True)
    monkeypatch.setattr(nf, "MAX_NOTEBOOK_BYTES", 128 << 20)
    monkeypatch.setattr(nf, "MAX_SOURCE_BYTES", 100)
    with pytest.raises(SubmissionError, match="of code and text"):
        load_program(path, submitted=True)


def test_attachments_past_their_limit_are_left_out_with_a_note(right, monkeypatch):
    nb = copy.deepcopy(right)
    md = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    md["attachments"] = {"a.png": {"image/png": "A" * 5000}}
    monkeypatch.setattr(nf, "MAX_ATTACHMENT_BYTES", 1000)
    read = nf.parse_notebook(json.dumps(nb).encode(), "nb.ipynb")
    assert not any("attachments" in c for c in read.notebook["cells"])
    assert any("attachments" in n for n in read.notes)


# --- links ------------------------------------------------------------------------------------------

def test_a_symlinked_notebook_is_refused(right, tmp_path):
    target = _write(right, tmp_path / "other" / f"{EX}.ipynb")
    (tmp_path / "me").mkdir()
    (tmp_path / "me" / f"{EX}.ipynb").symlink_to(target)
    with pytest.raises(SubmissionError, match="a link to another file"):
        load_program(tmp_path / "me" / f"{EX}.ipynb", submitted=True)


def test_a_hard_linked_notebook_is_refused(right, tmp_path):
    target = _write(right, tmp_path / "other" / f"{EX}.ipynb")
    (tmp_path / "me").mkdir()
    os.link(target, tmp_path / "me" / f"{EX}.ipynb")
    with pytest.raises(SubmissionError, match="hard link"):
        load_program(tmp_path / "me" / f"{EX}.ipynb", submitted=True)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    os.mkfifo(tmp_path / f"{EX}.ipynb")
    with pytest.raises(SubmissionError, match="not a regular file"):
        load_program(tmp_path / f"{EX}.ipynb", submitted=True)


def test_discovery_refuses_links_with_the_reason(right, tmp_path):
    cls = tmp_path / "class"
    ada = _write(right, cls / "ada" / EX / f"{EX}.ipynb")
    (cls / "ben" / EX).mkdir(parents=True)
    (cls / "ben" / EX / f"{EX}.ipynb").symlink_to(ada)
    (cls / "cleo").symlink_to(cls / "ada")  # a student folder that is another's
    (cls / "dan").mkdir()
    os.link(ada, cls / "dan" / f"{EX}.ipynb")
    found = {f.student: f for f in discover(cls, [EX], tmp_path / "unpack")}
    assert found["ben"].path is None and "link" in found["ben"].problem and not found["ben"].missing
    assert found["dan"].path is None and "hard link" in found["dan"].problem
    assert found["cleo"].path is None and "link" in found["cleo"].problem
    # the linked-to file itself has two links now: ada's own notebook is refused too, and said so
    assert "hard link" in found["ada"].problem


def _check_hidden(path: Path) -> tuple[int, dict | None, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(["check", str(path), "-e", EX, "--hidden", "--format", "json", "--course", str(ROOT)])
        except SystemExit as exc:
            code = int(exc.code or 0)
    text = out.getvalue()
    return code, json.loads(text) if text.strip().startswith("{") else None, err.getvalue()


def test_check_hidden_refuses_a_symlinked_notebook(right, tmp_path):
    target = _write(right, tmp_path / "other" / f"{EX}.ipynb")
    (tmp_path / "me").mkdir()
    (tmp_path / "me" / f"{EX}.ipynb").symlink_to(target)
    code, report, err = _check_hidden(tmp_path / "me" / f"{EX}.ipynb")
    assert code != 0 and report is None and "link" in err


def test_check_hidden_gives_a_notebook_with_a_100_mb_output_the_score_without_it(right, tmp_path):
    clean = _check_hidden(_write(right, tmp_path / "clean" / f"{EX}.ipynb"))[1]
    big = copy.deepcopy(right)
    code = next(c for c in big["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * (100 << 20)}]
    heavy = _check_hidden(_write(big, tmp_path / "big" / f"{EX}.ipynb"))[1]
    assert clean is not None and heavy is not None
    assert clean["score"] == clean["max_score"] == 12
    assert heavy["score"] == clean["score"]


# --- the course's cells restored --------------------------------------------------------------------

def _meta(nb: dict, grade_id: str) -> dict:
    return _cell(nb, grade_id)["metadata"]["nbgrader"]


def _attacks(right: dict) -> dict[str, dict]:
    """name -> a right notebook with its metadata damaged in one way."""
    made: dict[str, dict] = {}

    def attack(name):
        def wrap(edit):
            nb = copy.deepcopy(right)
            edit(nb)
            made[name] = nb
        return wrap

    first = _test_cells(right)[0]["metadata"]["nbgrader"]["grade_id"]

    @attack("schema_99")
    def _(nb): _meta(nb, first)["schema_version"] = 99

    @attack("schema_1")
    def _(nb): _meta(nb, "sigmoid")["schema_version"] = 1

    @attack("grade_false")
    def _(nb): _meta(nb, first)["grade"] = False

    @attack("solution_true")
    def _(nb): _meta(nb, first)["solution"] = True

    @attack("renamed_grade_id")
    def _(nb): _meta(nb, first)["grade_id"] = "mine"

    @attack("fake_50_points")
    def _(nb): nb["cells"].insert(1, {"cell_type": "code", "metadata": {"nbgrader": {
        "grade": True, "grade_id": "bonus", "points": 50, "solution": False, "locked": False,
        "schema_version": 3, "task": False}}, "source": "print('bonus')", "outputs": [], "execution_count": None})

    @attack("duplicated_test_cell")
    def _(nb):
        cell = _cell(nb, first)
        nb["cells"].insert(nb["cells"].index(cell), copy.deepcopy(cell))

    @attack("empty_nbgrader")
    def _(nb): _cell(nb, first)["metadata"]["nbgrader"] = {}

    @attack("task_true")
    def _(nb): _meta(nb, first)["task"] = True

    @attack("extra_key")
    def _(nb): _meta(nb, first)["points_bonus"] = 10

    @attack("deleted_test_cell")
    def _(nb): nb["cells"].remove(_cell(nb, first))

    return made


def test_every_metadata_attack_gets_the_course_cells_back_and_keeps_the_students_code(right):
    reference = json.loads(RELEASE.read_text())
    src = lambda c: "".join(c["source"]) if isinstance(c["source"], list) else c["source"]  # noqa: E731
    want = [(src(c), c["metadata"]) for c in _test_cells(reference)]
    for name, nb in _attacks(right).items():
        restored, notes = restore_course_cells(nf.parse_notebook(json.dumps(nb).encode(), "x").notebook, reference)
        assert [(src(c), c["metadata"]) for c in _test_cells(restored)] == want, name
        assert notes, name
        assert "np.exp" in "".join(c["source"] for c in restored["cells"]), name  # the student's answer kept
        ids = [c["id"] for c in restored["cells"]]
        assert len(set(ids)) == len(ids), name
        # a test cell sits right after the answer cell it grades, as in the course's notebook
        names = [c["metadata"].get("nbgrader", {}).get("grade_id") for c in restored["cells"]]
        assert names.index("sigmoid") < names.index(want[0][1]["nbgrader"]["grade_id"]), name


def test_every_metadata_attack_runs_the_same_code_as_the_untouched_notebook(right, tmp_path):
    want = _sources(_write(right, tmp_path / "right.ipynb"))
    for name, nb in _attacks(right).items():
        program = load_program(_write(nb, tmp_path / name / f"{EX}.ipynb"), reference=RELEASE, submitted=True)
        extra = ["print('bonus')"] if name == "fake_50_points" else []  # the student's own code: it runs
        assert [c.source for c in program.cells] == extra + want, name
        assert program.notes, name


def test_an_answer_cell_turned_into_markdown_is_put_back_as_code(right, tmp_path):
    nb = copy.deepcopy(right)
    _cell(nb, "sigmoid")["cell_type"] = "markdown"
    program = load_program(_write(nb, tmp_path / "nb.ipynb"), reference=RELEASE, submitted=True)
    assert any("np.exp" in c.source for c in program.cells)
    assert any("answer cell 'sigmoid'" in n for n in program.notes)


def test_no_solution_ever_comes_from_the_source_notebook(tmp_path):
    stub = nf.read_notebook_file(RELEASE).notebook
    restored, _ = restore_course_cells(stub, json.loads(SOLUTION.read_text()))
    text = "".join(c["source"] for c in restored["cells"])
    assert "1.0 / (1.0 + np.exp" not in text and "p_fake = 1 / (1 + np.exp" not in text
    assert "1.0 / (1.0 + np.exp" in SOLUTION.read_text()


def test_the_sandbox_copy_leaves_out_links_fifos_and_shared_hard_links(right, tmp_path):
    from autograder.isolate.submission import make_scratch, submission_files

    me = _write(right, tmp_path / "me" / f"{EX}.ipynb")
    (tmp_path / "secret.py").write_text("ANSWER = 42\n")
    (me.parent / "notes.py").symlink_to(tmp_path / "secret.py")
    (me.parent / "gone.txt").symlink_to(tmp_path / "no-such-file")
    os.mkfifo(me.parent / "pipe.txt")
    os.link(tmp_path / "secret.py", me.parent / "shared.py")
    (me.parent / "mine.py").write_text("MINE = 1\n")
    files = submission_files(me, True)
    assert sorted(p.name for p in files.files) == sorted([me.name, "mine.py"])
    assert sorted(files.left_out) == ["gone.txt", "notes.py", "pipe.txt", "shared.py"]
    (tmp_path / "scratch-parent").mkdir()
    scratch = make_scratch(tmp_path / "scratch-parent", files)
    copied = sorted(p.name for p in scratch.rglob("*"))
    assert copied == sorted([me.name, "mine.py"])
    assert all(not p.is_symlink() for p in scratch.rglob("*"))
    assert json.loads((scratch / me.name).read_text())["cells"]  # the notebook, its outputs stripped
