"""One codec for results.json and the cache: typed records in, the same JSON out as before.

``tests/results_before/`` holds what deepgrade wrote for a sample class before its reports took
typed records (results.json, a cache entry per key, grades.csv, the LMS import file, a
Gradescope result): results.json is an external contract, so the typed path must write it with
the same keys and values. The sample covers every member a record can carry: a late, penalised,
re-tried, cached attempt with details, a named mistake and a model trace; a grader failure; a
roster student who handed in nothing; a student graded from a plain folder.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from autograder.batch.cache import ResultCache
from autograder.batch.outputs import write_outputs
from autograder.details import AccuracySeen, Confusion, Details, LearningSeen, TrainingSeen
from autograder.lms.read import Download
from autograder.report.gradescope import gradescope_results
from autograder.report.tables import grades_csv
from autograder.results import (
    ClassResults,
    Fate,
    GraderFailed,
    Handed,
    HandedFile,
    Inventory,
    Lateness,
    Record,
    ResultsError,
    Stage,
    Submitter,
)
from autograder.score import CheckResult, ExerciseResult, ModelTrace, Status

BEFORE = Path(__file__).parent / "results_before"
DUE = datetime(2026, 3, 1, 23, 59, tzinfo=timezone.utc)


def _checks() -> list[CheckResult]:
    return [CheckResult(name="sigmoid_values", target="sigmoid", max_points=2, status=Status.FAILED,
                        message="sigmoid(0) = 0.0, expected 0.5", hint="use 1 / (1 + exp(-z))",
                        mistake="tanh_for_sigmoid"),
            CheckResult(name="mlp_validation_accuracy", target="train_mlp", max_points=3, status=Status.PARTIAL,
                        earned=1.25, message="validation accuracy 0.80", hidden=True,
                        details=Details(accuracy=AccuracySeen(0.8, "validation", 0.9, 0.5),
                                        confusion=Confusion([[4, 1], [1, 4]], ["a", "b"], "digit", split="validation"),
                                        training=TrainingSeen(history={"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]})),
                        trace=ModelTrace("AAEB", "w" * 64, "h" * 64)),
            CheckResult(name="p_fake", target="p_fake", max_points=1, status=Status.PASSED, message="ok")]


def sample_class() -> list[Record]:
    ada = Submitter("1001", "Ada Lovelace", "canvas")
    late = Lateness(late=True, penalty_percent=10.0, seconds_late=12.5 * 3600, due=DUE, lms_late=True)
    return [
        Record(student="Ada Lovelace (1001)",
               result=ExerciseResult(exercise="ex01_sigmoid", checks=_checks(),
                                     notes=["`!pip install numpy` was not run while grading"]),
               submission="/class/ada/ex01_sigmoid.ipynb", output="hello\n", key="k1", seconds=1.5, cached=True,
               handed=Handed(ada, datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc), attempt=1, attempts=2,
                             lateness=late),
               grader_tries=2),
        Record(student="Ben (1002)", result=ExerciseResult(exercise="ex01_sigmoid", checks=[
               CheckResult(name="submission", target="-", max_points=6, status=Status.ERROR,
                           message="the grader failed on this submission")]),
               submission="/class/ben/ex01_sigmoid.py", key="k2", grader_error="Traceback ...",
               handed=Handed(Submitter("1002", "Ben", "canvas"), lateness=Lateness(late=False)),
               grader_failure=GraderFailed(Stage.SETUP, "clone refused", 3), grader_tries=3),
        Record(student="Cleo (1003)", result=ExerciseResult(exercise="ex01_sigmoid", checks=[
               CheckResult(name="submission", target="-", max_points=6, status=Status.NOT_ATTEMPTED,
                           message="handed in nothing (on the roster, not in the download)")]),
               handed=Handed(Submitter("1003", "Cleo", "canvas"), absent=True)),
        Record(student="dan", result=ExerciseResult(exercise="ex02_forward_pass", checks=[
               CheckResult(name="forward", target="forward", max_points=4, status=Status.TIMEOUT,
                           message="over 10 s")]),
               submission="/class/dan/ex02_forward_pass.py", output="", seconds=10.25),
    ]


def sample_download() -> Download:
    return Download(source="canvas", submitters={}, attempts={}, files=[
        HandedFile("ada/ex01_sigmoid.ipynb", Fate.GRADED, student="Ada Lovelace (1001)", exercise="ex01_sigmoid"),
        HandedFile("ada/notes.txt", Fate.REFUSED, why="not a notebook or module", student="Ada Lovelace (1001)"),
        HandedFile("README", Fate.NOT_RECOGNISED, why="no source's naming fits it")], notes=["one note"])


def same(a: Any, b: Any, where: str = "") -> None:
    """Equal JSON: the same keys at every depth, the same values, floats to 1e-9."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert set(a) == set(b), f"{where}: keys {sorted(set(a) ^ set(b))} differ"
        for k in a:
            same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), f"{where}: {len(a)} != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool), where
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), f"{where}: {a} != {b}"
    else:
        assert a == b and type(a) is type(b), f"{where}: {a!r} != {b!r}"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    results = ClassResults(sample_class(), "bwrap sandbox (all protections)", sample_download().inventory())
    write_outputs(results, out, sample_download(), {}, None)
    return out


def test_results_json_has_the_keys_and_values_it_had_before(written):
    same(json.loads((written / "results.json").read_text()), json.loads((BEFORE / "results.json").read_text()))


def test_the_reports_from_typed_records_say_what_they_said_before(written):
    assert (written / "grades.csv").read_text() == (BEFORE / "grades.csv").read_text()
    assert (written / "canvas-import.csv").read_text() == (BEFORE / "canvas-import.csv").read_text()
    same(json.loads((written / "gradescope" / "Ada_Lovelace_1001" / "ex01_sigmoid" / "results.json").read_text()),
         json.loads((BEFORE / "gradescope_ada.json").read_text()))


def test_a_cache_entry_is_what_it_was_and_reads_back_whole(tmp_path):
    before = json.loads((BEFORE / "cache_entries.json").read_text())
    cache = ResultCache(tmp_path)
    for record in sample_class():
        if record.key:
            cache.put(record.key, record)
            stored = json.loads((tmp_path / f"{record.key}.json").read_text())
            same(stored, before[record.key])
            back = cache.get(record.key)
            assert back is not None and back.to_json() == record.to_json()
    assert cache.get("k3") is None


def test_a_cache_entry_written_before_reads_as_the_same_record(tmp_path):
    """A class graded before the typed records resumes from its cache: the old entries read whole."""
    before = json.loads((BEFORE / "cache_entries.json").read_text())
    cache = ResultCache(tmp_path)
    for key, entry in before.items():
        (tmp_path / f"{key}.json").write_text(json.dumps(entry))
    typed = {r.key: r for r in sample_class() if r.key}
    for key in before:
        back = cache.get(key)
        assert back is not None and back.to_json() == typed[key].to_json()
    (tmp_path / "k9.json").write_text(json.dumps({**before["k1"], "key": "k1"}))
    assert cache.get("k9") is None  # another key's entry is not this one's


def test_results_json_reads_back_to_the_same_records(written):
    data = json.loads((written / "results.json").read_text())
    back = ClassResults.read(written)
    same(back.to_json(), data)
    ada, ben, cleo, dan = back.records
    assert ada.handed.submitter is not None and ada.handed.submitter.lms_id == "1001"
    assert ada.handed.lateness is not None and ada.handed.lateness.penalty_percent == 10.0
    assert ada.handed.lateness.due == DUE and ada.handed.attempts == 2 and ada.late
    assert ada.final_score == pytest.approx(2.025) and ada.raw_score == pytest.approx(2.25)
    assert ada.result.checks[1].status is Status.PARTIAL and ada.result.checks[1].points == 1.25
    assert ada.result.checks[1].trace == ModelTrace("AAEB", "w" * 64, "h" * 64)
    assert ada.result.checks[0].mistake == "tanh_for_sigmoid"
    assert ben.grader_failure == GraderFailed(Stage.SETUP, "clone refused", 3) and ben.grader_tries == 3
    assert cleo.handed.absent and cleo.submission is None and not cleo.late
    assert dan.handed == Handed() and dan.lms_id == "dan" and dan.seconds == 10.25
    # what results.json leaves out (this machine's cache key, the grader's traceback) is not invented
    assert not ada.key and not ada.cached and not ben.grader_error
    assert back.sandbox == "bwrap sandbox (all protections)"
    assert back.inventory == Inventory("canvas", sample_download().files, ["one note"])


def test_an_old_results_json_without_the_newer_keys_still_reads(tmp_path):
    """An entry as the first versions wrote it: no status, no lms id, no lateness, no inventory."""
    old = {"sandbox": "none", "submissions": [
        {"student": "ada", "exercise": "ex01_sigmoid", "score": 1.5, "max_score": 3.0, "submission": "/c/a.py",
         "notes": [], "checks": [
             {"name": "a", "target": "f", "points": 1.5, "max_points": 1.5, "passed": True, "message": ""},
             {"name": "b", "target": "f", "points": 0.0, "max_points": 1.5, "passed": False, "message": "no"}]}]}
    (tmp_path / "results.json").write_text(json.dumps(old))
    [ada] = ClassResults.read(tmp_path).records
    assert [c.status for c in ada.result.checks] == [Status.PASSED, Status.FAILED]
    assert ada.handed == Handed() and ada.grader_failure is None and ada.grader_tries == 1
    assert ada.final_score == ada.raw_score == 1.5 and ada.max_score == 3.0 and not ada.late
    assert grades_csv([ada]).splitlines()[1] == "ada,ada,,1.5,1.5,3,1.5,,"
    assert gradescope_results(ada)["score"] == 1.5


@pytest.mark.parametrize("text", ["", "{", "[]", '{"sandbox": "x"}', '{"submissions": [{"exercise": "e"}]}'])
def test_an_unreadable_results_json_is_one_line_that_names_it(tmp_path, text):
    (tmp_path / "results.json").write_text(text)
    with pytest.raises(ResultsError, match="is not deepgrade's results"):
        ClassResults.read(tmp_path)
    with pytest.raises(ResultsError, match="grade the class first"):
        ClassResults.read(tmp_path / "nowhere")


# -- a check's details ------------------------------------------------------------------------------

#: Every member the grader writes into a check's details, as results.json has them.
ACCURACY_JSON = {"accuracy": 0.948, "split": "test", "pass_at": 0.9, "zero_at": 0.5, "train_seconds": 12.5,
                 "history": {"loss": [0.9, 0.4], "val_accuracy": [0.8, 0.95]},
                 "confusion_matrix": [[9, 1], [0, 10]], "class_names": ["0", "1"], "noun": "digit",
                 "matrix_accuracy": 0.95, "vote_accuracy": 0.95, "matrix_of": "vote",
                 "member_accuracies": [0.948, 0.97]}


@pytest.mark.parametrize("data", [
    ACCURACY_JSON,
    {"layers": ["Dense", "Dense"], "params": 21, "train_seconds": 1.5, "history": {"loss": [1.0]}},
    {"learning": {"accuracy": 0.99, "relabelled_accuracy": 0.3, "max_gap": 0.2, "min_accuracy": 0.6}},
    {"learning": {}},
    {"boundary": {"coefficients": [1.0, 2.0, 4.0], "student": None, "reference": [-0.25, -0.5]}},
    {"reused": ["conv1", "conv2"]},
    {"a_newer_graders_member": {"x": 1}},
])
def test_details_are_typed_and_written_back_as_they_came(data):
    details = Details.from_json(data)
    same(details.to_json(), data)
    assert bool(details)
    same(CheckResult.from_json(CheckResult(name="c", target="t", max_points=1, status=Status.PASSED,
                                           details=details).to_json()).details.to_json(), data)


def test_the_typed_details_say_what_the_grader_measured():
    details = Details.from_json(ACCURACY_JSON)
    assert details.accuracy == AccuracySeen(0.948, "test", 0.9, 0.5)
    assert details.confusion is not None and details.confusion.of == "vote" and details.confusion.split == "test"
    assert details.confusion.matrix == [[9, 1], [0, 10]] and details.confusion.accuracy == 0.95
    assert details.members is not None and details.members.member_accuracies == [0.948, 0.97]
    assert details.history == {"loss": [0.9, 0.4], "val_accuracy": [0.8, 0.95]}
    assert details.training is not None and details.training.seconds == 12.5
    assert Details.from_json({"learning": {}}).learning == LearningSeen(measured=False)
    assert not Details() and not Details.from_json(None) and Details().to_json() == {}


def test_details_that_are_not_what_they_claim_are_never_typed_but_kept():
    broken = {"confusion_matrix": "junk", "history": "junk", "boundary": [1, 2], "accuracy": "high",
              "layers": "Dense"}
    details = Details.from_json(broken)
    assert details.confusion is None and details.training is None and details.boundary is None
    assert details.accuracy is None and details.architecture is None
    assert details.to_json() == broken  # what came is what results.json keeps


def test_an_unreadable_nbgrader_result_file_leaves_the_notebook_to_its_code(tmp_path):
    from autograder.integrity.collect import from_nbgrader
    from autograder.nbgrader import RESULT_SUFFIX

    folder = tmp_path / "autograded" / "ada" / "week1"
    folder.mkdir(parents=True)
    (folder / "ex01_sigmoid.ipynb").write_text("{}")
    (folder / f"ex01_sigmoid{RESULT_SUFFIX}").write_text('{"checks": "not a list"}')
    (found,) = from_nbgrader(tmp_path)
    assert (found.student, found.exercise, found.model) == ("ada", "ex01_sigmoid", None)
