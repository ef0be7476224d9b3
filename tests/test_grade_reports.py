"""The class grader's reports: CSV, Gradescope, HTML feedback with pictures."""

from __future__ import annotations

import csv
import io
import json

from autograder.batch.outputs import write_outputs
from autograder.details import Details
from autograder.report.gradescope import gradescope_results
from autograder.report.html import figures
from autograder.report.tables import grades_csv
from autograder.results import ClassResults, Record


def entry(student="ada", exercise="ex05_mlp", details=None, score=1.0):
    """A results.json entry, as other tools read it."""
    check = {"name": "model_accuracy", "target": "model", "points": score, "max_points": 2.0,
             "passed": False, "message": "accuracy 0.81 < 0.90 <b>", "hint": "train longer & check <lr>",
             "status": "partial", "hidden": False}
    if details:
        check["details"] = details
    return {"student": student, "exercise": exercise, "score": score, "max_score": 2.0,
            "checks": [check], "notes": [], "submission": "/x/model.ipynb"}


def record(*args, **kwargs) -> Record:
    return Record.from_json(entry(*args, **kwargs))


KERAS = {"accuracy": 0.81, "confusion_matrix": [[10 if i == j else 1 for j in range(10)] for i in range(10)],
         "history": {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.7, 0.6], "val_accuracy": [0.6, 0.7, 0.8]}}


def test_keras_details_draw_curves_and_a_confusion_matrix():
    pictures = figures(Details.from_json(KERAS))
    assert [p.kind for p in pictures] == ["history", "confusion_matrix"]
    assert pictures[0].caption == "Training curves: 3 epochs (training solid, validation dashed)"
    # no split given: the caption names none (never "held-out" by default); the accuracy is the matrix's own
    assert pictures[1].caption == f"Confusion matrix of the model (accuracy {100 / 190:.3f})"
    assert figures(Details.from_json({"history": {"loss": [float("nan")]}, "confusion_matrix": "junk"})) == []


def test_reports_are_written_and_escaped(tmp_path):
    records = [record(details=KERAS), record("=cmd|' /C calc'!A0", "ex05_mlp", score=0.0)]
    paths = write_outputs(ClassResults(records), tmp_path)
    data = json.loads(paths["results"].read_text())
    assert [r["student"] for r in data["submissions"]] == ["ada", "=cmd|' /C calc'!A0"]
    rows = list(csv.reader(io.StringIO(paths["grades"].read_text())))
    assert rows[0] == ["student", "id", "name", "ex05_mlp", "total", "max_total", "raw_total", "late", "penalty"]
    assert rows[1][0].startswith("'=")  # no formula injection
    page = (tmp_path / "feedback" / "ada.html").read_text()
    assert page.count("data:image/png;base64,") == 2
    assert "0.90 &lt;b&gt;" in page and "&lt;lr&gt;" in page and "0.90 <b>" not in page
    gs = json.loads((tmp_path / "gradescope" / "ada" / "ex05_mlp" / "results.json").read_text())
    assert gs["score"] == 1.0 and gs["tests"][0]["max_score"] == 2.0 and gs["tests"][0]["status"] == "failed"


def test_gradescope_hides_hidden_checks_until_published():
    r = record()
    r.result.checks[0].hidden = True
    assert gradescope_results(r)["tests"][0]["visibility"] == "after_published"
    assert "Hint:" in gradescope_results(r)["tests"][0]["output"]


def test_grades_csv_has_a_total_per_student():
    text = grades_csv([record(score=1.0), record(exercise="ex06_cnn", score=2.0)])
    assert text.splitlines()[1] == "ada,ada,,1,2,3,4,3,,"


def test_grades_csv_keeps_ids_raw_points_late_flag_and_penalty_apart():
    late = {**entry(score=2.0), "lms_id": "1001", "name": "Ada Lovelace", "late": True, "penalty_percent": 10,
            "raw_score": 2.0, "final_score": 1.8}
    on_time = {**entry(exercise="ex06_cnn", score=1.0), "lms_id": "1001", "name": "Ada Lovelace", "late": False}
    rows = list(csv.reader(io.StringIO(grades_csv([Record.from_json(late), Record.from_json(on_time)]))))
    assert rows[1] == ["ada", "1001", "Ada Lovelace", "1.8", "1", "2.8", "4", "3", "ex05_mlp", "0.2"]


def test_students_whose_names_sanitise_alike_keep_a_page_and_a_gradescope_file_each(tmp_path):
    """"a b", "a?b" and "a_b" all sanitise to a_b; a student named "index" met the class index page;
    "A_B" and "a_b" are one file where the output is opened on a case-insensitive disk. Each
    student keeps their own feedback page and Gradescope results, none overwritten in silence."""
    students = {"a b": 2.0, "a?b": 1.5, "a_b": 0.0, "A_B": 1.0, "index": 0.5}
    paths = write_outputs(ClassResults([record(s, "ex01_sigmoid", score=v) for s, v in students.items()]), tmp_path)
    pages = [p for p in (paths["feedback"]).iterdir() if p.name != "index.html"]
    assert len({p.name.lower() for p in pages}) == len(pages) == len(students)
    shown = {p.read_text().split("<h1>Feedback for ", 1)[1].split("</h1>", 1)[0] for p in pages}
    assert shown == set(students)
    assert "Class feedback" in (paths["feedback"] / "index.html").read_text()
    results = list(paths["gradescope"].glob("*/ex01_sigmoid/results.json"))
    assert len({r.parent.parent.name.lower() for r in results}) == len(results) == len(students)
    assert sorted(json.loads(r.read_text())["score"] for r in results) == sorted(students.values())


def test_an_earlier_runs_pages_for_students_not_in_this_run_are_removed(tmp_path):
    """OUT graded again (a roster now names 'ada' 'Lovelace, Ada'; 'ben' left the class): the pages
    and Gradescope results written for them before would hand out an earlier run's marks. Only what
    deepgrade wrote is removed; another file in OUT stays."""
    from autograder.batch.outputs import remove_stale_pages

    write_outputs(ClassResults([record("ada"), record("ben"), record("cleo", "ex01_sigmoid")]), tmp_path)
    (tmp_path / "feedback" / "notes.html").write_text("<p>the instructor's own</p>")
    now = [record("Lovelace, Ada"), record("cleo", "ex05_mlp")]
    write_outputs(ClassResults(now), tmp_path)
    removed = remove_stale_pages(tmp_path, now)
    assert {p.relative_to(tmp_path).as_posix() for p in removed} == {
        "feedback/ada.html", "feedback/ben.html", "gradescope/ada/ex05_mlp/results.json",
        "gradescope/ben/ex05_mlp/results.json", "gradescope/cleo/ex01_sigmoid/results.json"}
    assert sorted(p.name for p in (tmp_path / "feedback").iterdir()) == [
        "Lovelace_Ada.html", "cleo.html", "index.html", "notes.html"]
    assert sorted(p.relative_to(tmp_path / "gradescope").as_posix() for p in (tmp_path / "gradescope").rglob("*")
                  if p.is_file()) == ["Lovelace_Ada/ex05_mlp/results.json", "cleo/ex05_mlp/results.json"]
    assert not (tmp_path / "gradescope" / "ben").exists()
    assert remove_stale_pages(tmp_path, now) == []
