"""`deepgrade grade` on an LMS download, end to end: every student by the LMS's id, the right
attempt, the late flag and penalty kept apart, every file accounted for, the import file written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from lms_downloads import RIGHT, STUB

from autograder.cli import main
from autograder.course import Course
from autograder.lms.imports import read_brightspace, read_canvas

ROOT = Path(__file__).resolve().parents[1]
BEFORE, AFTER = (2026, 2, 20, 12, 0, 0), (2026, 3, 4, 12, 0, 0)  # the due date is 2026-03-01 23:59
SETTINGS = {"late": {"per": "day", "penalty": 10, "cap": 50, "due": {"ex01_sigmoid": "2026-03-01 23:59"}},
            "lms": {"canvas": {"columns": {"total": "Homework 1 (4821)"}}}}


def canvas_download(path: Path) -> Path:
    """content_zipper.rb's naming; the zip's times are the upload times."""
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        for name, text, when in (
                ("lovelaceada_1001_5001_ex01_sigmoid.ipynb", RIGHT, BEFORE),
                ("babbagecharles_LATE_1002_5002_ex01_sigmoid.ipynb", STUB, BEFORE),  # Canvas says late
                ("müllerlüdenscheidtzoë_1003_5003_ex01_sigmoid.ipynb", RIGHT, AFTER),  # late by our clock
                ("obrienseán_1004_5004_ex01_sigmoid.ipynb", STUB, BEFORE),
                ("obrienseán_1004_5010_ex01_sigmoid-1.ipynb", RIGHT, BEFORE[:3] + (13, 0, 0)),  # resubmitted
                ("smithjohn_1005_5005_ex01_sigmoid.ipynb", RIGHT, BEFORE),
                ("smithjohn_1006_5006_ex01_sigmoid.ipynb", STUB, BEFORE),  # another John Smith
                ("readme.txt", "stray", BEFORE)):
            zf.writestr(zipfile.ZipInfo(name, when), text)
    return path


@pytest.fixture
def course_settings(monkeypatch):
    monkeypatch.setattr(Course, "settings", property(lambda self: SETTINGS))


def test_a_canvas_download_graded_and_handed_back(tmp_path, capsys, course_settings):
    download = canvas_download(tmp_path / "submissions.zip")
    roster = tmp_path / "canvas-gradebook.csv"
    roster.write_text('Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (4821)\n    Points Possible,,,,,12\n'
                      '"Lovelace, Ada",1001,S1,ada,A,\n"Babbage, Charles",1002,S2,cb,A,\n'
                      '"Müller-Lüdenscheidt, Zoë",1003,S3,zm,A,\n"O\'Brien, Seán",1004,S4,so,B,\n'
                      '"Smith, John",1005,S5,js,B,\n"Smith, John",1006,S6,js2,B,\n"Hopper, Grace",1099,S99,gh,B,\n',
                      encoding="utf-8")
    out = tmp_path / "out"
    code = main(["grade", str(download), "--out", str(out), "--course", str(ROOT), "--roster", str(roster),
                 "--workers", "2"])
    printed = capsys.readouterr().out
    assert code == 0
    records = {r["lms_id"]: r for r in json.loads((out / "results.json").read_text())["submissions"]}
    assert set(records) == {"1001", "1002", "1003", "1004", "1005", "1006", "1099"}
    full = records["1001"]["max_score"]
    assert records["1001"]["score"] == full and not records["1001"]["late"]
    assert records["1001"]["name"] == "Lovelace, Ada"  # the roster's name, not the download's "lovelaceada"
    assert records["1004"]["score"] == full and records["1004"]["submission"].endswith("ex01_sigmoid-1.ipynb")
    assert records["1005"]["score"] == full and records["1006"]["score"] < full  # two John Smiths, two rows
    assert records["1002"]["late"] and records["1002"]["lms_late"] and records["1002"]["penalty_percent"] == 0
    zoe = records["1003"]
    assert zoe["late"] and zoe["penalty_percent"] == 30 and zoe["raw_score"] == full
    assert zoe["final_score"] == pytest.approx(full * 0.7)
    assert records["1099"]["missing"] and records["1099"]["score"] == 0

    inventory = {f["file"]: f for f in json.loads((out / "results.json").read_text())["inventory"]["files"]}
    assert inventory["readme.txt"]["fate"] == "not recognised"
    assert inventory["obrienseán_1004_5004_ex01_sigmoid.ipynb"]["fate"] == "superseded"
    assert "not recognised: readme.txt" in printed and "superseded: obrienseán_1004_5004" in printed
    assert "handed in nothing: Hopper, Grace (1099)" in printed

    rows = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))
    zoe_row = next(r for r in rows if r["id"] == "1003")
    assert zoe_row["late"] == "ex01_sigmoid" and float(zoe_row["penalty"]) == pytest.approx(full * 0.3)
    assert float(zoe_row["raw_total"]) == full and float(zoe_row["total"]) == pytest.approx(full * 0.7)

    canvas = read_canvas((out / "canvas-import.csv").read_text())
    assert canvas["1003"] == {"Homework 1 (4821)": pytest.approx(full * 0.7)} and canvas["1099"] == {
        "Homework 1 (4821)": 0}
    assert "S3,zm,A" in (out / "canvas-import.csv").read_text()  # the SIS ids from the roster

    page = next((out / "feedback").glob("M*ller*1003*.html")).read_text()
    assert "Late by" in page and "penalty 30%" in page
    gradescope = json.loads(next((out / "gradescope").glob("M*ller*1003*/ex01_sigmoid/results.json")).read_text())
    assert gradescope["score"] == pytest.approx(full * 0.7) and "penalty 30%" in gradescope["output"]

    assert main(["export", str(out), "--to", "brightspace", "--course", str(ROOT)]) == 0
    back = read_brightspace((out / "brightspace-grades-import.csv").read_text())
    assert back["1005"]["deepgrade total"] == full and back["1099"]["deepgrade total"] == 0
    # another section's roster: no one on it; every student would be written twice, the real ids at 0
    other = tmp_path / "other-section.csv"
    other.write_text("id,name\n2001,Someone Else\n2002,Another One\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["export", str(out), "--to", "canvas", "--roster", str(other), "--course", str(ROOT),
                 "--file", str(tmp_path / "x.csv")]) == 2
    assert "no student of" in capsys.readouterr().err and not (tmp_path / "x.csv").exists()


def test_an_empty_class_and_a_class_of_strangers_are_usage_errors(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["grade", str(tmp_path / "empty"), "--out", str(tmp_path / "o"), "--course", str(ROOT)]) == 2
    assert "holds no files" in capsys.readouterr().err
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / "notes.txt").write_text("x")
    assert main(["grade", str(tmp_path / "odd"), "--out", str(tmp_path / "o"), "--course", str(ROOT)]) == 2
    assert "nothing in" in capsys.readouterr().err


def test_best_attempt_grades_every_attempt_and_keeps_the_best(tmp_path, capsys):
    dl = tmp_path / "dl"
    dl.mkdir()
    (dl / "Homework 1_alovelace_attempt_2026-03-01-10-00-00_ex01_sigmoid.ipynb").write_text(RIGHT)
    (dl / "Homework 1_alovelace_attempt_2026-03-02-10-00-00_ex01_sigmoid.ipynb").write_text(STUB)
    out = tmp_path / "out"
    assert main(["grade", str(dl), "--out", str(out), "--course", str(ROOT), "--attempts", "best"]) == 0
    records = json.loads((out / "results.json").read_text())["submissions"]
    assert len(records) == 1 and records[0]["lms_id"] == "alovelace"
    assert records[0]["score"] == records[0]["max_score"] and "2026-03-01-10" in records[0]["submission"]
    assert any("the best attempt counts" in n for n in records[0]["notes"])
    assert main(["grade", str(dl), "--out", str(tmp_path / "o2"), "--course", str(ROOT)]) == 0
    latest = json.loads((tmp_path / "o2" / "results.json").read_text())["submissions"][0]
    assert latest["score"] < latest["max_score"]  # latest: the later (stub) attempt
    assert (tmp_path / "o2" / "blackboard-grade-center.csv").is_file()


def test_brightspace_without_a_roster_writes_no_import_file_until_export_gets_one(tmp_path, capsys):
    # Brightspace's download names students but gives no ids: "<n>-<n> - First Last - <date> - <file>"
    dl = tmp_path / "dl"
    dl.mkdir()
    (dl / "101-201 - Zoë Müller - Mar 29, 2026 1205 PM - ex01_sigmoid.ipynb").write_text(RIGHT)
    (dl / "101-202 - Ada Lovelace - Mar 29, 2026 905 AM - ex01_sigmoid.ipynb").write_text(STUB)
    out = tmp_path / "out"
    assert main(["grade", str(dl), "--out", str(out), "--course", str(ROOT)]) == 0
    assert "no brightspace import file" in capsys.readouterr().out
    assert not (out / "brightspace-grades-import.csv").exists()
    roster = tmp_path / "grades.csv"
    roster.write_text("OrgDefinedId,Username,Last Name,First Name,Email,End-of-Line Indicator\n"
                      "#9001,#alove,Lovelace,Ada,a@x,#\n#9002,#zmuller,Müller,Zoë,z@x,#\n#9003,#gh,Hopper,Grace,g@x,#\n",
                      encoding="utf-8")
    results = json.loads((out / "results.json").read_text())
    assert all(r["id_known"] is False for r in results["submissions"])  # the "ids" are the download's names
    for r in results["submissions"]:  # as a results.json written before it said so: names matched all the same
        del r["id_known"]
    (out / "results.json").write_text(json.dumps(results))
    assert main(["export", str(out), "--to", "brightspace", "--roster", str(roster), "--course", str(ROOT)]) == 0
    text = (out / "brightspace-grades-import.csv").read_text()
    back = read_brightspace(text)
    assert set(back) == {"alove", "zmuller", "gh"} and back["gh"]["deepgrade total"] == 0
    assert back["zmuller"]["deepgrade total"] > back["alove"]["deepgrade total"]
    assert "#9002,#zmuller" in text  # OrgDefinedId from the roster
    # the import file given back as the roster has ids only: no one would match by name, and each
    # student would be written twice (graded, and at 0 as absent): a usage error, the file unchanged
    marks = tmp_path / "marks.csv"
    marks.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["export", str(out), "--to", "brightspace", "--roster", str(marks), "--course", str(ROOT)]) == 2
    assert "gives no names" in capsys.readouterr().err
    assert (out / "brightspace-grades-import.csv").read_text() == text
    # graded again into the same OUT (a late file added) without the roster: the import file of the
    # earlier marks is not left beside the new results to be imported as theirs
    (dl / "101-203 - Grace Hopper - Mar 30, 2026 905 AM - ex01_sigmoid.ipynb").write_text(RIGHT)
    capsys.readouterr()
    assert main(["grade", str(dl), "--out", str(out), "--course", str(ROOT)]) == 0
    printed = capsys.readouterr().out
    assert not (out / "brightspace-grades-import.csv").exists()
    assert f"removed {out / 'brightspace-grades-import.csv'}: an earlier run's import file" in printed


def test_lateness_is_never_cached_with_the_verdict(tmp_path, capsys, monkeypatch):
    dl = tmp_path / "dl"
    dl.mkdir()
    (dl / "Homework 1_alovelace_attempt_2026-03-02-10-00-00_ex01_sigmoid.ipynb").write_text(RIGHT)
    out = tmp_path / "out"
    settings = {"late": {"penalty": 10, "due": {"ex01_sigmoid": "2026-03-01 23:59"}}}
    monkeypatch.setattr(Course, "settings", property(lambda self: settings))
    assert main(["grade", str(dl), "--out", str(out), "--course", str(ROOT)]) == 0
    first = json.loads((out / "results.json").read_text())["submissions"][0]
    assert first["late"] and first["penalty_percent"] == 10
    settings["late"]["extensions"] = {"alovelace": "2026-03-03 12:00"}  # an extension granted afterwards
    capsys.readouterr()
    assert main(["grade", str(dl), "--out", str(out), "--course", str(ROOT)]) == 0
    assert "0 graded, 1 from the cache" in capsys.readouterr().out
    again = json.loads((out / "results.json").read_text())["submissions"][0]
    assert not again["late"] and again["penalty_percent"] == 0 and again["final_score"] == again["max_score"]
