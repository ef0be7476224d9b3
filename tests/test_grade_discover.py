"""Finding submissions in the layouts instructors actually get."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from autograder.batch.discover import discover

EXERCISES = ["ex01_sigmoid", "ex02_forward_pass", "ex03_decision_boundary", "ex04_nll"]


def touch(path: Path, text: str = "x = 1\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def table(found):
    return {(f.student, f.exercise): f for f in found}


def test_nbgrader_submitted_layout(tmp_path):
    touch(tmp_path / "submitted" / "ada" / "ex01_sigmoid" / "ex01_sigmoid.ipynb")
    touch(tmp_path / "submitted" / "ben" / "ex01_sigmoid" / "ex01_sigmoid.ipynb")
    touch(tmp_path / "submitted" / "ben" / "ex01_sigmoid" / ".ipynb_checkpoints" / "ex01_sigmoid-checkpoint.ipynb")
    found = table(discover(tmp_path, EXERCISES, tmp_path / "unpacked"))
    assert set(found) == {("ada", "ex01_sigmoid"), ("ben", "ex01_sigmoid")}
    assert found[("ada", "ex01_sigmoid")].own_folder and not found[("ben", "ex01_sigmoid")].notes


def test_lms_download_of_flat_files_and_zips(tmp_path):
    touch(tmp_path / "ada_ex01_sigmoid.ipynb")
    touch(tmp_path / "ben_12345_67890_ex01_sigmoid.py")
    touch(tmp_path / "ben_12345_67890_ex02_forward_pass.py")
    with zipfile.ZipFile(tmp_path / "cleo.zip", "w") as zf:
        zf.writestr("homework/ex01_sigmoid.ipynb", "{}")
        zf.writestr("../../escape_ex02_forward_pass.py", "x = 1")  # zip slip: ignored
    (tmp_path / "dan.zip").write_bytes(b"not a zip")
    found = table(discover(tmp_path, EXERCISES, tmp_path / "out" / "unpacked"))
    assert found[("ada", "ex01_sigmoid")].path.name == "ada_ex01_sigmoid.ipynb"
    # Canvas's naming: the student is keyed by the user id, never merged into another "ben"
    assert found[("ben (12345)", "ex02_forward_pass")].path.name.endswith("ex02_forward_pass.py")
    assert found[("ben (12345)", "ex02_forward_pass")].handed.submitter.lms_id == "12345"
    assert found[("cleo", "ex01_sigmoid")].path.is_relative_to(tmp_path / "out" / "unpacked")
    assert found[("cleo", "ex02_forward_pass")].path is None
    assert not list(tmp_path.rglob("escape_*"))  # not above the student's unpack folder either
    assert "not a readable zip" in found[("dan", "ex01_sigmoid")].problem
    assert "no submission" in found[("ada", "ex02_forward_pass")].problem


def test_wrong_names_duplicates_and_strays(tmp_path):
    touch(tmp_path / "ada" / "ex01_sigmoid" / "sigmoid_final.py")
    os.utime(touch(tmp_path / "ben" / "ex01_sigmoid.py"), (2_000_000_000, 2_000_000_000))
    os.utime(touch(tmp_path / "ben" / "ex01_sigmoid_v2.ipynb"), (1_900_000_000, 1_900_000_000))
    touch(tmp_path / "cleo" / "homework.ipynb")
    found = table(discover(tmp_path, EXERCISES, tmp_path / "u", only=["ex01_sigmoid"]))
    assert "expected ex01_sigmoid.ipynb; graded sigmoid_final.py" in found[("ada", "ex01_sigmoid")].notes[0]
    assert found[("ben", "ex01_sigmoid")].path.name == "ex01_sigmoid.py"  # the latest file wins
    assert "2 files" in found[("ben", "ex01_sigmoid")].notes[-1]
    assert "homework.ipynb, which name no exercise" in found[("cleo", "ex01_sigmoid")].problem


def test_the_output_folder_inside_the_class_is_not_a_student(tmp_path):
    touch(tmp_path / "ada" / "ex01_sigmoid.py")
    touch(tmp_path / "out" / "unpacked" / "x" / "ex01_sigmoid.py")
    found = discover(tmp_path, EXERCISES, tmp_path / "out" / "unpacked", exclude=(tmp_path / "out",))
    assert {f.student for f in found} == {"ada"}


def test_files_of_exercises_left_out_are_said_not_graded(tmp_path):
    from autograder.batch.discover import discover_class

    touch(tmp_path / "ada" / "ex01_sigmoid.py")
    touch(tmp_path / "ada" / "ex02_forward_pass.py")
    found = discover_class(tmp_path, EXERCISES, tmp_path / "u", only=["ex01_sigmoid"])
    assert [(f.student, f.exercise) for f in found.found] == [("ada", "ex01_sigmoid")]
    fates = {f.handed: (f.fate.value, f.why) for f in found.download.files}
    assert fates["ada/ex02_forward_pass.py"] == ("refused", "not graded in this run (--exercise ex01_sigmoid)")
