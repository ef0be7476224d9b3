"""What a careless instructor leaves in a class folder never becomes a student of everyone's files.

An earlier run's OUT inside the class folder (its unpacked copies of the students' zips, its
reports), the download's own zip left beside its unpacked files, an nbgrader course given in
place of its ``submitted/``: each was read as a folder or zip per student, a student of them all
(graded with someone else's notebook, or the course's solution), and an earlier OUT even turned
the download's source from Canvas to "a folder per student", so that no Canvas import file was
written. Each is now refused with the reason, and the class is read as it is.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from lms_downloads import RIGHT, STUB, put

from autograder.batch.discover import discover_class
from autograder.lms.model import DownloadError, Fate
from autograder.lms.read import read_download

EX = "ex01_sigmoid"
EXERCISES = [EX, "ex02_forward_pass", "ex03_decision_boundary", "ex04_nll"]
CANVAS = {"lovelaceada_1001_5001_ex01_sigmoid.ipynb": RIGHT, "babbagecharles_1002_5002_ex01_sigmoid.ipynb": STUB,
          "hoppergrace_1003_5003_ex01_sigmoid.ipynb": RIGHT}


def canvas_folder(folder: Path) -> Path:
    for name, text in CANVAS.items():
        put(folder / name, text)
    return folder


def canvas_zip(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in CANVAS.items():
            zf.writestr(zipfile.ZipInfo(name, (2026, 3, 1, 12, 0, 0)), text)
    return path


def fates(download) -> dict[str, tuple[Fate, str]]:
    return {f.handed: (f.fate, f.why) for f in download.files}


def test_an_earlier_runs_output_inside_the_class_is_no_student(tmp_path):
    dl = canvas_folder(tmp_path / "dl")
    earlier = dl / "out-monday"  # `deepgrade grade dl --out dl/out-monday`, then a new --out
    put(earlier / "results.json", json.dumps({"sandbox": "sandbox: bwrap", "submissions": []}))
    put(earlier / "unpacked" / "1003" / "hw.zip" / "hw" / "ex01_sigmoid.ipynb", RIGHT)
    put(earlier / "feedback" / "lovelaceada_1001.html", "<html></html>")
    put(earlier / "grades.csv", "student,id\n")
    put(dl / "cbabbage" / "results.json", json.dumps({"tests": []}))  # a student's own results.json is read
    d = read_download(dl, EXERCISES, tmp_path / "unpacked", exclude=(dl / "out-tuesday",))
    assert d.source == "canvas"  # not "a folder per student": its import file is written
    assert set(d.submitters) == {"1001", "1002", "1003", "cbabbage"}
    fate, why = fates(d)["out-monday/"]
    assert fate is Fate.REFUSED and "earlier deepgrade grade" in why
    assert not any(f.handed.startswith("out-monday/") and f.handed != "out-monday/" for f in d.files)
    assert fates(d)["cbabbage/results.json"][0] is Fate.REFUSED  # a file of theirs, refused as ever


def test_the_downloads_zip_beside_its_unpacked_files_is_no_student(tmp_path):
    dl = canvas_folder(tmp_path / "dl")
    canvas_zip(dl / "submissions.zip")
    found = discover_class(dl, EXERCISES, tmp_path / "unpacked")
    assert {f.handed.submitter.lms_id for f in found.found} == {"1001", "1002", "1003"}
    assert all(len(found.download.attempts[(i, EX)]) == 1 for i in ("1001", "1002", "1003"))
    fate, why = fates(found.download)["submissions.zip"]
    assert fate is Fate.REFUSED and "holds the files of 3 students" in why and "grade it by itself" in why


def test_a_class_folder_holding_only_the_downloads_zip_says_to_grade_the_zip(tmp_path):
    canvas_zip(tmp_path / "class" / "submissions.zip")
    with pytest.raises(DownloadError, match=r"submissions.zip .* is a download of its own.*deepgrade grade"):
        read_download(tmp_path / "class", EXERCISES, tmp_path / "unpacked")


def test_a_students_own_zip_of_many_notebooks_is_still_theirs(tmp_path):
    """Only an LMS's naming for two students or more makes a zip a download: a student's zip of
    versions, or of folders named as they like, is theirs."""
    (tmp_path / "dl").mkdir()
    with zipfile.ZipFile(tmp_path / "dl" / "lovelaceada_1001_5001_hw.zip", "w") as zf:
        zf.writestr("v1/ex01_sigmoid.ipynb", STUB)
        zf.writestr("v2/ex01_sigmoid.ipynb", RIGHT)
        zf.writestr("ada_ex02_forward_pass.py", "x = 1\n")
        zf.writestr("ada2_ex03_decision_boundary.py", "x = 1\n")
        zf.writestr("week_1_2_notes.txt", "named as Canvas names files, for 'user 1'")
        zf.writestr("week_3_4_notes.txt", "and for 'user 3'")
    d = read_download(tmp_path / "dl", EXERCISES, tmp_path / "unpacked")
    assert set(d.submitters) == {"1001"}
    assert {e for _, e in d.attempts} == {EX, "ex02_forward_pass", "ex03_decision_boundary"}


def test_an_nbgrader_course_given_for_its_submitted_folder(tmp_path):
    """`deepgrade grade course/` instead of `course/submitted`: the course's solutions, release and
    autograded copies are no students (the solution notebook was graded as student "solutions")."""
    course = tmp_path / "course"
    put(course / "nbgrader_config.py", "c = get_config()\n")
    put(course / "submitted" / "ada" / EX / f"{EX}.ipynb", RIGHT)
    put(course / "submitted" / "ben" / EX / f"{EX}.ipynb", STUB)
    put(course / "solutions" / EX / f"{EX}.ipynb", RIGHT)
    put(course / "autograded" / "ada" / EX / f"{EX}.ipynb", RIGHT)
    put(course / "release" / EX / f"{EX}.ipynb", STUB)
    d = read_download(course, EXERCISES, tmp_path / "unpacked", exclude=(course / "out",))
    assert d.source == "nbgrader" and set(d.submitters) == {"ada", "ben"}
    for name in ("solutions/", "autograded/", "release/", "nbgrader_config.py"):
        fate, why = fates(d)[name]
        assert fate is Fate.REFUSED and "only its submitted/" in why, name
    # without nbgrader's own files the folder is no course: a folder per student, as before
    plain = tmp_path / "plain"
    put(plain / "submitted" / "ada" / EX / f"{EX}.ipynb", RIGHT)
    put(plain / "solutions" / "homework" / f"{EX}.ipynb", RIGHT)
    assert set(read_download(plain, EXERCISES, tmp_path / "u2").submitters) == {"ada", "solutions"}


def test_a_student_listed_twice_on_the_roster_is_one_student(tmp_path):
    """Two section exports pasted into one roster list a student twice: one row, one 0, not two
    "submissions" of one id (the run counted both, results.json held both)."""
    from autograder.lms.export import import_file
    from autograder.lms.marks import gradebook_from_records, with_roster
    from autograder.lms.roster import read_roster

    dl = canvas_folder(tmp_path / "dl")
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n1001,Ada Lovelace\n1099,Grace Hopper\n1099,Grace Hopper\n1002,Charles Babbage\n"
                      "1003,Grace Brewster\n", encoding="utf-8")
    found = discover_class(dl, EXERCISES, tmp_path / "unpacked", roster=read_roster(roster))
    assert [w.lms_id for w in found.download.absent] == ["1099"]
    assert sorted(f.handed.submitter.lms_id for f in found.found) == ["1001", "1002", "1003", "1099"]
    book = gradebook_from_records([])
    with_roster(book, read_roster(roster))
    assert sorted(s.lms_id for s in book.students) == ["1001", "1002", "1003", "1099"]
    assert import_file("canvas", book, {}).count("\r\nGrace Hopper,1099,") == 1


def test_a_brightspace_name_no_roster_line_has_is_said_so(tmp_path):
    dl = tmp_path / "dl"
    put(dl / "101-201 - Ada Lovelace - Mar 29, 2026 1205 PM - ex01_sigmoid.ipynb", RIGHT)
    put(dl / "101-202 - Bob Stranger - Mar 29, 2026 1205 PM - ex01_sigmoid.ipynb", RIGHT)
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\nalove,Ada Lovelace\n", encoding="utf-8")
    from autograder.lms.roster import read_roster

    d = read_download(dl, EXERCISES, tmp_path / "unpacked", roster=read_roster(roster))
    assert d.notes == ["Bob Stranger: no student on the roster has this name"]


def test_brightspaces_import_file_given_back_as_its_roster_is_refused_not_a_class_of_doubles(tmp_path):
    """Brightspace's import file carries ids only (its importer asks for no names); as the roster of a
    download that names students by name only, no one would match and every student would have two
    rows: one graded, one absent at 0. A usage error says which roster to give."""
    from autograder.lms.roster import read_roster

    dl = tmp_path / "dl"
    put(dl / "101-201 - Ada Lovelace - Mar 29, 2026 1205 PM - ex01_sigmoid.ipynb", RIGHT)
    marks = tmp_path / "brightspace-grades-import.csv"
    marks.write_text("OrgDefinedId,Username,ex01_sigmoid Points Grade,End-of-Line Indicator\n#9001,#alove,12,#\n",
                     encoding="utf-8")
    with pytest.raises(DownloadError, match="gives no names.*Brightspace's grades export"):
        read_download(dl, EXERCISES, tmp_path / "unpacked", roster=read_roster(marks))


@pytest.mark.parametrize("ids", [("anon_Xy7Qz", "anon_Pq3Rs"), ("1001", "1002")], ids=["anonymous", "other-section"])
def test_a_roster_no_student_of_the_download_is_on_is_a_usage_error(tmp_path, ids):
    """Canvas's anonymous download (anon_ ids) or another section's roster: no one matches, and
    every student would be graded under the download's id and again at 0 as absent (the import
    file setting every mark to 0)."""
    from autograder.lms.roster import read_roster

    for n, lms_id in enumerate(ids):
        put(tmp_path / "dl" / f"{lms_id}_{5001 + n}_ex01_sigmoid.ipynb", RIGHT)
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n3001,Ada Lovelace\n3002,Charles Babbage\n", encoding="utf-8")
    with pytest.raises(DownloadError, match=rf"no student of the download is on the roster: its ids \(.*{ids[0]}"):
        read_download(tmp_path / "dl", EXERCISES, tmp_path / "unpacked", roster=read_roster(roster))


def test_a_large_class_download_is_read_whole(tmp_path):
    """The download's zip of a large class (here 2,100 files, past a student's zip's 2,000) is read,
    not refused whole as 'too large to unpack'; a student's own zip keeps its limits."""
    from autograder.lms import zips

    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for n in range(2100):
            name = f"student{n:04d}_{10000 + n}_{50000 + n}_ex01_sigmoid.py"
            zf.writestr(zipfile.ZipInfo(name, (2026, 3, 1, 12, 0, 0)), "x = 1\n")
    assert zips.safe_unzip(archive, tmp_path / "as-a-students").refused.endswith("too large to unpack")
    d = read_download(archive, EXERCISES, tmp_path / "unpacked")
    assert len(d.submitters) == 2100 and d.source == "canvas"


def test_gradescopes_metadata_that_cannot_be_read_is_said(tmp_path):
    """Without its metadata the export names each student by the submission id, not the SID the
    course's roster and gradebook use: said, never in silence."""
    dl = tmp_path / "export"
    put(dl / "submission_111" / "ex01_sigmoid.ipynb", RIGHT)
    (dl / "submission_metadata.yml").write_text("submission_111:\n  :submitters: [unclosed\n", encoding="utf-8")
    d = read_download(dl, EXERCISES, tmp_path / "unpacked")
    assert set(d.submitters) == {"111"}
    fate, why = fates(d)["submission_metadata.yml"]
    assert fate is Fate.REFUSED and "could not be read" in why and "named by their submission id" in why


def test_a_member_larger_than_one_read_is_unpacked_whole(tmp_path):
    """Members are copied in pieces of zips.CHUNK (a download's member never sits whole in memory):
    a member of several pieces and one byte comes out byte for byte."""
    from autograder.lms import zips

    body = bytes(range(256)) * ((2 * zips.CHUNK + 1) // 256 + 1)
    archive = tmp_path / "ada.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("ada/data.bin", body)
    done = zips.safe_unzip(archive, tmp_path / "out")
    assert done.refused == "" and done.skipped == []
    assert (tmp_path / "out" / "ada" / "data.bin").read_bytes() == body
    # the same member past the limit is refused, not cut short
    assert zips.safe_unzip(archive, tmp_path / "small", max_bytes=zips.CHUNK).refused.endswith("too large to unpack")


def test_a_students_own_zip_holding_a_download_keeps_their_row(tmp_path):
    """In a folder per student, alice's zip that holds three students' Canvas files is refused as a
    download of its own, and alice keeps her row with that reason: she is not dropped."""
    dl = tmp_path / "class"
    put(dl / "bob" / "ex01_sigmoid.py", RIGHT)
    canvas_zip(dl / "alice" / "work.zip")
    d = read_download(dl, EXERCISES, tmp_path / "unpacked")
    assert "alice" in d.submitters
    fate, why = fates(d)["alice/work.zip"]
    assert fate is Fate.REFUSED and "holds the files of 3 students" in why
    assert next(f for f in d.files if f.handed == "alice/work.zip").student == d.submitters["alice"].key
