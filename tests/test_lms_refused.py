"""A student whose only file is refused is still a student: every LMS layout, with and without a roster.

A download's zip may hold a member that cannot be unpacked (a link, a path that leads out, a
name past the file system's 255 bytes), a student's own zip may, and a student may hand in a
folder named like a notebook. Whatever the layout, that student gets a row: 0 for the exercise,
with the refused file named (an error, not "handed in nothing"), in discovery, in the grades and
in the LMS's import file; never a file listed as refused with nobody's name on it.
"""

from __future__ import annotations

import csv
import json
import stat
import zipfile
from pathlib import Path

import pytest
from lms_downloads import RIGHT

from autograder.batch.discover import discover_class
from autograder.cli import main
from autograder.lms.model import Fate
from autograder.lms.roster import read_roster

ROOT = Path(__file__).resolve().parents[1]
EX = "ex01_sigmoid"
EXERCISES = [EX, "ex02_forward_pass", "ex03_decision_boundary", "ex04_nll"]
WHEN = (2026, 3, 1, 12, 0, 0)
GS_META = ("submission_111:\n  :submitters:\n  - :name: Ada Lovelace\n    :sid: '2001'\n"
           "  :created_at: 2026-03-01 12:05:00.000000000 -07:00\n"
           "submission_112:\n  :submitters:\n  - :name: Charles Babbage\n    :sid: '2002'\n"
           "  :created_at: 2026-03-01 12:06:00.000000000 -07:00\n")
BB = "Homework 1_{user}_attempt_2026-03-01-10-00-00"

#: layout -> (the good student's file, the refused student's file, other files, the refused student's id
#: without and with a roster, the roster's rows: id, name)
LAYOUTS: dict[str, tuple[str, str, dict[str, str], str, str, list[tuple[str, str]]]] = {
    "canvas": ("lovelaceada_1001_5001_ex01_sigmoid.ipynb", "babbagecharles_1002_5002_ex01_sigmoid.ipynb", {},
               "1002", "1002", [("1001", "Lovelace, Ada"), ("1002", "Babbage, Charles")]),
    "moodle": ("Ada Lovelace_801_assignsubmission_file_/ex01_sigmoid.ipynb",
               "Charles Babbage_802_assignsubmission_file_/ex01_sigmoid.ipynb", {},
               "802", "802", [("801", "Ada Lovelace"), ("802", "Charles Babbage")]),
    "blackboard": (BB.format(user="alovelace") + "_ex01_sigmoid.ipynb",
                   BB.format(user="cbabbage") + "_ex01_sigmoid.ipynb",
                   {BB.format(user="cbabbage") + ".txt": "Name: Charles Babbage (cbabbage)\n"},
                   "cbabbage", "cbabbage", [("alovelace", "Ada Lovelace"), ("cbabbage", "Charles Babbage")]),
    "brightspace": ("101-201 - Ada Lovelace - Mar 29, 2026 1205 PM - ex01_sigmoid.ipynb",
                    "101-202 - Charles Babbage - Mar 29, 2026 1210 PM - ex01_sigmoid.ipynb", {},
                    "Charles Babbage", "cbabbage", [("alove", "Ada Lovelace"), ("cbabbage", "Charles Babbage")]),
    "gradescope": ("submission_111/ex01_sigmoid.ipynb", "submission_112/ex01_sigmoid.ipynb",
                   {"submission_metadata.yml": GS_META}, "2002", "2002", [("2001", "Ada Lovelace"),
                                                                          ("2002", "Charles Babbage")]),
    "nbgrader": ("submitted/ada/ex01_sigmoid/ex01_sigmoid.ipynb", "submitted/cbabbage/ex01_sigmoid/ex01_sigmoid.ipynb",
                 {}, "cbabbage", "cbabbage", [("ada", "Ada Lovelace"), ("cbabbage", "Charles Babbage")]),
    "folders": ("ada/homework/ex01_sigmoid.ipynb", "cbabbage/homework/ex01_sigmoid.ipynb", {},
                "cbabbage", "cbabbage", [("ada", "Ada Lovelace"), ("cbabbage", "Charles Babbage")]),
    "flat": ("ada_ex01_sigmoid.ipynb", "cbabbage_ex01_sigmoid.ipynb", {},
             "cbabbage", "cbabbage", [("ada", "Ada Lovelace"), ("cbabbage", "Charles Babbage")]),
}


def _link(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, WHEN)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16  # what `zip -y` writes for a symbolic link
    return info


def _refused_member(kind: str, name: str) -> tuple[zipfile.ZipInfo, str]:
    """The refused student's only file, as a member that cannot be unpacked."""
    if kind == "link":
        return _link(name), "../../../solutions/ex01_sigmoid/ex01_sigmoid.ipynb"
    if kind == "escape":
        return zipfile.ZipInfo("../../" + name, WHEN), RIGHT
    head, _, file = name.rpartition("/") if "/" in name else ("", "", name)
    long = file.replace("ex01_sigmoid", "é" * 120 + "_ex01_sigmoid")  # past 255 bytes: not writable here
    return zipfile.ZipInfo(f"{head}/{long}" if head else long, WHEN), RIGHT


def download(path: Path, layout: str, kind: str = "link") -> Path:
    good, refused, others, *_ = LAYOUTS[layout]
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo(good, WHEN), RIGHT)
        zf.writestr(*_refused_member(kind, refused))
        for name, text in others.items():
            zf.writestr(zipfile.ZipInfo(name, WHEN), text)
    return path


def roster(path: Path, layout: str) -> Path:
    rows = LAYOUTS[layout][5] + [("9999", "Grace Hopper")]  # on the roster, handed in nothing
    path.write_text("id,name\n" + "".join(f'{i},"{n}"\n' for i, n in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("with_roster", [False, True], ids=["no-roster", "roster"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_student_whose_only_file_is_a_refused_member_has_a_row(tmp_path, layout, with_roster):
    *_, plain_id, roster_id, _rows = LAYOUTS[layout]
    class_list = read_roster(roster(tmp_path / "roster.csv", layout)) if with_roster else None
    found = discover_class(download(tmp_path / "dl.zip", layout), EXERCISES, tmp_path / "unpacked",
                           roster=class_list)
    assert found.download.source == layout
    rows = {(f.handed.submitter.lms_id, f.exercise): f for f in found.found}
    want = roster_id if with_roster else plain_id
    row = rows[(want, EX)]
    assert row.path is None and not row.missing, row  # an error with its reason, not "handed in nothing"
    assert "is a link in the zip" in row.problem and "ex01_sigmoid.ipynb" in row.problem
    assert {e for _, e in rows} == {EX}  # the class's exercises are the ones handed in
    refused = [f for f in found.download.files if f.fate is Fate.REFUSED]
    assert len(refused) == 1 and refused[0].student == row.student and refused[0].exercise == EX
    if with_roster:
        assert [w.lms_id for w in found.download.absent] == ["9999"]
        assert not found.download.notes  # matched to the roster, not reported as a stranger


@pytest.mark.parametrize("kind,said", [("escape", "leads out of the zip's folder"),
                                       ("long", "could not be unpacked here")])
@pytest.mark.parametrize("layout", ["canvas", "moodle"])
def test_paths_that_lead_out_and_names_too_long_name_their_student(tmp_path, layout, kind, said):
    found = discover_class(download(tmp_path / "dl.zip", layout, kind), EXERCISES, tmp_path / "unpacked")
    row = {(f.handed.submitter.lms_id, f.exercise): f for f in found.found}[(LAYOUTS[layout][3], EX)]
    assert said in row.problem and not row.missing
    written = [p for p in tmp_path.rglob("*") if p.is_file() and "abbage" in str(p.relative_to(tmp_path))]
    assert not written  # nothing of theirs written, here or above


def test_a_refused_member_of_a_students_own_zip_is_their_reason(tmp_path):
    """Canvas wraps a student's zip in its own name: a link inside it is that student's exercise refused."""
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr(*_refused_member("link", "hw/ex01_sigmoid.ipynb"))
        zf.writestr(_link("hw/notes.txt"), "/etc/passwd")
    with zipfile.ZipFile(tmp_path / "dl.zip", "w") as zf:
        zf.writestr(zipfile.ZipInfo("lovelaceada_1001_5001_ex01_sigmoid.ipynb", WHEN), RIGHT)
        zf.writestr(zipfile.ZipInfo("babbagecharles_1002_5002_homework.zip", WHEN), inner.read_bytes())
        zf.writestr(zipfile.ZipInfo("turingalan_1003_5003_ex02_forward_pass.ipynb", WHEN), RIGHT)
    found = discover_class(tmp_path / "dl.zip", EXERCISES, tmp_path / "unpacked")
    rows = {(f.handed.submitter.lms_id, f.exercise): f for f in found.found}
    assert "ex01_sigmoid.ipynb is a link" in rows[("1002", EX)].problem and not rows[("1002", EX)].missing
    # notes.txt could never have been a submission: ex02 is still "nothing handed in" for 1002
    assert rows[("1002", "ex02_forward_pass")].missing
    fates = {f.handed: f for f in found.download.files}
    assert fates["babbagecharles_1002_5002_homework.zip/hw/notes.txt"].fate is Fate.REFUSED


def test_an_unreadable_zip_naming_no_exercise_adds_no_exercise_to_the_class(tmp_path):
    """dan.zip, not a zip, names no exercise: dan gets its reason for the class's exercise, and the
    class is not given a column of every exercise of the course."""
    (tmp_path / "ada_ex01_sigmoid.ipynb").write_text(RIGHT)
    (tmp_path / "dan.zip").write_bytes(b"not a zip")
    found = discover_class(tmp_path, EXERCISES, tmp_path / "unpacked")
    assert {(f.student, f.exercise) for f in found.found} == {("ada", EX), ("dan", EX)}
    dan = next(f for f in found.found if f.student == "dan")
    assert "dan.zip is not a readable zip" in dan.problem and not dan.missing


def test_a_folder_named_like_a_notebook_is_refused_with_the_reason(tmp_path):
    """``ex01_sigmoid.ipynb/`` holding a module, a helper or the notebook itself: a folder is never a
    notebook, and what it holds is not graded in its place (nbgrader autograde refuses it too)."""
    for student, inside in (("v1", "ex01_sigmoid.py"), ("v3", "helper.py"), ("v4", "ex01_sigmoid.ipynb")):
        path = tmp_path / "submitted" / student / EX / f"{EX}.ipynb" / inside
        path.parent.mkdir(parents=True)
        path.write_text(RIGHT)
    folder = tmp_path / "plain" / "ben" / f"{EX}.ipynb"  # a folder per student
    folder.mkdir(parents=True)
    (folder / f"{EX}.py").write_text("x = 1\n")
    for root, students in ((tmp_path / "submitted", ("v1", "v3", "v4")), (tmp_path / "plain", ("ben",))):
        found = discover_class(root, EXERCISES, tmp_path / "unpacked")
        rows = {f.student: f for f in found.found}
        assert set(rows) == set(students)
        for student in students:
            assert rows[student].path is None and not rows[student].missing
            assert rows[student].problem == "ex01_sigmoid.ipynb is a folder, not a notebook: hand in the " \
                                            "notebook file itself"
        assert all(f.fate is Fate.REFUSED for f in found.download.files)


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_deepgrade_grade_gives_the_refused_student_0_and_the_reason_everywhere(tmp_path, capsys):
    """Through ``deepgrade grade``: the grades table, grades.csv, results.json, the Canvas import
    file and the run's count all hold the student whose only file was a link in the download."""
    archive = download(tmp_path / "dl.zip", "canvas")
    out = tmp_path / "out"
    code = main(["grade", str(archive), "--out", str(out), "--course", str(ROOT), "--workers", "1"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "babbagecharles (1002)" in printed.split("\n\n")[0]  # a row of the table
    assert "2 submissions: 1 graded" in printed
    grades = {r["id"]: r for r in _csv(out / "grades.csv")}
    assert grades["1002"]["ex01_sigmoid"] == "0" and grades["1001"]["ex01_sigmoid"] == "12"
    canvas = {r["ID"]: r for r in _csv(out / "canvas-import.csv") if r["ID"]}
    assert set(canvas) == {"1001", "1002"} and canvas["1002"]["ex01_sigmoid"] == "0"
    records = {r["lms_id"]: r for r in json.loads((out / "results.json").read_text())["submissions"]}
    said = json.dumps(records["1002"])
    assert "is a link in the zip" in said and "babbagecharles_1002_5002_ex01_sigmoid.ipynb" in said


def test_a_refused_later_attempt_is_said_beside_the_grade_of_the_earlier_one(tmp_path):
    """Blackboard: the latest attempt is a link in the download, so the earlier one is graded, and
    the student's grade says why, not only the run's list of files."""
    early, late = BB.format(user="alovelace"), BB.format(user="alovelace").replace("03-01-10", "03-02-10")
    with zipfile.ZipFile(tmp_path / "dl.zip", "w") as zf:
        zf.writestr(zipfile.ZipInfo(early + "_ex01_sigmoid.ipynb", WHEN), RIGHT)
        zf.writestr(*_refused_member("link", late + "_ex01_sigmoid.ipynb"))
    found = discover_class(tmp_path / "dl.zip", EXERCISES, tmp_path / "unpacked")
    (row,) = found.found
    assert row.path is not None and row.path.name.startswith(early)
    assert any(n.startswith("not graded: ") and "is a link in the zip" in n for n in row.notes), row.notes
