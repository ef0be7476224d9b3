"""Import files written for each LMS and read back by its importer's rules; the late policy."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from autograder.lms.export import EXPORTERS, import_file
from autograder.lms.imports import READERS, Rejected, read_canvas
from autograder.lms.late import LatePolicyError, load_policy
from autograder.lms.marks import gradebook_from_records
from autograder.results import Handed, Record, Submitter
from autograder.score import CheckResult, ExerciseResult, Status


def _record(entry: dict) -> Record:
    """A graded record with the entry's points (one check) and its student as the LMS knows them."""
    check = CheckResult(name="c", target="t", max_points=float(entry["max_score"]), status=Status.PARTIAL,
                        earned=float(entry["score"]))
    return Record(student=entry["student"], result=ExerciseResult(exercise=entry["exercise"], checks=[check]),
                  handed=Handed(Submitter(entry["lms_id"], entry["name"], "test"), absent=entry.get("missing", False)))


RECORDS = [_record(e) for e in [
    {"student": "Zoë Müller-Lüdenscheidt (1003)", "lms_id": "1003", "name": "Zoë Müller-Lüdenscheidt",
     "exercise": "ex01_sigmoid", "score": 10.8, "max_score": 12},
    {"student": "Zoë Müller-Lüdenscheidt (1003)", "lms_id": "1003", "name": "Zoë Müller-Lüdenscheidt",
     "exercise": "ex02_forward_pass", "score": 3, "max_score": 8},
    {"student": "John Smith (1005)", "lms_id": "1005", "name": "John Smith", "exercise": "ex01_sigmoid",
     "score": 12, "max_score": 12},
    {"student": "John Smith (1006)", "lms_id": "1006", "name": "John Smith", "exercise": "ex01_sigmoid",
     "score": 1, "max_score": 12},
    {"student": "Seán O'Brien (0042)", "lms_id": "0042", "name": "Seán O'Brien", "exercise": "ex01_sigmoid",
     "score": 0, "max_score": 12, "missing": True},
    {"student": "-Minus (77)", "lms_id": "77", "name": "-Minus", "exercise": "ex01_sigmoid", "score": 6,
     "max_score": 12},
]]


@pytest.mark.parametrize("lms", sorted(EXPORTERS))
def test_every_import_file_reads_back_with_every_id_and_score(lms):
    book = gradebook_from_records(RECORDS)
    text = import_file(lms, book, {})
    back = READERS[lms](text)
    assert set(back) == {"1003", "1005", "1006", "0042", "77"}  # ids exactly (the leading zero kept)
    if lms == "moodle":  # one grade per worksheet: the total
        assert back["1003"] == {"Grade": 13.8} and back["0042"] == {"Grade": 0}
        return
    name = {"blackboard": "deepgrade total [Total Pts: 20]"}.get(lms, "deepgrade total")
    assert back["1003"][name] == 13.8 and back["1005"][name] == 12 and back["1006"][name] == 1
    ex01 = {"blackboard": "ex01_sigmoid [Total Pts: 12]"}.get(lms, "ex01_sigmoid")
    assert back["1003"][ex01] == 10.8 and back["0042"][ex01] == 0


def test_declared_columns_and_formula_names():
    settings = {"lms": {"columns": {"total": "Homework 1"},
                        "canvas": {"columns": {"total": "Homework 1 (4821)"}},
                        "blackboard": {"columns": {"total": "Homework 1 [Total Pts: 20] |664617"}}}}
    book = gradebook_from_records(RECORDS)
    canvas = import_file("canvas", book, settings)
    assert canvas.splitlines()[0] == "Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (4821)"
    assert canvas.splitlines()[1] == "Points Possible,,,,,20"
    assert "'-Minus" in canvas  # a spreadsheet never runs a name
    assert read_canvas(canvas)["1003"] == {"Homework 1 (4821)": 13.8}
    assert READERS["blackboard"](import_file("blackboard", book, settings))["1005"] == {
        "Homework 1 [Total Pts: 20] |664617": 12}
    assert READERS["brightspace"](import_file("brightspace", book, settings))["1006"] == {"Homework 1": 1}


def test_readers_reject_what_the_importer_rejects():
    with pytest.raises(Rejected):
        READERS["canvas"]("student,ex01\nada,1\n")
    with pytest.raises(Rejected):
        READERS["moodle"]("Identifier,Grade\nParticipant 1,3\n")
    with pytest.raises(Rejected):
        READERS["brightspace"]("Username,x Points Grade\n#a,1\n")


def test_late_policy_flag_and_penalty_are_separate():
    policy = load_policy({"late": {"timezone": "Europe/Berlin", "per": "day", "penalty": 10, "cap": 25,
                                   "grace_minutes": 15, "due": {"ex01_sigmoid": "2026-03-01 23:59"},
                                   "extensions": {"1004": "2026-03-05 23:59",
                                                  "1005": {"ex01_sigmoid": "2026-03-02 12:00"}}}})
    assert policy is not None
    berlin = policy.due["ex01_sigmoid"].tzinfo
    due = datetime(2026, 3, 1, 23, 59, tzinfo=berlin)
    on_time = policy.judge("1", "ex01_sigmoid", due - timedelta(hours=1), None)
    assert not on_time.late and on_time.penalty_percent == 0
    grace = policy.judge("1", "ex01_sigmoid", due + timedelta(minutes=10), None)
    assert grace.late and grace.penalty_percent == 0 and grace.describe() == "late by 0.2 h; no penalty"
    day = policy.judge("1", "ex01_sigmoid", due + timedelta(hours=20), None)
    assert day.penalty_percent == 10 and day.apply(12) == 10.8
    assert policy.judge("1", "ex01_sigmoid", due + timedelta(days=6), None).penalty_percent == 25  # the cap
    utc = policy.judge("1", "ex01_sigmoid", datetime(2026, 3, 1, 22, 58, tzinfo=timezone.utc), None)
    assert not utc.late  # 23:58 in Berlin
    assert not policy.judge("1004", "ex01_sigmoid", due + timedelta(days=3), None).late  # extension
    assert policy.judge("1005", "ex01_sigmoid", due + timedelta(days=1), None).late
    # no due date declared: the LMS's flag stands, nothing deducted
    canvas_late = policy.judge("1", "ex02_forward_pass", None, True)
    assert canvas_late.late and canvas_late.penalty_percent == 0 and canvas_late.lms_late
    with pytest.raises(LatePolicyError, match="timezone"):
        load_policy({"late": {"timezone": "Mars/Olympus"}})
    with pytest.raises(LatePolicyError, match="not a date"):
        load_policy({"late": {"due": {"ex01_sigmoid": "next friday"}}})


@pytest.mark.parametrize("lms", sorted(EXPORTERS))
def test_a_student_known_by_name_alone_is_in_no_import_file_and_said(lms):
    """Brightspace's download names students without an id; one that no roster line names keeps
    their name as their key. Written as a Username, the LMS would look up a user of that name:
    they are left out of every import file, and who was left out is said; results.json keeps why."""
    from autograder.lms.export import left_out
    from autograder.lms.marks import with_roster
    from autograder.lms.roster import Roster, RosterEntry

    bob = Record(student="Bob Stranger", result=RECORDS[2].result,
                 handed=Handed(Submitter("Bob Stranger", "Bob Stranger", "brightspace", id_known=False)))
    assert Handed.from_json(bob.handed.to_json()).submitter.id_known is False  # kept through results.json
    assert Handed.from_json(RECORDS[0].handed.to_json()).submitter.id_known is True
    book = gradebook_from_records([*RECORDS, bob])
    back = READERS[lms](import_file(lms, book, {}))
    assert "Bob Stranger" not in back and "1005" in back
    assert left_out(book) == ["Bob Stranger"]
    # a roster line of that name gives the id: then the import file has them
    with_roster(book, Roster("plain", [RosterEntry("4242", "Bob Stranger")]))
    assert "4242" in READERS[lms](import_file(lms, book, {})) and left_out(book) == []


def test_a_student_with_an_id_is_never_matched_to_the_roster_by_name():
    """Moodle's two John Smiths, 805 not on the roster: matched by name, 805's marks went to
    804's id, and the import file held Participant 804 twice (1 point and 12)."""
    from autograder.lms.marks import with_roster
    from autograder.lms.roster import Roster, RosterEntry

    john = {i: _record({"student": f"John Smith ({i})", "lms_id": i, "name": "John Smith", "exercise": "ex01_sigmoid",
                        "score": score, "max_score": 12}) for i, score in (("804", 1), ("805", 12))}
    book = gradebook_from_records(list(john.values()))
    assert with_roster(book, Roster("moodle", [RosterEntry("804", "John Smith")])) == ["John Smith (805)"]
    assert READERS["moodle"](import_file("moodle", book, {})) == {"804": {"Grade": 1.0}, "805": {"Grade": 12.0}}
